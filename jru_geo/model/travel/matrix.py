"""The travel matrix: minutes from every vehicle base to every incident, and the nearest vehicle."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import JruGeoError
from jru_geo.model.coverage.result import FloatArray
from jru_geo.model.travel.base import TravelModel
from jru_geo.settings import BNG

__all__ = ["travel_matrix", "nearest_vehicle"]

# --------------------------------------------------------------------------------------------------
# Geometry helpers


def _xy(points: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> FloatArray:
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    if geoms.crs is not None and geoms.crs.to_epsg() != 27700:
        geoms = geoms.to_crs(BNG)
    if len(geoms) == 0:
        return np.zeros((0, 2))
    if not (geoms.geom_type == "Point").all() or geoms.is_empty.any():
        bad = geoms[(geoms.geom_type != "Point") | geoms.is_empty]
        raise JruGeoError(
            f"{what} must all be non-empty points; {len(bad)} are not (first at index {bad.index[0]!r}, "
            f"type {bad.iloc[0].geom_type if bad.iloc[0] is not None else None}); drop them first"
        )
    return np.column_stack([geoms.x.to_numpy(float), geoms.y.to_numpy(float)])


def travel_matrix(
    points: gpd.GeoDataFrame | gpd.GeoSeries, bases: gpd.GeoDataFrame, model: TravelModel
) -> FloatArray:
    """Travel minutes from every base to every point, as ``(n_points, n_vehicles)``.

    Parameters
    ----------
    points
        Incidents or other points (reprojected to EPSG:27700 if needed).
    bases
        Vehicle bases, e.g. :func:`jru_geo.scenario.resolve_bases`, one row per vehicle.
    model
        Any :class:`jru_geo.travel.TravelModel`.

    Returns
    -------
    numpy.ndarray
        Minutes; an empty ``(n, 0)`` or ``(0, m)`` array when either side is empty.
    """
    xy = _xy(points, "points")
    base_xy = _xy(bases, "bases")
    if len(xy) == 0 or len(base_xy) == 0:
        return np.zeros((len(xy), len(base_xy)))
    return np.asarray(model.minutes(base_xy, xy), dtype=np.float64).T


def nearest_vehicle(travel_min: FloatArray, vehicle_ids: pd.Series | list[str]) -> pd.DataFrame:
    """Each point's nearest vehicle and its travel minutes (ties: the first vehicle).

    Returns
    -------
    DataFrame
        ``nearest_vehicle`` (string, missing with no vehicles) and ``travel_min`` (``inf`` then).
    """
    ids = pd.array(list(vehicle_ids), dtype="string")
    n_points = travel_min.shape[0]
    if travel_min.shape[1] == 0:
        return pd.DataFrame(
            {
                "nearest_vehicle": pd.array([pd.NA] * n_points, dtype="string"),
                "travel_min": np.full(n_points, np.inf),
            }
        )
    best = np.argmin(travel_min, axis=1)
    return pd.DataFrame({"nearest_vehicle": ids[best], "travel_min": travel_min[np.arange(n_points), best]})
