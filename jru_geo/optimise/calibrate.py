"""Fit what the record does not give so that the backtest reproduces the published figures.

Two things are unknown: the share of the loaded incidents that are JRU work (``demand_scale``) and
how far units are sent to calls (``dispatch_reach_min``). Two published figures pin them: about 4,500
calls attended March 2018 to November 2020, and about 7 jobs in an 8-hour shift (both in the history's
``published``). :func:`calibrate` solves for both with :func:`scipy.optimize.least_squares` on the
relative residuals of the replay (:func:`jru_geo.model.backtest.replay`), within bounds (share in
(0, 1], reach from the units' target to 90 minutes), and reports how sensitive the fit is: the change
of each figure per step of each parameter at the fit, and how far the fitted values move if a
published figure were 10% higher.

The engine's figures move in small steps with the reach (an incident is in reach or not), so the
finite differences use steps of about 2.5 minutes and 0.02 of share, not machine precision.

:func:`snap_reach` refits the share with the reach held at one of the app's choices (the sidebar's
reach is a slider of whole minutes), so a preset the app offers is itself a fit, not a rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from jru_geo.errors import PlanningError
from jru_geo.model.backtest import Backtest, Evaluate, replay
from jru_geo.model.history import History

__all__ = [
    "EvaluatorFactory",
    "Fit",
    "Calibration",
    "calibrate",
    "fit_share",
    "snap_reach",
    "REACH_BOUNDS_MIN",
]

EvaluatorFactory = Callable[[float, float], Evaluate]
"""``(demand_scale, dispatch_reach_min)`` to the evaluation of a fleet
(:data:`~jru_geo.model.backtest.Evaluate`)."""

REACH_BOUNDS_MIN = (15.0, 90.0)
"""Dispatch reach searched, minutes: the shipped units' target to an hour and a half."""

_SHARE_BOUNDS = (0.01, 1.0)
_SHARE_STEP = 0.02
_REACH_STEP_MIN = 2.5


class CalibrationError(PlanningError):
    """A calibration that cannot be run (bad bounds or start values)."""


@dataclass(frozen=True)
class Fit:
    """Fitted values and what the backtest gives with them.

    Attributes
    ----------
    demand_scale, dispatch_reach_min
        The fitted values.
    backtest
        The replay with them.
    evaluations
        Replays run to find them.
    """

    demand_scale: float
    dispatch_reach_min: float
    backtest: Backtest
    evaluations: int

    @property
    def residuals(self) -> dict[str, float]:
        """Modelled minus published, absolute and as a share, for the calls and the jobs per 8 hours."""
        b = self.backtest
        return {
            "calls": b.modelled_calls - b.published_calls,
            "calls_share": b.calls_residual,
            "jobs_per_8h": b.modelled_jobs_per_8h - b.published_jobs_per_8h,
            "jobs_per_8h_share": b.jobs_residual,
        }


@dataclass(frozen=True)
class Calibration:
    """A fit of both unknowns, and how sensitive it is.

    Attributes
    ----------
    fit
        The fitted share and reach.
    jacobian
        ``{"calls": {"per_0.1_share": .., "per_10_min_reach": ..}, "jobs_per_8h": {...}}``: the change
        of each modelled figure per 0.1 of share and per 10 minutes of reach, at the fit.
    moves
        ``{"published_calls_10pct_higher": {"demand_scale": d, "dispatch_reach_min": d}, ...}``:
        how far the fitted values move, to first order, if a published figure were 10% higher
        (None where the Jacobian is singular or ill-conditioned, condition number over 30: then the
        first-order answer is meaningless).
    condition_number
        Of the Jacobian in relative terms (each figure's change per relative change of each value):
        near 1 the two figures pin the two values apart; in the hundreds share and reach move both
        figures in nearly the same proportion, so the record pins only a combination of them.
    notes
        What the fit means, in words (e.g. that the published figures cannot both be met).
    """

    fit: Fit
    jacobian: dict[str, dict[str, float]]
    moves: dict[str, dict[str, float] | None]
    condition_number: float
    notes: tuple[str, ...]


def _figures(b: Backtest) -> np.ndarray:
    return np.array([b.modelled_calls, b.modelled_jobs_per_8h], dtype=np.float64)


def _residuals(b: Backtest) -> np.ndarray:
    r = np.array([b.calls_residual, b.jobs_residual], dtype=np.float64)
    return np.where(np.isfinite(r), r, 1.0)


class _Runner:
    """Replays on demand, keeping each (share, reach) already run."""

    def __init__(self, history: History, factory: EvaluatorFactory, start: str, end: str) -> None:
        self.history, self.factory, self.start, self.end = history, factory, start, end
        self.seen: dict[tuple[float, float], Backtest] = {}

    def __call__(self, share: float, reach: float) -> Backtest:
        key = (round(float(share), 6), round(float(reach), 4))
        if key not in self.seen:
            self.seen[key] = replay(self.history, self.factory(*key), start=self.start, end=self.end)
        return self.seen[key]


def _check(x0: Sequence[float], reach_bounds: tuple[float, float]) -> None:
    lo, hi = reach_bounds
    if not (0 < lo < hi):
        raise CalibrationError(f"reach bounds must be 0 < low < high minutes, got {reach_bounds!r}")
    share, reach = x0
    if not (_SHARE_BOUNDS[0] <= share <= _SHARE_BOUNDS[1] and lo <= reach <= hi):
        raise CalibrationError(
            f"start values (demand_scale {share!r}, reach {reach!r}) must lie within share "
            f"{_SHARE_BOUNDS} and reach {reach_bounds}; move them inside"
        )


def calibrate(
    history: History,
    factory: EvaluatorFactory,
    *,
    start: str,
    end: str,
    x0: Sequence[float] = (0.5, 30.0),
    reach_bounds: tuple[float, float] = REACH_BOUNDS_MIN,
) -> Calibration:
    """Fit the share of demand that is JRU work and the dispatch reach to the published figures.

    Parameters
    ----------
    history
        Units, periods and the published figures.
    factory
        Builds the evaluation for a share and a reach (:data:`EvaluatorFactory`).
    start, end
        Months of the replay, ``"YYYY-MM"``.
    x0
        Start values (share, reach minutes).
    reach_bounds
        Reach searched, minutes.

    Returns
    -------
    Calibration
        The fit, its Jacobian and how far it moves with the published figures.

    Raises
    ------
    CalibrationError
        Bounds or start values out of range.
    """
    _check(x0, reach_bounds)
    run = _Runner(history, factory, start, end)
    solution = least_squares(
        lambda x: _residuals(run(x[0], x[1])),
        np.asarray(x0, dtype=np.float64),
        bounds=([_SHARE_BOUNDS[0], reach_bounds[0]], [_SHARE_BOUNDS[1], reach_bounds[1]]),
        x_scale=np.array([0.1, 5.0]),
        diff_step=np.array([_SHARE_STEP / max(x0[0], 0.05), _REACH_STEP_MIN / x0[1]]),
        xtol=1e-3,
        ftol=1e-4,
        max_nfev=60,
    )
    share, reach = (float(v) for v in solution.x)
    fit = Fit(share, reach, run(share, reach), len(run.seen))
    jac = _jacobian(run, share, reach, reach_bounds)
    cond = _condition(jac, np.array([share, reach]), _figures(fit.backtest))
    moves: dict[str, dict[str, float] | None] = (
        _moves(jac, fit.backtest) if cond <= _ILL else dict.fromkeys(_MOVES, None)
    )
    return Calibration(
        fit=fit,
        jacobian=_jacobian_dict(jac),
        moves=moves,
        condition_number=cond,
        notes=_fit_notes(fit, cond, reach_bounds),
    )


def _condition(jac: np.ndarray, x: np.ndarray, f: np.ndarray) -> float:
    rel = jac * x[None, :] / np.where(f == 0, 1.0, f)[:, None]
    return float(np.linalg.cond(rel)) if np.isfinite(rel).all() else float("inf")


_ILL = 30.0
"""A relative condition number above which the two figures do not pin the two values apart."""

_MOVES = ("published_calls_10pct_higher", "published_jobs_10pct_higher")

_MET = 0.02
"""A relative residual within 2% counts as reproducing a published figure."""


def _fit_notes(fit: Fit, cond: float, reach_bounds: tuple[float, float]) -> tuple[str, ...]:
    r = fit.residuals
    notes = []
    if abs(r["calls_share"]) <= _MET and abs(r["jobs_per_8h_share"]) <= _MET:
        notes.append("both published figures are reproduced within 2%")
    else:
        notes.append(
            f"the published figures cannot both be met with this history and demand: the best fit is "
            f"{r['calls_share']:+.1%} on the calls and {r['jobs_per_8h_share']:+.1%} on the jobs per 8 hours"
        )
    if fit.demand_scale >= _SHARE_BOUNDS[1] - 1e-6:
        notes.append("the share is at its upper bound of 1: every loaded incident would be a JRU call")
    if fit.dispatch_reach_min >= reach_bounds[1] - 1e-6 or fit.dispatch_reach_min <= reach_bounds[0] + 1e-6:
        notes.append(f"the reach is at a bound of its range {reach_bounds[0]:g}-{reach_bounds[1]:g} min")
    if cond > _ILL:
        notes.append(
            f"share and reach move both figures in nearly the same proportion (condition number {cond:.0f}): "
            "the record pins a combination of them, not each one, so no first-order moves are given"
        )
    return tuple(notes)


def _jacobian(
    run: Callable[[float, float], Backtest], share: float, reach: float, reach_bounds: tuple[float, float]
) -> np.ndarray:
    """Central (or one-sided at a bound) differences: rows calls, jobs; columns share, reach."""
    cols = []
    for j, (x, step, (lo, hi)) in enumerate(
        ((share, _SHARE_STEP, _SHARE_BOUNDS), (reach, _REACH_STEP_MIN, reach_bounds))
    ):
        a, b = max(lo, x - step), min(hi, x + step)
        xa = (a, reach) if j == 0 else (share, a)
        xb = (b, reach) if j == 0 else (share, b)
        cols.append((_figures(run(*xb)) - _figures(run(*xa))) / (b - a))
    return np.column_stack(cols)


def _jacobian_dict(jac: np.ndarray) -> dict[str, dict[str, float]]:
    return {
        name: {"per_0.1_share": float(jac[i, 0] * 0.1), "per_10_min_reach": float(jac[i, 1] * 10.0)}
        for i, name in enumerate(("calls", "jobs_per_8h"))
    }


def _moves(jac: np.ndarray, b: Backtest) -> dict[str, dict[str, float] | None]:
    out: dict[str, dict[str, float] | None] = {}
    solvable = np.isfinite(jac).all() and abs(np.linalg.det(jac)) > 1e-9
    for i, (name, published) in enumerate(
        (
            ("published_calls_10pct_higher", b.published_calls),
            ("published_jobs_10pct_higher", b.published_jobs_per_8h),
        )
    ):
        if not solvable:
            out[name] = None
            continue
        target = np.zeros(2)
        target[i] = 0.1 * published
        d = np.linalg.solve(jac, target)
        out[name] = {"demand_scale": float(d[0]), "dispatch_reach_min": float(d[1])}
    return out


def fit_share(
    history: History, factory: EvaluatorFactory, *, reach_min: float, start: str, end: str, x0: float = 0.5
) -> Fit:
    """Fit the share alone with the reach held at ``reach_min`` (least squares on both figures).

    Parameters
    ----------
    history, factory, start, end
        As for :func:`calibrate`.
    reach_min
        The reach held fixed.
    x0
        Start share.

    Returns
    -------
    Fit
        The share fitted at that reach.
    """
    if not (np.isfinite(reach_min) and reach_min > 0):
        raise CalibrationError(f"reach_min must be a positive number of minutes, got {reach_min!r}")
    run = _Runner(history, factory, start, end)
    solution = least_squares(
        lambda x: _residuals(run(x[0], reach_min)),
        np.array([min(max(x0, _SHARE_BOUNDS[0]), _SHARE_BOUNDS[1])]),
        bounds=([_SHARE_BOUNDS[0]], [_SHARE_BOUNDS[1]]),
        x_scale=np.array([0.1]),
        diff_step=np.array([_SHARE_STEP / max(x0, 0.05)]),
        xtol=1e-3,
        ftol=1e-4,
        max_nfev=30,
    )
    share = float(solution.x[0])
    return Fit(share, float(reach_min), run(share, reach_min), len(run.seen))


def snap_reach(
    history: History,
    factory: EvaluatorFactory,
    fit: Fit,
    choices: Sequence[float],
    *,
    start: str,
    end: str,
) -> Fit:
    """Hold the reach at the allowed choice nearest ``fit``'s and refit the share there.

    Of the two choices either side of the fitted reach, the one whose refit has the smaller sum of
    squared relative residuals is returned.

    Parameters
    ----------
    history, factory, start, end
        As for :func:`calibrate`.
    fit
        The free fit.
    choices
        The reaches allowed (minutes), e.g. the app's sidebar choices.

    Returns
    -------
    Fit
        The share refitted at the chosen reach.
    """
    grid = sorted(float(c) for c in choices)
    if not grid:
        raise CalibrationError("no reach choices given to snap to; pass e.g. (20, 25, 30, 35, 40)")
    below = [c for c in grid if c <= fit.dispatch_reach_min]
    above = [c for c in grid if c >= fit.dispatch_reach_min]
    near = sorted({*(below[-1:] or grid[:1]), *(above[:1] or grid[-1:])})
    fits = [fit_share(history, factory, reach_min=c, start=start, end=end, x0=fit.demand_scale) for c in near]
    return min(fits, key=lambda f: float(np.sum(_residuals(f.backtest) ** 2)))
