"""The week: day names, minute and hour of the week, and the night-belongs-to-its-start rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jru_geo.errors import JruGeoError, TimestampError
from jru_geo.io.scenario import Shift
from jru_geo.week import (
    DAY_NAMES,
    DAYS,
    HOURS_PER_WEEK,
    MINUTES_PER_WEEK,
    SERVICE_HOURS,
    clock_minutes,
    hour_of_week,
    minute_of_week,
    service_day_of,
    shift_minutes,
    week_mask,
    week_slice,
    weekly_hours_of,
)


def test_constants_and_day_names() -> None:
    assert DAYS == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert DAY_NAMES == DAYS
    assert (HOURS_PER_WEEK, MINUTES_PER_WEEK) == (168, 10_080)


@pytest.mark.parametrize(
    ("stamp", "minute", "hour"),
    [
        ("2020-11-02 00:00", 0, 0),  # a Monday
        ("2020-11-06 18:30", 4 * 1440 + 18 * 60 + 30, 4 * 24 + 18),  # Friday evening
        ("2020-11-08 23:59", 10_079, 167),  # the last minute of Sunday
    ],
)
def test_minute_and_hour_of_week(stamp: str, minute: int, hour: int) -> None:
    times = pd.Series(pd.to_datetime([stamp]))
    assert minute_of_week(times).tolist() == [minute]
    assert hour_of_week(times).tolist() == [hour]
    assert minute_of_week(pd.DatetimeIndex(times)).tolist() == [minute]


def test_missing_times_are_nan_and_aware_times_are_uk_wall_clock() -> None:
    assert np.isnan(minute_of_week(pd.Series(pd.to_datetime([None])))).all()
    summer_utc = pd.Series(pd.to_datetime(["2020-07-06 17:00"]).tz_localize("UTC"))  # 18:00 BST
    assert minute_of_week(summer_utc).tolist() == [18 * 60]
    assert hour_of_week(summer_utc).tolist() == [18]


def test_non_datetimes_are_a_clear_error() -> None:
    with pytest.raises(TimestampError, match="convert with pandas.to_datetime"):
        minute_of_week(pd.Series(["2020-11-02 00:00"]))
    assert issubclass(TimestampError, TypeError) and issubclass(TimestampError, JruGeoError)


def test_a_night_belongs_to_the_day_it_starts() -> None:
    friday = shift_minutes("Fri", "18:00", 8 * 60)
    assert friday[0] == 4 * 1440 + 18 * 60
    assert friday[-1] == 5 * 1440 + 2 * 60 - 1  # 01:59 on Saturday
    sunday = shift_minutes("Sun", "22:00", 4 * 60)
    assert sunday[0] == 6 * 1440 + 22 * 60
    assert sunday[-1] == 2 * 60 - 1  # wraps into Monday morning
    assert len(np.unique(sunday)) == 240


def test_clock_minutes() -> None:
    assert clock_minutes("00:00") == 0
    assert clock_minutes("23:59") == 1439


def test_week_mask_merges_overlaps_and_counts_hours_once() -> None:
    shifts = [
        Shift(days=["Fri"], start="18:00", end="02:00"),
        Shift(days=["Fri"], start="20:00", end="22:00"),  # inside the first
        Shift(days=["Sun"], start="23:00", end="01:00"),  # wraps into Monday
    ]
    mask = week_mask(shifts)
    assert mask.shape == (MINUTES_PER_WEEK,) and mask.sum() == 10 * 60
    assert mask[5 * 1440 + 60] and not mask[5 * 1440 + 120]  # Sat 01:00 on, 02:00 off
    assert mask[0] and mask[59] and not mask[60]  # Monday 00:00-01:00 from Sunday night
    assert weekly_hours_of(shifts) == 10.0
    assert weekly_hours_of([]) == 0.0


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def _at(day: int, hour: int) -> int:
    return day * 24 + hour


def test_week_slice_puts_a_night_with_the_day_it_starts() -> None:
    mask = week_slice((FRI, SAT), (18, 2))  # Fri + Sat nights 18:00-02:00
    assert mask.shape == (HOURS_PER_WEEK,) and mask.dtype == bool
    assert mask.sum() == 2 * 8
    assert mask[_at(FRI, 18)] and mask[_at(FRI, 23)] and mask[_at(SAT, 18)] and mask[_at(SAT, 23)]
    assert mask[_at(SAT, 0)] and mask[_at(SAT, 1)]  # Friday's night
    assert mask[_at(SUN, 0)] and mask[_at(SUN, 1)]  # Saturday's night
    assert not mask[_at(FRI, 0)] and not mask[_at(FRI, 1)]  # Thursday's night
    assert not mask[_at(SAT, 2)] and not mask[_at(SUN, 2)] and not mask[_at(FRI, 17)]


def test_week_slice_wraps_sunday_night_into_monday() -> None:
    mask = week_slice((SUN,), (22, 3))
    assert np.flatnonzero(mask).tolist() == [0, 1, 2, _at(SUN, 22), _at(SUN, 23)]


def test_week_slice_matches_the_shifts_of_the_same_days_and_hours() -> None:
    by_filter = week_slice((FRI, SAT), (18, 2))
    shifts = [Shift(days=["Fri", "Sat"], start="18:00", end="02:00")]
    by_shift = week_mask(shifts).reshape(HOURS_PER_WEEK, 60).all(axis=1)
    assert np.array_equal(by_filter, by_shift)


@pytest.mark.parametrize(
    ("days", "hours", "expected_hours"),
    [
        (None, None, 168),  # no restriction at all
        ((MON,), None, 24),
        ((MON,), (0, 24), 24),
        (None, (9, 17), 7 * 8),
        (None, (18, 2), 7 * 8),  # every night: the union is the same hours every day
        ((WED,), (0, 2), 2),  # a window not past midnight stays on its own day
        ((MON, MON), (10, 11), 1),  # a day given twice counts once
    ],
)
def test_week_slice_sizes(
    days: tuple[int, ...] | None, hours: tuple[int, int] | None, expected_hours: int
) -> None:
    assert int(week_slice(days, hours).sum()) == expected_hours


def test_week_slice_same_day_window() -> None:
    assert np.flatnonzero(week_slice((WED,), (0, 2))).tolist() == [_at(WED, 0), _at(WED, 1)]


@pytest.mark.parametrize(
    ("days", "hours", "match"),
    [((7,), None, "0 \\(Monday\\) to 6"), (None, (5, 5), "start != end"), (None, (18, 25), "hours 0-24")],
)
def test_week_slice_rejects_bad_input(
    days: tuple[int, ...] | None, hours: tuple[int, int] | None, match: str
) -> None:
    with pytest.raises(JruGeoError, match=match):
        week_slice(days, hours)


def test_service_days_run_from_six_to_six() -> None:
    assert SERVICE_HOURS == (*range(6, 24), *range(6))
    hours = [_at(SAT, 1), _at(SAT, 5), _at(SAT, 6), _at(MON, 0), _at(SUN, 23), _at(FRI, 6)]
    assert [DAY_NAMES[d] for d in service_day_of(hours)] == ["Fri", "Fri", "Sat", "Sun", "Sun", "Fri"]
