"""The week: day names, minutes and hours of the week, and where a night shift belongs.

JRU Geo models one repeating week of local (UK) wall-clock time, Monday 00:00 first:

- days are ``Mon`` .. ``Sun`` (:data:`DAYS`), index 0 is Monday as in
  ``pandas.Series.dt.day_of_week``;
- a time is placed in the week by :func:`minute_of_week` (0 to 10,079) or :func:`hour_of_week`
  (0 to 167); naive times are taken as UK wall-clock time, time-zone-aware times are converted to
  Europe/London first;
- **a night belongs to the day its shift starts**: a ``Fri 18:00-02:00`` shift is Friday's, and
  its last two hours fall in the first minutes of Saturday. :func:`shift_minutes` applies the rule,
  wrapping Sunday nights into Monday morning, and :func:`week_mask` turns a vehicle's shifts into
  the minutes of the week it is on (overlaps merged); a shift whose end is not after its start runs
  past midnight, and one whose end equals its start lasts the whole day;
- the same rule holds for a slice of the week chosen by days and hours (the sidebar's filter):
  :func:`week_slice` gives ``Fri, Sat 18:00-02:00`` as Friday 18:00 to Saturday 02:00 and Saturday
  18:00 to Sunday 02:00, never Friday 00:00-02:00 (that is Thursday's night);
- charts by hour of the week show it with *service days* (:func:`service_day_of`): a service day runs
  from :data:`SERVICE_DAY_START_HOUR` (06:00) to 05:59 the next morning, so the early hours are
  drawn with the night they belong to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_geo.errors import FilterError, TimestampError

__all__ = [
    "Day",
    "DAYS",
    "DAY_NAMES",
    "MINUTES_PER_HOUR",
    "HOURS_PER_DAY",
    "MINUTES_PER_DAY",
    "HOURS_PER_WEEK",
    "MINUTES_PER_WEEK",
    "WEEKS_PER_YEAR",
    "LOCAL_TZ",
    "clock_minutes",
    "shift_minutes",
    "ShiftLike",
    "week_mask",
    "weekly_hours_of",
    "minute_of_week",
    "hour_of_week",
    "week_slice",
    "SERVICE_DAY_START_HOUR",
    "SERVICE_HOURS",
    "service_day_of",
]

Day = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAYS: tuple[Day, ...] = get_args(Day)
"""Days in week order; index 0 is Monday, as in ``pandas.Series.dt.day_of_week``."""

DAY_NAMES: tuple[str, ...] = DAYS
"""The same day names as plain strings, for labels and widgets."""

MINUTES_PER_HOUR = 60
HOURS_PER_DAY = 24
MINUTES_PER_DAY = HOURS_PER_DAY * MINUTES_PER_HOUR
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
WEEKS_PER_YEAR = 365.25 / 7
"""Weeks in an average year (52.18): a week's figures times this are a year's."""
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

LOCAL_TZ = "Europe/London"
"""The wall clock the week is counted in."""
_LOCAL_TZ = LOCAL_TZ

_DAY_ALIASES: dict[str, Day] = {
    **{d.lower(): d for d in DAYS},
    "monday": "Mon",
    "tuesday": "Tue",
    "tues": "Tue",
    "wednesday": "Wed",
    "thursday": "Thu",
    "thur": "Thu",
    "thurs": "Thu",
    "friday": "Fri",
    "saturday": "Sat",
    "sunday": "Sun",
}


def clock_minutes(hhmm: str) -> int:
    """Convert an ``HH:MM`` clock time to minutes after midnight.

    Parameters
    ----------
    hhmm
        A valid clock time such as ``"18:00"`` (scenario validation checks the format).

    Returns
    -------
    int
        Minutes after midnight, 0 to 1,439.

    Examples
    --------
    >>> clock_minutes("18:30")
    1110
    """
    hours, minutes = hhmm.split(":")
    return int(hours) * MINUTES_PER_HOUR + int(minutes)


_minutes = clock_minutes


def shift_minutes(day: Day, start: str, duration_min: int) -> NDArray[np.int64]:
    """Give the minutes of the week a shift covers, counted from the day it starts.

    Parameters
    ----------
    day
        The day the shift starts (its night belongs to this day).
    start
        Start time, ``HH:MM``.
    duration_min
        Length in minutes; a shift past midnight runs on into the next day, and Sunday's into
        Monday's first minutes.

    Returns
    -------
    ndarray of int64
        Minute-of-week indices (0 to 10,079), from the start minute, excluding the end minute.

    Examples
    --------
    >>> m = shift_minutes("Sun", "23:00", 120)
    >>> int(m[0]), int(m[-1])
    (10020, 59)
    """
    begin = DAYS.index(day) * MINUTES_PER_DAY + clock_minutes(start)
    return (begin + np.arange(duration_min, dtype=np.int64)) % MINUTES_PER_WEEK


class ShiftLike(Protocol):
    """Anything shaped like a scenario shift (:class:`jru_geo.io.scenario.Shift`)."""

    @property
    def days(self) -> Sequence[Day]:
        """The days the shift starts on."""
        ...

    @property
    def start(self) -> str:
        """Start time, ``HH:MM``."""
        ...

    @property
    def duration_min(self) -> int:
        """Length of one occurrence in minutes."""
        ...


def week_mask(shifts: Iterable[ShiftLike]) -> NDArray[np.bool_]:
    """Turn weekly shifts into the minutes of the week they cover.

    Each occurrence is placed with :func:`shift_minutes`, so a night belongs to the day its shift
    starts. Overlapping shifts are merged.

    Parameters
    ----------
    shifts
        The shifts of one vehicle.

    Returns
    -------
    ndarray of bool
        :data:`MINUTES_PER_WEEK` flags, index 0 Monday 00:00-00:01; ``True`` when on shift.
    """
    mask = np.zeros(MINUTES_PER_WEEK, dtype=bool)
    for shift in shifts:
        for day in set(shift.days):
            mask[shift_minutes(day, shift.start, shift.duration_min)] = True
    return mask


def weekly_hours_of(shifts: Iterable[ShiftLike]) -> float:
    """Count the hours a week covered by the shifts (overlaps counted once).

    Parameters
    ----------
    shifts
        The shifts of one vehicle.

    Returns
    -------
    float
        Hours on shift in a week, 0 to 168.
    """
    return float(week_mask(shifts).sum()) / 60.0


def minute_of_week(times: pd.Series | pd.DatetimeIndex) -> NDArray[np.float64]:
    """Place each time in the week, to the minute (Monday 00:00 is 0).

    Parameters
    ----------
    times
        Datetimes. Naive times are taken as UK wall-clock time; time-zone-aware times are converted
        to Europe/London first.

    Returns
    -------
    ndarray of float
        Minute of the week (0 to 10,079) aligned with ``times``; NaN where a time is missing (NaT).

    Raises
    ------
    TimestampError
        ``times`` does not hold datetimes.

    Examples
    --------
    >>> minute_of_week(pd.Series(pd.to_datetime(["2020-11-06 23:59", None]))).tolist()
    [7199.0, nan]
    """
    stamps = _local(times)
    minute = stamps.day_of_week * MINUTES_PER_DAY + stamps.hour * MINUTES_PER_HOUR + stamps.minute
    return minute.to_numpy(dtype=float, na_value=np.nan)


def hour_of_week(times: pd.Series | pd.DatetimeIndex) -> NDArray[np.float64]:
    """Place each time in the week, to the hour (Monday 00:00-01:00 is 0).

    Parameters
    ----------
    times
        Datetimes, as for :func:`minute_of_week`.

    Returns
    -------
    ndarray of float
        Hour of the week (0 to 167) aligned with ``times``; NaN where a time is missing (NaT).

    Raises
    ------
    TimestampError
        ``times`` does not hold datetimes.

    Examples
    --------
    >>> hour_of_week(pd.Series(pd.to_datetime(["2020-11-02 00:30", "2020-11-08 23:00"]))).tolist()
    [0.0, 167.0]
    """
    stamps = _local(times)
    return (stamps.day_of_week * HOURS_PER_DAY + stamps.hour).to_numpy(dtype=float, na_value=np.nan)


def week_slice(days: Sequence[int] | None, hours: tuple[int, int] | None) -> NDArray[np.bool_]:
    """Mark the hours of the week that some days and a clock window choose, nights with their start.

    For each chosen day ``d`` the window runs from ``start_hour:00`` on day ``d`` up to (not
    including) ``end_hour:00``; when ``start_hour > end_hour`` it runs past midnight, and the hours
    after midnight are on day ``d + 1`` (Sunday's on Monday), as for a scenario shift
    (:func:`shift_minutes`).

    Parameters
    ----------
    days
        Days 0 (Monday) to 6 (Sunday); ``None`` means every day.
    hours
        ``(start_hour, end_hour)``, hours 0-24; ``None`` or ``(0, 24)`` means the whole day. Equal
        hours select no time and are an error.

    Returns
    -------
    ndarray of bool
        :data:`HOURS_PER_WEEK` (168) flags, index 0 Monday 00:00-01:00; ``True`` in the slice.

    Raises
    ------
    FilterError
        A day outside 0-6, an hour outside 0-24 or equal start and end hours.

    Examples
    --------
    >>> mask = week_slice((4, 5), (18, 2))  # Fri and Sat nights 18:00-02:00
    >>> [DAY_NAMES[h // 24] + f" {h % 24:02d}" for h in np.flatnonzero(mask) if h % 24 < 2]
    ['Sat 00', 'Sat 01', 'Sun 00', 'Sun 01']
    >>> int(week_slice((6,), (22, 1)).sum()), bool(week_slice((6,), (22, 1))[0])  # Sunday wraps
    (3, True)
    """
    chosen = range(7) if days is None else tuple(days)
    start, end = (0, HOURS_PER_DAY) if hours is None else (int(hours[0]), int(hours[1]))
    if any(d not in range(7) for d in chosen):
        raise FilterError(f"days must be 0 (Monday) to 6 (Sunday), got {tuple(chosen)!r}")
    if not (0 <= start <= HOURS_PER_DAY and 0 <= end <= HOURS_PER_DAY) or start == end:
        raise FilterError(
            f"hours must be (start_hour, end_hour) with hours 0-24 and start != end, got {hours!r}; "
            "use (0, 24) for the whole day"
        )
    length = end - start if start < end else end + HOURS_PER_DAY - start
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    for day in set(chosen):
        mask[(day * HOURS_PER_DAY + start + np.arange(length)) % HOURS_PER_WEEK] = True
    return mask


SERVICE_DAY_START_HOUR = 6
"""The hour a service day starts in charts: 00:00-05:59 are drawn with the night before."""

SERVICE_HOURS: tuple[int, ...] = tuple(
    (SERVICE_DAY_START_HOUR + k) % HOURS_PER_DAY for k in range(HOURS_PER_DAY)
)
"""Clock hours in service-day order: 6, 7, ..., 23, 0, ..., 5."""


def service_day_of(hours_of_week: NDArray[np.integer] | Sequence[int]) -> NDArray[np.int64]:
    """Give the service day (0 = Monday) of each hour of the week: the day whose night it is in.

    A service day runs from :data:`SERVICE_DAY_START_HOUR` (06:00) to 05:59 the next morning, so
    Saturday 01:00 is in Friday's and Monday 03:00 in Sunday's.

    Parameters
    ----------
    hours_of_week
        Hours of the week, 0 (Monday 00:00) to 167.

    Returns
    -------
    ndarray of int64
        Day indices 0-6 aligned with the input.

    Examples
    --------
    >>> [DAY_NAMES[d] for d in service_day_of([5 * 24 + 1, 0, 4 * 24 + 6])]
    ['Fri', 'Sun', 'Fri']
    """
    hours = np.asarray(hours_of_week, dtype=np.int64)
    return ((hours - SERVICE_DAY_START_HOUR) % HOURS_PER_WEEK) // HOURS_PER_DAY


def _local(times: pd.Series | pd.DatetimeIndex) -> pd.core.indexes.accessors.DatetimeProperties:
    """Return the ``.dt`` accessor of ``times`` on the UK wall clock."""
    series = times if isinstance(times, pd.Series) else pd.Series(times)
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        raise TimestampError(
            f"times must hold datetimes, got dtype {series.dtype}; convert with pandas.to_datetime first"
        )
    if getattr(series.dtype, "tz", None) is not None:
        return series.dt.tz_convert(LOCAL_TZ).dt
    return series.dt
