r"""Splitting a large incident file into chunks of rows that read exactly as the whole file does.

``join --area`` reads a national year (6,000,000 rows) chunk by chunk to keep its memory low. A chunk
is an upload ``(file name, bytes)`` for :func:`jru_geo.io.incidents.read_incidents`: as many empty
lines as stand before the chunk's first line in the file minus one, the file's header line, then a
run of the file's lines. The reader skips empty lines without counting them, so every row keeps its
row number in the whole file (and rows without an id keep their ``"<file>#<row>"`` id); the rows,
rejects and reasons of all chunks, in order, are those of the whole file.

A file is split only when each of its lines reads the same alone as in the whole file:

* no quoted field holds a line break (an even number of ``"`` before every line break): a field
  over two lines, or a stray quote that makes the reader re-read the file line by line, could fall
  across two chunks;
* its line breaks are ``\n`` or ``\r\n`` (no bare ``\r``);
* it is UTF-8 throughout, or else Windows-1252 throughout (then each chunk is re-encoded as UTF-8,
  so that a chunk which happens to be valid UTF-8 is not decoded differently from the whole file);
  not UTF-16, binary or over :data:`jru_geo.io._table.MAX_FILE_BYTES`;
* its first non-empty line is the header, with some text in it;
* it has more lines than one chunk.

Otherwise the file is read whole (or refused with the reader's own message) as before.
"""

from __future__ import annotations

import codecs
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jru_geo.io._table import MAX_FILE_BYTES, IncidentSource

__all__ = ["FileSplit", "DEFAULT_CHUNK_ROWS", "incident_sources", "plan_split", "iter_chunks"]

DEFAULT_CHUNK_ROWS = 1_000_000
"""Lines per chunk: about 1 GiB at the peak of ``join --area`` for a generic CAD file."""

_BLOCK_BYTES = 1 << 24
_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class FileSplit:
    """How one incident file is read: whole, or in chunks.

    Attributes
    ----------
    path
        The file.
    header
        Its header line as text (no line break), or ``None`` when the file is read whole because a
        line might read differently alone (see the module docstring).
    header_line
        The header's line number (1 = the first line); 0 when ``header`` is ``None``.
    encoding
        ``"utf-8"`` or ``"cp1252"``, the file's encoding as the reader decodes it.
    lines
        Physical lines in the file.
    chunk_rows
        Lines per chunk; the file is split only when it has more lines after the header than this.
    """

    path: Path
    header: str | None
    header_line: int
    encoding: str
    lines: int
    chunk_rows: int

    @property
    def split(self) -> bool:
        """Whether the file is read in more than one chunk."""
        return self.header is not None and self.lines - self.header_line > self.chunk_rows


def _blocks(path: Path) -> Iterator[bytes]:
    """Yield the file in blocks of about 16 MiB, each ending at a line break (or the end of the file)."""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK_BYTES):
            if not block.endswith(b"\n"):
                block += handle.readline()
            yield block


def _quotes_close_every_line(block: bytes, before: int) -> tuple[bool, int]:
    """Whether an even number of quotes (counting ``before``) precedes each line break of ``block``."""
    if b'"' not in block:
        return before % 2 == 0, before
    arr = np.frombuffer(block, dtype=np.uint8)
    quotes = np.flatnonzero(arr == ord('"'))
    breaks = np.flatnonzero(arr == ord("\n"))
    at_breaks = np.searchsorted(quotes, breaks) + before
    return not bool((at_breaks % 2).any()), before + len(quotes)


def _header(first: bytes) -> tuple[int, bytes] | None:
    """Find the header: its line number and bytes (line break included), or ``None`` if not clear-cut.

    A byte-order mark is taken as part of the first line, unless that line is otherwise empty (a
    Windows-1252 file would read it as text, a UTF-8 one would not): then ``None``.
    """
    for number, line in enumerate(first.splitlines(keepends=True), start=1):
        text = line.rstrip(b"\r\n")
        if number == 1 and text.startswith(_BOM) and not text.removeprefix(_BOM):
            return None
        if not text:
            continue
        if not text.strip(b',;\t" ') or not line.endswith(b"\n"):
            return None
        return number, line
    return None


def plan_split(path: str | os.PathLike[str], *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> FileSplit:
    """Scan a file once (streamed) and decide whether it can be read in chunks of ``chunk_rows`` lines.

    Parameters
    ----------
    path
        An incident file.
    chunk_rows
        Lines per chunk (at least 1).

    Returns
    -------
    FileSplit
        ``header`` is ``None`` when the file must be read whole; a file that cannot be read at all
        gives ``None`` too, and the reader then says what is wrong with it.
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    target = Path(path)
    whole = FileSplit(target, None, 0, "utf-8", 0, chunk_rows)
    try:
        if not target.is_file() or target.stat().st_size > MAX_FILE_BYTES:
            return whole
        return _scan(target, chunk_rows) or whole
    except OSError:
        return whole


def _scan(path: Path, chunk_rows: int) -> FileSplit | None:
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    quotes = 0
    lines = 0
    found: tuple[int, bytes] | None = None
    last = b""
    for i, block in enumerate(_blocks(path)):
        if i == 0:
            if block[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in block[:8192]:
                return None
            found = _header(block)
            if found is None:
                return None
        ok, quotes = _quotes_close_every_line(block, quotes)
        if not ok or block.count(b"\r") != block.count(b"\r\n"):
            return None
        if is_utf8:
            try:
                utf8.decode(block)
            except UnicodeDecodeError:
                is_utf8 = False
        lines += block.count(b"\n")
        last = block
    if found is None or quotes % 2:
        return None
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if last and not last.endswith(b"\n"):
        lines += 1
    encoding = "utf-8" if is_utf8 else "cp1252"
    if not is_utf8:
        try:
            for block in _blocks(path):
                block.decode("cp1252")
        except UnicodeDecodeError:
            return None
    number, header = found
    if is_utf8 and number == 1:
        header = header.removeprefix(_BOM)
    text = header.decode(encoding).rstrip("\r\n")
    return FileSplit(path, text, number, encoding, lines, chunk_rows)


def iter_chunks(plan: FileSplit) -> Iterator[IncidentSource]:
    """Yield the file as uploads of ``plan.chunk_rows`` lines each, or its path once when not split.

    Parameters
    ----------
    plan
        From :func:`plan_split`.

    Yields
    ------
    IncidentSource
        ``(file name, UTF-8 bytes)`` per chunk, row numbers as in the whole file; or the path.
    """
    if not plan.split:
        yield plan.path
        return
    assert plan.header is not None
    header = (plan.header + "\n").encode("utf-8")
    with plan.path.open("rb") as handle:
        for _ in range(plan.header_line):
            handle.readline()
        first = plan.header_line + 1
        while chunk := list(itertools.islice(handle, plan.chunk_rows)):
            body = b"".join(chunk)
            if plan.encoding != "utf-8":
                body = body.decode(plan.encoding).encode("utf-8")
            yield plan.path.name, b"\n" * (first - 2) + header + body
            first += len(chunk)


def incident_sources(
    paths: Sequence[str | os.PathLike[str]], *, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[IncidentSource | list[IncidentSource]]:
    """Yield what to pass to :func:`~jru_geo.io.incidents.read_incidents`, one read after another.

    Every read gives the same columns, and all reads in order give the rows and rejects of one read
    of every file: files with one and the same header are read one by one, each in chunks where
    :func:`plan_split` allows; files with different headers (whose columns the reader unites), or any
    file that must be read whole or cannot be read, make one read of all the files together.

    Parameters
    ----------
    paths
        The incident files, in order.
    chunk_rows
        Lines per chunk.
    """
    plans = [plan_split(path, chunk_rows=chunk_rows) for path in paths]
    headers = {plan.header for plan in plans}
    if len(plans) > 1 and (None in headers or len(headers) > 1):
        yield [Path(path) for path in paths]
        return
    for plan in plans:
        yield from iter_chunks(plan)
