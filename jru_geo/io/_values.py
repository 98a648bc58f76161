"""Parsing incident values (ids, numbers, dates and times) with a reason for every rejected row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo.week import LOCAL_TZ

__all__: list[str] = []

_MISSING_TOKENS = ("", "NULL", "NA", "N/A", "NAN", "NONE", "-")
_DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
)
_DATE_HINT = "expected e.g. 2025-01-31 18:30 or 31/01/2025 18:30"


# --------------------------------------------------------------------------------------------
# values


class _Reasons:
    """Collects reject reasons per row; a row with any reason is rejected."""

    def __init__(self) -> None:
        self._parts: list[pd.Series] = []

    def add(self, messages: pd.Series) -> None:
        if len(messages):
            self._parts.append(messages.astype("str"))

    def result(self, index: pd.Index) -> pd.Series:
        """Reasons for the rejected rows only (joined with '; '), in index order."""
        out = pd.Series([], index=index[:0], dtype="str")
        for part in self._parts:  # one vectorised step per check, each part has a unique index
            both = part.index.isin(out.index)
            if both.any():
                common = part.index[both]
                out.loc[common] = out.loc[common] + "; " + part.loc[common]
            out = pd.concat([out, part[~both]]) if not both.all() else out
        return out.sort_index()


def _quote(values: pd.Series) -> pd.Series:
    short = values.str.slice(0, 40)
    return "'" + short + "'"


def _numeric(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values, is_empty): empty covers blanks and NULL/NA tokens; NaN also for non-numbers."""
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    empty = pd.Series(False, index=text.index)
    nan = values.isna()
    if nan.any():
        empty[nan] = text[nan].str.strip().str.upper().isin(_MISSING_TOKENS)
    return values, empty


def _is_blank(text: pd.Series) -> pd.Series:
    return text.str.strip() == ""


def _parse_datetimes(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ISO or day-first date-times; returns (naive UK local time or NaT, precision)."""
    text = text.str.strip()
    times = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    has_colon = text.str.contains(":", regex=False)
    tail = text.str.slice(-6)
    aware = has_colon & (
        text.str.endswith("Z") | tail.str.contains("+", regex=False) | tail.str.contains("-", regex=False)
    )
    if aware.any():
        sub = text[aware]
        aware[aware] = sub.str.contains(r":\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    if aware.any():
        utc = pd.to_datetime(text[aware], format="ISO8601", utc=True, errors="coerce")
        times[aware] = utc.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    naive = ~aware & (text != "")
    for fmt in _formats_by_fit(text[naive]):
        todo = times.isna() & naive
        if not todo.any():
            break
        times[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    labels = np.array(["day", "minute"], dtype=object)
    precision = pd.Series(
        labels[has_colon.to_numpy(dtype=bool).astype(np.intp)], index=text.index, dtype="str"
    )
    short = text.str.len() <= 7
    if short.any():
        month = text[short].str.fullmatch(r"\d{4}-\d{1,2}")
        precision[month[month].index] = "month"
    return times, precision


def _formats_by_fit(text: pd.Series) -> list[str]:
    """ISO and day-first formats, the ones that parse most of a sample first (failing is slow)."""
    sample = text.head(200)
    formats = ["ISO8601", *_DAY_FIRST_FORMATS]
    hits = {f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in formats}
    return sorted(formats, key=lambda f: -hits[f])


def _parse_clock(text: pd.Series) -> pd.Series:
    """HH:MM or HH:MM:SS -> Timedelta since midnight (NaT when unparseable)."""
    clock = pd.to_datetime(text, format="%H:%M", errors="coerce")
    todo = clock.isna()
    if todo.any():
        clock[todo] = pd.to_datetime(text[todo], format="%H:%M:%S", errors="coerce")
    return clock - pd.Timestamp("1900-01-01")


def _bad_value_messages(
    text: pd.Series, bad: pd.Series, col: str, what: str, *, fix: str = "correct the value"
) -> pd.Series:
    """``"<col> '<value>' <what>; <fix>"`` (or ``"<col> is empty; fill it in"``) for the ``bad`` rows."""
    blank = _is_blank(text[bad])
    quoted = _quote(text[bad])
    return pd.Series(
        np.where(blank, f"{col} is empty; fill it in", col + " " + quoted + f" {what}; {fix}"),
        index=quoted.index,
        dtype="str",
    )


def _outside_ns(times: pd.Series) -> pd.Series:
    """Rows whose date lies outside what pandas' nanosecond times hold (1677-09-21 to 2262-04-11)."""
    if not len(times):
        return pd.Series(False, index=times.index)
    lo = np.datetime64("1677-09-22", "us")  # inside pandas' nanosecond range, compared in microseconds
    hi = np.datetime64("2262-04-10", "us")
    values = times.to_numpy(dtype="datetime64[us]")
    bad = ~np.isnat(values) & ((values < lo) | (values > hi))
    return pd.Series(bad, index=times.index)


def _year_messages(text: pd.Series, bad: pd.Series, col: str) -> pd.Series:
    """Reasons for dates whose year JRU Geo cannot hold."""
    return (
        col
        + " "
        + _quote(text[bad].str.strip())
        + " has a year outside 1678-2261; check the year (a typing slip such as 0001 or 9999?)"
    )
