"""Time of the week in the coverage engine: slots, span in weeks, hour profiles of month-dated incidents."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jru_geo.demand_profile import hour_of_week_profile
from jru_geo.errors import CoverageError
from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage.result import BoolArray, DemandProfile, FloatArray, IntArray
from jru_geo.model.shifts import week_minute_mask
from jru_geo.week import HOURS_PER_WEEK, MINUTES_PER_DAY, MINUTES_PER_WEEK, minute_of_week

__all__ = []

_MIN_PER_WEEK = MINUTES_PER_WEEK


# --------------------------------------------------------------------------------------------------
# Time handling


def _profile_rows(demand_profile: DemandProfile, categories: pd.Series) -> tuple[dict[str, FloatArray], str]:
    """Hour-of-week weights (168, summing to 1) per category, and a description."""
    if isinstance(demand_profile, str):
        if demand_profile == "uniform":
            flat = np.full(HOURS_PER_WEEK, 1 / HOURS_PER_WEEK)
            return {c: flat for c in categories.unique()}, "uniform"
        if demand_profile == "demo":
            return {c: hour_of_week_profile(str(c)) for c in categories.unique()}, "demo"
        raise CoverageError(
            f"demand_profile must be 'demo', 'uniform' or 168 weights, got {demand_profile!r}"
        )
    weights = np.asarray(demand_profile, dtype=np.float64)
    if (
        weights.shape != (HOURS_PER_WEEK,)
        or not np.isfinite(weights).all()
        or (weights < 0).any()
        or weights.sum() <= 0
    ):
        raise CoverageError(
            f"demand_profile must be 168 finite weights >= 0 with a positive sum (Monday 00:00 first), "
            f"got shape {weights.shape}"
        )
    weights = weights / weights.sum()
    return {c: weights for c in categories.unique()}, "custom"


def _span_weeks(time: pd.Series, precision: pd.Series) -> float:
    """Weeks from the start of the first incident's day (or month) to the end of the last one's."""
    known = time.notna()
    if not known.any():
        return 1.0
    t = time[known]
    monthly = (precision[known] == "month").to_numpy(dtype=bool, na_value=False)
    # the day (or month) of a time is monotone in it, so only each kind's first and last time matter
    t, monthly = _extremes(t, monthly)
    day_start = t.dt.floor("D")
    month_start = t.dt.to_period("M").dt.start_time
    start = day_start.where(~monthly, month_start)
    end = (day_start + pd.Timedelta(days=1)).where(~monthly, month_start + pd.offsets.MonthBegin(1))
    return max(float((end.max() - start.min()) / pd.Timedelta(weeks=1)), 1 / 7)


def _extremes(time: pd.Series, monthly: BoolArray) -> tuple[pd.Series, BoolArray]:
    """Pick the earliest and latest month-dated time and other time, and say which are month-dated."""
    picks: list[int] = []
    for kind in (False, True):
        where = np.flatnonzero(monthly == kind)
        if where.size:
            values = time.iloc[where]
            picks += [int(where[np.argmin(values.to_numpy())]), int(where[np.argmax(values.to_numpy())])]
    return time.iloc[picks], monthly[picks]


def _slot_on_shift(scenario: Scenario, slot_min: int) -> tuple[BoolArray, BoolArray]:
    """``(n, 10080)`` minute masks and ``(S, n)`` slot masks (on for at least half the slot)."""
    minutes = np.array([week_minute_mask(v) for v in scenario.vehicles], dtype=bool).reshape(
        len(scenario.vehicles), _MIN_PER_WEEK
    )
    n_slots = _MIN_PER_WEEK // slot_min
    slots = minutes.reshape(len(scenario.vehicles), n_slots, slot_min).mean(axis=2) >= 0.5
    return minutes, slots.T.copy()


@dataclass(frozen=True)
class _Timing:
    """Where each incident sits in the week.

    ``exact`` incidents (minute precision) have a ``slot`` and ``minute``; the others a row of
    ``weights`` (``(G_p, 168)`` hour weights summing to 1) given by ``profile_id``.
    """

    exact: BoolArray
    minute: IntArray
    slot: IntArray
    hour: IntArray
    profile_id: IntArray
    weights: FloatArray
    hour_of_slot: IntArray
    slot_min: int

    @staticmethod
    def build(
        time: pd.Series,
        precision: pd.Series,
        category: pd.Series,
        profiles: dict[str, FloatArray],
        slot_min: int,
    ) -> _Timing:
        exact = (precision == "minute").to_numpy(dtype=bool, na_value=False)
        by_day = (precision == "day").to_numpy(dtype=bool, na_value=False)
        filled = time.fillna(pd.Timestamp("2000-01-03"))
        minute = minute_of_week(filled).astype(np.int64)
        dow = minute // MINUTES_PER_DAY
        # one integer key per incident (category, and the day of week for day precision; -1 when
        # timed to the minute), numbered in order of first appearance
        category_code, category_names = pd.factorize(category)
        day_part = np.where(by_day, dow + 1, 0)
        keys = np.where(exact, -1, category_code.astype(np.int64) * 8 + day_part)
        codes, uniques = pd.factorize(keys)
        weights = np.zeros((len(uniques), HOURS_PER_WEEK))
        for k, key in enumerate(uniques):
            if key < 0:
                continue
            row = profiles[str(category_names[key // 8])].copy()
            day = int(key % 8) - 1
            if day >= 0:
                keep = np.zeros(HOURS_PER_WEEK, dtype=bool)
                keep[day * 24 : day * 24 + 24] = True
                row = np.where(keep, row, 0.0)
                row = row if row.sum() > 0 else keep.astype(float)
            weights[k] = row / row.sum()
        per_hour = 60 // slot_min
        return _Timing(
            exact=exact,
            minute=minute,
            slot=minute // slot_min,
            hour=minute // 60,
            profile_id=codes.astype(np.int64),
            weights=weights,
            hour_of_slot=np.arange(HOURS_PER_WEEK * per_hour) // per_hour,
            slot_min=slot_min,
        )

    def subset(self, keep: BoolArray) -> _Timing:
        """Give the timing of the incidents ``keep`` selects (the week's tables shared)."""
        return dataclasses.replace(
            self,
            exact=self.exact[keep],
            minute=self.minute[keep],
            slot=self.slot[keep],
            hour=self.hour[keep],
            profile_id=self.profile_id[keep],
        )

    def hourly_counts(self, atom: IntArray, n_atoms: int) -> FloatArray:
        """``(n_atoms, 168)`` incidents per hour of the week (profile-spread when not exact)."""
        counts = np.zeros((n_atoms, HOURS_PER_WEEK))
        np.add.at(counts, (atom[self.exact], self.hour[self.exact]), 1.0)
        spread = np.zeros((n_atoms, self.weights.shape[0]))
        np.add.at(spread, (atom[~self.exact], self.profile_id[~self.exact]), 1.0)
        return counts + spread @ self.weights


def _to_hours(table: FloatArray, per_hour: int) -> FloatArray:
    return table.reshape(table.shape[0], HOURS_PER_WEEK, per_hour).sum(axis=2)


def _shifts_per_week(minute_on: BoolArray) -> FloatArray:
    """Count the separate on-shift blocks in the (circular) week of each vehicle."""
    starts = minute_on & ~np.roll(minute_on, 1, axis=1)
    count = starts.sum(axis=1).astype(float)
    return np.where(minute_on.all(axis=1), 1.0, count)
