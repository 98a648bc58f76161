"""Tests of jru_geo.planning (geodata -> placement) and the `recommend` / `roads` command line."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from jru_geo.__main__ import main
from jru_geo.boundaries import load_outline
from jru_geo.planning import candidate_table, plan_new_units
from jru_geo.scenario import Scenario, parse_scenario
from jru_geo.settings import BNG
from jru_geo.travel import StraightLineModel


def _scenario(vehicles: list[dict]) -> Scenario:
    return parse_scenario({"name": "t", "vehicles": vehicles})


def _vehicle(vid: str, e: float, n: float) -> dict:
    return {
        "id": vid,
        "name": vid,
        "base": {"easting": e, "northing": n},
        "shifts": [{"days": ["Fri"], "start": "18:00", "end": "02:00"}],
    }


def test_plan_picks_the_site_next_to_uncovered_demand(tiny_lsoas):
    # demand: 3 incidents in A2 (centroid 500,250) and 1 in B3 (the island at 3100,100)
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


def test_recommend_cli_json(capsys):
    assert main(["recommend", "--new", "2", "--objective", "mclp"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["picks"]) == 2
    for pick in out["picks"]:
        assert {"name", "lat", "lon", "easting", "northing", "gain"} <= set(pick)
        assert pick["gain"] > 0
    assert out["objective"] == pytest.approx(out["baseline"] + sum(p["gain"] for p in out["picks"]))
    assert out["curve"][0] == out["baseline"] and out["curve"][-1] == out["objective"]
    assert np.all(np.diff(out["curve"]) >= 0)


def test_recommend_cli_user_candidates_and_bad_files(tmp_path, capsys):
    cands = tmp_path / "c.csv"
    cands.write_text("name,lat,lon\nAshford <b>x</b>,51.1477,0.8720\nMargate,51.3914,1.3843\n")
    assert main(["recommend", "--new", "1", "--candidates", str(cands), "--objective", "mexclp"]) == 0
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
    import jru_geo.roadnet as roadnet

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
    assert main(["recommend", "--new", "1", "--incidents", *map(str, files)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["incidents_in_kent"] > 10_000


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
