"""Each unit's workload beside the published figure of about 7 jobs in an 8-hour shift."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from jru_geo.model.coverage.result import CoverageResult

from jru_geo.errors import BusinessCaseError
from jru_geo.model.assumptions import PUBLISHED_JOBS_PER_SHIFT, PUBLISHED_SHIFT_HOURS

__all__ = ["unit_workload", "workload_note"]

_WORKLOAD_COLUMNS = [
    "vehicle_id",
    "name",
    "reach_min",
    "busy_fraction",
    "busy_pct",
    "expected_jobs_per_shift",
    "shift_hours",
    "jobs_per_8h",
    "share_of_published",
]


def unit_workload(
    result: CoverageResult,
    *,
    published_jobs_per_shift: float = PUBLISHED_JOBS_PER_SHIFT,
    published_shift_hours: float = PUBLISHED_SHIFT_HOURS,
) -> pd.DataFrame:
    """Each unit's busy fraction and jobs a shift, beside the published JRU workload.

    Parameters
    ----------
    result
        Coverage of a fleet (:func:`jru_geo.model.coverage.engine.compute_coverage`).
    published_jobs_per_shift, published_shift_hours
        The published figure: about 7 jobs in an 8-hour shift.

    Returns
    -------
    DataFrame
        One row per vehicle: ``vehicle_id, name, reach_min, busy_fraction`` (share of on-shift time
        on a job), ``busy_pct`` (the same in per cent, for display), ``expected_jobs_per_shift``
        (the model's calls per on-shift hour times the mean shift length), ``shift_hours`` (mean
        shift length), ``jobs_per_8h`` (calls per on-shift hour times ``published_shift_hours``)
        and ``share_of_published`` (``jobs_per_8h`` over ``published_jobs_per_shift``).

    Examples
    --------
    A unit taking 0.5 calls an on-shift hour does 4 jobs in 8 hours, 4/7 of the published 7.
    """
    if not (np.isfinite(published_jobs_per_shift) and published_jobs_per_shift > 0):
        raise BusinessCaseError(f"published_jobs_per_shift must be > 0, got {published_jobs_per_shift!r}")
    if not (np.isfinite(published_shift_hours) and published_shift_hours > 0):
        raise BusinessCaseError(f"published_shift_hours must be > 0 hours, got {published_shift_hours!r}")
    v = result.vehicles
    weekly = v["weekly_hours"].to_numpy(dtype=np.float64)
    shifts = v["shifts_per_week"].to_numpy(dtype=np.float64)
    per_8h = v["calls_per_hour"].to_numpy(dtype=np.float64) * published_shift_hours
    return pd.DataFrame(
        {
            "vehicle_id": v["vehicle_id"].to_numpy(),
            "name": v["name"].to_numpy(),
            "reach_min": v["reach_min"].to_numpy(dtype=np.float64),
            "busy_fraction": v["busy_fraction"].to_numpy(dtype=np.float64),
            "busy_pct": 100.0 * v["busy_fraction"].to_numpy(dtype=np.float64),
            "expected_jobs_per_shift": v["expected_jobs_per_shift"].to_numpy(dtype=np.float64),
            "shift_hours": np.divide(weekly, shifts, out=np.zeros(len(v)), where=shifts > 0),
            "jobs_per_8h": per_8h,
            "share_of_published": per_8h / published_jobs_per_shift,
        },
        columns=_WORKLOAD_COLUMNS,
    )


def workload_note(
    jobs_per_8h: float,
    *,
    reach_note: str,
    published_jobs_per_shift: float = PUBLISHED_JOBS_PER_SHIFT,
    published_shift_hours: float = PUBLISHED_SHIFT_HOURS,
) -> str:
    """Say how the fleet's jobs per 8 hours compare with the published figure, and what moves it.

    The sentence is chosen by the figure itself: under 80% of the published figure the units are
    under-used, over 125% they take more than the real units did, and in between they are close.

    Parameters
    ----------
    jobs_per_8h
        The fleet's calls per on-shift hour times 8 (:attr:`jru_geo.optimise.kpis.PlanKpis.jobs_per_8h`).
    reach_note
        How far units are sent, in words (e.g. ``"within their 15-minute target"``).
    published_jobs_per_shift, published_shift_hours
        The published figure: about 7 jobs in an 8-hour shift.

    Returns
    -------
    str
        One or two sentences.

    Examples
    --------
    >>> workload_note(1.6, reach_note="within their 15-minute target")[:60]
    'The units take 1.6 jobs per 8 hours against the published ab'
    """
    published = f"about {published_jobs_per_shift:g} in an {published_shift_hours:g}-hour shift"
    head = (
        f"The units take {jobs_per_8h:.1f} jobs per {published_shift_hours:g} hours against the "
        f"published {published}"
    )
    if not np.isfinite(jobs_per_8h):
        return "No unit is on shift in these hours: there is no workload to compare with the published one."
    ratio = jobs_per_8h / published_jobs_per_shift
    if ratio < 0.8:
        return (
            f"{head}: fewer. They are sent {reach_note}; a larger dispatch reach or a larger share of "
            "the incidents taken as JRU calls (Assumptions) makes them busier, and the data may hold "
            "fewer joint calls than the real units were given."
        )
    if ratio > 1.25:
        return (
            f"{head}: more. The share of the incidents taken as JRU calls may be too high (not every "
            "incident needs a police officer and a paramedic), or they are sent further than the real "
            f"units ({reach_note})."
        )
    return f"{head}: close to it (sent {reach_note})."
