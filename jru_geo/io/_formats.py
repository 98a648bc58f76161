"""Column plans for the incident file formats: header normalisation, aliases and detection.

Private to :mod:`jru_geo.io.incidents`. A *plan* names, for one file, which original column holds each
field the reader needs. Headers are matched after normalisation (case-insensitive, runs of
non-alphanumeric characters become ``_``), so ``"Crime ID"``, ``"crime id"`` and ``"CRIME-ID"`` are
all ``crime_id``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from jru_geo.errors import IncidentFileError

__all__ = [
    "ConcreteFormat",
    "ColumnPlan",
    "GENERIC_ALIASES",
    "normalise_header",
    "guess_format",
    "detect_format",
    "plan_columns",
]

ConcreteFormat = Literal["policeuk", "stats19", "generic"]

GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "incident_id",
        "id",
        "incident_number",
        "incident_no",
        "incident_ref",
        "incident_reference",
        "incident",
        "cad_id",
        "cad_number",
        "cad_no",
        "cad_ref",
        "cad_reference",
        "call_id",
        "call_number",
        "event_id",
        "event_number",
        "log_id",
        "log_number",
        "reference",
        "ref",
        "crime_id",
        "accident_index",
        "collision_index",
    ),
    "datetime": (
        "datetime",
        "date_time",
        "incident_datetime",
        "incident_date_time",
        "call_datetime",
        "call_date_time",
        "timestamp",
        "time_stamp",
        "date_and_time",
        "created",
        "created_at",
        "occurred",
        "occurred_at",
        "received",
        "time_received",
        "reported_at",
    ),
    "date": ("date", "incident_date", "call_date", "occurred_date", "date_of_incident", "month"),
    "time": ("time", "incident_time", "call_time", "occurred_time", "time_of_incident"),
    "category": (
        "category",
        "incident_category",
        "incident_type",
        "type",
        "call_type",
        "classification",
        "nature",
        "nature_of_call",
        "crime_type",
        "category_original",
        "label",
        "description",
    ),
    "latitude": ("latitude", "lat", "wgs84_latitude"),
    "longitude": ("longitude", "lon", "lng", "long", "wgs84_longitude"),
    "easting": (
        "easting",
        "eastings",
        "east",
        "x",
        "bng_easting",
        "os_easting",
        "osgr_easting",
        "x_coordinate",
        "location_easting_osgr",
    ),
    "northing": (
        "northing",
        "northings",
        "north",
        "y",
        "bng_northing",
        "os_northing",
        "osgr_northing",
        "y_coordinate",
        "location_northing_osgr",
    ),
    "postcode": ("postcode", "post_code", "postal_code", "pcode"),
}
"""Generic CSV: field -> accepted header names (normalised), the first present wins."""

_EXPECTED = {
    "policeuk": "police.uk street CSV: Crime ID, Month, Longitude, Latitude, Crime type",
    "stats19": (
        "DfT STATS19 collisions: accident_index (or collision_index), date, time, "
        "location_easting_osgr + location_northing_osgr and/or longitude + latitude"
    ),
    "generic": (
        "generic CSV: incident_id, datetime (or date + time), category, and latitude + longitude, "
        "or easting + northing, or postcode"
    ),
}


@dataclass(frozen=True)
class ColumnPlan:
    """Which original column holds each field for one file (``None`` when absent)."""

    fmt: ConcreteFormat
    id_col: str | None = None
    datetime_col: str | None = None
    date_col: str | None = None
    time_col: str | None = None
    category_col: str | None = None
    severity_col: str | None = None
    lat_col: str | None = None
    lon_col: str | None = None
    east_col: str | None = None
    north_col: str | None = None
    postcode_col: str | None = None


def normalise_header(name: str) -> str:
    """``" Crime ID "`` -> ``"crime_id"``: lower case, non-alphanumerics collapsed to ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def _lookup(header: Sequence[str]) -> dict[str, str]:
    """Normalised name -> original name (the first occurrence wins)."""
    found: dict[str, str] = {}
    for name in header:
        found.setdefault(normalise_header(str(name)), str(name))
    return found


def _first(found: dict[str, str], names: Sequence[str]) -> str | None:
    return next((found[n] for n in names if n in found), None)


def _describe(header: Sequence[str]) -> str:
    shown = ", ".join(repr(str(h)) for h in list(header)[:20])
    more = f" (+{len(header) - 20} more)" if len(header) > 20 else ""
    return f"columns found: [{shown}]{more}"


def guess_format(header: Sequence[str]) -> ConcreteFormat | None:
    """Guess the format a header looks like, or ``None`` when it matches none of them."""
    found = _lookup(header)
    if "crime_type" in found and "month" in found:
        return "policeuk"
    if "accident_index" in found or "collision_index" in found:
        return "stats19"
    fields = ("id", "datetime", "date", "category", "latitude", "easting", "postcode")
    hits = sum(_first(found, GENERIC_ALIASES[f]) is not None for f in fields)
    return "generic" if hits >= 2 else None


def detect_format(header: Sequence[str]) -> ConcreteFormat:
    """Detect an incident file's format from its header row.

    Parameters
    ----------
    header
        The column names as they appear in the file (any case, any spacing).

    Returns
    -------
    str
        ``"policeuk"`` (has ``Month`` and ``Crime type``), ``"stats19"`` (has ``accident_index`` or
        ``collision_index``) or ``"generic"`` (at least two generic fields such as an id, a date or
        a category, and a location).

    Raises
    ------
    IncidentFileError
        When the header matches no format; the message lists the columns found and expected.

    Examples
    --------
    >>> detect_format(["incident_id", "datetime", "category", "latitude", "longitude"])
    'generic'
    """
    fmt = guess_format(header)
    if fmt is None:
        expected = "; or ".join(_EXPECTED.values())
        raise IncidentFileError(
            f"not an incident file: {_describe(header)}; expected one of: {expected}. "
            "Rename the columns or choose the format explicitly."
        )
    return fmt


def _missing(fmt: ConcreteFormat, header: Sequence[str], missing: list[str]) -> IncidentFileError:
    return IncidentFileError(
        f"read as {fmt} but missing {', '.join(missing)}; {_describe(header)}; expected {_EXPECTED[fmt]}"
    )


def plan_columns(header: Sequence[str], fmt: ConcreteFormat) -> ColumnPlan:
    """Resolve which columns to read for ``fmt``.

    Raises
    ------
    IncidentFileError
        Naming the required columns that are missing, the columns found and those expected.
    """
    found = _lookup(header)
    if fmt == "policeuk":
        plan = ColumnPlan(
            fmt,
            id_col=found.get("crime_id"),
            date_col=found.get("month"),
            category_col=found.get("crime_type"),
            lat_col=found.get("latitude"),
            lon_col=found.get("longitude"),
        )
        need = {
            "Month": plan.date_col,
            "Longitude": plan.lon_col,
            "Latitude": plan.lat_col,
            "Crime type": plan.category_col,
        }
        missing = [name for name, col in need.items() if col is None]
    elif fmt == "stats19":
        plan = ColumnPlan(
            fmt,
            id_col=_first(found, ("accident_index", "collision_index")),
            date_col=found.get("date"),
            time_col=found.get("time"),
            severity_col=_first(found, ("accident_severity", "collision_severity")),
            lat_col=found.get("latitude"),
            lon_col=found.get("longitude"),
            east_col=found.get("location_easting_osgr"),
            north_col=found.get("location_northing_osgr"),
        )
        missing = [
            name
            for name, col in {
                "accident_index (or collision_index)": plan.id_col,
                "date": plan.date_col,
            }.items()
            if col is None
        ]
        if not _has_pair(plan.lat_col, plan.lon_col) and not _has_pair(plan.east_col, plan.north_col):
            missing.append("location_easting_osgr + location_northing_osgr or longitude + latitude")
    else:

        def pick(field: str) -> str | None:
            return _first(found, GENERIC_ALIASES[field])

        datetime_col = pick("datetime")
        plan = ColumnPlan(
            fmt,
            id_col=pick("id"),
            datetime_col=datetime_col,
            date_col=None if datetime_col else pick("date"),
            time_col=None if datetime_col else pick("time"),
            category_col=pick("category"),
            lat_col=pick("latitude"),
            lon_col=pick("longitude"),
            east_col=pick("easting"),
            north_col=pick("northing"),
            postcode_col=pick("postcode"),
        )
        missing = []
        if plan.datetime_col is None and plan.date_col is None:
            missing.append("a date-time column (datetime, or date [+ time])")
        if plan.category_col is None:
            missing.append("a category column (category, type, incident_type...)")
        if not (
            _has_pair(plan.lat_col, plan.lon_col)
            or _has_pair(plan.east_col, plan.north_col)
            or plan.postcode_col
        ):
            missing.append("a location (latitude + longitude, easting + northing, or postcode)")
    if missing:
        raise _missing(fmt, header, missing)
    return plan


def _has_pair(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None
