"""Fleet scenarios: vehicles, their bases and shifts, and candidate sites for new bases.

A scenario is a small JSON or YAML file validated by pydantic. Every validation problem is turned into
one :class:`~jru_geo.errors.ScenarioError` whose message names the file, the field path (for example
``vehicles[1].shifts[0].start``), the value received and the fix.

Shifts are weekly and in local wall-clock time. A shift belongs to the day it starts: ``Fri 18:00-02:00``
runs from Friday 18:00 to Saturday 02:00, and ``Sun 18:00-02:00`` wraps round to Monday 02:00. A shift
whose end equals its start lasts 24 hours. Overlapping shifts of one vehicle are merged (a vehicle is
either on shift or not), so hours are never counted twice.

Examples
--------
>>> from jru_geo.scenario import load_default_scenario, weekly_hours
>>> scenario = load_default_scenario()
>>> [weekly_hours(v) for v in scenario.vehicles]
[72.0, 72.0, 72.0]
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pyproj import Transformer

from jru_geo.boundaries import load_candidate_sites, load_postcodes, normalise_postcode
from jru_geo.errors import CandidatesFileError, ScenarioError
from jru_geo.settings import BNG, DEFAULT_SETTINGS, WGS84, Settings

__all__ = [
    "Day",
    "DAYS",
    "MINUTES_PER_WEEK",
    "GB_GRID_BOUNDS_M",
    "DEFAULT_SCENARIO_FILE",
    "Shift",
    "Base",
    "Vehicle",
    "Scenario",
    "parse_scenario",
    "load_scenario",
    "load_default_scenario",
    "scenario_to_json",
    "scenario_to_yaml",
    "save_scenario",
    "resolve_bases",
    "on_shift",
    "week_minute_mask",
    "hour_of_week_fraction",
    "weekly_hours",
    "add_vehicle",
    "read_candidates",
    "default_candidates",
]

Day = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAYS: tuple[Day, ...] = get_args(Day)
"""Days in week order; index 0 is Monday, as in ``pandas.Series.dt.day_of_week``."""

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

GB_GRID_BOUNDS_M: tuple[float, float, float, float] = (0.0, 0.0, 700_000.0, 1_300_000.0)
"""(min easting, min northing, max easting, max northing) of the British National Grid, metres."""

DEFAULT_SCENARIO_FILE = "kent_jru_2020.json"
"""The shipped scenario under ``data/scenarios``: the three Kent JRUs as of November 2020."""

_LOCAL_TZ = "Europe/London"
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_DAY_ALIASES: dict[str, Day] = {
    **{d.lower(): d for d in DAYS},
    "monday": "Mon",
    "tuesday": "Tue",
    "tues": "Tue",
    "wednesday": "Wed",
    "thursday": "Thu",
    "thur": "Thu",
    "thurs": "Thu",
    "friday": "Fri",
    "saturday": "Sat",
    "sunday": "Sun",
}


# --------------------------------------------------------------------------------------------------
# Coordinates


@lru_cache(maxsize=1)
def _to_bng() -> Transformer:
    return Transformer.from_crs(WGS84, BNG, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(BNG, WGS84, always_xy=True)


def _lonlat_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    easting, northing = _to_bng().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(easting, float), np.asarray(northing, float)


def _bng_to_lonlat(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _to_wgs84().transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def _in_gb_grid(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    e_min, n_min, e_max, n_max = GB_GRID_BOUNDS_M
    e = np.asarray(easting, float)
    n = np.asarray(northing, float)
    return np.isfinite(e) & np.isfinite(n) & (e >= e_min) & (e <= e_max) & (n >= n_min) & (n <= n_max)


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


# --------------------------------------------------------------------------------------------------
# Schema


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)


class Shift(_Model):
    """A weekly shift: on the given days from ``start`` to ``end`` (local time, ``HH:MM``).

    ``end <= start`` means the shift crosses midnight and belongs to the day it starts
    (``Fri 18:00-02:00`` ends on Saturday at 02:00); ``end == start`` means 24 hours.
    """

    days: list[Day] = Field(min_length=1)
    start: str
    end: str

    @field_validator("days", mode="before")
    @classmethod
    def _normalise_days(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(
                f"days must be a list of day names, got the single string {value!r}; "
                f'write e.g. ["Fri", "Sat"]'
            )
        if isinstance(value, list | tuple):
            return [_DAY_ALIASES.get(v.strip().lower(), v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _check_time(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MINUTES_PER_DAY:
            hint = f"{value // 60:02d}:{value % 60:02d}"
            raise ValueError(
                f"a number, not HH:MM text: YAML reads an unquoted time such as {hint} as a base-60 "
                f"number; quote it, e.g. '{hint}'"
            )
        if not isinstance(value, str):
            raise ValueError("use HH:MM, e.g. 18:00")
        match = _TIME_RE.match(value.strip())
        if match is None:
            raise ValueError("use HH:MM, e.g. 18:00")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours == 24 and minutes == 0:
            raise ValueError(
                "use 00:00 for midnight (a shift ending at or before its start crosses midnight)"
            )
        if hours > 23 or minutes > 59:
            raise ValueError("use HH:MM with hours 00-23 and minutes 00-59, e.g. 18:00")
        return f"{hours:02d}:{minutes:02d}"

    @property
    def duration_min(self) -> int:
        """Length of one occurrence of the shift in minutes (1 to 1440)."""
        length = (_minutes(self.end) - _minutes(self.start)) % MINUTES_PER_DAY
        return length or MINUTES_PER_DAY


class Base(_Model):
    """Where a vehicle waits between jobs: exactly one of ``lat``+``lon``, ``easting``+``northing``
    (EPSG:27700 metres) or a ``postcode`` (looked up in the Kent postcode table).

    A base outside Kent is allowed; one outside the British National Grid is an error.
    ``label`` qualifies the base, e.g. ``"indicative"`` when the real base is not public.
    """

    lat: float | None = None
    lon: float | None = None
    easting: float | None = None
    northing: float | None = None
    postcode: str | None = None
    label: str = ""

    @field_validator("postcode")
    @classmethod
    def _check_postcode(cls, value: str | None) -> str | None:
        if value is None:
            return None
        compact = re.sub(r"\s+", "", value.upper())
        if _POSTCODE_RE.match(compact) is None:
            raise ValueError("not a UK postcode; write it like ME7 1NE")
        return f"{compact[:-3]} {compact[-3:]}"

    @model_validator(mode="after")
    def _check_location(self) -> Base:
        given = {
            "lat+lon": self.lat is not None or self.lon is not None,
            "easting+northing": self.easting is not None or self.northing is not None,
            "postcode": self.postcode is not None,
        }
        kinds = [k for k, v in given.items() if v]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none of them"
            raise ValueError(
                f"give exactly one of lat+lon, easting+northing or postcode (found {found}); "
                f'e.g. {{"postcode": "ME7 1NE"}} or {{"lat": 51.38, "lon": 0.55}}'
            )
        if kinds[0] == "lat+lon":
            if self.lat is None or self.lon is None:
                raise ValueError('give both lat and lon in decimal degrees, e.g. {"lat": 51.38, "lon": 0.55}')
            e, n = _lonlat_to_bng(np.array([self.lon]), np.array([self.lat]))
            if not _in_gb_grid(e, n)[0] or not -90 <= self.lat <= 90:
                raise ValueError(
                    f"lat={self.lat}, lon={self.lon} is outside Great Britain's National Grid; give "
                    "WGS84 decimal degrees in Great Britain (Kent is near lat 51.3, lon 0.9) and check "
                    "lat and lon are not swapped"
                )
        elif kinds[0] == "easting+northing":
            if self.easting is None or self.northing is None:
                raise ValueError(
                    'give both easting and northing in metres (EPSG:27700), e.g. {"easting": 577349, '
                    '"northing": 169462}'
                )
            if not _in_gb_grid(np.array([self.easting]), np.array([self.northing]))[0]:
                raise ValueError(
                    f"easting={self.easting}, northing={self.northing} is outside Great Britain's "
                    "National Grid (easting 0-700000, northing 0-1300000 metres); give EPSG:27700 metres "
                    "(Kent is near easting 600000, northing 150000), not degrees"
                )
        return self


class Vehicle(_Model):
    """One joint response vehicle.

    Parameters
    ----------
    id
        Unique identifier within the scenario, e.g. ``"JRU1"``.
    name
        Display name.
    base
        Where it waits between jobs.
    shifts
        Weekly shifts; an empty list means never on duty (allowed, e.g. a vehicle being planned).
    target_min
        Response-time target in minutes (default 15: the national police emergency standard for urban
        areas; 20 is used for rural areas).
    job_min
        Mean time on a job excluding travel to it, in minutes (default 45: about 7 jobs in an
        8-hour shift once travel is added).
    """

    model_config = ConfigDict(coerce_numbers_to_str=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    base: Base
    shifts: list[Shift] = Field(default_factory=list)
    target_min: float = Field(default=15.0, gt=0)
    job_min: float = Field(default=45.0, gt=0)


class Scenario(_Model):
    """A named fleet. Vehicle ids must be unique; an empty fleet is allowed (a planner may start
    from nothing). ``indicative`` marks scenarios whose details (bases, hours) are assumptions."""

    name: str = Field(min_length=1)
    description: str = ""
    indicative: bool = False
    vehicles: list[Vehicle] = Field(default_factory=list)

    @field_validator("vehicles")
    @classmethod
    def _unique_ids(cls, vehicles: list[Vehicle]) -> list[Vehicle]:
        ids = pd.Series([v.id for v in vehicles], dtype=object)
        repeated = sorted(set(ids[ids.duplicated()]))
        if repeated:
            raise ValueError(f"vehicle ids must be unique, {repeated} repeated; give each vehicle its own id")
        return vehicles


# --------------------------------------------------------------------------------------------------
# Validation errors -> one ScenarioError

_FIXES: dict[str, str] = {
    "missing": "add this field",
    "extra_forbidden": "remove it or correct the spelling",
    "literal_error": "use one of Mon, Tue, Wed, Thu, Fri, Sat, Sun",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "finite_number": "give a finite number",
    "greater_than": "give a positive number",
    "string_type": "give text in quotes",
    "list_type": "give a list [...]",
    "model_type": "give an object {...}",
    "dict_type": "give an object {...}",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "too_short": "give at least one item",
    "string_too_short": "give a non-empty value",
}

_KNOWN_FIELDS: dict[str, tuple[str, ...]] = {
    "Scenario": tuple(Scenario.model_fields),
    "Vehicle": tuple(Vehicle.model_fields),
    "Base": tuple(Base.model_fields),
    "Shift": tuple(Shift.model_fields),
}


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _short_repr(value: object, *, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    path = _field_path(error["loc"])
    if kind == "missing":
        return f"{path}: missing; {_FIXES[kind]}"
    if kind == "value_error":
        # our own validators already say what is wrong and the fix
        message = str(error["msg"]).removeprefix("Value error, ")
        if isinstance(error["input"], list):
            return f"{path}: {message}"
        return f"{path}: got {_short_repr(error['input'])}: {message}"
    fix = _FIXES.get(kind, "see data/scenarios/README.md for the format")
    if kind == "extra_forbidden":
        parent = _parent_model(error["loc"])
        known = _KNOWN_FIELDS.get(parent, ())
        if known:
            fix += f" (known fields: {', '.join(known)})"
    return f"{path}: got {_short_repr(error['input'])}: {error['msg']}; {fix}"


def _parent_model(loc: Sequence[int | str]) -> str:
    names = [p for p in loc[:-1] if isinstance(p, str)]
    if not names:
        return "Scenario"
    return {"vehicles": "Vehicle", "base": "Base", "shifts": "Shift"}.get(names[-1], "")


def _scenario_error(source_name: str, exc: ValidationError, *, limit: int = 5) -> ScenarioError:
    errors = exc.errors()
    shown = "; ".join(_describe(e) for e in errors[:limit])
    more = f"; and {len(errors) - limit} more" if len(errors) > limit else ""
    plural = "s" if len(errors) > 1 else ""
    return ScenarioError(f"{source_name}: invalid scenario ({len(errors)} problem{plural}): {shown}{more}")


def parse_scenario(data: object, *, source_name: str = "scenario") -> Scenario:
    """Validate already-parsed data (a dict, e.g. from a form) into a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        One error listing up to five problems, each with its field path, the value and the fix.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"{source_name}: the top level must be an object with name and vehicles, got "
            f"{type(data).__name__}; see data/scenarios/kent_jru_2020.json for an example"
        )
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise _scenario_error(source_name, exc) from None


# --------------------------------------------------------------------------------------------------
# Reading and writing


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so ``start: 18:00`` stays the text "18:00"."""


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _read_source(
    source: str | os.PathLike[str] | tuple[str, bytes],
    *,
    error: type[ScenarioError] | type[CandidatesFileError],
) -> tuple[str, str]:
    """Return (name for messages, decoded text)."""
    if isinstance(source, tuple):
        name, raw = source
    else:
        path = Path(source)
        name = str(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise error(f"{name}: file not found; check the path") from None
        except IsADirectoryError:
            raise error(f"{name}: is a folder, not a file; give the path of a file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"{name}: not UTF-8 text (bad byte at position {exc.start}); save the file as UTF-8"
        ) from None
    if not text.strip():
        example = (
            "see data/scenarios/kent_jru_2020.json for an example"
            if error is ScenarioError
            else "give a header name,lat,lon and one site per line"
        )
        raise error(f"{name}: the file is empty; {example}")
    return name, text


def _parse_text(name: str, text: str) -> object:
    suffix = Path(name).suffix.lower()
    is_json = suffix == ".json" or (suffix not in (".yaml", ".yml") and text.lstrip().startswith("{"))
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; fix the syntax "
                "(or use YAML with a .yaml extension)"
            ) from None
    try:
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ScenarioError(f"{name}: not valid YAML{where}: {problem}; fix the syntax") from None


def load_scenario(source: str | os.PathLike[str] | tuple[str, bytes]) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    source
        A path, or ``(file name, bytes)`` for an upload. ``.json`` is read as JSON, ``.yaml``/``.yml``
        as YAML; any other name is read as JSON when the text starts with ``{`` and as YAML otherwise.

    Raises
    ------
    ScenarioError
        The file is missing, unreadable or invalid; the message names the file, the field path, the
        value received and the fix.
    """
    name, text = _read_source(source, error=ScenarioError)
    return parse_scenario(_parse_text(name, text), source_name=name)


def load_default_scenario(*, settings: Settings = DEFAULT_SETTINGS) -> Scenario:
    """The shipped scenario ``data/scenarios/kent_jru_2020.json`` (three Kent JRUs, bases indicative)."""
    return load_scenario(settings.scenarios_dir / DEFAULT_SCENARIO_FILE)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", exclude_none=True)


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario as indented JSON that :func:`load_scenario` reads back unchanged."""
    return json.dumps(_scenario_dict(scenario), indent=2, ensure_ascii=False) + "\n"


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML (times quoted) that :func:`load_scenario` reads back unchanged."""
    return yaml.safe_dump(_scenario_dict(scenario), sort_keys=False, allow_unicode=True)


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write the scenario to ``path``: YAML for ``.yaml``/``.yml``, JSON otherwise."""
    target = Path(path)
    is_yaml = target.suffix.lower() in (".yaml", ".yml")
    text = scenario_to_yaml(scenario) if is_yaml else scenario_to_json(scenario)
    target.write_text(text, encoding="utf-8")


def add_vehicle(scenario: Scenario, vehicle: Vehicle) -> Scenario:
    """A new scenario with ``vehicle`` appended; ``scenario`` is left unchanged.

    Raises
    ------
    ScenarioError
        The vehicle id is already used in the scenario.
    """
    if any(v.id == vehicle.id for v in scenario.vehicles):
        raise ScenarioError(
            f"vehicle id {vehicle.id!r} is already in scenario {scenario.name!r}; give the new vehicle "
            "another id"
        )
    return scenario.model_copy(update={"vehicles": [*scenario.vehicles, vehicle]})


# --------------------------------------------------------------------------------------------------
# Bases


def _lookup_postcode(postcode: str, postcodes: pd.DataFrame) -> tuple[float, float] | None:
    """``(easting, northing)`` of a postcode in the table, or None when it is not there."""
    key = normalise_postcode(pd.Series([postcode])).iloc[0]
    if key not in postcodes.index:
        return None
    row = postcodes.loc[key]
    return float(row["easting"]), float(row["northing"])


def _postcode_point(postcode: str, postcodes: pd.DataFrame, *, who: str) -> tuple[float, float]:
    point = _lookup_postcode(postcode, postcodes)
    if point is None:
        raise ScenarioError(
            f"{who}: postcode {postcode!r} is not in the Kent postcode table (OS Code-Point Open); check "
            "it, or give the base as lat+lon or easting+northing instead"
        )
    return point


def _base_point(base: Base, postcodes: pd.DataFrame | None, *, who: str) -> tuple[float, float]:
    if base.postcode is not None:
        table = postcodes if postcodes is not None else load_postcodes()
        return _postcode_point(base.postcode, table, who=who)
    if base.easting is not None and base.northing is not None:
        return float(base.easting), float(base.northing)
    e, n = _lonlat_to_bng(np.array([base.lon]), np.array([base.lat]))
    return float(e[0]), float(n[0])


def resolve_bases(scenario: Scenario, *, postcodes: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """One point per vehicle base, in EPSG:27700.

    Parameters
    ----------
    scenario
        The fleet.
    postcodes
        Postcode table indexed by normalised postcode with ``easting`` and ``northing`` columns
        (as :func:`jru_geo.boundaries.load_postcodes` returns; loaded when needed if omitted).

    Returns
    -------
    GeoDataFrame
        ``vehicle_id, name, target_min, job_min, weekly_hours, base_label, geometry`` in vehicle
        order (empty with those columns for an empty fleet).

    Raises
    ------
    ScenarioError
        A base postcode is not in the postcode table; the message names the vehicle.
    """
    if postcodes is None and any(v.base.postcode is not None for v in scenario.vehicles):
        postcodes = load_postcodes()
    points = [
        _base_point(v.base, postcodes, who=f"scenario {scenario.name!r}, vehicle {v.id!r} ({v.name})")
        for v in scenario.vehicles
    ]
    xy = np.array(points, dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {
            "vehicle_id": pd.Series([v.id for v in scenario.vehicles], dtype="string"),
            "name": pd.Series([v.name for v in scenario.vehicles], dtype="string"),
            "target_min": np.array([v.target_min for v in scenario.vehicles], dtype=float),
            "job_min": np.array([v.job_min for v in scenario.vehicles], dtype=float),
            "weekly_hours": np.array([weekly_hours(v) for v in scenario.vehicles], dtype=float),
            "base_label": pd.Series([v.base.label for v in scenario.vehicles], dtype="string"),
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=BNG,
    )


# --------------------------------------------------------------------------------------------------
# Shifts


def week_minute_mask(vehicle: Vehicle) -> np.ndarray:
    """Boolean array of the 10,080 minutes of the week, True when the vehicle is on shift.

    Index 0 is Monday 00:00-00:01 local time. Overlapping shifts are merged.
    """
    mask = np.zeros(MINUTES_PER_WEEK, dtype=bool)
    for shift in vehicle.shifts:
        offsets = np.arange(shift.duration_min)
        for day in set(shift.days):
            begin = DAYS.index(day) * MINUTES_PER_DAY + _minutes(shift.start)
            mask[(begin + offsets) % MINUTES_PER_WEEK] = True
    return mask


def on_shift(vehicle: Vehicle, times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Whether the vehicle is on shift at each time, to the minute.

    Parameters
    ----------
    vehicle
        The vehicle.
    times
        Datetimes. Naive times are taken as local (UK) wall-clock time; time-zone-aware times are
        converted to Europe/London first. Missing times (NaT) give False.

    Returns
    -------
    numpy.ndarray
        Booleans aligned with ``times``. A shift's start minute is on shift, its end minute is not.

    Examples
    --------
    >>> import pandas as pd
    >>> v = Vehicle(id="J1", name="J1", base=Base(postcode="ME7 1NE"),
    ...             shifts=[Shift(days=["Fri"], start="18:00", end="02:00")])
    >>> on_shift(v, pd.Series(pd.to_datetime(["2020-11-06 23:59", "2020-11-07 02:00"]))).tolist()
    [True, False]
    """
    series = times if isinstance(times, pd.Series) else pd.Series(times)
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise TypeError(
            f"times must hold datetimes, got dtype {series.dtype}; convert with pandas.to_datetime first"
        )
    stamps = series.dt
    if getattr(series.dtype, "tz", None) is not None:
        stamps = series.dt.tz_convert(_LOCAL_TZ).dt
    minute = (stamps.day_of_week * MINUTES_PER_DAY + stamps.hour * 60 + stamps.minute).to_numpy(
        dtype=float, na_value=np.nan
    )
    valid = np.isfinite(minute)
    index = np.where(valid, minute, 0).astype(np.int64)
    return week_minute_mask(vehicle)[index] & valid


def hour_of_week_fraction(vehicle: Vehicle) -> np.ndarray:
    """Fraction of each of the 168 hours of the week the vehicle is on shift.

    Index 0 is Monday 00:00-01:00, index 167 Sunday 23:00-24:00. The array sums to
    :func:`weekly_hours`.
    """
    return week_minute_mask(vehicle).reshape(168, 60).mean(axis=1)


def weekly_hours(vehicle: Vehicle) -> float:
    """Hours a week the vehicle is on shift (overlapping shifts counted once)."""
    return float(week_minute_mask(vehicle).sum()) / 60.0


# --------------------------------------------------------------------------------------------------
# Candidate sites

_CANDIDATE_COLUMNS = ["name", "lat", "lon", "easting", "northing", "kind"]
_COLUMN_ALIASES = {
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "x": "easting",
    "y": "northing",
    "site": "name",
}


def _number(text: str, *, name: str, row: int, field: str, example: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise CandidatesFileError(
            f"{name}: row {row} (line {row + 1}), field {field}: got {text!r}, not a number; "
            f"give a number, e.g. {example}"
        )
    return value


def _candidate_point(
    record: Mapping[str, str],
    *,
    mode: str,
    name: str,
    row: int,
    postcodes: pd.DataFrame | None,
) -> tuple[float, float, float, float]:
    """(easting, northing, lat, lon) of one CSV row."""
    where = f"{name}: row {row} (line {row + 1})"
    if mode == "latlon":
        lat = _number(record["lat"], name=name, row=row, field="lat", example="51.27")
        lon = _number(record["lon"], name=name, row=row, field="lon", example="0.52")
        if not -90 <= lat <= 90:
            raise CandidatesFileError(
                f"{where}, field lat: got {lat}, outside -90..90; give WGS84 degrees and check lat and lon "
                "are not swapped"
            )
        e_arr, n_arr = _lonlat_to_bng(np.array([lon]), np.array([lat]))
        if not _in_gb_grid(e_arr, n_arr)[0]:
            raise CandidatesFileError(
                f"{where}, fields lat/lon: got lat={lat}, lon={lon}, outside Great Britain; give WGS84 "
                "degrees in Great Britain (Kent is near lat 51.3, lon 0.9)"
            )
        return float(e_arr[0]), float(n_arr[0]), lat, lon
    if mode == "grid":
        e = _number(record["easting"], name=name, row=row, field="easting", example="577349")
        n = _number(record["northing"], name=name, row=row, field="northing", example="169462")
        if not _in_gb_grid(np.array([e]), np.array([n]))[0]:
            raise CandidatesFileError(
                f"{where}, fields easting/northing: got {e}, {n}, outside Great Britain's National Grid "
                "(0-700000, 0-1300000 metres); give EPSG:27700 metres"
            )
        return (e, n, *_lat_lon(e, n))
    postcode = record["postcode"]
    point = _lookup_postcode(postcode, postcodes if postcodes is not None else load_postcodes())
    if point is None:
        raise CandidatesFileError(
            f"{where}, field postcode: got {postcode!r}, not in the Kent postcode table; check it or give "
            "lat and lon instead"
        )
    return (*point, *_lat_lon(*point))


def _lat_lon(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = _bng_to_lonlat(np.array([easting]), np.array([northing]))
    return round(float(lat[0]), 6), round(float(lon[0]), 6)


def _candidate_mode(columns: Sequence[str], name: str) -> str:
    if "lat" in columns and "lon" in columns:
        return "latlon"
    if "easting" in columns and "northing" in columns:
        return "grid"
    if "postcode" in columns:
        return "postcode"
    raise CandidatesFileError(
        f"{name}: no location columns (found {', '.join(columns) or 'none'}); give a header "
        "name,lat,lon (or name,easting,northing or name,postcode)"
    )


def read_candidates(
    source: str | os.PathLike[str] | tuple[str, bytes], *, postcodes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read a user's candidate sites for new bases.

    Parameters
    ----------
    source
        A path, or ``(file name, bytes)`` for an upload: CSV with a header ``name,lat,lon``
        (WGS84 degrees), or ``name,easting,northing`` (EPSG:27700), or ``name,postcode``. Header names
        are case-insensitive; ``latitude``/``longitude`` are accepted. An empty name becomes
        ``"candidate N"``.
    postcodes
        Postcode table for ``postcode`` files (loaded when needed if omitted).

    Returns
    -------
    DataFrame
        ``name, lat, lon, easting, northing, kind`` with ``kind == "user"``, one row per CSV row.

    Raises
    ------
    CandidatesFileError
        The file cannot be read, or a row has a bad value; the message names the file, the row (data
        rows count from 1, the header is line 1) and the field.
    """
    name, text = _read_source(source, error=CandidatesFileError)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise CandidatesFileError(
            f"{name}: not a readable CSV ({first_line}); give a header name,lat,lon"
        ) from None
    columns = [_COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in table.columns]
    table.columns = pd.Index(columns)
    if len(set(columns)) != len(columns):
        raise CandidatesFileError(f"{name}: repeated column names {columns}; give each column once")
    if "name" not in columns:
        raise CandidatesFileError(
            f"{name}: no name column (found {', '.join(columns)}); give a header name,lat,lon"
        )
    mode = _candidate_mode(columns, name)
    if table.empty:
        raise CandidatesFileError(f"{name}: no candidate rows under the header; add one site per line")
    if mode == "postcode" and postcodes is None:
        postcodes = load_postcodes()
    points: list[tuple[float, float, float, float]] = []
    names: list[str] = []
    for row, record in enumerate(table.to_dict(orient="records"), start=1):
        clean = {str(k): str(v).strip() for k, v in record.items()}
        points.append(_candidate_point(clean, mode=mode, name=name, row=row, postcodes=postcodes))
        names.append(clean["name"] or f"candidate {row}")
    xy = np.array(points, dtype=float)
    return _candidate_frame(names, xy[:, 0], xy[:, 1], lat=xy[:, 2], lon=xy[:, 3], kind="user")


def _candidate_frame(
    names: Sequence[str],
    easting: np.ndarray,
    northing: np.ndarray,
    *,
    lat: np.ndarray,
    lon: np.ndarray,
    kind: str | Sequence[str],
) -> pd.DataFrame:
    kinds = [kind] * len(names) if isinstance(kind, str) else list(kind)
    return pd.DataFrame(
        {
            "name": pd.Series(list(names), dtype="string"),
            "lat": np.asarray(lat, float),
            "lon": np.asarray(lon, float),
            "easting": np.asarray(easting, float),
            "northing": np.asarray(northing, float),
            "kind": pd.Series(kinds, dtype="string"),
        }
    )


def default_candidates(*, in_kent_only: bool = True, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """The shipped candidate bases: Kent police stations and acute hospitals.

    Parameters
    ----------
    in_kent_only
        Drop the hospitals outside Kent (Brighton, Worthing, ...) that the site table carries for
        travel-time context.
    settings
        Where the data lives.

    Returns
    -------
    DataFrame
        ``name, lat, lon, easting, northing, kind, postcode``; ``kind`` is ``police_station`` or
        ``acute_hospital``.
    """
    sites = load_candidate_sites(settings=settings)
    if in_kent_only:
        sites = sites[sites["in_kent"].astype(bool)]
    frame = _candidate_frame(
        sites["name"].astype(str).tolist(),
        sites["easting"].to_numpy(float),
        sites["northing"].to_numpy(float),
        lat=sites["lat"].to_numpy(float),
        lon=sites["lon"].to_numpy(float),
        kind=sites["kind"].astype(str).tolist(),
    )
    compact = normalise_postcode(sites["postcode"]).tolist()
    return frame.assign(postcode=pd.Series([f"{p[:-3]} {p[-3:]}" for p in compact], dtype="string"))
