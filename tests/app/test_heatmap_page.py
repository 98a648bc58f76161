"""The Heatmap page sends a slim map: the 1 km squares only when their checkbox is ticked."""

from __future__ import annotations

from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

SQUARES = "Incidents per 1 km square"  # the squares layer's legend caption


def _map_payload(at: AppTest) -> str:
    """The arguments st_folium sends to the browser for the page's one map (its script and HTML)."""
    maps = at.get("component_instance")
    assert len(maps) == 1
    payload: str = maps[0].proto.json_args
    return payload


def test_heatmap_payload_is_slim_until_the_squares_are_ticked() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/heatmap.py")
    at.run()
    no_failure(at)
    box = at.checkbox(key="heat_squares")
    assert box.value is False
    plain = _map_payload(at)
    assert len(plain.encode("utf-8")) < 300_000  # demo year, no layer ticked
    assert SQUARES not in plain and "Rate per 1,000 residents" in plain
    box.check()
    at.run()
    no_failure(at)
    ticked = _map_payload(at)
    assert SQUARES in ticked
    assert len(ticked) > len(plain) + 300_000  # about 1,900 squares, each with its tooltip
