"""The layering in ../shared/STYLE.md, checked with ast: jru_geo is a pure library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "jru_geo").glob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add((node.module or "").split(".")[0])
    return roots


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_library_never_imports_streamlit(module: Path) -> None:
    assert not _imported_roots(module) & {"streamlit", "streamlit_folium"}, module.name


@pytest.mark.parametrize("module", [m for m in MODULES if not m.name.startswith("_")], ids=lambda p: p.name)
def test_public_modules_declare_all(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = {
        t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
    }
    assert "__all__" in names, f"{module.name} has no __all__"


def test_app_entry_point_only_routes() -> None:
    roots = _imported_roots(ROOT / "app.py")
    assert roots <= {"__future__", "streamlit", "jru_cache", "jru_geo", "pathlib"}, roots
    assert "st.navigation" in (ROOT / "app.py").read_text(encoding="utf-8")
