"""Larson's hypercube queueing model of response units that may be busy, in steady state.

Pure numbers, no geography: every function takes arrays and can be checked by hand on a 4x3 case.
:mod:`jru_geo.model.coverage.engine` builds the arrays from incidents and a scenario; the weekly
schedule of shifts is :mod:`jru_geo.model.queueing.schedule`, Daskin's MEXCLP
:mod:`jru_geo.model.queueing.mexclp` and the simulation that checks both
:mod:`jru_geo.model.queueing.simulation`.

The model
---------
* **Servers** are the ``n`` vehicles. Vehicle ``i`` serves a call in an exponentially distributed time
  with rate ``service_rate_per_hour[i]`` (``1 / (job + mean travel)`` in hours).
* **Demand atoms** are groups of calls that share one dispatch preference list. Atom ``j`` sends
  calls as a Poisson stream of ``arrival_rate_per_hour[j]`` calls an hour.
* **Dispatch**: a call goes to the first *free* vehicle in its atom's preference list
  (``preference[j]``, vehicle indices padded with ``-1``). Lists hold only the vehicles that may
  respond to the atom (in :mod:`jru_geo.model.coverage.dispatch`: those within reach), so a list
  may be short or empty.
* **Loss system, no queue.** A JRU is an extra resource on top of the normal police and ambulance
  response: a call that finds every vehicle on its list busy is not held for the JRU, it is lost to
  the normal response. This is Larson's hypercube with zero line capacity.

Larson's hypercube (Larson 1974, *Computers & OR* 1:67-95) tracks which vehicles are busy: ``2**n``
states. :func:`hypercube` solves it exactly for up to
:data:`~jru_geo.model.queueing._checks.EXACT_MAX_VEHICLES` vehicles and uses Larson's approximate
procedure beyond (Larson 1975, *Operations Research* 23:845-868), in the zero-line-capacity form of
Jarvis (1985, *Management Science* 31:235-239): vehicles are treated as independent apart from a
correction factor computed from the Erlang loss distribution of the number of busy vehicles
(:func:`erlang_loss_distribution`), in :mod:`jru_geo.model.queueing.larson`. Over a week of shifts
(:mod:`jru_geo.model.queueing.schedule`) the choice is made for each group of vehicles that share
calls, not for the whole fleet.

Pathwise monotonicity. With exponential service and first-free dispatch, adding a vehicle whose
insertion keeps the relative order of every list never lowers the chance that a call finds some
vehicle of its (old) list free: couple both systems on the same arrivals and per-vehicle service
clocks; the busy set of the old vehicles in the new system stays inside the busy set of the old
system, because the new system only ever dispatches a vehicle at or ahead of the one the old
system dispatches. :mod:`jru_geo.model.coverage.engine` relies on this, and its tests check it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

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
from jru_geo.model.queueing.larson import _erlang_rows, approx_stationary

__all__ = ["HypercubeResult", "hypercube", "erlang_loss_distribution"]


# --------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class HypercubeResult:
    """Steady state of the hypercube loss model.

    Attributes
    ----------
    busy_probability
        ``(n,)`` long-run fraction of time each vehicle is busy (its workload).
    dispatch_share
        ``(m, n)`` fraction of atom ``j``'s calls served by vehicle ``i``.
    loss_probability
        ``(m,)`` fraction of atom ``j``'s calls that find every listed vehicle busy.
    loss_total
        Fraction of all calls lost (arrival-rate weighted mean of ``loss_probability``).
    method
        ``"exact"`` or ``"approx"``.
    state_probability
        ``(2**n,)`` steady-state probability of each busy set (bit ``i`` = vehicle ``i`` busy),
        exact method only.
    """

    busy_probability: FloatArray
    dispatch_share: FloatArray
    loss_probability: FloatArray
    loss_total: float
    method: str
    state_probability: FloatArray | None


# --------------------------------------------------------------------------------------------------
# Exact hypercube: state space helpers


def _dispatch_targets(pref: IntArray, eligible: BoolArray, n: int) -> IntArray:
    """``(m, 2**n)``: the vehicle each atom's call goes to in each busy set, ``-1`` if lost."""
    states = np.arange(1 << n, dtype=np.int64)
    m = pref.shape[0]
    target = np.full((m, states.size), -1, dtype=np.int64)
    for position in range(pref.shape[1]):
        vehicle = pref[:, position]
        usable = (vehicle >= 0) & eligible[np.maximum(vehicle, 0)]
        free = ((states[None, :] >> np.maximum(vehicle, 0)[:, None]) & 1) == 0
        take = (target < 0) & usable[:, None] & free
        target = np.where(take, vehicle[:, None], target)
    return target


def _transitions(
    arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Off-diagonal transition rates as ``(from state, to state, rate)`` triplets (repeats add up)."""
    states = np.arange(1 << n, dtype=np.int64)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    # arrivals: state -> state | (1 << target)
    for j in np.flatnonzero(arrival > 0):
        hit = targets[j] >= 0
        rows.append(states[hit])
        cols.append(states[hit] | (1 << targets[j][hit]))
        vals.append(np.full(int(hit.sum()), arrival[j]))
    # service completions: state -> state without bit i
    for i in range(n):
        busy = ((states >> i) & 1) == 1
        rows.append(states[busy])
        cols.append(states[busy] & ~(1 << i))
        vals.append(np.full(int(busy.sum()), mu[i]))
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    v = np.concatenate(vals) if vals else np.zeros(0)
    return r, c, v


def _generator(
    arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int
) -> tuple[sparse.csr_matrix, FloatArray]:
    """Sparse transition-rate matrix (off-diagonal) and the exit rate of each state."""
    n_states = 1 << n
    r, c, v = _transitions(arrival, targets, mu, n)
    rates = sparse.csr_matrix((v, (r, c)), shape=(n_states, n_states))
    exit_rate = np.asarray(rates.sum(axis=1)).ravel()
    return rates, exit_rate


def _superset_sums(prob: FloatArray, n: int) -> FloatArray:
    """For each set ``C`` (as a bitmask) the total probability of busy sets containing ``C``.

    ``prob`` is ``(..., 2**n)``; the zeta transform over supersets costs ``n * 2**n``.
    """
    out = np.array(prob, dtype=np.float64, copy=True)
    states = np.arange(1 << n)
    for i in range(n):
        without = (states >> i) & 1 == 0
        out[..., states[without]] += out[..., states[without] | (1 << i)]
    return out


def _shares_from_all_busy(all_busy: FloatArray, pref: IntArray, eligible: BoolArray) -> FloatArray:
    """``(m, n)`` dispatch probability per atom from the superset table of one slot.

    The call goes to the k-th usable vehicle when the first k-1 are busy and the k-th is free:
    ``P(first k-1 busy) - P(first k busy)``.
    """
    return _shares_by_slot(all_busy[None, :], pref, eligible)[0]


def _shares_by_slot(all_busy: FloatArray, pref: IntArray, eligible: BoolArray) -> FloatArray:
    """``(k, m, n)``: :func:`_shares_from_all_busy` of each of ``k`` slots' superset tables ``(k, 2**n)``.

    The slots share one set of vehicles on shift (``eligible``), so the dispatch lists' prefixes are
    found once and every slot's shares come from the same gathers, element by element as for one slot.
    """
    m = pref.shape[0]
    n = eligible.size
    shares = np.zeros((all_busy.shape[0], m, n))
    prefix = np.zeros(m, dtype=np.int64)
    for position in range(pref.shape[1]):
        vehicle = pref[:, position]
        usable = (vehicle >= 0) & eligible[np.maximum(vehicle, 0)]
        extended = np.where(usable, prefix | (1 << np.maximum(vehicle, 0)), prefix)
        rows = np.flatnonzero(usable)
        gain = all_busy[:, prefix[rows]] - all_busy[:, extended[rows]]
        shares[:, rows, vehicle[rows]] += np.maximum(gain, 0.0)
        prefix = extended
    return shares


def _list_masks(pref: IntArray, eligible: BoolArray) -> IntArray:
    vehicle = np.maximum(pref, 0)
    usable = (pref >= 0) & eligible[vehicle]
    return np.where(usable, 1 << vehicle, 0).sum(axis=1).astype(np.int64)


def _exact_stationary(arrival: FloatArray, pref: IntArray, mu: FloatArray) -> HypercubeResult:
    n = mu.size
    m = arrival.size
    eligible = np.ones(n, dtype=bool)
    targets = _dispatch_targets(pref, eligible, n)
    rates, exit_rate = _generator(arrival, targets, mu, n)
    generator = (rates - sparse.diags(exit_rate)).T.tolil()
    # replace one balance equation with sum(pi) = 1
    generator[0, :] = np.ones(1 << n)
    rhs = np.zeros(1 << n)
    rhs[0] = 1.0
    pi = np.asarray(spsolve(generator.tocsc(), rhs), dtype=np.float64)
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    all_busy = _superset_sums(pi, n)
    busy = all_busy[1 << np.arange(n)]
    shares = _shares_from_all_busy(all_busy, pref, eligible) if m else np.zeros((0, n))
    loss = all_busy[_list_masks(pref, eligible)] if m else np.zeros(0)
    total = float(arrival.sum())
    return HypercubeResult(
        busy_probability=busy,
        dispatch_share=shares,
        loss_probability=loss,
        loss_total=float(arrival @ loss) / total if total > 0 else 0.0,
        method="exact",
        state_probability=pi,
    )


# --------------------------------------------------------------------------------------------------
# Larson's approximation (zero line capacity)


def erlang_loss_distribution(offered_load: float, n_servers: int) -> FloatArray:
    """Erlang loss (M/M/N/N) probabilities of ``0..N`` busy servers for ``offered_load`` erlangs.

    Examples
    --------
    >>> erlang_loss_distribution(1.0, 1).round(3).tolist()
    [0.5, 0.5]
    """
    if n_servers < 0 or not math.isfinite(offered_load) or offered_load < 0:
        raise QueueingError(
            f"need n_servers >= 0 and a finite offered_load >= 0, got {n_servers} and {offered_load}"
        )
    return _erlang_rows(np.array([float(offered_load)]), np.array([n_servers]), n_servers)[0]


# --------------------------------------------------------------------------------------------------
# Public: stationary


def hypercube(
    arrival_rate_per_hour: object,
    preference: object,
    service_rate_per_hour: object,
    *,
    method: Method = "auto",
) -> HypercubeResult:
    """Steady state of the hypercube loss model (no queue) for constant rates.

    Parameters
    ----------
    arrival_rate_per_hour
        ``(m,)`` Poisson call rate of each demand atom, calls per hour.
    preference
        ``(m, k)`` vehicle indices in dispatch order, padded with ``-1`` (``k <= n``); a call goes to
        the first free listed vehicle and is lost when all listed vehicles are busy.
    service_rate_per_hour
        ``(n,)`` service rate of each vehicle, ``1 / (job + mean travel)`` in jobs per hour.
    method
        ``"exact"`` (``2**n`` states; at most :data:`EXACT_MAX_VEHICLES` vehicles), ``"approx"``
        (Larson/Jarvis) or ``"auto"`` (exact when possible).

    Returns
    -------
    HypercubeResult

    Examples
    --------
    One vehicle, one atom, calls at 1 an hour, jobs of 1 hour: busy half the time (Erlang loss).

    >>> r = hypercube([1.0], [[0]], [1.0])
    >>> round(float(r.busy_probability[0]), 6), round(r.loss_total, 6)
    (0.5, 0.5)
    """
    mu = _check_service(service_rate_per_hour, np.asarray(service_rate_per_hour).size)
    n = mu.size
    pref = check_preference(preference, n)
    arrival = _check_rates("arrival_rate_per_hour", arrival_rate_per_hour, (pref.shape[0],))
    chosen = _resolve_method(method, n)
    if chosen == "exact":
        return _exact_stationary(arrival, pref, mu)
    rho_b, shares_b, loss_b, _ = approx_stationary(arrival[None, :], pref, mu, np.ones((1, n), dtype=bool))
    rho, shares, loss = rho_b[0], shares_b[0], loss_b[0]
    total = float(arrival.sum())
    return HypercubeResult(
        busy_probability=rho,
        dispatch_share=shares,
        loss_probability=loss,
        loss_total=float(arrival @ loss) / total if total > 0 else 0.0,
        method="approx",
        state_probability=None,
    )
