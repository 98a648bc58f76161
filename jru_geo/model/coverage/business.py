"""The business case for a joint response unit: incidents attended, crew hours, time and money saved.

Every number comes from a few published JRU figures, kept as editable assumptions in
:class:`BusinessAssumptions` so a planner can see and change each one:

* **Money**: Kent Police and SECAmb reported that the JRUs attended about 4,500 calls between March 2018
  and November 2020 and saved about £112,495, i.e. about £25 per call (SECAmb news item on the east Kent
  unit, November 2020, as quoted in issue 3). That figure is a total saving per call and is used as is;
  it is not derived from the hours below.
* **Time**: SECAmb reported about 30 minutes saved per incident (fewer vehicles sent, no waiting for the
  other service to arrive). We read this as ambulance time by default (``services_saving_time=1``); set
  ``services_saving_time=2`` to count 30 minutes for the police as well. The default is the cautious
  reading: the public record does not say the saving applies to each service.
* **Capacity**: "around seven jobs during an eight-hour shift" (KentOnline, 2019) gives
  7 / 8 = 0.875 jobs per on-shift hour. Attended incidents are capped at that capacity.
* **Crew**: a police officer and a paramedic (``crew_size=2``). The 2018 pilot ran with two special
  constables and a paramedic (3); special constables are unpaid volunteers.

Cross-check: the 2018 pilot (Friday and Saturday 18:00-02:00, 16 hours a week) has a capacity of
16 x 52.18 x 0.875 = about 730 incidents a year.

Examples
--------
>>> case = business_case(incidents_attended_per_year=1000.0, weekly_hours=16.0)
>>> case.capacity_incidents_per_year, case.incidents_per_year, round(case.money_saved_gbp)
(730.5, 730.5, 18262)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jru_geo.errors import BusinessCaseError
from jru_geo.week import HOURS_PER_WEEK

__all__ = [
    "WEEKS_PER_YEAR",
    "PUBLISHED_CALLS",
    "PUBLISHED_SAVING_GBP",
    "BusinessAssumptions",
    "BusinessCase",
    "business_case",
]

WEEKS_PER_YEAR = 365.25 / 7
"""Weeks in an average year (52.18)."""

PUBLISHED_CALLS = 4_500
"""Calls the Kent JRUs attended from March 2018 to November 2020 (SECAmb, November 2020)."""

PUBLISHED_SAVING_GBP = 112_495.0
"""Money the Kent JRUs saved over those calls, in pounds (SECAmb, November 2020)."""


def _check_number(name: str, value: float, *, positive: bool = False) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise BusinessCaseError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise BusinessCaseError(f"{name} must be > 0, got {value!r}; give a positive number")
    if value < 0:
        raise BusinessCaseError(f"{name} must be >= 0, got {value!r}; give zero or a positive number")


@dataclass(frozen=True)
class BusinessAssumptions:
    """Editable assumptions behind the business case (defaults are the published JRU figures).

    Parameters
    ----------
    minutes_saved_per_incident
        Minutes of a service's time saved per incident the JRU attends (SECAmb: about 30).
    saving_per_incident_gbp
        Money saved per incident attended, pounds: £112,495 / 4,500 calls = £25.00 (Mar 2018-Nov 2020).
    jobs_per_shift
        Incidents one unit can attend in a shift (published: about 7 in 8 hours).
    shift_hours
        Length of the shift ``jobs_per_shift`` refers to, hours (> 0).
    crew_size
        People in the vehicle (police officer + paramedic = 2).
    services_saving_time
        How many services each save ``minutes_saved_per_incident``: 1 = ambulance only (default,
        cautious), 2 = ambulance and police, 0 = count no time saved.
    """

    minutes_saved_per_incident: float = 30.0
    saving_per_incident_gbp: float = PUBLISHED_SAVING_GBP / PUBLISHED_CALLS
    jobs_per_shift: float = 7.0
    shift_hours: float = 8.0
    crew_size: int = 2
    services_saving_time: int = 1

    def __post_init__(self) -> None:
        """Check every assumption is a finite number in range.

        Raises
        ------
        BusinessCaseError
            A value that is not finite, negative, or out of range.
        """
        _check_number("minutes_saved_per_incident", self.minutes_saved_per_incident)
        _check_number("saving_per_incident_gbp", self.saving_per_incident_gbp)
        _check_number("jobs_per_shift", self.jobs_per_shift)
        _check_number("shift_hours", self.shift_hours, positive=True)
        for name in ("crew_size", "services_saving_time"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BusinessCaseError(f"{name} must be a whole number >= 0, got {value!r}")
        if self.services_saving_time > 2:
            raise BusinessCaseError(
                f"services_saving_time must be 0, 1 (ambulance) or 2 (ambulance and police), "
                f"got {self.services_saving_time!r}"
            )

    @property
    def jobs_per_hour(self) -> float:
        """Incidents one unit can attend per on-shift hour (7 / 8 = 0.875 by default)."""
        return self.jobs_per_shift / self.shift_hours


@dataclass(frozen=True)
class BusinessCase:
    """A year of one unit (or a fleet) in numbers. All quantities are per year.

    Attributes
    ----------
    incidents_per_year
        Incidents attended: the expected demand, capped at capacity.
    crew_hours_per_year
        On-shift hours times crew size.
    ambulance_hours_saved, police_hours_saved, total_hours_saved
        Service time saved (see :class:`BusinessAssumptions.services_saving_time`).
    money_saved_gbp
        Incidents attended times the published saving per incident.
    capacity_incidents_per_year
        Most incidents the unit can attend: on-shift hours times jobs per hour.
    utilisation
        Incidents attended / capacity (0-1; 0 when there is no capacity).
    notes
        One sentence per number saying where it comes from, for display next to the figures.
    """

    incidents_per_year: float
    crew_hours_per_year: float
    ambulance_hours_saved: float
    police_hours_saved: float
    total_hours_saved: float
    money_saved_gbp: float
    capacity_incidents_per_year: float
    utilisation: float
    notes: tuple[str, ...]


def business_case(
    *,
    incidents_attended_per_year: float,
    weekly_hours: float,
    units: int = 1,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen, immutable
) -> BusinessCase:
    """Work out the yearly business case for a unit that would attend ``incidents_attended_per_year``.

    Parameters
    ----------
    incidents_attended_per_year
        Expected incidents the unit would attend a year (e.g. its dispatch share of demand from the
        coverage model), before the capacity cap.
    weekly_hours
        Hours a week the units are on shift, summed over the units (0 to 168 per unit), e.g.
        :func:`jru_geo.model.shifts.weekly_hours`.
    units
        How many units ``weekly_hours`` sums over (the case of several new units together).
    assumptions
        The published figures, editable.

    Returns
    -------
    BusinessCase
        The figures and a note for each.

    Raises
    ------
    ValueError
        A negative or non-finite input, fewer than one unit, or ``weekly_hours`` above 168 per unit.
    """
    _check_number("incidents_attended_per_year", incidents_attended_per_year)
    _check_number("weekly_hours", weekly_hours)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise BusinessCaseError(f"units must be a whole number of at least 1, got {units!r}")
    if weekly_hours > HOURS_PER_WEEK * units:
        raise BusinessCaseError(
            f"weekly_hours must be at most 168 (a whole week) per unit, {HOURS_PER_WEEK * units} for "
            f"{units} unit(s), got {weekly_hours!r}"
        )

    a = assumptions
    shift_hours_per_year = weekly_hours * WEEKS_PER_YEAR
    capacity = shift_hours_per_year * a.jobs_per_hour
    incidents = min(float(incidents_attended_per_year), capacity)
    hours_per_service = incidents * a.minutes_saved_per_incident / 60.0
    ambulance_hours = hours_per_service if a.services_saving_time >= 1 else 0.0
    police_hours = hours_per_service if a.services_saving_time >= 2 else 0.0
    money = incidents * a.saving_per_incident_gbp
    utilisation = incidents / capacity if capacity > 0 else 0.0

    notes = [
        f"On shift {weekly_hours:g} h a week x {WEEKS_PER_YEAR:.2f} weeks = {shift_hours_per_year:,.0f} h "
        f"a year; crew of {a.crew_size} gives {shift_hours_per_year * a.crew_size:,.0f} crew hours.",
        f"Capacity: {a.jobs_per_shift:g} jobs per {a.shift_hours:g}-hour shift (published) = "
        f"{capacity:,.0f} incidents a year.",
        f"Incidents attended: {incidents:,.0f} a year, {utilisation:.0%} of capacity.",
        f"Time saved: {a.minutes_saved_per_incident:g} minutes per incident (SECAmb) for "
        f"{_services_text(a.services_saving_time)}.",
        f"Money saved: £{a.saving_per_incident_gbp:,.2f} per incident (published £112,495 over 4,500 "
        f"calls, Mar 2018-Nov 2020) = £{money:,.0f} a year.",
    ]
    if incidents_attended_per_year > capacity:
        notes.append(
            f"Demand of {incidents_attended_per_year:,.0f} a year exceeds capacity; "
            f"{incidents_attended_per_year - capacity:,.0f} incidents are left to other resources."
        )
    return BusinessCase(
        incidents_per_year=incidents,
        crew_hours_per_year=shift_hours_per_year * a.crew_size,
        ambulance_hours_saved=ambulance_hours,
        police_hours_saved=police_hours,
        total_hours_saved=ambulance_hours + police_hours,
        money_saved_gbp=money,
        capacity_incidents_per_year=capacity,
        utilisation=utilisation,
        notes=tuple(notes),
    )


def _services_text(services: int) -> str:
    return {0: "no service (time not counted)", 1: "the ambulance service", 2: "ambulance and police each"}[
        services
    ]
