"""Catchment polygons (isochrones) of vehicle bases at chosen response-time cut-offs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from jru_geo._crs import to_bng
from jru_geo.errors import TravelModelError
from jru_geo.settings import BNG

if TYPE_CHECKING:
    from numpy.typing import NDArray

from jru_geo.model.travel.base import TravelModel

__all__ = ["isochrones"]

# --------------------------------------------------------------------------- isochrones

_MAX_REACH_KMH = 150.0
"""Without a clip area, the isochrone grid reaches this far per hour of cut-off."""


def _bases_xy(bases: gpd.GeoDataFrame, id_column: str) -> tuple[gpd.GeoDataFrame, NDArray[np.float64]]:
    if id_column not in bases.columns:
        raise TravelModelError(
            f"bases lack the id column {id_column!r} (columns: {list(bases.columns)}); pass id_column=..."
        )
    bases = to_bng(bases, what="bases", error=TravelModelError)
    geom = bases.geometry
    if len(bases) and (geom.is_empty.any() or geom.isna().any() or (geom.geom_type != "Point").any()):
        raise TravelModelError("every base must have a Point geometry; found an empty or non-point geometry")
    if bases[id_column].duplicated().any():
        raise TravelModelError(
            f"base ids must be unique; repeated: {bases[id_column][bases[id_column].duplicated()].tolist()}"
        )
    return bases, np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]) if len(bases) else np.zeros((0, 2))


def _grid(
    xmin: float, ymin: float, xmax: float, ymax: float, cell_m: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xs = np.arange(np.floor(xmin / cell_m) * cell_m, xmax + cell_m, cell_m)
    ys = np.arange(np.floor(ymin / cell_m) * cell_m, ymax + cell_m, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    return gx.ravel(), gy.ravel()  # lower-left corners


def isochrones(
    model: TravelModel,
    bases: gpd.GeoDataFrame,
    cutoffs_min: Sequence[float],
    *,
    clip: gpd.GeoDataFrame | None = None,
    cell_m: float = 500.0,
    id_column: str = "vehicle_id",
) -> gpd.GeoDataFrame:
    """Catchment polygons: where each base can respond within each cut-off.

    The area is cut into ``cell_m`` squares; a square belongs to a catchment when the model's
    minutes from the base to the square's centre are within the cut-off. Squares are merged and,
    when ``clip`` is given, cut to it (squares whose centre lies outside ``clip`` are dropped).

    Parameters
    ----------
    model
        Any :class:`TravelModel`.
    bases
        One row per vehicle: ``id_column`` plus a Point geometry (reprojected to EPSG:27700).
    cutoffs_min
        One or more cut-offs in minutes, each > 0.
    clip
        Area to cover and cut to (usually ``load_outline()``). Without it the grid spans the
        bases grown by the largest cut-off at 150 km/h.
    cell_m
        Grid cell size in metres; the polygons' edges are accurate to about one cell.

    Returns
    -------
    GeoDataFrame
        ``vehicle_id, cutoff_min, area_km2, geometry`` in EPSG:27700, one row per (base, cut-off),
        bases in input order, cut-offs ascending. An unreachable cut-off gives an empty polygon.
    """
    cutoffs = np.asarray(list(cutoffs_min), dtype=np.float64)
    if cutoffs.size == 0 or not np.isfinite(cutoffs).all() or (cutoffs <= 0).any():
        raise TravelModelError(f"cutoffs_min must be one or more positive minutes, got {list(cutoffs_min)!r}")
    if not (np.isfinite(cell_m) and cell_m >= 10):
        raise TravelModelError(f"cell_m must be at least 10 metres, got {cell_m!r}")
    bases, base_xy = _bases_xy(bases, id_column)
    cutoffs = np.unique(cutoffs)
    clip_geom = None
    if clip is not None:
        clip_geom = to_bng(clip, what="clip", error=TravelModelError).union_all()
    if len(bases) == 0:
        return gpd.GeoDataFrame({"vehicle_id": [], "cutoff_min": [], "area_km2": []}, geometry=[], crs=BNG)

    if clip_geom is not None:
        xmin, ymin, xmax, ymax = clip_geom.bounds
    else:
        reach_m = cutoffs.max() / 60.0 * _MAX_REACH_KMH * 1000.0
        xmin, ymin = base_xy.min(axis=0) - reach_m
        xmax, ymax = base_xy.max(axis=0) + reach_m
    gx, gy = _grid(xmin, ymin, xmax, ymax, cell_m)
    cx, cy = gx + cell_m / 2, gy + cell_m / 2
    if clip_geom is not None:
        shapely.prepare(clip_geom)
        keep = shapely.contains_xy(clip_geom, cx, cy)
        gx, gy, cx, cy = gx[keep], gy[keep], cx[keep], cy[keep]
    cells = shapely.box(gx, gy, gx + cell_m, gy + cell_m)
    minutes = model.minutes(base_xy, np.column_stack([cx, cy]))

    ids: list[object] = []
    cuts: list[float] = []
    geoms: list[shapely.Geometry] = []
    for i, vehicle_id in enumerate(bases[id_column].tolist()):
        for cut in cutoffs:
            inside = minutes[i] <= cut
            geom = shapely.coverage_union_all(cells[inside]) if inside.any() else shapely.Polygon()
            if clip_geom is not None and not geom.is_empty:
                geom = shapely.intersection(geom, clip_geom)
            ids.append(vehicle_id)
            cuts.append(float(cut))
            geoms.append(geom)
    out = gpd.GeoDataFrame({"vehicle_id": ids, "cutoff_min": cuts}, geometry=geoms, crs=BNG)
    out["area_km2"] = out.geometry.area / 1e6
    return out[["vehicle_id", "cutoff_min", "area_km2", "geometry"]]
