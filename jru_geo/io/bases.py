"""Resolving each vehicle's base (postcode or coordinates) to a point in British National Grid metres."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import lonlat_to_bng
from jru_geo.errors import ScenarioError
from jru_geo.io.boundaries import load_postcodes, normalise_postcode
from jru_geo.io.scenario import Base, Scenario
from jru_geo.settings import BNG
from jru_geo.week import weekly_hours_of

__all__ = ["resolve_bases"]

# --------------------------------------------------------------------------------------------------
# Bases


def _lookup_postcode(postcode: str, postcodes: pd.DataFrame) -> tuple[float, float] | None:
    """``(easting, northing)`` of a postcode in the table, or None when it is not there."""
    key = normalise_postcode(pd.Series([postcode])).iloc[0]
    if key not in postcodes.index:
        return None
    row = postcodes.loc[key]
    return float(row["easting"]), float(row["northing"])


def _postcode_point(postcode: str, postcodes: pd.DataFrame, *, who: str) -> tuple[float, float]:
    point = _lookup_postcode(postcode, postcodes)
    if point is None:
        raise ScenarioError(
            f"{who}: postcode {postcode!r} is not in the Kent postcode table (OS Code-Point Open); check "
            "it, or give the base as lat+lon or easting+northing instead"
        )
    return point


def _base_point(base: Base, postcodes: pd.DataFrame | None, *, who: str) -> tuple[float, float]:
    if base.postcode is not None:
        table = postcodes if postcodes is not None else load_postcodes()
        return _postcode_point(base.postcode, table, who=who)
    if base.easting is not None and base.northing is not None:
        return float(base.easting), float(base.northing)
    e, n = lonlat_to_bng(np.array([base.lon]), np.array([base.lat]))
    return float(e[0]), float(n[0])


def resolve_bases(scenario: Scenario, *, postcodes: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """One point per vehicle base, in EPSG:27700.

    Parameters
    ----------
    scenario
        The fleet.
    postcodes
        Postcode table indexed by normalised postcode with ``easting`` and ``northing`` columns
        (as :func:`jru_geo.io.boundaries.load_postcodes` returns; loaded when needed if omitted).

    Returns
    -------
    GeoDataFrame
        ``vehicle_id, name, target_min, job_min, weekly_hours, base_label, geometry`` in vehicle
        order (empty with those columns for an empty fleet).

    Raises
    ------
    ScenarioError
        A base postcode is not in the postcode table; the message names the vehicle.
    """
    if postcodes is None and any(v.base.postcode is not None for v in scenario.vehicles):
        postcodes = load_postcodes()
    points = [
        _base_point(v.base, postcodes, who=f"scenario {scenario.name!r}, vehicle {v.id!r} ({v.name})")
        for v in scenario.vehicles
    ]
    xy = np.array(points, dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {
            "vehicle_id": pd.Series([v.id for v in scenario.vehicles], dtype="string"),
            "name": pd.Series([v.name for v in scenario.vehicles], dtype="string"),
            "target_min": np.array([v.target_min for v in scenario.vehicles], dtype=float),
            "job_min": np.array([v.job_min for v in scenario.vehicles], dtype=float),
            "weekly_hours": np.array([weekly_hours_of(v.shifts) for v in scenario.vehicles], dtype=float),
            "base_label": pd.Series([v.base.label for v in scenario.vehicles], dtype="string"),
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=BNG,
    )
