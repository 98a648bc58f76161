"""Refine a point's LSOA by the nearest live postcode in its district.

The embedded LSOA polygons are ONS's super-generalised (BSC) boundaries: coarse enough that about
one point in eight near an edge falls in the neighbouring LSOA. ONS's postcode-to-LSOA lookup gives
every live postcode's true (full-resolution) 2011 LSOA, so a point close to a postcode centroid is
put in that postcode's LSOA (:func:`nearest_postcode_lsoa`), the search limited to postcodes whose
LSOA lies in the point's district so that district and LSOA always agree. Points farther than
``max_m`` from every such postcode keep their polygon LSOA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo._validate import require_columns

__all__ = ["POSTCODE_MAX_M", "nearest_postcode_lsoa"]

POSTCODE_MAX_M = 50.0
"""Default search radius, metres. Chosen on police.uk Kent Jan-Mar 2025 (the README gives the figures)."""


def nearest_postcode_lsoa(
    x: np.ndarray,
    y: np.ndarray,
    district: np.ndarray,
    postcode_lsoas: pd.DataFrame,
    lsoa_district: pd.Series,
    *,
    max_m: float = POSTCODE_MAX_M,
) -> np.ndarray:
    """Find the LSOA of each point's nearest postcode in its own district, within ``max_m``.

    Parameters
    ----------
    x, y
        Point coordinates in EPSG:27700 metres (NaN for a missing point).
    district
        Each point's district code (None or NaN outside every district).
    postcode_lsoas
        ``lsoa_code, easting, northing`` per postcode
        (:func:`jru_geo.io.boundaries.load_postcode_lsoas`). Postcodes whose LSOA is not in
        ``lsoa_district`` are ignored, so a table for another geography simply refines nothing.
    lsoa_district
        District code of each LSOA, indexed by LSOA code.
    max_m
        Largest distance from a point to the postcode whose LSOA it takes, in metres.

    Returns
    -------
    numpy.ndarray
        Object array aligned to ``x``: the LSOA code, or None where no postcode of the point's
        district lies within ``max_m``. Equidistant postcodes: the query returns one of them,
        always the same for the same table.

    Examples
    --------
    >>> pcs = pd.DataFrame({"lsoa_code": ["A1", "A2"], "easting": [0, 100], "northing": [0, 0]})
    >>> nearest_postcode_lsoa(np.array([10.0, 90.0, 500.0]), np.zeros(3), np.array(["A"] * 3),
    ...                       pcs, pd.Series({"A1": "A", "A2": "A"})).tolist()
    ['A1', 'A2', None]
    """
    from scipy.spatial import cKDTree  # 0.3 s to import: only once a point is looked up

    require_columns(postcode_lsoas, ("lsoa_code", "easting", "northing"), what="postcode_lsoas")
    out = np.full(len(x), None, dtype=object)
    pc_district = postcode_lsoas["lsoa_code"].astype(str).map(lsoa_district).to_numpy(dtype=object)
    pc_xy = postcode_lsoas[["easting", "northing"]].to_numpy(dtype=float)
    pc_lsoa = postcode_lsoas["lsoa_code"].astype(str).to_numpy(dtype=object)
    point_district = pd.Series(district, dtype=object).to_numpy()
    for code in pd.unique(pc_district[pd.notna(pc_district)]):
        sel = np.flatnonzero((point_district == code) & np.isfinite(x) & np.isfinite(y))
        if not len(sel):
            continue
        mine = np.flatnonzero(pc_district == code)
        dist, idx = cKDTree(pc_xy[mine]).query(np.c_[x[sel], y[sel]], distance_upper_bound=max_m)
        hit = np.isfinite(dist)
        out[sel[hit]] = pc_lsoa[mine[idx[hit]]]
    return out
