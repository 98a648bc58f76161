"""Locating incidents by lat/lon, easting/northing or postcode, in British National Grid metres."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from jru_geo._crs import lonlat_to_bng
from jru_geo.io._formats import ColumnPlan
from jru_geo.io._values import _is_blank, _numeric, _quote, _Reasons
from jru_geo.io.boundaries import normalise_postcode

__all__ = ["LAT_RANGE", "LON_RANGE", "EASTING_RANGE_M", "NORTHING_RANGE_M", "NO_COORDINATES"]

LAT_RANGE = (49.8, 60.9)
LON_RANGE = (-8.7, 1.8)
EASTING_RANGE_M = (0.0, 700_000.0)
NORTHING_RANGE_M = (0.0, 1_300_000.0)

NO_COORDINATES = "no coordinates; give latitude and longitude (or easting and northing, or a postcode)"
"""The reason of a row without any location."""


def _range_fix(valid: tuple[float, float]) -> str:
    """How to fix a coordinate outside ``valid``."""
    if valid in (LAT_RANGE, LON_RANGE):
        return "give WGS84 decimal degrees in Great Britain (Kent is near 51.3, 0.9)"
    return "give British National Grid metres (EPSG:27700), not degrees"


@dataclass(frozen=True)
class _Coordinate:
    """One coordinate column: its name, raw text, parsed value (NaN if not a number), blankness."""

    name: str
    text: pd.Series
    value: pd.Series
    empty: pd.Series
    valid: tuple[float, float]

    @classmethod
    def parse(cls, data: pd.DataFrame, name: str, valid: tuple[float, float]) -> _Coordinate:
        text = data[name]
        value, empty = _numeric(text)
        return cls(name, text, value, empty, valid)

    @cached_property
    def inside(self) -> pd.Series:
        return self.value.between(*self.valid)

    def range_text(self) -> str:
        return f"{self.valid[0]:g}..{self.valid[1]:g}"


def _pair_messages(a: _Coordinate, b: _Coordinate, use: pd.Series, *, swap_check: bool) -> list[pd.Series]:
    """Reject reasons for the rows ``use`` whose coordinate pair is not valid."""
    messages: list[pd.Series] = []
    swapped = pd.Series(False, index=use.index)
    if swap_check:
        swapped = use & ~(a.inside & b.inside) & a.value.between(*b.valid) & b.value.between(*a.valid)
        messages.append(
            a.name
            + " "
            + a.text[swapped].str.strip()
            + " and "
            + b.name
            + " "
            + b.text[swapped].str.strip()
            + f" look swapped ({a.name} must be {a.range_text()}, {b.name} {b.range_text()}); swap the "
            "two columns' values"
        )
    for c in (a, b):
        blank = use & c.empty
        messages.append(
            pd.Series(
                f"{c.name} is empty; fill it in or blank the whole pair",
                index=blank[blank].index,
                dtype="str",
            )
        )
        nonnum = use & c.value.isna() & ~c.empty
        comma = c.text[nonnum].str.fullmatch(r"\s*[-+]?\d+,\d+\s*")
        hint = pd.Series(
            np.where(comma, "; a decimal comma? use a point, e.g. 51.3964", "; give a plain decimal number"),
            index=comma.index,
            dtype="str",
        )
        messages.append(c.name + " " + _quote(c.text[nonnum]) + " is not a number" + hint)
        out = use & c.value.notna() & ~c.inside & ~swapped
        messages.append(
            c.name
            + " "
            + c.text[out].str.strip()
            + f" is outside the range {c.range_text()}; {_range_fix(c.valid)}"
        )
    return messages


def _locate(
    data: pd.DataFrame,
    plan: ColumnPlan,
    reasons: _Reasons,
    get_postcodes: Callable[[], pd.DataFrame],
) -> tuple[np.ndarray, np.ndarray]:
    """Easting/northing (metres, EPSG:27700; NaN for rejected rows) from the plan's location.

    Each row uses the first method whose fields are not all blank (STATS19: grid reference, then
    longitude/latitude; others: latitude/longitude, easting/northing, postcode).
    """
    x = np.full(len(data), np.nan)
    y = np.full(len(data), np.nan)
    pairs: dict[str, tuple[str, str, tuple[float, float], tuple[float, float]]] = {}
    if plan.lat_col is not None and plan.lon_col is not None:
        pairs["latlon"] = (plan.lat_col, plan.lon_col, LAT_RANGE, LON_RANGE)
    if plan.east_col is not None and plan.north_col is not None:
        pairs["bng"] = (plan.east_col, plan.north_col, EASTING_RANGE_M, NORTHING_RANGE_M)
    order = ("bng", "latlon") if plan.fmt == "stats19" else ("latlon", "bng")
    remaining = pd.Series(True, index=data.index)
    for method in (m for m in order if m in pairs):
        col_a, col_b, valid_a, valid_b = pairs[method]
        a = _Coordinate.parse(data, col_a, valid_a)
        b = _Coordinate.parse(data, col_b, valid_b)
        use = remaining & ~(a.empty & b.empty)
        remaining = remaining & ~use
        for message in _pair_messages(a, b, use, swap_check=method == "latlon"):
            reasons.add(message)
        pos = np.flatnonzero((use & a.inside & b.inside).to_numpy())
        first = a.value.to_numpy()[pos]
        second = b.value.to_numpy()[pos]
        if method == "latlon":
            x[pos], y[pos] = lonlat_to_bng(second, first)
        else:
            x[pos], y[pos] = first, second
    if plan.fmt == "generic" and plan.postcode_col is not None:
        use = _postcode_points(
            data[plan.postcode_col], remaining, plan.postcode_col, x, y, reasons, get_postcodes
        )
        remaining = remaining & ~use
    reasons.add(pd.Series(NO_COORDINATES, index=remaining[remaining].index, dtype="str"))
    return x, y


def _postcode_points(
    text: pd.Series,
    remaining: pd.Series,
    col: str,
    x: np.ndarray,
    y: np.ndarray,
    reasons: _Reasons,
    get_postcodes: Callable[[], pd.DataFrame],
) -> pd.Series:
    """Fill x, y from the postcode table for the rows it locates; return the rows it used."""
    use = remaining & ~_is_blank(text)
    if not use.any():
        return use
    table = get_postcodes()
    table = table[~table.index.duplicated()]
    keys = normalise_postcode(text[use]).to_numpy(dtype=object)
    found = pd.Index(table.index).get_indexer(keys)
    known = found >= 0
    pos = np.flatnonzero(use.to_numpy())
    x[pos[known]] = table["easting"].to_numpy(dtype="float64")[found[known]]
    y[pos[known]] = table["northing"].to_numpy(dtype="float64")[found[known]]
    unknown = text[use][~known]
    reasons.add(
        col
        + " "
        + _quote(unknown.str.strip())
        + " is not in the area's postcode table (Code-Point Open); check it, or give latitude "
        "and longitude instead"
    )
    return use
