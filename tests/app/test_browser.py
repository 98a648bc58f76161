"""A real browser against ``streamlit run app.py``: every page renders and is screenshotted, a click
on the planner map changes the KPIs, and a bad upload shows a message.

The screenshots go to pytest's tmp_path, so running the tests changes no tracked file. Set
JRU_UPDATE_SCREENSHOTS=1 to write them into docs/screenshots/ instead (the README shows them).

Needs Debian's chromium at /usr/bin/chromium (scripts/test.sh installs it). Without it the test is
skipped, unless JRU_REQUIRE_BROWSER=1, when it fails. Maps are drawn without web tiles and Leaflet is
served by the app itself, so nothing needs the internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
TIMEOUT_MS = 45_000


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser test"
    )
    if os.environ.get("JRU_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (JRU_REQUIRE_BROWSER=1)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout_s:.0f} s")


@contextmanager
def _running_app(log_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port (no web tiles, pinned date); yields its URL."""
    _require_chromium()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (log_dir / "server.log").open("wb")
    env = {**os.environ, "JRU_TILES": "0", "JRU_AS_OF": "2025-11-21"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _running_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/screenshots/ with JRU_UPDATE_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("JRU_UPDATE_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        return DOC_SHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            pg = context.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            yield pg
        finally:
            browser.close()


def _settle(pg: object) -> None:
    """Wait until the script has finished running and the maps have drawn."""
    pg.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    pg.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    frames = pg.locator('iframe[title*="st_folium"]')  # type: ignore[attr-defined]
    if frames.count():
        frames.first.content_frame.locator(".leaflet-container .leaflet-marker-icon").first.wait_for(
            state="attached"
        )
    pg.wait_for_timeout(1500)  # type: ignore[attr-defined]


def _open(pg: object, server: str, path: str) -> None:
    pg.goto(f"{server}/{path}")  # type: ignore[attr-defined]
    pg.locator('[data-testid="stMainBlockContainer"] h3').first.wait_for()  # type: ignore[attr-defined]
    _settle(pg)


def _kpi(pg: object, name: str) -> tuple[str, str]:
    row = pg.locator("table tr", has_text=name).first  # type: ignore[attr-defined]
    cells = row.locator("td").all_inner_texts()
    return cells[0].strip(), cells[1].strip()


def test_every_page_renders_and_is_screenshotted(page: object, server: str, shots: Path) -> None:
    for name, path in PAGES:
        _open(page, server, path)
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
    _open(page, server, "")
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
    _open(page, server, "planner")
    assert _kpi(page, "Units") == ("3", "3")
    before = _kpi(page, "Incidents within target (%)")
    frame = page.locator('iframe[title*="st_folium"]').first  # type: ignore[attr-defined]
    box = frame.bounding_box()
    # Maidstone lies a little left of and above the centre of the fitted Kent view.
    frame.click(position={"x": box["width"] * 0.42, "y": box["height"] * 0.5})
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('table tr')].some(
               r => r.innerText.startsWith('Units') && r.innerText.includes('4'))""",
        timeout=TIMEOUT_MS,
    )
    _settle(page)
    assert _kpi(page, "Units") == ("3", "4")
    after = _kpi(page, "Incidents within target (%)")
    assert after[0] == before[0]
    assert float(after[1]) > float(after[0])
    page.screenshot(path=str(shots / "planner.png"))  # type: ignore[attr-defined]


def test_bad_upload_shows_a_message(page: object, server: str) -> None:
    _open(page, server, "data")
    page.locator('input[type="file"]').first.set_input_files(  # type: ignore[attr-defined]
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"name,colour\nbob,blue\n"}]
    )
    message = page.get_by_text("could not be used", exact=False).first  # type: ignore[attr-defined]
    message.wait_for(timeout=TIMEOUT_MS)
    assert "bad.csv" in message.inner_text() or "bad.csv" in page.locator("body").inner_text()  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]


def test_heatmap_rate_legend_follows_its_layer(page: object, server: str) -> None:
    _open(page, server, "heatmap")
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
    with _running_app(tmp_path) as fresh:
        page.goto(f"{fresh}/coverage")  # type: ignore[attr-defined]
        page.get_by_text("Coverage: Kent JRU 2020").first.wait_for()  # type: ignore[attr-defined]
        nav = page.locator('[data-testid="stTopNavLink"], [data-testid="stNavLink"]')  # type: ignore[attr-defined]
        assert nav.count() == len(PAGES)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # type: ignore[attr-defined]
