"""IncidentFilter.from_labels: the sidebar's widget labels turned into a filter of codes."""

from __future__ import annotations

import datetime as dt

import pytest

from jru_geo.areas.filters import IncidentFilter
from jru_geo.errors import FilterError

CATEGORIES = {"violence": "Violence", "rtc": "Road collision"}
DISTRICTS = {"E06000035": "Medway", "E07000110": "Maidstone"}


def test_no_widget_values_give_an_empty_filter() -> None:
    assert IncidentFilter.from_labels() == IncidentFilter()
    assert IncidentFilter.from_labels().is_empty


def test_labels_become_codes() -> None:
    flt = IncidentFilter.from_labels(
        dates=(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        days=["Fri", "Sat"],
        hours=(18, 2),
        categories=["Violence", "rtc", "other"],
        districts=["Medway"],
        category_labels=CATEGORIES,
        district_labels=DISTRICTS,
    )
    assert flt == IncidentFilter(
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 3, 31),
        days=(4, 5),
        hours=(18, 2),
        categories=("violence", "rtc", "other"),
        districts=("E06000035",),
    )


@pytest.mark.parametrize("hours", [(0, 24), (0, 0), (24, 24), (7, 7)])
def test_a_whole_day_or_empty_hour_range_is_no_restriction(hours: tuple[int, int]) -> None:
    assert IncidentFilter.from_labels(hours=hours).hours is None


@pytest.mark.parametrize("days", [None, [], ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]])
def test_no_day_or_every_day_is_no_restriction(days: list[str] | None) -> None:
    assert IncidentFilter.from_labels(days=days).days is None


@pytest.mark.parametrize("dates", [None, (dt.date(2025, 1, 1),), [dt.date(2025, 1, 1)] * 3])
def test_anything_but_a_pair_of_dates_is_no_date_restriction(dates: tuple[dt.date, ...] | None) -> None:
    flt = IncidentFilter.from_labels(dates=dates)
    assert flt.start_date is None and flt.end_date is None


def test_an_unknown_day_name_is_a_filter_error() -> None:
    with pytest.raises(FilterError, match="unknown day names"):
        IncidentFilter.from_labels(days=["Funday"])
