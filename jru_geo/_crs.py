"""Coordinate reference systems: British National Grid (EPSG:27700) inside, WGS84 at the map edge.

Everything inside :mod:`jru_geo` works in EPSG:27700 metres. Frames are put on the grid once, with
:func:`to_bng`, where they enter a function; WGS84 (EPSG:4326) is used only at the edges: reading
latitude and longitude (:func:`lonlat_to_bng`) and building maps (:func:`to_wgs84`,
:func:`bng_to_lonlat`).

A frame with no CRS is never guessed at: :func:`to_bng` and :func:`to_wgs84` raise
:class:`~jru_geo.errors.CrsError` naming the frame and the fix. The pyproj transformers are built
once and cached, all with ``always_xy=True`` (longitude or easting first).

Every reprojection runs on one long-lived thread of the process (:func:`_on_crs_thread`). pyproj
keeps its PROJ objects per thread (pyproj issue #782), and building them takes about 70 ms per
transformation on the development machine; Streamlit runs each page run on a new thread, so without
this every Planner run (a map click's included) paid that again for each direction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer

from jru_geo.errors import CrsError, JruGeoError
from jru_geo.settings import BNG, WGS84

__all__ = [
    "GB_GRID_BOUNDS_M",
    "to_bng",
    "to_wgs84",
    "lonlat_to_bng",
    "bng_to_lonlat",
    "xy_to_bng",
    "in_gb_grid",
]

GB_GRID_BOUNDS_M: tuple[float, float, float, float] = (0.0, 0.0, 700_000.0, 1_300_000.0)
"""(min easting, min northing, max easting, max northing) of the British National Grid, metres."""

GeoT = TypeVar("GeoT", gpd.GeoDataFrame, gpd.GeoSeries)
FloatArray = NDArray[np.float64]
T = TypeVar("T")

_CRS_THREAD = "jru-geo-crs"
_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None  # (the process it belongs to, its one thread)


def _on_crs_thread(work: Callable[[], T]) -> T:
    """Run ``work`` on the process's one reprojection thread and return its result (or raise its error).

    The thread outlives the callers' threads, so pyproj's per-thread transformers are built once per
    process instead of once per page run; a forked child makes its own.
    """
    global _pool
    if threading.current_thread().name.startswith(_CRS_THREAD):
        return work()  # already on it (a nested call): waiting for itself would never end
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix=_CRS_THREAD))
        pool = _pool[1]
    return pool.submit(work).result()


# --------------------------------------------------------------------------------------------------
# Frames


def _require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str, error: type[JruGeoError]) -> None:
    if frame.crs is None:
        raise error(f"{what} has no CRS: set it with .set_crs('EPSG:27700') or .set_crs('EPSG:4326')")


def to_bng(frame: GeoT, *, what: str, error: type[JruGeoError] = CrsError) -> GeoT:
    """Put a GeoDataFrame or GeoSeries on the British National Grid (EPSG:27700).

    Parameters
    ----------
    frame
        Geometries in any CRS.
    what
        What the frame holds, for the error message (e.g. ``"incidents"``).
    error
        The error class to raise when ``frame`` has no CRS; a :class:`~jru_geo.errors.JruGeoError`
        subclass that callers already catch (default :class:`~jru_geo.errors.CrsError`).

    Returns
    -------
    GeoDataFrame or GeoSeries
        ``frame`` itself when it is already in EPSG:27700 (do not mutate it), otherwise a reprojected
        copy, aligned to its index.

    Raises
    ------
    CrsError
        ``frame`` has no CRS (or ``error``, when given).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoSeries([Point(0.55, 51.38)], crs="EPSG:4326")
    >>> [round(v) for v in to_bng(pts, what="bases").iloc[0].coords[0]]
    [577556, 167636]
    """
    _require_crs(frame, what, error)
    if frame.crs.to_epsg() == 27700:
        return frame
    return _on_crs_thread(lambda: frame.to_crs(BNG))


def to_wgs84(frame: GeoT, *, what: str, error: type[JruGeoError] = CrsError) -> GeoT:
    """Reproject a GeoDataFrame or GeoSeries to WGS84 longitude and latitude, for a map.

    Parameters
    ----------
    frame
        Geometries in any CRS (usually EPSG:27700).
    what
        What the frame holds, for the error message.
    error
        The error class to raise when ``frame`` has no CRS (default
        :class:`~jru_geo.errors.CrsError`).

    Returns
    -------
    GeoDataFrame or GeoSeries
        A copy in EPSG:4326, aligned to the index of ``frame``.

    Raises
    ------
    CrsError
        ``frame`` has no CRS (or ``error``, when given).
    """
    _require_crs(frame, what, error)
    return _on_crs_thread(lambda: frame.to_crs(WGS84))


# --------------------------------------------------------------------------------------------------
# Coordinates


@lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _transform(source: str, target: str, x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Transform coordinates from ``source`` to ``target`` (x first), on the reprojection thread."""
    x_arr, y_arr = np.asarray(x, float), np.asarray(y, float)
    out_x, out_y = _on_crs_thread(lambda: _transformer(source, target).transform(x_arr, y_arr))
    return np.asarray(out_x, float), np.asarray(out_y, float)


def lonlat_to_bng(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS84 longitudes and latitudes (degrees) to eastings and northings (metres).

    Parameters
    ----------
    lon, lat
        Degrees, any array-like of equal length.

    Returns
    -------
    tuple of ndarray
        ``(easting, northing)`` in EPSG:27700 metres (``inf`` where PROJ cannot convert).

    Examples
    --------
    >>> e, n = lonlat_to_bng([0.55], [51.38])
    >>> round(float(e[0])), round(float(n[0]))
    (577556, 167636)
    """
    return _transform(WGS84, BNG, lon, lat)


def bng_to_lonlat(easting: ArrayLike, northing: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert eastings and northings (EPSG:27700 metres) to WGS84 longitudes and latitudes.

    Parameters
    ----------
    easting, northing
        Metres, any array-like of equal length.

    Returns
    -------
    tuple of ndarray
        ``(lon, lat)`` in degrees.
    """
    return _transform(BNG, WGS84, easting, northing)


def xy_to_bng(x: ArrayLike, y: ArrayLike, *, crs: object) -> tuple[FloatArray, FloatArray]:
    """Convert coordinates in ``crs`` (x first: longitude or easting) to EPSG:27700 metres.

    Parameters
    ----------
    x, y
        Coordinates in ``crs``, any array-like of equal length.
    crs
        Anything :meth:`pyproj.CRS.from_user_input` accepts, e.g. ``"epsg:4326"``.

    Returns
    -------
    tuple of ndarray
        ``(easting, northing)`` in metres; the input unchanged (as floats) when ``crs`` is
        EPSG:27700.
    """
    source = CRS.from_user_input(crs)
    x_arr, y_arr = np.asarray(x, float), np.asarray(y, float)
    if source.equals(CRS.from_user_input(BNG)):
        return x_arr, y_arr
    return _transform(source.srs, BNG, x_arr, y_arr)


def in_gb_grid(easting: ArrayLike, northing: ArrayLike) -> NDArray[np.bool_]:
    """Tell which points are finite and inside the British National Grid's extent.

    Parameters
    ----------
    easting, northing
        EPSG:27700 metres, any array-like of equal length.

    Returns
    -------
    ndarray of bool
        ``True`` where the point lies within :data:`GB_GRID_BOUNDS_M`.

    Examples
    --------
    >>> in_gb_grid([576_063.0, -5.0], [167_811.0, 10.0]).tolist()
    [True, False]
    """
    e_min, n_min, e_max, n_max = GB_GRID_BOUNDS_M
    e = np.asarray(easting, float)
    n = np.asarray(northing, float)
    return np.isfinite(e) & np.isfinite(n) & (e >= e_min) & (e <= e_max) & (n >= n_min) & (n <= n_max)
