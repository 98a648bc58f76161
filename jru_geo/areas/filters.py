"""Filter joined incidents by date, day of week, hour, category, source category and district.

The dashboard's sidebar builds one :class:`IncidentFilter` and every page applies it with
:func:`apply_filter`, so all pages show the same subset.

Nights belong to the day they start
-----------------------------------
Days and hours choose a slice of the week (:attr:`IncidentFilter.week_hours`, from
:func:`jru_geo.week.week_slice`), read as scenario shifts are: ``days=(4, 5), hours=(18, 2)`` is
Friday 18:00 to Saturday 02:00 and Saturday 18:00 to Sunday 02:00. It keeps Saturday and Sunday
00:00-01:59 (Friday's and Saturday's nights) and leaves out Friday 00:00-01:59 (Thursday's night).
A row whose time is known to the minute passes when its hour of the week is in the slice.

Month-precision rows
--------------------
police.uk publishes only the month of each crime (``time_precision == "month"``; ``time`` is the first
of the month). Such a row:

* passes the **date range** when its month overlaps the range (a month is never split);
* passes the **day-of-week and hour** filters only when no day or hour restriction is set: its day and
  hour are unknown, so it cannot be said to fall on a Friday evening. When a day or hour restriction is
  set, these rows are left out and :func:`filter_incidents` reports their number
  (``FilterResult.month_precision_excluded``) so the app can say so.

Day-precision rows (a date without a time) are treated the same way for the hour filter, and pass the
day-of-week filter on their date.

Source categories
-----------------
``source_categories`` filters on the source's own label (``source_category``, e.g. police.uk's
"Public order"), beside the JRU ``categories``; see :mod:`jru_geo.io.categories`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_geo._validate import require_columns
from jru_geo.errors import FilterError
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.sources import format_day
from jru_geo.week import DAY_NAMES, HOURS_PER_DAY, hour_of_week, week_slice

__all__ = [
    "IncidentFilter",
    "DataExtent",
    "FilterResult",
    "filter_incidents",
    "apply_filter",
    "data_extent",
    "describe_filter",
    "DAY_NAMES",
]
# DAY_NAMES is jru_geo.week.DAY_NAMES, re-exported here for the filter widgets.

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
        18:00-01:59, and the hours after midnight belong to the day before (with ``days=(4,)``,
        Friday 18:00 to Saturday 01:59). ``(0, 24)`` keeps the whole day.
    categories
        JRU category codes to keep (e.g. ``("violence", "rtc")``).
    districts
        District codes to keep (e.g. ``("E06000035",)``). Incidents outside Kent have no district and
        are dropped whenever this is set.
    source_categories
        The source's own labels to keep (``source_category``: a police.uk crime type, a STATS19
        severity, a CAD file's category text).

    Examples
    --------
    >>> IncidentFilter(days=(4, 5), hours=(18, 2)).is_empty
    False
    >>> IncidentFilter().is_empty
    True
    >>> int(IncidentFilter(days=(4, 5), hours=(18, 2)).week_hours.sum())
    16
    """

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    days: tuple[int, ...] | None = None
    hours: tuple[int, int] | None = None
    categories: tuple[str, ...] | None = None
    districts: tuple[str, ...] | None = None
    source_categories: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        """Check the dates, days and hours; raise :class:`~jru_geo.errors.FilterError` if inconsistent."""
        if self.start_date is not None and self.end_date is not None and self.start_date > self.end_date:
            raise FilterError(f"start_date {self.start_date} is after end_date {self.end_date}; swap them")
        if self.days is not None and any(d not in range(7) for d in self.days):
            raise FilterError(f"days must be 0 (Monday) to 6 (Sunday), got {self.days!r}")
        if self.hours is not None:
            if len(self.hours) != 2 or any(not 0 <= h <= 24 for h in self.hours):
                raise FilterError(f"hours must be (start_hour, end_hour) with hours 0-24, got {self.hours!r}")
            if self.hours[0] == self.hours[1]:
                raise FilterError(
                    f"hours {self.hours!r} select no time at all; use (0, 24) for the whole day"
                )

    @property
    def restricts_days(self) -> bool:
        """True when some days of the week are left out."""
        return self.days is not None and len(set(self.days)) < 7

    @property
    def restricts_hours(self) -> bool:
        """True when some hours of the day are left out (day-precision rows then drop out too)."""
        return self.hours is not None and tuple(self.hours) != (0, 24)

    @property
    def restricts_time_of_week(self) -> bool:
        """True when a day-of-week or hour restriction is set (month-precision rows then drop out)."""
        return self.restricts_days or self.restricts_hours

    @property
    def week_hours(self) -> NDArray[np.bool_] | None:
        """The hours of the week the filter keeps, or ``None`` when it keeps the whole week.

        Returns
        -------
        ndarray of bool or None
            168 flags, index 0 Monday 00:00-01:00 (:func:`jru_geo.week.week_slice` of ``days`` and
            ``hours``: a night belongs to the day it starts); a new array on every call.
        """
        if not self.restricts_time_of_week:
            return None
        return week_slice(self.days if self.restricts_days else None, self.hours)

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps everything."""
        return (
            self.start_date is None
            and self.end_date is None
            and not self.restricts_time_of_week
            and self.categories is None
            and self.districts is None
            and self.source_categories is None
        )

    @classmethod
    def from_labels(
        cls,
        *,
        dates: tuple[dt.date, ...] | list[dt.date] | None = None,
        days: tuple[str, ...] | list[str] | None = None,
        hours: tuple[int, int] = (0, 24),
        categories: tuple[str, ...] | list[str] | None = None,
        districts: tuple[str, ...] | list[str] | None = None,
        source_categories: tuple[str, ...] | list[str] | None = None,
        category_labels: dict[str, str] | None = None,
        district_labels: dict[str, str] | None = None,
    ) -> IncidentFilter:
        """Build the filter that widget values given as labels describe.

        Parameters
        ----------
        dates
            ``(first, last)`` day; anything but a pair means no date restriction.
        days
            Day names of :data:`DAY_NAMES`; none or all seven mean every day.
        hours
            ``(from_hour, to_hour)``; ``(0, 24)`` or equal hours mean the whole day.
        categories, districts
            Category and district labels (or codes); none means no restriction.
        source_categories
            The source's own labels, kept as given; none means no restriction.
        category_labels, district_labels
            Code -> label maps (e.g. :data:`jru_geo.io.categories.CATEGORIES`,
            :data:`jru_geo.io.boundaries.DISTRICT_NAMES`) to turn labels back into codes; a value
            that is no label is taken as a code.

        Returns
        -------
        IncidentFilter
            The filter, with ``None`` for every field the widgets leave open.

        Raises
        ------
        FilterError
            A day name that is not one of :data:`DAY_NAMES`, or hours or dates out of order.

        Examples
        --------
        >>> IncidentFilter.from_labels(days=["Fri", "Sat"], hours=(18, 2)).days
        (4, 5)
        >>> IncidentFilter.from_labels(days=list(DAY_NAMES), hours=(0, 24)).is_empty
        True
        """
        unknown = [d for d in days or () if d not in DAY_NAMES]
        if unknown:
            raise FilterError(f"unknown day names {unknown}; use {list(DAY_NAMES)}")
        start = end = None
        if isinstance(dates, (tuple, list)) and len(dates) == 2:
            start, end = dates
        category_code = {label: code for code, label in (category_labels or {}).items()}
        district_code = {label: code for code, label in (district_labels or {}).items()}
        whole_day = tuple(hours) in ((0, 24), (0, 0), (24, 24)) or hours[0] == hours[1]
        return cls(
            start_date=start,
            end_date=end,
            days=None if not days or len(days) == 7 else tuple(DAY_NAMES.index(d) for d in days),
            hours=None if whole_day else (int(hours[0]), int(hours[1])),
            categories=None if not categories else tuple(category_code.get(c, c) for c in categories),
            districts=None if not districts else tuple(district_code.get(d, d) for d in districts),
            source_categories=None if not source_categories else tuple(str(c) for c in source_categories),
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
    source_categories
        The source's own labels present (``source_category``), sorted; empty when the incidents
        have no such column.
    """

    first_date: dt.date | None
    last_date: dt.date | None
    categories: tuple[str, ...]
    n_month_precision: int
    source_categories: tuple[str, ...] = ()


def _check(joined: pd.DataFrame) -> None:
    require_columns(
        joined,
        _NEEDED,
        what="incidents",
        plural=True,
        fix="read them with jru_geo.io.incidents.read_incidents and join them with "
        "jru_geo.areas.join.assign_areas first",
    )


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
    """Time-of-week mask, and the mask of rows whose needed day or hour is unknown.

    Rows timed to the minute (or hour) pass when their hour of the week is in ``f.week_hours``;
    day-precision rows pass a day-only filter on their date and fail an hour filter; month-precision
    and undated rows fail any time-of-week restriction.
    """
    n = len(time)
    slice_ = f.week_hours
    if slice_ is None:
        return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    prec = precision.to_numpy(dtype=object)
    known_day = time.notna().to_numpy() & (prec != "month")
    known_hour = known_day & (prec != "day")
    how = np.nan_to_num(hour_of_week(time), nan=0).astype(np.int64)
    keep = known_hour & slice_[how]
    if not f.restricts_hours:
        on_day = known_day & ~known_hour
        keep |= on_day & np.isin(how // HOURS_PER_DAY, list(f.days or ()))
        return keep, ~known_day
    return keep, ~known_hour


@dataclass(frozen=True)
class FilterResult:
    """The incidents that pass a filter, and what the filter could not decide.

    Attributes
    ----------
    incidents
        The passing rows, same columns, original index labels.
    month_precision_excluded
        Otherwise-passing rows left out only because their day or hour is unknown (police.uk
        months) while a day or hour filter is set.
    """

    incidents: gpd.GeoDataFrame
    month_precision_excluded: int


def filter_incidents(joined: gpd.GeoDataFrame, f: IncidentFilter) -> FilterResult:
    """Keep the incidents that pass the filter, and count those left out for an unknown day or hour.

    Parameters
    ----------
    joined
        Incidents with ``time, time_precision, category, district_code`` (the output of
        :func:`jru_geo.areas.join.assign_areas`), and ``source_category`` when ``f`` sets
        ``source_categories``.
    f
        The filter.

    Returns
    -------
    FilterResult
        A new frame of the passing rows and the number of month-precision rows left out.

    Raises
    ------
    ColumnsError
        ``joined`` lacks one of those columns.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"time": pd.to_datetime(["2025-01-03 19:00", "2025-01-01 00:00"]),
    ...     "time_precision": ["minute", "month"], "category": ["violence", "rtc"],
    ...     "district_code": ["E06000035", "E06000035"]}, geometry=[Point(0, 0)] * 2, crs="EPSG:27700")
    >>> out = filter_incidents(g, IncidentFilter(days=(4,)))
    >>> len(out.incidents), out.month_precision_excluded
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
    if f.source_categories is not None:
        require_columns(
            joined,
            ["source_category"],
            what="incidents",
            plural=True,
            fix="read them with jru_geo.io.incidents.read_incidents, or leave source_categories unset",
        )
        keep &= joined["source_category"].isin(list(f.source_categories)).fillna(False).to_numpy(dtype=bool)
    week, unknown = _week_mask(time, precision, f)
    return FilterResult(
        incidents=joined[keep & week].copy(), month_precision_excluded=int((keep & unknown).sum())
    )


def apply_filter(joined: gpd.GeoDataFrame, f: IncidentFilter) -> gpd.GeoDataFrame:
    """Keep the incidents that pass the filter (:func:`filter_incidents` without the count).

    Parameters
    ----------
    joined
        Incidents with ``time, time_precision, category, district_code``.
    f
        The filter.

    Returns
    -------
    GeoDataFrame
        A new frame holding the passing rows, same columns, original index labels.
    """
    return filter_incidents(joined, f).incidents


def data_extent(joined: pd.DataFrame) -> DataExtent:
    """Measure the date range, categories and month-precision count of the incidents.

    Parameters
    ----------
    joined
        Incidents with ``time, time_precision, category, district_code``.

    Returns
    -------
    DataExtent
        What the filter widgets offer; a police.uk month counts to its last day.

    Raises
    ------
    ColumnsError
        ``joined`` lacks one of those columns.
    """
    _check(joined)
    time = pd.to_datetime(joined["time"])
    precision = joined["time_precision"].astype(object)
    last = time.max()
    if pd.notna(last) and (precision == "month").any():
        last_month_end = time[precision == "month"].max().to_period("M").end_time
        last = max(last, last_month_end)
    first = time.min()
    sources = joined["source_category"] if "source_category" in joined.columns else pd.Series([], dtype="str")
    return DataExtent(
        first_date=None if pd.isna(first) else first.date(),
        last_date=None if pd.isna(last) else last.date(),
        categories=tuple(sorted(joined["category"].dropna().astype(str).unique())),
        n_month_precision=int((precision == "month").sum()),
        source_categories=tuple(sorted(sources.dropna().astype(str).unique())),
    )


def _days_text(days: tuple[int, ...]) -> str:
    names = [DAY_NAMES[d] for d in sorted(set(days))]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _week_text(f: IncidentFilter) -> str | None:
    """``"Fri and Sat nights 18:00-02:00 (nights belong to the day they start)"`` and the like."""
    if not f.restricts_time_of_week:
        return None
    days = _days_text(f.days) if f.restricts_days and f.days is not None else None
    if not f.restricts_hours or f.hours is None:
        return days
    start, end = f.hours
    clock = f"{start % 24:02d}:00-{end % 24:02d}:00"
    if days is None:
        return f"{clock} every day"
    if start > end:
        return f"{days} nights {clock} (nights belong to the day they start)"
    return f"{days} {clock}"


def describe_filter(
    f: IncidentFilter,
    *,
    district_names: dict[str, str] | None = None,
    category_labels: dict[str, str] | None = None,
    include_dates: bool = True,
) -> str:
    """Describe the filter in one plain-English line.

    Parameters
    ----------
    f
        The filter.
    district_names
        District code -> name, to name districts rather than give their codes.
    category_labels
        JRU category code -> label; :data:`jru_geo.io.categories.CATEGORIES` by default.
    include_dates
        Say the date range; ``False`` where the period is given beside it
        (:func:`jru_geo.io.sources.incident_period`).

    Returns
    -------
    str
        The parts joined by ``"; "``, or ``"all incidents"`` when nothing is restricted. Category
        and district names are given as they are: escape them before they reach markdown or HTML.

    Examples
    --------
    >>> describe_filter(IncidentFilter(days=(4, 5), hours=(18, 2)))
    'Fri and Sat nights 18:00-02:00 (nights belong to the day they start)'
    """
    parts: list[str] = []
    if include_dates and (f.start_date is not None or f.end_date is not None):
        first = format_day(f.start_date) if f.start_date else "..."
        last = format_day(f.end_date) if f.end_date else "..."
        parts.append(f"{first} to {last}")
    week = _week_text(f)
    if week:
        parts.append(week)
    if f.categories is not None:
        labels = CATEGORIES if category_labels is None else category_labels
        parts.append(", ".join(labels.get(c, c) for c in f.categories) or "no categories")
    if f.source_categories is not None:
        parts.append("as in the file: " + (", ".join(f.source_categories) or "none"))
    if f.districts is not None:
        names = district_names or {}
        parts.append(", ".join(names.get(c, c) for c in f.districts) or "no districts")
    return "; ".join(parts) if parts else "all incidents"
