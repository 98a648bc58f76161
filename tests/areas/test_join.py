"""Tests of jru_geo.join on tiny hand-made geographies (see conftest.py) and on the real Kent data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from jru_geo.areas.counts import (
    count_without_hour,
    counts_by_area,
    counts_by_category,
    counts_by_hour_of_week,
    counts_by_month,
)
from jru_geo.areas.join import assign_areas, join_summary
from jru_geo.errors import JruGeoError
from jru_geo.io.boundaries import load_districts, load_lsoas
from jru_geo.settings import BNG, WGS84


def points(xy: list[tuple[float, float]], **cols: list[object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=[Point(x, y) for x, y in xy], crs=BNG)


@pytest.mark.parametrize(
    ("xy", "district", "lsoa"),
    [
        ((500, 750), "A", "A1"),
        ((500, 250), "A", "A2"),
        ((1500, 750), "B", "B1"),
        ((3100, 100), "B", "B3"),  # the island of MultiPolygon district B
        ((1000, 750), "A", "A1"),  # on the A|B boundary: lowest district code wins
        ((1000, 500), "A", "A1"),  # on the corner of four LSOAs: district A, then lowest LSOA in A
        ((1500, 500), "B", "B1"),  # on the B1|B2 boundary inside B: lowest LSOA code
    ],
)
def test_assign_areas_known_answers(tiny_districts, tiny_lsoas, xy, district, lsoa):
    out = assign_areas(points([xy]), tiny_districts, tiny_lsoas)
    assert out["district_code"].iloc[0] == district
    assert out["lsoa_code"].iloc[0] == lsoa
    assert bool(out["in_kent"].iloc[0])
    assert pd.isna(out["nearest_district_code"].iloc[0])


def test_outside_points_are_kept_and_snapped_within_limit(tiny_districts, tiny_lsoas):
    pts = points([(2300, 500), (2700, 500), (-100, 500)], ref=["near B", "too far", "near A"])
    out = assign_areas(pts, tiny_districts, tiny_lsoas, snap_m=250)
    assert len(out) == 3
    assert not out["in_kent"].any()
    assert out["district_code"].isna().all()
    assert out["nearest_district_code"].fillna("-").tolist() == ["-", "-", "A"]
    out = assign_areas(pts, tiny_districts, tiny_lsoas, snap_m=500)
    # (2300, 500) is 300 m from B's mainland; (2700, 500) is 300 m from the island's corner region? no:
    # the island spans x 3000..3200, y 0..200, so (2700, 500) is sqrt(300^2 + 300^2) = 424 m away.
    assert out["nearest_district_code"].tolist() == ["B", "B", "A"]
    assert out["nearest_district_m"].tolist() == pytest.approx([300.0, 424.3, 100.0], abs=0.1)


def test_geographic_crs_input_is_reprojected(tiny_districts, tiny_lsoas):
    bng = points([(500, 750), (1500, 250)], ref=["a", "b"])
    wgs = bng.to_crs(WGS84)
    out = assign_areas(wgs, tiny_districts, tiny_lsoas)
    assert out.crs.to_epsg() == 27700
    assert out["lsoa_code"].tolist() == ["A1", "B2"]
    assert out["ref"].tolist() == ["a", "b"]


def test_input_is_not_mutated_and_index_is_kept(tiny_districts, tiny_lsoas):
    pts = points([(500, 750), (1500, 250)]).set_axis([10, 20])
    before = pts.copy()
    out = assign_areas(pts, tiny_districts, tiny_lsoas)
    assert list(out.index) == [10, 20]
    pd.testing.assert_frame_equal(pts, before)


def test_empty_input(tiny_districts, tiny_lsoas):
    out = assign_areas(points([]), tiny_districts, tiny_lsoas)
    assert len(out) == 0
    assert set(["district_code", "lsoa_code", "in_kent"]) <= set(out.columns)


def test_missing_crs_and_columns_are_clear_errors(tiny_districts, tiny_lsoas):
    with pytest.raises(JruGeoError, match="has no CRS"):
        assign_areas(gpd.GeoDataFrame(geometry=[Point(1, 1)]), tiny_districts, tiny_lsoas)
    with pytest.raises(JruGeoError, match="lsoas lacks columns"):
        assign_areas(points([(1, 1)]), tiny_districts, tiny_lsoas.drop(columns="lsoa_name"))


def _joined_example(tiny_districts, tiny_lsoas) -> gpd.GeoDataFrame:
    pts = points(
        [(500, 750), (500, 250), (500, 260), (1500, 750), (3100, 100), (9000, 9000)],
        category=["violence", "rtc", "violence", "alcohol", "violence", "rtc"],
        time=pd.to_datetime(
            [
                "2025-01-03 18:30",
                "2025-01-04 01:10",
                "2025-02-01 00:00",
                "2025-02-07 23:00",
                "2025-03-01 00:00",
                "2025-03-02 00:00",
            ]
        ),
        time_precision=["minute", "minute", "month", "minute", "month", "minute"],
    )
    return assign_areas(pts, tiny_districts, tiny_lsoas)


def test_counts_and_rates_by_district_and_lsoa(tiny_districts, tiny_lsoas):
    joined = _joined_example(tiny_districts, tiny_lsoas)
    d = counts_by_area(joined, tiny_districts, level="district")
    assert d["incidents"].tolist() == [3, 2]
    assert d["rate_per_1000"].tolist() == pytest.approx([1.0, round(2000 / 2100, 3)])
    lsoa = counts_by_area(joined, tiny_lsoas, level="lsoa", by="category")
    assert lsoa.set_index("lsoa_code")["incidents"].to_dict() == {"A1": 1, "A2": 2, "B1": 1, "B2": 0, "B3": 1}
    assert lsoa.set_index("lsoa_code").loc["A2", "violence"] == 1


def test_counts_by_category_month_and_hour_of_week(tiny_districts, tiny_lsoas):
    joined = _joined_example(tiny_districts, tiny_lsoas)
    cat = counts_by_category(joined, labels={"violence": "Violence/assault"})
    assert cat.iloc[0].to_dict() == {
        "category": "violence",
        "label": "Violence/assault",
        "incidents": 3,
        "share": pytest.approx(0.6),
    }
    assert counts_by_month(joined)["incidents"].tolist() == [2, 2, 1]
    how = counts_by_hour_of_week(joined)
    assert len(how) == 168
    # 2025-01-03 was a Friday: 18:30 -> hour 4*24+18; 2025-01-04 01:10 -> Saturday hour 1;
    # 2025-02-07 was a Friday: 23:00 -> hour 4*24+23
    assert how.loc[how["incidents"] > 0, "hour_of_week"].tolist() == [4 * 24 + 18, 4 * 24 + 23, 5 * 24 + 1]
    assert count_without_hour(joined) == 2


def test_join_summary(tiny_districts, tiny_lsoas):
    joined = _joined_example(tiny_districts, tiny_lsoas)
    assert join_summary(8, joined, 2) == {
        "read": 8,
        "joined": 6,
        "in_kent": 5,
        "outside_kent": 1,
        "outside_near_border": 0,
        "rejected": 2,
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-500, 3500), st.floats(-500, 1500)), max_size=40))
def test_counts_per_district_sum_to_in_kent_total(xy):
    from tests.conftest import tiny_districts as d_fixture
    from tests.conftest import tiny_lsoas as l_fixture

    districts, lsoas = d_fixture.__wrapped__(), l_fixture.__wrapped__()
    joined = assign_areas(points(xy, category=["rtc"] * len(xy)), districts, lsoas)
    assert counts_by_area(joined, districts)["incidents"].sum() == joined["in_kent"].sum()
    assert counts_by_area(joined, lsoas, level="lsoa")["incidents"].sum() == joined["in_kent"].sum()
    # and every in-Kent point has an LSOA in its own district
    inside = joined[joined["in_kent"]]
    lsoa_district = lsoas.set_index("lsoa_code")["district_code"]
    assert (inside["lsoa_code"].map(lsoa_district) == inside["district_code"]).all()


def test_real_kent_geography_lsoa_centroids_join_back():
    lsoas, districts = load_lsoas(), load_districts()
    assert len(lsoas) == 1065 and len(districts) == 13
    assert lsoas["population"].sum() == districts["population"].sum()
    pts = gpd.GeoDataFrame(geometry=lsoas.geometry.representative_point(), crs=BNG)
    out = assign_areas(pts, districts, lsoas, postcode_max_m=0)  # the polygons alone
    assert out["in_kent"].all()
    assert (out["lsoa_code"].to_numpy() == lsoas["lsoa_code"].to_numpy()).all()
    # refined by the nearest postcode, a point inside a generalised polygon may move next door
    refined = assign_areas(pts, districts, lsoas)
    assert (refined["lsoa_code"].to_numpy() != lsoas["lsoa_code"].to_numpy()).sum() <= 10  # 6 measured
    assert np.array_equal(out["district_code"].to_numpy(), lsoas["district_code"].to_numpy())
