"""From geodata to numbers for the optimiser: the candidate grid and the demand points.

:mod:`jru_geo.optimise.placement` works on a travel matrix and weights only; this module builds its
inputs from the Kent geography. The matrix between the two, demand points by candidate sites, is
:func:`jru_geo.model.travel.matrix.travel_matrix`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.optimise._objective import FloatArray, PlacementError
from jru_geo.settings import BNG

__all__ = ["candidate_grid", "demand_points"]


# ---------------------------------------------------------------------------------------------
# geodata side


def candidate_grid(outline: gpd.GeoDataFrame, *, cell_m: float = 1000) -> gpd.GeoDataFrame:
    """Place candidate bases at the centres of the national-grid cells inside ``outline``.

    A cell is a candidate when its centre lies inside ``outline``.

    Parameters
    ----------
    outline
        Area to fill (for example :func:`jru_geo.io.boundaries.load_outline`); reprojected to
        EPSG:27700 when in another CRS.
    cell_m
        Cell size in metres; cells are aligned to multiples of ``cell_m`` in EPSG:27700.

    Returns
    -------
    GeoDataFrame
        ``name, easting, northing, geometry`` (points, EPSG:27700), ordered by northing then
        easting. ``name`` is like ``"grid 551500 165500"``.

    Raises
    ------
    PlacementError
        ``cell_m`` not a positive number, or an ``outline`` without a CRS or empty.
    """
    if not np.isfinite(cell_m) or cell_m <= 0:
        raise PlacementError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    outline = to_bng(outline, what="outline", error=PlacementError)
    if outline.empty:
        raise PlacementError("outline is empty; pass the area to fill, e.g. load_outline()")
    area = shapely.union_all(outline.geometry.to_numpy())
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
    """Put demand points at LSOA centroids, weighted by incidents per LSOA (or by population).

    Parameters
    ----------
    lsoas
        One row per LSOA with ``lsoa_code, centroid_e, centroid_n`` (and ``population`` when
        ``incidents`` is None), as from :func:`jru_geo.io.boundaries.load_lsoas`.
    incidents
        Incidents with an ``lsoa_code`` column (joined to LSOAs). Incidents whose code is
        missing or not in ``lsoas`` are not counted. When None, weights are the population.

    Returns
    -------
    xy : ndarray
        ``(n_lsoa, 2)`` easting, northing in metres, in the order of ``lsoas``.
    weights : ndarray
        ``(n_lsoa,)`` incident count (or population) per LSOA, 0 where none.

    Raises
    ------
    PlacementError
        ``lsoas`` or ``incidents`` lack the columns needed.
    """
    need = ["lsoa_code", "centroid_e", "centroid_n"] + (["population"] if incidents is None else [])
    require_columns(
        lsoas,
        need,
        what="lsoas",
        fix=f"pass jru_geo.io.boundaries.load_lsoas() or a table with {need}",
        error=PlacementError,
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
