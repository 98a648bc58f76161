"""Where should the next unit go: exact next-unit optimisation and what-if evaluation.

Numbers apart from geography. :func:`recommend` and :func:`what_if` work on a travel-time matrix
and demand weights only (they can be checked by hand on a 4x3 matrix); :func:`candidate_grid`,
:func:`demand_points` and :func:`travel_matrix` build those arrays from the Kent geography.

Two objectives, both keeping the existing vehicles fixed:

``"mclp"``
    Maximal covering (Church and ReVelle 1974): the demand weight within ``target_min`` of at
    least one vehicle (existing or new).
``"mexclp"``
    Maximum expected covering (Daskin 1983): ``sum_d w_d * (1 - q ** k_d)`` where ``k_d`` counts the
    vehicles (existing and new) within target of demand point ``d`` and ``q`` is the busy fraction
    (the chance that a given vehicle is on another job). A second or third vehicle within reach
    is worth something because the first may be busy.

A demand point counts as covered by a vehicle when ``travel_min <= target_min``.

How the exact solve works (``method="exact"``):

1. Greedy: add the candidate with the largest gain, ``k`` times (exact for one unit; a lower
   bound otherwise).
2. Reduce, keeping some optimal set: drop candidates that cannot beat greedy (both objectives are
   submodular, so a set holding ``j`` gains at most ``j``'s own gain plus the optimal gain of
   ``k - 1`` units, known exactly from the previous point of the curve); drop demand whose
   value no new unit can change (for MCLP: demand an existing vehicle already covers) or no
   remaining candidate reaches; drop dominated candidates (covered
   set inside another's; for MEXCLP only when ``k`` or more candidates dominate it, because double
   cover has value there); merge demand points covered by the same candidates and the same
   number of existing vehicles.
3. Solve the mixed-integer programme with HiGHS (``highspy``), built directly from arrays:
   binary ``x_j`` per candidate, continuous ``y_{d,m}`` for the ``m``-th new vehicle covering
   demand ``d`` with objective coefficient ``w_d * (f(e_d + m) - f(e_d + m - 1))``, rows
   ``sum_m y_{d,m} <= sum_j a_dj x_j`` and ``sum_j x_j <= k``. The gain of each further cover is
   non-increasing, so the programme fills the levels in order and equals the objective
   exactly. The greedy set is the warm start. Optimality gap: 0 relative, 1e-6 absolute
   (objective units); the returned objective is recomputed from the picks.

The curve of the objective against the number of new units is solved exactly for every count
``0..k``. Optimal sets for different counts need not be nested: the best two sites need not
include the best single site, so the curve is not the running total of ``gains``.

Ties are broken deterministically towards low candidate indices: the returned set is the
greedy set when greedy is optimal, and each pick is then moved to the lowest-index candidate
that keeps the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import geopandas as gpd
import highspy
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from jru_geo.errors import JruGeoError, TravelModelError
from jru_geo.settings import BNG

__all__ = [
    "PlacementError",
    "Objective",
    "Method",
    "Recommendation",
    "WhatIf",
    "MinutesModel",
    "recommend",
    "what_if",
    "objective_value",
    "candidate_grid",
    "demand_points",
    "travel_matrix",
]

Objective = Literal["mclp", "mexclp"]
Method = Literal["exact", "greedy"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_MIP_ABS_GAP = 1e-6
_REL_TOL = 1e-9


class PlacementError(ValueError, JruGeoError):
    """The inputs to the next-unit optimiser are inconsistent (shapes, values, ``k``)."""


class MinutesModel(Protocol):
    """Anything with ``minutes(origins_xy, destinations_xy) -> (n_origins, n_destinations)``."""

    def minutes(self, origins_xy: FloatArray, destinations_xy: FloatArray) -> FloatArray: ...


@dataclass(frozen=True)
class Recommendation:
    """Where to put ``k`` new units, with the gain of each and the curve against ``k``.

    Attributes
    ----------
    picks
        Candidate indices (columns of ``travel_min``) in pick order: each pick is the member of
        the chosen set adding most to those before it (ties to the lower index).
    gains
        Marginal gain of each pick over the existing vehicles plus the earlier picks, in demand
        units (the units of ``weights``). Sums to ``objective - baseline``. A gain of 0 means the
        pick adds nothing (only possible when no candidate adds anything more).
    gains_fraction
        ``gains`` divided by ``total_weight``.
    objective
        Objective value with the existing vehicles and all picks (demand units).
    objective_fraction
        ``objective / total_weight`` (0 when the total weight is 0).
    baseline
        Objective value of the existing vehicles alone.
    curve
        Best objective value with 0, 1, ..., k new units (``k + 1`` values). Exact for
        ``method="exact"``; for ``"greedy"`` the objective of the greedy prefixes.
    total_weight
        Sum of the demand weights.
    objective_kind
        ``"mclp"`` or ``"mexclp"``.
    exact
        True when ``objective`` and ``curve`` are proven optimal.
    """

    picks: tuple[int, ...]
    gains: tuple[float, ...]
    gains_fraction: tuple[float, ...]
    objective: float
    objective_fraction: float
    baseline: float
    curve: tuple[float, ...]
    total_weight: float
    objective_kind: Objective
    exact: bool

    @property
    def curve_gains(self) -> tuple[float, ...]:
        """Gain of each added unit along the curve: ``curve[i + 1] - curve[i]``."""
        return tuple(float(b - a) for a, b in zip(self.curve[:-1], self.curve[1:], strict=True))


@dataclass(frozen=True)
class WhatIf:
    """Objective before and after adding one unit at a given site.

    Attributes
    ----------
    before, after
        Objective value without and with the extra unit (demand units).
    change
        ``after - before`` (never negative).
    change_fraction
        ``change`` divided by the total demand weight (0 when it is 0).
    objective_kind
        ``"mclp"`` or ``"mexclp"``.
    """

    before: float
    after: float
    change: float
    change_fraction: float
    objective_kind: Objective


# ---------------------------------------------------------------------------------------------
# input checks


def _as_matrix(name: str, value: object, n_rows: int | None) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2:
        raise PlacementError(
            f"{name} must be a 2-D array (n_demand, n_sites) of minutes, got shape {arr.shape}; "
            "pass one row per demand point and one column per site"
        )
    if n_rows is not None and arr.shape[0] != n_rows:
        raise PlacementError(
            f"{name} has {arr.shape[0]} rows but there are {n_rows} demand points; "
            "give one row per demand point, in the order of weights"
        )
    n_nan, n_neg = int(np.isnan(arr).sum()), int((arr < 0).sum())
    if n_nan or n_neg:
        raise PlacementError(
            f"{name} holds {n_nan} NaN and {n_neg} negative minutes; "
            "minutes must be >= 0, with np.inf for unreachable pairs"
        )
    return arr


def _check_weights(weights: object) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise PlacementError(f"weights must be a 1-D array (n_demand,), got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise PlacementError(
            "weights must be finite and >= 0 (demand per point), "
            f"got min {w.min() if w.size else 0!r} and non-finite values: {int((~np.isfinite(w)).sum())}"
        )
    return w


def _check_options(target_min: float, objective: str, busy_fraction: float) -> None:
    if not np.isfinite(target_min) or target_min <= 0:
        raise PlacementError(f"target_min must be a positive number of minutes, got {target_min!r}")
    if objective not in ("mclp", "mexclp"):
        raise PlacementError(f"objective must be 'mclp' or 'mexclp', got {objective!r}")
    if not 0 <= busy_fraction < 1:
        raise PlacementError(
            f"busy_fraction must be in [0, 1) (the chance a vehicle is busy), got {busy_fraction!r}"
        )


# ---------------------------------------------------------------------------------------------
# the objective on cover counts


def _value(counts: NDArray[np.int64], objective: Objective, q: float) -> FloatArray:
    """Per-demand value ``f(count)``: covered at all (MCLP) or ``1 - q**count`` (MEXCLP)."""
    if objective == "mclp":
        return (counts > 0).astype(np.float64)
    return 1.0 - np.power(q, counts.astype(np.float64))


def _total(w: FloatArray, counts: NDArray[np.int64], objective: Objective, q: float) -> float:
    return float(w @ _value(counts, objective, q))


def _gains(
    cover_f: FloatArray, w: FloatArray, counts: NDArray[np.int64], objective: Objective, q: float
) -> FloatArray:
    """Gain of adding each candidate to vehicles with per-demand cover ``counts``."""
    step = w * (_value(counts + 1, objective, q) - _value(counts, objective, q))
    return step @ cover_f  # type: ignore[no-any-return]


def objective_value(
    travel_min: FloatArray,
    weights: FloatArray,
    *,
    target_min: float,
    objective: Objective = "mclp",
    busy_fraction: float = 0.5,
) -> float:
    """Objective of a fixed set of vehicles.

    Parameters
    ----------
    travel_min
        ``(n_demand, n_vehicles)`` minutes from each vehicle's base to each demand point.
    weights
        ``(n_demand,)`` demand per point.
    target_min
        Response target: a vehicle covers a point when ``travel_min <= target_min``.
    objective
        ``"mclp"`` (demand covered) or ``"mexclp"`` (expected demand covered).
    busy_fraction
        MEXCLP's ``q``, the chance that a vehicle is busy.

    Returns
    -------
    float
        Demand units.

    Examples
    --------
    >>> import numpy as np
    >>> objective_value(np.array([[5.0], [20.0]]), np.array([3.0, 4.0]), target_min=15)
    3.0
    """
    w = _check_weights(weights)
    t = _as_matrix("travel_min", travel_min, w.shape[0])
    _check_options(target_min, objective, busy_fraction)
    counts = (t <= target_min).sum(axis=1).astype(np.int64)
    return _total(w, counts, objective, busy_fraction)


# ---------------------------------------------------------------------------------------------
# greedy, canonical tie-breaking, ordering


def _greedy(
    cover_f: FloatArray,
    w: FloatArray,
    counts0: NDArray[np.int64],
    k: int,
    objective: Objective,
    q: float,
) -> list[int]:
    counts = counts0.copy()
    picks: list[int] = []
    taken = np.zeros(cover_f.shape[1], dtype=bool)
    for _ in range(k):
        g = _gains(cover_f, w, counts, objective, q)
        g[taken] = -np.inf
        j = int(np.argmax(g))  # argmax returns the lowest index among ties
        picks.append(j)
        taken[j] = True
        counts += cover_f[:, j].astype(np.int64)
    return picks


def _counts_with(
    cover_i: NDArray[np.int64], counts0: NDArray[np.int64], picks: list[int]
) -> NDArray[np.int64]:
    return counts0 + cover_i[:, picks].sum(axis=1) if picks else counts0.copy()


def _canonical(
    picks: list[int],
    cover_f: FloatArray,
    cover_i: NDArray[np.int64],
    w: FloatArray,
    counts0: NDArray[np.int64],
    objective: Objective,
    q: float,
    tol: float,
) -> list[int]:
    """Move each pick to the lowest-index candidate that keeps the objective (deterministic ties)."""
    picks = list(picks)
    changed = True
    while changed:
        changed = False
        for i, p in enumerate(picks):
            others = picks[:i] + picks[i + 1 :]
            counts = _counts_with(cover_i, counts0, others)
            g = _gains(cover_f, w, counts, objective, q)
            g[others] = -np.inf
            ok = np.flatnonzero(g[:p] >= g[p] - tol)
            if ok.size:
                picks[i] = int(ok[0])
                changed = True
    return picks


def _ordered(
    chosen: list[int],
    cover_f: FloatArray,
    w: FloatArray,
    counts0: NDArray[np.int64],
    objective: Objective,
    q: float,
) -> tuple[list[int], list[float]]:
    """Order a chosen set greedily (largest marginal gain first, ties to the lower index)."""
    rest = sorted(chosen)
    counts = counts0.copy()
    order: list[int] = []
    gains: list[float] = []
    while rest:
        g = _gains(cover_f[:, rest], w, counts, objective, q)
        i = int(np.argmax(g))
        j = rest.pop(i)
        order.append(j)
        gains.append(float(g[i]))
        counts = counts + cover_f[:, j].astype(np.int64)
    return order, gains


def _pad(picks: list[int], n_candidates: int, k: int) -> list[int]:
    """Fill up to ``k`` picks with the lowest unused indices (they add nothing at the optimum)."""
    used = set(picks)
    out = list(picks)
    j = 0
    while len(out) < k:
        if j not in used:
            out.append(j)
        j += 1
    return out


# ---------------------------------------------------------------------------------------------
# reduction and the exact MILP


@dataclass(frozen=True)
class _Reduced:
    cover: BoolArray  # (n_rows, n_kept) merged demand rows x kept candidates
    w: FloatArray  # merged weights
    e: NDArray[np.int64]  # existing cover count per merged row
    kept: NDArray[np.int64]  # original candidate index of each column


def _reduce(
    cover: BoolArray,
    w: FloatArray,
    counts0: NDArray[np.int64],
    k: int,
    objective: Objective,
    q: float,
    singles: FloatArray,
    rest_gain: float,
    need_gain: float,
) -> _Reduced:
    """Shrink the instance for ``k`` new units; some optimal set survives.

    ``singles`` holds each candidate's gain alone; ``rest_gain`` bounds the gain of any ``k - 1``
    new units (the exact optimum for ``k - 1``); ``need_gain`` is a gain some ``k``-set is known to
    reach (the greedy set's, less a tolerance).
    """
    # bound: the objective is submodular, so a set holding j gains at most g_j plus the best
    # gain of k - 1 units; candidates that cannot reach need_gain are never in an optimal set
    cand = np.flatnonzero(singles + rest_gain >= need_gain)
    # demand whose value no new unit can change, or with zero weight
    step = _value(counts0 + 1, objective, q) - _value(counts0, objective, q)
    live = (w > 0) & (step > 0) & cover[:, cand].any(axis=1)
    c = cover[np.ix_(live, cand)]
    # dominated candidates: covered set (on live demand) inside another's
    cf = c.astype(np.float32)
    inter = cf.T @ cf  # exact for < 2**24 rows
    size = np.diag(inter).copy()
    n = c.shape[1]
    idx = np.arange(n)
    subset = inter >= size[:, None]  # subset[j, j2]: cover(j) within cover(j2)
    dominates = subset & ((size[None, :] > size[:, None]) | (idx[None, :] < idx[:, None]))
    np.fill_diagonal(dominates, False)
    threshold = 1 if objective == "mclp" else k
    kept_local = np.flatnonzero(dominates.sum(axis=1) < threshold)
    kept = cand[kept_local]
    c = c[:, kept_local]
    rows_live = c.any(axis=1)
    c, w_live, e_live = c[rows_live], w[live][rows_live], counts0[live][rows_live]
    # merge demand rows with the same pattern and the same existing cover
    key = np.concatenate([np.packbits(c, axis=1).astype(np.int64), e_live[:, None]], axis=1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    first = np.zeros(uniq.shape[0], dtype=np.int64)
    first[inverse[::-1]] = np.arange(inverse.size)[::-1]
    w_m = np.bincount(inverse, weights=w_live, minlength=uniq.shape[0]).astype(np.float64)
    return _Reduced(cover=c[first], w=w_m, e=e_live[first], kept=kept.astype(np.int64))


class _Milp:
    """The HiGHS model for a reduced instance; solved again for each number of new units."""

    def __init__(self, red: _Reduced, k_max: int, objective: Objective, q: float) -> None:
        n_rows, n_c = red.cover.shape
        self.n_c = n_c
        self.red = red
        levels = np.minimum(k_max, red.cover.sum(axis=1))
        # one continuous column per (row, level) with a positive coefficient
        row_of = np.repeat(np.arange(n_rows), levels)
        level = np.arange(row_of.size) - np.repeat(np.cumsum(levels) - levels, levels) + 1
        e = red.e[row_of]
        coef = red.w[row_of] * (_value(e + level, objective, q) - _value(e + level - 1, objective, q))
        pos = coef > 0
        row_of, coef = row_of[pos], coef[pos]
        n_y = row_of.size
        self.row_of = row_of
        # x block: -1 where candidate covers row, +1 in the cardinality row (index n_rows)
        d_idx, j_idx = np.nonzero(red.cover)
        rows = np.concatenate([d_idx, np.full(n_c, n_rows), row_of])
        cols = np.concatenate([j_idx, np.arange(n_c), n_c + np.arange(n_y)])
        vals = np.concatenate([-np.ones(d_idx.size), np.ones(n_c), np.ones(n_y)])
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        n_col = n_c + n_y
        start = np.searchsorted(cols, np.arange(n_col + 1))

        lp = highspy.HighsLp()
        lp.num_col_ = n_col
        lp.num_row_ = n_rows + 1
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.concatenate([np.zeros(n_c), coef])
        lp.col_lower_ = np.zeros(n_col)
        lp.col_upper_ = np.ones(n_col)
        inf = highspy.kHighsInf
        lp.row_lower_ = np.full(n_rows + 1, -inf)
        lp.row_upper_ = np.concatenate([np.zeros(n_rows), [float(k_max)]])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = n_col
        lp.a_matrix_.num_row_ = n_rows + 1
        lp.a_matrix_.start_ = start.astype(np.int32)
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_c + [highspy.HighsVarType.kContinuous] * n_y
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", _MIP_ABS_GAP)
        h.setOptionValue("random_seed", 0)
        h.passModel(lp)
        self.h = h
        self.card_row = n_rows

    def solve(self, k: int, warm_local: list[int]) -> list[int]:
        """Best set of at most ``k`` kept candidates (local column indices)."""
        h = self.h
        h.changeRowBounds(self.card_row, -highspy.kHighsInf, float(k))
        x = np.zeros(self.n_c)
        x[warm_local] = 1.0
        cover_count = self.red.cover[:, warm_local].sum(axis=1)
        # fill levels in order: y_{d,m} = 1 for m <= count
        level_rank = np.arange(self.row_of.size) - np.searchsorted(self.row_of, self.row_of)
        y = (level_rank < cover_count[self.row_of]).astype(np.float64)
        sol = highspy.HighsSolution()
        sol.col_value = list(np.concatenate([x, y]))
        sol.value_valid = True
        h.setSolution(sol)
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise PlacementError(
                f"HiGHS did not prove the placement optimal (status {h.modelStatusToString(status)}); "
                "retry with method='greedy' and report this instance"
            )
        values = np.asarray(h.getSolution().col_value[: self.n_c])
        return [int(j) for j in np.flatnonzero(values > 0.5)]


# ---------------------------------------------------------------------------------------------
# public optimiser


def recommend(
    travel_min: FloatArray,
    weights: FloatArray,
    *,
    existing_min: FloatArray,
    target_min: float,
    k: int,
    objective: Objective = "mclp",
    busy_fraction: float = 0.5,
    method: Method = "exact",
) -> Recommendation:
    """Choose ``k`` new unit bases among candidates, keeping the existing vehicles fixed.

    Parameters
    ----------
    travel_min
        ``(n_demand, n_candidates)`` minutes from each candidate base to each demand point
        (``np.inf`` where unreachable).
    weights
        ``(n_demand,)`` demand per point (incidents, population...), >= 0.
    existing_min
        ``(n_demand, n_existing)`` minutes from each existing vehicle's base; pass
        ``np.empty((n_demand, 0))`` when there is none.
    target_min
        Response target: a base covers a point when ``travel_min <= target_min``.
    k
        Number of new units, ``0 <= k <= n_candidates``.
    objective
        ``"mclp"`` (demand covered) or ``"mexclp"`` (expected demand covered, Daskin).
    busy_fraction
        MEXCLP's ``q``: the chance that a vehicle is busy, in ``[0, 1)``. Ignored for MCLP.
    method
        ``"exact"`` (proven optimal with HiGHS) or ``"greedy"`` (fast, at least 63% of the
        optimal gain; often optimal).

    Returns
    -------
    Recommendation

    Raises
    ------
    PlacementError
        Shapes disagree, values are invalid, or ``k`` is negative or above the number of
        candidates.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array([[5, 30, 30], [30, 5, 30], [30, 5, 30], [30, 30, 5.0]])
    >>> r = recommend(t, np.array([1, 2, 3, 4.0]), existing_min=np.full((4, 1), 99.0),
    ...               target_min=15, k=2)
    >>> r.picks, r.gains, r.objective
    ((1, 2), (5.0, 4.0), 9.0)
    """
    w = _check_weights(weights)
    t = _as_matrix("travel_min", travel_min, w.shape[0])
    ex = _as_matrix("existing_min", existing_min, w.shape[0])
    _check_options(target_min, objective, busy_fraction)
    if method not in ("exact", "greedy"):
        raise PlacementError(f"method must be 'exact' or 'greedy', got {method!r}")
    n_c = t.shape[1]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise PlacementError(f"k (number of new units) must be a whole number >= 0, got {k!r}")
    k = int(k)
    if k > n_c:
        raise PlacementError(
            f"k={k} new units requested but there are only {n_c} candidate sites; "
            "lower k or add candidates (for example the free 1 km grid)"
        )

    q = float(busy_fraction)
    cover = t <= target_min
    cover_f = cover.astype(np.float64)
    cover_i = cover.astype(np.int64)
    counts0 = (ex <= target_min).sum(axis=1).astype(np.int64)
    total_weight = float(w.sum())
    baseline = _total(w, counts0, objective, q)
    tol = _REL_TOL * max(1.0, total_weight)

    def value_of(picks: list[int]) -> float:
        return _total(w, _counts_with(cover_i, counts0, picks), objective, q)

    greedy = _greedy(cover_f, w, counts0, k, objective, q)
    curve = [baseline] + [value_of(greedy[:i]) for i in range(1, k + 1)]
    chosen = greedy
    if method == "exact" and k >= 2:
        singles = _gains(cover_f, w, counts0, objective, q)
        for kk in range(2, k + 1):
            best = greedy[:kk]
            # curve[kk - 1] is already the exact optimum for kk - 1 units
            rest = curve[kk - 1] - baseline + tol
            red = _reduce(cover, w, counts0, kk, objective, q, singles, rest, curve[kk] - baseline - tol)
            if red.kept.size > kk:  # otherwise taking every kept candidate is optimal
                local_of = {int(g): i for i, g in enumerate(red.kept)}
                warm = [local_of[j] for j in best if j in local_of]
                found = [int(red.kept[j]) for j in _Milp(red, kk, objective, q).solve(kk, warm)]
            else:
                found = [int(j) for j in red.kept]
            if value_of(found) > curve[kk] + tol:
                best = _pad(found, n_c, kk)
            curve[kk] = value_of(best)
            if kk == k:
                chosen = best
    if method == "exact":
        chosen = _canonical(chosen, cover_f, cover_i, w, counts0, objective, q, tol)
    picks, gains = _ordered(chosen, cover_f, w, counts0, objective, q)
    obj = value_of(picks)
    if method == "exact":
        curve[k] = obj
    frac = 1.0 / total_weight if total_weight > 0 else 0.0
    return Recommendation(
        picks=tuple(picks),
        gains=tuple(gains),
        gains_fraction=tuple(g * frac for g in gains),
        objective=obj,
        objective_fraction=obj * frac,
        baseline=baseline,
        curve=tuple(curve),
        total_weight=total_weight,
        objective_kind=objective,
        exact=method == "exact",
    )


def what_if(
    travel_min_new: FloatArray,
    *,
    weights: FloatArray,
    existing_min: FloatArray,
    target_min: float,
    objective: Objective = "mclp",
    busy_fraction: float = 0.5,
) -> WhatIf:
    """Change in the objective if one more unit were based at a given site (a map click).

    Parameters
    ----------
    travel_min_new
        ``(n_demand,)`` minutes from the new site to each demand point.
    weights
        ``(n_demand,)`` demand per point.
    existing_min
        ``(n_demand, n_existing)`` minutes from the vehicles already in place.
    target_min, objective, busy_fraction
        As for :func:`recommend`.

    Returns
    -------
    WhatIf

    Examples
    --------
    >>> import numpy as np
    >>> r = what_if(np.array([5.0, 5.0]), weights=np.array([3.0, 4.0]),
    ...             existing_min=np.array([[5.0], [20.0]]), target_min=15)
    >>> r.before, r.after, r.change
    (3.0, 7.0, 4.0)
    """
    w = _check_weights(weights)
    new = np.asarray(travel_min_new, dtype=np.float64)
    if new.shape != w.shape:
        raise PlacementError(
            f"travel_min_new must have one value per demand point, shape {w.shape}, got {new.shape}"
        )
    ex = _as_matrix("existing_min", existing_min, w.shape[0])
    _as_matrix("travel_min_new", new[:, None], w.shape[0])
    _check_options(target_min, objective, busy_fraction)
    counts0 = (ex <= target_min).sum(axis=1).astype(np.int64)
    before = _total(w, counts0, objective, busy_fraction)
    after = _total(w, counts0 + (new <= target_min), objective, busy_fraction)
    total = float(w.sum())
    change = after - before
    return WhatIf(
        before=before,
        after=after,
        change=change,
        change_fraction=change / total if total > 0 else 0.0,
        objective_kind=objective,
    )


# ---------------------------------------------------------------------------------------------
# geodata side


def candidate_grid(outline: gpd.GeoDataFrame, *, cell_m: float = 1000) -> gpd.GeoDataFrame:
    """Candidate bases at the centres of the national-grid cells whose centre lies inside ``outline``.

    Parameters
    ----------
    outline
        Area to fill (for example :func:`jru_geo.boundaries.load_outline`); reprojected to
        EPSG:27700 when in another CRS.
    cell_m
        Cell size in metres; cells are aligned to multiples of ``cell_m`` in EPSG:27700.

    Returns
    -------
    GeoDataFrame
        ``name, easting, northing, geometry`` (points, EPSG:27700), ordered by northing then
        easting. ``name`` is like ``"grid 551500 165500"``.
    """
    if not np.isfinite(cell_m) or cell_m <= 0:
        raise PlacementError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    if outline.crs is None:
        raise PlacementError("outline has no CRS; set it (EPSG:27700 for British National Grid)")
    if outline.empty:
        raise PlacementError("outline is empty; pass the area to fill, e.g. load_outline()")
    area = shapely.union_all(outline.to_crs(BNG).geometry.to_numpy())
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(np.floor(minx / cell_m), np.ceil(maxx / cell_m)) * cell_m + cell_m / 2
    ys = np.arange(np.floor(miny / cell_m), np.ceil(maxy / cell_m)) * cell_m + cell_m / 2
    mx, my = np.meshgrid(xs, ys)
    shapely.prepare(area)
    inside = shapely.contains_xy(area, mx.ravel(), my.ravel())
    gx, gy = mx.ravel()[inside], my.ravel()[inside]
    names = [f"grid {x:.0f} {y:.0f}" for x, y in zip(gx, gy, strict=True)]
    return gpd.GeoDataFrame(
        {"name": names, "easting": gx, "northing": gy},
        geometry=gpd.points_from_xy(gx, gy),
        crs=BNG,
    )


def demand_points(
    lsoas: pd.DataFrame, *, incidents: pd.DataFrame | None = None
) -> tuple[FloatArray, FloatArray]:
    """Demand points at LSOA centroids, weighted by incidents per LSOA (or by population).

    Parameters
    ----------
    lsoas
        One row per LSOA with ``lsoa_code, centroid_e, centroid_n`` (and ``population`` when
        ``incidents`` is None), as from :func:`jru_geo.boundaries.load_lsoas`.
    incidents
        Incidents with an ``lsoa_code`` column (joined to LSOAs). Incidents whose code is
        missing or not in ``lsoas`` are not counted. When None, weights are the population.

    Returns
    -------
    xy : ndarray
        ``(n_lsoa, 2)`` easting, northing in metres, in the order of ``lsoas``.
    weights : ndarray
        ``(n_lsoa,)`` incident count (or population) per LSOA, 0 where none.
    """
    need = ["lsoa_code", "centroid_e", "centroid_n"] + (["population"] if incidents is None else [])
    missing = [c for c in need if c not in lsoas.columns]
    if missing:
        raise PlacementError(
            f"lsoas lacks columns {missing}; pass jru_geo.boundaries.load_lsoas() or a table with {need}"
        )
    xy = lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    if incidents is None:
        weights = lsoas["population"].to_numpy(dtype=np.float64)
    else:
        if "lsoa_code" not in incidents.columns:
            raise PlacementError(
                f"incidents lack an 'lsoa_code' column (columns: {list(incidents.columns)}); "
                "join them to LSOAs first"
            )
        counts = incidents["lsoa_code"].value_counts()
        weights = lsoas["lsoa_code"].map(counts).fillna(0).to_numpy(dtype=np.float64)
    return xy, weights


def travel_matrix(model: MinutesModel, demand_xy: FloatArray, sites_xy: FloatArray) -> FloatArray:
    """Minutes from each site (vehicle base) to each demand point, shaped for :func:`recommend`.

    Parameters
    ----------
    model
        A travel model with ``minutes(origins_xy, destinations_xy)`` (see ``jru_geo.travel``).
    demand_xy
        ``(n_demand, 2)`` easting, northing in metres.
    sites_xy
        ``(n_sites, 2)`` easting, northing of the bases in metres.

    Returns
    -------
    ndarray
        ``(n_demand, n_sites)`` minutes.
    """
    d = np.asarray(demand_xy, dtype=np.float64).reshape(-1, 2)
    s = np.asarray(sites_xy, dtype=np.float64).reshape(-1, 2)
    out = np.asarray(model.minutes(s, d), dtype=np.float64)
    if out.shape != (s.shape[0], d.shape[0]):
        raise TravelModelError(
            f"travel model returned shape {out.shape} for {s.shape[0]} origins and "
            f"{d.shape[0]} destinations; expected {(s.shape[0], d.shape[0])}"
        )
    if np.isnan(out).any():
        raise TravelModelError(
            f"travel model returned {int(np.isnan(out).sum())} NaN minutes; use np.inf for unreachable"
        )
    return np.ascontiguousarray(out.T)
