"""The fleet's history: when each unit started and the shift pattern it worked, period by period.

A history file (``data/scenarios/kent_jru_history.json``, described in ``data/scenarios/README.md``)
lists each unit as a scenario vehicle without ``shifts`` plus ``periods``: from which day it worked
which shift pattern (a name of :data:`jru_geo.model.patterns.PATTERNS` or ``DAYS@HH:MM-HH:MM``), each
period marked ``"basis": "record"`` (the public record says so) or ``"assumption"`` (the record is
silent; the ``note`` says what was assumed). ``published`` holds the figures a replay is compared with.

:func:`fleet_on` gives the fleet in force on a day as a :class:`~jru_geo.io.scenario.Scenario`, and
:func:`fleet_spans` cuts a run of months into spans of days with one fleet each; the replay itself
is :mod:`jru_geo.model.backtest`.

Examples
--------
>>> h = load_history()
>>> [v.id for v in fleet_on(h, dt.date(2019, 1, 1)).vehicles]
['JRU1']
>>> fleet_on(h, dt.date(2019, 1, 1)).vehicles[0].shifts[0].days
['Fri', 'Sat']
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jru_geo.errors import ScenarioError
from jru_geo.io.scenario import Base, Scenario, Vehicle
from jru_geo.model.patterns import ShiftPattern, parse_pattern
from jru_geo.settings import DEFAULT_SETTINGS

__all__ = [
    "HistoryError",
    "Period",
    "HistoryUnit",
    "Published",
    "History",
    "HISTORY_FILE",
    "load_history",
    "parse_history",
    "fleet_on",
    "all_units",
    "fleet_spans",
    "month_range",
    "assumptions_of",
]

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

HISTORY_FILE = "kent_jru_history.json"
"""The shipped history, in :attr:`jru_geo.settings.Settings.scenarios_dir`."""


class HistoryError(ScenarioError):
    """A history file that cannot be used: the message names the file, the field and the fix."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)


class Period(_Model):
    """From ``from`` on, the unit works ``pattern``; ``basis`` says whether the record says so."""

    model_config = ConfigDict(populate_by_name=True)

    start: dt.date = Field(alias="from")
    pattern: str = Field(min_length=1)
    basis: Literal["record", "assumption"]
    note: str = ""

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, text: str) -> str:
        try:
            parse_pattern(text)
        except ScenarioError as exc:
            raise ValueError(str(exc)) from None
        return text

    @property
    def shift_pattern(self) -> ShiftPattern:
        """The pattern, read."""
        return parse_pattern(self.pattern)


class HistoryUnit(_Model):
    """One unit: a scenario vehicle (without shifts) with its periods, earliest first."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    base: Base
    target_min: float = Field(default=15.0, gt=0)
    job_min: float = Field(default=45.0, gt=0)
    started_note: str = ""
    ended: dt.date | None = None
    periods: list[Period] = Field(min_length=1)

    @field_validator("periods")
    @classmethod
    def _in_order(cls, periods: list[Period]) -> list[Period]:
        starts = [p.start for p in periods]
        if starts != sorted(set(starts)):
            raise ValueError(f"periods must start on different days, earliest first; got {starts}")
        return periods

    @property
    def started(self) -> dt.date:
        """The day the unit started: its first period's ``from``."""
        return self.periods[0].start

    def period_on(self, day: dt.date) -> Period | None:
        """Give the period in force on ``day`` (None before the unit started or from ``ended`` on)."""
        if day < self.started or (self.ended is not None and day >= self.ended):
            return None
        return [p for p in self.periods if p.start <= day][-1]


class Published(_Model):
    """The published figures a replay is compared with, and what each refers to."""

    calls_attended: float = Field(gt=0)
    calls_from: str = Field(pattern=r"^\d{4}-\d{2}$")
    calls_to: str = Field(pattern=r"^\d{4}-\d{2}$")
    calls_source: str = ""
    jobs_per_shift: float = Field(gt=0)
    shift_hours: float = Field(gt=0)
    jobs_unit: str | None = None
    jobs_from: str = Field(pattern=r"^\d{4}-\d{2}$")
    jobs_to: str = Field(pattern=r"^\d{4}-\d{2}$")
    jobs_source: str = ""
    jobs_note: str = ""


class History(_Model):
    """A fleet's history: its units and the published figures."""

    name: str = Field(min_length=1)
    description: str = ""
    indicative: bool = False
    units: list[HistoryUnit] = Field(min_length=1)
    published: Published

    @model_validator(mode="after")
    def _unique(self) -> History:
        ids = [u.id for u in self.units]
        if len(set(ids)) != len(ids):
            raise ValueError(f"unit ids must be unique, got {ids}; give each unit its own id")
        if self.published.jobs_unit is not None and self.published.jobs_unit not in ids:
            raise ValueError(f"published.jobs_unit {self.published.jobs_unit!r} is not a unit id ({ids})")
        return self


def _message(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".") or "(top)"
    reason = str(err["msg"]).removeprefix("Value error, ")
    return (
        f"{source}: {where}: {reason} (got {err.get('input')!r}); see data/scenarios/README.md, "
        "'kent_jru_history.json', for the format"
    )


def parse_history(data: object, *, source_name: str = "history") -> History:
    """Validate a history from parsed JSON.

    Parameters
    ----------
    data
        The parsed JSON (a dict).
    source_name
        The file's name, for messages.

    Returns
    -------
    History
        The history.

    Raises
    ------
    HistoryError
        A field missing or out of range; the message names the field, the value and the fix.
    """
    try:
        return History.model_validate(data)
    except ValidationError as exc:
        raise HistoryError(_message(exc, source_name)) from None


def load_history(path: str | os.PathLike[str] | None = None) -> History:
    """Read a history JSON file (default: the shipped ``kent_jru_history.json``).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    History
        The history.

    Raises
    ------
    HistoryError
        The file is missing, not JSON, or not a valid history.
    """
    file = Path(path) if path is not None else DEFAULT_SETTINGS.scenarios_dir / HISTORY_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise HistoryError(f"history file {file} not found; give an existing file with --history") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HistoryError(f"{file.name}: not valid JSON ({exc}); fix the file's syntax") from None
    return parse_history(data, source_name=file.name)


def fleet_on(history: History, day: dt.date) -> Scenario:
    """Give the fleet in force on ``day``: each started unit with the shifts of its period then.

    Parameters
    ----------
    history
        The history.
    day
        The day.

    Returns
    -------
    Scenario
        Named after the day, ``indicative`` as the history; possibly with no vehicles.
    """
    vehicles = []
    for unit in history.units:
        period = unit.period_on(day)
        if period is None:
            continue
        vehicles.append(
            Vehicle.model_validate(
                {
                    "id": unit.id,
                    "name": unit.name,
                    "base": unit.base.model_dump(exclude_none=True),
                    "shifts": period.shift_pattern.as_dicts(),
                    "target_min": unit.target_min,
                    "job_min": unit.job_min,
                }
            )
        )
    return Scenario(
        name=f"{history.name}: fleet on {day.isoformat()}", indicative=history.indicative, vehicles=vehicles
    )


def all_units(history: History) -> Scenario:
    """Every unit of the history, each on the pattern it started with (for bases and travel)."""
    vehicles = [v for u in history.units for v in fleet_on(history, u.started).vehicles if v.id == u.id]
    return Scenario(name=history.name, indicative=history.indicative, vehicles=vehicles)


def _key(history: History, day: dt.date) -> tuple[tuple[str, str], ...]:
    return tuple((u.id, p.pattern) for u in history.units if (p := u.period_on(day)) is not None)


def month_range(start: str, end: str) -> list[pd.Period]:
    """List the months from ``start`` to ``end`` (``"YYYY-MM"``, both included).

    Raises
    ------
    HistoryError
        A month not written ``YYYY-MM``, or ``end`` before ``start``.
    """
    try:
        if not (_MONTH.fullmatch(start) and _MONTH.fullmatch(end)):
            raise ValueError(start)
        first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    except ValueError:
        raise HistoryError(
            f"months must be written YYYY-MM, e.g. 2018-03; got {start!r} and {end!r}"
        ) from None
    if last < first:
        raise HistoryError(f"the end month {end} is before the start month {start}; swap them")
    return list(pd.period_range(first, last, freq="M"))


def fleet_spans(history: History, start: str, end: str) -> pd.DataFrame:
    """Cut the months ``start`` to ``end`` into spans of days with one fleet each.

    Parameters
    ----------
    history
        The history.
    start, end
        First and last month, ``"YYYY-MM"``, both included.

    Returns
    -------
    DataFrame
        ``month`` ("YYYY-MM"), ``first_day``, ``days`` (in the span) and ``fleet`` (a key: the
        ``(unit id, pattern)`` pairs in force, empty when no unit ran), one row per span, in order.
    """
    rows: list[dict[str, object]] = []
    for month in month_range(start, end):
        day = month.start_time.date()
        last = month.end_time.date()
        while day <= last:
            key = _key(history, day)
            span_start, n = day, 0
            while day <= last and _key(history, day) == key:
                day += dt.timedelta(days=1)
                n += 1
            rows.append({"month": str(month), "first_day": span_start, "days": n, "fleet": key})
    return pd.DataFrame(rows, columns=["month", "first_day", "days", "fleet"])


def assumptions_of(history: History) -> list[str]:
    """Every period the record is silent on, in words: ``"JRU1 from 2019-08-01: every-evening (...)"``."""
    return [
        f"{u.id} from {p.start.isoformat()}: {p.pattern} ({p.note})"
        if p.note
        else f"{u.id} from {p.start}: {p.pattern}"
        for u in history.units
        for p in u.periods
        if p.basis == "assumption"
    ]
