"""Coverage gaps: the demand not covered, where, and why (not reached, out of hours, units busy)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import CoverageError
from jru_geo.model.coverage.business import WEEKS_PER_YEAR
from jru_geo.model.coverage.result import GAP_KINDS, CoverageResult
from jru_geo.model.travel.matrix import _xy
from jru_geo.settings import BNG

__all__ = ["coverage_gaps", "gaps_per_year", "GAP_LABELS"]

GAP_LABELS: dict[str, str] = {
    "not_reached": "not reached",
    "out_of_hours": "out of hours",
    "lost_to_busy": "units busy",
}
"""Plain-English label of each ``main_gap`` kind, as the pages show it."""

# --------------------------------------------------------------------------------------------------
# Gaps

_GAP_COLUMNS = [
    "incidents",
    "not_reached",
    "out_of_hours",
    "lost_to_busy",
    "uncovered",
    "uncovered_per_week",
    "coverage_expected",
    "main_gap",
    "rank",
]


def _gap_parts(incidents: pd.DataFrame) -> pd.DataFrame:
    """Per incident, how much of it is not covered and why; the three parts sum to ``uncovered``."""
    geo = incidents["covered_geo"].to_numpy(dtype=np.float64)
    in_hours = incidents["covered_in_hours"].to_numpy(dtype=np.float64)
    expected = incidents["p_covered_expected"].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "incidents": 1.0,
            "not_reached": 1.0 - geo,
            "out_of_hours": np.maximum(geo - in_hours, 0.0),
            "lost_to_busy": np.maximum(in_hours - expected, 0.0),
            "uncovered": 1.0 - expected,
        },
        index=incidents.index,
    )


def _rank_gaps(table: pd.DataFrame, key: str, result: CoverageResult) -> pd.DataFrame:
    out = table.copy()
    out["uncovered_per_week"] = out["uncovered"] * result.demand_scale / result.span_weeks
    out["coverage_expected"] = np.divide(
        (out["incidents"] - out["uncovered"]).to_numpy(dtype=np.float64),
        out["incidents"].to_numpy(dtype=np.float64),
        out=np.zeros(len(out)),
        where=out["incidents"].to_numpy(dtype=np.float64) > 0,
    )
    parts = out[list(GAP_KINDS)].to_numpy(dtype=np.float64)
    main = np.array(GAP_KINDS, dtype=object)[parts.argmax(axis=1)] if len(out) else np.array([], dtype=object)
    out["main_gap"] = pd.array(np.where(parts.max(axis=1, initial=0) > 0, main, "none"), dtype="string")
    out = out.sort_values(["uncovered", "incidents", key], ascending=[False, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def coverage_gaps(
    result: CoverageResult, *, lsoas: gpd.GeoDataFrame, cell_m: float = 1000.0
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Where demand is not covered, and why: a square grid layer and an LSOA layer.

    Each incident counts 1, split into ``not_reached`` (no vehicle within target: ``1 -
    covered_geo``), ``out_of_hours`` (reachable but no covering vehicle on shift: ``covered_geo -
    covered_in_hours``) and ``lost_to_busy`` (a covering vehicle on shift but all busy:
    ``covered_in_hours - p_covered_expected``). Their sum is ``uncovered`` (``1 -
    p_covered_expected``); probabilities for month-precision incidents make the counts fractional.

    Parameters
    ----------
    result
        From :func:`compute_coverage`.
    lsoas
        LSOA polygons with ``lsoa_code`` (e.g. :func:`jru_geo.io.boundaries.load_lsoas`). If the
        incidents already carry ``lsoa_code`` (from :func:`jru_geo.areas.join.assign_areas`) it is used;
        otherwise each incident is placed in the lowest-coded LSOA it touches.
    cell_m
        Grid cell side in metres (EPSG:27700), 1 km by default.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame)
        The grid: one square per cell holding at least one incident, with ``cell_id`` (``E<x>N<y>``
        of its south-west corner in metres), ``easting``/``northing`` of its centre, ``incidents``,
        the three parts, ``uncovered``, ``uncovered_per_week`` (calls a week after ``demand_scale``),
        ``coverage_expected``, ``main_gap`` (the largest part, or ``"none"``) and ``rank`` (1 = most
        uncovered demand). The LSOAs: every input LSOA with the same columns (zero where no
        incidents), ranked the same way. Both in EPSG:27700.
    """
    if not (np.isfinite(cell_m) and cell_m > 0):
        raise CoverageError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    require_columns(lsoas, ["lsoa_code"], what="lsoas", plural=True, error=CoverageError)
    incidents = result.incidents
    parts = _gap_parts(incidents)
    xy = _xy(incidents, "incidents")
    ix = np.floor(xy[:, 0] / cell_m).astype(np.int64)
    iy = np.floor(xy[:, 1] / cell_m).astype(np.int64)
    grid = parts.assign(ix=ix, iy=iy).groupby(["ix", "iy"], sort=True).sum().reset_index()
    x0 = grid["ix"].to_numpy(np.float64) * cell_m
    y0 = grid["iy"].to_numpy(np.float64) * cell_m
    grid["cell_id"] = pd.array([f"E{int(x)}N{int(y)}" for x, y in zip(x0, y0, strict=True)], dtype="string")
    grid["easting"] = x0 + cell_m / 2
    grid["northing"] = y0 + cell_m / 2
    grid = _rank_gaps(grid.drop(columns=["ix", "iy"]), "cell_id", result)
    grid_gdf = gpd.GeoDataFrame(
        grid[["cell_id", "easting", "northing", *_GAP_COLUMNS]].reset_index(drop=True),
        geometry=box(
            grid["easting"].to_numpy() - cell_m / 2,
            grid["northing"].to_numpy() - cell_m / 2,
            grid["easting"].to_numpy() + cell_m / 2,
            grid["northing"].to_numpy() + cell_m / 2,
        ),
        crs=BNG,
    )
    areas = to_bng(lsoas, what="lsoas", error=CoverageError)
    code = _incident_lsoa(incidents, areas)
    per_lsoa = parts.assign(lsoa_code=code.to_numpy()).dropna(subset=["lsoa_code"])
    sums = per_lsoa.groupby("lsoa_code").sum()
    keep = [
        c for c in ("lsoa_code", "lsoa_name", "district_code", "district_name", "population") if c in areas
    ]
    table = areas[keep].reset_index(drop=True).copy()
    table["lsoa_code"] = table["lsoa_code"].astype("string")
    filled = sums.reindex(table["lsoa_code"].to_numpy()).fillna(0.0).reset_index(drop=True)
    table = pd.concat([table, filled], axis=1)
    table["geometry"] = areas.geometry.to_numpy()
    ranked = _rank_gaps(table, "lsoa_code", result)
    lsoa_gdf = gpd.GeoDataFrame(
        ranked[[*keep, *_GAP_COLUMNS, "geometry"]].reset_index(drop=True), geometry="geometry", crs=BNG
    )
    return grid_gdf, lsoa_gdf


def gaps_per_year(lsoa_gaps: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep the areas with demand not covered, counted a year and with their main gap in words.

    Parameters
    ----------
    lsoa_gaps
        The LSOA layer of :func:`coverage_gaps` (``uncovered``, ``uncovered_per_week``, ``main_gap``).

    Returns
    -------
    GeoDataFrame
        A new frame of the rows with ``uncovered > 0``, in their order, with ``uncovered_per_year``
        (``uncovered_per_week`` times :data:`~jru_geo.model.coverage.business.WEEKS_PER_YEAR`) added
        and ``main_gap`` relabelled through :data:`GAP_LABELS` (a kind without a label is kept as is).
    """
    ranked = lsoa_gaps[lsoa_gaps["uncovered"] > 0]
    return ranked.assign(
        uncovered_per_year=ranked["uncovered_per_week"] * WEEKS_PER_YEAR,
        main_gap=ranked["main_gap"].map(GAP_LABELS).fillna(ranked["main_gap"]),
    )


def _incident_lsoa(incidents: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Each incident's LSOA code: its own ``lsoa_code`` if present, else the lowest-coded one it touches."""
    if "lsoa_code" in incidents.columns:
        return incidents["lsoa_code"].astype("string")
    if len(incidents) == 0:
        return pd.Series([], dtype="string", index=incidents.index)
    left, right = areas.sindex.query(incidents.geometry.to_numpy(), predicate="intersects")
    pairs = pd.DataFrame({"point": left, "code": areas["lsoa_code"].astype(str).to_numpy()[right]})
    first = pairs.groupby("point")["code"].min()
    return pd.Series(first.reindex(range(len(incidents))).to_numpy(), index=incidents.index, dtype="string")
