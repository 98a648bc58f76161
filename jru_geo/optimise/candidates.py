"""From geodata to numbers for the optimiser: candidate grid, demand points and their travel matrix."""

from __future__ import annotations

from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jru_geo.errors import TravelModelError
from jru_geo.optimise._objective import FloatArray, PlacementError
from jru_geo.settings import BNG

__all__ = ["MinutesModel", "candidate_grid", "demand_points", "travel_matrix"]


class MinutesModel(Protocol):
    """Anything with ``minutes(origins_xy, destinations_xy) -> (n_origins, n_destinations)``."""

    def minutes(self, origins_xy: FloatArray, destinations_xy: FloatArray) -> FloatArray: ...


# ---------------------------------------------------------------------------------------------
# geodata side


def candidate_grid(outline: gpd.GeoDataFrame, *, cell_m: float = 1000) -> gpd.GeoDataFrame:
    """Candidate bases at the centres of the national-grid cells whose centre lies inside ``outline``.

    Parameters
    ----------
    outline
        Area to fill (for example :func:`jru_geo.boundaries.load_outline`); reprojected to
        EPSG:27700 when in another CRS.
    cell_m
        Cell size in metres; cells are aligned to multiples of ``cell_m`` in EPSG:27700.

    Returns
    -------
    GeoDataFrame
        ``name, easting, northing, geometry`` (points, EPSG:27700), ordered by northing then
        easting. ``name`` is like ``"grid 551500 165500"``.
    """
    if not np.isfinite(cell_m) or cell_m <= 0:
        raise PlacementError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    if outline.crs is None:
        raise PlacementError("outline has no CRS; set it (EPSG:27700 for British National Grid)")
    if outline.empty:
        raise PlacementError("outline is empty; pass the area to fill, e.g. load_outline()")
    area = shapely.union_all(outline.to_crs(BNG).geometry.to_numpy())
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(np.floor(minx / cell_m), np.ceil(maxx / cell_m)) * cell_m + cell_m / 2
    ys = np.arange(np.floor(miny / cell_m), np.ceil(maxy / cell_m)) * cell_m + cell_m / 2
    mx, my = np.meshgrid(xs, ys)
    shapely.prepare(area)
    inside = shapely.contains_xy(area, mx.ravel(), my.ravel())
    gx, gy = mx.ravel()[inside], my.ravel()[inside]
    names = [f"grid {x:.0f} {y:.0f}" for x, y in zip(gx, gy, strict=True)]
    return gpd.GeoDataFrame(
        {"name": names, "easting": gx, "northing": gy},
        geometry=gpd.points_from_xy(gx, gy),
        crs=BNG,
    )


def demand_points(
    lsoas: pd.DataFrame, *, incidents: pd.DataFrame | None = None
) -> tuple[FloatArray, FloatArray]:
    """Demand points at LSOA centroids, weighted by incidents per LSOA (or by population).

    Parameters
    ----------
    lsoas
        One row per LSOA with ``lsoa_code, centroid_e, centroid_n`` (and ``population`` when
        ``incidents`` is None), as from :func:`jru_geo.boundaries.load_lsoas`.
    incidents
        Incidents with an ``lsoa_code`` column (joined to LSOAs). Incidents whose code is
        missing or not in ``lsoas`` are not counted. When None, weights are the population.

    Returns
    -------
    xy : ndarray
        ``(n_lsoa, 2)`` easting, northing in metres, in the order of ``lsoas``.
    weights : ndarray
        ``(n_lsoa,)`` incident count (or population) per LSOA, 0 where none.
    """
    need = ["lsoa_code", "centroid_e", "centroid_n"] + (["population"] if incidents is None else [])
    missing = [c for c in need if c not in lsoas.columns]
    if missing:
        raise PlacementError(
            f"lsoas lacks columns {missing}; pass jru_geo.boundaries.load_lsoas() or a table with {need}"
        )
    xy = lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    if incidents is None:
        weights = lsoas["population"].to_numpy(dtype=np.float64)
    else:
        if "lsoa_code" not in incidents.columns:
            raise PlacementError(
                f"incidents lack an 'lsoa_code' column (columns: {list(incidents.columns)}); "
                "join them to LSOAs first"
            )
        counts = incidents["lsoa_code"].value_counts()
        weights = lsoas["lsoa_code"].map(counts).fillna(0).to_numpy(dtype=np.float64)
    return xy, weights


def travel_matrix(model: MinutesModel, demand_xy: FloatArray, sites_xy: FloatArray) -> FloatArray:
    """Minutes from each site (vehicle base) to each demand point, shaped for :func:`recommend`.

    Parameters
    ----------
    model
        A travel model with ``minutes(origins_xy, destinations_xy)`` (see ``jru_geo.travel``).
    demand_xy
        ``(n_demand, 2)`` easting, northing in metres.
    sites_xy
        ``(n_sites, 2)`` easting, northing of the bases in metres.

    Returns
    -------
    ndarray
        ``(n_demand, n_sites)`` minutes.
    """
    d = np.asarray(demand_xy, dtype=np.float64).reshape(-1, 2)
    s = np.asarray(sites_xy, dtype=np.float64).reshape(-1, 2)
    out = np.asarray(model.minutes(s, d), dtype=np.float64)
    if out.shape != (s.shape[0], d.shape[0]):
        raise TravelModelError(
            f"travel model returned shape {out.shape} for {s.shape[0]} origins and "
            f"{d.shape[0]} destinations; expected {(s.shape[0], d.shape[0])}"
        )
    if np.isnan(out).any():
        raise TravelModelError(
            f"travel model returned {int(np.isnan(out).sum())} NaN minutes; use np.inf for unreachable"
        )
    return np.ascontiguousarray(out.T)
