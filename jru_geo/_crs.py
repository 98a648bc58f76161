"""Coordinate reference systems: British National Grid (EPSG:27700) inside, WGS84 at the map edge."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer

from jru_geo.settings import BNG, WGS84

__all__ = ["GB_GRID_BOUNDS_M"]

GB_GRID_BOUNDS_M: tuple[float, float, float, float] = (0.0, 0.0, 700_000.0, 1_300_000.0)
"""(min easting, min northing, max easting, max northing) of the British National Grid, metres."""


# --------------------------------------------------------------------------------------------------
# Coordinates


@lru_cache(maxsize=1)
def _to_bng() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(BNG, WGS84, always_xy=True)


def _lonlat_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    easting, northing = _to_bng().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(easting, float), np.asarray(northing, float)


def _bng_to_lonlat(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _to_wgs84().transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def _in_gb_grid(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    e_min, n_min, e_max, n_max = GB_GRID_BOUNDS_M
    e = np.asarray(easting, float)
    n = np.asarray(northing, float)
    return np.isfinite(e) & np.isfinite(n) & (e >= e_min) & (e <= e_max) & (n >= n_min) & (n <= n_max)
