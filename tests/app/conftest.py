"""Fixtures of the browser tests: one ``streamlit run server.py`` per test module, a headless chromium,
a 1280x720 page that accepts downloads, and where screenshots go (helpers in ``browserkit``).

Screenshots go to a temporary folder, so running the tests changes no tracked file; with
JRU_UPDATE_SCREENSHOTS=1 they go to docs/screenshots/ (the README shows them). The fixtures start
nothing until a test asks for them, so the AppTest modules here are unaffected.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, DOC_SHOTS, TIMEOUT_MS, require_chromium, running_app


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a ``streamlit run server.py`` started for this test module."""
    with running_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: docs/screenshots/ with JRU_UPDATE_SCREENSHOTS=1, else a temporary folder."""
    if os.environ.get("JRU_UPDATE_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        return DOC_SHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Debian chromium (skipped without it, see ``browserkit.require_chromium``)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def page(browser: object, server: str) -> Iterator[object]:
    """A 1280x720 page that accepts downloads, on this module's server's browser."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 720}, accept_downloads=True
    )
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()
