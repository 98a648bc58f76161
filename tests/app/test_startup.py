"""Tests for jru_app.startup and server.py: the server imports what the pages import before it answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jru_app import startup

ROOT = Path(__file__).resolve().parents[2]


def test_page_imports_are_the_pages_top_level_imports(tmp_path: Path) -> None:
    (tmp_path / "one.py").write_text(
        "from __future__ import annotations\nimport json, os.path\nfrom jru_app import data as app\n"
        "from email.mime import text\n\ndef body():\n    import sqlite3\n",
        encoding="utf-8",
    )
    (tmp_path / "two.py").write_text("from json import dumps\nfrom . import sibling\n", encoding="utf-8")
    assert startup.page_imports(tmp_path) == [
        "email.mime",
        "email.mime.text",
        "jru_app",
        "jru_app.data",
        "json",
        "json.dumps",
        "os.path",
    ]


def test_the_real_pages_need_the_map_libraries_and_the_app_edge() -> None:
    names = set(startup.page_imports())
    assert {"streamlit_folium", "jru_app.data", "jru_app.page", "jru_geo.viz.report"} <= names
    assert not any(name.startswith("pages") for name in names)


def test_warm_imports_imports_modules_and_skips_attributes_and_failures() -> None:
    done = startup.warm_imports(["json", "json.dumps", "json.no_such_module_here", "no_such_package_here"])
    assert isinstance(done["json"], float) and "json" in sys.modules
    assert done["json.dumps"] == "not a module"
    assert done["json.no_such_module_here"] == "not a module"
    assert isinstance(done["no_such_package_here"], str)
    assert "No module named 'no_such_package_here'" in str(done["no_such_package_here"])


def test_a_page_import_that_raises_does_not_stop_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken_page_dependency.py"
    broken.write_text("raise RuntimeError('bad config')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    done = startup.warm_imports(["broken_page_dependency", "json"])
    assert done["broken_page_dependency"] == "RuntimeError: bad config"
    assert isinstance(done["json"], float)


def test_server_py_is_an_st_app_that_serves_app_py() -> None:
    """`streamlit run server.py` finds the st.App (Streamlit reads it without running it) for app.py."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "server.py")
    assert found.is_asgi_app and found.app_name == "app"
    assert 'st.App("app.py", lifespan=lifespan)' in (ROOT / "server.py").read_text(encoding="utf-8")


def test_the_lifespan_imports_the_pages_imports_but_leaves_components_to_the_pages() -> None:
    """In a fresh process: every page import is loaded, except streamlit-folium, whose component Streamlit
    registers only when it is declared in a script run (imported here, the map would never load: 404);
    folium, which it imports, is loaded in its place."""
    code = (
        "import asyncio, sys\n"
        "from jru_app import startup\n"
        "async def main():\n"
        "    async with startup.lifespan(None):\n"
        "        pass\n"
        "asyncio.run(main())\n"
        "names = startup.page_imports()\n"
        "missing = [m for m in names if m not in sys.modules and m.rpartition('.')[0] not in sys.modules]\n"
        "loaded = [m in sys.modules for m in ('streamlit_folium', 'folium', 'jru_app.data')]\n"
        "from streamlit.runtime.pages_manager import PagesManager\n"
        "print(*loaded, missing, PagesManager.uses_pages_directory)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    # ... and Streamlit told the app routes with st.navigation (startup.declare_navigation): False
    assert out.stdout.strip() == "False True True ['streamlit_folium', 'streamlit_folium.st_folium'] False", (
        out.stdout + out.stderr
    )
    # and the default area's data was read after them (jru_app.warm; tests/app/test_warm.py)
    assert "read the default area's data before serving: reprojection" in out.stderr
