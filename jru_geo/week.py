"""The week: day names, minutes of the week and the rule that a night belongs to the day its shift starts."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["Day", "DAYS", "MINUTES_PER_WEEK"]

Day = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
DAYS: tuple[Day, ...] = get_args(Day)
"""Days in week order; index 0 is Monday, as in ``pandas.Series.dt.day_of_week``."""

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_LOCAL_TZ = "Europe/London"
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


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
