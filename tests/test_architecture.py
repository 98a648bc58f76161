"""The house rules of ../shared/STYLE.md, checked with ast over every module (rglob), so that a new
subpackage is covered the day it is added.

* jru_geo is a pure library: it never imports streamlit, and each public module declares ``__all__``.
* No import circles, counting imports inside functions too (a lazy import still ties two rooms).
* Layers: inside jru_geo, optimise/viz -> model -> areas -> io -> the bottom modules (errors, settings,
  week, _crs, _validate, demand_profile); the app edge runs pages -> jru_app -> jru_geo, with
  ``jru_app.state`` at the bottom of jru_app; app.py only routes.
* No module of jru_geo, jru_app, pages or app.py passes 600 lines.
* Pages never import geopandas, shapely or pyproj: geometry lives in jru_geo.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "jru_geo").rglob("*.py"))
APP_EDGE = sorted((ROOT / "jru_app").rglob("*.py"))
PAGES = sorted((ROOT / "pages").glob("*.py"))
CODE = [*LIBRARY, *APP_EDGE, *PAGES, ROOT / "app.py", ROOT / "server.py"]
MAX_LINES = 600

# Rank of each layer inside jru_geo: a module may import only modules of a lower or equal rank.
BOTTOM = {"errors", "settings", "week", "_crs", "_validate", "demand_profile", "__init__"}
LAYER_RANK = {"bottom": 0, "io": 1, "areas": 2, "model": 3, "optimise": 4, "viz": 4, "cli": 5}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Every module imported anywhere in the file (absolute names; ``from a import b`` gives ``a.b``
    when ``a/b.py`` is a module of this repository, else ``a``)."""
    names: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _module_name(path).split(".")
                base = base[: len(base) - node.level + (1 if path.name == "__init__.py" else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                is_module = (ROOT / Path(*sub.split(".")).with_suffix(".py")).exists() or (
                    ROOT / Path(*sub.split(".")) / "__init__.py"
                ).exists()
                names.append(sub if is_module else module)
    return names


def _roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports(path)}


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    ours = {_module_name(p) for p in CODE}
    for path in CODE:
        source = _module_name(path)
        graph.add_node(source)
        for target in _imports(path):
            if target in ours and target != source:
                graph.add_edge(source, target)
    return graph


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BOTTOM:
        return "bottom"
    if parts[1] in {
        "__main__",
        "_cli_engine",
        "_cli_area",
        "_cli_business",
        "_cli_history",
        "_cli_report",
        "_json",
    }:
        return "cli"
    return parts[1]


def test_every_module_is_checked() -> None:
    assert len(LIBRARY) > 30 and any(p.parent != ROOT / "jru_geo" for p in LIBRARY)


def test_no_import_circles() -> None:
    cycles = sorted(nx.simple_cycles(_graph()))
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", CODE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_is_at_most_600_lines(module: Path) -> None:
    n = len(module.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module.relative_to(ROOT)} has {n} lines: split it by concept"


@pytest.mark.parametrize("module", LIBRARY, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_library_never_imports_streamlit(module: Path) -> None:
    assert not _roots(module) & {"streamlit", "streamlit_folium", "jru_app"}, module.name


@pytest.mark.parametrize(
    "module", [m for m in LIBRARY if not m.name.startswith("_")], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_public_modules_declare_all(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = {
        t.id
        for n in tree.body
        if isinstance(n, (ast.Assign, ast.AnnAssign))
        for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        if isinstance(t, ast.Name)
    }
    assert "__all__" in names, f"{module.relative_to(ROOT)} has no __all__"


def test_library_layers_point_down() -> None:
    wrong = [
        f"{a} -> {b}"
        for a, b in _graph().edges
        if a.startswith("jru_geo")
        and b.startswith("jru_geo")
        and LAYER_RANK[_layer(b)] > LAYER_RANK[_layer(a)]
    ]
    assert not wrong, "imports that run up a layer: " + ", ".join(sorted(wrong))


def test_optimiser_works_on_numbers_only() -> None:
    for name in ("placement.py", "_objective.py", "_milp.py"):
        assert not _roots(ROOT / "jru_geo" / "optimise" / name) & {"geopandas", "shapely", "pyproj"}, name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_thin(page: Path) -> None:
    assert not _roots(page) & {"geopandas", "shapely", "pyproj"}, page.name


def test_app_edge_runs_one_way() -> None:
    graph = _graph()
    state_imports = {b for b in graph.successors("jru_app.state") if b.startswith(("jru_app", "pages"))}
    assert not state_imports, f"jru_app.state must sit at the bottom, imports {state_imports}"
    upward = [
        f"{a} -> {b}"
        for a, b in graph.edges
        if a.startswith(("jru_app", "jru_geo")) and b.startswith("pages")
    ]
    assert not upward, upward


def test_app_entry_point_only_routes() -> None:
    roots = _roots(ROOT / "app.py")
    assert roots <= {"__future__", "streamlit", "jru_app", "jru_geo", "pathlib"}, roots
    assert "st.navigation" in (ROOT / "app.py").read_text(encoding="utf-8")


def test_readme_layout_table_matches_the_tree() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Development", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`((?:jru_geo|jru_app)/[\w/]+\.py)`", section))
    tree = {p.relative_to(ROOT).as_posix() for p in [*LIBRARY, *APP_EDGE] if p.name != "__init__.py"}
    assert not tree - listed, f"modules missing from README's layout table: {sorted(tree - listed)}"
    assert not listed - tree, f"README's layout table lists missing modules: {sorted(listed - tree)}"
