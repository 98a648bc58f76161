"""Tests for jru_geo.business: hand-checkable business cases from the published JRU figures."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jru_geo.model.coverage.business import WEEKS_PER_YEAR, BusinessAssumptions, business_case


def test_defaults_are_the_published_figures() -> None:
    a = BusinessAssumptions()
    assert a.minutes_saved_per_incident == 30.0
    assert a.saving_per_incident_gbp == pytest.approx(24.9989, abs=1e-4)  # 112,495 / 4,500
    assert a.jobs_per_hour == 0.875  # 7 jobs / 8 hours
    assert (a.crew_size, a.services_saving_time) == (2, 1)


def test_hand_checked_case_below_capacity() -> None:
    # 7 days x 8 h = 56 h a week; a year of 365.25 days = 2,922 h on shift; capacity 2,922 x 0.875
    a = BusinessAssumptions(saving_per_incident_gbp=25.0)
    case = business_case(incidents_attended_per_year=1200.0, weekly_hours=56.0, assumptions=a)
    assert case.capacity_incidents_per_year == pytest.approx(2556.75)
    assert case.incidents_per_year == 1200.0
    assert case.crew_hours_per_year == pytest.approx(5844.0)
    assert case.ambulance_hours_saved == 600.0
    assert case.police_hours_saved == 0.0
    assert case.total_hours_saved == 600.0
    assert case.money_saved_gbp == 30_000.0
    assert case.utilisation == pytest.approx(1200 / 2556.75)
    assert not any("exceeds capacity" in note for note in case.notes)


def test_demand_above_capacity_is_capped_and_noted() -> None:
    # 16 h a week (the 2018 pilot) -> 16 x 365.25 / 7 x 0.875 = 730.5 incidents a year
    case = business_case(incidents_attended_per_year=1000.0, weekly_hours=16.0)
    assert case.capacity_incidents_per_year == pytest.approx(730.5)
    assert case.incidents_per_year == pytest.approx(730.5)
    assert case.utilisation == pytest.approx(1.0)
    assert any("exceeds capacity; 270 incidents are left" in note for note in case.notes)


def test_two_services_double_the_hours_but_not_the_money() -> None:
    one = business_case(incidents_attended_per_year=100.0, weekly_hours=56.0)
    two = business_case(
        incidents_attended_per_year=100.0,
        weekly_hours=56.0,
        assumptions=BusinessAssumptions(services_saving_time=2),
    )
    assert (one.ambulance_hours_saved, one.police_hours_saved) == (50.0, 0.0)
    assert (two.ambulance_hours_saved, two.police_hours_saved) == (50.0, 50.0)
    assert two.total_hours_saved == 2 * one.total_hours_saved
    assert two.money_saved_gbp == one.money_saved_gbp


def test_no_shift_hours_means_nothing_attended() -> None:
    case = business_case(incidents_attended_per_year=500.0, weekly_hours=0.0)
    assert (case.incidents_per_year, case.capacity_incidents_per_year, case.utilisation) == (0.0, 0.0, 0.0)
    assert case.money_saved_gbp == 0.0


def test_notes_explain_the_sources() -> None:
    notes = " ".join(business_case(incidents_attended_per_year=10.0, weekly_hours=8.0).notes)
    assert "£112,495 over 4,500" in notes
    assert "30 minutes per incident (SECAmb)" in notes
    assert "7 jobs per 8-hour shift" in notes


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"shift_hours": 0.0}, r"shift_hours must be > 0, got 0\.0"),
        ({"jobs_per_shift": -1.0}, r"jobs_per_shift must be >= 0, got -1\.0"),
        ({"minutes_saved_per_incident": float("nan")}, r"minutes_saved_per_incident must be a finite number"),
        ({"crew_size": 1.5}, r"crew_size must be a whole number >= 0, got 1\.5"),
        ({"services_saving_time": 3}, r"services_saving_time must be 0, 1 \(ambulance\) or 2"),
        ({"saving_per_incident_gbp": -25.0}, r"saving_per_incident_gbp must be >= 0"),
    ],
)
def test_invalid_assumptions(changes: dict[str, float], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        dataclasses.replace(BusinessAssumptions(), **changes)


@pytest.mark.parametrize(
    ("incidents", "hours", "pattern"),
    [
        (-1.0, 10.0, r"incidents_attended_per_year must be >= 0, got -1\.0"),
        (10.0, 169.0, r"weekly_hours must be at most 168"),
        (10.0, float("inf"), r"weekly_hours must be a finite number"),
    ],
)
def test_invalid_inputs(incidents: float, hours: float, pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        business_case(incidents_attended_per_year=incidents, weekly_hours=hours)


@given(
    incidents=st.floats(0, 1e5),
    hours=st.floats(0, 168),
    extra=st.floats(0, 1e4),
)
def test_more_demand_never_lowers_the_case_and_utilisation_stays_in_range(
    incidents: float, hours: float, extra: float
) -> None:
    low = business_case(incidents_attended_per_year=incidents, weekly_hours=hours)
    high = business_case(incidents_attended_per_year=incidents + extra, weekly_hours=hours)
    assert high.incidents_per_year >= low.incidents_per_year
    assert high.money_saved_gbp >= low.money_saved_gbp
    assert 0.0 <= low.utilisation <= 1.0 + 1e-12
    assert low.incidents_per_year <= low.capacity_incidents_per_year + 1e-9
    assert low.capacity_incidents_per_year == pytest.approx(hours * WEEKS_PER_YEAR * 0.875)


def test_several_units_together_may_sum_past_one_week() -> None:
    # Three new units of 72 hours a week: 216 unit-hours, the case the Planner builds once three units
    # are placed. Capacity and crew hours are those of the three together.
    case = business_case(incidents_attended_per_year=0.0, weekly_hours=216.0, units=3)
    assert case.capacity_incidents_per_year == pytest.approx(216 * WEEKS_PER_YEAR * 0.875)
    assert case.crew_hours_per_year == pytest.approx(216 * WEEKS_PER_YEAR * 2)
    with pytest.raises(ValueError, match=r"at most 168 \(a whole week\) per unit, 336 for 2 unit"):
        business_case(incidents_attended_per_year=0.0, weekly_hours=337.0, units=2)
    with pytest.raises(ValueError, match="units must be a whole number of at least 1"):
        business_case(incidents_attended_per_year=0.0, weekly_hours=10.0, units=0)
