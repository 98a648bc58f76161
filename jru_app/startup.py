"""What the server does once, before its first visitor: import what the pages import, read Kent's data.

``streamlit run server.py`` serves the same pages as ``streamlit run app.py`` through Streamlit's
``st.App``, whose start-up hook (:func:`lifespan`) runs before the server answers. A page's first
run in a process imports its libraries (folium and its 300 templates, streamlit-folium, pandas,
geopandas, the engine): seconds that the first visitor of a fresh server would otherwise wait for on
every map page. The modules are read from the pages' own top-level imports (:func:`page_imports`)
(a module that declares a Streamlit component, streamlit-folium, is left for the page to import,
as Streamlit only registers a component declared in a script run; what it imports is warmed),
so a new page or import is warmed without a list to keep; what a page imports inside a function
(PDF and PNG rendering, the road network) stays lazy. Then the default area's boundaries, travel
model, demo year and quick-look squares are read into the process's caches (:mod:`jru_app.warm`).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from streamlit.logger import get_logger

__all__ = ["PAGES", "declare_navigation", "lifespan", "page_imports", "warm_data", "warm_imports"]

PAGES = Path(__file__).resolve().parents[1] / "pages"
_LOG = get_logger(__name__)
_NO_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
"""Warns "missing ScriptRunContext" when a module calls Streamlit outside a script run, as
streamlit-folium does on import (declaring its component); harmless here, so quiet while warming."""


def _top_level_imports(source: str, filename: str) -> set[str]:
    """Absolute modules a source imports at its top level (``from pkg import name``: both names)."""
    found: set[str] = set()
    for node in ast.parse(source, filename=filename).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module != "__future__":
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def page_imports(pages: Path = PAGES) -> list[str]:
    """Read the modules the page scripts in ``pages`` import at their top level: sorted, no repeats.

    ``from pkg import name`` gives ``pkg`` and ``pkg.name`` (``name`` may be a submodule, as in
    ``from jru_app import data``; :func:`warm_imports` skips it when it is not).
    """
    found: set[str] = set()
    for script in sorted(pages.glob("*.py")):
        found |= _top_level_imports(script.read_text(encoding="utf-8"), str(script))
    return sorted(found)


def _component_source(name: str) -> Path | None:
    """Find the source of ``name`` if importing it declares a Streamlit component (else None).

    Streamlit registers a component only when it is declared inside a script run, so such a module
    must first be imported by a page: imported here, its component would never be served.
    """
    if name.split(".")[0] == "streamlit":
        return None  # Streamlit's own modules (its component API among them) declare none on import
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    if origin is None or origin.suffix != ".py" or not origin.is_file():
        return None
    return origin if "declare_component" in origin.read_text(encoding="utf-8") else None


def warm_imports(modules: list[str]) -> dict[str, float | str]:
    """Import each module in turn; return the seconds each took, or why it was not imported.

    A name that is an attribute of its (imported) parent rather than a submodule gives
    ``"not a module"``; one that declares a Streamlit component gives ``"component"`` and is left for
    the page to import, its own top-level imports taken in its place; any other failure gives its
    message, and the next module is tried, so a broken page shows its own error when opened instead
    of stopping the server.
    """
    done: dict[str, float | str] = {}
    queue = list(modules)
    while queue:
        name = queue.pop(0)
        if name in done:
            continue
        start = time.perf_counter()
        parents = [name.rsplit(".", k)[0] for k in range(name.count("."), 0, -1)]
        if any(done.get(parent) == "component" for parent in parents):
            done[name] = "component"  # finding or importing it would import its parent
            continue
        try:
            component = _component_source(name)
            if component is not None:
                done[name] = "component"
                source = component.read_text(encoding="utf-8")
                queue.extend(sorted(_top_level_imports(source, str(component))))
                continue
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            parent = name.rpartition(".")[0]
            attribute = exc.name == name and isinstance(done.get(parent), float)
            done[name] = "not a module" if attribute else f"{type(exc).__name__}: {exc}"
            continue
        except Exception as exc:  # noqa: BLE001 - reported, and the page reports it again when opened
            done[name] = f"{type(exc).__name__}: {exc}"
            continue
        done[name] = time.perf_counter() - start
    return done


def declare_navigation() -> None:
    """Tell Streamlit, before its first script run, that the app routes with ``st.navigation``.

    While a ``pages/`` folder sits beside the entry point, Streamlit runs a deep-linked page file by
    itself (its first multipage scheme) until app.py has called ``st.navigation`` once in the process
    (streamlit/streamlit#9624), so a fresh server's first visitor waited for three script runs: the
    bare page, app.py, the page again (:func:`jru_app.page._route_through_app`). ``st.navigation``
    clears this process-wide flag itself; cleared here, the first run is app.py's like every later one.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def warm_data() -> dict[str, float] | str:
    """Fill the default area's area-wide caches (:func:`jru_app.warm.warm_area`).

    Returns the seconds each step took, or why it failed: a failure never stops the server, as the
    page that needs the data shows its own error when opened.
    """
    try:
        from jru_app.warm import warm_area

        return warm_area()
    except Exception as exc:  # noqa: BLE001 - reported, and the page reports it again when opened
        return f"{type(exc).__name__}: {exc}"


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """``st.App`` start-up hook: declare the navigation, import the pages' imports, read Kent's data."""
    quiet = logging.getLogger(_NO_CONTEXT_LOGGER)
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    declare_navigation()
    try:
        done = warm_imports(page_imports())
        data = warm_data()
    finally:
        quiet.setLevel(level)
    seconds = sum(v for v in done.values() if isinstance(v, float))
    failed = {k: v for k, v in done.items() if isinstance(v, str) and v not in ("not a module", "component")}
    _LOG.info("imported %d modules for the pages in %.2f s before serving", len(done) - len(failed), seconds)
    for name, why in failed.items():
        _LOG.warning("could not import %s for the pages (the page that needs it will say why): %s", name, why)
    if isinstance(data, str):
        _LOG.warning(
            "could not read the default area's data before serving (the pages will say why): %s", data
        )
    else:
        steps = ", ".join(f"{name} {sec:.2f} s" for name, sec in data.items())
        _LOG.info("read the default area's data before serving: %s", steps)
    yield
