"""Editable plans: refuse bad bases, edit a placed unit, undo and redo, and keep the plan in the URL."""

from __future__ import annotations

import pytest
from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

from jru_app.state import PlacedUnit, plan_from_text, plan_to_text


def _planner() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/planner.py")
    at.run()
    return at


def _place(at: AppTest, site: str) -> None:
    at.selectbox(key="plan_site").set_value(site)
    at.run()
    at.button(key="plan_place").click()
    at.run()


def _units_row(at: AppTest) -> tuple[str, str]:
    row = at.table[0].value.loc["Units"]
    return row["Baseline"], row["Plan"]


def test_place_edit_undo_redo_and_refuse_a_stacked_unit() -> None:
    at = _planner()
    _place(at, "Maidstone police station")
    no_failure(at)
    assert _units_row(at) == ("3", "4")
    # the same site again is on top of the unit just placed: refused, the plan unchanged
    _place(at, "Maidstone police station")
    assert any("from another unit" in e.value for e in at.error)
    assert _units_row(at) == ("3", "4")
    # give it Friday and Saturday nights and a new name
    next(s for s in at.selectbox if s.label == "Unit").set_value(0)
    at.run()
    next(t for t in at.text_input if t.label == "Name").set_value("Maidstone nights")
    pattern = next(s for s in at.selectbox if s.label == "Shift pattern")
    pattern.set_value("fri-sat-nights")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    no_failure(at)
    hours = at.table[0].value.loc["Unit hours on shift a week"]
    assert hours["Change"] == "+16"
    # undo brings back the first pattern (72 h), redo the edit
    at.button(key="plan_undo").click()
    at.run()
    assert at.table[0].value.loc["Unit hours on shift a week"]["Change"] == "+72"
    at.button(key="plan_redo").click()
    at.run()
    assert at.table[0].value.loc["Unit hours on shift a week"]["Change"] == "+16"
    # the plan is in the URL
    assert "plan" in at.query_params
    units = plan_from_text(
        at.query_params["plan"][0] if isinstance(at.query_params["plan"], list) else at.query_params["plan"]
    )
    assert units[0].name == "Maidstone nights" and units[0].pattern == "fri-sat-nights"


def test_a_reload_brings_the_plan_back_from_the_url() -> None:
    text = plan_to_text(
        (PlacedUnit("From the link", easting=573362.0, northing=155654.0, pattern="every-evening"),)
    )
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["plan"] = text
    at.run()
    at.switch_page("pages/planner.py")
    at.run()
    no_failure(at)
    assert _units_row(at) == ("3", "4")
    assert at.table[0].value.loc["Unit hours on shift a week"]["Change"] == "+56"


def test_a_bad_plan_in_the_url_is_ignored_with_a_message() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["plan"] = '[["x", true, 1, null, null, null, null, null]]'
    at.run()
    at.switch_page("pages/planner.py")
    at.run()
    assert any("could not be read" in w.value for w in at.warning)
    assert _units_row(at) == ("3", "3")


def test_plan_text_round_trip_and_refusals() -> None:
    units = (
        PlacedUnit("A", easting=1.0, northing=2.0),
        PlacedUnit("B", lat=51.3, lon=0.5, pattern="fri,sat@20:00-04:00", target_min=20.0, job_min=40.0),
    )
    assert plan_from_text(plan_to_text(units)) == units
    for bad in ("{}", "[[1, 2]]", '[["a", "x", 1, null, null, null, null, null]]', "not json"):
        with pytest.raises(ValueError):
            plan_from_text(bad)


def test_three_scenarios_side_by_side() -> None:
    at = _planner()
    _place(at, "Maidstone police station")
    labels = at.multiselect(key="cmp_pick").options
    at.multiselect(key="cmp_pick").set_value(list(labels)[:3])
    at.run()
    no_failure(at)
    table = at.table[1].value
    assert len(table.columns) == 3
    assert table.loc["Units"].tolist()[0] == "4"  # the current plan: three units and the one placed
