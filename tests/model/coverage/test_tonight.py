"""Tonight: one hour of a night, as the engine sees it (nights belong to the day they start)."""

from __future__ import annotations

import numpy as np
import pytest

from jru_geo.errors import CoverageError
from jru_geo.io.scenario_files import load_default_scenario
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.tonight import (
    describe_hour,
    hour_of_night,
    night_of_hour,
    night_slice,
    on_shift_fleet,
    tonight,
)


def test_hours_after_midnight_belong_to_the_night_before():
    assert hour_of_night(5, 23) == 5 * 24 + 23  # Saturday 23:00
    assert hour_of_night(5, 1) == 6 * 24 + 1  # Saturday night 01:00 is Sunday 01:00
    assert hour_of_night(6, 3) == 3  # Sunday night 03:00 is Monday 03:00
    assert hour_of_night(0, 6) == 6  # a service day starts at 06:00
    for h in range(168):
        assert hour_of_night(*night_of_hour(h)) == h
    assert describe_hour(5, 1) == "Sat night, 01:00 (Sun 01:00)"
    assert night_slice(4, 22).sum() == 1 and night_slice(4, 22)[4 * 24 + 22]
    with pytest.raises(CoverageError, match="clock hour 0-23"):
        hour_of_night(1, 24)
    with pytest.raises(CoverageError, match="day 0"):
        hour_of_night(7, 1)


@pytest.fixture(scope="module")
def fleet():
    return load_default_scenario()


def _view(demo_joined, default_model, kent_lsoas, fleet, night, hour):
    result = compute_coverage(
        demo_joined, fleet, default_model, lsoas=kent_lsoas, week_slice=night_slice(night, hour)
    )
    return result, tonight(result, fleet, night, hour)


def test_saturday_23_on_the_demo_year(demo_joined, default_model, kent_lsoas, fleet):
    result, view = _view(demo_joined, default_model, kent_lsoas, fleet, 5, 23)
    assert view.units_on_shift == 3
    assert view.units["next_change"].tolist() == ["off at Sun 02:00"] * 3
    # each unit's busy probability is the engine's for that hour, averaged over its slots
    assert view.units["busy_probability"].tolist() == result.vehicles["busy_fraction"].tolist()
    assert result.queue is not None
    slots = result.queue.schedule.busy_probability[(5 * 24 + 23) * 4 : (5 * 24 + 24) * 4]
    assert view.units["busy_probability"].to_numpy() == pytest.approx(slots.mean(axis=0))
    # demand in the hour: the incidents of Saturdays 23:00-24:00 over the weeks of data
    sat23 = (demo_joined["time"].dt.day_of_week == 5) & (demo_joined["time"].dt.hour == 23)
    assert view.demand_per_week == pytest.approx(sat23.sum() / result.span_weeks)
    assert 0 < view.covered_expected_per_week <= view.covered_in_hours_per_week <= view.demand_per_week
    assert view.uncovered_per_week == pytest.approx(view.demand_per_week - view.covered_expected_per_week)
    assert [v.id for v in on_shift_fleet(fleet, view).vehicles] == ["JRU1", "JRU2", "JRU3"]


def test_a_weekday_noon_has_no_unit_and_says_when_they_come_on(demo_joined, default_model, kent_lsoas, fleet):
    _, view = _view(demo_joined, default_model, kent_lsoas, fleet, 1, 12)  # Tuesday 12:00
    assert view.units_on_shift == 0 and not on_shift_fleet(fleet, view).vehicles
    assert view.units["next_change"].tolist() == ["on at Tue 18:00"] * 3
    assert view.covered_expected_per_week == 0.0 and view.uncovered_per_week == view.demand_per_week > 0
    assert np.all(view.units["busy_probability"] == 0)


def test_a_result_for_another_hour_is_refused(demo_joined, default_model, kent_lsoas, fleet):
    whole = compute_coverage(demo_joined.iloc[:500], fleet, default_model, lsoas=kent_lsoas)
    with pytest.raises(CoverageError, match="week_slice=night_slice"):
        tonight(whole, fleet, 5, 23)
