"""Shift arithmetic of a vehicle: the minutes and hours of the week it is on shift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo.io.scenario import Vehicle
from jru_geo.week import (
    HOURS_PER_WEEK,
    MINUTES_PER_HOUR,
    minute_of_week,
    week_mask,
    weekly_hours_of,
)

__all__ = ["on_shift", "week_minute_mask", "hour_of_week_fraction", "weekly_hours"]

# --------------------------------------------------------------------------------------------------
# Shifts


def week_minute_mask(vehicle: Vehicle) -> np.ndarray:
    """Boolean array of the 10,080 minutes of the week, True when the vehicle is on shift.

    Index 0 is Monday 00:00-00:01 local time. Overlapping shifts are merged. A night belongs to
    the day its shift starts (:func:`jru_geo.week.shift_minutes`).
    """
    return week_mask(vehicle.shifts)


def on_shift(vehicle: Vehicle, times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Whether the vehicle is on shift at each time, to the minute.

    Parameters
    ----------
    vehicle
        The vehicle.
    times
        Datetimes. Naive times are taken as local (UK) wall-clock time; time-zone-aware times are
        converted to Europe/London first. Missing times (NaT) give False.

    Returns
    -------
    numpy.ndarray
        Booleans aligned with ``times``. A shift's start minute is on shift, its end minute is not.

    Examples
    --------
    >>> import pandas as pd
    >>> v = Vehicle(id="J1", name="J1", base=Base(postcode="ME7 1NE"),
    ...             shifts=[Shift(days=["Fri"], start="18:00", end="02:00")])
    >>> on_shift(v, pd.Series(pd.to_datetime(["2020-11-06 23:59", "2020-11-07 02:00"]))).tolist()
    [True, False]
    """
    minute = minute_of_week(times)
    valid = np.isfinite(minute)
    index = np.where(valid, minute, 0).astype(np.int64)
    return week_minute_mask(vehicle)[index] & valid


def hour_of_week_fraction(vehicle: Vehicle) -> np.ndarray:
    """Fraction of each of the 168 hours of the week the vehicle is on shift.

    Index 0 is Monday 00:00-01:00, index 167 Sunday 23:00-24:00. The array sums to
    :func:`weekly_hours`.
    """
    return week_minute_mask(vehicle).reshape(HOURS_PER_WEEK, MINUTES_PER_HOUR).mean(axis=1)


def weekly_hours(vehicle: Vehicle) -> float:
    """Hours a week the vehicle is on shift (overlapping shifts counted once)."""
    return weekly_hours_of(vehicle.shifts)
