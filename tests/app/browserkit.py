"""Helpers shared by the browser tests: start ``streamlit run server.py``, wait for it, read the page.

The pytest fixtures built on these (``server``, ``shots``, ``browser``, ``page``) are in
``tests/app/conftest.py``. Needs Debian's chromium at /usr/bin/chromium (scripts/test.sh installs
it). Without it a browser test is skipped, unless JRU_REQUIRE_BROWSER=1, when it fails. Maps are
drawn without web tiles and Leaflet is served by the app itself, so nothing needs the internet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jru_app import serve

ROOT = Path(__file__).resolve().parents[2]
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM, CHROMIUM_ARGS = serve.CHROMIUM, serve.CHROMIUM_ARGS
TIMEOUT_MS = 45_000


def require_chromium() -> None:
    """Skip (or, with JRU_REQUIRE_BROWSER=1, fail) when Debian's chromium is missing."""
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser test"
    )
    if os.environ.get("JRU_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (JRU_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@contextmanager
def running_app(log_dir: Path) -> Iterator[str]:
    """The app on a free loopback port (:func:`jru_app.serve.running_app`); yields its URL."""
    require_chromium()
    with serve.running_app(log_dir / "server.log") as url:
        yield url


def settle(pg: object, *, timeout_ms: float = TIMEOUT_MS) -> None:
    """Wait until the script has finished running (at most ``timeout_ms``) and the maps have drawn.

    Not "networkidle": once the app has written the plan into the address (a same-document
    navigation) Playwright never reports the page idle again; the maps' frames are waited for instead.
    """
    pg.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )
    frames = pg.locator('iframe[title*="st_folium"]')  # type: ignore[attr-defined]
    attempts = 5  # a rerun may replace the map's frame while it is waited for: take the new one
    for attempt in range(attempts):
        if not frames.count():
            break
        try:
            frame = frames.first.element_handle().content_frame()
            if frame is None:  # the frame element was detached between the lookup and the call
                raise RuntimeError("the map's frame was detached before it could be read")
            frame.wait_for_load_state("load", timeout=timeout_ms)
            frame.locator(".leaflet-container .leaflet-marker-icon").first.wait_for(
                state="attached", timeout=timeout_ms
            )
            break
        except Exception as err:  # noqa: BLE001 - playwright's Error; only a detached frame is retried
            if "detached" not in str(err).lower() or attempt == attempts - 1:
                raise
            pg.wait_for_timeout(250)  # type: ignore[attr-defined]
    pg.wait_for_timeout(1500)  # type: ignore[attr-defined]


def open_page(pg: object, server: str, path: str, *, timeout_ms: float = TIMEOUT_MS) -> None:
    """Go to ``server/path`` and wait (at most ``timeout_ms`` a step) for its heading and maps."""
    pg.goto(f"{server}/{path}", timeout=timeout_ms)  # type: ignore[attr-defined]
    pg.wait_for_load_state("networkidle", timeout=timeout_ms)  # type: ignore[attr-defined]
    pg.locator('[data-testid="stMainBlockContainer"] h3').first.wait_for(timeout=timeout_ms)  # type: ignore[attr-defined]
    settle(pg, timeout_ms=timeout_ms)


def kpi(pg: object, name: str) -> tuple[str, str]:
    """The first two cells of the first table row holding ``name`` (e.g. baseline and plan)."""
    row = pg.locator("table tr", has_text=name).first  # type: ignore[attr-defined]
    cells = row.locator("td").all_inner_texts()
    return cells[0].strip(), cells[1].strip()
