"""Writing one output file whole or not at all: a temporary file beside it, renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jru_geo.errors import DataFileError

__all__ = ["write_bytes_atomic"]


def write_bytes_atomic(data: bytes, path: str | os.PathLike[str]) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    A failed write leaves no partial file and the previous file as it was.

    Raises
    ------
    DataFileError
        The folder does not exist.
    """
    target = Path(path)
    folder = target.resolve().parent
    if not folder.is_dir():
        raise DataFileError(f"cannot write {target}: the folder {folder} does not exist; create it first")
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
