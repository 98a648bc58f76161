"""Tests of jru_geo.planning: KPIs from the coverage engine, placing a unit, its business case, the
next-unit pipeline (geodata -> placement) and the `recommend` / `roads` command line.

Most KPI tests use a hand-made line of three LSOAs and a 60 km/h straight-line model with a 1-minute
turn-out: a base at x=0 reaches x=0 in 1 min, x=10 km in 11 min and x=20 km in 21 min; with a
15-minute target it covers the first two.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from factories import LINE_X0, LINE_Y0, make_line_incidents, make_line_lsoas
from hypothesis import given, settings
from hypothesis import strategies as st

from jru_geo.__main__ import main
from jru_geo.errors import JruGeoError, PlacementError, ScenarioError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.boundaries import load_outline
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.model.coverage.business import WEEKS_PER_YEAR
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.optimise.kpis import PlanKpis, kpi_table
from jru_geo.optimise.planning import candidate_table, place_unit, plan_new_units
from jru_geo.settings import BNG

X0, Y0 = LINE_X0, LINE_Y0
LINE_MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)
SPAN_WEEKS = 365 / 7  # Friday 3 Jan 2025 00:00 to the end of Friday 2 Jan 2026


@pytest.fixture
def line_lsoas() -> gpd.GeoDataFrame:
    return make_line_lsoas()


@pytest.fixture
def line_incidents() -> gpd.GeoDataFrame:
    return make_line_incidents()


def _line_vehicle(vid: str, e: float) -> dict:
    return {
        "id": vid,
        "name": f"Unit {vid}",
        "base": {"easting": e, "northing": Y0},
        "shifts": [{"days": ["Fri", "Sat"], "start": "18:00", "end": "02:00"}],
        "target_min": 15,
        "job_min": 45,
    }


@pytest.fixture
def scenario_one() -> Scenario:
    return parse_scenario({"name": "one", "vehicles": [_line_vehicle("J1", X0)]})


def _cover(incidents: gpd.GeoDataFrame, sc: Scenario, lsoas: gpd.GeoDataFrame, **kw: float) -> CoverageResult:
    return compute_coverage(incidents, sc, LINE_MODEL, lsoas=lsoas, **kw)


# --------------------------------------------------------------------------------------------------
# KPIs from the coverage engine


def test_kpis_come_from_the_coverage_result(line_incidents, line_lsoas, scenario_one):
    result = _cover(line_incidents, scenario_one, line_lsoas)
    k = PlanKpis.from_coverage(result)
    assert (k.units, k.unit_hours_per_week, k.incidents) == (1, 16.0, 10)
    assert k.span_weeks == pytest.approx(SPAN_WEEKS)
    assert k.incidents_per_year == pytest.approx(10 * WEEKS_PER_YEAR / SPAN_WEEKS)
    assert k.coverage_geographic == pytest.approx(0.9)  # L1 + L2 = 9 of 10
    assert k.coverage_in_hours == pytest.approx(0.9)  # all on Friday 20:00, on shift
    assert 0 < k.coverage_expected < k.coverage_in_hours
    assert k.coverage_expected == result.coverage_expected
    assert k.fleet_busy_fraction == result.fleet_busy_fraction > 0
    # one unit: the fleet figure is that unit's hypercube busy fraction
    assert k.fleet_busy_fraction == pytest.approx(result.vehicles["busy_fraction"].iloc[0])
    assert k.population_share == pytest.approx(0.5)  # L1 + L2 = 200 of 400 residents
    assert k.mean_response_min == pytest.approx((6 * 1 + 3 * 11 + 1 * 21) / 10)
    assert k.target_min == 15.0
    # one vehicle: the fleet mean is its own expected jobs per shift
    assert k.jobs_per_shift == pytest.approx(result.vehicles["expected_jobs_per_shift"].iloc[0])


def test_jobs_per_shift_at_light_load_is_calls_over_shifts(line_incidents, line_lsoas, scenario_one):
    # At 1/1000 of the demand the unit is almost never busy: it takes all 9 reachable calls x 0.001
    # in 52.14 weeks, over its 2 shifts a week.
    k = PlanKpis.from_coverage(_cover(line_incidents, scenario_one, line_lsoas, demand_scale=0.001))
    assert k.jobs_per_shift == pytest.approx(0.009 / SPAN_WEEKS / 2, rel=1e-3)
    # per 8 hours: the same calls over its 16 hours a week, times 8
    assert k.jobs_per_8h == pytest.approx(8 * 0.009 / SPAN_WEEKS / 16, rel=1e-3)
    assert k.calls_attended_per_year == pytest.approx(0.009 / SPAN_WEEKS * 365.25 / 7, rel=1e-3)
    assert k.fleet_busy_fraction < 1e-3


def test_placing_a_unit_changes_the_kpis(line_incidents, line_lsoas, scenario_one):
    before = PlanKpis.from_coverage(_cover(line_incidents, scenario_one, line_lsoas))
    plan = place_unit(scenario_one, easting=X0 + 20_000, northing=Y0)
    assert [v.id for v in plan.vehicles] == ["J1", "NEW1"]
    assert plan.vehicles[1].shifts == plan.vehicles[0].shifts
    assert len(scenario_one.vehicles) == 1  # the input is unchanged
    after = PlanKpis.from_coverage(_cover(line_incidents, plan, line_lsoas))
    assert after.coverage_geographic == pytest.approx(1.0)
    assert after.population_share == pytest.approx(1.0)
    assert after.units == 2 and after.unit_hours_per_week == 2 * before.unit_hours_per_week
    assert after.coverage_expected > before.coverage_expected
    table = kpi_table(before, after)
    assert table.loc["Geographic: incidents within target (%)"].tolist() == ["90.0", "100.0", "+10.0 pp"]
    assert table.loc["Units"].tolist() == ["1", "2", "+1"]
    assert table.loc["Unit hours on shift a week"].tolist() == ["16", "32", "+16"]
    assert table.loc["Incidents a year"].tolist() == ["10", "10", "+0"]
    # L1 6 x 1 min, L2 3 x 11 min (J1), L3 1 x 1 min (NEW1)
    assert table.loc["Mean response, nearest unit (min)", "With change"] == "4.0"
    assert list(table.columns) == ["Baseline", "With change", "Change"]


def test_empty_fleet_covers_nothing_and_shows_na(line_incidents, line_lsoas):
    empty = parse_scenario({"name": "none", "vehicles": []})
    k = PlanKpis.from_coverage(_cover(line_incidents, empty, line_lsoas))
    assert (k.units, k.coverage_geographic, k.coverage_expected, k.population_share) == (0, 0.0, 0.0, 0.0)
    assert np.isnan(k.mean_response_min) and np.isnan(k.jobs_per_shift) and np.isnan(k.jobs_per_8h)
    row = kpi_table(k, k, labels=("A", "A")).loc["Mean response, nearest unit (min)"]
    assert row.tolist() == ["n/a", "n/a", "n/a"]
    placed = place_unit(empty, easting=X0, northing=Y0)
    assert placed.vehicles[0].id == "NEW1" and placed.vehicles[0].shifts


def test_short_data_span_shows_the_count_not_a_year(line_incidents, line_lsoas, scenario_one):
    week = line_incidents.iloc[:9]  # all on one Friday: one day of data
    k = PlanKpis.from_coverage(_cover(week, scenario_one, line_lsoas))
    assert k.incidents_per_year is None
    table = kpi_table(k, k)
    assert "Incidents a year" not in table.index
    assert table.loc["Incidents in the data"].tolist() == ["9", "9", "+0"]


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(min_value=0, max_value=1, allow_nan=False),
    b=st.floats(min_value=0, max_value=1, allow_nan=False),
)
def test_kpi_table_change_is_after_minus_before(a: float, b: float) -> None:
    def kpis(share: float) -> PlanKpis:
        return PlanKpis(
            1, 16.0, 10, SPAN_WEEKS, share, share, share, share, share, 5.0, 1.0, 8.0, 100.0, 50.0, 15.0
        )

    row = kpi_table(kpis(a), kpis(b)).loc["Expected: and a unit free (%)"]
    change = float(row["Change"].removesuffix(" pp"))
    assert change == pytest.approx(float(row["With change"]) - float(row["Baseline"]), abs=0.11)
    assert not row["Change"].startswith("-0.0")


# --------------------------------------------------------------------------------------------------
# Placing a unit and its business case


def test_place_unit_by_lat_lon_resolves_to_the_grid(scenario_one):
    plan = place_unit(scenario_one, lat=51.2705, lon=0.5224, name="Clicked")
    base = resolve_bases(plan).iloc[1]
    assert base["name"] == "Clicked"
    assert abs(base.geometry.x - 576_000) < 2_000 and abs(base.geometry.y - 155_500) < 2_000
    with pytest.raises(ScenarioError, match="cannot place a unit at .*outside Great Britain"):
        place_unit(scenario_one, lat=95.0, lon=0.5)
    with pytest.raises(ScenarioError, match="one pair only"):
        place_unit(scenario_one, easting=X0, northing=Y0, lat=51.3, lon=0.5)
    with pytest.raises(ScenarioError, match="one pair only"):
        place_unit(scenario_one, easting=X0)
    with pytest.raises(JruGeoError, match="no vehicle 'X9'"):
        place_unit(scenario_one, easting=X0, northing=Y0, like="X9")


# --------------------------------------------------------------------------------------------------
# The next units


def test_plan_new_units_picks_the_uncovered_end_with_gains_a_year(line_incidents, line_lsoas, scenario_one):
    cands = candidate_table(
        "sites",
        outline=load_outline(),
        sites=pd.DataFrame(
            {"name": ["west", "east"], "easting": [X0 - 5000, X0 + 20_000], "northing": [Y0, Y0]}
        ),
    )
    plan = plan_new_units(
        line_incidents, scenario_one, LINE_MODEL, cands, lsoas=line_lsoas, k=1, span_weeks=SPAN_WEEKS
    )
    assert plan.picks["name"].tolist() == ["east"]
    assert plan.picks["rank"].tolist() == [1]
    assert plan.picks["gain"].tolist() == [1.0]
    assert plan.picks["gain_per_year"].tolist() == [round(WEEKS_PER_YEAR / SPAN_WEEKS, 1)]
    assert plan.curve["coverage_pct"].tolist() == [90.0, 100.0]
    assert 51.0 < plan.picks["lat"].iloc[0] < 51.5
    assert (
        "gain_per_year"
        not in plan_new_units(
            line_incidents, scenario_one, LINE_MODEL, cands, lsoas=line_lsoas, k=1
        ).picks.columns
    )
    with pytest.raises(PlacementError, match="only 2 candidate sites"):
        plan_new_units(line_incidents, scenario_one, LINE_MODEL, cands, lsoas=line_lsoas, k=3)
    with pytest.raises(JruGeoError, match="span_weeks must be a positive"):
        plan_new_units(line_incidents, scenario_one, LINE_MODEL, cands, lsoas=line_lsoas, k=1, span_weeks=0)
    with pytest.raises(JruGeoError, match=r"candidates lack columns \['lat', 'lon'\]"):
        plan_new_units(
            line_incidents,
            scenario_one,
            LINE_MODEL,
            cands.drop(columns=["lat", "lon"]),
            lsoas=line_lsoas,
            k=1,
        )


def test_mexclp_busy_fraction_values_a_second_unit(line_incidents, line_lsoas, scenario_one):
    # MCLP gains nothing from a second unit at L1; MEXCLP with a busy baseline fleet does.
    cands = candidate_table(
        "sites",
        outline=load_outline(),
        sites=pd.DataFrame({"name": ["at L1"], "easting": [X0], "northing": [Y0]}),
    )
    q = 0.5
    mex = plan_new_units(
        line_incidents,
        scenario_one,
        LINE_MODEL,
        cands,
        lsoas=line_lsoas,
        k=1,
        objective="mexclp",
        busy_fraction=q,
    )
    mclp = plan_new_units(line_incidents, scenario_one, LINE_MODEL, cands, lsoas=line_lsoas, k=1)
    assert mclp.picks["gain"].tolist() == [0.0]
    # L1 and L2 (9 incidents) go from 1 - q to 1 - q**2 covered
    assert mex.picks["gain"].iloc[0] == pytest.approx(9 * (q - q**2))
    assert mex.busy_fraction == q


def _scenario(vehicles: list[dict]) -> Scenario:
    return parse_scenario({"name": "t", "vehicles": vehicles})


def _vehicle(vid: str, e: float, n: float) -> dict:
    return {
        "id": vid,
        "name": vid,
        "base": {"easting": e, "northing": n},
        "shifts": [{"days": ["Fri"], "start": "18:00", "end": "02:00"}],
    }


@pytest.fixture
def two_sites(tiny_lsoas):
    """Demand: 3 incidents in A2 (centroid 500,250) and 1 in B3 (the island at 3100,100); a
    candidate next to each."""
    lsoas = tiny_lsoas.assign(
        centroid_e=tiny_lsoas.geometry.centroid.x, centroid_n=tiny_lsoas.geometry.centroid.y
    )
    incidents = pd.DataFrame({"lsoa_code": ["A2", "A2", "A2", "B3"], "in_kent": True})
    candidates = pd.DataFrame(
        {
            "name": ["near A2", "near B3"],
            "kind": "user",
            "easting": [500.0, 3100.0],
            "northing": [300.0, 100.0],
            "lat": 0.0,
            "lon": 0.0,
        }
    )
    return lsoas, incidents, candidates


def test_plan_picks_the_site_next_to_uncovered_demand(two_sites):
    lsoas, incidents, candidates = two_sites
    model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)  # 1 km per minute
    plan = plan_new_units(incidents, _scenario([]), model, candidates, lsoas=lsoas, k=1, target_min=1.0)
    assert plan.picks["name"].tolist() == ["near A2"]
    assert plan.picks["gain"].tolist() == [3.0]
    assert plan.recommendation.curve == (0.0, 3.0)
    # with an existing vehicle already covering A2, the island is the better pick
    plan = plan_new_units(
        incidents, _scenario([_vehicle("V1", 500, 250)]), model, candidates, lsoas=lsoas, k=1, target_min=1.0
    )
    assert plan.picks["name"].tolist() == ["near B3"]
    assert plan.recommendation.baseline == 3.0 and plan.recommendation.objective == 4.0


def test_candidate_table_kinds():
    outline = load_outline()
    sites = candidate_table("sites", outline=outline)
    grid = candidate_table("grid", outline=outline, cell_m=5000)
    both = candidate_table("both", outline=outline, cell_m=5000)
    assert len(both) == len(sites) + len(grid)
    assert set(sites["kind"]) == {"police_station", "acute_hospital"}
    assert (grid["kind"] == "grid").all()
    assert both["lat"].between(50.8, 51.6).all() and both["lon"].between(-0.2, 1.5).all()
    # grid points lie inside Kent
    pts = gpd.GeoSeries(gpd.points_from_xy(grid["easting"], grid["northing"]), crs=BNG)
    assert pts.within(outline.geometry.iloc[0].buffer(1)).all()


def test_recommend_cli_user_candidates_and_bad_files(tmp_path, capsys):
    cands = tmp_path / "c.csv"
    cands.write_text("name,lat,lon\nAshford <b>x</b>,51.1477,0.8720\nMargate,51.3914,1.3843\n")
    assert main(["recommend", "--new", "1", "--candidates", str(cands), "--patterns", "fri-sat-nights"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["picks"][0]["name"] in {"Ashford <b>x</b>", "Margate"}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,not-a-lat,0.5\n")
    assert main(["recommend", "--new", "1", "--candidates", str(bad)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    scen = tmp_path / "s.json"
    scen.write_text('{"name": "x", "vehicles": [{"id": "a", "name": "a", "base": {"postcode": "ZZ1 1ZZ"}}]}')
    assert main(["recommend", "--new", "1", "--scenario", str(scen)]) == 2
    err = capsys.readouterr().err
    assert "vehicle 'a'" in err and "ZZ1 1ZZ" in err


def test_speed_option_only_with_straight(capsys):
    assert main(["recommend", "--new", "1", "--speed-kmh", "60"]) == 2
    assert "--speed-kmh" in capsys.readouterr().err
    assert main(["recommend", "--new", "1", "--travel", "straight", "--speed-kmh", "60"]) == 0


def test_roads_download_wires_to_roadnet(tmp_path, monkeypatch, capsys):
    from jru_geo.model.travel import network as roadnet

    seen = {}

    def fake_download(path):
        seen["path"] = path
        return path

    monkeypatch.setattr(roadnet, "download_kent_graph", fake_download)
    assert main(["roads", "download", "--out", str(tmp_path / "g.graphml")]) == 0
    assert seen["path"] == tmp_path / "g.graphml"
    assert "g.graphml" in capsys.readouterr().out


def test_real_incidents_recommend_runs_on_police_uk(shared_data, capsys):
    files = sorted((shared_data / "incidents").glob("*.csv"))[:1]
    assert main(["recommend", "--new", "1", "--screen", "1", "--incidents", *map(str, files)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["baseline"]["incidents"] > 10_000
    assert out["picks"][0]["gain_per_year"] >= 0


def test_coverage_cli_json_and_invariants(capsys):
    assert main(["coverage"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in (
        "incidents",
        "coverage_geographic",
        "coverage_in_hours",
        "coverage_expected",
        "busy_fraction",
        "by_district",
    ):
        assert key in out
    assert 0 <= out["coverage_expected"] <= out["coverage_in_hours"] <= out["coverage_geographic"] <= 1
    assert set(out["busy_fraction"]) == {"JRU1", "JRU2", "JRU3"}
    assert len(out["by_district"]) == 13
    # sending units further raises their workload
    assert main(["coverage", "--dispatch-reach-min", "30"]) == 0
    wider = json.loads(capsys.readouterr().out)
    assert wider["busy_fraction"]["JRU1"] > out["busy_fraction"]["JRU1"]


def test_coverage_cli_bad_scenario_exits_2(tmp_path, capsys):
    scen = tmp_path / "s.yaml"
    scen.write_text(
        "name: x\nvehicles:\n  - id: a\n    name: a\n    base: {lat: 51.3, lon: 0.5}\n"
        "    shifts: [{days: [Fri], start: '25:00', end: '02:00'}]\n"
    )
    assert main(["coverage", "--scenario", str(scen)]) == 2
    err = capsys.readouterr().err
    assert "s.yaml" in err and "vehicles[0].shifts[0].start" in err


def test_demand_scale_scales_the_gains_not_the_picks(two_sites):
    lsoas, incidents, candidates = two_sites
    model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)
    full = plan_new_units(incidents, _scenario([]), model, candidates, lsoas=lsoas, k=2, target_min=1.0)
    tenth = plan_new_units(
        incidents, _scenario([]), model, candidates, lsoas=lsoas, k=2, target_min=1.0, demand_scale=0.1
    )
    assert tenth.picks["name"].tolist() == full.picks["name"].tolist() == ["near A2", "near B3"]
    assert tenth.picks["gain"].tolist() == pytest.approx([0.3, 0.1])
    assert tenth.recommendation.objective == pytest.approx(0.1 * full.recommendation.objective)
    with pytest.raises(JruGeoError, match="demand_scale must be a positive share"):
        plan_new_units(incidents, _scenario([]), model, candidates, lsoas=lsoas, k=1, demand_scale=0.0)


def test_check_site_refuses_the_sea_other_forces_and_stacked_units():
    from jru_geo.errors import PlanningError
    from jru_geo.optimise.planning import check_site

    outline = load_outline()
    others = np.array([[573362.0, 155654.0]])
    check_site(576161.0, 155591.0, outline=outline, others=others)  # Maidstone police station: fine
    with pytest.raises(PlanningError, match="outside Kent .*km from its boundary"):
        check_site(600000.0, 185000.0, outline=outline, others=others)  # the Thames estuary, off Sheerness
    with pytest.raises(PlanningError, match="outside Kent"):
        check_site(530000.0, 180000.0, outline=outline, others=others)  # London
    with pytest.raises(PlanningError, match="50 m from another unit"):
        check_site(573412.0, 155654.0, outline=outline, others=others)


def test_kpi_columns_put_two_to_four_scenarios_side_by_side(line_incidents, line_lsoas, scenario_one):
    from jru_geo.errors import PlanningError
    from jru_geo.optimise.kpis import coverage_long, kpi_columns

    one = PlanKpis.from_coverage(_cover(line_incidents, scenario_one, line_lsoas))
    plan = place_unit(scenario_one, easting=X0 + 20_000, northing=Y0)
    two = PlanKpis.from_coverage(_cover(line_incidents, plan, line_lsoas))
    table = kpi_columns([one, two, one], ["A", "B", "A"])
    assert list(table.columns) == ["A", "B", "A (2)"]
    assert table.loc["Units"].tolist() == ["1", "2", "1"]
    assert table.loc["Geographic: incidents within target (%)"].tolist() == ["90.0", "100.0", "90.0"]
    # the same formats as the two-column table
    assert table["B"].tolist() == kpi_table(one, two)["With change"].tolist()
    long = coverage_long([one, two], ["A", "B"])
    assert long.loc[(long["scenario"] == "B") & (long["figure"] == "Geographic"), "percent"].item() == 100.0
    with pytest.raises(PlanningError, match="two to four"):
        kpi_columns([one], ["A"])
    with pytest.raises(PlanningError, match="two to four"):
        kpi_columns([one] * 5, ["A"] * 5)
