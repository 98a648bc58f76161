"""The Tonight page: a commander's hour, from the same engine as the Coverage page."""

from __future__ import annotations

from apphelpers import APP, demo_joined, no_failure
from streamlit.testing.v1 import AppTest

from jru_geo.io.boundaries import load_lsoas
from jru_geo.io.scenario_files import load_default_scenario
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.tonight import night_slice, tonight
from jru_geo.model.travel.factory import make_model
from jru_geo.viz import report


def test_saturday_23_shows_the_engines_figures(monkeypatch) -> None:
    monkeypatch.setenv("JRU_AS_OF", "2025-06-14T23:30")  # a Saturday, 23:30: the default is that hour
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/tonight.py")
    at.run()
    no_failure(at)
    assert at.selectbox(key="tn_night").value == 5 and at.selectbox(key="tn_hour").value == 23
    fleet = load_default_scenario()
    result = compute_coverage(
        demo_joined(), fleet, make_model("calibrated"), lsoas=load_lsoas(), week_slice=night_slice(5, 23)
    )
    view = tonight(result, fleet, 5, 23)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Units on shift"] == "3 of 3"
    assert shown["JRU calls in this hour"] == f"{view.demand_per_week:.1f} a week"
    assert shown["Covered (unit on shift and free)"] == report.format_share(
        view.covered_expected_per_week / view.demand_per_week
    )
    table = at.dataframe[0].value
    assert table["next_change"].tolist() == ["off at Sun 02:00"] * 3
    # an afternoon on a weekday: nobody on, and the page says so
    at.selectbox(key="tn_night").set_value(1)
    at.selectbox(key="tn_hour").set_value(12)
    at.run()
    no_failure(at)
    assert {m.label: m.value for m in at.metric}["Units on shift"] == "0 of 3"
    assert any("No unit is on shift" in i.value for i in at.info)
