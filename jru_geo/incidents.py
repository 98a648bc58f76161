"""Read incident files into one schema in EPSG:27700, with every unusable row accounted for.

Three formats are read, detected from the header (override with ``fmt``):

``policeuk``
    data.police.uk street-level crime CSVs (``Crime ID, Month, ..., Longitude, Latitude, ...,
    Crime type, ...``), one or many monthly files. Only the month is known, so ``time`` is the
    first of the month with ``time_precision = "month"``. Anti-social behaviour rows have no
    ``Crime ID``: their id is ``"<file>#<row>"``.
``stats19``
    DfT STATS19 collision CSVs (``accident_index`` or ``collision_index``; ``date`` dd/mm/yyyy;
    ``time`` HH:MM; ``location_easting_osgr``/``location_northing_osgr`` and/or
    ``longitude``/``latitude``; ``accident_severity`` or ``collision_severity`` 1/2/3). The grid
    reference is used when present, else the longitude/latitude. Category ``rtc``, with the
    severity kept in ``category_original``, e.g. ``"Collision (serious)"``.
``generic``
    A CAD-style CSV: an id, a date-time (ISO ``2025-01-31 18:30``/``2025-01-31T18:30:00`` with or
    without a UTC offset, or ``31/01/2025 18:30``; or separate date and time columns), a category,
    and a location: latitude/longitude, British National Grid easting/northing, or a postcode
    geocoded offline from the embedded Code-Point Open table. Headers are matched
    case-insensitively with common aliases (``lat``, ``lon``/``lng``, ``x``/``y``, ``type``...,
    see :data:`jru_geo._incident_formats.GENERIC_ALIASES`). When a row's first location is blank
    the next one present is used (latitude/longitude, then easting/northing, then postcode).
    Without an id column, ids are ``"<file>#<row>"``.

Files are decoded as UTF-8 (with or without BOM), falling back to Windows-1252 (cp1252). The
delimiter is a comma, or a semicolon or tab when the header has no comma.

Rows and rejects
----------------
Every data row either becomes an incident or goes to the rejects with its file, row number (as a
spreadsheet shows it: the header is line 1, so the first data row is 2) and a reason naming the field
and value: missing, non-numeric or out-of-range coordinates (latitude 49.8..60.9, longitude
-8.7..1.8, easting 0..700000 m, northing 0..1300000 m), latitude/longitude swapped, unparseable date
or time, unknown postcode, missing id (STATS19, or generic files with an id column), or a line with
more fields than the header. A row with no location at all has the reason ``"no coordinates"``.
Completely empty lines are skipped and not counted. A file that is not an incident file at all
(missing, empty, binary, undecodable, wrong columns) raises one :class:`IncidentFileError` naming
every such file and what is wrong.

Category taxonomy
-----------------
=============================  ==================================================================
JRU category                   mapped from
=============================  ==================================================================
``violence``                   police.uk "Violence and sexual offences", "Robbery", "Possession
                               of weapons"; generic labels containing assault, violen(ce/t),
                               fight, stab
``rtc``                        every STATS19 row; generic labels with rtc, rta, collision,
                               crash, road
``alcohol``                    police.uk "Public order", "Drugs", "Anti-social behaviour";
                               generic labels with alcohol, drunk, intox
``welfare``                    generic labels with mental, welfare, concern, self-harm, suicid
``sudden_death``               generic labels with death, deceased, sudden
``injury_other``               every other police.uk crime type and generic label
=============================  ==================================================================

Mapping public order, drugs and anti-social behaviour to ``alcohol`` is an **assumption**: in
police.uk data these are the nearest proxy for night-time-economy disorder, which is where most
alcohol/intoxication calls for a joint response arise. police.uk has no welfare, collision or
sudden-death categories. Generic labels equal to a :data:`CATEGORIES` code or label map to that code
first (so the demo generator's labels round-trip); otherwise keywords are tried in the table's order
and the first match wins.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from jru_geo._incident_formats import (
    ColumnPlan,
    detect_format,
    plan_columns,
)
from jru_geo.boundaries import load_postcodes, normalise_postcode
from jru_geo.errors import IncidentFileError
from jru_geo.settings import BNG, WGS84

__all__ = [
    "CATEGORIES",
    "POLICEUK_CATEGORIES",
    "GENERIC_KEYWORDS",
    "INCIDENT_COLUMNS",
    "LAT_RANGE",
    "LON_RANGE",
    "EASTING_RANGE_M",
    "NORTHING_RANGE_M",
    "IncidentFormat",
    "IncidentSource",
    "ReadResult",
    "read_incidents",
    "detect_format",
    "categorise",
]

CATEGORIES: dict[str, str] = {
    "violence": "Violence/assault",
    "rtc": "Road traffic collision",
    "alcohol": "Alcohol/intoxication",
    "welfare": "Mental health/welfare",
    "sudden_death": "Sudden death",
    "injury_other": "Injury/other",
}
"""The JRU taxonomy, code -> label, in display order."""

POLICEUK_CATEGORIES: dict[str, str] = {
    "Violence and sexual offences": "violence",
    "Robbery": "violence",
    "Possession of weapons": "violence",
    "Public order": "alcohol",
    "Drugs": "alcohol",
    "Anti-social behaviour": "alcohol",
}
"""police.uk crime type -> JRU code (case-insensitive); any other crime type is ``injury_other``."""

GENERIC_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("violence", r"assault|violen|fight|stab"),
    ("rtc", r"\brt[ac]\b|collision|crash|\broad"),
    ("alcohol", r"alcohol|drunk|intox"),
    ("welfare", r"mental|welfare|concern|self.?harm|suicid"),
    ("sudden_death", r"death|deceased|sudden"),
)
"""Generic label keywords (case-insensitive regular expressions), tried in order."""

INCIDENT_COLUMNS = [
    "incident_id",
    "time",
    "time_precision",
    "category",
    "category_original",
    "source",
    "file",
    "row",
    "geometry",
]
"""The columns of :attr:`ReadResult.incidents`, in order."""

LAT_RANGE = (49.8, 60.9)
LON_RANGE = (-8.7, 1.8)
EASTING_RANGE_M = (0.0, 700_000.0)
NORTHING_RANGE_M = (0.0, 1_300_000.0)

IncidentFormat = Literal["auto", "policeuk", "stats19", "generic"]
IncidentSource = str | os.PathLike[str] | tuple[str, bytes]
"""A path, or ``(file name, raw bytes)`` for an upload."""

_MISSING_TOKENS = ("", "NULL", "NA", "N/A", "NAN", "NONE", "-")
_SEVERITY = {
    "1": "fatal",
    "2": "serious",
    "3": "slight",
    "fatal": "fatal",
    "serious": "serious",
    "slight": "slight",
}
_DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
)
_DATE_HINT = "expected e.g. 2025-01-31 18:30 or 31/01/2025 18:30"
_TO_BNG = Transformer.from_crs(WGS84, BNG, always_xy=True)


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_incidents` returns.

    Attributes
    ----------
    incidents
        One row per usable input row: :data:`INCIDENT_COLUMNS`, EPSG:27700, index ``0..n-1``.
    originals
        The original input columns (strings) of those rows, same index as ``incidents``. Columns
        missing from a file (when several formats are mixed) are empty strings.
    rejects
        The original columns of every unusable row plus ``file``, ``row`` and ``reason``.
    n_read
        Data rows read; always ``len(incidents) + len(rejects)``.
    """

    incidents: gpd.GeoDataFrame
    originals: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int


# --------------------------------------------------------------------------------------------
# categories


def categorise(labels: pd.Series, *, source: str) -> pd.Series:
    """Map original category labels to :data:`CATEGORIES` codes.

    Parameters
    ----------
    labels
        Original labels (police.uk crime types, STATS19 severities or free-text CAD categories).
    source
        ``"policeuk"``, ``"stats19"`` or ``"generic"``; see the module docstring for the table.

    Returns
    -------
    Series
        Codes, aligned to ``labels``' index, named ``"category"``.

    Examples
    --------
    >>> categorise(pd.Series(["Robbery", "Shoplifting"]), source="policeuk").tolist()
    ['violence', 'injury_other']
    >>> categorise(pd.Series(["Drunk male", "Concern for welfare"]), source="generic").tolist()
    ['alcohol', 'welfare']
    """
    if source not in ("policeuk", "stats19", "generic"):
        raise IncidentFileError(f"source must be 'policeuk', 'stats19' or 'generic', got {source!r}")
    text = labels.astype("string").fillna("").str.strip()
    codes, uniques = pd.factorize(text)
    keys = pd.Series(uniques, dtype="string").str.casefold()
    if source == "stats19":
        mapped = np.full(len(keys), "rtc", dtype=object)
    elif source == "policeuk":
        table = {k.casefold(): v for k, v in POLICEUK_CATEGORIES.items()}
        mapped = keys.map(table).fillna("injury_other").to_numpy(dtype=object)
    else:
        mapped = _generic_codes(keys)
    out = mapped[codes] if len(codes) else np.array([], dtype=object)
    return pd.Series(out, index=labels.index, name="category", dtype="str")


def _generic_codes(keys: pd.Series) -> np.ndarray:
    exact = {code: code for code in CATEGORIES} | {lab.casefold(): c for c, lab in CATEGORIES.items()}
    mapped = keys.map(exact)
    for code, pattern in GENERIC_KEYWORDS:
        todo = mapped.isna()
        if not todo.any():
            break
        hit = keys[todo].str.contains(pattern, regex=True)
        mapped[hit[hit].index] = code
    return mapped.fillna("injury_other").to_numpy(dtype=object)


# --------------------------------------------------------------------------------------------
# files


@dataclass(frozen=True)
class _Table:
    name: str
    data: pd.DataFrame  # original columns as str ("" when empty); index = line number
    shape_reasons: pd.Series  # reasons for lines with more fields than the header


def _source_bytes(source: IncidentSource) -> tuple[str, bytes]:
    if isinstance(source, tuple):
        name, data = source
        return str(name), bytes(data)
    path = Path(source)
    try:
        return path.name, path.read_bytes()
    except OSError as err:
        raise IncidentFileError(f"{path}: cannot be read ({err.strerror or err}); check the path") from err


def _decode(name: str, data: bytes) -> tuple[str, str]:
    """Return the text and the encoding to read it with, or raise naming the problem."""
    if not data or data.isspace():
        raise IncidentFileError(f"{name}: the file is empty; expected a CSV with a header row")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise IncidentFileError(f"{name}: the file is UTF-16 text; save it as 'CSV UTF-8' and retry")
    if b"\x00" in data[:8192]:
        hint = " (it looks like an Excel workbook or zip)" if data[:2] == b"PK" else ""
        raise IncidentFileError(f"{name}: the file is binary, not CSV text{hint}; export it as CSV and retry")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:
        raise IncidentFileError(
            f"{name}: cannot be decoded as UTF-8 or Windows-1252 text (byte "
            f"0x{data[err.start]:02x} at position {err.start}); save it as 'CSV UTF-8' and retry"
        ) from err


def _sniff_delimiter(text: str) -> str:
    header = text[:65536].lstrip("\r\n").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _dedupe(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}.{n}")
    return out


def _frame_from_rows(rows: pd.DataFrame, name: str, shape: pd.Series) -> _Table:
    """Turn a header=None parse (index = line - 1) into a _Table (index = line number)."""
    rows.index = rows.index + 1
    header_line = 0
    for start in range(0, len(rows), 1000):
        head = rows.iloc[start : start + 1000]
        filled = ~(head == "").all(axis=1)
        if filled.any():
            header_line = int(filled.idxmax())
            break
    if header_line == 0:
        raise IncidentFileError(f"{name}: the file is empty; expected a CSV with a header row")
    columns = _dedupe([str(v).strip() for v in rows.loc[header_line]])
    data = rows.loc[rows.index > header_line]
    data.columns = pd.Index(columns)
    return _Table(name, data, shape[shape.index > header_line])


def _read_ragged(text: str, delimiter: str, name: str) -> _Table:
    """Fallback for malformed CSV (ragged rows, unterminated quotes) via the csv module.

    Only used when pandas' C parser refuses the file; rows are padded or cut to the header width
    and the too-long ones get a reject reason. This path loops over rows in Python.
    """
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    widths = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
    first = int(np.argmax(widths > 0)) if len(widths) else 0
    width = int(widths[first]) if len(widths) else 0
    padded = [r[:width] + [""] * (width - len(r)) for r in records]
    rows = pd.DataFrame(padded, dtype="str")
    too_long = np.flatnonzero(widths > width)
    shape = pd.Series(
        [f"line has {widths[i]} fields but the header has {width}" for i in too_long],
        index=pd.Index(too_long + 1),
        dtype="str",
    )
    return _frame_from_rows(rows, name, shape)


def _load_table(source: IncidentSource) -> _Table:
    name, data = _source_bytes(source)
    text, encoding = _decode(name, data)
    delimiter = _sniff_delimiter(text)
    try:
        rows = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            dtype="str",
            na_filter=False,
            skip_blank_lines=False,
            encoding=encoding,
            engine="c",
        )
    except pd.errors.ParserError:
        return _read_ragged(text, delimiter, name)
    return _frame_from_rows(rows, name, pd.Series([], dtype="str"))


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
        times[aware] = utc.dt.tz_convert("Europe/London").dt.tz_localize(None)
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


def _bad_value_messages(text: pd.Series, bad: pd.Series, col: str, what: str) -> pd.Series:
    blank = _is_blank(text[bad])
    quoted = _quote(text[bad])
    return pd.Series(
        np.where(blank, f"{col} is empty", col + " " + quoted + f" {what}"),
        index=quoted.index,
        dtype="str",
    )


# --------------------------------------------------------------------------------------------
# fields


def _ids(data: pd.DataFrame, plan: ColumnPlan, name: str, reasons: _Reasons) -> pd.Series:
    """Incident ids; police.uk rows without one (ASB) and files without an id column get
    ``"<file>#<row>"``, other formats reject rows with an empty id."""

    def made_up(index: pd.Index) -> pd.Series:
        return pd.Series(name + "#" + index.astype("str"), index=index, dtype="str")

    if plan.id_col is None:
        return made_up(data.index)
    ids = data[plan.id_col].str.strip()
    missing = ids == ""
    if plan.fmt == "policeuk":
        if missing.any():
            ids[missing] = made_up(data.index[missing])
        return ids
    reasons.add(pd.Series(f"{plan.id_col} is empty", index=ids.index[missing], dtype="str"))
    return ids


def _times(data: pd.DataFrame, plan: ColumnPlan, reasons: _Reasons) -> tuple[pd.Series, pd.Series]:
    if plan.fmt == "policeuk":
        assert plan.date_col is not None
        text = data[plan.date_col].str.strip()
        times = pd.to_datetime(text, format="%Y-%m", errors="coerce")
        bad = times.isna()
        reasons.add(_bad_value_messages(text, bad, plan.date_col, "is not a YYYY-MM month"))
        return times, pd.Series("month", index=data.index, dtype="str")
    date_col = plan.datetime_col or plan.date_col
    assert date_col is not None
    text = data[date_col]
    times, precision = _parse_datetimes(text)
    reasons.add(_bad_value_messages(text, times.isna(), date_col, f"is not a date ({_DATE_HINT})"))
    if plan.datetime_col is None and plan.time_col is not None:
        clock_text = data[plan.time_col].str.strip()
        has_clock = clock_text != ""
        clock = _parse_clock(clock_text[has_clock])
        bad = pd.Series(False, index=data.index)
        bad[has_clock] = clock.isna()
        reasons.add(_bad_value_messages(clock_text, bad, plan.time_col, "is not a time (HH:MM)"))
        ok = clock.notna()
        times[ok[ok].index] = times[ok[ok].index] + clock[ok]
        precision[ok[ok].index] = "minute"
    return times, precision


def _categories(data: pd.DataFrame, plan: ColumnPlan) -> tuple[pd.Series, pd.Series]:
    if plan.fmt == "stats19":
        if plan.severity_col is None:
            original = pd.Series("Collision", index=data.index, dtype="str")
        else:
            severity = data[plan.severity_col].str.strip().str.lower().map(_SEVERITY)
            original = ("Collision (" + severity + ")").fillna("Collision").astype("str")
    else:
        assert plan.category_col is not None
        original = data[plan.category_col].str.strip()
    return original, categorise(original, source=plan.fmt)


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
            + f" look swapped ({a.name} must be {a.range_text()}, {b.name} {b.range_text()})"
        )
    for c in (a, b):
        blank = use & c.empty
        messages.append(pd.Series(f"{c.name} is empty", index=blank[blank].index, dtype="str"))
        nonnum = use & c.value.isna() & ~c.empty
        messages.append(c.name + " " + _quote(c.text[nonnum]) + " is not a number")
        out = use & c.value.notna() & ~c.inside & ~swapped
        messages.append(c.name + " " + c.text[out].str.strip() + f" is outside the range {c.range_text()}")
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
            x[pos], y[pos] = _TO_BNG.transform(second, first)
        else:
            x[pos], y[pos] = first, second
    if plan.fmt == "generic" and plan.postcode_col is not None:
        use = _postcode_points(
            data[plan.postcode_col], remaining, plan.postcode_col, x, y, reasons, get_postcodes
        )
        remaining = remaining & ~use
    reasons.add(pd.Series("no coordinates", index=remaining[remaining].index, dtype="str"))
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
        + " is not in the Kent and Medway postcode table (Code-Point Open)"
    )
    return use


# --------------------------------------------------------------------------------------------
# assembly


@dataclass(frozen=True)
class _Part:
    frame: pd.DataFrame  # INCIDENT_COLUMNS without geometry, plus x, y
    originals: pd.DataFrame
    rejects: pd.DataFrame


def _read_table(table: _Table, plan: ColumnPlan, get_postcodes: Callable[[], pd.DataFrame]) -> _Part:
    """Parse one file's rows; split them into incidents (with x, y) and rejects."""
    data = table.data
    if len(data.columns):
        blank = (data == "").all(axis=1)
        if blank.any():
            data = data.loc[~blank]
    rows = pd.Series(data.index.to_numpy(dtype=np.int64), index=data.index)
    reasons = _Reasons()
    reasons.add(table.shape_reasons[table.shape_reasons.index.isin(data.index)])
    ids = _ids(data, plan, table.name, reasons)
    times, precision = _times(data, plan, reasons)
    original, category = _categories(data, plan)
    x, y = _locate(data, plan, reasons, get_postcodes)
    why = reasons.result(data.index)
    ok = ~data.index.isin(why.index)
    all_ok = bool(ok.all())

    def keep(values: pd.Series) -> pd.Series:
        return values if all_ok else values[ok]

    kept = data.index if all_ok else data.index[ok]
    frame = pd.DataFrame(
        {
            "incident_id": keep(ids).astype("str"),
            "time": keep(times).astype("datetime64[ns]"),
            "time_precision": keep(precision).astype("str"),
            "category": keep(category),
            "category_original": keep(original).astype("str"),
            "source": pd.Series(plan.fmt, index=kept, dtype="str"),
            "file": pd.Series(table.name, index=kept, dtype="str"),
            "row": keep(rows),
            "x": x if all_ok else x[ok],
            "y": y if all_ok else y[ok],
        }
    )
    clash = {c: f"{c}_original" for c in ("file", "row", "reason") if c in data.columns}
    rejects = (
        data.loc[~ok]
        .rename(columns=clash)
        .assign(
            file=table.name,
            row=rows[~ok],
            reason=why.reindex(data.index[~ok]),
        )
    )
    return _Part(frame, data if all_ok else data.loc[ok], rejects)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    out = pd.concat(frames, ignore_index=True)
    text_cols = [c for c in out.columns if c != "row"]
    out[text_cols] = out[text_cols].fillna("")
    return out


def _as_sources(sources: IncidentSource | Sequence[IncidentSource]) -> list[IncidentSource]:
    if isinstance(sources, str | os.PathLike):
        return [sources]
    if isinstance(sources, tuple) and len(sources) == 2 and isinstance(sources[1], bytes | bytearray):
        return [sources]  # type: ignore[list-item]
    items = list(sources)  # type: ignore[arg-type]
    if not items:
        raise IncidentFileError("no incident files given; pass at least one path or upload")
    return items


def _open(source: IncidentSource, fmt: IncidentFormat) -> tuple[_Table, ColumnPlan]:
    """Load a file and plan its columns, or raise one IncidentFileError naming the file."""
    table = _load_table(source)
    header = [str(c) for c in table.data.columns]
    try:
        chosen = detect_format(header) if fmt == "auto" else fmt
        return table, plan_columns(header, chosen)
    except IncidentFileError as err:
        raise IncidentFileError(f"{table.name}: {err}") from err


def read_incidents(
    sources: IncidentSource | Sequence[IncidentSource],
    *,
    fmt: IncidentFormat = "auto",
    postcodes: pd.DataFrame | None = None,
) -> ReadResult:
    """Read one or many incident files into one GeoDataFrame, with the unusable rows set apart.

    Parameters
    ----------
    sources
        A path, an upload ``(file name, raw bytes)``, or a sequence of them. Files are read in order.
    fmt
        ``"auto"`` detects each file's format from its header; ``"policeuk"``, ``"stats19"`` or
        ``"generic"`` forces it for every file.
    postcodes
        The postcode table from :func:`jru_geo.boundaries.load_postcodes` (indexed by normalised
        postcode, with ``easting`` and ``northing``). Loaded lazily when ``None`` and a generic
        file locates rows by postcode.

    Returns
    -------
    ReadResult
        ``incidents`` (EPSG:27700, columns :data:`INCIDENT_COLUMNS`), ``originals`` (the input
        columns of those rows), ``rejects`` (input columns + ``file``, ``row``, ``reason``) and
        ``n_read``.

    Raises
    ------
    IncidentFileError
        One error naming every file that cannot be used at all (unreadable, empty, binary,
        undecodable, or without the columns its format needs) and what is wrong with it.

    Examples
    --------
    >>> header = b"incident_id,datetime,category,latitude,longitude\\n"
    >>> csv_bytes = header + b"1,2025-01-03 18:30,RTC,51.3964,0.5468\\n"
    >>> result = read_incidents(("cad.csv", csv_bytes))
    >>> result.incidents[["incident_id", "category", "row"]].values.tolist()
    [['1', 'rtc', 2]]
    """
    if fmt not in ("auto", "policeuk", "stats19", "generic"):
        raise IncidentFileError(f"fmt must be 'auto', 'policeuk', 'stats19' or 'generic', got {fmt!r}")
    loaded: list[tuple[_Table, ColumnPlan]] = []
    problems: list[str] = []
    for source in _as_sources(sources):
        try:
            loaded.append(_open(source, fmt))
        except IncidentFileError as err:
            problems.append(str(err))
    if problems:
        raise IncidentFileError(" | ".join(problems))

    cache: list[pd.DataFrame] = [] if postcodes is None else [postcodes]

    def get_postcodes() -> pd.DataFrame:
        if not cache:
            cache.append(load_postcodes())
        return cache[0]

    parts = [_read_table(table, plan, get_postcodes) for table, plan in loaded]
    frame = _concat([p.frame for p in parts])
    incidents = gpd.GeoDataFrame(
        frame.drop(columns=["x", "y"]).astype({"row": "int64"}),
        geometry=gpd.points_from_xy(frame["x"].to_numpy(), frame["y"].to_numpy()),
        crs=BNG,
    )
    originals = _concat([p.originals for p in parts])
    rejects = _concat([p.rejects for p in parts]).astype({"row": "int64"})
    added = ["file", "row", "reason"]
    rejects = rejects[[c for c in rejects.columns if c not in added] + added]
    return ReadResult(incidents, originals, rejects, n_read=len(incidents) + len(rejects))
