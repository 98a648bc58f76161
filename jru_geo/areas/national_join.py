"""Join incidents to the police force, district and LSOA of England and Wales that holds them.

Rules (the national counterpart of :mod:`jru_geo.areas.join`, which stays the Kent join)
-----------------------------------------------------------------------------------------
* Everything happens in EPSG:27700 (:func:`jru_geo._crs.to_bng`).
* One spatial query (geopandas ``sjoin``, STRtree index) against the national LSOA table
  (:func:`jru_geo.io.national.load_national_lsoas`) decides LSOA, district and force together,
  since LSOAs nest in local authorities and those in force areas.
* A point on a shared boundary touches two LSOAs: it takes the one with the **lowest LSOA code**
  (fixed, documented tie-break), so force and district always agree with the LSOA.
* A point in no LSOA (the super-generalised, coast-clipped polygons miss some coastal snap points)
  takes the nearest LSOA within ``snap_m`` metres (500 m), and ``snapped_m`` says how far it was.
* A point is ``in_area`` when its force is one of the ``forces`` asked for. Points outside them are
  **kept and flagged** (``in_area = False``) with the force, district and LSOA that do hold them,
  or empty ones if no LSOA lies within ``snap_m``; nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.settings import DEFAULT_SETTINGS

__all__ = ["NATIONAL_AREA_COLUMNS", "assign_forces", "national_summary"]

NATIONAL_AREA_COLUMNS = [
    "force",
    "district_code",
    "district_name",
    "lsoa_code",
    "lsoa_name",
    "in_area",
    "snapped_m",
]
"""Columns that :func:`assign_forces` adds."""

_TAKEN = ["force", "district_code", "district_name", "lsoa_code", "lsoa_name"]


def assign_forces(
    incidents: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    forces: Sequence[str],
    *,
    snap_m: float = DEFAULT_SETTINGS.snap_m,
) -> gpd.GeoDataFrame:
    """Give every incident its force, district and LSOA, and flag those outside ``forces``.

    Parameters
    ----------
    incidents
        Point GeoDataFrame in any CRS (reprojected to EPSG:27700); empty or missing points get
        no area and ``in_area = False``.
    lsoas
        ``lsoa_code, lsoa_name, district_code, district_name, force, geometry`` (the national table).
    forces
        Force slugs of the area asked for (:func:`jru_geo.areas.registry.resolve_forces`).
    snap_m
        Largest distance to the nearest LSOA for a point that falls in none, in metres.

    Returns
    -------
    GeoDataFrame
        ``incidents`` (in EPSG:27700, same index) plus :data:`NATIONAL_AREA_COLUMNS`.
    """
    require_columns(lsoas, [*_TAKEN, "geometry"], what="national LSOA table")
    pts = to_bng(incidents, what="incidents")
    polys = to_bng(lsoas, what="national LSOA table").reset_index(drop=True)
    n = len(pts)
    geoms = pts.geometry.reset_index(drop=True)
    valid = ~(geoms.isna().to_numpy())
    valid[valid] = ~geoms[valid].is_empty.to_numpy()
    pos = np.full(n, -1, dtype=np.int64)
    snapped = np.full(n, np.nan)
    codes = polys["lsoa_code"].astype(str).to_numpy()
    if valid.any():
        probe = gpd.GeoDataFrame(geometry=geoms[valid].to_numpy(), crs=polys.crs)
        probe["_pt"] = np.flatnonzero(valid)
        hits = gpd.sjoin(probe, polys[["geometry"]], how="inner", predicate="intersects")
        if len(hits):
            pairs = pd.DataFrame({"pt": hits["_pt"].to_numpy(), "area": hits["index_right"].to_numpy()})
            pairs["code"] = codes[pairs["area"].to_numpy()]
            best = pairs.sort_values(["pt", "code"], kind="stable").drop_duplicates("pt")
            pos[best["pt"].to_numpy()] = best["area"].to_numpy()
            snapped[best["pt"].to_numpy()] = 0.0
        rest = valid & (pos < 0)
        if rest.any() and snap_m > 0:
            far = gpd.GeoDataFrame(geometry=geoms[rest].to_numpy(), crs=polys.crs)
            far["_pt"] = np.flatnonzero(rest)
            near = gpd.sjoin_nearest(
                far, polys[["geometry"]], how="inner", max_distance=snap_m, distance_col="_m"
            )
            if len(near):
                near = near.assign(code=codes[near["index_right"].to_numpy()])
                near = near.sort_values(["_pt", "_m", "code"], kind="stable").drop_duplicates("_pt")
                pos[near["_pt"].to_numpy()] = near["index_right"].to_numpy()
                snapped[near["_pt"].to_numpy()] = near["_m"].round(1).to_numpy()
    out = pts.copy()
    for col in _TAKEN:  # text columns taken as they are (no Python objects): missing where pos is -1
        out[col] = polys[col].astype("str").array.take(pos, allow_fill=True)
    out["in_area"] = out["force"].isin(list(forces)).to_numpy(dtype=bool)
    out["snapped_m"] = snapped
    return out


def national_summary(n_read: int, joined: gpd.GeoDataFrame, n_rejected: int) -> dict[str, int]:
    """Count, for the ``join --area`` message,: read, joined, in the area, outside it, snapped, rejected."""
    in_area = int(joined["in_area"].sum())
    snapped = int((joined["snapped_m"].fillna(0) > 0).sum())
    return {
        "read": n_read,
        "joined": len(joined),
        "in_area": in_area,
        "outside_area": len(joined) - in_area,
        "no_lsoa": int(joined["lsoa_code"].isna().sum()),
        "snapped": snapped,
        "rejected": n_rejected,
    }
