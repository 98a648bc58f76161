"""Editable plans: refuse bad bases, edit a placed unit, undo and redo, and keep the plan in the URL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Toggle

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


class _FakeMap:
    """Stands in for ``st_folium`` in AppTest (which cannot run the map's JavaScript): a click set
    here is sent as the component sends one, its value under the map's key, then ``on_change``, then
    a new run (the component's value change starts the run with the callback; here it is the next)."""

    def __init__(self) -> None:
        self.last_clicked: dict[str, float] | None = None
        self._sent: dict[str, float] | None = None

    def __call__(self, *args: object, key: str, on_change: Callable[[], None], **kwargs: object) -> object:
        if self.last_clicked is not None and self.last_clicked != self._sent:
            self._sent = self.last_clicked
            st.session_state[key] = {"last_clicked": self.last_clicked}
            on_change()
            st.rerun()
        return {"last_clicked": self.last_clicked}

    def click(self, at: AppTest, lat: float, lon: float) -> None:
        self.last_clicked = {"lat": lat, "lng": lon}
        at.run()


def _move_toggle(at: AppTest) -> Toggle:
    return next(t for t in at.toggle if t.label.startswith("Move "))


def test_a_re_click_moves_the_chosen_unit_refuses_the_sea_and_undo_moves_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import streamlit_folium

    fake = _FakeMap()
    monkeypatch.setattr(streamlit_folium, "st_folium", fake)  # the page imports it on every run
    at = _planner()
    fake.click(at, 51.2720, 0.5230)  # Maidstone: a click with no move chosen adds a unit
    no_failure(at)
    assert _units_row(at) == ("3", "4")
    placed = plan_from_text(str(at.query_params["plan"]))
    assert placed[0].name == "New unit 1" and placed[0].lat == 51.2720
    # a name with Markdown in it is shown as written in the toggle's label
    next(t for t in at.text_input if t.label == "Name").set_value("*Rapid* [x](y)")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert _move_toggle(at).label == r"Move \*Rapid\* [x]\(y) to the next map click"
    geographic = at.table[0].value.loc["Geographic: incidents within target (%)"]["Plan"]
    where = plan_from_text(str(at.query_params["plan"]))[0]  # the form saved it by easting, northing
    assert where.easting is not None and 572_000 < where.easting < 577_000  # Maidstone

    _move_toggle(at).set_value(True)
    at.run()
    assert any("Click the map to move" in i.value for i in at.info)
    fake.click(at, 51.6000, 1.6000)  # the North Sea: refused, the unit stays, the move stays on
    assert any("outside" in e.value and "stays where it was" in e.value for e in at.error)
    assert plan_from_text(str(at.query_params["plan"]))[0] == where
    assert _move_toggle(at).value is True
    fake.click(at, 51.1465, 0.8750)  # Ashford: moved there, not added
    no_failure(at)
    assert _units_row(at) == ("3", "4")
    moved = plan_from_text(str(at.query_params["plan"]))
    assert len(moved) == 1
    assert (moved[0].name, moved[0].lat, moved[0].lon) == ("*Rapid* [x](y)", 51.1465, 0.8750)
    assert moved[0].easting is None and moved[0].northing is None
    assert at.table[0].value.loc["Geographic: incidents within target (%)"]["Plan"] != geographic
    easting = next(n for n in at.number_input if n.label == "Easting (m)").value
    assert easting is not None and 600_000 < easting < 605_000  # Ashford, about 30 km east of Maidstone
    assert _move_toggle(at).value is False  # the move mode has ended ...
    fake.click(at, 51.3800, 0.5500)  # ... so the next click (Chatham) adds a unit
    assert _units_row(at) == ("3", "5")
    # undo takes back the new unit, then the move
    at.button(key="plan_undo").click()
    at.run()
    at.button(key="plan_undo").click()
    at.run()
    assert plan_from_text(str(at.query_params["plan"])) == (where,)
