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
    clock_minutes,
    hour_of_week,
    minute_of_week,
    shift_minutes,
    week_mask,
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
