"""The Heatmap page builds its map once per data, filter and options; a rerun reuses it."""

from __future__ import annotations

from typing import Any

import pytest
from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

from jru_app import cache
from jru_geo.viz import maps


def _map_payload(at: AppTest) -> str:
    """The arguments st_folium sends to the browser for the page's one map (its script and HTML)."""
    found = at.get("component_instance")
    assert len(found) == 1
    payload: str = found[0].proto.json_args
    return payload


def test_a_rerun_with_the_same_inputs_does_not_rebuild_the_map(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[bool] = []
    real = maps.heatmap_map

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(bool(kwargs["squares"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(maps, "heatmap_map", counting)
    cache._heatmap_map.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/heatmap.py")
    at.run()
    no_failure(at)
    first = _map_payload(at)
    assert built == [False]
    at.run()  # the same inputs again
    no_failure(at)
    assert built == [False]
    assert _map_payload(at) == first  # the same map, element ids and all
    at.checkbox(key="heat_squares").check()
    at.run()
    no_failure(at)
    assert built == [False, True]  # another option, another map
    assert len(_map_payload(at)) > len(first)
    at.checkbox(key="heat_squares").uncheck()
    at.run()
    no_failure(at)
    assert built == [False, True]
    assert _map_payload(at) == first
