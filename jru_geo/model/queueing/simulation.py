"""A discrete-event simulation of the weekly schedule, to check the hypercube against.

:func:`simulate_schedule` is a discrete-event simulation of the same system as
:func:`jru_geo.model.queueing.schedule.hypercube_schedule`, used to check the hypercube.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from jru_geo.errors import QueueingError
from jru_geo.model.queueing._checks import BoolArray, FloatArray, IntArray
from jru_geo.model.queueing.schedule import _CallTotals, _check_schedule

__all__ = ["SimulationResult", "simulate_schedule"]


@dataclass(frozen=True)
class SimulationResult(_CallTotals):
    """Estimates from :func:`simulate_schedule` over the measured weeks.

    Attributes mirror :class:`ScheduleResult`: ``busy_fraction (n,)``, ``offered_calls (m,)``,
    ``dispatched_calls (m, n)`` and ``lost_calls (m,)`` per week, plus ``n_calls`` simulated
    (measured weeks only) and ``weeks`` measured.
    """

    busy_fraction: FloatArray
    offered_calls: FloatArray
    dispatched_calls: FloatArray
    lost_calls: FloatArray
    n_calls: int
    weeks: int


# --------------------------------------------------------------------------------------------------
# Simulation


def _on_hours_until(on: BoolArray, slot_hours: float, t: FloatArray, vehicle: IntArray) -> FloatArray:
    """On-shift hours of ``vehicle`` from time 0 to ``t`` (hours) in the repeating week."""
    n_slots = on.shape[0]
    week = n_slots * slot_hours
    cum = np.vstack([np.zeros((1, on.shape[1])), np.cumsum(on, axis=0) * slot_hours])
    weeks = np.floor(t / week)
    within = t - weeks * week
    slot = np.minimum((within // slot_hours).astype(np.int64), n_slots - 1)
    partial = (within - slot * slot_hours) * on[slot, vehicle]
    return weeks * cum[-1, vehicle] + cum[slot, vehicle] + partial


def simulate_schedule(
    arrival_rate_per_hour: object,
    preference: object,
    service_rate_per_hour: object,
    on_shift: object,
    *,
    slot_hours: float,
    weeks: int = 52,
    warmup_weeks: int = 1,
    seed: int = 0,
    service: Literal["exponential", "deterministic"] = "exponential",
) -> SimulationResult:
    """Discrete-event simulation of the system :func:`hypercube_schedule` models.

    Calls arrive as Poisson streams with the slot's rate (seeded ``numpy`` generator). Each goes to
    the first listed vehicle that is on shift and free at that moment, and is lost if there is none.
    A vehicle busy when its shift ends finishes the job. Service times are exponential with the
    vehicle's rate, or fixed at its mean (``service="deterministic"``). The first ``warmup_weeks``
    are simulated but not measured.

    Parameters
    ----------
    arrival_rate_per_hour, preference, service_rate_per_hour, on_shift, slot_hours
        As in :func:`hypercube_schedule`.
    weeks
        Weeks measured.
    warmup_weeks
        Weeks run first and discarded.
    seed
        Seed of the random generator: the same inputs and seed give the same result.
    service
        Distribution of service times.

    Returns
    -------
    SimulationResult
        Busy fraction = busy hours inside on-shift time / on-shift hours, per vehicle; weekly calls.
    """
    arrival, pref, mu, on = _check_schedule(
        arrival_rate_per_hour, preference, service_rate_per_hour, on_shift, slot_hours
    )
    if weeks < 1 or warmup_weeks < 0:
        raise QueueingError(f"need weeks >= 1 and warmup_weeks >= 0, got {weeks} and {warmup_weeks}")
    if service not in ("exponential", "deterministic"):
        raise QueueingError(f"service must be 'exponential' or 'deterministic', got {service!r}")
    rng = np.random.default_rng(seed)
    n = mu.size
    n_slots, m = arrival.shape
    total_weeks = weeks + warmup_weeks
    week_hours = n_slots * slot_hours
    counts = rng.poisson(np.broadcast_to(arrival * slot_hours, (total_weeks, n_slots, m)))
    week_idx, slot_idx, atom_idx = np.nonzero(counts)
    reps = counts[week_idx, slot_idx, atom_idx]
    call_week = np.repeat(week_idx, reps)
    call_slot = np.repeat(slot_idx, reps)
    call_atom = np.repeat(atom_idx, reps)
    call_time = call_week * week_hours + (call_slot + rng.random(call_slot.size)) * slot_hours
    order = np.argsort(call_time, kind="stable")
    call_time, call_slot, call_atom = call_time[order], call_slot[order], call_atom[order]
    if service == "exponential":
        duration = rng.exponential(1.0, call_time.size)
    else:
        duration = np.ones(call_time.size)
    lists = [row[row >= 0].tolist() for row in pref]
    on_list = on.tolist()
    busy_until = [0.0] * n
    chosen = np.full(call_time.size, -1, dtype=np.int64)
    for k, (t, s, j) in enumerate(
        zip(call_time.tolist(), call_slot.tolist(), call_atom.tolist(), strict=True)
    ):
        shift = on_list[s]
        for v in lists[j]:
            if shift[v] and busy_until[v] <= t:
                chosen[k] = v
                busy_until[v] = t + duration[k] / mu[v]
                break
    warm = warmup_weeks * week_hours
    end = total_weeks * week_hours
    measured = call_time >= warm
    offered = np.bincount(call_atom[measured], minlength=m).astype(float) / weeks
    served = measured & (chosen >= 0)
    dispatched = np.zeros((m, n))
    np.add.at(dispatched, (call_atom[served], chosen[served]), 1.0 / weeks)
    lost = np.bincount(call_atom[measured & (chosen < 0)], minlength=m).astype(float) / weeks
    jobs = chosen >= 0
    v_job = chosen[jobs]
    start = np.clip(call_time[jobs], warm, end)
    stop = np.clip(call_time[jobs] + duration[jobs] / mu[v_job], warm, end)
    busy_hours = np.bincount(
        v_job,
        weights=_on_hours_until(on, slot_hours, stop, v_job) - _on_hours_until(on, slot_hours, start, v_job),
        minlength=n,
    )
    on_hours = on.sum(axis=0) * slot_hours * weeks
    with np.errstate(invalid="ignore", divide="ignore"):
        busy_fraction = np.where(on_hours > 0, busy_hours / on_hours, 0.0)
    return SimulationResult(
        busy_fraction=busy_fraction,
        offered_calls=offered,
        dispatched_calls=dispatched,
        lost_calls=lost,
        n_calls=int(measured.sum()),
        weeks=weeks,
    )
