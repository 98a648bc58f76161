"""The coverage engine's tables: by vehicle, by group (district, LSOA, category) and by hour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jru_geo.model.coverage._fleet import _Fleet
from jru_geo.model.coverage.result import (
    _FIGURE_COLUMNS,
    _VEHICLE_COLUMNS,
    BoolArray,
    CoverageResult,
    FloatArray,
    IntArray,
)
from jru_geo.model.coverage.timing import _shifts_per_week
from jru_geo.model.queueing.mexclp import mexclp_busy_fraction
from jru_geo.model.queueing.schedule import ScheduleResult
from jru_geo.week import DAYS, HOURS_PER_WEEK, WEEKS_PER_YEAR

JOBS_HOURS = 8.0
"""The shift length of the published workload figure ("about 7 jobs in an 8-hour shift")."""

__all__ = ["covered_share_by_district"]


def covered_share_by_district(result: CoverageResult) -> pd.Series:
    """Give each district's share of incidents reached within target by a unit on shift.

    Parameters
    ----------
    result
        From :func:`jru_geo.model.coverage.engine.compute_coverage`.

    Returns
    -------
    Series
        ``coverage_in_hours`` (0-1) of ``result.by_district``, indexed by ``district_code``.
    """
    return result.by_district.set_index("district_code")["coverage_in_hours"]


def _system_busy(
    rates: FloatArray | None,
    slot_hours: float,
    atoms: IntArray,
    service_min: FloatArray,
    slot_on: BoolArray,
) -> float:
    """Daskin's fleet-wide busy fraction ``q`` (see :attr:`CoverageResult.system_busy_fraction`)."""
    on_hours = float(slot_on.sum()) * slot_hours
    if rates is None or atoms.size == 0 or on_hours == 0:
        return 0.0
    first = np.full((slot_on.shape[0], atoms.shape[0]), -1, dtype=np.int64)
    for position in range(atoms.shape[1]):
        vehicle = atoms[:, position]
        ok = (vehicle >= 0)[None, :] & slot_on[:, np.maximum(vehicle, 0)]
        first = np.where((first < 0) & ok, vehicle[None, :], first)
    service_hours = np.where(first >= 0, service_min[np.maximum(first, 0)] / 60.0, 0.0)
    work_hours = float((rates * slot_hours * service_hours).sum())
    return mexclp_busy_fraction(work_hours / on_hours, 1.0, 1)


def _vehicle_table(
    fleet: _Fleet,
    mean_travel: FloatArray,
    service_min: FloatArray,
    rates: FloatArray | None,
    atoms: IntArray,
    schedule: ScheduleResult | None,
    slot_in: BoolArray | None = None,
) -> pd.DataFrame:
    """One row per vehicle; hours, calls and busy figures over ``slot_in``'s slots (all by default)."""
    n = len(fleet.target)
    n_slots = fleet.slot_on.shape[0]
    inside = np.ones(n_slots, dtype=bool) if slot_in is None else slot_in
    on = fleet.slot_on & inside[:, None]
    slot_hours = schedule.slot_hours if schedule is not None else 7 * 24 / max(n_slots, 1)
    if slot_in is None:
        weekly = fleet.minute_on.sum(axis=1) / 60.0 if n else np.zeros(0)
    else:
        weekly = on.sum(axis=0) * slot_hours if n else np.zeros(0)
    shifts = _shifts_per_week(fleet.minute_on) if n else np.zeros(0)
    if schedule is None:
        busy, taken, offered_total = np.zeros(n), np.zeros(n), 0.0
    elif slot_in is None:
        busy = schedule.busy_fraction
        taken = schedule.dispatched_calls.sum(axis=0)
        offered_total = float(schedule.offered_calls.sum())
    else:
        on_hours = on.sum(axis=0) * slot_hours
        busy_on = (schedule.busy_probability * on).sum(axis=0) * slot_hours
        busy = np.divide(busy_on, on_hours, out=np.zeros(n), where=on_hours > 0)
        taken = schedule.dispatched_by_slot[inside].sum(axis=0)
        offered_total = float(taken.sum() + schedule.lost_by_slot[inside].sum())
    offered = np.zeros(n)
    if rates is not None and atoms.size:
        for i in range(n):
            listed = (atoms == i).any(axis=1)
            offered[i] = float((rates[:, listed].sum(axis=1) * on[:, i]).sum()) * slot_hours
    per_hour = np.divide(taken, weekly, out=np.zeros(n), where=weekly > 0)
    whole_weekly = fleet.minute_on.sum(axis=1) / 60.0 if n else np.zeros(0)
    shift_hours = np.divide(whole_weekly, shifts, out=np.zeros(n), where=shifts > 0)
    return pd.DataFrame(
        {
            "vehicle_id": fleet.bases["vehicle_id"].astype("string").to_numpy(),
            "name": fleet.bases["name"].astype("string").to_numpy(),
            "target_min": fleet.target,
            "reach_min": fleet.reach,
            "weekly_hours": weekly,
            "shifts_per_week": shifts,
            "mean_travel_min": mean_travel,
            "service_min": service_min,
            "offered_calls_per_hour": np.divide(offered, weekly, out=np.zeros(n), where=weekly > 0),
            "calls_per_hour": per_hour,
            "busy_fraction": busy,
            "dispatch_share": taken / offered_total if offered_total > 0 else np.zeros(n),
            "expected_jobs_per_shift": per_hour * shift_hours,
            "jobs_per_8h": per_hour * JOBS_HOURS,
            "calls_attended_per_year": taken * WEEKS_PER_YEAR,
        },
        columns=_VEHICLE_COLUMNS,
    )


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    count = out["incidents"].to_numpy(dtype=np.float64)
    for name, column in (
        ("coverage_geographic", "covered_geo"),
        ("coverage_in_hours", "covered_in_hours"),
        ("coverage_expected", "covered_expected"),
    ):
        out[name] = np.divide(
            out[column].to_numpy(dtype=np.float64), count, out=np.zeros(len(out)), where=count > 0
        )
    return out


def _by_group(incidents: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Incidents and covered sums per group, with the three shares; empty if the keys are absent."""
    if not set(keys) <= set(incidents.columns):
        return pd.DataFrame(columns=[*keys, *_FIGURE_COLUMNS])
    grouped = (
        pd.DataFrame(
            {
                **{k: incidents[k] for k in keys},
                "incidents": 1,
                "covered_geo": incidents["covered_geo"],
                "covered_in_hours": incidents["covered_in_hours"],
                "covered_expected": incidents["p_covered_expected"],
            }
        )
        .groupby(keys, dropna=False, sort=True)
        .sum()
        .reset_index()
    )
    return _figures(grouped)[[*keys, *_FIGURE_COLUMNS]]


def _by_hour(fleet: _Fleet, cover: dict[str, FloatArray], schedule: ScheduleResult | None) -> pd.DataFrame:
    hours = np.arange(HOURS_PER_WEEK)
    sums = cover["by_hour"]
    n_slots = fleet.slot_on.shape[0]
    per_hour = n_slots // HOURS_PER_WEEK
    on = fleet.slot_on.reshape(HOURS_PER_WEEK, per_hour, -1)
    on_count = on.sum(axis=2).mean(axis=1) if on.shape[2] else np.zeros(HOURS_PER_WEEK)
    if schedule is not None:
        busy = schedule.busy_probability.reshape(HOURS_PER_WEEK, per_hour, -1)
        busy_on = (busy * on).sum(axis=(1, 2))
        slots_on = on.sum(axis=(1, 2))
        mean_busy = np.divide(busy_on, slots_on, out=np.zeros(HOURS_PER_WEEK), where=slots_on > 0)
    else:
        mean_busy = np.zeros(HOURS_PER_WEEK)
    frame = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": pd.array([DAYS[h // 24] for h in hours], dtype="string"),
            "hour": hours % 24,
            "incidents": sums[0],
            "covered_geo": sums[1],
            "covered_in_hours": sums[2],
            "covered_expected": sums[3],
        }
    )
    out = _figures(frame)
    out["vehicles_on_shift"] = on_count
    out["mean_busy_probability"] = mean_busy
    return out
