"""Reading an incident file's bytes into a table of text: encoding, delimiter, ragged rows."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jru_geo.errors import IncidentFileError

__all__ = ["IncidentSource"]

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
