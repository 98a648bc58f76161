"""User text never becomes a link or an image in a real browser (issue 10, item 4).

An incident file whose name and header carry a markdown link, a markdown image and an HTML ``<img>``,
and scenarios whose name and vehicle names carry the same, are uploaded on the Data page of a running
``streamlit run server.py``; the page (and the Coverage page, whose title is the scenario's name) must
show their text and hold no ``<a>`` or ``<img>`` pointing at them. Same chromium set-up as
``test_browser.py`` (skipped without /usr/bin/chromium unless JRU_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, open_page, running_app, settle

pytestmark = pytest.mark.browser

LINK = "[evil link](https://evil.example/link)"
IMAGE = "![evil image](https://evil.example/pic.png)"
TAG = "<img src=https://evil.example/tag.png>"
HOSTILE = f"{LINK} {IMAGE} {TAG}"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with running_app(tmp_path_factory.mktemp("streamlit")) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pg = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            pg.jru_url = url  # type: ignore[attr-defined]
            yield pg
        finally:
            browser.close()


def _no_injected_elements(pg: object) -> None:
    links = pg.locator('a[href*="evil.example"]').count()  # type: ignore[attr-defined]
    images = pg.locator('img[src*="evil.example"]').count()  # type: ignore[attr-defined]
    assert (links, images) == (0, 0), "user text became a link or an image"


def _text(pg: object) -> str:
    """The page's text, without the invisible word joiners that keep bare URLs from becoming links."""
    return str(pg.locator("body").inner_text()).replace("\u2060", "")  # type: ignore[attr-defined]


def _scenario(name: str, vehicle: str, base: dict[str, object]) -> bytes:
    shift = {"days": ["Fri", "Sat"], "start": "18:00", "end": "02:00"}
    vehicles = [{"id": "v1", "name": vehicle, "base": base, "shifts": [shift]}]
    return json.dumps({"name": name, "vehicles": vehicles}).encode("utf-8")


def _upload(pg: object, index: int, name: str, data: bytes, mime: str) -> None:
    pg.locator('input[type="file"]').nth(index).set_input_files(  # type: ignore[attr-defined]
        files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def test_incident_file_name_and_header_stay_text(page: object) -> None:
    open_page(page, page.jru_url, "data")  # type: ignore[attr-defined]
    header = f"{LINK},{IMAGE},{TAG}\n1,2,3\n".encode()
    _upload(page, 0, f"{LINK}{IMAGE}.csv", header, "text/csv")
    message = page.get_by_text("could not be used", exact=False).first  # type: ignore[attr-defined]
    message.wait_for(timeout=TIMEOUT_MS)
    settle(page)
    body = _text(page)
    assert "[evil link](https://evil.example/link)" in body
    assert "![evil image](https://evil.example/pic.png)" in body
    _no_injected_elements(page)


def test_scenario_and_vehicle_names_stay_text(page: object) -> None:
    open_page(page, page.jru_url, "data")  # type: ignore[attr-defined]
    bad = _scenario(HOSTILE, f"vehicle {HOSTILE}", {"postcode": "ZZ1 1ZZ"})
    _upload(page, 1, "bad.json", bad, "application/json")
    page.get_by_text("That scenario could not be used", exact=False).first.wait_for()  # type: ignore[attr-defined]
    settle(page)
    body = _text(page)
    assert f"vehicle {LINK}" in body
    assert TAG in body
    _no_injected_elements(page)

    good = _scenario(HOSTILE, f"vehicle {HOSTILE}", {"lat": 51.27, "lon": 0.52})
    _upload(page, 1, "good.json", good, "application/json")
    settle(page)
    page.locator('a[href$="/coverage"]').first.click()  # type: ignore[attr-defined]
    page.get_by_text("Coverage: [evil link]", exact=False).first.wait_for()  # type: ignore[attr-defined]
    settle(page)
    body = _text(page)
    assert f"Coverage: {HOSTILE}" in body
    _no_injected_elements(page)
