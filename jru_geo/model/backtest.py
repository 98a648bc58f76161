"""Replay a fleet's history over the months on a year of demand, and compare it with the record.

The demand is a year of incidents (the demo year, or the files given): its weekly rates, scaled by
``demand_scale``, are applied to every month, so the months differ only by the fleet and shift
patterns in force, day by day (:func:`jru_geo.model.history.fleet_spans`). For each fleet the coverage
engine gives each unit's calls attended a year and its weekly on-shift hours; a span of ``d`` days
adds ``calls_attended_per_year x d / 365.25`` calls and ``weekly_hours x d / 7`` on-shift hours.
Jobs per 8 hours are ``8 x calls / on-shift hours``.

:func:`replay` takes the evaluation as a function of a fleet (so a test can hand it fixed figures);
:func:`engine_evaluator` builds the one the command line and the app use, computing the travel matrix
once for every unit of the history.

Examples
--------
A unit attending 365.25 calls a year (1 a day) for the 31 days of March:

>>> import pandas as pd
>>> from jru_geo.model.history import load_history
>>> fixed = lambda sc: pd.DataFrame({"vehicle_id": [v.id for v in sc.vehicles],
...     "calls_attended_per_year": [365.25] * len(sc.vehicles), "weekly_hours": [16.0] * len(sc.vehicles)})
>>> replay(load_history(), fixed, start="2018-03", end="2018-03").cumulative_calls
{'2018-03': 31.0}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo.errors import CoverageError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.prepared import prepare_coverage
from jru_geo.model.history import History, all_units, fleet_on, fleet_spans
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.week import WEEKS_PER_YEAR

__all__ = ["Evaluate", "Backtest", "replay", "engine_evaluator", "evaluator_factory", "UNIT_MONTH_COLUMNS"]

Evaluate = Callable[[Scenario], pd.DataFrame]
"""A fleet to its vehicle table: ``vehicle_id``, ``calls_attended_per_year``, ``weekly_hours``."""

UNIT_MONTH_COLUMNS = ["month", "vehicle_id", "days", "calls", "on_shift_hours", "jobs_per_8h"]

DAYS_PER_YEAR = WEEKS_PER_YEAR * 7
"""Days in the engine's year (:data:`~jru_geo.week.WEEKS_PER_YEAR` weeks: 365.25)."""


@dataclass(frozen=True)
class Backtest:
    """A replay of a history, beside the published figures.

    Attributes
    ----------
    by_unit_month
        One row per unit and month it ran: :data:`UNIT_MONTH_COLUMNS`.
    cumulative_calls
        ``"YYYY-MM"`` -> calls attended from the start to that month's end (every month, 0 before
        any unit ran).
    jobs_per_8h
        Unit id -> its jobs per 8 on-shift hours over the replay, plus ``"fleet"``.
    published_calls, published_jobs_per_8h
        The published figures (from the history).
    modelled_calls
        Calls attended over the published figure's months (within the replay).
    modelled_jobs_per_8h
        Jobs per 8 hours over the published jobs figure's unit and months (within the replay).
    notes
        What limits the comparison (e.g. a replay shorter than the published figures' months).
    """

    by_unit_month: pd.DataFrame
    cumulative_calls: dict[str, float]
    jobs_per_8h: dict[str, float]
    published_calls: float
    published_jobs_per_8h: float
    modelled_calls: float
    modelled_jobs_per_8h: float
    notes: tuple[str, ...] = field(default=())

    @property
    def calls_residual(self) -> float:
        """Modelled minus published calls, as a share of the published figure."""
        return self.modelled_calls / self.published_calls - 1.0

    @property
    def jobs_residual(self) -> float:
        """Modelled minus published jobs per 8 hours, as a share of the published figure."""
        return self.modelled_jobs_per_8h / self.published_jobs_per_8h - 1.0

    def calls_by_unit_month(self) -> dict[str, dict[str, float]]:
        """Give unit id -> ``"YYYY-MM"`` -> calls attended that month."""
        out: dict[str, dict[str, float]] = {}
        for row in self.by_unit_month.itertuples(index=False):
            out.setdefault(str(row.vehicle_id), {})[str(row.month)] = float(row.calls)
        return out

    def cumulative_frame(self) -> pd.DataFrame:
        """Give the cumulative calls as a table: ``month`` (first day, a timestamp), ``calls``."""
        return pd.DataFrame(
            {
                "month": pd.PeriodIndex(list(self.cumulative_calls), freq="M").to_timestamp(),
                "calls": list(self.cumulative_calls.values()),
            }
        )


def replay(history: History, evaluate: Evaluate, *, start: str, end: str) -> Backtest:
    """Replay ``history`` from ``start`` to ``end`` (months ``"YYYY-MM"``, both included).

    Parameters
    ----------
    history
        Units, their periods and the published figures.
    evaluate
        A fleet to its vehicle table (:data:`Evaluate`); called once per distinct fleet.
    start, end
        First and last month of the replay.

    Returns
    -------
    Backtest
        Calls by unit and month, the cumulative calls, jobs per 8 hours, and the comparison.
    """
    spans = fleet_spans(history, start, end)
    tables: dict[tuple[tuple[str, str], ...], pd.DataFrame] = {}
    rows: list[dict[str, object]] = []
    for span in spans.itertuples(index=False):
        if not span.fleet:
            continue
        if span.fleet not in tables:
            tables[span.fleet] = evaluate(fleet_on(history, span.first_day)).set_index("vehicle_id")
        table = tables[span.fleet]
        for vid, _pattern in span.fleet:
            days = float(span.days)
            rows.append(
                {
                    "month": span.month,
                    "vehicle_id": vid,
                    "days": days,
                    "calls": float(table.at[vid, "calls_attended_per_year"]) * days / DAYS_PER_YEAR,
                    "on_shift_hours": float(table.at[vid, "weekly_hours"]) * days / 7.0,
                }
            )
    raw = pd.DataFrame(rows, columns=["month", "vehicle_id", "days", "calls", "on_shift_hours"])
    by = raw.groupby(["month", "vehicle_id"], sort=True, as_index=False)[
        ["days", "calls", "on_shift_hours"]
    ].sum()
    by["jobs_per_8h"] = _per_8h(by["calls"], by["on_shift_hours"])
    months = list(dict.fromkeys(spans["month"]))
    monthly = by.groupby("month")["calls"].sum().reindex(months, fill_value=0.0)
    cumulative = {m: float(v) for m, v in monthly.cumsum().items()}
    jobs = {str(v): _per_8h_total(g["calls"], g["on_shift_hours"]) for v, g in by.groupby("vehicle_id")}
    jobs["fleet"] = _per_8h_total(by["calls"], by["on_shift_hours"])
    pub = history.published
    in_calls = by["month"].between(pub.calls_from, pub.calls_to)
    in_jobs = by["month"].between(pub.jobs_from, pub.jobs_to)
    if pub.jobs_unit is not None:
        in_jobs &= by["vehicle_id"] == pub.jobs_unit
    return Backtest(
        by_unit_month=by[UNIT_MONTH_COLUMNS],
        cumulative_calls=cumulative,
        jobs_per_8h=jobs,
        published_calls=pub.calls_attended,
        published_jobs_per_8h=pub.jobs_per_shift * 8.0 / pub.shift_hours,
        modelled_calls=float(by.loc[in_calls, "calls"].sum()),
        modelled_jobs_per_8h=_per_8h_total(by.loc[in_jobs, "calls"], by.loc[in_jobs, "on_shift_hours"]),
        notes=_notes(months, pub.calls_from, pub.calls_to, pub.jobs_from, pub.jobs_to),
    )


def _per_8h(calls: pd.Series, hours: pd.Series) -> np.ndarray:
    c, h = calls.to_numpy(dtype=np.float64), hours.to_numpy(dtype=np.float64)
    return np.divide(8.0 * c, h, out=np.full(c.shape, np.nan), where=h > 0)


def _per_8h_total(calls: pd.Series, hours: pd.Series) -> float:
    total = float(hours.sum())
    return 8.0 * float(calls.sum()) / total if total > 0 else float("nan")


def _notes(months: list[str], *bounds: str) -> tuple[str, ...]:
    if not months:
        return ()
    first, last = months[0], months[-1]
    if any(b < first or b > last for b in bounds):
        return (
            f"the replay runs {first} to {last}, shorter than the published figures' months "
            f"({bounds[0]} to {bounds[1]}, {bounds[2]} to {bounds[3]}): the comparison covers only the "
            "overlap",
        )
    return ()


def engine_evaluator(
    incidents: gpd.GeoDataFrame,
    history: History,
    model: TravelModel,
    *,
    demand_scale: float = 1.0,
    dispatch_reach_min: float | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    postcodes: pd.DataFrame | None = None,
) -> Evaluate:
    """Build the coverage engine on ``incidents`` as an :data:`Evaluate` for :func:`replay`.

    The bases of every unit of the history, their travel matrix to the incidents and the incidents'
    timing (:func:`~jru_geo.model.coverage.prepared.prepare_coverage`) are computed once; each fleet
    uses its units' columns. Results are kept per fleet (by its JSON).

    Parameters
    ----------
    incidents
        A year (or any span) of incidents, in Kent, as the engine takes them.
    history
        The history whose fleets will be evaluated.
    model
        Travel model.
    demand_scale, dispatch_reach_min
        As for :func:`jru_geo.model.coverage.engine.compute_coverage`.
    lsoas, postcodes
        Passed to the engine and the bases (loaded when omitted).

    Returns
    -------
    Evaluate
        A fleet to the engine's vehicle table.
    """
    points = to_bng(incidents, what="incidents", error=CoverageError)
    bases = resolve_bases(all_units(history), postcodes=postcodes).reset_index(drop=True)
    travel = travel_matrix(model, points=points, bases=bases)
    prepared = prepare_coverage(points)  # the incidents' timing, once for every fleet
    column = {vid: i for i, vid in enumerate(bases["vehicle_id"])}
    seen: dict[str, pd.DataFrame] = {}

    def evaluate(sc: Scenario) -> pd.DataFrame:
        key = scenario_to_json(sc)
        if key not in seen:
            idx = [column[v.id] for v in sc.vehicles]
            result = compute_coverage(
                points,
                sc,
                model,
                postcodes=postcodes,
                lsoas=lsoas,
                demand_scale=demand_scale,
                dispatch_reach_min=dispatch_reach_min,
                bases=bases.iloc[idx].reset_index(drop=True),
                travel_min=travel[:, idx],
                prepared=prepared,
            )
            seen[key] = result.vehicles
        return seen[key]

    return evaluate


def evaluator_factory(
    incidents: gpd.GeoDataFrame,
    history: History,
    model: TravelModel,
    *,
    lsoas: gpd.GeoDataFrame | None = None,
    postcodes: pd.DataFrame | None = None,
) -> Callable[[float, float | None], Evaluate]:
    """Give :func:`engine_evaluator` on ``incidents`` for any demand share and dispatch reach.

    What :func:`jru_geo.optimise.calibrate.calibrate` varies: the factory takes ``(demand_scale,
    dispatch_reach_min)`` and returns the :data:`Evaluate` for them.
    """

    def factory(share: float, reach: float | None) -> Evaluate:
        return engine_evaluator(
            incidents,
            history,
            model,
            demand_scale=share,
            dispatch_reach_min=reach,
            lsoas=lsoas,
            postcodes=postcodes,
        )

    return factory
