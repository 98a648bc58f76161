"""The exact MCLP/MEXCLP solve: reduce the instance, then a mixed-integer programme with scipy's HiGHS."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from jru_geo.optimise._objective import (
    BoolArray,
    FloatArray,
    Objective,
    PlacementError,
    _counts_with,
    _gains,
    _value,
)

__all__ = []

_MIP_ABS_GAP = 1e-6


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
