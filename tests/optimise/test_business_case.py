"""Tests of jru_geo.optimise.business_case: the fleet's gain from the coverage engine, and the range.

The line geography (tests/factories.py): three LSOAs 10 km apart, a 60 km/h straight-line model with a
1-minute turn-out, so a base at x=0 reaches x=0 in 1 min, x=10 km in 11 min and x=20 km in 21 min.
The last test runs the demo year with a new unit at Dartford police station, beside unit 2.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from factories import LINE_X0, LINE_Y0, make_line_incidents, make_line_lsoas, make_scenario, make_vehicle

from jru_geo.errors import BusinessCaseError
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.coverage.business import WEEKS_PER_YEAR, BusinessAssumptions
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.travel.factory import build_travel_model
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.optimise.business_case import (
    MIN_JOB_MIN,
    TORNADO_COLUMNS,
    Uncertainty,
    fleet_business_case,
    new_unit_ids,
    plan_business_case,
)
from jru_geo.optimise.planning import place_unit

X0, Y0 = LINE_X0, LINE_Y0
LINE_MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)
SPAN_WEEKS = 365 / 7  # Friday 3 Jan 2025 00:00 to the end of Friday 2 Jan 2026


@pytest.fixture
def line_lsoas() -> gpd.GeoDataFrame:
    return make_line_lsoas()


@pytest.fixture
def line_incidents() -> gpd.GeoDataFrame:
    return make_line_incidents()


@pytest.fixture
def scenario_one() -> Scenario:
    """One unit at x=0, Friday and Saturday 18:00-02:00 (16 hours a week), 15-minute target."""
    vehicle = {
        "id": "J1",
        "name": "Unit J1",
        "base": {"easting": X0, "northing": Y0},
        "shifts": [{"days": ["Fri", "Sat"], "start": "18:00", "end": "02:00"}],
        "target_min": 15,
        "job_min": 45,
    }
    return parse_scenario({"name": "one", "vehicles": [vehicle]})


def _cover(incidents: gpd.GeoDataFrame, sc: Scenario, lsoas: gpd.GeoDataFrame, **kw: float) -> CoverageResult:
    return compute_coverage(incidents, sc, LINE_MODEL, lsoas=lsoas, **kw)


def _fleet_calls(result: CoverageResult) -> float:
    """Calls the fleet attends a year, worked out here from calls per hour and hours a week."""
    v = result.vehicles
    return float((v["calls_per_hour"] * v["weekly_hours"]).sum()) * WEEKS_PER_YEAR


# --------------------------------------------------------------------------------------------------
# The fleet's gain


def test_a_unit_reaching_only_new_calls_gains_all_it_attends(line_incidents, line_lsoas, scenario_one):
    # The new unit 25 km east reaches only L3 (6 min; L2 is 16 min away, beyond its reach), which the
    # first unit does not reach: at 1/1000 of the demand it is never busy and attends L3's one incident
    # x 0.001 a year, every one of them a call the fleet did not attend before.
    plan = place_unit(scenario_one, easting=X0 + 25_000, northing=Y0)
    before = _cover(line_incidents, scenario_one, line_lsoas, demand_scale=0.001)
    after = _cover(line_incidents, plan, line_lsoas, demand_scale=0.001)
    case = fleet_business_case(before, after)
    assert new_unit_ids(before, after) == ("NEW1",)
    assert case.new_units_calls_per_year == pytest.approx(0.001 * WEEKS_PER_YEAR / SPAN_WEEKS, rel=1e-3)
    assert case.fleet_calls_gain_per_year == pytest.approx(case.new_units_calls_per_year, rel=1e-6)
    assert case.crew_hours_per_year == pytest.approx(16 * WEEKS_PER_YEAR * 2)
    with pytest.raises(BusinessCaseError, match="no new unit"):
        fleet_business_case(before, before)


def test_a_unit_beside_another_gains_less_than_it_attends(line_incidents, line_lsoas, scenario_one):
    # A new unit at x=10 km reaches L1 and L2 as the first unit does (and L3): it takes calls the first
    # unit would have taken, so the fleet gains less than the new unit attends.
    plan = place_unit(scenario_one, easting=X0 + 10_000, northing=Y0)
    before = _cover(line_incidents, scenario_one, line_lsoas)
    after = _cover(line_incidents, plan, line_lsoas)
    assert after.queue is not None
    case = fleet_business_case(before, after)
    own = float(after.queue.schedule.dispatched_calls[:, 1].sum()) * WEEKS_PER_YEAR
    assert case.new_units_calls_per_year == pytest.approx(own)
    assert case.fleet_calls_gain_per_year == pytest.approx(_fleet_calls(after) - _fleet_calls(before))
    assert 0 < case.fleet_calls_gain_per_year < case.new_units_calls_per_year
    assert case.money_saved_per_year == pytest.approx(
        case.fleet_calls_gain_per_year * BusinessAssumptions().saving_per_incident_gbp
    )


def test_several_new_units_past_one_week(line_incidents, line_lsoas):
    # Two new round-the-clock units: 336 unit-hours a week, two vehicles to run.
    fleet = make_scenario(make_vehicle("J1", easting=X0, northing=Y0, target_min=15, job_min=45))
    plan = place_unit(place_unit(fleet, easting=X0 + 10_000, northing=Y0), easting=X0 + 20_000, northing=Y0)
    before = _cover(line_incidents, fleet, line_lsoas)
    after = _cover(line_incidents, plan, line_lsoas)
    case = fleet_business_case(before, after)
    assert new_unit_ids(before, after) == ("NEW1", "NEW2")
    assert case.crew_hours_per_year == pytest.approx(2 * 168 * WEEKS_PER_YEAR * 2)
    assert case.vehicle_cost_per_year == 2 * BusinessAssumptions().vehicle_cost_per_year_gbp
    assert 0 < case.fleet_calls_gain_per_year <= case.new_units_calls_per_year


# --------------------------------------------------------------------------------------------------
# The range


class _Recorder:
    """The engine on the line geography, remembering each (blue-light, share, job times) it is asked."""

    def __init__(self, incidents: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame) -> None:
        self.incidents, self.lsoas = incidents, lsoas
        self.calls: list[tuple[float, float, tuple[float, ...]]] = []

    def __call__(self, ma: ModelAssumptions, sc: Scenario) -> CoverageResult:
        self.calls.append((ma.blue_light_factor, ma.demand_share, tuple(v.job_min for v in sc.vehicles)))
        return compute_coverage(
            self.incidents,
            sc,
            build_travel_model(ma),
            lsoas=self.lsoas,
            dispatch_reach_min=ma.dispatch_reach_min,
            demand_scale=ma.demand_share,
        )


def test_each_input_is_moved_alone_and_the_range_holds_every_run(line_incidents, line_lsoas, scenario_one):
    plan = place_unit(scenario_one, easting=X0 + 10_000, northing=Y0)
    engine = _Recorder(line_incidents, line_lsoas)
    central = ModelAssumptions(blue_light_factor=0.8, demand_share=0.5)
    result = plan_business_case(scenario_one, plan, engine, model_assumptions=central)
    # Central, blue-light 0.7 and 0.9, share 0.375 and 0.625, job times 30 and 60: baseline and plan each.
    settings = {(round(b, 6), s, jobs[0]) for b, s, jobs in engine.calls}
    assert settings == {
        (0.8, 0.5, 45.0),
        (0.7, 0.5, 45.0),
        (0.9, 0.5, 45.0),
        (0.8, 0.375, 45.0),
        (0.8, 0.625, 45.0),
        (0.8, 0.5, 30.0),
        (0.8, 0.5, 60.0),
    }
    assert len(engine.calls) == 14
    assert all(len(set(jobs)) == 1 for _, _, jobs in engine.calls)  # every unit's job time moves together
    t = result.tornado
    assert list(t.columns) == TORNADO_COLUMNS
    assert set(t["input"]) == {"blue_light_factor", "demand_share", "job_min", "saving_per_call"}
    assert t["swing"].is_monotonic_decreasing
    nets = [result.central, *t["net_benefit_low"], *t["net_benefit_high"]]
    assert result.low == min(nets) <= result.central <= max(nets) == result.high
    assert result.low < result.high
    assert result.new_unit_ids == ("NEW1",)
    # The saving per call moves the net benefit by the gain times £10 each way.
    row = t.set_index("input").loc["saving_per_call"]
    gain = result.case.fleet_calls_gain_per_year
    assert row["net_benefit_high"] - result.central == pytest.approx(10.0 * gain)
    assert result.central - row["net_benefit_low"] == pytest.approx(10.0 * gain)
    assert (row["low_setting"], row["high_setting"]) == ("£15.00", "£35.00")


def test_the_share_is_capped_at_one_and_the_straight_line_has_no_blue_light(
    line_incidents, line_lsoas, scenario_one
):
    plan = place_unit(scenario_one, easting=X0 + 10_000, northing=Y0)
    engine = _Recorder(line_incidents, line_lsoas)
    straight = ModelAssumptions(travel_mode="straight", speed_kmh=60.0)  # demand share 1
    result = plan_business_case(
        scenario_one, plan, engine, model_assumptions=straight, uncertainty=Uncertainty(job_min_delta=50.0)
    )
    rows = result.tornado.set_index("input")
    assert rows.loc["demand_share", "high_setting"] == "100%"
    assert rows.loc["demand_share", "net_benefit_high"] == pytest.approx(result.central)
    assert rows.loc["blue_light_factor", "swing"] == 0.0
    assert "none in the straight-line model" in rows.loc["blue_light_factor", "label"]
    # Central, share 0.75, job times 5 (45 - 50, floored) and 95: no run for blue-light or share 1.
    assert sorted({(s, jobs[0]) for _, s, jobs in engine.calls}) == [
        (0.75, 45.0),
        (1.0, MIN_JOB_MIN),
        (1.0, 45.0),
        (1.0, 95.0),
    ]
    assert len(engine.calls) == 8


def test_no_new_unit_is_refused_before_any_engine_run(line_incidents, line_lsoas, scenario_one):
    engine = _Recorder(line_incidents, line_lsoas)
    with pytest.raises(BusinessCaseError, match="no new unit: every vehicle of plan 'one' is in baseline"):
        plan_business_case(scenario_one, scenario_one, engine)
    assert engine.calls == []


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"share_low": 1.5}, r"0 < share_low <= 1 <= share_high"),
        ({"share_high": 0.5}, r"0 < share_low <= 1 <= share_high"),
        ({"job_min_delta": -5.0}, r"job_min_delta must be a finite number >= 0"),
        ({"blue_light_delta": float("nan")}, r"blue_light_delta must be a finite number >= 0"),
    ],
)
def test_invalid_uncertainty(changes: dict[str, float], pattern: str) -> None:
    with pytest.raises(BusinessCaseError, match=pattern):
        dataclasses.replace(Uncertainty(), **changes)


# --------------------------------------------------------------------------------------------------
# The demo year: a unit at Dartford police station, beside unit 2 (Northfleet)


def test_demo_year_unit_at_dartford_gains_the_fleet_less_than_it_attends() -> None:
    from jru_geo.areas.join import assign_areas
    from jru_geo.io import boundaries, demo
    from jru_geo.io.scenario_files import load_default_scenario
    from jru_geo.io.sites import default_candidates

    lsoas = boundaries.load_lsoas()
    joined = assign_areas(demo.demo_incidents(lsoas), boundaries.load_districts(), lsoas)
    incidents = joined[joined["in_kent"].to_numpy(dtype=bool)]
    postcodes = boundaries.load_postcodes()
    baseline = load_default_scenario()
    sites = default_candidates()
    site = sites[sites["name"] == "Dartford police station"].iloc[0]
    plan = place_unit(baseline, easting=float(site["easting"]), northing=float(site["northing"]))
    results: dict[tuple[ModelAssumptions, str], CoverageResult] = {}

    def evaluate(ma: ModelAssumptions, sc: Scenario) -> CoverageResult:
        result = compute_coverage(
            incidents,
            sc,
            build_travel_model(ma),
            lsoas=lsoas,
            postcodes=postcodes,
            dispatch_reach_min=ma.dispatch_reach_min,
            demand_scale=ma.demand_share,
        )
        results[(ma, sc.model_dump_json())] = result
        return result

    out = plan_business_case(baseline, plan, evaluate)
    case = out.case
    before = results[(ModelAssumptions(), baseline.model_dump_json())]
    after = results[(ModelAssumptions(), plan.model_dump_json())]
    assert case.fleet_calls_gain_per_year == pytest.approx(_fleet_calls(after) - _fleet_calls(before))
    new_calls = (
        after.vehicles.set_index("vehicle_id")["calls_per_hour"]
        * after.vehicles.set_index("vehicle_id")["weekly_hours"]
    )
    assert case.new_units_calls_per_year == pytest.approx(float(new_calls["NEW1"]) * WEEKS_PER_YEAR)
    # Unit 2 already covers much of Dartford: the fleet gains well under what the new unit attends.
    assert 0 < case.fleet_calls_gain_per_year < 0.9 * case.new_units_calls_per_year
    assert out.low <= out.central <= out.high and out.low < out.high
    assert case.net_benefit_per_year == pytest.approx(case.money_saved_per_year - case.cost_per_year)
