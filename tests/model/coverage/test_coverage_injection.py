"""compute_coverage with injected bases and travel matrix: the same result as the default path.

A fleet of two vehicles 10 km apart on a line, a 60 km/h straight-line model with a 1-minute
turn-out and twelve incidents scattered around them, timed to the minute over one week.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from jru_geo.errors import CoverageError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.coverage import _fleet
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG

X0, Y0 = 560_000.0, 150_000.0
MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)


@pytest.fixture
def fleet() -> Scenario:
    every_night = [
        {"days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "start": "18:00", "end": "02:00"}
    ]
    vehicles = [
        {"id": vid, "name": vid, "base": {"easting": X0 + dx, "northing": Y0}, "shifts": every_night}
        for vid, dx in (("A", 0.0), ("B", 10_000.0))
    ]
    return parse_scenario({"name": "line", "vehicles": vehicles})


@pytest.fixture
def calls() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(3)
    xy = rng.uniform(-5_000, 15_000, (12, 2))
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 7 * 1440, 12), unit="min")
    return gpd.GeoDataFrame(
        {"time": times, "time_precision": "minute", "category": "violence"},
        geometry=gpd.points_from_xy(X0 + xy[:, 0], Y0 + xy[:, 1]),
        crs=BNG,
    )


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    xs = [X0, X0 + 10_000, X0 + 30_000]
    return gpd.GeoDataFrame(
        {"population": [100, 200, 300], "centroid_e": xs, "centroid_n": [Y0] * 3},
        geometry=gpd.GeoSeries.from_xy(xs, [Y0] * 3).buffer(500),
        crs=BNG,
    )


def _same(a: CoverageResult, b: CoverageResult) -> None:
    assert a.summary() == b.summary()
    pd.testing.assert_frame_equal(a.incidents, b.incidents, check_exact=True)
    pd.testing.assert_frame_equal(a.vehicles, b.vehicles, check_exact=True)
    pd.testing.assert_frame_equal(a.by_hour_of_week, b.by_hour_of_week, check_exact=True)


@pytest.mark.parametrize("order", ["C", "F"])
def test_injected_bases_and_matrix_give_the_default_result(
    calls: gpd.GeoDataFrame, fleet: Scenario, areas: gpd.GeoDataFrame, order: str
) -> None:
    default = compute_coverage(calls, fleet, MODEL, lsoas=areas, demand_scale=3.0)
    bases = resolve_bases(fleet)
    travel = travel_matrix(MODEL, points=calls, bases=bases).copy(order=order)  # type: ignore[call-overload]
    assert travel.shape == (len(calls), 2)
    _same(default, compute_coverage(calls, fleet, MODEL, lsoas=areas, demand_scale=3.0, bases=bases))
    _same(default, compute_coverage(calls, fleet, MODEL, lsoas=areas, demand_scale=3.0, travel_min=travel))
    _same(
        default,
        compute_coverage(calls, fleet, MODEL, lsoas=areas, demand_scale=3.0, bases=bases, travel_min=travel),
    )


def test_injected_bases_are_not_resolved_again(
    calls: gpd.GeoDataFrame, fleet: Scenario, areas: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    bases = resolve_bases(fleet)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("resolve_bases called although bases were given")

    monkeypatch.setattr(_fleet, "resolve_bases", fail)
    result = compute_coverage(calls, fleet, MODEL, lsoas=areas, bases=bases)
    assert result.vehicles["vehicle_id"].tolist() == ["A", "B"]


def test_the_injected_matrix_is_the_one_used(
    calls: gpd.GeoDataFrame, fleet: Scenario, areas: gpd.GeoDataFrame
) -> None:
    unreachable = np.full((len(calls), 2), np.inf)
    result = compute_coverage(calls, fleet, MODEL, lsoas=areas, travel_min=unreachable)
    assert result.coverage_geographic == 0.0
    assert np.isinf(result.incidents["travel_min"]).all()


def test_a_matrix_of_the_wrong_shape_is_refused(
    calls: gpd.GeoDataFrame, fleet: Scenario, areas: gpd.GeoDataFrame
) -> None:
    travel = travel_matrix(MODEL, points=calls, bases=resolve_bases(fleet))
    with pytest.raises(
        CoverageError, match=r"travel_min must be \(n_incidents, n_vehicles\) = \(12, 2\) minutes"
    ):
        compute_coverage(calls, fleet, MODEL, lsoas=areas, travel_min=travel.T)
    with pytest.raises(CoverageError, match=r"got shape \(11, 2\)"):
        compute_coverage(calls, fleet, MODEL, lsoas=areas, travel_min=travel[1:])
    with pytest.raises(CoverageError, match="NaN minutes"):
        compute_coverage(calls, fleet, MODEL, lsoas=areas, travel_min=np.where(travel > 5, np.nan, travel))
    with pytest.raises(ValueError, match="travel_min must be"):  # a CoverageError is also a ValueError
        compute_coverage(calls, fleet, MODEL, lsoas=areas, travel_min=np.zeros((12, 3)))


def test_bases_that_do_not_match_the_fleet_are_refused(
    calls: gpd.GeoDataFrame, fleet: Scenario, areas: gpd.GeoDataFrame
) -> None:
    bases = resolve_bases(fleet)
    with pytest.raises(CoverageError, match=r"one row per vehicle of scenario 'line' \(2\), got 1 rows"):
        compute_coverage(calls, fleet, MODEL, lsoas=areas, bases=bases.iloc[:1])
    with pytest.raises(CoverageError, match=r"in order \['A', 'B'\], got \['B', 'A'\]"):
        compute_coverage(calls, fleet, MODEL, lsoas=areas, bases=bases.iloc[::-1])
