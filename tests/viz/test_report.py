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
            "source": ["demo"] * 6,
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
    assert s.headline.label == "Joint incidents" and s.headline.share_note == ""
    assert s.as_of_line.startswith(
        "Synthetic demo data, not real incidents. As of 21 Nov 2025; 5 joint incidents in Kent, "
        "1 Mar 2025 to 30 Jun 2025; all incidents."
    )


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


def _policeuk(joined: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The same rows as police.uk months: Jan, Jan, Feb, Mar, Mar (in Kent) and Apr (outside)."""
    months = ["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01", "2025-03-01", "2025-04-01"]
    return joined.assign(time=pd.to_datetime(months), time_precision="month", source="policeuk")


def test_policeuk_summary_names_crimes_the_share_and_the_months(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    s = report.summarise(
        _policeuk(joined),
        districts,
        bases,
        as_of=dt.date(2025, 11, 21),
        synthetic=False,
        source_note="uploaded",
        filter_note="Fri",
        demand_share=0.4,
    )
    assert s.headline.label == "Police-recorded crimes"
    assert s.headline.text == "5 police-recorded crimes; 40% taken as JRU calls = 2"
    # the March month runs to its last day; the period is said once
    assert s.period == "1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)"
    assert s.as_of_line == (
        "As of 21 Nov 2025; 5 police-recorded crimes in Kent, "
        "1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only); Fri."
    )
    table = report.district_table(_policeuk(joined), districts)
    text = report.summary_csv(s, table).decode("utf-8-sig")
    assert "Police-recorded crimes in Kent,5\n" in text
    assert "Taken as JRU calls,2 (40%)\n" in text
    assert "Joint incidents" not in text
    assert "Period,1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)\n" in text
    rows = dict(report._headline_rows(s))
    assert rows["Police-recorded crimes"] == "5" and rows["Taken as JRU calls"] == "2 (40%)"
    assert "Joint incidents" not in rows


def test_day_precision_collisions_summary(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    days = joined.assign(time=joined["time"].dt.normalize(), time_precision="day", source="stats19")
    s = report.summarise(days, districts, bases, as_of=dt.date(2025, 1, 1), synthetic=False, source_note="x")
    assert (s.headline.label, s.period) == ("Collisions", "1 Mar 2025 to 30 Jun 2025")


def test_mixed_sources_summary(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    mixed = joined.assign(source=["policeuk", "policeuk", "stats19", "stats19", "stats19", "policeuk"])
    s = report.summarise(mixed, districts, bases, as_of=dt.date(2025, 1, 1), synthetic=False, source_note="x")
    assert s.headline.label == "Incidents (mixed sources)"
    assert s.headline.count_text == "5 incidents from mixed sources (3 collisions, 2 police-recorded crimes)"


def test_png_draws_user_text_as_written(
    joined: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, bases: gpd.GeoDataFrame
) -> None:
    # a category name from a file with "$...$" would be mathtext, and "$\frac{$" fails to parse
    s = report.summarise(
        joined,
        districts,
        bases.assign(vehicle_id=["$\\frac{$", "J2"]),
        as_of=dt.date(2025, 1, 1),
        synthetic=False,
        source_note="x",
        filter_note="as in the file: Price $\\frac{$",
    )
    png = report.summary_png(
        s, report.district_table(joined, districts), districts, bases.assign(vehicle_id=["$\\frac{$", "J2"])
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_print_summary_is_2400_wide_with_the_period_and_every_district() -> None:
    from matplotlib.image import imread

    from jru_geo.areas.join import assign_areas
    from jru_geo.io import boundaries as b
    from jru_geo.io.bases import resolve_bases as rb
    from jru_geo.io.demo import demo_incidents
    from jru_geo.io.scenario_files import load_default_scenario as lds

    lsoas, districts = b.load_lsoas(), b.load_districts()
    joined = assign_areas(demo_incidents(lsoas).head(3000), districts, lsoas)
    bases = rb(lds())
    s = report.summarise(
        joined, districts, bases, as_of=dt.date(2026, 12, 2), synthetic=True, source_note="demo (synthetic)"
    )
    table = report.district_table(joined, districts)
    png = report.summary_png(s, table, districts, bases, size="print")
    assert imread(io.BytesIO(png)).shape[:2] == (1350, 2400)
    assert report.summary_title(s).startswith("Kent Joint Response Units, 1 Jan 2025 to ")
    alt = report.summary_alt_text(s, table)
    assert f"all {len(table)} districts" in alt and "Synthetic demo data" in alt
    assert len(table) == 13
