"""One hour of the week as a commander sees it: who is on, how busy, what is covered, what changes next.

"What do we cover tonight at 22:00?" is the engine's answer for one hour of the week, with the whole
demand loading the units (:func:`jru_geo.model.coverage.engine.compute_coverage` with
``week_slice`` = that hour). Nights belong to the day they start: the commander picks the *night*
of a day and a clock hour, and 00:00-05:59 fall on the next calendar day (Saturday night 01:00 is
Sunday 01:00), as for shifts and the filter (:func:`jru_geo.week.service_day_of`).

:func:`hour_of_night` turns (night, hour) into an hour of the week, :func:`night_slice` into the
168-hour mask the engine takes, and :func:`tonight` reads the engine's result for that hour:
units on shift, each one's busy probability, expected demand covered and not covered (month-dated
incidents are spread over the week by their demand profile, so police.uk months count too), and each
unit's next shift change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jru_geo.errors import CoverageError
from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage.result import BoolArray, CoverageResult
from jru_geo.week import (
    DAY_NAMES,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    MINUTES_PER_HOUR,
    MINUTES_PER_WEEK,
    SERVICE_DAY_START_HOUR,
    service_day_of,
    week_mask,
)

__all__ = [
    "TonightView",
    "hour_of_night",
    "night_of_hour",
    "night_slice",
    "tonight",
    "describe_hour",
    "on_shift_fleet",
]


def hour_of_night(night: int, hour: int) -> int:
    """Give the hour of the week (0 = Monday 00:00) of ``hour`` o'clock in the night of day ``night``.

    Parameters
    ----------
    night
        Day 0 (Monday) to 6 (Sunday) whose night it is.
    hour
        Clock hour 0-23; hours before :data:`~jru_geo.week.SERVICE_DAY_START_HOUR` (06:00) are on
        the next calendar day.

    Returns
    -------
    int
        The hour of the week.

    Raises
    ------
    CoverageError
        A day outside 0-6 or an hour outside 0-23.

    Examples
    --------
    >>> hour_of_night(5, 23), hour_of_night(5, 1), hour_of_night(6, 1)  # Sat 23:00, Sun 01:00, Mon 01:00
    (143, 145, 1)
    """
    if isinstance(night, bool) or night not in range(7):
        raise CoverageError(f"night must be a day 0 (Monday) to 6 (Sunday), got {night!r}")
    if isinstance(hour, bool) or hour not in range(HOURS_PER_DAY):
        raise CoverageError(f"hour must be a clock hour 0-23, got {hour!r}")
    day = night if hour >= SERVICE_DAY_START_HOUR else (night + 1) % 7
    return day * HOURS_PER_DAY + hour


def night_of_hour(hour_of_week: int) -> tuple[int, int]:
    """Give ``(night, clock hour)`` of an hour of the week: the inverse of :func:`hour_of_night`."""
    night = int(service_day_of([hour_of_week])[0])
    return night, int(hour_of_week) % HOURS_PER_DAY


def night_slice(night: int, hour: int) -> BoolArray:
    """Give the 168-hour mask of one hour of a night, for the engine's ``week_slice``."""
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    mask[hour_of_night(night, hour)] = True
    return mask


def describe_hour(night: int, hour: int) -> str:
    """Say an hour of a night in words, e.g. ``"Saturday night, 01:00 (Sun 01:00)"``.

    Examples
    --------
    >>> describe_hour(5, 1), describe_hour(4, 22)
    ('Sat night, 01:00 (Sun 01:00)', 'Fri 22:00')
    """
    h = hour_of_night(night, hour)
    clock = f"{hour:02d}:00"
    if hour >= SERVICE_DAY_START_HOUR:
        return f"{DAY_NAMES[night]} {clock}"
    return f"{DAY_NAMES[night]} night, {clock} ({DAY_NAMES[h // HOURS_PER_DAY]} {clock})"


@dataclass(frozen=True)
class TonightView:
    """The engine's figures for one hour of the week.

    Attributes
    ----------
    hour_of_week
        The hour (0 = Monday 00:00-01:00).
    label
        It in words (:func:`describe_hour`).
    units
        One row per vehicle: ``vehicle_id, name, on_shift`` (for at least half the hour),
        ``busy_probability`` (mean over the hour while on shift), ``calls_per_hour``,
        ``next_change`` (e.g. ``"off at Sun 02:00"``, ``"on at Fri 18:00"``, ``"always on"``).
    demand_per_week
        JRU calls expected in this hour of an average week: the counted incidents in it (month-dated
        ones spread by their profile) times the JRU share, over the weeks of data.
    covered_in_hours_per_week, covered_expected_per_week
        Of those, reached within target by a unit on shift, and by one also free.
    uncovered_per_week
        ``demand_per_week - covered_expected_per_week``.
    calls_attended_per_year
        Calls the fleet takes in this hour, over a year (52.18 such hours).
    """

    hour_of_week: int
    label: str
    units: pd.DataFrame
    demand_per_week: float
    covered_in_hours_per_week: float
    covered_expected_per_week: float
    uncovered_per_week: float
    calls_attended_per_year: float

    @property
    def units_on_shift(self) -> int:
        """How many units are on shift in the hour."""
        return int(self.units["on_shift"].sum())


def _next_change(on: BoolArray, minute: int) -> str:
    """Say when, after ``minute``, the vehicle next comes on or goes off."""
    if on.all():
        return "always on"
    if not on.any():
        return "never on shift"
    now = bool(on[minute])
    order = (minute + 1 + np.arange(MINUTES_PER_WEEK)) % MINUTES_PER_WEEK
    change = int(order[np.flatnonzero(on[order] != now)[0]])
    day, rest = divmod(change, MINUTES_PER_HOUR * HOURS_PER_DAY)
    clock = f"{rest // MINUTES_PER_HOUR:02d}:{rest % MINUTES_PER_HOUR:02d}"
    return f"{'off' if now else 'on'} at {DAY_NAMES[day]} {clock}"


def tonight(result: CoverageResult, scenario: Scenario, night: int, hour: int) -> TonightView:
    """Read the engine's result for one hour of a night.

    Parameters
    ----------
    result
        :func:`~jru_geo.model.coverage.engine.compute_coverage` of every incident with
        ``week_slice=night_slice(night, hour)`` (the units' figures are then for that hour).
    scenario
        The fleet the result is for.
    night, hour
        The night (day 0-6) and clock hour, as for :func:`hour_of_night`.

    Returns
    -------
    TonightView
        Units, busy probabilities, demand covered and not, next shift changes.

    Raises
    ------
    CoverageError
        ``result`` is not for that one hour, or not for ``scenario``'s vehicles.
    """
    h = hour_of_night(night, hour)
    if result.week_slice is None or int(result.week_slice.sum()) != 1 or not result.week_slice[h]:
        raise CoverageError(
            f"the coverage result must be for {describe_hour(night, hour)} alone: compute it with "
            f"week_slice=night_slice({night}, {hour})"
        )
    ids = [v.id for v in scenario.vehicles]
    if result.vehicles["vehicle_id"].astype(str).tolist() != ids:
        raise CoverageError(f"the coverage result is not for scenario {scenario.name!r}'s vehicles {ids}")
    minute = h * MINUTES_PER_HOUR
    masks = [week_mask(v.shifts) for v in scenario.vehicles]
    v = result.vehicles
    units = pd.DataFrame(
        {
            "vehicle_id": v["vehicle_id"].to_numpy(),
            "name": v["name"].to_numpy(),
            "on_shift": v["weekly_hours"].to_numpy(dtype=float) > 0,
            "busy_probability": v["busy_fraction"].to_numpy(dtype=float),
            "calls_per_hour": v["calls_per_hour"].to_numpy(dtype=float),
            "next_change": [_next_change(m, minute) for m in masks],
        }
    )
    row = result.by_hour_of_week.iloc[h]
    weeks = result.span_weeks if result.span_weeks > 0 else 1.0
    scale = result.demand_scale / weeks
    demand = float(row["incidents"]) * scale
    expected = float(row["covered_expected"]) * scale
    return TonightView(
        hour_of_week=h,
        label=describe_hour(night, hour),
        units=units,
        demand_per_week=demand,
        covered_in_hours_per_week=float(row["covered_in_hours"]) * scale,
        covered_expected_per_week=expected,
        uncovered_per_week=max(demand - expected, 0.0),
        calls_attended_per_year=result.calls_attended_per_year,
    )


def on_shift_fleet(scenario: Scenario, view: TonightView) -> Scenario:
    """Give the scenario with only the vehicles on shift in the view's hour (for their catchments)."""
    on = set(view.units.loc[view.units["on_shift"], "vehicle_id"].astype(str))
    return scenario.model_copy(update={"vehicles": [v for v in scenario.vehicles if v.id in on]})
