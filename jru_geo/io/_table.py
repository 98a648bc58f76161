"""Reading an incident file's bytes into a table of text: encoding, delimiter, ragged rows.

Every physical line is accounted for. Leading blank lines are skipped before the header. A quoted
field that swallows a line break *and* a delimiter (a stray ``"`` left open, e.g. ``"On or near``)
would merge the lines after it into one row; when one is found the file is re-read line by line:
each line is its own row, and a line whose quotes do not balance is rejected with the reason
``unbalanced quote from row N``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jru_geo.errors import IncidentFileError, JruGeoError

__all__ = ["IncidentSource", "decode_text", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000_000
"""Largest file read (1 GB): bigger ones are refused with a message (memory grows with the rows: a
1,000,000-row generic file peaks at about 1 GiB in ``join``, see bench/bench_join.py)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

IncidentSource = str | os.PathLike[str] | tuple[str, bytes]
"""A path, or ``(file name, raw bytes)`` for an upload."""


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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IncidentFileError(
                f"{path}: the file is {size / 1e9:.1f} GB, over the {MAX_FILE_BYTES / 1e9:.0f} GB limit; "
                "split it into smaller files (e.g. one per month) and pass them all"
            )
        return path.name, path.read_bytes()
    except OSError as err:
        raise IncidentFileError(f"{path}: cannot be read ({err.strerror or err}); check the path") from err


def decode_text(name: str, data: bytes, *, error: type[JruGeoError] = IncidentFileError) -> str:
    """Decode a file's text as the incident reader does: UTF-8 (with or without BOM), else Windows-1252.

    Parameters
    ----------
    name
        The file's name, for messages.
    data
        Its bytes.
    error
        The error class to raise (scenario and candidate files pass their own).

    Returns
    -------
    str
        The text.

    Raises
    ------
    IncidentFileError
        (or ``error``) UTF-16, binary or undecodable bytes, naming the file and the fix.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise error(f"{name}: the file is UTF-16 text; save it as UTF-8 and retry")
    if b"\x00" in data[:8192]:
        hint = " (it looks like an Excel workbook or zip)" if data[:2] == b"PK" else ""
        raise error(f"{name}: the file is binary, not text{hint}; save it as UTF-8 text and retry")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise error(
            f"{name}: cannot be decoded as UTF-8 or Windows-1252 text (byte "
            f"0x{data[err.start]:02x} at position {err.start}); save it as UTF-8 and retry"
        ) from err


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
    """Repeated names get ``.1``, ``.2``... skipping any name the header already has."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        new = name
        n = 0
        while new in seen or (n and new in taken):
            n += 1
            new = f"{name}.{n}"
        seen.add(new)
        out.append(new)
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


def _physical_lines(text: str) -> int:
    """Lines in the text, a last line without a line break included."""
    breaks = text.count("\n")
    if "\r" in text:
        breaks += text.count("\r") - text.count("\r\n")
    return breaks + (0 if not text or text[-1] in "\r\n" else 1)


def _swallows_lines(rows: pd.DataFrame, delimiter: str) -> bool:
    """Tell whether some field holds a line break followed by a delimiter: a quote left open."""
    for col in rows.columns:
        values = rows[col]
        multi = values.str.contains("\n", regex=False) | values.str.contains("\r", regex=False)
        if multi.any() and values[multi].str.contains(delimiter, regex=False).any():
            return True
    return False


def _read_lines(text: str, delimiter: str, name: str) -> _Table:
    """Re-read a file line by line: no field crosses a line break; unbalanced quotes are rejects."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    records = [next(csv.reader([line], delimiter=delimiter), []) for line in lines]
    table = _records_table(records, name)
    odd = [i + 1 for i, line in enumerate(lines) if line.count('"') % 2]
    quote = pd.Series(
        [
            f'unbalanced quote from row {line}: a " opens a field that never closes; remove the stray '
            'quote or close it (a quote inside a quoted field is written "")'
            for line in odd
        ],
        index=pd.Index(odd, dtype="int64"),
        dtype="str",
    )
    quote = quote[quote.index.isin(table.data.index)]
    shape = table.shape_reasons
    both = shape.index.intersection(quote.index)
    merged = pd.concat([shape.drop(both), quote.drop(both), shape[both] + "; " + quote[both]]).sort_index()
    return _Table(table.name, table.data, merged)


def _read_ragged(text: str, delimiter: str, name: str) -> _Table:
    """Fallback for malformed CSV (ragged rows, unterminated quotes) via the csv module.

    Only used when pandas' C parser refuses the file; rows are padded or cut to the header width
    and the too-long ones get a reject reason. This path loops over rows in Python.
    """
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if len(records) != _physical_lines(text):
        rows = pd.DataFrame([r + [""] * (max(map(len, records)) - len(r)) for r in records], dtype="str")
        if _swallows_lines(rows, delimiter):
            return _read_lines(text, delimiter, name)
    return _records_table(records, name)


def _records_table(records: list[list[str]], name: str) -> _Table:
    """Pad or cut parsed records to the header width; too-long ones get a reject reason."""
    widths = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
    first = int(np.argmax(widths > 0)) if len(widths) else 0
    width = int(widths[first]) if len(widths) else 0
    padded = [r[:width] + [""] * (width - len(r)) for r in records]
    rows = pd.DataFrame(padded, dtype="str")
    too_long = np.flatnonzero(widths > width)
    shape = pd.Series(
        [
            f"line has {widths[i]} fields but the header has {width}; remove the extra delimiters or "
            "quote the field that holds them"
            for i in too_long
        ],
        index=pd.Index(too_long + 1),
        dtype="str",
    )
    return _frame_from_rows(rows, name, shape)


def _load_table(source: IncidentSource) -> _Table:
    name, data = _source_bytes(source)
    text, encoding = _decode(name, data)
    delimiter = _sniff_delimiter(text)
    body = text.lstrip("\r\n")
    leading = _physical_lines(text[: len(text) - len(body)])
    try:
        rows = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            dtype="str",
            na_filter=False,
            skip_blank_lines=False,
            skiprows=leading,
            encoding=encoding,
            engine="c",
        )
    except pd.errors.ParserError:
        return _read_ragged(text, delimiter, name)
    except pd.errors.EmptyDataError:
        raise IncidentFileError(f"{name}: the file is empty; expected a CSV with a header row") from None
    if len(rows) != _physical_lines(body) and _swallows_lines(rows, delimiter):
        return _read_lines(text, delimiter, name)
    rows.index = rows.index + leading
    return _frame_from_rows(rows, name, pd.Series([], dtype="str"))
