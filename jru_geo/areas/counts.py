"""Counts of joined incidents by district or LSOA (rates per 1,000), category, month, hour of week.

Counts are of in-Kent incidents only (``in_kent`` from :func:`jru_geo.areas.join.assign_areas`),
so per-area counts always add up to the in-Kent total. Hours of the week follow
:mod:`jru_geo.week` (Monday 00:00 first); :func:`counts_by_hour_of_week` also gives each hour its
*service day*, so a chart can draw a night with the day it starts (as the filters and the shifts
read it).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from jru_geo._validate import require_columns
from jru_geo.week import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK, SERVICE_HOURS, hour_of_week, service_day_of

__all__ = [
    "counts_by_area",
    "counts_by_category",
    "counts_by_month",
    "counts_by_hour_of_week",
    "count_without_hour",
]

_TIMED = ("minute", "second", "hour")
"""Time precisions that carry an hour."""


def _in_kent(joined: pd.DataFrame) -> pd.DataFrame:
    require_columns(
        joined, ["in_kent"], what="incidents", plural=True, fix="run jru_geo.areas.join.assign_areas first"
    )
    return joined[joined["in_kent"].astype(bool)]


def counts_by_area(
    joined: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    level: Literal["district", "lsoa"] = "district",
    by: str | None = None,
) -> pd.DataFrame:
    """Count incidents and rates per 1,000 residents for every area (zeros included).

    Parameters
    ----------
    joined
        Output of :func:`jru_geo.areas.join.assign_areas`.
    areas
        Districts or LSOAs with ``{level}_code``, ``{level}_name`` and ``population``.
    level
        ``"district"`` or ``"lsoa"``.
    by
        Optional extra column to split counts by (e.g. ``"category"``): one count column per value.

    Returns
    -------
    DataFrame
        ``{level}_code, {level}_name, population, incidents, rate_per_1000`` (+ one column per ``by``
        value), sorted by code. Counts include in-Kent incidents only.

    Raises
    ------
    ColumnsError
        ``joined`` has no ``in_kent`` column (it was not joined with
        :func:`jru_geo.areas.join.assign_areas`).
    """
    code, name = f"{level}_code", f"{level}_name"
    base = pd.DataFrame(areas[[code, name, "population"]]).set_index(code)
    inside = _in_kent(joined)
    base["incidents"] = inside.groupby(code).size().reindex(base.index, fill_value=0).astype("int64")
    base["rate_per_1000"] = (
        1000 * base["incidents"] / base["population"].where(base["population"] > 0)
    ).round(3)
    if by is not None:
        split = inside.groupby([code, by]).size().unstack(fill_value=0).reindex(base.index, fill_value=0)
        base = base.join(split.astype("int64"))
    return base.reset_index().sort_values(code).reset_index(drop=True)


def counts_by_category(joined: pd.DataFrame, *, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Count in-Kent incidents per category, largest first.

    Parameters
    ----------
    joined
        Output of :func:`jru_geo.areas.join.assign_areas`.
    labels
        Category code -> label (e.g. :data:`jru_geo.io.categories.CATEGORIES`); codes without a
        label keep the code.

    Returns
    -------
    DataFrame
        ``category, label, incidents, share`` (share 0-1).

    Raises
    ------
    ColumnsError
        ``joined`` has no ``in_kent`` column (it was not joined with
        :func:`jru_geo.areas.join.assign_areas`).
    """
    inside = _in_kent(joined)
    counts = inside.groupby("category").size().rename("incidents").reset_index()
    names = labels or {}
    counts["label"] = [names.get(c, c) for c in counts["category"]]
    total = counts["incidents"].sum()
    counts["share"] = counts["incidents"] / total if total else 0.0
    cols = ["category", "label", "incidents", "share"]
    return counts[cols].sort_values(["incidents", "category"], ascending=[False, True]).reset_index(drop=True)


def counts_by_month(joined: pd.DataFrame) -> pd.DataFrame:
    """Count in-Kent incidents per calendar month.

    Parameters
    ----------
    joined
        Output of :func:`jru_geo.areas.join.assign_areas`.

    Returns
    -------
    DataFrame
        ``month`` (YYYY-MM), ``incidents``.

    Raises
    ------
    ColumnsError
        ``joined`` has no ``in_kent`` column (it was not joined with
        :func:`jru_geo.areas.join.assign_areas`).
    """
    inside = _in_kent(joined)
    month = pd.to_datetime(inside["time"]).dt.strftime("%Y-%m")
    return month.value_counts().rename_axis("month").rename("incidents").sort_index().reset_index()


def counts_by_hour_of_week(joined: pd.DataFrame) -> pd.DataFrame:
    """Count in-Kent incidents per hour of the week (168 rows, Monday 00:00 first).

    Incidents whose time is known only to the month or day (police.uk) have no hour and are left
    out; :func:`count_without_hour` counts them.

    Each hour also has its service day (:func:`jru_geo.week.service_day_of`): a service day runs
    06:00 to 05:59 the next morning, so Saturday 01:00 is in Friday's night. Charted by
    ``service_day`` and ``service_hour``, Friday's row ends with Saturday's first six hours, as a
    ``Fri 18:00-02:00`` filter or shift reads them.

    Parameters
    ----------
    joined
        Output of :func:`jru_geo.areas.join.assign_areas`.

    Returns
    -------
    DataFrame
        ``hour_of_week`` (0-167), ``day`` (Mon..Sun, the calendar day), ``hour`` (0-23),
        ``service_day`` (Mon..Sun, the day whose night it is), ``service_hour`` (0-23: the place
        of ``hour`` in the service day, 0 for 06:00, 18 for 00:00), ``incidents``.

    Raises
    ------
    ColumnsError
        ``joined`` has no ``in_kent`` column (it was not joined with
        :func:`jru_geo.areas.join.assign_areas`).
    """
    inside = _in_kent(joined)
    timed = inside[inside["time_precision"].isin(_TIMED)]
    t = pd.to_datetime(timed["time"])
    how = hour_of_week(t)
    counts = (
        np.bincount(how.astype(np.int64), minlength=HOURS_PER_WEEK)
        if len(how)
        else np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    )
    hours = np.arange(HOURS_PER_WEEK)
    out = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": [DAY_NAMES[h // HOURS_PER_DAY] for h in hours],
            "hour": hours % HOURS_PER_DAY,
            "service_day": [DAY_NAMES[d] for d in service_day_of(hours)],
            "service_hour": [SERVICE_HOURS.index(h) for h in hours % HOURS_PER_DAY],
            "incidents": counts.astype("int64"),
        }
    )
    return out


def count_without_hour(joined: pd.DataFrame) -> int:
    """Count the in-Kent incidents that :func:`counts_by_hour_of_week` leaves out for want of an hour.

    Parameters
    ----------
    joined
        Output of :func:`jru_geo.areas.join.assign_areas`.

    Returns
    -------
    int
        Incidents dated only to the month or the day.

    Raises
    ------
    ColumnsError
        ``joined`` has no ``in_kent`` column.
    """
    inside = _in_kent(joined)
    return int((~inside["time_precision"].isin(_TIMED)).sum())
