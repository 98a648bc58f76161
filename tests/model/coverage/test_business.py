"""Tests for jru_geo.model.coverage.business: hand-checkable business cases of the fleet's gain.

Round numbers make the arithmetic checkable by hand: 56 hours a week is 56 x 365.25 / 7 = 2,922 hours
a year; 16 hours a week (the 2018 pilot) is 834.86 hours and, at 7 jobs per 8 hours, 730.5 calls.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jru_geo.errors import BusinessCaseError
from jru_geo.model.coverage.business import (
    CONSTABLE_TOP_PAY_GBP,
    DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP,
    DEFAULT_POLICE_COST_PER_HOUR_GBP,
    ON_COST_SHARE,
    PARAMEDIC_BAND6_TOP_PAY_GBP,
    WEEKS_PER_YEAR,
    BusinessAssumptions,
    business_case,
)

# Round costs: police £30 and paramedic £20 an hour, £5,000 a year and £20,000 once per vehicle.
ROUND = BusinessAssumptions(
    saving_per_incident_gbp=25.0,
    police_cost_per_hour_gbp=30.0,
    paramedic_cost_per_hour_gbp=20.0,
    vehicle_cost_per_year_gbp=5_000.0,
    setup_cost_gbp=20_000.0,
)


def test_defaults_are_the_published_figures_and_labelled_assumptions() -> None:
    a = BusinessAssumptions()
    assert a.minutes_saved_per_incident == 30.0
    assert a.saving_per_incident_gbp == pytest.approx(112_495 / 4_500)  # £25.00
    assert a.jobs_per_hour == 7 / 8
    assert (a.police_officers, a.paramedics, a.crew_size, a.services_saving_time) == (1, 1, 2, 1)
    assert a.value_per_hour_saved_gbp == 0.0  # the £25 a call already values the time
    # Hourly costs from published pay: top of scale / (hours a week x weeks) x (1 + on-costs)
    assert DEFAULT_POLICE_COST_PER_HOUR_GBP == pytest.approx(
        CONSTABLE_TOP_PAY_GBP / (40 * 365.25 / 7) * (1 + ON_COST_SHARE)
    )
    assert DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP == pytest.approx(
        PARAMEDIC_BAND6_TOP_PAY_GBP / (37.5 * 365.25 / 7) * (1 + ON_COST_SHARE)
    )
    assert a.crew_cost_per_hour_gbp == pytest.approx(
        DEFAULT_POLICE_COST_PER_HOUR_GBP + DEFAULT_PARAMEDIC_COST_PER_HOUR_GBP
    )


def test_hand_checked_case_counts_the_fleet_gain_not_the_new_units_calls() -> None:
    # The new unit attends 400 calls a year, 100 of which an existing unit would have taken: the fleet
    # gains 300. Savings come from the 300; costs from the new unit's 2,922 hours on shift.
    case = business_case(
        fleet_calls_gain_per_year=300.0, new_units_calls_per_year=400.0, weekly_hours=56.0, assumptions=ROUND
    )
    assert case.fleet_calls_gain_per_year == 300.0
    assert case.new_units_calls_per_year == 400.0
    assert case.on_shift_hours_per_year == pytest.approx(2922.0)
    assert case.crew_hours_per_year == pytest.approx(5844.0)
    assert case.ambulance_hours_saved == 150.0  # 300 calls x 30 minutes
    assert (case.police_hours_saved, case.hours_saved_per_year) == (0.0, 150.0)
    assert case.money_saved_per_year == 7_500.0  # 300 x £25, not 400 x £25
    assert case.crew_cost_per_year == pytest.approx(2922.0 * 50.0)  # £146,100
    assert case.vehicle_cost_per_year == 5_000.0
    assert case.cost_per_year == pytest.approx(151_100.0)
    assert case.net_benefit_per_year == pytest.approx(7_500.0 - 151_100.0)
    assert case.payback_years is None
    assert case.setup_cost == 20_000.0
    assert case.capacity_calls_per_year == pytest.approx(2556.75)
    assert case.utilisation == pytest.approx(400 / 2556.75)
    assert any("Payback: never" in note for note in case.notes)


def test_payback_when_the_net_benefit_is_positive() -> None:
    # Special Constables (no pay), the paramedic redeployed at no extra cost: £7,500 saved - £5,000
    # running = £2,500 a year, paying back the £20,000 set-up in 8 years.
    a = dataclasses.replace(ROUND, police_officer="special_constable", paramedic_cost_per_hour_gbp=0.0)
    case = business_case(
        fleet_calls_gain_per_year=300.0, new_units_calls_per_year=400.0, weekly_hours=56.0, assumptions=a
    )
    assert case.crew_cost_per_year == 0.0
    assert case.net_benefit_per_year == pytest.approx(2_500.0)
    assert case.payback_years == pytest.approx(8.0)
    assert any("Payback:" in n and "= 8.00 years" in n for n in case.notes)
    assert any("Special Constable(s), unpaid volunteers" in n for n in case.notes)


def test_special_constables_drop_only_the_police_pay() -> None:
    paid = business_case(
        fleet_calls_gain_per_year=0.0, new_units_calls_per_year=0.0, weekly_hours=56.0, assumptions=ROUND
    )
    special = business_case(
        fleet_calls_gain_per_year=0.0,
        new_units_calls_per_year=0.0,
        weekly_hours=56.0,
        assumptions=dataclasses.replace(ROUND, police_officer="special_constable"),
    )
    assert paid.crew_cost_per_year - special.crew_cost_per_year == pytest.approx(2922.0 * 30.0)
    assert special.crew_hours_per_year == paid.crew_hours_per_year  # the volunteer still works the hours


def test_capacity_caps_the_new_units_calls_and_the_gain() -> None:
    # 16 h a week -> 16 x 365.25 / 7 x 7 / 8 = 730.5 calls a year at most.
    case = business_case(
        fleet_calls_gain_per_year=900.0,
        new_units_calls_per_year=1_000.0,
        weekly_hours=16.0,
        assumptions=ROUND,
    )
    assert case.capacity_calls_per_year == pytest.approx(730.5)
    assert case.new_units_calls_per_year == pytest.approx(730.5)
    assert case.fleet_calls_gain_per_year == pytest.approx(730.5)  # cannot gain more than they attend
    assert case.utilisation == pytest.approx(1.0)
    assert case.money_saved_per_year == pytest.approx(730.5 * 25.0)
    assert any("more than capacity: 270 are left" in note for note in case.notes)
    below = business_case(
        fleet_calls_gain_per_year=500.0, new_units_calls_per_year=700.0, weekly_hours=16.0, assumptions=ROUND
    )
    assert (below.fleet_calls_gain_per_year, below.new_units_calls_per_year) == (500.0, 700.0)
    assert not any("more than capacity" in note for note in below.notes)


def test_hours_are_money_only_with_a_value_per_hour() -> None:
    one = business_case(fleet_calls_gain_per_year=100.0, new_units_calls_per_year=100.0, weekly_hours=56.0)
    two = business_case(
        fleet_calls_gain_per_year=100.0,
        new_units_calls_per_year=100.0,
        weekly_hours=56.0,
        assumptions=BusinessAssumptions(services_saving_time=2),
    )
    valued = business_case(
        fleet_calls_gain_per_year=100.0,
        new_units_calls_per_year=100.0,
        weekly_hours=56.0,
        assumptions=BusinessAssumptions(services_saving_time=2, value_per_hour_saved_gbp=40.0),
    )
    assert (one.ambulance_hours_saved, one.police_hours_saved) == (50.0, 0.0)
    assert (two.ambulance_hours_saved, two.police_hours_saved) == (50.0, 50.0)
    assert two.money_saved_per_year == one.money_saved_per_year  # no double counting by default
    assert valued.money_saved_per_year == pytest.approx(one.money_saved_per_year + 100.0 * 40.0)
    assert any("not counted again as money" in n for n in one.notes)
    assert not any("not counted again as money" in n for n in valued.notes)


def test_notes_say_published_only_beside_unedited_published_values() -> None:
    default = " ".join(
        business_case(fleet_calls_gain_per_year=10.0, new_units_calls_per_year=10.0, weekly_hours=8.0).notes
    )
    assert "£112,495 over 4,500 calls, SECAmb" in default
    assert "30 minutes per call (SECAmb)" in default
    assert "7 jobs per 8-hour shift (published, KentOnline 2019)" in default
    assert "police officer £32.35 an hour (assumption from published pay)" in default
    assert "£10,000 a year per unit (lease, fuel, maintenance; assumption)" in default
    assert "your figure" not in default
    # The app shows the saving to the penny: £25.00 is still the published figure.
    shown = BusinessAssumptions(saving_per_incident_gbp=25.0, police_cost_per_hour_gbp=32.35)
    assert "your figure" not in " ".join(
        business_case(
            fleet_calls_gain_per_year=10.0, new_units_calls_per_year=10.0, weekly_hours=8.0, assumptions=shown
        ).notes
    )
    edited = BusinessAssumptions(
        saving_per_incident_gbp=40.0,
        minutes_saved_per_incident=60.0,
        jobs_per_shift=3.0,
        police_cost_per_hour_gbp=50.0,
        vehicle_cost_per_year_gbp=12_000.0,
    )
    text = " ".join(
        business_case(
            fleet_calls_gain_per_year=10.0,
            new_units_calls_per_year=10.0,
            weekly_hours=8.0,
            assumptions=edited,
        ).notes
    )
    assert "(published" not in text and "(SECAmb)" not in text and "£112,495" not in text
    assert "£40.00 per call gained (your figure)" in text
    assert "60 minutes per call (your figure)" in text
    assert "3 jobs per 8-hour shift (your figure)" in text
    assert "police officer £50.00 an hour (your figure)" in text
    assert "maintenance; your figure" in text


def test_a_negative_gain_never_pays_back() -> None:
    # A plan that also moves an existing unit can lose calls.
    case = business_case(
        fleet_calls_gain_per_year=-50.0, new_units_calls_per_year=100.0, weekly_hours=8.0, assumptions=ROUND
    )
    assert case.fleet_calls_gain_per_year == -50.0
    assert case.money_saved_per_year == -1_250.0
    assert case.payback_years is None


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"shift_hours": 0.0}, r"shift_hours must be > 0, got 0\.0"),
        ({"jobs_per_shift": -1.0}, r"jobs_per_shift must be >= 0, got -1\.0"),
        ({"minutes_saved_per_incident": float("nan")}, r"minutes_saved_per_incident must be a finite number"),
        ({"paramedics": 1.5}, r"paramedics must be a whole number >= 0, got 1\.5"),
        ({"services_saving_time": 3}, r"services_saving_time must be 0, 1 \(ambulance\) or 2"),
        ({"saving_per_incident_gbp": -25.0}, r"saving_per_incident_gbp must be >= 0"),
        ({"setup_cost_gbp": float("inf")}, r"setup_cost_gbp must be a finite number"),
        ({"police_officer": "volunteer"}, r"police_officer must be 'constable' or 'special_constable'"),
    ],
)
def test_invalid_assumptions(changes: dict[str, object], pattern: str) -> None:
    with pytest.raises(BusinessCaseError, match=pattern):
        dataclasses.replace(BusinessAssumptions(), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("gain", "own", "hours", "pattern"),
    [
        (1.0, -1.0, 10.0, r"new_units_calls_per_year must be >= 0, got -1\.0"),
        (float("nan"), 1.0, 10.0, r"fleet_calls_gain_per_year must be a finite number"),
        (1.0, 10.0, 169.0, r"weekly_hours must be at most 168"),
        (1.0, 10.0, float("inf"), r"weekly_hours must be a finite number"),
    ],
)
def test_invalid_inputs(gain: float, own: float, hours: float, pattern: str) -> None:
    with pytest.raises(BusinessCaseError, match=pattern):
        business_case(fleet_calls_gain_per_year=gain, new_units_calls_per_year=own, weekly_hours=hours)


@given(
    own=st.floats(0, 1e5),
    share=st.floats(0, 1),
    hours=st.floats(0, 168),
    extra=st.floats(0, 1e4),
)
def test_more_gain_never_lowers_the_net_benefit(own: float, share: float, hours: float, extra: float) -> None:
    gain = own * share
    low = business_case(
        fleet_calls_gain_per_year=gain, new_units_calls_per_year=own + extra, weekly_hours=hours
    )
    high = business_case(
        fleet_calls_gain_per_year=gain + extra, new_units_calls_per_year=own + extra, weekly_hours=hours
    )
    assert high.net_benefit_per_year >= low.net_benefit_per_year - 1e-6
    assert high.cost_per_year == low.cost_per_year  # costs do not depend on the calls
    for case in (low, high):
        assert case.fleet_calls_gain_per_year <= case.new_units_calls_per_year + 1e-9
        assert case.new_units_calls_per_year <= case.capacity_calls_per_year + 1e-9
        assert 0.0 <= case.utilisation <= 1.0 + 1e-12
        assert (case.payback_years is not None) == (case.net_benefit_per_year > 0)
        assert case.net_benefit_per_year == pytest.approx(case.money_saved_per_year - case.cost_per_year)
    assert low.capacity_calls_per_year == pytest.approx(hours * WEEKS_PER_YEAR * 0.875)


def test_several_units_together_may_sum_past_one_week() -> None:
    # Three new units of 72 hours a week: 216 unit-hours, three vehicles to run and set up.
    case = business_case(
        fleet_calls_gain_per_year=0.0,
        new_units_calls_per_year=0.0,
        weekly_hours=216.0,
        units=3,
        assumptions=ROUND,
    )
    assert case.capacity_calls_per_year == pytest.approx(216 * WEEKS_PER_YEAR * 0.875)
    assert case.crew_hours_per_year == pytest.approx(216 * WEEKS_PER_YEAR * 2)
    assert (case.vehicle_cost_per_year, case.setup_cost, case.units) == (15_000.0, 60_000.0, 3)
    with pytest.raises(BusinessCaseError, match=r"at most 168 \(a whole week\) per unit, 336 for 2 unit"):
        business_case(
            fleet_calls_gain_per_year=0.0, new_units_calls_per_year=0.0, weekly_hours=337.0, units=2
        )
    with pytest.raises(BusinessCaseError, match="units must be a whole number of at least 1"):
        business_case(fleet_calls_gain_per_year=0.0, new_units_calls_per_year=0.0, weekly_hours=10.0, units=0)
