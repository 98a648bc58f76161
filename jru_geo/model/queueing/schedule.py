"""The hypercube over a weekly schedule of shifts: hour-by-hour busy probabilities and dispatch shares.

:func:`hypercube_schedule` runs the model of :mod:`jru_geo.model.queueing.hypercube` over a
repeating week of time slots in which arrival rates and which vehicles are on shift change. An
off-shift vehicle takes no new calls but finishes the job in hand. The exact method follows the
time-dependent state probabilities through the week (uniformisation) until the week repeats, so it
includes the start-of-shift effect (every vehicle starts its shift free); the approximate method
treats each slot as stationary.

Coupled groups. Two vehicles interact only through calls that may go to either: some atom lists both
and has calls in a slot in which both are on shift. The week's vehicles split into groups linked in
this way, and groups evolve independently (the generator is a sum of one generator per group and
every vehicle starts free), so each group is solved on its own and the state probabilities of the
fleet are the product of the groups'. This is exact, not an approximation: it is why the choice
between the exact method and Larson's approximation is made per group, on the vehicles that really
share calls, and not on the size of the scenario. A vehicle that never takes a call (never on shift
where calls arrive in its reach) belongs to no group and is never busy, so adding it changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from jru_geo.errors import QueueingError
from jru_geo.model.queueing._checks import (
    EXACT_MAX_VEHICLES,
    BoolArray,
    FloatArray,
    IntArray,
    Method,
    _check_rates,
    _check_service,
    check_preference,
)
from jru_geo.model.queueing._steps import _CHUNK_VALUES, _slot_steps, _slots_by_shift
from jru_geo.model.queueing.hypercube import _list_masks, _shares_by_slot, _superset_sums
from jru_geo.model.queueing.larson import approx_stationary

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
        ``"exact"``, ``"approx"`` or ``"mixed"`` (some groups exact, some approximate).
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
    _parts: tuple[_Part, ...]

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
        out = np.ones(len(slots))
        grouped = np.zeros(sets.shape[1], dtype=bool)
        for part in self._parts:
            grouped[part.vehicles] = True
            sub = sets[:, part.vehicles]
            hit = sub.any(axis=1)
            if hit.any():
                out[hit] *= part.all_busy(slots[hit], sub[hit], self.busy_probability[:, part.vehicles])
        # a vehicle in no group never takes a call, so is never busy
        out[sets[:, ~grouped].any(axis=1)] = 0.0
        return out


@dataclass(frozen=True)
class _Part:
    """One group of coupled vehicles and what its all-busy probabilities are read from.

    ``table`` is the exact method's ``(S, 2**k)`` superset table (bit ``i`` = the group's ``i``-th
    vehicle); ``factor`` Larson's ``(S, k + 1)`` correction ``Q'`` by set size (approximate method).
    """

    vehicles: IntArray
    table: FloatArray | None
    factor: FloatArray | None

    def all_busy(self, slots: IntArray, sets: BoolArray, busy: FloatArray) -> FloatArray:
        """P(every vehicle of ``sets[k]`` (the group's columns) is busy in slot ``slots[k]``)."""
        if self.table is not None:
            weights = (1 << np.arange(sets.shape[1], dtype=np.int64)).astype(np.int64)
            return self.table[slots, sets.astype(np.int64) @ weights]
        assert self.factor is not None
        rho = busy[slots]
        with np.errstate(divide="ignore"):
            log_rho = np.where(sets, np.log(np.maximum(rho, 0.0)), 0.0)
        product = np.exp(log_rho.sum(axis=1))
        return np.clip(self.factor[slots, sets.sum(axis=1)] * product, 0.0, 1.0)


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


def _exact_schedule(
    arrival: FloatArray, pref: IntArray, mu: FloatArray, on: BoolArray, slot_hours: float
) -> tuple[FloatArray, FloatArray]:
    """Periodic slot-mean state probabilities ``(S, 2**n)`` and the superset table."""
    n = mu.size
    n_slots = on.shape[0]
    slot_steps = _slot_steps(arrival, pref, mu, on, slot_hours)
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
        (quasi-stationary). ``"auto"``: exact for every group of up to :data:`EXACT_MAX_VEHICLES`
        vehicles that share calls (see "Coupled groups" in the module docstring), approximate for a
        larger group; vehicles that never take a call are in no group. The choice is made per group,
        so it depends on who shares calls, never on the number of vehicles in the scenario.

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
    if method not in ("auto", "exact", "approx"):
        raise QueueingError(f"method must be 'auto', 'exact' or 'approx', got {method!r}")
    n = mu.size
    n_slots, m = arrival.shape
    listed = _listed(pref, n)
    groups = _coupled_groups(arrival, listed, on)
    offered = arrival.sum(axis=0) * slot_hours
    dispatched = np.zeros((m, n))
    lost = np.zeros(m)
    busy = np.zeros((n_slots, n))
    by_slot = np.zeros((n_slots, n))
    lost_by_slot = np.zeros(n_slots)
    parts: list[_Part] = []
    if len(groups) == 1 and groups[0].size == n:
        # the whole fleet is one group: solve it as it is
        solved = [(np.arange(m), _solve_group(arrival, pref, mu, on, slot_hours, _group_method(method, n)))]
    else:
        # calls of an atom that no on-shift vehicle may take are lost outright
        reachable = (on.astype(np.int64) @ listed.T.astype(np.int64)) > 0
        unlisted = np.where(reachable, 0.0, arrival) * slot_hours
        lost += unlisted.sum(axis=0)
        lost_by_slot += unlisted.sum(axis=1)
        solved = []
        for group in groups:
            rows, sub_pref = _restrict(pref, group, n)
            sub_on = on[:, group]
            # an atom's calls reach this group only in slots where one of its vehicles is on shift
            here = (sub_on.astype(np.int64) @ listed[np.ix_(rows, group)].T.astype(np.int64)) > 0
            sub_arrival = np.where(here, arrival[:, rows], 0.0)
            chosen = _group_method(method, group.size)
            solved.append((rows, _solve_group(sub_arrival, sub_pref, mu[group], sub_on, slot_hours, chosen)))
    for group, (rows, part) in zip(groups, solved, strict=True):
        busy[:, group] = part.busy
        dispatched[np.ix_(rows, group)] += part.dispatched
        by_slot[:, group] = part.by_slot
        lost[rows] += part.lost
        lost_by_slot += part.lost_by_slot
        parts.append(_Part(vehicles=group, table=part.table, factor=part.factor))
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
        method=_method_label(method, parts),
        _parts=tuple(parts),
    )


# --------------------------------------------------------------------------------------------------
# Coupled groups of vehicles


def _listed(pref: IntArray, n: int) -> BoolArray:
    """``(m, n)`` booleans: vehicle ``i`` is on atom ``j``'s list."""
    out = np.zeros((pref.shape[0], n), dtype=bool)
    rows, cols = np.nonzero(pref >= 0)
    out[rows, pref[rows, cols]] = True
    return out


def _coupled_groups(arrival: FloatArray, listed: BoolArray, on: BoolArray) -> list[IntArray]:
    """Find the groups of vehicles that share calls, each as sorted vehicle indices, by lowest vehicle.

    Vehicles ``i`` and ``k`` are linked when some atom lists both and has calls in a slot in which
    both are on shift; a group is a connected set of links. A vehicle that never takes a call (no
    listing atom has calls while it is on shift) is in no group.
    """
    n = listed.shape[1]
    links = np.zeros((n, n), dtype=np.int64)
    for mask, slots in _slots_by_shift(on):
        calls = (arrival[slots] > 0).any(axis=0)
        active = (listed[calls] & mask[None, :]).astype(np.int64)
        links += active.T @ active
    takes_calls = np.diagonal(links) > 0
    if not takes_calls.any():
        return []
    _, label = connected_components(sparse.csr_matrix(links > 0), directed=False)
    groups = [np.flatnonzero(takes_calls & (label == g)) for g in np.unique(label[takes_calls])]
    return sorted(groups, key=lambda g: int(g[0]))


def _restrict(pref: IntArray, group: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Cut the lists to ``group``: the atoms listing one of its vehicles, in the group's indices."""
    local = np.full(n + 1, -1, dtype=np.int64)  # index -1 (padding) reads the last entry, -1
    local[group] = np.arange(group.size)
    mapped = local[pref]
    order = np.argsort(mapped < 0, axis=1, kind="stable")
    cut = np.take_along_axis(mapped, order, axis=1)[:, : group.size]
    rows = np.flatnonzero((cut >= 0).any(axis=1))
    return rows, cut[rows]


def _group_method(method: Method, size: int) -> str:
    if method == "exact" and size > EXACT_MAX_VEHICLES:
        raise QueueingError(
            f"method='exact' supports groups of at most {EXACT_MAX_VEHICLES} vehicles sharing calls "
            f"(2**n states), got a group of {size}; use method='approx' or 'auto'"
        )
    if method == "auto":
        return "exact" if size <= EXACT_MAX_VEHICLES else "approx"
    return method


def _method_label(method: Method, parts: list[_Part]) -> str:
    """``"exact"``, ``"approx"`` or ``"mixed"`` (exact for some groups, approximate for others)."""
    kinds = {"exact" if part.table is not None else "approx" for part in parts}
    if not kinds:
        return "approx" if method == "approx" else "exact"
    return kinds.pop() if len(kinds) == 1 else "mixed"


@dataclass(frozen=True)
class _Solved:
    """One group's weekly figures, in the group's own vehicle and atom indices."""

    busy: FloatArray
    dispatched: FloatArray
    by_slot: FloatArray
    lost: FloatArray
    lost_by_slot: FloatArray
    table: FloatArray | None
    factor: FloatArray | None


def _exact_calls(
    all_busy: FloatArray, arrival: FloatArray, pref: IntArray, on: BoolArray, slot_hours: float
) -> Iterator[tuple[int, FloatArray, FloatArray]]:
    """Each slot with calls, in order: ``(slot, calls served (m, n), calls lost (m,))`` over the slot.

    Slots are taken in batches of at most :data:`_CHUNK_VALUES` values; within a batch, the slots
    with the same vehicles on shift are computed together (:func:`_shares_by_slot`). The figures are
    those of one slot at a time.
    """
    m, n = pref.shape[0], on.shape[1]
    with_calls = np.flatnonzero(arrival.any(axis=1))
    step = max(1, _CHUNK_VALUES // max(1, m * n))
    for start in range(0, with_calls.size, step):
        chunk = with_calls[start : start + step]
        served = np.zeros((chunk.size, m, n))
        lost = np.zeros((chunk.size, m))
        for mask, at in _slots_by_shift(on[chunk]):
            slots = chunk[at]
            shares = _shares_by_slot(all_busy[slots], pref, mask)
            served[at] = arrival[slots][:, :, None] * shares * slot_hours
            lost[at] = arrival[slots] * all_busy[slots][:, _list_masks(pref, mask)] * slot_hours
        for i, s in enumerate(chunk):
            yield int(s), served[i], lost[i]


def _solve_group(
    arrival: FloatArray, pref: IntArray, mu: FloatArray, on: BoolArray, slot_hours: float, chosen: str
) -> _Solved:
    """Solve one group of vehicles over the week, exactly or by Larson's approximation."""
    n = mu.size
    n_slots, m = arrival.shape
    dispatched = np.zeros((m, n))
    lost = np.zeros(m)
    by_slot = np.zeros((n_slots, n))
    lost_by_slot = np.zeros(n_slots)
    all_busy: FloatArray | None = None
    factor: FloatArray | None = None
    if chosen == "exact":
        _, all_busy = _exact_schedule(arrival, pref, mu, on, slot_hours)
        busy = all_busy[:, 1 << np.arange(n)]
        for s, served, slot_lost in _exact_calls(all_busy, arrival, pref, on, slot_hours):
            dispatched += served
            by_slot[s] = served.sum(axis=0)
            lost += slot_lost
            lost_by_slot[s] = slot_lost.sum()
    else:
        busy = np.zeros((n_slots, n))
        factor = np.zeros((n_slots, n + 1))
        # a slot's answer depends only on its units on shift and its arrival rates: solve each
        # distinct slot once, in batches of at most _CHUNK_VALUES values of its shares
        first: dict[tuple[bytes, bytes], int] = {}
        rep = np.array([first.setdefault((on[s].tobytes(), arrival[s].tobytes()), s) for s in range(n_slots)])
        distinct = np.flatnonzero(rep == np.arange(n_slots))
        step = max(1, _CHUNK_VALUES // max(1, m * max(n, pref.shape[1])))
        for start in range(0, distinct.size, step):
            batch = distinct[start : start + step]
            rho, shares, loss, qp = approx_stationary(arrival[batch], pref, mu, on[batch])
            for b, s0 in enumerate(batch):
                for same in np.flatnonzero(rep == s0):
                    busy[same] = rho[b]
                    factor[same] = qp[b]
                    served = arrival[same][:, None] * shares[b] * slot_hours
                    dispatched += served
                    by_slot[same] = served.sum(axis=0)
                    slot_lost = arrival[same] * loss[b] * slot_hours
                    lost += slot_lost
                    lost_by_slot[same] = slot_lost.sum()
    return _Solved(busy, dispatched, by_slot, lost, lost_by_slot, all_busy, factor)
