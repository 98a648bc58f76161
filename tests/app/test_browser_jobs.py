"""The three users' jobs, driven end to end in a real browser against ``streamlit run app.py``.

* Commander: the Tonight page at Saturday 23:00 shows the units on shift then.
* Planner: place a unit by clicking the Planner map, rename it, undo the rename, export the
  business-case pack (the PDF downloads and pypdf reads it back).
* Communications: export the print PNG from the Overview (a PNG, 2400 px wide).

Same set-up and skip rules as ``test_browser.py`` (Debian's chromium at /usr/bin/chromium, skipped
without it unless JRU_REQUIRE_BROWSER=1; no web tiles). Screenshots go to pytest's tmp_path, or to
docs/screenshots/ (``job_*.png``) with JRU_UPDATE_SCREENSHOTS=1, so a run changes no tracked file.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, DOC_SHOTS, TIMEOUT_MS, _kpi, _open, _running_app, _settle

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _running_app(tmp_path_factory.mktemp("streamlit_jobs")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/screenshots/ with JRU_UPDATE_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("JRU_UPDATE_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        return DOC_SHOTS
    return tmp_path_factory.mktemp("job_screenshots")


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
            pg = context.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            yield pg
        finally:
            browser.close()


def _choose(pg: object, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    pg.get_by_role("combobox", name=label, exact=True).click()  # type: ignore[attr-defined]
    pg.get_by_role("option", name=option, exact=True).first.click()  # type: ignore[attr-defined]
    _wait_value(pg, label, option)
    _settle(pg)


def _wait_text(pg: object, text: str) -> None:
    """Wait until the page's text holds ``text``."""
    pg.wait_for_function("t => document.body.innerText.includes(t)", arg=text)  # type: ignore[attr-defined]


def _wait_value(pg: object, label: str, value: str) -> None:
    """Wait until the selectbox labelled ``label`` shows ``value``."""
    pg.wait_for_function(  # type: ignore[attr-defined]
        '([l, v]) => document.querySelector(`input[aria-label="${l}"]`)?.value === v', arg=[label, value]
    )


def _no_failure(pg: object) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert pg.locator('[data-testid="stAlertContentError"]').count() == 0  # type: ignore[attr-defined]


def _metric(pg: object, label: str) -> str:
    card = pg.locator('[data-testid="stMetric"]', has_text=label).first  # type: ignore[attr-defined]
    return str(card.locator('[data-testid="stMetricValue"]').inner_text()).strip()


def test_commander_sees_the_units_on_shift_on_saturday_at_23(page: object, server: str, shots: Path) -> None:
    _open(page, server, "tonight")
    _choose(page, "Night of", "Sat")
    # Kent JRU 2020: three units, each on 18:00-02:00 every night, so none is out at 03:00 ...
    _choose(page, "Hour", "03:00 (next morning)")
    assert _metric(page, "Units on shift") == "0 of 3"
    # ... and all three are at 23:00
    _choose(page, "Hour", "23:00")
    _no_failure(page)
    assert _metric(page, "Units on shift") == "3 of 3"
    assert page.get_by_text("Saturday", exact=False).count() > 0  # type: ignore[attr-defined]
    frame = page.locator('iframe[title*="st_folium"]').first.content_frame  # type: ignore[attr-defined]
    assert frame.locator(".leaflet-container canvas, .leaflet-container path").count() > 0
    page.screenshot(path=str(shots / "job_commander_tonight.png"))  # type: ignore[attr-defined]


def test_planner_places_renames_undoes_and_exports_the_pack(page: object, server: str, shots: Path) -> None:
    from pypdf import PdfReader

    _open(page, server, "planner")
    assert _kpi(page, "Units") == ("3", "3")
    frame = page.locator('iframe[title*="st_folium"]').first  # type: ignore[attr-defined]
    box = frame.bounding_box()
    frame.click(position={"x": box["width"] * 0.42, "y": box["height"] * 0.5})  # near Maidstone
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('table tr')].some(
               r => r.innerText.startsWith('Units') && r.innerText.includes('4'))""",
        timeout=TIMEOUT_MS,
    )
    _settle(page)
    assert _kpi(page, "Units") == ("3", "4")

    # rename it in the editor
    page.get_by_text("Edit the new units (1)").click()  # type: ignore[attr-defined]
    name = page.get_by_label("Name", exact=True)  # type: ignore[attr-defined]
    assert name.input_value() == "New unit 1"
    name.fill("Rapid Maidstone")
    page.get_by_role("button", name="Save changes").click()  # type: ignore[attr-defined]
    _wait_text(page, "New unit(s): Rapid Maidstone;")  # the business case names the plan's units
    _settle(page)
    assert "Rapid+Maidstone" in page.url  # type: ignore[attr-defined]  # the plan kept in the address
    _no_failure(page)
    page.screenshot(path=str(shots / "job_planner_renamed.png"))  # type: ignore[attr-defined]

    # undo the rename: the unit keeps its place and gets its first name back
    page.get_by_role("button", name="Undo").click()  # type: ignore[attr-defined]
    _wait_text(page, "New unit(s): New unit 1;")
    _settle(page)
    assert _kpi(page, "Units") == ("3", "4")
    assert "Rapid" not in page.url  # type: ignore[attr-defined]

    # the business-case pack for chief officers
    page.get_by_role("button", name="Prepare the business-case pack for chief officers (PDF)").click()  # type: ignore[attr-defined]
    download_button = page.get_by_role("button", name="Download the pack (PDF)")  # type: ignore[attr-defined]
    download_button.wait_for(timeout=120_000)
    with page.expect_download(timeout=TIMEOUT_MS) as got:  # type: ignore[attr-defined]
        download_button.click()
    pdf = Path(got.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert len(reader.pages) >= 2
    assert "business case" in text.lower() and "Compared with: Kent JRU 2020" in text, text[:500]
    assert "Units 3 4 +1" in text, text[:800]  # the KPI table: the placed unit against the baseline
    assert sum(len(p.images) for p in reader.pages) >= 1  # the map of the plan
    _no_failure(page)


def test_communications_exports_the_print_png(page: object, server: str, shots: Path) -> None:
    _open(page, server, "")
    button = page.get_by_role("button", name="PNG for print (2400x1350, 200 dpi)")  # type: ignore[attr-defined]
    with page.expect_download(timeout=120_000) as got:  # type: ignore[attr-defined]
        button.click()
    png = Path(got.value.path()).read_bytes()
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (2400, 1350)
    assert len(png) > 100_000
    _no_failure(page)
    if os.environ.get("JRU_UPDATE_SCREENSHOTS") == "1":
        (shots / "job_communications_print.png").write_bytes(png)
