"""The one travel matrix: minutes from every base to every point, and each point's nearest vehicle.

Every matrix in JRU Geo has the same orientation: one row per point (incident, LSOA centroid,
demand point) and one column per base (vehicle base or candidate site), so ``travel_min[i, j]`` is
the response time from base ``j`` to point ``i``. The coverage engine and the optimiser both build
theirs with :func:`travel_matrix`, and both accept a precomputed one in the same shape.
"""

from __future__ import annotations

from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray

from jru_geo._crs import to_bng
from jru_geo.errors import JruGeoError, TravelModelError
from jru_geo.model.travel.base import TravelModel, check_points

__all__ = ["Points", "travel_matrix", "check_minutes", "distinct_points", "nearest_vehicle"]

Points: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries | ArrayLike
"""Points as geodata (point geometries, any CRS) or an ``(n, 2)`` array of EPSG:27700 metres."""

# --------------------------------------------------------------------------------------------------
# Geometry helpers


def _xy(points: Points, what: str) -> NDArray[np.float64]:
    """Points as an ``(n, 2)`` array of EPSG:27700 easting/northing metres."""
    if not isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        arr = np.asarray(points, dtype=np.float64)
        return np.zeros((0, 2)) if arr.size == 0 else check_points(arr, what=what)
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    geoms = to_bng(geoms, what=what, error=TravelModelError)
    if len(geoms) == 0:
        return np.zeros((0, 2))
    if not (geoms.geom_type == "Point").all() or geoms.is_empty.any():
        bad = geoms[(geoms.geom_type != "Point") | geoms.is_empty]
        raise TravelModelError(
            f"{what} must all be non-empty points; {len(bad)} are not (first at index {bad.index[0]!r}, "
            f"type {bad.iloc[0].geom_type if bad.iloc[0] is not None else None}); drop them first"
        )
    return np.column_stack([geoms.x.to_numpy(float), geoms.y.to_numpy(float)])


def travel_matrix(model: TravelModel, *, points: Points, bases: Points) -> NDArray[np.float64]:
    """Compute the travel minutes from every base to every point, one row per point.

    Parameters
    ----------
    model
        Any :class:`jru_geo.model.travel.base.TravelModel`; it is asked for
        ``model.minutes(bases_xy, points_xy)``.
    points
        Destinations: incidents, LSOA centroids or demand points, as point geodata (reprojected to
        EPSG:27700 when in another CRS) or an ``(n_points, 2)`` array of EPSG:27700 metres.
    bases
        Origins: vehicle bases (e.g. :func:`jru_geo.io.bases.resolve_bases`, one row per vehicle)
        or candidate sites, as geodata or an ``(n_bases, 2)`` array of EPSG:27700 metres.

    Returns
    -------
    numpy.ndarray
        ``(n_points, n_bases)`` C-ordered float64 minutes (``inf`` where unreachable): row ``i`` is
        point ``i``, column ``j`` base ``j``. An all-zero ``(n_points, 0)`` or ``(0, n_bases)``
        array when either side is empty (the model is not called).

    Raises
    ------
    JruGeoError
        Geodata holding a geometry that is not a non-empty point.
    TravelModelError
        An array that is not ``(n, 2)`` finite metres, or a model returning the wrong shape or NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from jru_geo.model.travel.straight import StraightLineModel
    >>> model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)
    >>> travel_matrix(model, points=[[0.0, 0.0], [6000.0, 8000.0]], bases=[[0.0, 0.0]])
    array([[ 0.],
           [10.]])
    """
    points_xy = _xy(points, "points")
    bases_xy = _xy(bases, "bases")
    n_points, n_bases = len(points_xy), len(bases_xy)
    if n_points == 0 or n_bases == 0:
        return np.zeros((n_points, n_bases))
    out = np.asarray(model.minutes(bases_xy, points_xy), dtype=np.float64)
    if out.shape != (n_bases, n_points):
        raise TravelModelError(
            f"travel model returned shape {out.shape} for {n_bases} origins and "
            f"{n_points} destinations; expected {(n_bases, n_points)}"
        )
    if np.isnan(out).any():
        raise TravelModelError(
            f"travel model returned {int(np.isnan(out).sum())} NaN minutes; use np.inf for unreachable"
        )
    return np.ascontiguousarray(out.T)


def check_minutes(
    matrix: ArrayLike,
    *,
    name: str,
    rows: str,
    columns: str,
    shape: tuple[int, int],
    error: type[JruGeoError] = TravelModelError,
) -> NDArray[np.float64]:
    """Check a travel matrix a caller passed in (injected instead of computed) and return it as floats.

    Parameters
    ----------
    matrix
        Minutes, one row per point and one column per base.
    name
        The argument's name, for the message (e.g. ``"travel_min"``).
    rows, columns
        What the rows and columns stand for, for the message (e.g. ``"n_incidents"``).
    shape
        The shape it must have.
    error
        The error class to raise (the caller's own, so its handler catches it).

    Returns
    -------
    ndarray
        ``matrix`` as float64.

    Raises
    ------
    JruGeoError
        The shape is wrong or a minute is NaN (unreachable is ``np.inf``), as ``error``.
    """
    arr = np.asarray(matrix, dtype=np.float64)
    if arr.shape != shape:
        raise error(
            f"{name} must be ({rows}, {columns}) = {shape} minutes, got shape {arr.shape}; build it with "
            f"jru_geo.model.travel.matrix.travel_matrix(model, points=..., bases=...) or leave {name}=None"
        )
    if np.isnan(arr).any():
        raise error(f"{name} holds {int(np.isnan(arr).sum())} NaN minutes; use np.inf for unreachable")
    return arr


def nearest_vehicle(travel_min: NDArray[np.float64], vehicle_ids: pd.Series | list[str]) -> pd.DataFrame:
    """Find each point's nearest vehicle and its travel minutes (ties: the first vehicle).

    Parameters
    ----------
    travel_min
        ``(n_points, n_vehicles)`` minutes, as from :func:`travel_matrix`.
    vehicle_ids
        One id per column of ``travel_min``.

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


def distinct_points(
    frame: gpd.GeoDataFrame,
) -> tuple[NDArray[np.float64], NDArray[np.int64]] | None:
    """Each distinct point of ``frame`` once and each row's index among them, to ask a model once per place.

    ``frame`` is in EPSG:27700 metres; the distinct points keep its coordinates exactly, in the order
    they first appear. ``None`` for no rows or when a geometry is not a finite, non-empty point.
    """
    geoms = frame.geometry.to_numpy()
    if len(geoms) == 0 or not ((shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)).all():
        return None
    xy = shapely.get_coordinates(geoms)
    if xy.shape != (len(geoms), 2) or not np.isfinite(xy).all():
        return None
    key = np.empty(len(xy), dtype=np.complex128)  # (x, y) as one hashable value, exactly
    key.real, key.imag = xy[:, 0], xy[:, 1]
    codes, uniques = pd.factorize(key)
    distinct = np.column_stack([np.real(uniques), np.imag(uniques)]).astype(np.float64)
    return distinct, np.asarray(codes, dtype=np.int64)
