"""The pages call ``st_folium(..., render=False)``: each map is rendered once, and nothing is lost by it.

With ``render=True`` (its default) st_folium renders the whole figure and then the map again, so every
element's template (the districts' and catchments' GeoJSON among them) is compiled twice a run; the
only trace the second pass leaves in the browser's script is each marker's ``setIcon`` call repeated.
Here every map page is run both ways and the two payloads must hold the same lines.
"""

from __future__ import annotations

import ast
import json
from collections import Counter

import pytest
import streamlit_folium
from apphelpers import APP, ROOT, no_failure
from streamlit.testing.v1 import AppTest

from jru_app import state

MAP_PAGES = ["overview", "heatmap", "coverage", "tonight", "planner"]
SCRIPTS = ("script", "feature_group")  # the payload's JavaScript: compared line by line
SCRIPT_HASH = "key"  # st_folium's hash of the script (which differs by the repeated lines), not compared


def _page_payload(page: str) -> dict[str, object]:
    """Open ``page`` in a new session; return the arguments st_folium sent the browser for its one map."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    if page == "planner":  # a placed unit: the plan layer, sent beside the map, is compared too
        at.session_state[state.PLANNED] = (state.PlacedUnit("Test unit", lat=51.2720, lon=0.5230),)
    at.switch_page(f"pages/{page}.py")
    at.run()
    no_failure(at)
    maps = at.get("component_instance")
    assert len(maps) == 1
    args: dict[str, object] = json.loads(maps[0].proto.json_args)
    return args


def _lines(args: dict[str, object], field: str) -> list[str]:
    text = args[field]
    assert isinstance(text, str), field
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("page", MAP_PAGES)
def test_map_rendered_once_sends_what_rendering_twice_sends(
    page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    once = _page_payload(page)
    original = streamlit_folium.st_folium

    def rendering_twice(*args: object, **kwargs: object) -> object:
        kwargs["render"] = True
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(streamlit_folium, "st_folium", rendering_twice)  # the pages import it each run
    twice = _page_payload(page)

    assert once.keys() == twice.keys()
    assert len(_lines(once, "script")) > 10
    for field, value in twice.items():
        if field in SCRIPTS and value is not None:
            assert set(_lines(once, field)) == set(_lines(twice, field)), (page, field)
            extra = Counter(_lines(once, field)) - Counter(_lines(twice, field))
            assert not extra, (page, field, list(extra)[:3])
            lost = Counter(_lines(twice, field)) - Counter(_lines(once, field))
            assert all(".setIcon(" in line for line in lost), (page, field, list(lost)[:3])
        elif field != SCRIPT_HASH:
            assert once[field] == value, (page, field)
    if page == "planner":
        assert "Test unit" in str(once["feature_group"])


def test_every_st_folium_call_on_a_page_renders_once() -> None:
    calls = []
    for script in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "st_folium":
                render = [k.value for k in node.keywords if k.arg == "render"]
                calls.append(script.stem)
                assert [getattr(v, "value", None) for v in render] == [False], f"{script.name}:{node.lineno}"
    assert sorted(calls) == sorted(MAP_PAGES)
