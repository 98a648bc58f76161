"""Counts of joined incidents by district or LSOA (rates per 1,000), category, month, hour of week."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from jru_geo.errors import JruGeoError

__all__ = ["counts_by_area", "counts_by_category", "counts_by_month", "counts_by_hour_of_week"]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _in_kent(joined: pd.DataFrame) -> pd.DataFrame:
    if "in_kent" not in joined.columns:
        raise JruGeoError("incidents have no 'in_kent' column: run jru_geo.join.assign_areas first")
    return joined[joined["in_kent"].astype(bool)]


def counts_by_area(
    joined: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    level: Literal["district", "lsoa"] = "district",
    by: str | None = None,
) -> pd.DataFrame:
    """Incident counts and rates per 1,000 residents for every area (zeros included).

    Parameters
    ----------
    joined
        Output of :func:`assign_areas`.
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
    """In-Kent incidents per category: ``category, label, incidents, share`` (share 0-1), largest first."""
    inside = _in_kent(joined)
    counts = inside.groupby("category").size().rename("incidents").reset_index()
    names = labels or {}
    counts["label"] = [names.get(c, c) for c in counts["category"]]
    total = counts["incidents"].sum()
    counts["share"] = counts["incidents"] / total if total else 0.0
    cols = ["category", "label", "incidents", "share"]
    return counts[cols].sort_values(["incidents", "category"], ascending=[False, True]).reset_index(drop=True)


def counts_by_month(joined: pd.DataFrame) -> pd.DataFrame:
    """In-Kent incidents per calendar month: ``month`` (YYYY-MM), ``incidents``."""
    inside = _in_kent(joined)
    month = pd.to_datetime(inside["time"]).dt.strftime("%Y-%m")
    return month.value_counts().rename_axis("month").rename("incidents").sort_index().reset_index()


def counts_by_hour_of_week(joined: pd.DataFrame) -> pd.DataFrame:
    """In-Kent incidents per hour of the week (168 rows, Monday 00:00 first).

    Incidents whose time is known only to the month (police.uk) have no hour and are left out;
    the number left out is in ``DataFrame.attrs["month_precision_excluded"]``.

    Returns
    -------
    DataFrame
        ``hour_of_week`` (0-167), ``day`` (Mon..Sun), ``hour`` (0-23), ``incidents``.
    """
    inside = _in_kent(joined)
    timed = inside[inside["time_precision"].isin(["minute", "second", "hour"])]
    t = pd.to_datetime(timed["time"])
    how = (t.dt.day_of_week * 24 + t.dt.hour).to_numpy()
    counts = np.bincount(how.astype(np.int64), minlength=168) if len(how) else np.zeros(168, dtype=np.int64)
    hours = np.arange(168)
    out = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": [DAY_NAMES[h // 24] for h in hours],
            "hour": hours % 24,
            "incidents": counts.astype("int64"),
        }
    )
    out.attrs["month_precision_excluded"] = int(len(inside) - len(timed))
    return out
