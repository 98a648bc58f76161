"""Writing CSV output: whole files or nothing, and no cell a spreadsheet would run as a formula.

Every file is written to a temporary file in the same folder and renamed into place only when all
the files of one command are complete (:func:`write_csvs`), so a failure (disk full, a missing
folder) leaves the previous files untouched and no partial file behind.

Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading
apostrophe (OWASP "CSV injection"): Excel and LibreOffice show ``'=HYPERLINK(...)`` as text instead
of running it. Plain numbers such as ``-0.5468`` and a lone ``-`` are left as written.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jru_geo.errors import OutputFileError

__all__ = [
    "write_csv",
    "write_csvs",
    "write_csv_parts",
    "csv_bytes",
    "neutralise_formulas",
    "FORMULA_PREFIXES",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells a spreadsheet would run as formulas start with an apostrophe.

    Parameters
    ----------
    frame
        Any table; only text (object or string) columns are changed, and only the cells that start
        with one of :data:`FORMULA_PREFIXES` and are not a plain number (or a lone ``-``).

    Returns
    -------
    DataFrame
        A new frame, same index and columns.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "-0.5", "@x", "ok"]}))["a"].tolist()
    ["'=1+1", '-0.5', "'@x", 'ok']
    """
    out = frame.copy()
    for pos, col in enumerate(out.columns):
        values = out.iloc[:, pos]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if not risky.any():
            continue
        plain = text[risky].str.fullmatch(_NUMBER).fillna(False).astype(bool) | (text[risky] == "-")
        change = risky.copy()
        change[risky] = ~plain.to_numpy()
        if change.any():
            fixed = values.astype("object").copy()
            fixed[change] = "'" + text[change].astype(str)
            out[col] = fixed
    return out


def _table(frame: pd.DataFrame) -> pa.Table:
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        raise OutputFileError(f"columns {repeated} are repeated; each output column must be named once")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            table = table.set_column(i, field, _neutralise_arrow(table.column(i)))
    return table


_RISKY = "^[=+\\-@\t\r]"
_PLAIN = f"^(?:{_NUMBER}|-)$"


def _neutralise_arrow(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`neutralise_formulas` on one Arrow text column (vectorised: large files stay fast)."""
    risky = pc.and_kleene(
        pc.match_substring_regex(column, _RISKY), pc.invert(pc.match_substring_regex(column, _PLAIN))
    )
    if not pc.any(risky).as_py():
        return column
    quoted = pc.binary_join_element_wise(
        pa.scalar("'", type=column.type), column, pa.scalar("", type=column.type)
    )
    return pc.if_else(risky, quoted, column)


def _write_table(table: pa.Table, sink: str | io.BytesIO) -> None:
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(quoting_style="needed"))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the CSV text of ``frame`` (UTF-8, as :func:`write_csv` writes it), e.g. for a download button.

    Parameters
    ----------
    frame
        The table, written without its index; formula-like text cells neutralised.

    Returns
    -------
    bytes
        The CSV file's bytes.
    """
    buf = io.BytesIO()
    _write_table(_table(frame), buf)
    return buf.getvalue()


def write_csvs(outputs: Mapping[str | os.PathLike[str], pd.DataFrame]) -> None:
    """Write several CSV files all or nothing: each to a temporary file beside it, then renamed.

    Parameters
    ----------
    outputs
        Path to table. Nothing is renamed into place until every file is complete; on any error
        the temporary files are removed and the previous files are left as they were.

    Raises
    ------
    OutputFileError
        A folder is missing, or a table repeats a column name.
    OSError
        A folder is not writable, or the disk is full.
    """
    tables = [(Path(path), _table(frame)) for path, frame in outputs.items()]
    for target, _ in tables:
        if not target.parent.is_dir():
            raise OutputFileError(
                f"{target}: the folder {target.parent} does not exist; create it or give another output path"
            )
    done: list[tuple[str, Path]] = []
    try:
        for target, table in tables:
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(handle)
            done.append((tmp, target))
            _write_table(table, tmp)
        for tmp, target in done:
            os.replace(tmp, target)
    finally:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)


def _write_part(table: pa.Table, sink: BinaryIO, *, header: bool) -> None:
    """Append one part's CSV to ``sink``, with or without the header line.

    Written with the header and then cut after it: pyarrow 26.0.1's ``include_header=False`` wrote
    about 120 KB of stray bytes for some one-row tables (slices of the reader's rejects).
    """
    buf = io.BytesIO()
    _write_table(table, buf)
    data = buf.getbuffer()
    if not header:
        head = io.BytesIO()
        _write_table(table.slice(0, 0), head)
        data = data[len(head.getvalue()) :]
    sink.write(data)


def write_csv_parts(paths: Sequence[str | os.PathLike[str]], parts: Iterable[Sequence[pd.DataFrame]]) -> None:
    """Write several CSV files part by part, all or nothing, as :func:`write_csvs` writes them whole.

    Parameters
    ----------
    paths
        The files.
    parts
        Consumed one item at a time (a generator keeps only one part in memory): each item holds one
        table per path, in order. The first item's tables give the headers; every later table has
        the same columns. The files hold the parts' rows one after another, exactly as one
        :func:`write_csvs` of the concatenated tables would write them.

    Raises
    ------
    OutputFileError
        A folder is missing, there is no part, or a part's columns differ from the first part's.
    OSError
        A folder is not writable, or the disk is full.
    """
    targets = [Path(path) for path in paths]
    for target in targets:
        if not target.parent.is_dir():
            raise OutputFileError(
                f"{target}: the folder {target.parent} does not exist; create it or give another output path"
            )
    done: list[tuple[str, Path]] = []
    sinks: list[BinaryIO] = []
    try:
        for target in targets:
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            done.append((tmp, target))
            sinks.append(os.fdopen(handle, "wb"))
        columns: list[list[str]] | None = None
        for frames in parts:
            names = [[str(c) for c in frame.columns] for frame in frames]
            if columns is not None and names != columns:
                raise OutputFileError(f"a part has the columns {names}, the first had {columns}")
            for sink, frame in zip(sinks, frames, strict=True):
                _write_part(_table(frame), sink, header=columns is None)
            columns = names
            del frames  # one part in memory at a time
        if columns is None:
            raise OutputFileError(f"nothing to write to {', '.join(map(str, targets))}")
        for sink in sinks:
            sink.close()
        for tmp, target in done:
            os.replace(tmp, target)
    finally:
        for sink in sinks:
            sink.close()
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``frame`` (without its index) as UTF-8 CSV with a header; missing values are empty.

    Booleans are written ``true``/``false`` and strings are quoted only where needed; pandas and
    spreadsheets read both back. The file is written whole or not at all (see :func:`write_csvs`),
    and formula-like text cells start with an apostrophe (see :func:`neutralise_formulas`).

    Parameters
    ----------
    frame
        The table.
    path
        Where to write it.
    """
    write_csvs({path: frame})
