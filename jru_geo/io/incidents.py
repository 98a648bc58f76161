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
    severity kept in ``category_original``, e.g. ``"Collision (serious)"``, and as
    ``source_category`` ``"Fatal"``, ``"Serious"`` or ``"Slight"``.
``generic``
    A CAD-style CSV: an id, a date-time (ISO ``2025-01-31 18:30``/``2025-01-31T18:30:00`` with or
    without a UTC offset, or ``31/01/2025 18:30``; or separate date and time columns), a category,
    and a location: latitude/longitude, British National Grid easting/northing, or a postcode
    geocoded offline from the embedded Code-Point Open table. Headers are matched
    case-insensitively with common aliases (``lat``, ``lon``/``lng``, ``x``/``y``, ``type``...,
    see :data:`jru_geo.io._formats.GENERIC_ALIASES`). When a row's first location is blank
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
or time (a year outside 1678-2261 included), unknown postcode, missing id (STATS19, or generic files
with an id column), a line with more fields than the header, or an unbalanced quote (the file is then
read line by line, so the lines after it are still rows of their own). A row with no location at all
has the reason ``"no coordinates; give latitude and longitude ..."``. Every reason ends with how to
fix it. Completely empty lines (also before the header) are skipped and not counted. A file that
is not an incident file at all (missing, empty, binary, undecodable, wrong columns, over 1 GB)
raises one :class:`IncidentFileError` naming every such file and what is wrong.

Where the work is done
----------------------
This module assembles the result; the steps live beside it: decoding and delimiters in
``jru_geo.io._table``, format detection and column aliases in :mod:`jru_geo.io._formats`, ids,
numbers and times in ``jru_geo.io._values``, coordinates and postcodes in ``jru_geo.io._locate``.
Categories are mapped onto the JRU taxonomy by :func:`jru_geo.io.categories.categorise` (the table
and its assumptions are in :mod:`jru_geo.io.categories`).

Source categories
-----------------
Beside the JRU ``category``, each incident keeps its source's own label as ``source_category``, to
filter and count on: the police.uk ``Crime type`` (e.g. ``"Violence and sexual offences"``,
``"Public order"``), the STATS19 severity (``"Fatal"``, ``"Serious"``, ``"Slight"``, or
``"Severity not given"``), a generic file's category text as written (``"(no category)"`` when
blank). :func:`jru_geo.io.sources.headline_count` names a count of them for the ``source``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import IncidentFileError
from jru_geo.io._formats import ColumnPlan, detect_format, plan_columns
from jru_geo.io._locate import _locate
from jru_geo.io._table import IncidentSource, _load_table, _Table
from jru_geo.io._values import (
    _DATE_HINT,
    _bad_value_messages,
    _outside_ns,
    _parse_clock,
    _parse_datetimes,
    _Reasons,
    _year_messages,
)
from jru_geo.io.boundaries import load_postcodes
from jru_geo.io.categories import categorise
from jru_geo.settings import BNG

__all__ = ["INCIDENT_COLUMNS", "IncidentFormat", "ReadResult", "read_incidents"]

INCIDENT_COLUMNS = [
    "incident_id",
    "time",
    "time_precision",
    "category",
    "category_original",
    "source_category",
    "source",
    "file",
    "row",
    "geometry",
]
"""The columns of :attr:`ReadResult.incidents`, in order."""

IncidentFormat = Literal["auto", "policeuk", "stats19", "generic"]
_SEVERITY = {
    "1": "fatal",
    "2": "serious",
    "3": "slight",
    "fatal": "fatal",
    "serious": "serious",
    "slight": "slight",
}
_NO_SEVERITY = "Severity not given"
_NO_CATEGORY = "(no category)"


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
# fields


def _ids(data: pd.DataFrame, plan: ColumnPlan, name: str, reasons: _Reasons) -> pd.Series:
    """Give each row its incident id, or a reason to reject it.

    police.uk rows without one (ASB) and files without an id column get ``"<file>#<row>"``; other
    formats reject rows with an empty id.
    """

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
    reasons.add(
        pd.Series(
            f"{plan.id_col} is empty; give every row an id (or drop the id column to number rows)",
            index=ids.index[missing],
            dtype="str",
        )
    )
    return ids


def _times(data: pd.DataFrame, plan: ColumnPlan, reasons: _Reasons) -> tuple[pd.Series, pd.Series]:
    if plan.fmt == "policeuk":
        assert plan.date_col is not None
        text = data[plan.date_col].str.strip()
        times = pd.to_datetime(text, format="%Y-%m", errors="coerce")
        outside = _outside_ns(times)
        reasons.add(_year_messages(text, outside, plan.date_col))
        times = times.mask(outside)
        bad = times.isna() & ~outside
        reasons.add(
            _bad_value_messages(
                text, bad, plan.date_col, "is not a YYYY-MM month", fix="write it as e.g. 2025-01"
            )
        )
        return times, pd.Series("month", index=data.index, dtype="str")
    date_col = plan.datetime_col or plan.date_col
    assert date_col is not None
    text = data[date_col]
    times, precision = _parse_datetimes(text)
    outside = _outside_ns(times)
    reasons.add(_year_messages(text, outside, date_col))
    times = times.mask(outside)
    reasons.add(
        _bad_value_messages(
            text, times.isna() & ~outside, date_col, f"is not a date ({_DATE_HINT})", fix="correct the date"
        )
    )
    if plan.datetime_col is None and plan.time_col is not None:
        clock_text = data[plan.time_col].str.strip()
        has_clock = clock_text != ""
        clock = _parse_clock(clock_text[has_clock])
        bad = pd.Series(False, index=data.index)
        bad[has_clock] = clock.isna()
        reasons.add(
            _bad_value_messages(
                clock_text, bad, plan.time_col, "is not a time (HH:MM)", fix="write it as e.g. 18:30"
            )
        )
        ok = clock.notna()
        times[ok[ok].index] = times[ok[ok].index] + clock[ok]
        precision[ok[ok].index] = "minute"
    return times, precision


def _categories(data: pd.DataFrame, plan: ColumnPlan) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Give each row its original label, its source category and its JRU category."""
    if plan.fmt == "stats19":
        if plan.severity_col is None:
            original = pd.Series("Collision", index=data.index, dtype="str")
            source = pd.Series(_NO_SEVERITY, index=data.index, dtype="str")
        else:
            severity = data[plan.severity_col].str.strip().str.lower().map(_SEVERITY)
            original = ("Collision (" + severity + ")").fillna("Collision").astype("str")
            source = severity.str.capitalize().fillna(_NO_SEVERITY).astype("str")
    else:
        assert plan.category_col is not None
        original = data[plan.category_col].str.strip()
        source = original.mask(original == "", _NO_CATEGORY).astype("str")
    return original, source, categorise(original, source=plan.fmt)


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
    original, source_category, category = _categories(data, plan)
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
            "source_category": keep(source_category).astype("str"),
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
    r"""Read one or many incident files into one GeoDataFrame, with the unusable rows set apart.

    Parameters
    ----------
    sources
        A path, an upload ``(file name, raw bytes)``, or a sequence of them. Files are read in order.
    fmt
        ``"auto"`` detects each file's format from its header; ``"policeuk"``, ``"stats19"`` or
        ``"generic"`` forces it for every file.
    postcodes
        The postcode table from :func:`jru_geo.io.boundaries.load_postcodes` (indexed by normalised
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
    >>> header = b"incident_id,datetime,category,latitude,longitude\n"
    >>> csv_bytes = header + b"1,2025-01-03 18:30,RTC,51.3964,0.5468\n"
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
