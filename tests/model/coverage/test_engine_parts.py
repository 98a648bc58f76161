"""The engine's per-location shortcuts give exactly what the per-incident formulas give.

``compute_coverage`` works out covering sets, dispatch lists and nearest vehicles once per distinct
incident location and expands them; the span of the data from each kind's first and last time;
the mean travel vehicle by vehicle. Each is checked here against the direct per-incident formula
(bit for bit, so no figure of the engine moves), and end to end on incidents timed to the minute,
the day and the month.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.coverage.dispatch import _cover_groups, _masks_to_int, _unique_rows
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.prepared import _mean_travel
from jru_geo.model.coverage.timing import _span_weeks
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG

X0, Y0 = 560_000.0, 150_000.0
MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cover_groups_equal_the_distinct_rows_of_each_incidents_keys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    covering = rng.random((30, 5)) < 0.4
    usable = covering & (rng.random((30, 5)) < 0.7)
    location = rng.integers(0, 30, 500)
    profile = rng.integers(0, 4, 500)
    keys = np.column_stack([_masks_to_int(covering[location]), _masks_to_int(usable[location]), profile])
    want_uniq, want_group = _unique_rows(keys)
    uniq, group = _cover_groups(covering, usable, location, profile)
    np.testing.assert_array_equal(uniq, want_uniq)
    np.testing.assert_array_equal(group, want_group)
    assert uniq.dtype == want_uniq.dtype == np.int64


def _span_direct(time: pd.Series, precision: pd.Series) -> float:
    """The span as every incident's own day or month gives it (the formula, row by row)."""
    t = time[time.notna()]
    monthly = precision[time.notna()].to_numpy() == "month"
    day_start = t.dt.floor("D")
    month_start = t.dt.to_period("M").dt.start_time
    start = day_start.where(~monthly, month_start)
    end = (day_start + pd.Timedelta(days=1)).where(~monthly, month_start + pd.offsets.MonthBegin(1))
    return max(float((end.max() - start.min()) / pd.Timedelta(weeks=1)), 1 / 7)


@pytest.mark.parametrize(
    ("times", "precisions"),
    [
        (["2024-03-05 10:00", "2024-01-31 23:59", "2024-02-10 04:00"], ["minute", "month", "day"]),
        (["2024-03-05 10:00", "2024-03-06 01:00"], ["minute", "minute"]),
        (["2024-03-05 10:00", None, "2023-12-01 00:00"], ["month", "minute", "month"]),
        (["2024-06-30 23:00", "2024-06-01 00:00"], ["minute", "month"]),
    ],
)
def test_span_weeks_equals_the_row_by_row_formula(times: list[str | None], precisions: list[str]) -> None:
    time = pd.Series(pd.to_datetime(times))
    precision = pd.Series(precisions, dtype="str")
    assert _span_weeks(time, precision) == _span_direct(time, precision)


@pytest.mark.parametrize("order", ["C", "F"])
def test_mean_travel_is_the_same_sum_as_over_the_whole_matrix(order: Literal["C", "F"]) -> None:
    rng = np.random.default_rng(3)
    rows = np.asarray(rng.random((40, 4)) * 30, order=order)
    location = rng.integers(0, 40, 5_000)
    reach = np.array([10.0, 20.0, 0.5, 30.0])
    full = np.asfortranarray(rows[location])
    in_reach = full <= reach[None, :]
    count = in_reach.sum(axis=0)
    total = np.where(in_reach, full, 0.0).sum(axis=0)
    want = np.divide(total, count, out=np.zeros(4), where=count > 0)
    got = _mean_travel(rows, location, reach)
    np.testing.assert_array_equal(got, want)


def test_mean_travel_by_hand() -> None:
    rows = np.array([[4.0, 30.0], [8.0, 12.0]])
    # three incidents at the first location, one at the second; vehicle 2 reaches only the second
    assert _mean_travel(rows, np.array([0, 0, 0, 1]), np.array([15.0, 15.0])).tolist() == [5.0, 12.0]


def test_mixed_precision_incidents_give_the_same_figures_by_location_as_row_by_row() -> None:
    every_day = [
        {"days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "start": "08:00", "end": "20:00"}
    ]
    nights = [{"days": ["Fri", "Sat"], "start": "20:00", "end": "04:00"}]
    vehicles = [
        {"id": vid, "name": vid, "base": {"easting": X0 + dx, "northing": Y0}, "shifts": shifts}
        for vid, dx, shifts in (("A", 0.0, every_day), ("B", 10_000.0, nights), ("C", 4_000.0, every_day))
    ]
    scenario = parse_scenario({"name": "mixed", "vehicles": vehicles})
    rng = np.random.default_rng(8)
    spots = rng.uniform(-8_000, 18_000, (6, 2))
    which = rng.integers(0, 6, 90)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 40 * 1440, 90), unit="min")
    calls = gpd.GeoDataFrame(
        {
            "time": times,
            "time_precision": np.array(["minute", "day", "month"])[np.arange(90) % 3],
            "category": np.array(["violence", "mental_health"])[np.arange(90) % 2],
        },
        geometry=gpd.points_from_xy(X0 + spots[which, 0], Y0 + spots[which, 1]),
        crs=BNG,
    )
    areas = gpd.GeoDataFrame(
        {"population": [100, 200], "centroid_e": [X0, X0 + 30_000], "centroid_n": [Y0, Y0]},
        geometry=gpd.GeoSeries.from_xy([X0, X0 + 30_000], [Y0, Y0]).buffer(500),
        crs=BNG,
    )
    counted = np.arange(90) % 4 != 0
    by_location = compute_coverage(calls, scenario, MODEL, lsoas=areas, demand_scale=3.0, counted=counted)
    full = travel_matrix(MODEL, points=calls, bases=resolve_bases(scenario))
    by_row = compute_coverage(
        calls, scenario, MODEL, lsoas=areas, demand_scale=3.0, counted=counted, travel_min=full
    )
    assert 0 < by_location.coverage_expected < by_location.coverage_in_hours < by_location.coverage_geographic
    assert by_location.summary() == by_row.summary()
    for name in ("incidents", "vehicles", "by_hour_of_week", "by_district", "by_category"):
        pd.testing.assert_frame_equal(getattr(by_location, name), getattr(by_row, name), check_exact=True)
