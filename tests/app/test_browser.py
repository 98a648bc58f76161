"""A real browser against ``streamlit run server.py``: every page renders and is screenshotted, a click
on the planner map changes the KPIs, and a bad upload shows a message.

The screenshots go to pytest's tmp_path, so running the tests changes no tracked file. Set
JRU_UPDATE_SCREENSHOTS=1 to write them into docs/screenshots/ instead (the README shows them).

The server, browser and page fixtures are in ``conftest.py``, the helpers in ``browserkit.py`` (Debian's
chromium at /usr/bin/chromium, skipped without it unless JRU_REQUIRE_BROWSER=1; no web tiles).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import TIMEOUT_MS, kpi, open_page, running_app, settle

pytestmark = pytest.mark.browser

PAGES = [
    ("overview", ""),
    ("heatmap", "heatmap"),
    ("coverage", "coverage"),
    ("tonight", "tonight"),
    ("planner", "planner"),
    ("data", "data"),
    ("model", "model"),
]
MAP_PAGES = {"overview", "heatmap", "coverage", "tonight", "planner"}


def test_every_page_renders_and_is_screenshotted(page: object, server: str, shots: Path) -> None:
    for name, path in PAGES:
        open_page(page, server, path)
        assert page.locator('[data-testid="stException"]').count() == 0, name  # type: ignore[attr-defined]
        assert page.get_by_text("Something went wrong").count() == 0, name  # type: ignore[attr-defined]
        if name in MAP_PAGES:
            # the folium map really rendered: Leaflet drew its canvas and the town labels in the iframe
            frame = page.locator('iframe[title*="st_folium"]').first.content_frame  # type: ignore[attr-defined]
            assert frame.locator(".leaflet-container canvas").count() > 0
            assert frame.locator(".leaflet-marker-icon").count() >= 14
        page.screenshot(path=str(shots / f"{name}.png"))  # type: ignore[attr-defined]
        assert (shots / f"{name}.png").stat().st_size > 10_000


def test_overview_shows_figures_and_attribution(page: object, server: str) -> None:
    open_page(page, server, "")
    body = page.locator("body").inner_text()  # type: ignore[attr-defined]
    for text in (
        "Joint incidents",
        "Reached within target",
        "Expected coverage",
        "Busiest district",
        "Open Government Licence",
        "As of 21 Nov 2025",
        "Synthetic",
    ):
        assert text in body, text


def test_clicking_the_planner_map_changes_the_kpis(page: object, server: str, shots: Path) -> None:
    open_page(page, server, "planner")
    assert kpi(page, "Units") == ("3", "3")
    before = kpi(page, "Incidents within target (%)")
    frame = page.locator('iframe[title*="st_folium"]').first  # type: ignore[attr-defined]
    box = frame.bounding_box()
    # Maidstone lies a little left of and above the centre of the fitted Kent view.
    frame.click(position={"x": box["width"] * 0.42, "y": box["height"] * 0.5})
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('table tr')].some(
               r => r.innerText.startsWith('Units') && r.innerText.includes('4'))""",
        timeout=TIMEOUT_MS,
    )
    settle(page)
    assert kpi(page, "Units") == ("3", "4")
    after = kpi(page, "Incidents within target (%)")
    assert after[0] == before[0]
    assert float(after[1]) > float(after[0])
    page.screenshot(path=str(shots / "planner.png"))  # type: ignore[attr-defined]


def test_bad_upload_shows_a_message(page: object, server: str) -> None:
    open_page(page, server, "data")
    page.locator('input[type="file"]').first.set_input_files(  # type: ignore[attr-defined]
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"name,colour\nbob,blue\n"}]
    )
    message = page.get_by_text("could not be used", exact=False).first  # type: ignore[attr-defined]
    message.wait_for(timeout=TIMEOUT_MS)
    assert "bad.csv" in message.inner_text() or "bad.csv" in page.locator("body").inner_text()  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]


def test_heatmap_rate_legend_follows_its_layer(page: object, server: str) -> None:
    open_page(page, server, "heatmap")
    frame = page.locator('iframe[title*="st_folium"]').first.content_frame  # type: ignore[attr-defined]
    legends = frame.locator(".jru-legend")
    assert legends.count() == 0  # the rate and 1 km layers start unticked, so do their legends
    frame.locator(".leaflet-control-layers label", has_text="Rate per 1,000 residents").click()
    legends.first.wait_for(state="attached")
    assert legends.count() == 1 and "per 1,000 residents" in legends.first.inner_text()
    frame.locator(".leaflet-control-layers label", has_text="Rate per 1,000 residents").click()
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert legends.count() == 0


def test_a_deep_link_to_a_fresh_server_gets_the_whole_app(page: object, tmp_path: Path) -> None:
    """The first request a server ever gets is a page's URL: the page still opens inside app.py
    (top navigation, no Streamlit pages-folder sidebar list); see jru_app.page._route_through_app."""
    with running_app(tmp_path) as fresh:
        page.goto(f"{fresh}/coverage")  # type: ignore[attr-defined]
        page.get_by_text("Coverage: Kent JRU 2020").first.wait_for()  # type: ignore[attr-defined]
        nav = page.locator('[data-testid="stTopNavLink"], [data-testid="stNavLink"]')  # type: ignore[attr-defined]
        assert nav.count() == len(PAGES)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # type: ignore[attr-defined]
