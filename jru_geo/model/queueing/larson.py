"""Larson's approximate hypercube, for many time slots at once.

Larson's approximation (Larson 1975, *Operations Research* 23:845-868), in the zero-line-capacity
form of Jarvis (1985, *Management Science* 31:235-239), treats the vehicles as independent apart from
correction factors computed from the Erlang loss distribution of the number of busy vehicles. It is a
fixed point in the vehicles' busy probabilities, found by iteration from every vehicle free (full
steps, shorter ones for a slot that is still moving after :data:`_APPROX_FULL_STEPS`).

:func:`approx_stationary` solves a batch of slots (each with its own arrival rates and its own
vehicles on shift) together: every iteration is a handful of array operations over all the slots
still moving, and a slot stops as soon as its own iteration has converged, so each slot's answer is
the one it would have on its own. Every slot starts from every vehicle free, so a slot's figures
depend only on that slot, not on the slots around it or the order they come in. The combinatorial
tables depend only on the number of servers and are computed once per number
(:func:`_larson_tables`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from jru_geo.model.queueing._checks import BoolArray, FloatArray, IntArray

__all__ = ["approx_stationary"]

_APPROX_TOL = 1e-9
"""The iteration stops when no vehicle's busy probability moves by this much."""
_APPROX_MAX_ITER = 3000
_APPROX_FULL_STEPS = 100
"""Iterations taken in full steps; after each further this many, a slot still moving halves its step."""
_APPROX_MIN_DAMPING = 1 / 16
"""Smallest step, as a share of the way to the next iterate."""
_GRID_POINTS = 400
"""Offered loads (besides 0) on the grid that inverts the Erlang loss mean number busy."""


@lru_cache(maxsize=64)
def _larson_tables(n: int) -> tuple[FloatArray, FloatArray]:
    """Combinatorial ratios behind Larson's correction factors, computed once per number of servers.

    Returns ``(busy, free)``, both ``(n + 1, n + 1)``: ``busy[k, j] = C(n-k, j-k) / C(n, j)``, the chance
    that ``k`` given servers are all busy when ``j`` of the ``n`` are (every busy set of size ``j``
    equally likely), and ``free[k, j] = C(n-k-1, j-k) / C(n, j)``, the chance that ``k`` given servers
    are busy and one more given server is free. Entries outside ``k <= j`` (``j <= n - 1`` for
    ``free``) are 0. The arrays are read-only.
    """
    if n == 0:
        busy, free = np.ones((1, 1)), np.zeros((1, 1))
        busy.setflags(write=False)
        free.setflags(write=False)
        return busy, free
    k = np.arange(n + 1)[:, None]
    j = np.arange(n + 1)[None, :]

    def log_comb(a: IntArray, b: IntArray) -> FloatArray:
        return np.asarray(gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1), dtype=np.float64)

    busy_valid = j >= k
    jb = np.where(busy_valid, j, k)
    busy = np.where(busy_valid, np.exp(log_comb(n - k, jb - k) - log_comb(np.full_like(jb, n), jb)), 0.0)
    free_valid = busy_valid & (j <= n - 1) & (k < n)
    kf = np.minimum(k, max(n - 1, 0))
    jf = np.where(free_valid, j, kf)
    free = np.where(
        free_valid, np.exp(log_comb(n - kf - 1, jf - kf) - log_comb(np.full_like(jf, n), jf)), 0.0
    )
    busy.setflags(write=False)
    free.setflags(write=False)
    return busy, free


def _padded_tables(servers: IntArray, n: int) -> tuple[FloatArray, FloatArray]:
    """``(B, n + 1, n + 1)`` Larson tables of each slot's number of servers, padded with zeros."""
    busy = np.zeros((servers.size, n + 1, n + 1))
    free = np.zeros((servers.size, n + 1, n + 1))
    for count in np.unique(servers):
        a = int(count)
        here = servers == count
        table_busy, table_free = _larson_tables(a)
        busy[here, : a + 1, : a + 1] = table_busy
        free[here, : a + 1, : a + 1] = table_free
    return busy, free


def _erlang_rows(offered: FloatArray, servers: IntArray, n: int) -> FloatArray:
    """``(B, n + 1)`` Erlang loss probabilities of ``0..servers`` busy for each row's offered load.

    Each row is the Erlang loss law of its load and number of servers, padded with zeros to ``n + 1``
    (:func:`~jru_geo.model.queueing.hypercube.erlang_loss_distribution` is one row of it); a load
    of 0 gives every server free.
    """
    j = np.arange(n + 1)
    positive = offered > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_terms = j[None, :] * np.log(offered)[:, None] - gammaln(j + 1)[None, :]
    log_terms = np.where((j[None, :] <= servers[:, None]) & positive[:, None], log_terms, -np.inf)
    log_terms[~positive, 0] = 0.0
    terms = np.exp(log_terms - log_terms.max(axis=1, keepdims=True))
    return np.asarray(terms / terms.sum(axis=1, keepdims=True), dtype=np.float64)


def _offered_load_grid(servers: IntArray, upper: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """Grids of offered loads (erlangs) and the Erlang loss mean number busy ``a * (1 - B(N, a))``.

    Row ``b`` has :data:`_GRID_POINTS` loads from 1e-6 to ``upper[b]`` (the load offered by all the
    slot's calls, which the workload cannot exceed), after 0, and the mean number busy of each for
    ``servers[b]`` servers; the mean increases with the load, so :func:`_interp_rows` inverts it.
    """
    loads = np.zeros((servers.size, _GRID_POINTS + 1))
    loads[:, 1:] = np.geomspace(1e-6, np.maximum(upper, 2e-6), _GRID_POINTS, axis=1)
    laws = _erlang_rows(loads[:, 1:].ravel(), np.repeat(servers, _GRID_POINTS), n)
    means = np.zeros_like(loads)
    means[:, 1:] = (laws @ np.arange(n + 1)).reshape(servers.size, _GRID_POINTS)
    return loads, np.maximum.accumulate(means, axis=1)


def _interp_rows(x: FloatArray, xp: FloatArray, fp: FloatArray) -> FloatArray:
    """Row-wise :func:`numpy.interp`: ``x[b]`` on the non-decreasing ``xp[b]`` with values ``fp[b]``."""
    size = xp.shape[1]
    at = (xp <= x[:, None]).sum(axis=1) - 1
    lower = np.clip(at, 0, size - 2)
    rows = np.arange(x.size)
    x0, x1 = xp[rows, lower], xp[rows, lower + 1]
    f0, f1 = fp[rows, lower], fp[rows, lower + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = f0 + (x - x0) * (f1 - f0) / (x1 - x0)
    return np.where(at >= size - 1, fp[:, -1], np.where(at < 0, fp[:, 0], inside))


def _factors(
    dist: FloatArray, servers: IntArray, busy: FloatArray, free: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Larson's correction factors ``(Q, Qp)``, ``(B, n + 1)`` each, from each row's busy-count law.

    ``Q[k]`` corrects ``P(k given servers busy, one given server free)`` and ``Qp[k]`` corrects
    ``P(k given servers busy)`` relative to the independent product, for a symmetric system in which,
    given ``j`` busy, every busy set is equally likely. ``Qp`` is 0 beyond a row's number of servers;
    with no load both are 1.
    """
    j = np.arange(dist.shape[1])
    rho_bar = (dist @ j) / servers
    powers = rho_bar[:, None] ** j[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        qp = np.matmul(busy, dist[:, :, None])[:, :, 0] / powers
        q_free = np.matmul(free, dist[:, :, None])[:, :, 0] / (powers * (1 - rho_bar)[:, None])
    loaded = (rho_bar > 0)[:, None]
    within = j[None, :] <= servers[:, None]
    qp = np.where(loaded, np.where(within, qp, 0.0), within.astype(float))
    q = np.where(loaded & (rho_bar < 1)[:, None] & (j[None, :] < servers[:, None]), q_free, 1.0)
    return q, qp


def approx_stationary(
    arrival: FloatArray, pref: IntArray, mu: FloatArray, eligible: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Larson's approximation in each of ``B`` slots, each as if it lasted for ever.

    Parameters
    ----------
    arrival
        ``(B, m)`` call rate of each atom in each slot, calls per hour.
    pref
        ``(m, k)`` dispatch lists (vehicle indices, padded with ``-1``), the same in every slot.
    mu
        ``(n,)`` service rates.
    eligible
        ``(B, n)`` booleans: the vehicles on shift, the only servers in the slot.

    Returns
    -------
    tuple
        ``(rho (B, n), shares (B, m, n), loss (B, m), Qp (B, n + 1))``: busy probabilities, each
        atom's share of calls served by each vehicle, each atom's share lost, and the correction
        factor of all-busy probabilities, indexed by set size over the full fleet (sizes beyond the
        slot's number of servers give 0).
    """
    n_slots, m = arrival.shape
    n = mu.size
    # listed vehicles first, in order, and the lists cut to the longest: the padding plays no part
    listed = pref >= 0
    width = int(listed.sum(axis=1).max()) if pref.size else 0
    pref = np.take_along_axis(pref, np.argsort(~listed, axis=1, kind="stable"), axis=1)[:, :width]
    vehicle = np.maximum(pref, 0)
    usable = (pref >= 0)[None, :, :] & eligible[:, vehicle]
    servers = eligible.sum(axis=1)
    # only calls that some on-shift listed vehicle may take load the fleet: a call with none is lost
    # outright, so it must not stretch the offered-load grid either (the figures then do not depend
    # on whether such atoms are passed in, e.g. with an off-duty vehicle in the scenario)
    servable = usable.any(axis=2)
    total = np.where(servable, arrival, 0.0).sum(axis=1)
    rho = np.zeros((n_slots, n))
    shares = np.zeros((n_slots, m, n))
    loss = np.where(servable, 0.0, 1.0) * (arrival.sum(axis=1) > 0)[:, None]
    qp_full = np.zeros((n_slots, n + 1))
    qp_full[:, 0] = 1.0
    live = np.flatnonzero((servers > 0) & (total > 0))
    if live.size == 0:
        return rho, shares, loss, qp_full
    servers_live = servers[live]
    mean_service_hours = (eligible[live] / mu).sum(axis=1) / servers_live
    loads, means = _offered_load_grid(servers_live, total[live] * mean_service_hours, n)
    busy_table, free_table = _padded_tables(servers_live, n)
    # the lists' layout does not change between iterations: which entries are usable, how many
    # usable vehicles come before each, and how many each list has
    use = usable[live]
    rank_before = np.minimum(np.cumsum(use, axis=2) - use, servers_live[:, None, None])
    rank_total = np.minimum(use.sum(axis=2), n)
    rates = arrival[live]
    r = np.zeros((live.size, n))
    share = np.zeros(use.shape)
    lost = np.ones((live.size, m))
    factor = np.zeros((live.size, n + 1))
    moving = np.arange(live.size)
    for iteration in range(_APPROX_MAX_ITER):
        if moving.size == 0:
            break
        # full steps (in Larson's form below they converge however heavy the load, in every case
        # tried); a slot still moving after many takes shorter ones, a safeguard against a cycle
        damping = max(0.5 ** (iteration // _APPROX_FULL_STEPS), _APPROX_MIN_DAMPING)
        count = moving.size
        here = r[moving]
        # Erlang distribution whose mean number busy equals the current total workload (Jarvis's
        # consistency condition; with full lists this is the plain Erlang loss of all calls)
        offered = _interp_rows(here.sum(axis=1), means[moving], loads[moving])
        dist = _erlang_rows(offered, servers_live[moving], n)
        q, qp = _factors(dist, servers_live[moving], busy_table[moving], free_table[moving])
        usable_here = use[moving]
        rho_listed = here[:, vehicle]
        # product of rho over the usable vehicles before each position, and over the whole list
        product = np.cumprod(np.where(usable_here, rho_listed, 1.0), axis=2)
        before = np.ones_like(product)
        before[:, :, 1:] = product[:, :, :-1]
        slot = np.arange(count)
        step_share = np.where(
            usable_here, q[slot[:, None, None], rank_before[moving]] * before * (1 - rho_listed), 0.0
        )
        whole = product[:, :, -1] if product.shape[2] else np.ones((count, m))
        step_loss = qp[slot[:, None], rank_total[moving]] * whole
        norm = step_share.sum(axis=2) + step_loss
        norm = np.where(norm > 0, norm, 1.0)
        step_share = step_share / norm[:, :, None]
        step_loss = step_loss / norm
        index = slot[:, None, None] * n + vehicle[None, :, :]
        weight = rates[moving][:, :, None] * step_share
        taken = np.bincount(index.ravel(), weights=weight.ravel(), minlength=count * n).reshape(count, n)
        # each vehicle's calls carry its own (1 - rho) factor: solve rho = c (1 - rho) for rho with c
        # taken at the current rho (Larson's form; stable however heavy the load)
        ratio = taken / (mu * np.maximum(1.0 - here, 1e-12))
        new = np.minimum(ratio / (1.0 + ratio), 1.0 - 1e-9)
        share[moving] = step_share
        lost[moving] = step_loss
        factor[moving] = qp
        done = np.max(np.abs(new - here), axis=1) < _APPROX_TOL
        alpha = np.where(done, 1.0, damping)[:, None]
        r[moving] = (1 - alpha) * here + alpha * new
        moving = moving[~done]
    rho[live] = r
    loss[live] = lost
    qp_full[live] = factor
    slot_of, atom, position = np.nonzero(use)
    shares[live[slot_of], atom, vehicle[atom, position]] = share[slot_of, atom, position]
    return rho, shares, loss, qp_full
