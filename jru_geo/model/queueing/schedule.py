"""The hypercube over a weekly schedule of shifts: hour-by-hour busy probabilities and dispatch shares.

:func:`hypercube_schedule` runs the model of :mod:`jru_geo.model.queueing.hypercube` over a
repeating week of time slots in which arrival rates and which vehicles are on shift change. An
off-shift vehicle takes no new calls but finishes the job in hand. The exact method follows the
time-dependent state probabilities through the week (uniformisation) until the week repeats, so it
includes the start-of-shift effect (every vehicle starts its shift free); the approximate method
treats each slot as stationary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.stats import poisson

from jru_geo.errors import QueueingError
from jru_geo.model.queueing._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    Method,
    _check_rates,
    _check_service,
    _resolve_method,
    check_preference,
)
from jru_geo.model.queueing.hypercube import (
    _approx_stationary,
    _dispatch_targets,
    _generator,
    _list_masks,
    _shares_from_all_busy,
    _superset_sums,
)

__all__ = ["ScheduleResult", "hypercube_schedule"]

_WEEK_TOL = 1e-11
_MAX_WEEKS = 60


class _CallTotals:
    """Shares derived from weekly call totals, for the model and the simulation alike."""

    offered_calls: FloatArray
    dispatched_calls: FloatArray
    lost_calls: FloatArray

    @property
    def dispatch_share(self) -> FloatArray:
        """``(m, n)`` fraction of atom ``j``'s calls served by vehicle ``i`` (0 for an atom with none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.dispatched_calls / self.offered_calls[:, None]
        return np.where(self.offered_calls[:, None] > 0, share, 0.0)

    @property
    def loss_total(self) -> float:
        """Share of all calls in the week that are lost (0 when there are none)."""
        total = float(self.offered_calls.sum())
        return float(self.lost_calls.sum()) / total if total > 0 else 0.0


@dataclass(frozen=True)
class ScheduleResult(_CallTotals):
    """The hypercube over a repeating week of ``S`` slots (see :func:`hypercube_schedule`).

    Attributes
    ----------
    slot_hours
        Length of each slot in hours (``S * slot_hours`` is one week).
    busy_probability
        ``(S, n)`` mean probability that each vehicle is busy during each slot (off-shift vehicles
        may still be finishing a job).
    busy_fraction
        ``(n,)`` share of each vehicle's on-shift time spent busy; 0 for a vehicle never on shift.
    offered_calls
        ``(m,)`` calls a week from each atom.
    dispatched_calls
        ``(m, n)`` calls a week from atom ``j`` served by vehicle ``i``.
    lost_calls
        ``(m,)`` calls a week from each atom lost (every on-shift listed vehicle busy, or none on
        shift).
    dispatched_by_slot
        ``(S, n)`` calls a week arriving in slot ``s`` and served by vehicle ``i`` (its column sums
        are ``dispatched_calls.sum(axis=0)``): the workload of a time slice of the week.
    lost_by_slot
        ``(S,)`` calls a week arriving in slot ``s`` that are lost.
    method
        ``"exact"`` or ``"approx"``.
    """

    slot_hours: float
    busy_probability: FloatArray
    busy_fraction: FloatArray
    offered_calls: FloatArray
    dispatched_calls: FloatArray
    lost_calls: FloatArray
    dispatched_by_slot: FloatArray
    lost_by_slot: FloatArray
    method: str
    _all_busy: FloatArray | None
    _approx_factor: FloatArray | None

    def all_busy_probability(self, slots: IntArray, vehicles: BoolArray) -> FloatArray:
        """Mean probability, during slot ``slots[k]``, that every vehicle in ``vehicles[k]`` is busy.

        Parameters
        ----------
        slots
            ``(k,)`` slot indices.
        vehicles
            ``(k, n)`` booleans: the set of vehicles asked about. An empty set gives 1 (all of no
            vehicles are busy), so ``1 - all_busy_probability`` is the chance some vehicle in the set
            is free.

        Returns
        -------
        numpy.ndarray
            ``(k,)`` probabilities. Exact from the state probabilities with the exact method; with the
            approximate method, Larson's corrected product ``Q'_k * prod(rho_i)``.
        """
        slots = np.asarray(slots, dtype=np.int64)
        sets = np.asarray(vehicles, dtype=bool).reshape(len(slots), -1)
        if self._all_busy is not None:
            weights = (1 << np.arange(sets.shape[1], dtype=np.int64)).astype(np.int64)
            masks = sets.astype(np.int64) @ weights
            return self._all_busy[slots, masks]
        assert self._approx_factor is not None
        rho = self.busy_probability[slots]
        with np.errstate(divide="ignore"):
            log_rho = np.where(sets, np.log(np.maximum(rho, 0.0)), 0.0)
        size = sets.sum(axis=1)
        product = np.exp(log_rho.sum(axis=1))
        return np.clip(self._approx_factor[slots, size] * product, 0.0, 1.0)


# --------------------------------------------------------------------------------------------------
# Public: a repeating week of slots


def _check_schedule(
    arrival_rate_per_hour: object,
    preference: object,
    service_rate_per_hour: object,
    on_shift: object,
    slot_hours: float,
) -> tuple[FloatArray, IntArray, FloatArray, BoolArray]:
    mu = _check_service(service_rate_per_hour, np.asarray(service_rate_per_hour).size)
    n = mu.size
    pref = check_preference(preference, n)
    on = np.asarray(on_shift, dtype=bool)
    if on.ndim != 2 or on.shape[1] != n:
        raise QueueingError(f"on_shift must be an (S, n={n}) boolean array, got shape {on.shape}")
    arrival = _check_rates("arrival_rate_per_hour", arrival_rate_per_hour, (on.shape[0], pref.shape[0]))
    if not (math.isfinite(slot_hours) and slot_hours > 0):
        raise QueueingError(f"slot_hours must be a positive number of hours, got {slot_hours!r}")
    return arrival, pref, mu, on


class _Step:
    """Uniformised transition of one slot: end state and slot-mean state from a start state."""

    def __init__(self, arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int, hours: float):
        rates, exit_rate = _generator(arrival, targets, mu, n)
        lam = float(exit_rate.max()) if exit_rate.size else 0.0
        self.lam = lam
        if lam <= 0:
            self.matrix_t = None
            return
        jump = rates.multiply(1.0 / lam).tocsr() + sparse.diags(1.0 - exit_rate / lam)
        self.matrix_t = jump.T.tocsr()
        mean_jumps = lam * hours
        k_max = int(poisson.isf(1e-14, mean_jumps)) + 2
        k = np.arange(k_max + 1)
        self.weights_end = poisson.pmf(k, mean_jumps)
        # mean over the slot of P(N(t) = k), t uniform on [0, hours]: P(N(hours) > k) / (lam*hours)
        self.weights_mean = poisson.sf(k, mean_jumps) / mean_jumps

    def apply(self, start: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.matrix_t is None:
            return start, start
        term = start
        end = self.weights_end[0] * term
        mean = self.weights_mean[0] * term
        for k in range(1, self.weights_end.size):
            term = self.matrix_t @ term
            end = end + self.weights_end[k] * term
            mean = mean + self.weights_mean[k] * term
        return end, mean


def _exact_schedule(
    arrival: FloatArray, pref: IntArray, mu: FloatArray, on: BoolArray, slot_hours: float
) -> tuple[FloatArray, FloatArray]:
    """Periodic slot-mean state probabilities ``(S, 2**n)`` and the superset table."""
    n = mu.size
    n_slots = on.shape[0]
    targets_by_mask: dict[bytes, IntArray] = {}
    steps: dict[tuple[bytes, bytes], _Step] = {}
    slot_steps: list[_Step] = []
    for s in range(n_slots):
        key_on = on[s].tobytes()
        if key_on not in targets_by_mask:
            targets_by_mask[key_on] = _dispatch_targets(pref, on[s], n)
        key = (key_on, arrival[s].tobytes())
        if key not in steps:
            steps[key] = _Step(arrival[s], targets_by_mask[key_on], mu, n, slot_hours)
        slot_steps.append(steps[key])
    state = np.zeros(1 << n)
    state[0] = 1.0
    means = np.zeros((n_slots, 1 << n))
    for _ in range(_MAX_WEEKS):
        start = state
        for s, step in enumerate(slot_steps):
            state, means[s] = step.apply(state)
        state = np.clip(state, 0.0, None)
        state /= state.sum()
        if np.abs(state - start).sum() < _WEEK_TOL:
            break
    means = np.clip(means, 0.0, None)
    means /= means.sum(axis=1, keepdims=True)
    return means, _superset_sums(means, n)


def hypercube_schedule(
    arrival_rate_per_hour: object,
    preference: object,
    service_rate_per_hour: object,
    on_shift: object,
    *,
    slot_hours: float,
    method: Method = "auto",
) -> ScheduleResult:
    """Solve the hypercube loss model over a repeating week of ``S`` equal time slots.

    Parameters
    ----------
    arrival_rate_per_hour
        ``(S, m)`` call rate of each atom in each slot, calls per hour.
    preference
        ``(m, k)`` dispatch lists as in :func:`hypercube`. In a slot only the listed vehicles that
        are on shift may be dispatched.
    service_rate_per_hour
        ``(n,)`` service rates.
    on_shift
        ``(S, n)`` booleans: vehicle ``i`` takes new calls in slot ``s``. Off shift it still finishes
        the job in hand.
    slot_hours
        Length of a slot in hours; ``S * slot_hours`` is the week (e.g. 672 slots of 0.25 h).
    method
        ``"exact"``: the time-dependent probabilities of all ``2**n`` busy sets are followed through
        the week by uniformisation, starting with every vehicle free and repeating the week until
        its start state changes by less than 1e-11; this includes the start-of-shift effect.
        ``"approx"``: Larson's approximation in each slot as if that slot lasted for ever
        (quasi-stationary). ``"auto"``: exact for up to :data:`EXACT_MAX_VEHICLES` vehicles.

    Returns
    -------
    ScheduleResult
        Busy probabilities per slot, each vehicle's busy share of its on-shift time, and weekly
        offered, dispatched and lost calls per atom. Calls are counted with the slot-mean state
        probabilities, which is exact because arrivals are Poisson with a constant rate in a slot.
    """
    arrival, pref, mu, on = _check_schedule(
        arrival_rate_per_hour, preference, service_rate_per_hour, on_shift, slot_hours
    )
    n = mu.size
    n_slots, m = arrival.shape
    chosen = _resolve_method(method, n)
    offered = arrival.sum(axis=0) * slot_hours
    dispatched = np.zeros((m, n))
    lost = np.zeros(m)
    by_slot = np.zeros((n_slots, n))
    lost_by_slot = np.zeros(n_slots)
    all_busy: FloatArray | None = None
    factor: FloatArray | None = None
    if chosen == "exact":
        _, all_busy = _exact_schedule(arrival, pref, mu, on, slot_hours)
        busy = all_busy[:, 1 << np.arange(n)]
        for s in range(n_slots):
            if not arrival[s].any():
                continue
            shares = _shares_from_all_busy(all_busy[s], pref, on[s])
            served = arrival[s][:, None] * shares * slot_hours
            dispatched += served
            by_slot[s] = served.sum(axis=0)
            slot_lost = arrival[s] * all_busy[s][_list_masks(pref, on[s])] * slot_hours
            lost += slot_lost
            lost_by_slot[s] = slot_lost.sum()
    else:
        busy = np.zeros((n_slots, n))
        factor = np.zeros((n_slots, n + 1))
        cache: dict[tuple[bytes, bytes], tuple[FloatArray, FloatArray, FloatArray, FloatArray]] = {}
        for s in range(n_slots):
            key = (on[s].tobytes(), arrival[s].tobytes())
            if key not in cache:
                previous = busy[s - 1] if s > 0 else None
                cache[key] = _approx_stationary(arrival[s], pref, mu, on[s], previous)
            rho, shares, loss, qp = cache[key]
            busy[s] = rho
            factor[s] = qp
            served = arrival[s][:, None] * shares * slot_hours
            dispatched += served
            by_slot[s] = served.sum(axis=0)
            slot_lost = arrival[s] * loss * slot_hours
            lost += slot_lost
            lost_by_slot[s] = slot_lost.sum()
    on_hours = on.sum(axis=0) * slot_hours
    busy_on = (busy * on).sum(axis=0) * slot_hours
    with np.errstate(invalid="ignore", divide="ignore"):
        busy_fraction = np.where(on_hours > 0, busy_on / on_hours, 0.0)
    return ScheduleResult(
        slot_hours=float(slot_hours),
        busy_probability=busy,
        busy_fraction=busy_fraction,
        offered_calls=offered,
        dispatched_calls=dispatched,
        lost_calls=lost,
        dispatched_by_slot=by_slot,
        lost_by_slot=lost_by_slot,
        method=chosen,
        _all_busy=all_busy,
        _approx_factor=factor,
    )
