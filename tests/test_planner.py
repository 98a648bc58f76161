"""Tests for jru_geo.planner on a hand-made line of three LSOAs and a 60 km/h straight-line model.

Minutes = 1 (turn-out) + km at 60 km/h, so a base at x=0 reaches x=0 in 1 min, x=10 km in 11 min and
x=20 km in 21 min; with a 15-minute target it covers the first two.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from jru_geo import planner
from jru_geo.errors import JruGeoError
from jru_geo.scenario import parse_scenario, resolve_bases
from jru_geo.travel import make_model

X0, Y0 = 560_000.0, 150_000.0


@pytest.fixture
def lsoas() -> gpd.GeoDataFrame:
    xs = [X0, X0 + 10_000, X0 + 20_000]
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["L1", "L2", "L3"],
            "lsoa_name": ["One", "Two", "Three"],
            "district_name": ["D", "D", "D"],
            "population": [100, 100, 100],
            "centroid_e": xs,
            "centroid_n": [Y0] * 3,
        },
        geometry=[box(x - 500, Y0 - 500, x + 500, Y0 + 500) for x in xs],
        crs="EPSG:27700",
    )


@pytest.fixture
def incidents() -> pd.DataFrame:
    # 6 incidents in L1, 3 in L2, 1 in L3, over exactly one year.
    codes = ["L1"] * 6 + ["L2"] * 3 + ["L3"]
    times = pd.to_datetime(["2025-01-01 10:00"] * 9 + ["2025-12-31 10:00"])
    return pd.DataFrame(
        {
            "lsoa_code": codes,
            "time": times,
            "time_precision": ["minute"] * 10,
            "category": ["violence"] * 10,
            "district_code": ["D"] * 10,
        }
    )


@pytest.fixture
def scenario_one() -> object:
    return parse_scenario(
        {
            "name": "one",
            "vehicles": [
                {
                    "id": "J1",
                    "name": "Unit one",
                    "base": {"easting": X0, "northing": Y0},
                    "shifts": [{"days": ["Fri", "Sat"], "start": "18:00", "end": "02:00"}],
                    "target_min": 15,
                    "job_min": 45,
                }
            ],
        }
    )


MODEL = make_model("straight", speed_kmh=60)


def test_planning_problem(lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame) -> None:
    p = planner.planning_problem(lsoas, incidents)
    assert p.weights.tolist() == [6.0, 3.0, 1.0]
    assert p.years == pytest.approx(365 / 365.25)
    assert p.per_year == pytest.approx(10 * 365.25 / 365)


def test_kpis_and_placing_a_unit(
    lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame, scenario_one: object
) -> None:
    p = planner.planning_problem(lsoas, incidents)
    before = planner.plan_kpis(p, resolve_bases(scenario_one), MODEL)  # type: ignore[arg-type]
    assert before.covered_share == pytest.approx(0.9)  # L1 + L2 = 9 of 10
    assert before.mean_response_min == pytest.approx((6 * 1 + 3 * 11 + 1 * 21) / 10)
    assert 0 < before.expected_share < before.covered_share
    plan = planner.place_unit(scenario_one, easting=X0 + 20_000, northing=Y0)  # type: ignore[arg-type]
    assert [v.id for v in plan.vehicles] == ["J1", "NEW1"]
    assert plan.vehicles[1].shifts == plan.vehicles[0].shifts
    assert len(scenario_one.vehicles) == 1  # type: ignore[attr-defined]
    after = planner.plan_kpis(p, resolve_bases(plan), MODEL)
    assert after.covered_share == pytest.approx(1.0)
    assert after.units == 2 and after.unit_hours_per_week == 2 * before.unit_hours_per_week
    table = planner.kpi_table(before, after)
    assert table.loc["Incidents within target (%)"].tolist() == ["90.0", "100.0", "+10.0"]
    assert table.loc["Units"].tolist() == ["1", "2", "+1.0"]


def test_empty_fleet_covers_nothing(lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame) -> None:
    empty = parse_scenario({"name": "none", "vehicles": []})
    k = planner.plan_kpis(planner.planning_problem(lsoas, incidents), resolve_bases(empty), MODEL)
    assert (k.units, k.covered_share, k.expected_share) == (0, 0.0, 0.0)
    placed = planner.place_unit(empty, easting=X0, northing=Y0)
    assert placed.vehicles[0].id == "NEW1" and placed.vehicles[0].shifts


def test_recommend_units_picks_the_uncovered_end(
    lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame, scenario_one: object
) -> None:
    p = planner.planning_problem(lsoas, incidents)
    cands = pd.DataFrame(
        {
            "name": ["west", "east"],
            "easting": [X0 - 5000, X0 + 20_000],
            "northing": [Y0, Y0],
            "kind": ["a", "b"],
        }
    )
    picks, curve, rec = planner.recommend_units(
        p, resolve_bases(scenario_one), cands, MODEL, k=1, objective="mclp"
    )
    assert picks["name"].tolist() == ["east"]
    assert picks["gain_per_year"].tolist() == [1.0]
    assert curve["coverage_pct"].tolist() == [90.0, 100.0]
    assert 51.0 < picks["lat"].iloc[0] < 51.5
    with pytest.raises(JruGeoError, match="k must be between 1 and the 2"):
        planner.recommend_units(p, resolve_bases(scenario_one), cands, MODEL, k=3)


def test_business_case_counts_demand_nearest_the_new_unit(
    lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame, scenario_one: object
) -> None:
    p = planner.planning_problem(lsoas, incidents)
    before = resolve_bases(scenario_one)  # type: ignore[arg-type]
    plan = planner.place_unit(scenario_one, easting=X0 + 20_000, northing=Y0)  # type: ignore[arg-type]
    case = planner.new_unit_business_case(p, before, resolve_bases(plan), MODEL)
    # L3 (1 incident a year) is nearest the new unit, on shift 16 of 168 hours.
    assert case.incidents_per_year == pytest.approx(16 / 168 * 365.25 / 365)
    with pytest.raises(JruGeoError, match="no new unit"):
        planner.new_unit_business_case(p, before, before, MODEL)


def test_uncovered_lsoas_and_lonlat(
    lsoas: gpd.GeoDataFrame, incidents: pd.DataFrame, scenario_one: object
) -> None:
    p = planner.planning_problem(lsoas, incidents)
    gaps = planner.uncovered_lsoas(p, lsoas, resolve_bases(scenario_one), MODEL)  # type: ignore[arg-type]
    assert gaps["lsoa_code"].tolist() == ["L3"]
    assert gaps["uncovered_per_year"].tolist() == [1.0] and gaps["rank"].tolist() == [1]
    e, n = planner.lonlat_to_bng(0.5224, 51.2705)
    assert abs(e - 576_000) < 2_000 and abs(n - 155_500) < 2_000
    with pytest.raises(JruGeoError, match="not a position"):
        planner.lonlat_to_bng(0.5, 95.0)
    assert isinstance(Point(e, n), Point) and np.isfinite(e)
