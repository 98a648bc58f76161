"""Where should the next unit go: exact next-unit optimisation and what-if evaluation.

Numbers apart from geography. :func:`recommend` and :func:`what_if` work on a travel-time matrix
and demand weights only (they can be checked by hand on a 4x3 matrix), and this module and its
helpers (``_objective``, ``_milp``) import neither geopandas nor shapely.
:func:`jru_geo.optimise.candidates.candidate_grid`, :func:`jru_geo.optimise.candidates.demand_points`
and :func:`jru_geo.model.travel.matrix.travel_matrix` build those arrays from the Kent geography;
:func:`jru_geo.optimise.planning.plan_new_units` ties them together.

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
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from jru_geo.optimise._milp import _canonical, _Milp, _ordered, _pad, _reduce
from jru_geo.optimise._objective import FloatArray, Objective, PlacementError, _counts_with, _gains, _total

__all__ = ["Objective", "Method", "Recommendation", "WhatIf", "recommend", "what_if", "objective_value"]

Method = Literal["exact", "greedy"]
_REL_TOL = 1e-9


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
