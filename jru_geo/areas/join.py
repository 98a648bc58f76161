"""Join incidents to Kent districts and LSOAs.

Rules
-----
* Everything happens in EPSG:27700; inputs in another CRS are reprojected first, and an input with
  no CRS is an error (:func:`jru_geo._crs.to_bng`).
* A point inside a district gets that district. A point exactly on a shared boundary touches two
  districts: it goes to the one with the **lowest district code** (a fixed, documented tie-break, so
  the same file always gives the same answer). Its LSOA is the lowest-coded LSOA touching the point
  *within that district*, so the LSOA and district always agree.
* LSOAs nest in districts (the embedded districts are dissolved from the LSOAs), so one spatial
  query against the LSOAs decides both; only points that fall in no LSOA are tested against the
  district polygons themselves.
* The LSOA is then refined (:mod:`jru_geo.areas.postcode_lsoa`): a point within ``postcode_max_m``
  (50 m) of a live postcode whose 2011 LSOA lies in the point's district takes the LSOA of the
  nearest such postcode, from ONS's postcode-to-LSOA lookup, which follows the full-resolution
  boundaries that the embedded generalised polygons only approximate. The district always comes
  from the district polygons. LSOA codes are 2011 codes (police.uk now publishes 2021 codes; no
  registry package the build uses carries the 2011-to-2021 lookup).
* A point outside every district is kept, with ``in_kent = False`` and empty district/LSOA. If a
  district lies within ``snap_m`` metres (500 m by default: police.uk moves points to anonymised
  "snap points", a few of which land just over the border or offshore) its code, name and distance
  are reported in ``nearest_district_code``, ``nearest_district_name`` and ``nearest_district_m``.

Counting the joined incidents per area is in :mod:`jru_geo.areas.counts`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.areas.postcode_lsoa import POSTCODE_MAX_M, nearest_postcode_lsoa
from jru_geo.errors import AreasError
from jru_geo.io.boundaries import load_postcode_lsoas
from jru_geo.settings import BNG, DEFAULT_SETTINGS

__all__ = ["AREA_COLUMNS", "assign_areas", "join_summary"]

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


def _refine_lsoa(
    geoms: gpd.GeoSeries,
    d_pos: np.ndarray,
    l_pos: np.ndarray,
    districts: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    postcode_lsoas: pd.DataFrame | None,
    max_m: float,
) -> np.ndarray:
    """LSOA row positions after the nearest-postcode refinement (a new array)."""
    if max_m <= 0 or not len(geoms):
        return l_pos
    table = load_postcode_lsoas() if postcode_lsoas is None else postcode_lsoas
    codes = lsoas["lsoa_code"].astype(str)
    lsoa_district = pd.Series(lsoas["district_code"].astype(str).to_numpy(), index=codes.to_numpy())
    valid = ~geoms.isna().to_numpy()
    valid[valid] = ~geoms[valid].is_empty.to_numpy()
    x = np.full(len(geoms), np.nan)
    y = np.full(len(geoms), np.nan)
    x[valid] = geoms[valid].x.to_numpy()
    y[valid] = geoms[valid].y.to_numpy()
    district = _take(districts["district_code"].astype(str), d_pos)
    refined = nearest_postcode_lsoa(x, y, district, table, lsoa_district, max_m=max_m)
    pos_of_code = pd.Series(np.arange(len(lsoas)), index=codes.to_numpy())
    pos_of_code = pos_of_code[~pos_of_code.index.duplicated()]
    hit = np.flatnonzero(pd.notna(refined))
    out = l_pos.copy()
    out[hit] = pos_of_code.reindex(refined[hit]).to_numpy()
    return out


def assign_areas(
    incidents: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    *,
    snap_m: float = DEFAULT_SETTINGS.snap_m,
    postcode_lsoas: pd.DataFrame | None = None,
    postcode_max_m: float = POSTCODE_MAX_M,
) -> gpd.GeoDataFrame:
    """Give every incident its district and LSOA.

    Parameters
    ----------
    incidents
        Point GeoDataFrame in any projected or geographic CRS (reprojected to EPSG:27700).
    districts
        ``district_code, district_name, geometry`` (e.g. :func:`jru_geo.io.boundaries.load_districts`).
    lsoas
        ``lsoa_code, lsoa_name, district_code, geometry`` (e.g. :func:`jru_geo.io.boundaries.load_lsoas`).
    snap_m
        Search distance for the nearest district of points outside every district, in metres.
    postcode_lsoas
        ``lsoa_code, easting, northing`` of live postcodes, to refine the LSOA; defaults to the
        embedded Kent table (:func:`jru_geo.io.boundaries.load_postcode_lsoas`). Postcodes whose
        LSOA is not in ``lsoas`` are ignored; pass an empty frame to use the polygons alone.
    postcode_max_m
        Largest distance from a point to the postcode whose LSOA it takes, in metres; 0 turns the
        refinement off.

    Returns
    -------
    GeoDataFrame
        A copy of ``incidents`` in EPSG:27700 with :data:`AREA_COLUMNS` added, same index.

    Raises
    ------
    CrsError
        One of the three frames has no CRS.
    ColumnsError
        ``districts`` or ``lsoas`` lacks a column named above.
    AreasError
        ``lsoas`` name district codes that are not in ``districts``.

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
        require_columns(frame, cols, what=name)
    pts = to_bng(incidents, what="incidents")
    districts = to_bng(districts, what="districts")
    lsoas = to_bng(lsoas, what="lsoas")
    geoms = pts.geometry.reset_index(drop=True)
    n = len(geoms)
    d_order, d_rank = _code_order(districts["district_code"])
    l_order, l_rank = _code_order(lsoas["lsoa_code"])
    d_pos_of_code = pd.Series(np.arange(len(districts)), index=districts["district_code"].astype(str))
    l_district = d_pos_of_code.reindex(lsoas["district_code"].astype(str)).to_numpy()
    if np.isnan(l_district.astype(float)).any():
        bad = sorted(set(lsoas["district_code"].astype(str)) - set(d_pos_of_code.index))
        raise AreasError(
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
    l_pos = _refine_lsoa(geoms, d_pos, l_pos, districts, lsoas, postcode_lsoas, postcode_max_m)

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


def join_summary(n_read: int, joined: pd.DataFrame, n_rejected: int) -> dict[str, int]:
    """Count rows for the one-line summary: read, joined, in Kent, outside Kent, snapped, rejected.

    Parameters
    ----------
    n_read
        Data rows read from the files.
    joined
        Output of :func:`assign_areas`.
    n_rejected
        Rows set apart by the reader.

    Returns
    -------
    dict of str to int
        ``read, joined, in_kent, outside_kent, outside_near_border, rejected``.
    """
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
