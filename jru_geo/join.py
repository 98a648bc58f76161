"""Join incidents to Kent districts and LSOAs, and aggregate them.

Rules
-----
* Everything happens in EPSG:27700; inputs in another CRS are reprojected first.
* A point inside a district gets that district. A point exactly on a shared boundary touches two
  districts: it goes to the one with the **lowest district code** (a fixed, documented tie-break, so
  the same file always gives the same answer). Its LSOA is the lowest-coded LSOA touching the point
  *within that district*, so the LSOA and district always agree.
* LSOAs nest in districts (the embedded districts are dissolved from the LSOAs), so one spatial
  query against the LSOAs decides both; only points that fall in no LSOA are tested against the
  district polygons themselves.
* A point outside every district is kept, with ``in_kent = False`` and empty district/LSOA. If a
  district lies within ``snap_m`` metres (500 m by default: police.uk moves points to anonymised
  "snap points", a few of which land just over the border or offshore) its code, name and distance
  are reported in ``nearest_district_code``, ``nearest_district_name`` and ``nearest_district_m``.
* Aggregations count in-Kent incidents only, so per-area counts always add up to the in-Kent total.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import JruGeoError
from jru_geo.settings import BNG, DEFAULT_SETTINGS

__all__ = [
    "AREA_COLUMNS",
    "assign_areas",
    "counts_by_area",
    "counts_by_category",
    "counts_by_month",
    "counts_by_hour_of_week",
    "join_summary",
]

AREA_COLUMNS = [
    "district_code",
    "district_name",
    "lsoa_code",
    "lsoa_name",
    "in_kent",
    "nearest_district_code",
    "nearest_district_name",
    "nearest_district_m",
]
"""Columns that :func:`assign_areas` adds."""

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _to_bng(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise JruGeoError(f"{what} has no CRS: set it (e.g. .set_crs('EPSG:27700')) before joining")
    return gdf if gdf.crs.to_epsg() == 27700 else gdf.to_crs(BNG)


def _lowest(left: np.ndarray, rank: np.ndarray, n: int, order: np.ndarray) -> np.ndarray:
    """Per point, the row position of the lowest-ranked matching area, or -1 for none.

    ``left`` holds the point of each (point, area) pair and ``rank`` that area's rank by code;
    ``order`` maps a rank back to the area's row position.
    """
    big = np.iinfo(np.int64).max
    best = np.full(n, big, dtype=np.int64)
    np.minimum.at(best, left, rank)
    pos = np.full(n, -1, dtype=np.int64)
    found = best < big
    pos[found] = order[best[found]]
    return pos


def _code_order(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(order, rank)``: row positions sorted by code, and each row's rank in that order."""
    order = np.argsort(codes.astype(str).to_numpy(), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return order, rank


def _take(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    """``values`` at row positions ``pos``, with None where ``pos`` is -1."""
    arr = values.to_numpy(dtype=object)
    out = np.full(len(pos), None, dtype=object)
    ok = pos >= 0
    out[ok] = arr[pos[ok]]
    return out


def assign_areas(
    incidents: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    *,
    snap_m: float = DEFAULT_SETTINGS.snap_m,
) -> gpd.GeoDataFrame:
    """Give every incident its district and LSOA.

    Parameters
    ----------
    incidents
        Point GeoDataFrame in any projected or geographic CRS (reprojected to EPSG:27700).
    districts
        ``district_code, district_name, geometry`` (e.g. :func:`jru_geo.boundaries.load_districts`).
    lsoas
        ``lsoa_code, lsoa_name, district_code, geometry`` (e.g. :func:`jru_geo.boundaries.load_lsoas`).
    snap_m
        Search distance for the nearest district of points outside every district, in metres.

    Returns
    -------
    GeoDataFrame
        A copy of ``incidents`` in EPSG:27700 with :data:`AREA_COLUMNS` added, same index.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> d = gpd.GeoDataFrame({"district_code": ["A"], "district_name": ["Alpha"]},
    ...                      geometry=[box(0, 0, 10, 10)], crs="EPSG:27700")
    >>> lsoa = d.assign(lsoa_code="A1", lsoa_name="Alpha 001A")
    >>> pts = gpd.GeoDataFrame(geometry=[Point(5, 5), Point(12, 5)], crs="EPSG:27700")
    >>> out = assign_areas(pts, d, lsoa)
    >>> out["district_code"].fillna("-").tolist(), out["in_kent"].tolist(), out["nearest_district_m"].tolist()
    (['A', '-'], [True, False], [nan, 2.0])
    """
    for name, frame, cols in (
        ("districts", districts, ("district_code", "district_name")),
        ("lsoas", lsoas, ("lsoa_code", "lsoa_name", "district_code")),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise JruGeoError(f"{name} lacks columns {missing}; it has {list(frame.columns)}")
    pts = _to_bng(incidents, "incidents")
    districts = _to_bng(districts, "districts")
    lsoas = _to_bng(lsoas, "lsoas")
    geoms = pts.geometry.reset_index(drop=True)
    n = len(geoms)
    d_order, d_rank = _code_order(districts["district_code"])
    l_order, l_rank = _code_order(lsoas["lsoa_code"])
    d_pos_of_code = pd.Series(np.arange(len(districts)), index=districts["district_code"].astype(str))
    l_district = d_pos_of_code.reindex(lsoas["district_code"].astype(str)).to_numpy()
    if np.isnan(l_district.astype(float)).any():
        bad = sorted(set(lsoas["district_code"].astype(str)) - set(d_pos_of_code.index))
        raise JruGeoError(
            f"lsoas name district codes {bad[:5]} that are not in districts; pass matching tables"
        )
    l_district = l_district.astype(np.int64)

    # One spatial query against the LSOAs, which nest in the districts: a point's district is the
    # lowest-coded district among the LSOAs it touches (the documented boundary rule).
    left, right = lsoas.sindex.query(geoms.values, predicate="intersects")
    d_pos = _lowest(left, d_rank[l_district[right]], n, d_order)
    # Points in no LSOA (slivers of generalised boundaries) are tested against district polygons.
    rest = np.flatnonzero(d_pos < 0)
    if len(rest):
        r_left, r_right = districts.sindex.query(geoms.values[rest], predicate="intersects")
        d_pos[rest] = _lowest(r_left, d_rank[r_right], len(rest), d_order)
    same = l_district[right] == d_pos[left]
    l_pos = _lowest(left[same], l_rank[right[same]], n, l_order)

    out = pts.copy()
    out["district_code"] = _take(districts["district_code"], d_pos)
    out["district_name"] = _take(districts["district_name"], d_pos)
    out["lsoa_code"] = _take(lsoas["lsoa_code"], l_pos)
    out["lsoa_name"] = _take(lsoas["lsoa_name"], l_pos)
    out["in_kent"] = d_pos >= 0

    near_code = pd.Series(pd.NA, index=range(n), dtype="string")
    near_m = np.full(n, np.nan)
    outside = np.flatnonzero(
        ~out["in_kent"].to_numpy() & ~geoms.is_empty.to_numpy() & geoms.notna().to_numpy()
    )
    if len(outside) and snap_m > 0:
        o = gpd.GeoDataFrame(geometry=geoms.iloc[outside].to_numpy(), crs=BNG)
        near = gpd.sjoin_nearest(
            o, districts[["district_code", "geometry"]], max_distance=snap_m, distance_col="dist_m"
        )
        near = near.sort_values(["dist_m", "district_code"]).groupby(level=0).first()
        near_code.iloc[outside[near.index]] = near["district_code"].to_numpy()
        near_m[outside[near.index]] = near["dist_m"].round(1).to_numpy()
    out["nearest_district_code"] = near_code.to_numpy()
    out["nearest_district_name"] = near_code.map(
        districts.set_index("district_code")["district_name"]
    ).to_numpy()
    out["nearest_district_m"] = near_m
    return out


def _in_kent(joined: pd.DataFrame) -> pd.DataFrame:
    if "in_kent" not in joined.columns:
        raise JruGeoError("incidents have no 'in_kent' column: run jru_geo.join.assign_areas first")
    return joined[joined["in_kent"].astype(bool)]


def counts_by_area(
    joined: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    level: Literal["district", "lsoa"] = "district",
    by: str | None = None,
) -> pd.DataFrame:
    """Incident counts and rates per 1,000 residents for every area (zeros included).

    Parameters
    ----------
    joined
        Output of :func:`assign_areas`.
    areas
        Districts or LSOAs with ``{level}_code``, ``{level}_name`` and ``population``.
    level
        ``"district"`` or ``"lsoa"``.
    by
        Optional extra column to split counts by (e.g. ``"category"``): one count column per value.

    Returns
    -------
    DataFrame
        ``{level}_code, {level}_name, population, incidents, rate_per_1000`` (+ one column per ``by``
        value), sorted by code. Counts include in-Kent incidents only.
    """
    code, name = f"{level}_code", f"{level}_name"
    base = pd.DataFrame(areas[[code, name, "population"]]).set_index(code)
    inside = _in_kent(joined)
    base["incidents"] = inside.groupby(code).size().reindex(base.index, fill_value=0).astype("int64")
    base["rate_per_1000"] = (
        1000 * base["incidents"] / base["population"].where(base["population"] > 0)
    ).round(3)
    if by is not None:
        split = inside.groupby([code, by]).size().unstack(fill_value=0).reindex(base.index, fill_value=0)
        base = base.join(split.astype("int64"))
    return base.reset_index().sort_values(code).reset_index(drop=True)


def counts_by_category(joined: pd.DataFrame, *, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """In-Kent incidents per category: ``category, label, incidents, share`` (share 0-1), largest first."""
    inside = _in_kent(joined)
    counts = inside.groupby("category").size().rename("incidents").reset_index()
    names = labels or {}
    counts["label"] = [names.get(c, c) for c in counts["category"]]
    total = counts["incidents"].sum()
    counts["share"] = counts["incidents"] / total if total else 0.0
    cols = ["category", "label", "incidents", "share"]
    return counts[cols].sort_values(["incidents", "category"], ascending=[False, True]).reset_index(drop=True)


def counts_by_month(joined: pd.DataFrame) -> pd.DataFrame:
    """In-Kent incidents per calendar month: ``month`` (YYYY-MM), ``incidents``."""
    inside = _in_kent(joined)
    month = pd.to_datetime(inside["time"]).dt.strftime("%Y-%m")
    return month.value_counts().rename_axis("month").rename("incidents").sort_index().reset_index()


def counts_by_hour_of_week(joined: pd.DataFrame) -> pd.DataFrame:
    """In-Kent incidents per hour of the week (168 rows, Monday 00:00 first).

    Incidents whose time is known only to the month (police.uk) have no hour and are left out;
    the number left out is in ``DataFrame.attrs["month_precision_excluded"]``.

    Returns
    -------
    DataFrame
        ``hour_of_week`` (0-167), ``day`` (Mon..Sun), ``hour`` (0-23), ``incidents``.
    """
    inside = _in_kent(joined)
    timed = inside[inside["time_precision"].isin(["minute", "second", "hour"])]
    t = pd.to_datetime(timed["time"])
    how = (t.dt.day_of_week * 24 + t.dt.hour).to_numpy()
    counts = np.bincount(how.astype(np.int64), minlength=168) if len(how) else np.zeros(168, dtype=np.int64)
    hours = np.arange(168)
    out = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": [DAY_NAMES[h // 24] for h in hours],
            "hour": hours % 24,
            "incidents": counts.astype("int64"),
        }
    )
    out.attrs["month_precision_excluded"] = int(len(inside) - len(timed))
    return out


def join_summary(n_read: int, joined: pd.DataFrame, n_rejected: int) -> dict[str, int]:
    """Counts for the one-line summary: read, joined, in Kent, outside Kent, snapped, rejected."""
    in_kent = int(joined["in_kent"].sum())
    snapped = int(joined["nearest_district_code"].notna().sum())
    return {
        "read": int(n_read),
        "joined": int(len(joined)),
        "in_kent": in_kent,
        "outside_kent": int(len(joined) - in_kent),
        "outside_near_border": snapped,
        "rejected": int(n_rejected),
    }
