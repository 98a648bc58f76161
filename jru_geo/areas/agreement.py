"""How often our district and LSOA agree with police.uk's own, on a police.uk file.

police.uk names each record's LSOA (``LSOA name``, e.g. "Medway 015A", whose prefix is its district)
and codes it (``LSOA code``, 2021 codes). :func:`policeuk_agreement` compares the join's district and
LSOA with them row by row; the LSOA is compared where police.uk's code is also one of our 2011 codes
(codes that changed in 2021 cannot agree), and over every row with a code.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Agreement", "policeuk_agreement", "POLICEUK_COLUMNS"]

POLICEUK_COLUMNS = ("LSOA name", "LSOA code")
"""The columns of a police.uk street-level file compared."""


@dataclass(frozen=True)
class Agreement:
    """Shares of rows on which we agree with police.uk (NaN where nothing could be compared).

    Attributes
    ----------
    district_share, district_rows
        Our district (or the nearest one within 500 m, for a point just over the border or coast)
        against the district in ``LSOA name``; a row police.uk places in a district outside the area
        agrees when we also place it outside every district of the area.
    lsoa_share_2011, lsoa_rows_2011
        Our LSOA against ``LSOA code`` where that code is also a 2011 code of ours.
    lsoa_share_all, lsoa_rows_all
        Our LSOA against ``LSOA code`` on every row with a code.
    """

    district_share: float
    district_rows: int
    lsoa_share_2011: float
    lsoa_rows_2011: int
    lsoa_share_all: float
    lsoa_rows_all: int


def _text(values: pd.Series) -> np.ndarray:
    """Give the values as text, missing ones as the empty string."""
    return np.asarray(values.astype("string").fillna("").to_numpy(dtype=object), dtype=str)


def _share(agree: np.ndarray) -> float:
    return float(agree.mean()) if agree.size else float("nan")


def policeuk_agreement(
    originals: pd.DataFrame,
    joined: pd.DataFrame,
    lsoa_codes_2011: set[str],
    area_districts: Collection[str] | None = None,
) -> Agreement | None:
    """Compare the join with police.uk's own district and LSOA.

    Parameters
    ----------
    originals
        The file's own columns, row for row with ``joined`` (``ReadResult.originals``).
    joined
        The joined incidents (:func:`jru_geo.areas.join.assign_areas`): ``district_name``,
        ``lsoa_code`` and, when present, ``nearest_district_name``.
    lsoa_codes_2011
        Our LSOA codes (the embedded 2011 LSOAs).
    area_districts
        The names of the area's districts (default: those in ``joined["district_name"]``).

    Returns
    -------
    Agreement or None
        None when the file has neither police.uk column (not a police.uk file).
    """
    if not set(POLICEUK_COLUMNS) & set(originals.columns) or len(originals) != len(joined):
        return None
    inside = _text(joined["district_name"])
    district = joined["district_name"]
    if "nearest_district_name" in joined.columns:
        district = district.fillna(joined["nearest_district_name"])
    ours_district = _text(district)
    known = set(inside[inside != ""]) if area_districts is None else set(area_districts)
    ours_lsoa = _text(joined["lsoa_code"])
    d_agree = l_all = l_2011 = np.zeros(0, dtype=bool)
    if "LSOA name" in originals.columns:
        named = _text(originals["LSOA name"].astype("string").str.replace(r"\s+\d{3}[A-Z]$", "", regex=True))
        has = named != ""
        both_outside = (inside == "") & ~np.isin(named, sorted(known))
        d_agree = ((ours_district == named) | both_outside)[has]
    if "LSOA code" in originals.columns:
        theirs = _text(originals["LSOA code"])
        same = ours_lsoa == theirs
        l_all = same[theirs != ""]
        l_2011 = same[np.isin(theirs, sorted(lsoa_codes_2011))]
    return Agreement(
        district_share=_share(d_agree),
        district_rows=int(d_agree.size),
        lsoa_share_2011=_share(l_2011),
        lsoa_rows_2011=int(l_2011.size),
        lsoa_share_all=_share(l_all),
        lsoa_rows_all=int(l_all.size),
    )
