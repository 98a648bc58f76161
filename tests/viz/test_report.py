"""Tests for jru_geo.report: headline figures, district table, CSV and PNG exports."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.image import imread
from shapely.geometry import Point, box

from jru_geo.errors import JruGeoError
from jru_geo.io.boundaries import ATTRIBUTION
from jru_geo.viz import report


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district_code": ["A", "B"], "district_name": ["Alpha", "Beta"], "population": [1000, 4000]},
        geometry=[box(0, 0, 10_000, 10_000), box(10_000, 0, 20_000, 10_000)],
        crs="EPSG:27700",
    )


@pytest.fixture
def joined() -> gpd.GeoDataFrame:
    # Alpha 2 incidents, Beta 3, one outside Kent.
    codes = ["A", "A", "B", "B", "B", None]
    return gpd.GeoDataFrame(
        {
            "time": pd.to_datetime(
                [
                    "2025-03-01 10:00",
                    "2025-03-02 10:00",
                    "2025-04-01 22:00",
                    "2025-05-05 01:00",
                    "2025-06-30 23:59",
                    "2025-07-01 12:00",
                ]
            ),
            "time_precision": ["minute"] * 6,
            "category": ["violence"] * 6,
            "district_code": pd.Series(codes, dtype="string"),
            "district_name": pd.Series([{"A": "Alpha", "B": "Beta"}.get(c) for c in codes], dtype="string"),
            "in_kent": [c is not None for c in codes],
        },
        geometry=[Point(1, 1)] * 6,
        crs="EPSG:27700",
    )


@pytest.fixture
def bases() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"vehicle_id": ["J1", "J2"], "name": ["One", "Two"], "weekly_hours": [72.0, 56.0]},
        geometry=[Point(5000, 5000), Point(15000, 5000)],
        crs="EPSG:27700",
    )


@dataclass(frozen=True)
class _Cov:
    coverage_geographic: float = 0.8
    coverage_in_hours: float = 0.5
    coverage_expected: float = 0.3


def test_summarise_counts(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    s = report.summarise(
        joined,
        districts,
        bases,
        coverage=_Cov(),
        as_of=dt.date(2025, 11, 21),
        synthetic=True,
        source_note="demo",
    )
    assert (s.incidents, s.outside_kent) == (5, 1)
    assert (s.busiest_district, s.busiest_incidents, s.busiest_rate_per_1000) == ("Beta", 3, 0.75)
    assert (s.units, s.unit_hours_per_week) == (2, 128.0)
    assert (s.coverage_geographic, s.coverage_in_hours, s.coverage_expected) == (0.8, 0.5, 0.3)
    assert s.period == "1 Mar 2025 to 30 Jun 2025"
    assert s.as_of_line.startswith("Synthetic demo data, not real incidents. As of 21 Nov 2025")


def test_summarise_empty(
    districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame, joined: gpd.GeoDataFrame
) -> None:
    s = report.summarise(
        joined.iloc[:0],
        districts,
        bases.iloc[:0],
        as_of=dt.date(2025, 1, 1),
        synthetic=False,
        source_note="x",
    )
    assert (s.incidents, s.busiest_district, s.units, s.period) == (0, None, 0, "no incidents")
    assert s.coverage_expected is None and report.format_share(s.coverage_expected) == "not computed"


def test_summarise_needs_join(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    with pytest.raises(JruGeoError, match="assign_areas"):
        report.summarise(
            joined.drop(columns="in_kent"),
            districts,
            bases,
            as_of=dt.date(2025, 1, 1),
            synthetic=False,
            source_note="x",
        )


def test_district_table(joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> None:
    table = report.district_table(joined, districts, covered_share=pd.Series({"A": 0.5, "B": 1 / 3}))
    assert table["District"].tolist() == ["Beta", "Alpha"]
    assert table["Incidents"].tolist() == [3, 2]
    assert table["Per 1,000 residents"].tolist() == [0.75, 2.0]
    assert table["Share of Kent (%)"].tolist() == [60.0, 40.0]
    assert table["Reached in target (%)"].tolist() == [33.3, 50.0]


def test_summary_csv_and_png(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    s = report.summarise(
        joined, districts, bases, as_of=dt.date(2025, 11, 21), synthetic=True, source_note="demo"
    )
    table = report.district_table(joined, districts)
    text = report.summary_csv(s, table).decode("utf-8-sig")
    assert "Joint incidents in Kent,5" in text
    assert "Reached within target (in hours),not computed" in text
    assert "Beta,3,0.75,60.0" in text
    assert "Open Government Licence" in text
    rates = pd.DataFrame({"district_code": ["A", "B"], "rate_per_1000": [2.0, 0.75]})
    png = report.summary_png(s, table, districts, bases, rates=rates)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert imread(io.BytesIO(png)).shape[:2] == (720, 1280)
    assert "Open Government Licence" in ATTRIBUTION
