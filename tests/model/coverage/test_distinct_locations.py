"""compute_coverage asks the travel model once per distinct incident location, with the same result.

Forty incidents at five locations (police.uk snaps incidents to street points, so real data repeat
locations too), two vehicles 10 km apart and a 60 km/h straight-line model with a 1-minute turn-out.
The default path (travel per distinct location) must equal the full matrix injected row by row.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG

X0, Y0 = 560_000.0, 150_000.0
MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)


class CountingModel:
    """The straight-line model, remembering how many destinations it was asked for."""

    name = "counting"

    def __init__(self) -> None:
        self.asked: list[int] = []

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        self.asked.append(len(destinations_xy))
        return MODEL.minutes(origins_xy, destinations_xy)


def _scenario() -> Scenario:
    every_day = [
        {"days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "start": "08:00", "end": "20:00"}
    ]
    vehicles = [
        {"id": vid, "name": vid, "base": {"easting": X0 + dx, "northing": Y0}, "shifts": every_day}
        for vid, dx in (("A", 0.0), ("B", 10_000.0))
    ]
    return parse_scenario({"name": "line", "vehicles": vehicles})


def _calls() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(5)
    spots = rng.uniform(-8_000, 18_000, (5, 2))
    which = rng.integers(0, 5, 40)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 14 * 1440, 40), unit="min")
    return gpd.GeoDataFrame(
        {"time": times, "time_precision": "minute", "category": "violence"},
        geometry=gpd.points_from_xy(X0 + spots[which, 0], Y0 + spots[which, 1]),
        crs=BNG,
    )


def test_travel_is_computed_once_per_location_and_the_result_is_unchanged() -> None:
    calls, scenario = _calls(), _scenario()
    areas = gpd.GeoDataFrame(
        {"population": [100, 200], "centroid_e": [X0, X0 + 30_000], "centroid_n": [Y0, Y0]},
        geometry=gpd.GeoSeries.from_xy([X0, X0 + 30_000], [Y0, Y0]).buffer(500),
        crs=BNG,
    )
    counting = CountingModel()
    dedup = compute_coverage(calls, scenario, counting, lsoas=areas, demand_scale=2.0)  # type: ignore[arg-type]
    assert counting.asked[0] == calls.geometry.drop_duplicates().size < len(calls)  # 5 of 40 rows
    full = travel_matrix(MODEL, points=calls, bases=resolve_bases(scenario))
    injected = compute_coverage(calls, scenario, MODEL, lsoas=areas, demand_scale=2.0, travel_min=full)
    assert dedup.summary() == injected.summary()
    pd.testing.assert_frame_equal(dedup.incidents, injected.incidents, check_exact=True)
    pd.testing.assert_frame_equal(dedup.vehicles, injected.vehicles, check_exact=True)
    pd.testing.assert_frame_equal(dedup.by_hour_of_week, injected.by_hour_of_week, check_exact=True)
    assert dedup.queue is not None and injected.queue is not None
    np.testing.assert_array_equal(dedup.queue.preference, injected.queue.preference)
