"""Input guards shared by the library: one required-columns check with one kind of message."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from jru_geo.errors import ColumnsError, JruGeoError

__all__ = ["require_columns"]


def require_columns(
    frame: pd.DataFrame,
    columns: Iterable[str],
    *,
    what: str,
    fix: str | None = None,
    plural: bool = False,
    error: type[JruGeoError] = ColumnsError,
) -> None:
    """Check that ``frame`` has every column in ``columns``, or raise naming the missing ones.

    The message reads ``"<what> lacks columns [...]; columns found: [...]; <fix>"`` (``lack`` when
    ``plural``), so it names what is missing, what was received and how to put it right.

    Parameters
    ----------
    frame
        The table to check (a DataFrame or GeoDataFrame).
    columns
        The columns it needs, in the order to report them.
    what
        What the table holds, the subject of the message (e.g. ``"incidents"``, ``"lsoas"``).
    fix
        How to get a table with those columns, appended to the message (e.g. ``"read them with
        jru_geo.io.incidents.read_incidents"``).
    plural
        Treat ``what`` as plural (``"incidents lack"``) rather than as one table's name
        (``"lsoas lacks"``).
    error
        The :class:`~jru_geo.errors.JruGeoError` subclass to raise, so each caller keeps raising the
        error its callers catch (default :class:`~jru_geo.errors.ColumnsError`).

    Raises
    ------
    ColumnsError
        Some columns are missing (or ``error``, when given).

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], what="table")
    Traceback (most recent call last):
    ...
    jru_geo.errors.ColumnsError: table lacks columns ['b']; columns found: ['a']
    """
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    verb = "lack" if plural else "lacks"
    message = f"{what} {verb} columns {missing}; columns found: {list(frame.columns)}"
    raise error(message if fix is None else f"{message}; {fix}")
