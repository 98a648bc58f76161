"""The fleet scenario schema: vehicles, their bases and weekly shifts, validated by pydantic.

A :class:`Scenario` holds :class:`Vehicle` rows, each with a :class:`Base` (a postcode, lat/lon or
easting/northing) and :class:`Shift` rows; :func:`add_vehicle` returns a scenario with one more.
Reading and writing the JSON or YAML files, and turning pydantic's errors into one
:class:`~jru_geo.errors.ScenarioError` naming the field, are in :mod:`jru_geo.io.scenario_files`;
resolving each base to a point is :func:`jru_geo.io.bases.resolve_bases`; candidate sites for new
bases are in :mod:`jru_geo.io.sites`.

Shifts are weekly and in local wall-clock time; a night belongs to the day its shift starts
(:mod:`jru_geo.week`): ``Fri 18:00-02:00`` runs from Friday 18:00 to Saturday 02:00, and
``Sun 18:00-02:00`` wraps round to Monday 02:00. A shift whose end equals its start lasts 24 hours.
Overlapping shifts of one vehicle are merged when they are turned into minutes of the week
(:func:`jru_geo.model.shifts.week_minute_mask`), so hours are never counted twice.

Examples
--------
>>> shift = Shift(days=["Fri", "Sat"], start="18:00", end="02:00")
>>> shift.duration_min
480
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from jru_geo._crs import in_gb_grid, lonlat_to_bng
from jru_geo.errors import ScenarioError
from jru_geo.week import _DAY_ALIASES, MINUTES_PER_DAY, Day, _minutes

__all__ = ["DEFAULT_SCENARIO_FILE", "Shift", "Base", "Vehicle", "Scenario", "add_vehicle"]

DEFAULT_SCENARIO_FILE = "kent_jru_2020.json"
"""The shipped scenario under ``data/scenarios``: the three Kent JRUs as of November 2020."""
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")


# --------------------------------------------------------------------------------------------------
# Schema


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, data: object) -> object:
        """Refuse ``true``/``false`` where a number goes (pydantic would read ``true`` as 1)."""
        if isinstance(data, dict):
            for key, value in data.items():
                field = cls.model_fields.get(str(key))
                if isinstance(value, bool) and field is not None and field.annotation is not bool:
                    raise ValueError(
                        f"{key} is {str(value).lower()}, a yes/no value, not a number; give a number, "
                        f"e.g. {_NUMBER_EXAMPLES.get(str(key), '15')}"
                    )
        return data


_NUMBER_EXAMPLES = {
    "lat": "51.38",
    "lon": "0.55",
    "easting": "577349",
    "northing": "169462",
    "target_min": "15",
    "job_min": "45",
}


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
    """Where a vehicle waits between jobs.

    Exactly one of ``lat``+``lon``, ``easting``+``northing`` (EPSG:27700 metres) or a ``postcode``
    (looked up in the area's postcode table).

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
            e, n = lonlat_to_bng(np.array([self.lon]), np.array([self.lat]))
            if not in_gb_grid(e, n)[0] or not -90 <= self.lat <= 90:
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
            if abs(self.easting) <= 180 and abs(self.northing) <= 90:
                raise ValueError(
                    f"easting={self.easting}, northing={self.northing} look like degrees, not metres; give "
                    f'them as lat and lon, e.g. {{"lat": {self.northing}, "lon": {self.easting}}}, or give '
                    "EPSG:27700 metres (Kent is near easting 600000, northing 150000)"
                )
            if not in_gb_grid(np.array([self.easting]), np.array([self.northing]))[0]:
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
    """A named fleet.

    Vehicle ids must be unique; an empty fleet is allowed (a planner may start from nothing).
    ``indicative`` marks scenarios whose details (bases, hours) are assumptions.
    """

    name: str = Field(min_length=1)
    description: str = ""
    indicative: bool = False
    area: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_,-]*$", max_length=400)
    """The area the fleet serves (an ``--area`` name such as ``surrey``); None means Kent."""
    vehicles: list[Vehicle] = Field(default_factory=list)

    @field_validator("vehicles")
    @classmethod
    def _unique_ids(cls, vehicles: list[Vehicle]) -> list[Vehicle]:
        ids = pd.Series([v.id for v in vehicles], dtype=object)
        repeated = sorted(set(ids[ids.duplicated()]))
        if repeated:
            raise ValueError(f"vehicle ids must be unique, {repeated} repeated; give each vehicle its own id")
        return vehicles


def add_vehicle(scenario: Scenario, vehicle: Vehicle) -> Scenario:
    """Return a new scenario with ``vehicle`` appended; ``scenario`` is left unchanged.

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
