"""Counted incidents and time slices: filters choose what is counted, never what loads the units.

Hand-made cases use the line geography of tests/factories.py with a 60 km/h straight-line model and
a 1-minute turn-out; the demo-year cases check the same rules at scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import LINE_X0, LINE_Y0, make_incidents, make_line_lsoas, make_scenario, make_vehicle

from jru_geo.errors import CoverageError
from jru_geo.io.scenario import Shift
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.week import WEEKS_PER_YEAR

MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)


def _week_of_calls() -> tuple[pd.DataFrame, list[bool]]:
    """Forty incidents at the base: Friday 22:xx (busy hour) and Tuesday 10:xx, over four weeks."""
    times = [
        pd.Timestamp("2025-01-03 22:00") + pd.Timedelta(days=7 * w, minutes=m)
        for w in range(4)
        for m in (0, 9, 18, 27, 36)
    ]
    times += [
        pd.Timestamp("2025-01-07 10:00") + pd.Timedelta(days=7 * w, minutes=m)
        for w in range(4)
        for m in (0, 9, 18, 27, 36)
    ]
    xy = [(LINE_X0, LINE_Y0)] * len(times)
    friday = [t.day_of_week == 4 for t in times]
    return make_incidents(xy, times), friday


def _fleet():
    return make_scenario(make_vehicle("A", easting=LINE_X0, northing=LINE_Y0, job_min=30.0))


def test_counted_incidents_keep_the_whole_load():
    incidents, friday = _week_of_calls()
    kw = {"lsoas": make_line_lsoas(), "span_weeks": 4.0}
    whole = compute_coverage(incidents, _fleet(), MODEL, **kw)
    counted = compute_coverage(incidents, _fleet(), MODEL, counted=np.array(friday), **kw)
    # the same load: the same busy figures
    assert counted.vehicles["busy_fraction"].iloc[0] == whole.vehicles["busy_fraction"].iloc[0] > 0
    assert counted.fleet_busy_fraction == whole.fleet_busy_fraction
    # only the Friday incidents are counted, each with the figures it has in the whole run
    assert len(counted.incidents) == sum(friday) == 20
    expected = whole.incidents["p_covered_expected"].to_numpy()[np.array(friday)]
    assert counted.incidents["p_covered_expected"].to_numpy() == pytest.approx(expected)
    assert counted.coverage_expected == pytest.approx(expected.mean())
    # the old way (dropping the other incidents) would have understated the load
    dropped = compute_coverage(incidents[np.array(friday)], _fleet(), MODEL, **kw)
    assert dropped.vehicles["busy_fraction"].iloc[0] < whole.vehicles["busy_fraction"].iloc[0]


def test_a_week_slice_and_its_complement_add_up_to_the_week():
    incidents, _ = _week_of_calls()
    kw = {"lsoas": make_line_lsoas(), "span_weeks": 4.0}
    whole = compute_coverage(incidents, _fleet(), MODEL, **kw)
    night = np.zeros(168, dtype=bool)
    night[4 * 24 + 18 : 4 * 24 + 24] = True  # Friday 18:00-24:00
    a = compute_coverage(incidents, _fleet(), MODEL, week_slice=night, **kw).vehicles.iloc[0]
    b = compute_coverage(incidents, _fleet(), MODEL, week_slice=~night, **kw).vehicles.iloc[0]
    w = whole.vehicles.iloc[0]
    assert a["weekly_hours"] == pytest.approx(6.0) and a["weekly_hours"] + b["weekly_hours"] == pytest.approx(
        168
    )
    assert a["calls_attended_per_year"] + b["calls_attended_per_year"] == pytest.approx(
        w["calls_attended_per_year"]
    )
    # the busy hours are busier than the week: ten calls of 30 min in 6 hours against 20 in 168
    assert a["busy_fraction"] > w["busy_fraction"] > b["busy_fraction"]
    # at a thousandth of the load the unit is almost always free: it takes the slice's 5 calls a
    # week (x 0.001) every week of the year
    light = compute_coverage(incidents, _fleet(), MODEL, week_slice=night, demand_scale=0.001, **kw)
    assert light.calls_attended_per_year == pytest.approx(5 * 0.001 * WEEKS_PER_YEAR, rel=1e-2)
    assert a["jobs_per_8h"] == pytest.approx(8 * a["calls_per_hour"])
    assert w["calls_attended_per_year"] == pytest.approx(
        w["calls_per_hour"] * w["weekly_hours"] * WEEKS_PER_YEAR
    )


def test_an_off_shift_slice_has_no_workload():
    incidents, _ = _week_of_calls()
    fleet = make_scenario(
        make_vehicle(
            "A", easting=LINE_X0, northing=LINE_Y0, shifts=[Shift(days=["Fri"], start="18:00", end="02:00")]
        )
    )
    morning = np.zeros(168, dtype=bool)
    morning[24 + 9 : 24 + 12] = True  # Tuesday 09:00-12:00
    result = compute_coverage(incidents, fleet, MODEL, lsoas=make_line_lsoas(), week_slice=morning)
    v = result.vehicles.iloc[0]
    assert (v["weekly_hours"], v["calls_attended_per_year"], v["busy_fraction"]) == (0.0, 0.0, 0.0)
    assert result.loss_probability == pytest.approx(1.0)


def test_bad_masks_are_refused():
    incidents, _ = _week_of_calls()
    with pytest.raises(CoverageError, match="one boolean per incident"):
        compute_coverage(incidents, _fleet(), MODEL, lsoas=make_line_lsoas(), counted=np.ones(3, dtype=bool))
    with pytest.raises(CoverageError, match="168 booleans"):
        compute_coverage(
            incidents, _fleet(), MODEL, lsoas=make_line_lsoas(), week_slice=np.ones(24, dtype=bool)
        )
    with pytest.raises(CoverageError, match="no hour"):
        compute_coverage(
            incidents, _fleet(), MODEL, lsoas=make_line_lsoas(), week_slice=np.zeros(168, dtype=bool)
        )


def test_fri_sat_nights_on_the_demo_year_keep_their_load(demo_joined, default_model, kent_lsoas):
    from jru_geo.areas.filters import IncidentFilter, filter_incidents
    from jru_geo.io.scenario_files import load_default_scenario

    scenario = load_default_scenario()
    flt = IncidentFilter(days=(4, 5), hours=(18, 2))
    counted = demo_joined.index.isin(filter_incidents(demo_joined, flt).incidents.index)
    whole = compute_coverage(demo_joined, scenario, default_model, lsoas=kent_lsoas)
    slot = compute_coverage(
        demo_joined, scenario, default_model, lsoas=kent_lsoas, counted=counted, week_slice=flt.week_hours
    )
    assert len(slot.incidents) == counted.sum()
    assert slot.vehicles["weekly_hours"].tolist() == [16.0, 16.0, 16.0]
    # Friday and Saturday nights are the busiest hours of the demo week
    assert slot.fleet_busy_fraction > whole.fleet_busy_fraction
    # the old way (the filter removed the load, figures over the whole week) made them look idle
    alone = compute_coverage(demo_joined[counted], scenario, default_model, lsoas=kent_lsoas)
    assert alone.fleet_busy_fraction < 0.5 * slot.fleet_busy_fraction
