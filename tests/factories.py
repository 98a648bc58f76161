"""Factories for hand-made scenarios, vehicles and incidents, shared by the tests (import them with
``from factories import make_vehicle``: pytest puts tests/ on the path, see pyproject.toml).

Every factory builds through the real schema (:class:`jru_geo.io.scenario.Vehicle` etc.), so a test
built from them is checked by the same validation as a user's file.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from jru_geo.io.scenario import Base, Scenario, Shift, Vehicle
from jru_geo.settings import BNG
from jru_geo.week import DAYS, Day

ALL_DAYS: list[Day] = list(DAYS)


def all_week() -> list[Shift]:
    """One shift covering the whole week (midnight to midnight every day)."""
    return [Shift(days=ALL_DAYS, start="00:00", end="00:00")]


def make_vehicle(
    vid: str,
    *,
    easting: float | None = None,
    northing: float | None = None,
    postcode: str | None = None,
    shifts: Sequence[Shift] | None = None,
    name: str | None = None,
    target_min: float | None = None,
    job_min: float | None = None,
) -> Vehicle:
    """A vehicle based at a point (``easting``/``northing``) or a ``postcode``, on shift all week unless
    ``shifts`` are given; target and job time keep the schema's defaults unless given."""
    base = Base(postcode=postcode) if postcode is not None else Base(easting=easting, northing=northing)
    extra: dict[str, float] = {}
    if target_min is not None:
        extra["target_min"] = target_min
    if job_min is not None:
        extra["job_min"] = job_min
    return Vehicle(
        id=vid,
        name=name or f"Vehicle {vid}",
        base=base,
        shifts=all_week() if shifts is None else list(shifts),
        **extra,
    )


def make_scenario(*vehicles: Vehicle, name: str = "test") -> Scenario:
    """A scenario of the given vehicles."""
    return Scenario(name=name, vehicles=list(vehicles))


def make_incidents(
    xy: Sequence[tuple[float, float]],
    times: Sequence[pd.Timestamp],
    *,
    precision: str | list[str] = "minute",
    category: str | list[str] = "violence",
    district: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Incidents at points (EPSG:27700 metres) and times, shaped like the reader's output."""
    n = len(xy)
    data: dict[str, object] = {
        "incident_id": [f"i{k}" for k in range(n)],
        "time": pd.to_datetime(pd.Series(list(times), dtype="datetime64[ns]")),
        "time_precision": [precision] * n if isinstance(precision, str) else precision,
        "category": [category] * n if isinstance(category, str) else category,
    }
    if district is not None:
        data["district_code"] = district
        data["district_name"] = [f"District {d}" for d in district]
    return gpd.GeoDataFrame(
        data, geometry=gpd.points_from_xy([x for x, _ in xy], [y for _, y in xy]), crs=BNG
    )


LINE_X0, LINE_Y0 = 560_000.0, 150_000.0
"""West end of the line geography of :func:`make_line_lsoas` (EPSG:27700 metres)."""


def make_line_lsoas() -> gpd.GeoDataFrame:
    """Three LSOAs L1, L2, L3 on an east-west line 10 km apart (500 m discs), populations 100, 100, 200."""
    xs = [LINE_X0, LINE_X0 + 10_000, LINE_X0 + 20_000]
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["L1", "L2", "L3"],
            "lsoa_name": ["One", "Two", "Three"],
            "district_name": ["D", "D", "D"],
            "population": [100, 100, 200],
            "centroid_e": xs,
            "centroid_n": [LINE_Y0] * 3,
        },
        geometry=gpd.GeoSeries.from_xy(xs, [LINE_Y0] * 3).buffer(500),
        crs=BNG,
    )


def make_line_incidents() -> gpd.GeoDataFrame:
    """10 incidents on the line of :func:`make_line_lsoas`: 6 in L1, 3 in L2, 1 in L3, all on a Friday
    at 20:00, spanning one year (Friday 3 Jan 2025 to Friday 2 Jan 2026)."""
    codes = ["L1"] * 6 + ["L2"] * 3 + ["L3"]
    xs = [LINE_X0] * 6 + [LINE_X0 + 10_000] * 3 + [LINE_X0 + 20_000]
    times = pd.to_datetime(["2025-01-03 20:00"] * 9 + ["2026-01-02 20:00"])
    return gpd.GeoDataFrame(
        {"lsoa_code": codes, "time": times, "time_precision": ["minute"] * 10, "category": ["violence"] * 10},
        geometry=gpd.points_from_xy(xs, [LINE_Y0] * 10),
        crs=BNG,
    )
