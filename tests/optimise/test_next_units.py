"""Where and when the next units go: the picks' gains are the engine's own figures.

Hand-made cases use the line of three LSOAs (tests/factories.py) with a 60 km/h straight-line model
and a 1-minute turn-out; the demo-year cases check that each stated gain equals the engine's change
when the pick is added (k = 1..3), as the Planner's KPI table shows it.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from factories import LINE_X0, LINE_Y0, make_line_lsoas, make_scenario, make_vehicle

from jru_geo.__main__ import main
from jru_geo.errors import PlanningError, ScenarioError
from jru_geo.io.scenario import Shift
from jru_geo.io.scenario_files import load_default_scenario, load_scenario
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.patterns import PATTERNS, parse_pattern, parse_patterns
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.optimise.kpis import PlanKpis, kpi_table
from jru_geo.optimise.next_units import covered_per_year, recommend_units
from jru_geo.optimise.planning import candidate_table, place_unit
from jru_geo.settings import BNG
from jru_geo.week import WEEKS_PER_YEAR

MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)


def _line_incidents() -> gpd.GeoDataFrame:
    """Friday 20:00 incidents, every week of 2025: two a week at L1 (x=0), one at L3 (x=20 km)."""
    fridays = pd.date_range("2025-01-03 20:00", periods=52, freq="7D")
    times = [*fridays, *(fridays + pd.Timedelta(minutes=30)), *fridays]
    xs = [LINE_X0] * 104 + [LINE_X0 + 20_000] * 52
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["L1"] * 104 + ["L3"] * 52,
            "time": pd.to_datetime(pd.Series(times)),
            "time_precision": "minute",
            "category": "violence",
        },
        geometry=gpd.points_from_xy(xs, [LINE_Y0] * 156),
        crs=BNG,
    )


def _line_sites() -> pd.DataFrame:
    xs = [LINE_X0 + 10_000, LINE_X0 + 20_000]
    return pd.DataFrame(
        {
            "name": ["Middle", "East"],
            "kind": "user",
            "lat": 51.2,
            "lon": 0.5,
            "easting": xs,
            "northing": LINE_Y0,
        }
    )


def _line_fleet():
    friday = [Shift(days=["Fri"], start="18:00", end="02:00")]
    return make_scenario(make_vehicle("J1", easting=LINE_X0, northing=LINE_Y0, shifts=friday))


def test_the_uncovered_end_is_picked_with_the_engine_gain():
    plan = recommend_units(
        _line_incidents(),
        _line_fleet(),
        MODEL,
        _line_sites(),
        lsoas=make_line_lsoas(),
        k=1,
        patterns=(PATTERNS["fri-sat-nights"],),
        screen=2,
    )
    pick = plan.picks.iloc[0]
    gains = plan.options.set_index("name")["gain_per_year"]
    # J1 (x=0) never reaches L3 (21 min). A unit at East (x=20 km) reaches only L3; one at Middle
    # (x=10 km, 11 min from both ends) reaches L3 and also takes the L1 calls that find J1 busy on the
    # call half an hour before: the engine sees that second effect, so Middle wins.
    assert pick["name"] == "Middle" and gains["Middle"] > gains["East"] > 0
    # East can gain at most the L3 calls: one a week, 52.18 a year
    assert gains["East"] <= WEEKS_PER_YEAR * 52 / plan.baseline.span_weeks
    assert pick["gain_per_year"] == pytest.approx(
        covered_per_year(plan.final, "expected") - covered_per_year(plan.baseline, "expected")
    )
    assert pick["crew_hours_per_year"] == pytest.approx(16 * WEEKS_PER_YEAR * 2)
    assert pick["gain_per_crew_hour"] == pytest.approx(pick["gain_per_year"] / pick["crew_hours_per_year"])
    assert plan.curve["coverage_expected"].iloc[0] == plan.baseline.coverage_expected
    assert plan.scenario.vehicles[-1].shifts == list(PATTERNS["fri-sat-nights"].shifts)


def test_gain_per_crew_hour_prefers_the_pattern_that_matches_the_demand():
    patterns = parse_patterns(["every-evening", "fri-sat-nights"])
    kw = {"lsoas": make_line_lsoas(), "k": 1, "patterns": patterns, "screen": 2}
    by_gain = recommend_units(_line_incidents(), _line_fleet(), MODEL, _line_sites(), **kw)
    per_hour = recommend_units(
        _line_incidents(), _line_fleet(), MODEL, _line_sites(), rank="gain_per_crew_hour", **kw
    )
    # all demand is on Friday evenings: both patterns gain the same, the Fri/Sat unit for 16 h not 56 h
    options = per_hour.options.set_index(["pattern", "name"])
    for site in ("East", "Middle"):
        assert options.loc[("every-evening", site), "gain_per_year"] == pytest.approx(
            options.loc[("fri-sat-nights", site), "gain_per_year"]
        )
        ratio = (
            options.loc[("fri-sat-nights", site), "gain_per_crew_hour"]
            / options.loc[("every-evening", site), "gain_per_crew_hour"]
        )
        assert ratio == pytest.approx(56 / 16)
    assert per_hour.picks["pattern"].iloc[0] == "fri-sat-nights"
    assert by_gain.picks["name"].iloc[0] == per_hour.picks["name"].iloc[0] == "Middle"
    # a tie on the gain goes to the pattern with fewer hours
    assert by_gain.picks["pattern"].iloc[0] == "fri-sat-nights"
    assert per_hour.options["chosen"].sum() == 1


def test_with_every_candidate_checked_the_pick_is_the_best_engine_run():
    patterns = parse_patterns(["every-evening", "fri-sat-nights"])
    plan = recommend_units(
        _line_incidents(),
        _line_fleet(),
        MODEL,
        _line_sites(),
        lsoas=make_line_lsoas(),
        k=1,
        patterns=patterns,
        screen=5,
    )
    assert len(plan.options) == 4  # 2 sites x 2 patterns, all through the engine
    best = plan.options["gain_per_year"].max()
    assert plan.picks["gain_per_year"].iloc[0] == pytest.approx(best)
    for row in plan.options.itertuples():
        fleet = place_unit(
            _line_fleet(), easting=row.easting, northing=row.northing, pattern=parse_pattern(row.pattern)
        )
        result = compute_coverage(_line_incidents(), fleet, MODEL, lsoas=make_line_lsoas())
        base = compute_coverage(_line_incidents(), _line_fleet(), MODEL, lsoas=make_line_lsoas())
        assert row.gain_per_year == pytest.approx(
            covered_per_year(result, "expected") - covered_per_year(base, "expected")
        )


def test_bad_requests_are_refused():
    kw = {"lsoas": make_line_lsoas(), "patterns": (PATTERNS["every-evening"],)}
    with pytest.raises(PlanningError, match="0-10"):
        recommend_units(_line_incidents(), _line_fleet(), MODEL, _line_sites(), k=11, **kw)
    with pytest.raises(PlanningError, match="no candidate sites"):
        recommend_units(_line_incidents(), _line_fleet(), MODEL, _line_sites().iloc[:0], k=1, **kw)
    with pytest.raises(PlanningError, match="at least one shift pattern"):
        recommend_units(
            _line_incidents(), _line_fleet(), MODEL, _line_sites(), k=1, lsoas=make_line_lsoas(), patterns=()
        )


def test_patterns_parse_names_and_your_own():
    assert [p.name for p in parse_patterns(None)] == list(PATTERNS)
    own = parse_pattern("fri,sat@20:00-04:00+sun@12:00-18:00")
    assert own.weekly_hours == 22.0 and own.shifts[0].days == ["Fri", "Sat"]
    assert parse_pattern("sat-mon@18:00-02:00").shifts[0].days == ["Sat", "Sun", "Mon"]
    assert "22 h a week" in own.describe()
    with pytest.raises(ScenarioError, match="unknown shift pattern 'weekends'"):
        parse_pattern("weekends")
    with pytest.raises(ScenarioError, match="'fry' is not a day"):
        parse_pattern("fry@18:00-02:00")
    with pytest.raises(ScenarioError, match="needs HH:MM-HH:MM"):
        parse_pattern("fri@18:00")
    with pytest.raises(ScenarioError, match="fri@25:00-02:00"):
        parse_pattern("fri@25:00-02:00")


# --------------------------------------------------------------------------------------------------
# The demo year: each stated gain is the engine's change when the pick is added


@pytest.fixture(scope="module")
def demo_plan(demo_joined, default_model, kent_lsoas):
    from jru_geo.io.boundaries import load_outline

    candidates = candidate_table("sites", outline=load_outline())
    return recommend_units(
        demo_joined,
        load_default_scenario(),
        default_model,
        candidates,
        lsoas=kent_lsoas,
        k=3,
        patterns=parse_patterns(None),
        screen=2,
    )


def test_demo_gains_equal_the_engine_change_for_k_1_to_3(demo_plan, demo_joined, default_model, kent_lsoas):
    fleet = load_default_scenario()
    before = compute_coverage(demo_joined, fleet, default_model, lsoas=kent_lsoas)
    assert (
        demo_plan.curve["coverage_expected"].iloc[0] == before.coverage_expected
    )  # the Coverage page's figure
    for pick in demo_plan.picks.itertuples():
        fleet = place_unit(
            fleet, easting=pick.easting, northing=pick.northing, pattern=parse_pattern(pick.pattern)
        )
        after = compute_coverage(demo_joined, fleet, default_model, lsoas=kent_lsoas)
        assert pick.gain_per_year == pytest.approx(
            covered_per_year(after, "expected") - covered_per_year(before, "expected"), rel=1e-9
        )
        assert pick.gain_per_year > 0
        # the KPI table's Expected row moves by the pick's points
        row = kpi_table(PlanKpis.from_coverage(before), PlanKpis.from_coverage(after)).loc[
            "Expected: and a unit free (%)"
        ]
        assert row["Change"] == f"{pick.gain_pp:+.1f} pp"
        assert pick.coverage_expected_after == after.coverage_expected
        assert pick.calls_attended_per_year_after == pytest.approx(after.calls_attended_per_year)
        before = after
    assert np.all(np.diff(demo_plan.curve["coverage_expected"]) > 0)


# --------------------------------------------------------------------------------------------------
# The command line


def test_recommend_cli_contract_and_save_scenario(tmp_path, capsys):
    out_file = tmp_path / "plan.json"
    args = ["recommend", "--new", "2", "--screen", "1", "--patterns", "fri-sat-nights", "every-evening"]
    assert main([*args, "--save-scenario", str(out_file)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["objective"] == "expected"  # the app's default objective
    assert set(out["baseline"]) >= {
        "coverage_geographic",
        "coverage_in_hours",
        "coverage_expected",
        "calls_attended_per_year",
    }
    keys = {
        "name",
        "lat",
        "lon",
        "easting",
        "northing",
        "pattern",
        "gain_per_year",
        "coverage_expected_after",
        "calls_attended_per_year_after",
    }
    assert len(out["picks"]) == 2 and all(keys <= set(p) for p in out["picks"])
    assert {p["pattern"] for p in out["picks"]} <= {"fri-sat-nights", "every-evening"}
    # floats rounded to what they mean
    assert out["picks"][0]["gain_per_year"] == round(out["picks"][0]["gain_per_year"], 1)
    assert len(str(out["baseline"]["coverage_expected"])) <= 7
    # the saved scenario reproduces the last pick's figures
    saved = load_scenario(out_file)
    assert [v.id for v in saved.vehicles][-2:] == ["NEW1", "NEW2"]
    assert main(["coverage", "--scenario", str(out_file)]) == 0
    cov = json.loads(capsys.readouterr().out)
    assert cov["coverage_expected"] == out["picks"][-1]["coverage_expected_after"]
    assert cov["calls_attended_per_year"] == out["picks"][-1]["calls_attended_per_year_after"]


def test_coverage_cli_slice_counts_the_slot_and_keeps_the_load(capsys):
    assert main(["coverage"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert main(["coverage", "--days", "fri,sat", "--hours", "18-02"]) == 0
    slot = json.loads(capsys.readouterr().out)
    assert slot["incidents"] < week["incidents"] and slot["week_slice_hours"] == 16
    assert "calls_attended_per_year" in slot and all(
        {"calls_attended_per_year", "jobs_per_8h"} <= set(v) for v in slot["vehicles"]
    )
    assert slot["fleet_busy_fraction"] > week["fleet_busy_fraction"]
    assert sum(v["calls_attended_per_year"] for v in slot["vehicles"]) == pytest.approx(
        slot["calls_attended_per_year"], abs=0.2
    )
    assert main(["coverage", "--hours", "18"]) == 2
    assert "--hours" in capsys.readouterr().err
