"""Availability of response units: Larson's hypercube queueing model, MEXCLP and a simulation.

Pure numbers, no geography: every function takes arrays and can be checked by hand on a 4x3 case.
:mod:`jru_geo.coverage` builds the arrays from incidents and a scenario.

The model
---------
* **Servers** are the ``n`` vehicles. Vehicle ``i`` serves a call in an exponentially distributed time
  with rate ``service_rate_per_hour[i]`` (``1 / (job + mean travel)`` in hours).
* **Demand atoms** are groups of calls that share one dispatch preference list. Atom ``j`` sends
  calls as a Poisson stream of ``arrival_rate_per_hour[j]`` calls an hour.
* **Dispatch**: a call goes to the first *free* vehicle in its atom's preference list
  (``preference[j]``, vehicle indices padded with ``-1``). Lists hold only the vehicles that may
  respond to the atom (in :mod:`jru_geo.coverage`: those within reach), so a list may be short
  or empty.
* **Loss system, no queue.** A JRU is an extra resource on top of the normal police and ambulance
  response: a call that finds every vehicle on its list busy is not held for the JRU, it is lost to
  the normal response. This is Larson's hypercube with zero line capacity.

Larson's hypercube (Larson 1974, *Computers & OR* 1:67-95) tracks which vehicles are busy: ``2**n``
states. :func:`hypercube` solves it exactly for up to :data:`EXACT_MAX_VEHICLES` vehicles and uses
Larson's approximate procedure beyond (Larson 1975, *Operations Research* 23:845-868), in the
zero-line-capacity form of Jarvis (1985, *Management Science* 31:235-239): vehicles are treated as
independent apart from a correction factor computed from the Erlang loss distribution of the number
of busy vehicles.

Shifts. :func:`hypercube_schedule` runs the same model over a repeating week of time slots in which
arrival rates and which vehicles are on shift change. An off-shift vehicle takes no new calls but
finishes the job in hand. The exact method follows the time-dependent state probabilities through
the week (uniformisation) until the week repeats, so it includes the start-of-shift effect (every
vehicle starts its shift free); the approximate method treats each slot as stationary.

Pathwise monotonicity. With exponential service and first-free dispatch, adding a vehicle whose
insertion keeps the relative order of every list never lowers the chance that a call finds some
vehicle of its (old) list free: couple both systems on the same arrivals and per-vehicle service
clocks; the busy set of the old vehicles in the new system stays inside the busy set of the old
system, because the new system only ever dispatches a vehicle at or ahead of the one the old
system dispatches. :mod:`jru_geo.coverage` relies on this, and its tests check it.

MEXCLP (Daskin 1983, *Transportation Science* 17:48-70): with one system-wide busy fraction ``q``, a
demand point covered by ``k`` vehicles is covered by a free one with probability ``1 - q**k``.

:func:`simulate_schedule` is a discrete-event simulation of the same system, used to check the
hypercube.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.linalg import spsolve
from scipy.special import gammaln
from scipy.stats import poisson

__all__ = [
    "EXACT_MAX_VEHICLES",
    "Method",
    "HypercubeResult",
    "ScheduleResult",
    "SimulationResult",
    "check_preference",
    "hypercube",
    "hypercube_schedule",
    "simulate_schedule",
    "erlang_loss_distribution",
    "mexclp_busy_fraction",
    "mexclp_coverage",
    "hypercube_adjusted_coverage",
]

EXACT_MAX_VEHICLES = 10
"""Largest fleet solved exactly (2**10 = 1,024 states); larger fleets use Larson's approximation."""

Method = Literal["auto", "exact", "approx"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_WEEK_TOL = 1e-11
_MAX_WEEKS = 60
_APPROX_TOL = 1e-9
_APPROX_MAX_ITER = 3000
_APPROX_DAMPING = 0.1


# --------------------------------------------------------------------------------------------------
# Input checks


def check_preference(preference: object, n_vehicles: int) -> IntArray:
    """Return ``preference`` as an ``(m, n)`` int64 array of vehicle indices padded with ``-1``.

    Raises
    ------
    ValueError
        Wrong shape, an index out of range, a repeated vehicle, or a ``-1`` before a vehicle.
    """
    pref = np.asarray(preference)
    if pref.ndim != 2 or (pref.size and pref.shape[1] > n_vehicles):
        raise ValueError(
            f"preference must be an (m, k) integer array with k <= n_vehicles={n_vehicles} (vehicle "
            f"indices padded with -1), got shape {pref.shape}"
        )
    if pref.size and not np.issubdtype(pref.dtype, np.integer):
        raise ValueError(f"preference must hold integer vehicle indices, got dtype {pref.dtype}")
    pref = pref.astype(np.int64).reshape(pref.shape[0], -1)
    if pref.size and ((pref < -1).any() or (pref >= n_vehicles).any()):
        raise ValueError(
            f"preference holds vehicle indices outside -1..{n_vehicles - 1}: "
            f"{sorted(set(pref[(pref < -1) | (pref >= n_vehicles)].tolist()))}; use -1 for padding"
        )
    padded = pref < 0
    if (padded[:, :-1] & ~padded[:, 1:]).any():
        raise ValueError("preference has a vehicle after a -1 pad in some row; put the -1 padding last")
    for row in pref:
        listed = row[row >= 0]
        if len(np.unique(listed)) != len(listed):
            raise ValueError(f"preference row {row.tolist()} lists a vehicle twice; list each vehicle once")
    return pref


def _check_rates(name: str, values: object, shape: tuple[int, ...]) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"{name} must be finite and >= 0 (per hour), got {arr.ravel()[:8].tolist()}...")
    return arr


def _check_service(service_rate_per_hour: object, n: int) -> FloatArray:
    mu = _check_rates("service_rate_per_hour", service_rate_per_hour, (n,))
    if (mu <= 0).any():
        raise ValueError(
            f"service_rate_per_hour must be > 0 for every vehicle, got {mu.tolist()}; "
            "a rate is 1 / (mean job + travel hours)"
        )
    return mu


def _resolve_method(method: Method, n: int) -> Literal["exact", "approx"]:
    if method not in ("auto", "exact", "approx"):
        raise ValueError(f"method must be 'auto', 'exact' or 'approx', got {method!r}")
    if method == "exact" and n > EXACT_MAX_VEHICLES:
        raise ValueError(
            f"method='exact' supports at most {EXACT_MAX_VEHICLES} vehicles (2**n states), got {n}; "
            "use method='approx' or 'auto'"
        )
    if method == "auto":
        return "exact" if n <= EXACT_MAX_VEHICLES else "approx"
    return method


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
    method
        ``"exact"`` or ``"approx"``.
    """

    slot_hours: float
    busy_probability: FloatArray
    busy_fraction: FloatArray
    offered_calls: FloatArray
    dispatched_calls: FloatArray
    lost_calls: FloatArray
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


def _generator(
    arrival: FloatArray, targets: IntArray, mu: FloatArray, n: int
) -> tuple[sparse.csr_matrix, FloatArray]:
    """Sparse transition-rate matrix (off-diagonal) and the exit rate of each state."""
    n_states = 1 << n
    states = np.arange(n_states, dtype=np.int64)
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
    m = pref.shape[0]
    n = eligible.size
    shares = np.zeros((m, n))
    prefix = np.zeros(m, dtype=np.int64)
    for position in range(pref.shape[1]):
        vehicle = pref[:, position]
        usable = (vehicle >= 0) & eligible[np.maximum(vehicle, 0)]
        extended = np.where(usable, prefix | (1 << np.maximum(vehicle, 0)), prefix)
        gain = np.where(usable, all_busy[prefix] - all_busy[extended], 0.0)
        rows = np.flatnonzero(usable)
        shares[rows, vehicle[rows]] += np.maximum(gain[rows], 0.0)
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
        raise ValueError(
            f"need n_servers >= 0 and a finite offered_load >= 0, got {n_servers} and {offered_load}"
        )
    j = np.arange(n_servers + 1)
    if offered_load == 0:
        out = np.zeros(n_servers + 1)
        out[0] = 1.0
        return out
    log_terms = j * math.log(offered_load) - gammaln(j + 1)
    terms = np.exp(log_terms - log_terms.max())
    return np.asarray(terms / terms.sum(), dtype=np.float64)


def _larson_factors(dist: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Correction factors from the distribution of the number of busy servers.

    Returns ``(Q, Qp, rho_bar)``: ``Q[k]`` corrects ``P(k given servers busy, one given server free)``
    and ``Qp[k]`` corrects ``P(k given servers busy)`` relative to the independent product, both
    computed for a symmetric system in which, given ``j`` busy, every busy set is equally likely.
    """
    n = dist.size - 1
    rho_bar = float(np.arange(n + 1) @ dist) / n if n else 0.0
    q = np.ones(n + 1)
    qp = np.ones(n + 1)
    if n == 0 or rho_bar <= 0:
        return q, qp, rho_bar
    log_comb = lambda a, b: gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)  # noqa: E731
    j = np.arange(n + 1)
    for k in range(n + 1):
        valid = j >= k
        jj = j[valid]
        p_busy = float(np.sum(dist[valid] * np.exp(log_comb(n - k, jj - k) - log_comb(n, jj))))
        qp[k] = p_busy / rho_bar**k
        if k < n and rho_bar < 1:
            valid_f = valid & (j <= n - 1)
            jf = j[valid_f]
            p_free = float(np.sum(dist[valid_f] * np.exp(log_comb(n - k - 1, jf - k) - log_comb(n, jf))))
            q[k] = p_free / (rho_bar**k * (1 - rho_bar))
    return q, qp, rho_bar


def _offered_load_inverse(n_servers: int, upper: float) -> tuple[FloatArray, FloatArray]:
    """Grid of offered loads (erlangs) and the Erlang loss mean number busy ``a * (1 - B(N, a))``.

    The mean increases with ``a``, so ``numpy.interp(mean_busy, means, loads)`` inverts it; the grid
    runs to ``upper`` (the load offered by all calls, which the workload cannot exceed).
    """
    loads = np.concatenate([[0.0], np.geomspace(1e-6, max(upper, 2e-6), 400)])
    j = np.arange(n_servers + 1)
    means = np.array([float(j @ erlang_loss_distribution(a, n_servers)) for a in loads])
    return loads, np.maximum.accumulate(means)


def _approx_stationary(
    arrival: FloatArray,
    pref: IntArray,
    mu: FloatArray,
    eligible: BoolArray,
    initial: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Larson's approximation; returns ``(rho (n,), shares (m, n), loss (m,), Qp (n+1,))``.

    Only eligible vehicles count as servers. ``Qp`` is indexed by set size over the full fleet
    (sizes beyond the number of servers give 0).
    """
    n = mu.size
    m = arrival.size
    active = np.flatnonzero(eligible)
    n_active = active.size
    total = float(arrival.sum())
    qp_full = np.zeros(n + 1)
    qp_full[0] = 1.0
    if n_active == 0 or total <= 0:
        loss = np.where(_list_masks(pref, eligible) == 0, 1.0, 0.0) if total > 0 else np.zeros(m)
        return np.zeros(n), np.zeros((m, n)), loss.astype(float), qp_full
    mean_service_hours = float(np.mean(1.0 / mu[active]))
    loads, means = _offered_load_inverse(n_active, total * mean_service_hours)
    rho = np.zeros(n) if initial is None else np.where(eligible, initial, 0.0)
    shares = np.zeros((m, n))
    loss = np.ones(m)
    for _ in range(_APPROX_MAX_ITER):
        # Erlang distribution whose mean number busy equals the current total workload (Jarvis's
        # consistency condition; with full lists this is the plain Erlang loss of all calls).
        offered = float(np.interp(float(rho.sum()), means, loads))
        q, qp, _ = _larson_factors(erlang_loss_distribution(offered, n_active))
        qp_full[: n_active + 1] = qp
        shares = np.zeros((m, n))
        product = np.ones(m)
        rank = np.zeros(m, dtype=np.int64)
        for position in range(pref.shape[1]):
            vehicle = pref[:, position]
            usable = (vehicle >= 0) & eligible[np.maximum(vehicle, 0)]
            v = np.maximum(vehicle, 0)
            share = np.where(usable, q[np.minimum(rank, n_active)] * product * (1 - rho[v]), 0.0)
            rows = np.flatnonzero(usable)
            shares[rows, v[rows]] += share[rows]
            product = np.where(usable, product * rho[v], product)
            rank = rank + usable
        loss = qp_full[np.minimum(rank, n)] * product
        norm = shares.sum(axis=1) + loss
        norm = np.where(norm > 0, norm, 1.0)
        shares = shares / norm[:, None]
        loss = loss / norm
        new_rho = np.minimum((arrival @ shares) / mu, 1.0 - 1e-9)
        if np.max(np.abs(new_rho - rho)) < _APPROX_TOL:
            rho = new_rho
            break
        rho = (1 - _APPROX_DAMPING) * rho + _APPROX_DAMPING * new_rho
    return rho, shares, loss, qp_full


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
    rho, shares, loss, _ = _approx_stationary(arrival, pref, mu, np.ones(n, dtype=bool))
    total = float(arrival.sum())
    return HypercubeResult(
        busy_probability=rho,
        dispatch_share=shares,
        loss_probability=loss,
        loss_total=float(arrival @ loss) / total if total > 0 else 0.0,
        method="approx",
        state_probability=None,
    )


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
        raise ValueError(f"on_shift must be an (S, n={n}) boolean array, got shape {on.shape}")
    arrival = _check_rates("arrival_rate_per_hour", arrival_rate_per_hour, (on.shape[0], pref.shape[0]))
    if not (math.isfinite(slot_hours) and slot_hours > 0):
        raise ValueError(f"slot_hours must be a positive number of hours, got {slot_hours!r}")
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
    """The hypercube loss model over a repeating week of ``S`` equal time slots.

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
    all_busy: FloatArray | None = None
    factor: FloatArray | None = None
    if chosen == "exact":
        _, all_busy = _exact_schedule(arrival, pref, mu, on, slot_hours)
        busy = all_busy[:, 1 << np.arange(n)]
        for s in range(n_slots):
            if not arrival[s].any():
                continue
            shares = _shares_from_all_busy(all_busy[s], pref, on[s])
            dispatched += arrival[s][:, None] * shares * slot_hours
            lost += arrival[s] * all_busy[s][_list_masks(pref, on[s])] * slot_hours
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
            dispatched += arrival[s][:, None] * shares * slot_hours
            lost += arrival[s] * loss * slot_hours
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
        method=chosen,
        _all_busy=all_busy,
        _approx_factor=factor,
    )


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
        raise ValueError(f"need weeks >= 1 and warmup_weeks >= 0, got {weeks} and {warmup_weeks}")
    if service not in ("exponential", "deterministic"):
        raise ValueError(f"service must be 'exponential' or 'deterministic', got {service!r}")
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


# --------------------------------------------------------------------------------------------------
# MEXCLP


def mexclp_busy_fraction(calls_per_hour: float, service_hours: float, n_vehicles: int) -> float:
    """Daskin's system-wide busy fraction ``q = calls_per_hour * service_hours / n_vehicles``, capped at 1.

    ``calls_per_hour`` is the demand the fleet would serve while on shift, ``service_hours`` the mean
    job plus travel time. 0 for an empty fleet.

    Examples
    --------
    >>> mexclp_busy_fraction(1.5, 1.0, 3)
    0.5
    """
    if calls_per_hour < 0 or service_hours < 0:
        raise ValueError(
            f"calls_per_hour and service_hours must be >= 0, got {calls_per_hour} and {service_hours}"
        )
    if n_vehicles <= 0:
        return 0.0
    return float(min(calls_per_hour * service_hours / n_vehicles, 1.0))


def mexclp_coverage(n_covering: object, busy_fraction: float) -> FloatArray:
    """Daskin's expected coverage ``1 - q**k`` of demand covered by ``k`` vehicles.

    Examples
    --------
    >>> mexclp_coverage([0, 1, 2], 0.5).tolist()
    [0.0, 0.5, 0.75]
    """
    k = np.asarray(n_covering, dtype=np.float64)
    if (k < 0).any():
        raise ValueError(f"n_covering must be >= 0, got {k[k < 0][:5].tolist()}")
    if not 0 <= busy_fraction <= 1:
        raise ValueError(f"busy_fraction must be in [0, 1], got {busy_fraction!r}")
    return np.asarray(1.0 - busy_fraction**k, dtype=np.float64)


def hypercube_adjusted_coverage(covering: object, busy_probability: object) -> FloatArray:
    """Expected coverage with each vehicle's own busy probability: ``1 - prod(rho_i)`` over covers.

    Treats vehicles as independent (the MEXCLP assumption) but uses the hypercube's per-vehicle
    workloads instead of one system-wide ``q``.

    Parameters
    ----------
    covering
        ``(m, n)`` booleans: vehicle ``i`` covers demand point ``j``.
    busy_probability
        ``(n,)`` busy probabilities, e.g. :attr:`HypercubeResult.busy_probability`.

    Examples
    --------
    >>> hypercube_adjusted_coverage([[True, True], [False, True], [False, False]], [0.5, 0.2]).tolist()
    [0.9, 0.8, 0.0]
    """
    cover = np.asarray(covering, dtype=bool)
    rho = np.asarray(busy_probability, dtype=np.float64)
    if cover.ndim != 2 or cover.shape[1] != rho.size:
        raise ValueError(f"covering must be (m, n={rho.size}), got shape {cover.shape}")
    if ((rho < 0) | (rho > 1)).any():
        raise ValueError(f"busy_probability must be in [0, 1], got {rho.tolist()}")
    return np.asarray(1.0 - np.prod(np.where(cover, rho[None, :], 1.0), axis=1), dtype=np.float64)
