"""Tests for jru_geo.filters on small hand-made incident frames."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from jru_geo.areas.filters import IncidentFilter, apply_filter, data_extent, describe_filter, filter_incidents
from jru_geo.errors import JruGeoError

MEDWAY, SWALE = "E06000035", "E07000113"


def _frame(rows: list[tuple[str, str, str, str | None]]) -> gpd.GeoDataFrame:
    """rows: (time, precision, category, district_code)."""
    index = pd.Index([10 * i for i in range(len(rows))])
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"I{i}" for i in range(len(rows))],
            "time": pd.to_datetime([r[0] for r in rows], format="ISO8601"),
            "time_precision": [r[1] for r in rows],
            "category": [r[2] for r in rows],
            "district_code": pd.Series([r[3] for r in rows], dtype="string", index=index),
        },
        geometry=[Point(i, i) for i in range(len(rows))],
        crs="EPSG:27700",
        index=index,
    )


@pytest.fixture
def incidents() -> gpd.GeoDataFrame:
    # 2025-01-03 is a Friday, 2025-01-04 a Saturday, 2025-01-06 a Monday.
    return _frame(
        [
            ("2025-01-03 19:30", "minute", "violence", MEDWAY),  # I0 Fri evening
            ("2025-01-04 01:15", "minute", "alcohol", MEDWAY),  # I1 Sat early hours
            ("2025-01-06 12:00", "minute", "rtc", SWALE),  # I2 Mon midday
            ("2025-02-01 00:00", "month", "violence", SWALE),  # I3 police.uk February
            ("2025-01-03 00:00", "day", "welfare", None),  # I4 outside Kent, date only
        ]
    )


def _ids(out: gpd.GeoDataFrame) -> list[str]:
    return out["incident_id"].tolist()


def test_empty_filter_keeps_everything_and_copies(incidents: gpd.GeoDataFrame) -> None:
    result = filter_incidents(incidents, IncidentFilter())
    out = result.incidents
    assert _ids(out) == ["I0", "I1", "I2", "I3", "I4"]
    assert out.index.tolist() == [0, 10, 20, 30, 40]
    assert result.month_precision_excluded == 0
    out.loc[0, "category"] = "changed"
    assert incidents.loc[0, "category"] == "violence"


@pytest.mark.parametrize(
    ("f", "expected", "excluded"),
    [
        (IncidentFilter(days=(4,)), ["I0", "I4"], 1),  # I4 has its date so passes the day filter
        (IncidentFilter(days=(5, 6)), ["I1"], 1),
        (IncidentFilter(hours=(18, 2)), ["I0", "I1"], 2),  # crosses midnight; I3 and I4 unknown hour
        (IncidentFilter(hours=(12, 13)), ["I2"], 2),
        (IncidentFilter(hours=(0, 24)), ["I0", "I1", "I2", "I3", "I4"], 0),  # whole day: no restriction
        (IncidentFilter(days=tuple(range(7))), ["I0", "I1", "I2", "I3", "I4"], 0),
        # Friday's night runs to Saturday 02:00: I1 (Sat 01:15) is in it; Saturday's night is not
        (IncidentFilter(days=(4,), hours=(18, 2)), ["I0", "I1"], 2),
        (IncidentFilter(days=(5,), hours=(18, 2)), [], 2),
        (IncidentFilter(categories=("violence",)), ["I0", "I3"], 0),
        (IncidentFilter(categories=()), [], 0),
        (IncidentFilter(districts=(SWALE,)), ["I2", "I3"], 0),
        (IncidentFilter(districts=(SWALE,), hours=(18, 2)), [], 1),  # only I3 is counted as excluded
    ],
)
def test_time_category_district_filters(
    incidents: gpd.GeoDataFrame, f: IncidentFilter, expected: list[str], excluded: int
) -> None:
    result = filter_incidents(incidents, f)
    assert _ids(result.incidents) == expected
    assert _ids(apply_filter(incidents, f)) == expected
    assert result.month_precision_excluded == excluded


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2025, 1, 4), None, ["I1", "I2", "I3"]),
        (None, dt.date(2025, 1, 3), ["I0", "I4"]),
        (dt.date(2025, 1, 3), dt.date(2025, 1, 3), ["I0", "I4"]),  # both ends inclusive
        (dt.date(2025, 2, 20), dt.date(2025, 3, 1), ["I3"]),  # month row overlaps the end of February
        (dt.date(2025, 3, 1), None, []),
    ],
)
def test_date_range(
    incidents: gpd.GeoDataFrame, start: dt.date | None, end: dt.date | None, expected: list[str]
) -> None:
    assert _ids(apply_filter(incidents, IncidentFilter(start_date=start, end_date=end))) == expected


# 2025-01-02 is a Thursday; Fri 3, Sat 4, Sun 5, Mon 6 January 2025.
NIGHTS = [
    ("2025-01-02 23:30", "Thu 23:30", False),
    ("2025-01-03 00:30", "Fri 00:30 (Thursday's night)", False),
    ("2025-01-03 01:59", "Fri 01:59 (Thursday's night)", False),
    ("2025-01-03 17:59", "Fri 17:59", False),
    ("2025-01-03 18:00", "Fri 18:00", True),
    ("2025-01-04 01:59", "Sat 01:59 (Friday's night)", True),
    ("2025-01-04 02:00", "Sat 02:00", False),
    ("2025-01-04 18:00", "Sat 18:00", True),
    ("2025-01-05 00:00", "Sun 00:00 (Saturday's night)", True),
    ("2025-01-05 01:59", "Sun 01:59 (Saturday's night)", True),
    ("2025-01-05 02:00", "Sun 02:00", False),
    ("2025-01-05 18:00", "Sun 18:00", False),
]


def test_fri_and_sat_nights_keep_their_early_hours_not_thursdays() -> None:
    frame = _frame([(t, "minute", "violence", MEDWAY) for t, _, _ in NIGHTS])
    f = IncidentFilter(days=(4, 5), hours=(18, 2))
    kept = set(filter_incidents(frame, f).incidents["incident_id"])
    got = {what: f"I{i}" in kept for i, (_, what, _) in enumerate(NIGHTS)}
    assert got == {what: keep for _, what, keep in NIGHTS}


def test_sunday_night_wraps_into_monday() -> None:
    frame = _frame(
        [
            ("2025-01-05 23:00", "minute", "a", MEDWAY),  # Sun 23:00
            ("2025-01-06 00:30", "minute", "a", MEDWAY),  # Mon 00:30: Sunday's night
            ("2025-01-06 01:00", "minute", "a", MEDWAY),  # Mon 01:00: after the window
            ("2025-01-06 23:30", "minute", "a", MEDWAY),  # Mon 23:30: not a Sunday
        ]
    )
    out = filter_incidents(frame, IncidentFilter(days=(6,), hours=(22, 1))).incidents
    assert _ids(out) == ["I0", "I1"]


def test_week_hours_is_the_slice_or_none() -> None:
    assert IncidentFilter().week_hours is None
    assert IncidentFilter(hours=(0, 24), days=tuple(range(7))).week_hours is None
    assert IncidentFilter(categories=("violence",)).week_hours is None
    hours = IncidentFilter(days=(4, 5), hours=(18, 2)).week_hours
    assert hours is not None and hours.shape == (168,) and hours.dtype == bool
    assert hours.sum() == 16 and hours[5 * 24 + 1] and hours[6 * 24 + 1] and not hours[4 * 24 + 1]
    friday = IncidentFilter(days=(4,)).week_hours
    assert friday is not None and np.flatnonzero(friday).tolist() == list(range(96, 120))
    every_night = IncidentFilter(hours=(18, 2)).week_hours
    assert every_night is not None and every_night.sum() == 7 * 8
    # a new array each time: the caller may change it
    again = IncidentFilter(days=(4, 5), hours=(18, 2)).week_hours
    assert again is not None and again is not hours


def test_day_and_month_rows_keep_their_documented_treatment() -> None:
    frame = _frame(
        [
            ("2025-01-03 00:00", "day", "a", MEDWAY),  # I0 Friday, date only
            ("2025-01-04 00:00", "day", "a", MEDWAY),  # I1 Saturday, date only
            ("2025-01-01 00:00", "month", "a", MEDWAY),  # I2 police.uk January
        ]
    )
    days_only = filter_incidents(frame, IncidentFilter(days=(4,)))
    assert (_ids(days_only.incidents), days_only.month_precision_excluded) == (["I0"], 1)
    nights = filter_incidents(frame, IncidentFilter(days=(4,), hours=(18, 2)))
    assert (_ids(nights.incidents), nights.month_precision_excluded) == ([], 3)


def test_empty_input_returns_empty_frame(incidents: gpd.GeoDataFrame) -> None:
    out = apply_filter(incidents.iloc[:0], IncidentFilter(days=(4,), categories=("rtc",)))
    assert len(out) == 0 and list(out.columns) == list(incidents.columns)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start_date": dt.date(2025, 2, 1), "end_date": dt.date(2025, 1, 1)}, "after end_date"),
        ({"days": (7,)}, "0 \\(Monday\\) to 6"),
        ({"hours": (18, 25)}, "hours 0-24"),
        ({"hours": (5, 5)}, "no time at all"),
    ],
)
def test_invalid_filters_raise(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(JruGeoError, match=match):
        IncidentFilter(**kwargs)  # type: ignore[arg-type]


def test_missing_columns_raise(incidents: gpd.GeoDataFrame) -> None:
    with pytest.raises(JruGeoError, match="assign_areas"):
        apply_filter(incidents.drop(columns=["district_code"]), IncidentFilter())


def test_data_extent(incidents: gpd.GeoDataFrame) -> None:
    ext = data_extent(incidents)
    assert ext.first_date == dt.date(2025, 1, 3)
    assert ext.last_date == dt.date(2025, 2, 28)  # the February month row runs to the month's end
    assert ext.categories == ("alcohol", "rtc", "violence", "welfare")
    assert ext.n_month_precision == 1


def test_describe_filter() -> None:
    f = IncidentFilter(days=(5, 4), hours=(18, 2), districts=(MEDWAY,))
    assert (
        describe_filter(f, district_names={MEDWAY: "Medway"})
        == "Fri and Sat nights 18:00-02:00 (nights belong to the day they start); Medway"
    )
    assert describe_filter(IncidentFilter()) == "all incidents"


@pytest.mark.parametrize(
    ("f", "text"),
    [
        (IncidentFilter(days=(4,)), "Fri"),
        (IncidentFilter(days=(0, 1, 2)), "Mon, Tue and Wed"),
        (IncidentFilter(days=(5,), hours=(10, 16)), "Sat 10:00-16:00"),
        (IncidentFilter(hours=(18, 2)), "18:00-02:00 every day"),
        (IncidentFilter(hours=(18, 24)), "18:00-00:00 every day"),
        (IncidentFilter(categories=("violence", "mystery")), "Violence/assault, mystery"),
        (IncidentFilter(source_categories=("Public order",)), "as in the file: Public order"),
        (
            IncidentFilter(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 31)),
            "1 Jan 2025 to 31 Mar 2025",
        ),
    ],
)
def test_describe_filter_parts(f: IncidentFilter, text: str) -> None:
    assert describe_filter(f) == text


def test_describe_filter_can_leave_the_dates_to_the_period() -> None:
    f = IncidentFilter(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 31), days=(4,))
    assert describe_filter(f, include_dates=False) == "Fri"
    assert (
        describe_filter(IncidentFilter(start_date=dt.date(2025, 1, 1)), include_dates=False)
        == "all incidents"
    )


_TIMES = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2025, 12, 31))
_ROWS = st.lists(
    st.tuples(
        _TIMES,
        st.sampled_from(["minute", "month", "day"]),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([MEDWAY, SWALE, None]),
    ),
    max_size=30,
)
_FILTERS = st.builds(
    IncidentFilter,
    days=st.none() | st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(tuple),
    hours=st.none() | st.tuples(st.integers(0, 24), st.integers(0, 24)).filter(lambda h: h[0] != h[1]),
    categories=st.none() | st.lists(st.sampled_from(["a", "b", "c"]), unique=True).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(rows=_ROWS, f=_FILTERS)
def test_filter_properties(rows: list[tuple[dt.datetime, str, str, str | None]], f: IncidentFilter) -> None:
    frame = _frame([(t.isoformat(), p, c, d) for t, p, c, d in rows])
    out = apply_filter(frame, f)
    # A subset of the input, in input order, and filtering twice changes nothing.
    assert set(out.index) <= set(frame.index)
    assert out.index.is_monotonic_increasing
    assert _ids(apply_filter(out, f)) == _ids(out)
    # Kept + excluded-for-unknown-time never exceeds what passes without the time-of-week restriction.
    loose = apply_filter(frame, IncidentFilter(categories=f.categories))
    assert len(out) + filter_incidents(frame, f).month_precision_excluded <= len(loose)
    if not f.restricts_time_of_week:
        assert len(out) == len(loose)
    # minute-precision rows pass exactly when their hour of the week is in the slice
    slice_ = f.week_hours
    if slice_ is not None:
        timed = frame[frame["time_precision"] == "minute"]
        how = timed["time"].dt.day_of_week * 24 + timed["time"].dt.hour
        in_slice = timed.index[slice_[how.to_numpy()]]
        in_categories = (
            frame.index if f.categories is None else frame.index[frame["category"].isin(f.categories)]
        )
        assert set(out.index[frame.loc[out.index, "time_precision"] == "minute"]) == set(in_slice) & set(
            in_categories
        )
