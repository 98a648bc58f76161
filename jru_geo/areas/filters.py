"""Filter joined incidents by date, day of week, hour, category and district.

The dashboard's sidebar builds one :class:`IncidentFilter` and every page applies it with
:func:`apply_filter`, so all pages show the same subset.

Month-precision rows
--------------------
police.uk publishes only the month of each crime (``time_precision == "month"``; ``time`` is the first
of the month). Such a row:

* passes the **date range** when its month overlaps the range (a month is never split);
* passes the **day-of-week and hour** filters only when no day or hour restriction is set: its day and
  hour are unknown, so it cannot be said to fall on a Friday evening. When a day or hour restriction is
  set, these rows are left out and their number is reported in
  ``result.attrs["month_precision_excluded"]`` so the app can say so.

Day-precision rows (a date without a time) are treated the same way for the hour filter, and pass the
day-of-week filter on their date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import JruGeoError

__all__ = ["IncidentFilter", "DataExtent", "apply_filter", "data_extent", "describe_filter", "DAY_NAMES"]

DAY_NAMES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Day names in pandas order: index 0 is Monday (``Series.dt.day_of_week``)."""

_NEEDED = ("time", "time_precision", "category", "district_code")


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to show. ``None`` (the default for every field) means "no restriction".

    Parameters
    ----------
    start_date, end_date
        First and last day to keep, both inclusive.
    days
        Days of the week to keep, 0 = Monday ... 6 = Sunday.
    hours
        ``(start_hour, end_hour)``: keep incidents from ``start_hour:00`` up to but not including
        ``end_hour:00``, hours 0-24. ``start_hour > end_hour`` crosses midnight: ``(18, 2)`` keeps
        18:00-01:59. ``(0, 24)`` keeps the whole day.
    categories
        Category codes to keep (e.g. ``("violence", "rtc")``).
    districts
        District codes to keep (e.g. ``("E06000035",)``). Incidents outside Kent have no district and
        are dropped whenever this is set.

    Examples
    --------
    >>> IncidentFilter(days=(4, 5), hours=(18, 2)).is_empty
    False
    >>> IncidentFilter().is_empty
    True
    """

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    days: tuple[int, ...] | None = None
    hours: tuple[int, int] | None = None
    categories: tuple[str, ...] | None = None
    districts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.start_date is not None and self.end_date is not None and self.start_date > self.end_date:
            raise JruGeoError(f"start_date {self.start_date} is after end_date {self.end_date}; swap them")
        if self.days is not None and any(d not in range(7) for d in self.days):
            raise JruGeoError(f"days must be 0 (Monday) to 6 (Sunday), got {self.days!r}")
        if self.hours is not None:
            if len(self.hours) != 2 or any(not 0 <= h <= 24 for h in self.hours):
                raise JruGeoError(f"hours must be (start_hour, end_hour) with hours 0-24, got {self.hours!r}")
            if self.hours[0] == self.hours[1]:
                raise JruGeoError(
                    f"hours {self.hours!r} select no time at all; use (0, 24) for the whole day"
                )

    @property
    def restricts_time_of_week(self) -> bool:
        """True when a day-of-week or hour restriction is set (month-precision rows then drop out)."""
        days = self.days is not None and len(set(self.days)) < 7
        hours = self.hours is not None and tuple(self.hours) != (0, 24)
        return days or hours

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps everything."""
        return (
            self.start_date is None
            and self.end_date is None
            and not self.restricts_time_of_week
            and self.categories is None
            and self.districts is None
        )


@dataclass(frozen=True)
class DataExtent:
    """What the incidents hold, to bound the filter widgets.

    Parameters
    ----------
    first_date, last_date
        Earliest and latest incident dates (``None`` when there are no dated incidents).
    categories
        Category codes present, sorted.
    n_month_precision
        Incidents whose time is known only to the month.
    """

    first_date: dt.date | None
    last_date: dt.date | None
    categories: tuple[str, ...]
    n_month_precision: int


def _check(joined: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in joined.columns]
    if missing:
        raise JruGeoError(
            f"incidents lack columns {missing} (they have {list(joined.columns)}); read them with "
            "jru_geo.incidents.read_incidents and join them with jru_geo.join.assign_areas first"
        )


def _hour_mask(hour: np.ndarray, hours: tuple[int, int]) -> np.ndarray:
    start, end = hours
    if start < end:
        return (hour >= start) & (hour < end)
    return (hour >= start) | (hour < end)


def _date_mask(time: pd.Series, precision: pd.Series, f: IncidentFilter) -> np.ndarray:
    keep = np.ones(len(time), dtype=bool)
    if f.start_date is None and f.end_date is None:
        return keep
    known = time.notna().to_numpy()
    day = time.dt.normalize()
    is_month = (precision == "month").to_numpy()
    # A month-precision row spans its whole month: it passes if the month overlaps the range.
    month_start = time.dt.to_period("M").dt.start_time
    month_end = time.dt.to_period("M").dt.end_time.dt.normalize()
    if f.start_date is not None:
        start = pd.Timestamp(f.start_date)
        last = np.where(is_month, month_end.to_numpy(), day.to_numpy())
        keep &= known & (pd.to_datetime(last) >= start)
    if f.end_date is not None:
        end = pd.Timestamp(f.end_date)
        first = np.where(is_month, month_start.to_numpy(), day.to_numpy())
        keep &= known & (pd.to_datetime(first) <= end)
    return keep


def _week_mask(time: pd.Series, precision: pd.Series, f: IncidentFilter) -> tuple[np.ndarray, np.ndarray]:
    """Day/hour mask, and the mask of rows whose needed day or hour is unknown."""
    n = len(time)
    if not f.restricts_time_of_week:
        return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    prec = precision.to_numpy(dtype=object)
    known_day = time.notna().to_numpy() & (prec != "month")
    known_hour = known_day & (prec != "day")
    keep = np.ones(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    if f.days is not None and len(set(f.days)) < 7:
        dow = time.dt.day_of_week.fillna(-1).to_numpy(dtype=np.int64)
        keep &= known_day & np.isin(dow, list(f.days))
        unknown |= ~known_day
    if f.hours is not None and tuple(f.hours) != (0, 24):
        hour = time.dt.hour.fillna(-1).to_numpy(dtype=np.int64)
        keep &= known_hour & _hour_mask(hour, f.hours)
        unknown |= ~known_hour
    return keep, unknown


def apply_filter(joined: gpd.GeoDataFrame, f: IncidentFilter) -> gpd.GeoDataFrame:
    """The incidents that pass the filter.

    Parameters
    ----------
    joined
        Incidents with ``time, time_precision, category, district_code`` (the output of
        :func:`jru_geo.join.assign_areas`).
    f
        The filter.

    Returns
    -------
    GeoDataFrame
        A new frame holding the passing rows, same columns, original index labels. Its
        ``attrs["month_precision_excluded"]`` holds the number of otherwise-passing rows left out
        only because their day or hour is unknown (police.uk months) while a day/hour filter is set.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"time": pd.to_datetime(["2025-01-03 19:00", "2025-01-01 00:00"]),
    ...     "time_precision": ["minute", "month"], "category": ["violence", "rtc"],
    ...     "district_code": ["E06000035", "E06000035"]}, geometry=[Point(0, 0)] * 2, crs="EPSG:27700")
    >>> out = apply_filter(g, IncidentFilter(days=(4,)))
    >>> len(out), out.attrs["month_precision_excluded"]
    (1, 1)
    """
    _check(joined)
    time = pd.to_datetime(joined["time"]).reset_index(drop=True)
    precision = joined["time_precision"].astype(object).reset_index(drop=True)
    keep = _date_mask(time, precision, f)
    if f.categories is not None:
        keep &= joined["category"].isin(list(f.categories)).to_numpy()
    if f.districts is not None:
        keep &= joined["district_code"].isin(list(f.districts)).fillna(False).to_numpy(dtype=bool)
    week, unknown = _week_mask(time, precision, f)
    excluded = int((keep & unknown).sum())
    out = joined[keep & week].copy()
    out.attrs = {**joined.attrs, "month_precision_excluded": excluded}
    return out


def data_extent(joined: pd.DataFrame) -> DataExtent:
    """Date range, categories and month-precision count of the incidents (for filter widgets)."""
    _check(joined)
    time = pd.to_datetime(joined["time"])
    precision = joined["time_precision"].astype(object)
    last = time.max()
    if pd.notna(last) and (precision == "month").any():
        last_month_end = time[precision == "month"].max().to_period("M").end_time
        last = max(last, last_month_end)
    first = time.min()
    return DataExtent(
        first_date=None if pd.isna(first) else first.date(),
        last_date=None if pd.isna(last) else last.date(),
        categories=tuple(sorted(joined["category"].dropna().astype(str).unique())),
        n_month_precision=int((precision == "month").sum()),
    )


def describe_filter(f: IncidentFilter, *, district_names: dict[str, str] | None = None) -> str:
    """A one-line plain-English summary of the filter, e.g. ``"Fri, Sat; 18:00-02:00; violence"``."""
    parts: list[str] = []
    if f.start_date is not None or f.end_date is not None:
        parts.append(f"{f.start_date or '...'} to {f.end_date or '...'}")
    if f.days is not None and len(set(f.days)) < 7:
        parts.append(", ".join(DAY_NAMES[d] for d in sorted(set(f.days))))
    if f.hours is not None and tuple(f.hours) != (0, 24):
        parts.append(f"{f.hours[0]:02d}:00-{f.hours[1] % 24:02d}:00")
    if f.categories is not None:
        parts.append(", ".join(f.categories) or "no categories")
    if f.districts is not None:
        names = district_names or {}
        parts.append(", ".join(names.get(c, c) for c in f.districts) or "no districts")
    return "; ".join(parts) if parts else "all incidents"
