"""The rejects table as a person reads it: reasons summarised, columns in reading order, a template.

:func:`summarise_rejects` counts the rejected rows by the kind of reason (the reason with the row's
own values blanked, so ``latitude '51,39' is not a number`` and ``latitude '51,40' ...`` count
together), with the first file and row that had it; :func:`rejects_for_reading` puts ``file, row,
reason`` first; :func:`generic_template_csv` is a file in the generic CAD format to fill in.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["summarise_rejects", "rejects_for_reading", "generic_template_csv", "LEADING_COLUMNS"]

LEADING_COLUMNS = ("file", "row", "reason")
"""The columns of the rejects table a reader needs first."""

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,.]*")


def _kind(reason: str) -> str:
    """Blank the row's own values in a reason: quoted text to '…', numbers to N."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", str(reason))).strip()


def summarise_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Count rejected rows by kind of reason, most common first.

    Parameters
    ----------
    rejects
        A rejects table with ``file``, ``row`` and ``reason`` (:func:`jru_geo.io.incidents.read_incidents`).

    Returns
    -------
    DataFrame
        ``reason`` (the kind), ``rows`` (how many), ``first_file`` and ``first_row`` (where it
        first occurs). Empty with the same columns when nothing was rejected.

    Examples
    --------
    >>> t = pd.DataFrame({"file": ["a.csv"] * 3, "row": [2, 5, 9],
    ...                   "reason": ["latitude '51,3' is not a number", "no coordinates",
    ...                              "latitude '51,4' is not a number"]})
    >>> summarise_rejects(t)[["reason", "rows"]].values.tolist()
    [["latitude '…' is not a number", 2], ['no coordinates', 1]]
    """
    columns = ["reason", "rows", "first_file", "first_row"]
    if len(rejects) == 0:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "reason": rejects["reason"].astype(str).map(_kind),
            "file": rejects["file"].astype(str) if "file" in rejects else "",
            "row": rejects["row"] if "row" in rejects else pd.NA,
        }
    )
    grouped = frame.groupby("reason", sort=False).agg(
        rows=("reason", "size"), first_file=("file", "first"), first_row=("row", "first")
    )
    return (
        grouped.reset_index()
        .sort_values("rows", ascending=False, kind="stable")[columns]
        .reset_index(drop=True)
    )


def rejects_for_reading(rejects: pd.DataFrame) -> pd.DataFrame:
    """Put ``file, row, reason`` first, the file's own columns after them (nothing dropped)."""
    first = [c for c in LEADING_COLUMNS if c in rejects.columns]
    return rejects[[*first, *[c for c in rejects.columns if c not in first]]]


def generic_template_csv() -> bytes:
    """Give a generic CAD file to fill in: the header the reader expects and two example rows.

    The examples are made up (marked ``EXAMPLE``) and show both ways to give a place: latitude and
    longitude, or a postcode.
    """
    text = (
        "incident_id,datetime,category,latitude,longitude,postcode\n"
        "EXAMPLE-1,2025-01-03 22:15,Assault,51.2720,0.5221,\n"
        "EXAMPLE-2,2025-01-04 01:40,Road traffic collision,,,ME7 1NE\n"
    )
    return text.encode("utf-8")
