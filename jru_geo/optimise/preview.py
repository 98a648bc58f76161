"""A unit anywhere: what one more unit would reach from each square of the area, for a quick look.

The Planner shows a quick look the moment the map is clicked, before the server has heard of the
click. So the figure for every square is worked out beforehand, from LSOA centroids:

* :func:`reach_grid` lays squares over the area (:func:`jru_geo.optimise.candidates.grid_cells`)
  and asks the travel model once which LSOA centroids each square's centre reaches within the
  target; it depends on the area, the travel assumptions and the target only, not on the fleet.
* :func:`grid_gain` counts, for each square, the incidents the fleet misses now whose LSOA centroid
  a unit there would reach within target (:func:`lsoa_sums`, then one matrix product). The
  recommender's screen (:mod:`jru_geo.optimise.next_units`) sums its per-LSOA demand the same way.

With every incident at its LSOA centroid, a square's gain is exactly
:func:`jru_geo.optimise.placement.what_if`'s for a unit at its centre (``tests/optimise/test_preview.py``);
with incidents at their own places it is an estimate, and the engine's figures replace it.
"""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.model.coverage.result import BoolArray, FloatArray, IntArray
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.optimise._objective import PlacementError
from jru_geo.optimise.candidates import grid_cells

__all__ = [
    "MAX_CELLS",
    "GridPreview",
    "ReachGrid",
    "grid_gain",
    "grid_preview",
    "lsoa_index",
    "lsoa_sums",
    "reach_grid",
]

MAX_CELLS = 4000
"""Squares are 1 km, or larger in steps of 500 m until an area has at most about this many."""


@dataclasses.dataclass(frozen=True)
class ReachGrid:
    """Squares over an area and the LSOA centroids each one's centre reaches within target.

    Attributes
    ----------
    easting, northing
        ``(C,)`` EPSG:27700 metres of the squares' centres.
    cell_m
        The squares' side (metres).
    target_min
        The response target the reach is for (minutes).
    reached
        ``(L, C)``: LSOA ``l`` (in the order of the LSOA table given) within target of square ``c``.
    """

    easting: FloatArray
    northing: FloatArray
    cell_m: float
    target_min: float
    reached: BoolArray


@dataclasses.dataclass(frozen=True)
class GridPreview:
    """The share of incidents within target now, and with one more unit in each square.

    Attributes
    ----------
    grid
        The squares, their side and the new unit's response target (:func:`reach_grid`).
    without_pct
        Incidents (%) some unit of the fleet reaches within its own target now.
    with_pct
        ``(C,)`` the same (%) with one more unit at each square's centre (LSOA centroids).
    """

    grid: ReachGrid
    without_pct: float
    with_pct: FloatArray


def _cell_m(outline: gpd.GeoDataFrame, max_cells: int) -> float:
    area_m2 = float(outline.to_crs(27700).geometry.area.sum()) if outline.crs is not None else 0.0
    side = math.sqrt(area_m2 / max_cells) if area_m2 > 0 else 1000.0
    return max(1000.0, math.ceil(side / 500.0) * 500.0)


def reach_grid(
    outline: gpd.GeoDataFrame,
    lsoas: pd.DataFrame,
    model: TravelModel,
    *,
    target_min: float,
    max_cells: int = MAX_CELLS,
) -> ReachGrid:
    """Lay squares over an area and find the LSOA centroids each reaches within target.

    Parameters
    ----------
    outline
        The area (for example :func:`jru_geo.io.boundaries.load_outline`).
    lsoas
        ``centroid_e, centroid_n`` (EPSG:27700 metres), as :func:`jru_geo.io.boundaries.load_lsoas`.
    model
        The travel model (its minutes include turn-out and the blue-light factor).
    target_min
        Response target (minutes) of the unit that would be placed.
    max_cells
        About how many squares at most: 1 km squares, or larger in steps of 500 m.

    Returns
    -------
    ReachGrid

    Raises
    ------
    PlacementError
        A target that is not a positive number, an empty outline, or LSOAs without centroids.
    """
    if not math.isfinite(target_min) or target_min <= 0:
        raise PlacementError(f"target_min must be a positive number of minutes, got {target_min!r}")
    missing = [c for c in ("centroid_e", "centroid_n") if c not in lsoas.columns]
    if missing:
        raise PlacementError(f"the LSOA table lacks {', '.join(missing)}; load it with load_lsoas()")
    cell_m = _cell_m(outline, max(int(max_cells), 1))
    gx, gy = grid_cells(outline, cell_m=cell_m)
    centroids = lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    minutes = travel_matrix(model, points=centroids, bases=np.column_stack([gx, gy]))
    return ReachGrid(gx, gy, cell_m, float(target_min), minutes <= target_min)


def lsoa_index(incidents: pd.DataFrame, lsoas: pd.DataFrame) -> IntArray:
    """Give each incident's position in the LSOA table by its ``lsoa_code``.

    Parameters
    ----------
    incidents
        Joined incidents (:func:`jru_geo.areas.join.assign_areas`); without ``lsoa_code`` none has
        an LSOA.
    lsoas
        The LSOA table, with ``lsoa_code``.

    Returns
    -------
    numpy.ndarray
        ``(N,)`` positions, ``-1`` where the incident has no LSOA or one not in the table.
    """
    position = pd.Series(np.arange(len(lsoas)), index=lsoas["lsoa_code"].astype(str).to_numpy())
    codes = incidents["lsoa_code"].astype("string") if "lsoa_code" in incidents.columns else None
    if codes is None:
        return np.full(len(incidents), -1, dtype=np.int64)
    return codes.map(position).fillna(-1).to_numpy(dtype=np.int64)


def lsoa_sums(lsoa_of: IntArray, values: FloatArray, n_lsoas: int) -> FloatArray:
    """Sum per-incident values by LSOA.

    Parameters
    ----------
    lsoa_of
        ``(N,)`` each incident's LSOA position, ``-1`` for none (it adds to no LSOA).
    values
        ``(N,)`` or ``(N, P)`` values per incident.
    n_lsoas
        Number of LSOAs.

    Returns
    -------
    numpy.ndarray
        ``(n_lsoas,)`` or ``(n_lsoas, P)`` sums.
    """
    vals = np.asarray(values, dtype=np.float64)
    known = lsoa_of >= 0
    out = np.zeros((n_lsoas, *vals.shape[1:]))
    np.add.at(out, lsoa_of[known], vals[known])
    return out


def grid_gain(grid: ReachGrid, lsoa_of: IntArray, missed: BoolArray) -> FloatArray:
    """Count, for each square, the missed incidents a unit at its centre would reach within target.

    Parameters
    ----------
    grid
        :func:`reach_grid` of the area, with ``lsoa_of`` counting in the same LSOA order.
    lsoa_of
        ``(N,)`` each incident's LSOA position, ``-1`` for none (such incidents count nowhere).
    missed
        ``(N,)`` True where no unit of the fleet reaches the incident within its target.

    Returns
    -------
    numpy.ndarray
        ``(C,)`` incidents gained per square.
    """
    if len(lsoa_of) != len(missed):
        raise PlacementError(f"lsoa_of has {len(lsoa_of)} incidents and missed {len(missed)}")
    weights = lsoa_sums(lsoa_of, np.asarray(missed, dtype=np.float64), grid.reached.shape[0])
    return np.asarray(grid.reached.T.astype(np.float64) @ weights, dtype=np.float64)


def grid_preview(grid: ReachGrid, lsoa_of: IntArray, missed: BoolArray) -> GridPreview:
    """Give the share of incidents within target now and with one more unit in each square.

    Parameters
    ----------
    grid, lsoa_of, missed
        As for :func:`grid_gain`; every incident in ``missed`` counts in the shares.

    Returns
    -------
    GridPreview
        ``with_pct`` is ``without_pct`` plus each square's :func:`grid_gain` as a share.
    """
    gain = grid_gain(grid, lsoa_of, missed)
    total = max(len(missed), 1)
    without = 100.0 * (len(missed) - int(np.count_nonzero(missed))) / total
    return GridPreview(grid, without, without + 100.0 * gain / total)
