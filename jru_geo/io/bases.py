"""Resolving each vehicle's base (postcode or coordinates) to a point in British National Grid metres."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import lonlat_to_bng
from jru_geo.errors import ScenarioError
from jru_geo.io.boundaries import load_postcodes, normalise_postcode
from jru_geo.io.scenario import Base, Scenario
from jru_geo.settings import BNG, DEFAULT_SETTINGS, Settings
from jru_geo.week import weekly_hours_of

__all__ = ["resolve_bases"]

# --------------------------------------------------------------------------------------------------
# The postcode table, read once per version of its file


@lru_cache(maxsize=4)
def _read_postcodes(settings: Settings, files: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    """Read the postcode table; ``files`` (name, mtime, size of the postcode CSVs) keys the cache."""
    return load_postcodes(settings=settings)


def _default_postcodes(settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Give :func:`~jru_geo.io.boundaries.load_postcodes`'s table, read again only when its file changes.

    The cache is keyed on the name, modification time and size of each postcode CSV in the
    settings' sites folder, so a rebuilt table is read afresh. Each call returns its own copy: a
    caller that changes it does not change what the next caller gets.
    """
    folder = settings.sites_dir
    files = tuple(
        sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*postcodes*.csv"))
    )
    return _read_postcodes(settings, files).copy()


# --------------------------------------------------------------------------------------------------
# Bases


def _lookup_postcode(postcode: str, postcodes: pd.DataFrame) -> tuple[float, float] | None:
    """``(easting, northing)`` of a postcode in the table, or None when it is not there."""
    key = normalise_postcode(pd.Series([postcode])).iloc[0]
    if key not in postcodes.index:
        return None
    row = postcodes.loc[key]
    return float(row["easting"]), float(row["northing"])


def _missing_postcode(postcode: str, *, who: str) -> ScenarioError:
    return ScenarioError(
        f"{who}: postcode {postcode!r} is not in the area's postcode table (OS Code-Point Open); check "
        "it, or give the base as lat+lon or easting+northing instead"
    )


def _postcode_points(scenario: Scenario, postcodes: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """``(easting, northing)`` of each postcode base, by vehicle position (postcodes normalised at once)."""
    where = [k for k, v in enumerate(scenario.vehicles) if v.base.postcode is not None]
    keys = normalise_postcode(pd.Series([scenario.vehicles[k].base.postcode for k in where], dtype=object))
    out: dict[int, tuple[float, float]] = {}
    for k, key in zip(where, keys.tolist(), strict=True):
        v = scenario.vehicles[k]
        if key not in postcodes.index:
            raise _missing_postcode(
                str(v.base.postcode), who=f"scenario {scenario.name!r}, vehicle {v.id!r} ({v.name})"
            )
        row = postcodes.loc[key]
        out[k] = (float(row["easting"]), float(row["northing"]))
    return out


def _base_point(base: Base) -> tuple[float, float]:
    """Give a coordinate base as ``(easting, northing)`` metres."""
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
    coded: dict[int, tuple[float, float]] = {}
    if any(v.base.postcode is not None for v in scenario.vehicles):
        coded = _postcode_points(scenario, _default_postcodes() if postcodes is None else postcodes)
    points = [coded[k] if k in coded else _base_point(v.base) for k, v in enumerate(scenario.vehicles)]
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
