"""The business case of a change to the fleet: the fleet's calls gained, their savings, the new units' cost.

The case is the **fleet's**: a new unit counts only the calls the fleet attends with it and would not
attend without it (``fleet_calls_gain_per_year``, from the coverage engine, see
:mod:`jru_geo.optimise.business_case`). The calls the new units take themselves
(``new_units_calls_per_year``) are reported beside it; the difference is calls an existing unit would
have taken anyway. Every other figure follows from a few published JRU figures and a few labelled
assumptions, all editable in :class:`BusinessAssumptions`:

Published (the defaults; a note says "(published)" or "(SECAmb)" only while a value equals them)

* **Money**: the Kent JRUs attended about 4,500 calls between March 2018 and November 2020 and saved
  about £112,495 (SECAmb, November 2020): £25.00 a call. That saving already values the service time
  saved, so the hours saved are not counted again as money unless a value per hour saved is given
  (``value_per_hour_saved_gbp``, default 0).
* **Time**: about 30 minutes saved per incident (SECAmb), read as ambulance time by default
  (``services_saving_time=1``; 2 counts it for the police as well, 0 not at all).
* **Capacity**: "around seven jobs during an eight-hour shift" (KentOnline, 2019): 0.875 jobs per
  on-shift hour. The new units' calls are capped at that capacity, and the fleet's gain at the new
  units' calls (the fleet cannot gain more calls than the new units attend).
* **Crew**: a Band 6 paramedic with a police officer or a Special Constable (Association of Ambulance
  Chief Executives, JRU initiative page, 2021); Special Constables are unpaid volunteers (as reported
  when the Dartford and Gravesham unit was announced, 2019): choose
  ``police_officer="special_constable"`` to count no police pay.

Assumptions (labelled "(assumption)" in the notes)

* **Crew cost an hour**: the top of the published pay scale over a working week plus
  :data:`ON_COST_SHARE` employer on-costs (pension, National Insurance): a constable £48,231 a year
  (Police Regulations 2003 Annex F, 2024 pay award from 1 September 2024, Home Office circular
  003/2025) over 40 hours a week; a Band 6 paramedic £44,962 (NHS Agenda for Change, April 2024) over
  37.5 hours. Unsocial-hours pay is not included. The pay figures are published; the hours, the
  on-costs and the use of the top of the scale are assumptions, so the hourly costs are labelled as
  assumptions. Set them to 0 when the crew are existing staff redeployed rather than extra posts.
* **Vehicle**: £10,000 a year to run (lease, fuel, maintenance) and £45,000 to set up (purchase and
  police and medical fit-out): no published figure, so assumptions.

Cross-check: the 2018 pilot (Friday and Saturday 18:00-02:00, 16 hours a week) has a capacity of
16 x 52.18 x 0.875 = about 730 calls a year.

Examples
--------
>>> a = BusinessAssumptions(saving_per_incident_gbp=25.0, police_officer="special_constable",
...                         paramedic_cost_per_hour_gbp=30.0, vehicle_cost_per_year_gbp=5000.0,
...                         setup_cost_gbp=10000.0)
>>> case = business_case(fleet_calls_gain_per_year=600.0, new_units_calls_per_year=800.0,
...                      weekly_hours=16.0, assumptions=a)
>>> round(case.fleet_calls_gain_per_year), round(case.new_units_calls_per_year)
(600, 730)
>>> round(case.money_saved_per_year), round(case.cost_per_year), round(case.net_benefit_per_year)
(15000, 30046, -15046)
>>> case.payback_years is None
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from jru_geo.errors import BusinessCaseError
from jru_geo.week import HOURS_PER_WEEK, WEEKS_PER_YEAR

__all__ = [
    "WEEKS_PER_YEAR",
    "PUBLISHED_CALLS",
    "PUBLISHED_SAVING_GBP",
    "PUBLISHED_SAVING_PER_CALL_GBP",
    "PUBLISHED_MINUTES_SAVED",
    "PUBLISHED_JOBS_PER_SHIFT",
    "PUBLISHED_SHIFT_HOURS",
    "CONSTABLE_TOP_PAY_GBP",
    "PARAMEDIC_BAND6_TOP_PAY_GBP",
    "ON_COST_SHARE",
    "DEFAULT_POLICE_COST_PER_HOUR_GBP",
    "DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP",
    "PoliceOfficer",
    "BusinessAssumptions",
    "BusinessCase",
    "business_case",
]

PUBLISHED_CALLS = 4_500
"""Calls the Kent JRUs attended from March 2018 to November 2020 (SECAmb, November 2020)."""

PUBLISHED_SAVING_GBP = 112_495.0
"""Money the Kent JRUs saved over those calls, in pounds (SECAmb, November 2020)."""

PUBLISHED_SAVING_PER_CALL_GBP = PUBLISHED_SAVING_GBP / PUBLISHED_CALLS
"""£112,495 / 4,500 calls = £25.00 a call."""

PUBLISHED_MINUTES_SAVED = 30.0
"""Minutes saved per incident (SECAmb)."""

PUBLISHED_JOBS_PER_SHIFT = 7.0
"""Jobs one unit attends in a shift: "around seven jobs during an eight-hour shift" (KentOnline, 2019)."""

PUBLISHED_SHIFT_HOURS = 8.0
"""Length of the shift the published jobs figure refers to, hours."""

CONSTABLE_TOP_PAY_GBP = 48_231.0
"""Top of the constable pay scale from 1 September 2024, a year (Police Regulations 2003, Annex F)."""

PARAMEDIC_BAND6_TOP_PAY_GBP = 44_962.0
"""Top of NHS Agenda for Change Band 6 (the JRU paramedics' band) from April 2024, a year."""

_CONSTABLE_HOURS_PER_WEEK = 40.0  # assumption: a 40-hour week
_PARAMEDIC_HOURS_PER_WEEK = 37.5  # Agenda for Change standard week

ON_COST_SHARE = 0.40
"""Employer on-costs (pension, National Insurance) on top of pay: an assumption."""

DEFAULT_POLICE_COST_PER_HOUR_GBP = (
    CONSTABLE_TOP_PAY_GBP / (_CONSTABLE_HOURS_PER_WEEK * WEEKS_PER_YEAR) * (1 + ON_COST_SHARE)
)
"""A constable's cost an hour: £48,231 / (40 h x 52.18 weeks) x 1.4 = £32.35 (assumption)."""

DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP = (
    PARAMEDIC_BAND6_TOP_PAY_GBP / (_PARAMEDIC_HOURS_PER_WEEK * WEEKS_PER_YEAR) * (1 + ON_COST_SHARE)
)
"""A Band 6 paramedic's cost an hour: £44,962 / (37.5 h x 52.18 weeks) x 1.4 = £32.17 (assumption)."""

PoliceOfficer = Literal["constable", "special_constable"]
"""Who the police crew are: paid constables, or Special Constables (unpaid volunteers)."""

_SAME = 0.005
"""Two values closer than half a penny (or 0.005 of a minute, a job) are the same figure."""


def _check_number(name: str, value: float, *, positive: bool = False, signed: bool = False) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise BusinessCaseError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise BusinessCaseError(f"{name} must be > 0, got {value!r}; give a positive number")
    if not signed and value < 0:
        raise BusinessCaseError(f"{name} must be >= 0, got {value!r}; give zero or a positive number")


def _check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BusinessCaseError(f"{name} must be a whole number >= 0, got {value!r}")


@dataclass(frozen=True)
class BusinessAssumptions:
    """Editable figures behind the business case (defaults: the published figures and the assumptions).

    Parameters
    ----------
    saving_per_incident_gbp
        Money saved per call the fleet gains, pounds (published: £112,495 / 4,500 = £25.00).
    minutes_saved_per_incident
        Minutes of a service's time saved per call the fleet gains (SECAmb: about 30).
    services_saving_time
        How many services each save ``minutes_saved_per_incident``: 1 = ambulance only (default,
        cautious), 2 = ambulance and police, 0 = count no time saved.
    value_per_hour_saved_gbp
        Money a service hour saved is worth on top of ``saving_per_incident_gbp`` (default 0: the
        published saving already values the time, so it would be counted twice).
    jobs_per_shift
        Calls one unit can attend in a shift (published: about 7 in 8 hours).
    shift_hours
        Length of the shift ``jobs_per_shift`` refers to, hours (> 0).
    police_officer
        ``"constable"`` (paid, default) or ``"special_constable"`` (an unpaid volunteer: no police pay
        counted).
    police_officers, paramedics
        People of each service in a unit (default one of each).
    police_cost_per_hour_gbp, paramedic_cost_per_hour_gbp
        Cost an on-shift hour of one police officer (when paid) and one paramedic, pounds
        (assumptions from published pay, see the module docstring).
    vehicle_cost_per_year_gbp
        Running cost of one vehicle a year: lease, fuel, maintenance (assumption: £10,000).
    setup_cost_gbp
        One-off cost of one new unit: vehicle purchase and fit-out (assumption: £45,000).
    """

    saving_per_incident_gbp: float = PUBLISHED_SAVING_PER_CALL_GBP
    minutes_saved_per_incident: float = PUBLISHED_MINUTES_SAVED
    services_saving_time: int = 1
    value_per_hour_saved_gbp: float = 0.0
    jobs_per_shift: float = PUBLISHED_JOBS_PER_SHIFT
    shift_hours: float = PUBLISHED_SHIFT_HOURS
    police_officer: PoliceOfficer = "constable"
    police_officers: int = 1
    paramedics: int = 1
    police_cost_per_hour_gbp: float = DEFAULT_POLICE_COST_PER_HOUR_GBP
    paramedic_cost_per_hour_gbp: float = DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP
    vehicle_cost_per_year_gbp: float = 10_000.0
    setup_cost_gbp: float = 45_000.0

    def __post_init__(self) -> None:
        """Check every figure is a finite number in range.

        Raises
        ------
        BusinessCaseError
            A value that is not finite, negative, or out of range.
        """
        for name in (
            "saving_per_incident_gbp",
            "minutes_saved_per_incident",
            "value_per_hour_saved_gbp",
            "jobs_per_shift",
            "police_cost_per_hour_gbp",
            "paramedic_cost_per_hour_gbp",
            "vehicle_cost_per_year_gbp",
            "setup_cost_gbp",
        ):
            _check_number(name, getattr(self, name))
        _check_number("shift_hours", self.shift_hours, positive=True)
        for name in ("services_saving_time", "police_officers", "paramedics"):
            _check_count(name, getattr(self, name))
        if self.services_saving_time > 2:
            raise BusinessCaseError(
                f"services_saving_time must be 0, 1 (ambulance) or 2 (ambulance and police), "
                f"got {self.services_saving_time!r}"
            )
        if self.police_officer not in ("constable", "special_constable"):
            raise BusinessCaseError(
                f"police_officer must be 'constable' or 'special_constable', got {self.police_officer!r}"
            )

    @property
    def jobs_per_hour(self) -> float:
        """Calls one unit can attend per on-shift hour (7 / 8 = 0.875 by default)."""
        return self.jobs_per_shift / self.shift_hours

    @property
    def crew_size(self) -> int:
        """People in one unit: police officers plus paramedics."""
        return self.police_officers + self.paramedics

    @property
    def crew_cost_per_hour_gbp(self) -> float:
        """Cost of one unit's crew an on-shift hour (no police pay for Special Constables)."""
        police = 0.0 if self.police_officer == "special_constable" else self.police_cost_per_hour_gbp
        return self.police_officers * police + self.paramedics * self.paramedic_cost_per_hour_gbp


@dataclass(frozen=True)
class BusinessCase:
    """A year of a change to the fleet in numbers. Calls, hours and pounds are per year.

    Attributes
    ----------
    fleet_calls_gain_per_year
        Calls the fleet attends with the change minus without it, at most ``new_units_calls_per_year``.
    new_units_calls_per_year
        Calls the new units attend themselves, capped at their capacity.
    capacity_calls_per_year
        Most calls the new units can attend: on-shift hours times jobs per hour.
    utilisation
        ``new_units_calls_per_year`` / capacity (0-1; 0 without capacity).
    on_shift_hours_per_year, crew_hours_per_year
        The new units' on-shift hours, and those times the crew.
    ambulance_hours_saved, police_hours_saved, hours_saved_per_year
        Service time saved on the fleet's gain (see ``services_saving_time``).
    money_saved_per_year
        The gain times the saving per call, plus the hours saved times their value (default 0).
    crew_cost_per_year, vehicle_cost_per_year, cost_per_year
        The new units' crew and running costs, and their sum.
    net_benefit_per_year
        ``money_saved_per_year - cost_per_year``.
    setup_cost
        One-off cost of the new units.
    payback_years
        ``setup_cost / net_benefit_per_year`` when the net benefit is positive, else None (never).
    units
        New units counted.
    notes
        One sentence per figure saying where it comes from, for display next to the figures.
    """

    fleet_calls_gain_per_year: float
    new_units_calls_per_year: float
    capacity_calls_per_year: float
    utilisation: float
    on_shift_hours_per_year: float
    crew_hours_per_year: float
    ambulance_hours_saved: float
    police_hours_saved: float
    hours_saved_per_year: float
    money_saved_per_year: float
    crew_cost_per_year: float
    vehicle_cost_per_year: float
    cost_per_year: float
    net_benefit_per_year: float
    setup_cost: float
    payback_years: float | None
    units: int
    notes: tuple[str, ...]


def business_case(
    *,
    fleet_calls_gain_per_year: float,
    new_units_calls_per_year: float,
    weekly_hours: float,
    units: int = 1,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen, immutable
) -> BusinessCase:
    """Work out the yearly business case of new units from the fleet's gain in calls.

    Parameters
    ----------
    fleet_calls_gain_per_year
        Calls the fleet attends a year with the new units minus without them (may be negative when a
        plan also moves or removes units).
    new_units_calls_per_year
        Calls the new units attend a year themselves, before the capacity cap.
    weekly_hours
        Hours a week the new units are on shift, summed over them (0 to 168 per unit).
    units
        How many new units ``weekly_hours`` sums over.
    assumptions
        The published figures and the assumptions, editable.

    Returns
    -------
    BusinessCase
        The figures and a note for each.

    Raises
    ------
    BusinessCaseError
        A non-finite input, negative calls or hours, fewer than one unit, or ``weekly_hours`` above
        168 per unit.
    """
    _check_number("fleet_calls_gain_per_year", fleet_calls_gain_per_year, signed=True)
    _check_number("new_units_calls_per_year", new_units_calls_per_year)
    _check_number("weekly_hours", weekly_hours)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise BusinessCaseError(f"units must be a whole number of at least 1, got {units!r}")
    if weekly_hours > HOURS_PER_WEEK * units:
        raise BusinessCaseError(
            f"weekly_hours must be at most 168 (a whole week) per unit, {HOURS_PER_WEEK * units} for "
            f"{units} unit(s), got {weekly_hours!r}"
        )

    a = assumptions
    on_shift = weekly_hours * WEEKS_PER_YEAR
    capacity = on_shift * a.jobs_per_hour
    own = min(float(new_units_calls_per_year), capacity)
    gain = min(float(fleet_calls_gain_per_year), own)
    per_service = gain * a.minutes_saved_per_incident / 60.0
    ambulance = per_service if a.services_saving_time >= 1 else 0.0
    police = per_service if a.services_saving_time >= 2 else 0.0
    money = gain * a.saving_per_incident_gbp + (ambulance + police) * a.value_per_hour_saved_gbp
    crew_cost = on_shift * a.crew_cost_per_hour_gbp
    vehicle_cost = units * a.vehicle_cost_per_year_gbp
    net = money - crew_cost - vehicle_cost
    setup = units * a.setup_cost_gbp
    payback = setup / net if net > 0 else None
    notes = _notes(
        a,
        gain=gain,
        own=own,
        demand=float(new_units_calls_per_year),
        gain_before_cap=float(fleet_calls_gain_per_year),
        weekly_hours=weekly_hours,
        capacity=capacity,
        hours_saved=ambulance + police,
        money=money,
        costs=(crew_cost, vehicle_cost),
        setup=setup,
        payback=payback,
        units=units,
    )
    return BusinessCase(
        fleet_calls_gain_per_year=gain,
        new_units_calls_per_year=own,
        capacity_calls_per_year=capacity,
        utilisation=own / capacity if capacity > 0 else 0.0,
        on_shift_hours_per_year=on_shift,
        crew_hours_per_year=on_shift * a.crew_size,
        ambulance_hours_saved=ambulance,
        police_hours_saved=police,
        hours_saved_per_year=ambulance + police,
        money_saved_per_year=money,
        crew_cost_per_year=crew_cost,
        vehicle_cost_per_year=vehicle_cost,
        cost_per_year=crew_cost + vehicle_cost,
        net_benefit_per_year=net,
        setup_cost=setup,
        payback_years=payback,
        units=units,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------------
# Notes: "(published)" only beside an unedited published value


def _tag(value: float, default: float, source: str) -> str:
    """``source`` (e.g. "published", "assumption") while ``value`` is the default, else "your figure"."""
    return source if abs(value - default) < _SAME else "your figure"


def _notes(
    a: BusinessAssumptions,
    *,
    gain: float,
    own: float,
    demand: float,
    gain_before_cap: float,
    weekly_hours: float,
    capacity: float,
    hours_saved: float,
    money: float,
    costs: tuple[float, float],
    setup: float,
    payback: float | None,
    units: int,
) -> tuple[str, ...]:
    d = BusinessAssumptions()
    on_shift = weekly_hours * WEEKS_PER_YEAR
    jobs_tag = (
        "published, KentOnline 2019"
        if abs(a.jobs_per_shift - d.jobs_per_shift) < _SAME and abs(a.shift_hours - d.shift_hours) < _SAME
        else "your figure"
    )
    notes = [
        f"Fleet calls gained: {gain:,.0f} a year (the fleet's calls attended with the new unit(s) minus "
        f"without); the new unit(s) attend {own:,.0f} a year themselves, {max(own - gain, 0.0):,.0f} of "
        "them calls an existing unit would have taken.",
        f"On shift {weekly_hours:g} h a week x {WEEKS_PER_YEAR:.2f} weeks = {on_shift:,.0f} h a year; "
        f"a crew of {a.police_officers} police officer(s) and {a.paramedics} paramedic(s) gives "
        f"{on_shift * a.crew_size:,.0f} crew hours.",
        f"Capacity: {a.jobs_per_shift:g} jobs per {a.shift_hours:g}-hour shift ({jobs_tag}) = "
        f"{capacity:,.0f} calls a year; the new unit(s) are at {own / capacity if capacity else 0:.0%}.",
    ]
    if demand > capacity:
        notes.append(
            f"The model sends the new unit(s) {demand:,.0f} calls a year, more than capacity: "
            f"{demand - capacity:,.0f} are left to other resources and the gain is at most {own:,.0f} "
            f"(it was {gain_before_cap:,.0f})."
        )
    minutes_tag = _tag(a.minutes_saved_per_incident, d.minutes_saved_per_incident, "SECAmb")
    notes.append(
        f"Time saved: {a.minutes_saved_per_incident:g} minutes per call ({minutes_tag}) for "
        f"{_services_text(a.services_saving_time)} on the {gain:,.0f} calls gained = {hours_saved:,.0f} "
        "hours a year."
    )
    saving_tag = _tag(
        a.saving_per_incident_gbp, d.saving_per_incident_gbp, "published: £112,495 over 4,500 calls, SECAmb"
    )
    value_tag = _tag(a.value_per_hour_saved_gbp, d.value_per_hour_saved_gbp, "assumption")
    hours_money = (
        "; a saving per call already values the time saved, so hours are not counted again as money "
        f"(value per hour saved £0, {value_tag})"
        if a.value_per_hour_saved_gbp == 0
        else f" plus £{a.value_per_hour_saved_gbp:,.2f} per hour saved ({value_tag}): take care not to "
        "count twice the time a saving per call already values"
    )
    notes.append(
        f"Money saved: £{a.saving_per_incident_gbp:,.2f} per call gained ({saving_tag}){hours_money}"
        f" = {_gbp(money)} a year."
    )
    notes.append(_crew_note(a, d, on_shift, costs[0]))
    vehicle_tag = _tag(a.vehicle_cost_per_year_gbp, d.vehicle_cost_per_year_gbp, "assumption")
    notes.append(
        f"Vehicle running cost: £{a.vehicle_cost_per_year_gbp:,.0f} a year per unit (lease, fuel, "
        f"maintenance; {vehicle_tag}) x {units} = £{costs[1]:,.0f}."
    )
    net = money - costs[0] - costs[1]
    notes.append(f"Net benefit: {_gbp(money)} saved - {_gbp(costs[0] + costs[1])} cost = {_gbp(net)} a year.")
    setup_tag = _tag(a.setup_cost_gbp, d.setup_cost_gbp, "assumption")
    setup_text = f"set-up £{a.setup_cost_gbp:,.0f} per unit (vehicle and fit-out; {setup_tag}) x {units}"
    if payback is None:
        notes.append(
            f"Payback: never, the new unit(s) cost more a year than they save ({setup_text} = £{setup:,.0f})."
        )
    else:
        notes.append(f"Payback: {setup_text} = £{setup:,.0f} / {_gbp(net)} a year = {payback:.2f} years.")
    return tuple(notes)


def _crew_note(a: BusinessAssumptions, d: BusinessAssumptions, on_shift: float, cost: float) -> str:
    if a.police_officer == "special_constable":
        police = "police: Special Constable(s), unpaid volunteers, no pay counted"
    else:
        tag = _tag(a.police_cost_per_hour_gbp, d.police_cost_per_hour_gbp, "assumption from published pay")
        police = f"police officer £{a.police_cost_per_hour_gbp:,.2f} an hour ({tag})"
    tag = _tag(a.paramedic_cost_per_hour_gbp, d.paramedic_cost_per_hour_gbp, "assumption from published pay")
    return (
        f"Crew cost: {police}; paramedic £{a.paramedic_cost_per_hour_gbp:,.2f} an hour ({tag}); "
        f"£{a.crew_cost_per_hour_gbp:,.2f} an hour x {on_shift:,.0f} h = £{cost:,.0f} a year."
    )


def _gbp(value: float) -> str:
    """Whole pounds with the sign before the pound sign: -£1,234."""
    return f"-£{-value:,.0f}" if round(value) < 0 else f"£{abs(round(value)):,}"


def _services_text(services: int) -> str:
    return {0: "no service (time not counted)", 1: "the ambulance service", 2: "ambulance and police each"}[
        services
    ]
