"""Tests of the synthetic demo generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jru_geo.areas.counts import counts_by_category, counts_by_hour_of_week
from jru_geo.areas.join import assign_areas
from jru_geo.demand_profile import hour_of_week_profile
from jru_geo.errors import DemoError
from jru_geo.io.boundaries import load_districts, load_lsoas
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.demo import (
    DemoParameters,
    demo_incidents,
    load_demo_calibration,
    lsoa_weights,
    to_generic_csv,
    top_share,
)
from jru_geo.io.incidents import INCIDENT_COLUMNS, read_incidents


@pytest.fixture(scope="module")
def demo():
    return demo_incidents(load_lsoas(), seed=7, year=2025)


def test_same_seed_same_incidents_and_schema(demo):
    again = demo_incidents(load_lsoas(), seed=7, year=2025)
    assert demo.geometry.equals(again.geometry)
    assert demo["time"].equals(again["time"])
    assert list(demo.columns) == INCIDENT_COLUMNS  # the reader's schema
    assert demo.crs.to_epsg() == 27700
    assert (demo["source"] == "demo").all()
    assert demo["incident_id"].is_unique


def test_volume_place_and_time(demo):
    assert 14_500 < len(demo) < 15_500  # about 15,000 a year (Poisson)
    t = pd.to_datetime(demo["time"])
    assert t.min() >= pd.Timestamp("2025-01-01") and t.max() < pd.Timestamp("2026-01-01")
    joined = assign_areas(demo, load_districts(), load_lsoas())
    assert joined["in_kent"].all()
    how = counts_by_hour_of_week(joined).set_index("hour_of_week")["incidents"]
    fri_sat_evening = [d * 24 + h for d in (4, 5) for h in range(18, 24)] + [
        d * 24 + h for d in (5, 6) for h in (0, 1)
    ]
    weekday_morning = [d * 24 + h for d in range(5) for h in range(3, 7)]
    assert how[fri_sat_evening].mean() > 3 * how[weekday_morning].mean()
    assert how.idxmax() in fri_sat_evening


def test_category_mix_led_by_assault_collision_alcohol(demo):
    joined = assign_areas(demo, load_districts(), load_lsoas())
    top3 = counts_by_category(joined)["category"].head(3).tolist()
    assert set(top3) == {"violence", "alcohol", "rtc"}
    # the demo draws the six JRU categories it always did, never the police.uk-only ones
    assert set(demo["category"]) == set(DemoParameters().category_shares) < set(CATEGORIES)
    assert not {"public_order", "other_crime"} & set(demo["category"])
    assert (demo["source_category"] == demo["category"].map(CATEGORIES)).all()


def test_dense_lsoas_get_more_demand_per_resident():
    lsoas = load_lsoas()
    w = lsoa_weights(lsoas, DemoParameters())
    per_person = w / lsoas["population"].to_numpy()
    dense = lsoas["density_per_km2"].to_numpy() > 5000
    sparse = lsoas["density_per_km2"].to_numpy() < 500
    assert per_person[dense].mean() > 1.5 * per_person[sparse].mean()


def test_profiles_are_distributions():
    for cat in CATEGORIES:
        p = hour_of_week_profile(cat)
        assert p.shape == (168,) and np.isclose(p.sum(), 1.0) and (p > 0).all()


@pytest.mark.parametrize(
    "bad",
    [
        {"category_shares": {"violence": 0.5}},
        {"category_shares": {"nonsense": 1.0}},
        {"incidents_per_year": -1},
    ],
)
def test_bad_parameters_are_rejected(bad):
    with pytest.raises(ValueError):
        DemoParameters(**bad)


def test_generic_csv_round_trips_through_the_reader(tmp_path, demo):
    small = demo.head(300)
    path = tmp_path / "demo.csv"
    to_generic_csv(small).to_csv(path, index=False)
    result = read_incidents(path)
    assert result.n_read == 300 and len(result.rejects) == 0
    assert result.incidents["category"].tolist() == small["category"].tolist()
    dist = result.incidents.geometry.distance(small.geometry.reset_index(drop=True))
    assert dist.max() < 1.0  # 6-decimal lat/lon is about 0.1 m


# --- the calibrated demo (opt-in: realism="calibrated") -------------------------------------------


@pytest.fixture(scope="module")
def calibrated():
    return demo_incidents(load_lsoas(), seed=7, year=2025, realism="calibrated")


def test_calibrated_demo_is_opt_in_seeded_and_labelled(demo, calibrated):
    assert demo["file"].iloc[0] == "demo (synthetic, seed 7)"  # the default is the population model
    assert calibrated["file"].iloc[0] == "demo (synthetic, calibrated, seed 7)"
    again = demo_incidents(load_lsoas(), seed=7, year=2025, realism="calibrated")
    assert calibrated.geometry.equals(again.geometry) and calibrated["time"].equals(again["time"])
    assert list(calibrated.columns) == INCIDENT_COLUMNS
    assert 14_500 < len(calibrated) < 15_500


def test_calibrated_demo_is_as_concentrated_as_real_crime_and_keeps_the_week(demo, calibrated):
    lsoas = load_lsoas()

    def per_lsoa(gdf):
        joined = assign_areas(gdf, load_districts(), lsoas)
        assert joined["in_kent"].all()
        return joined["lsoa_code"].value_counts().reindex(lsoas["lsoa_code"], fill_value=0).to_numpy()

    # real violence and public order, Jan-Mar 2025: the busiest 10% of LSOAs hold 33.7%
    assert 0.31 < top_share(per_lsoa(calibrated)) < 0.37
    assert top_share(per_lsoa(demo)) < 0.25
    t = pd.to_datetime(calibrated["time"])
    how = (t.dt.day_of_week * 24 + t.dt.hour).value_counts()
    fri_sat_evening = [d * 24 + h for d in (4, 5) for h in range(18, 24)]
    weekday_morning = [d * 24 + h for d in range(5) for h in range(3, 7)]
    assert how.reindex(fri_sat_evening).mean() > 3 * how.reindex(weekday_morning).mean()


def test_calibration_files_are_compact_shares_of_every_kent_lsoa():
    cal = load_demo_calibration()
    assert len(cal.weights) == 1065 and set(cal.weights.index) == set(load_lsoas()["lsoa_code"])
    assert np.isclose(cal.weights.sum(), 1.0) and (cal.weights > 0).all()
    assert 0 <= cal.shrink <= 1 and 0 < cal.month_rate_cv < 0.5


def test_calibrated_demo_needs_calibrated_lsoas(tiny_lsoas):
    with pytest.raises(DemoError, match="no calibrated weight for LSOAs"):
        demo_incidents(tiny_lsoas, realism="calibrated")
    with pytest.raises(DemoError, match="realism must be"):
        demo_incidents(tiny_lsoas, realism="nonsense")  # type: ignore[arg-type]


def test_top_share_by_hand():
    assert top_share(np.array([5, 1, 1, 1, 1, 1, 0, 0, 0, 0])) == 0.5
    assert top_share(np.zeros(4)) == 0.0


@pytest.mark.shared
def test_calibrated_demo_follows_real_lsoa_pattern(shared_data, calibrated, demo):
    files = sorted((shared_data / "incidents").glob("2025-0[1-3]-kent-street.csv"))
    real = read_incidents(files)
    crimes = real.originals["Crime type"].isin(["Violence and sexual offences", "Public order"]).to_numpy()
    lsoas, districts = load_lsoas(), load_districts()
    joined = assign_areas(real.incidents[crimes], districts, lsoas)

    def per_lsoa(j):
        return j["lsoa_code"].value_counts().reindex(lsoas["lsoa_code"], fill_value=0).to_numpy()

    counts = per_lsoa(joined)
    r_cal = np.corrcoef(per_lsoa(assign_areas(calibrated, districts, lsoas)), counts)[0, 1]
    r_pop = np.corrcoef(per_lsoa(assign_areas(demo, districts, lsoas)), counts)[0, 1]
    print(f"LSOA r with real violence + public order: calibrated {r_cal:.2f}, population model {r_pop:.2f}")
    assert r_cal > 0.9 > 0.4 > r_pop  # in-sample: the weights are fitted to these months
