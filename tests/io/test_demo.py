"""Tests of the synthetic demo generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jru_geo.areas.counts import counts_by_category, counts_by_hour_of_week
from jru_geo.areas.join import assign_areas
from jru_geo.demand_profile import hour_of_week_profile
from jru_geo.io.boundaries import load_districts, load_lsoas
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.demo import DemoParameters, demo_incidents, lsoa_weights, to_generic_csv
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
