"""The Planner's KPIs of a plan, read off its coverage, and the before/after table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jru_geo.errors import PlanningError
from jru_geo.model.coverage.business import WEEKS_PER_YEAR
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.optimise.planning import MIN_WEEKS_FOR_YEARLY

__all__ = ["PlanKpis", "kpi_table", "kpi_columns", "coverage_long"]

# --------------------------------------------------------------------------------------------------
# KPIs from the coverage engine


@dataclass(frozen=True)
class PlanKpis:
    """A fleet's headline figures, all from one :class:`jru_geo.model.coverage.result.CoverageResult`.

    Shares are 0-1. Build with :meth:`from_coverage`.

    Attributes
    ----------
    units
        Vehicles in the scenario.
    unit_hours_per_week
        Hours on shift a week, summed over the vehicles.
    incidents
        Incidents in the data (after the filters).
    span_weeks
        Weeks of data the rates are based on (:attr:`CoverageResult.span_weeks`).
    coverage_geographic, coverage_in_hours, coverage_expected
        The Coverage page's three figures: within target of some vehicle; and it on shift; and it
        free (hypercube).
    fleet_busy_fraction
        Share of the units' on-shift hours spent on jobs, from the hypercube
        (:attr:`CoverageResult.fleet_busy_fraction`).
    population_share
        Share of residents whose LSOA centroid is within target of some vehicle.
    mean_response_min
        Mean minutes from each incident to its nearest vehicle, whatever its shift (``nan`` with no
        fleet).
    jobs_per_shift
        Calls the fleet takes a week (hypercube dispatch) over the shifts it works a week: the
        fleet mean of jobs per shift (``nan`` with no shifts).
    jobs_per_8h
        Calls the fleet takes per on-shift hour times 8: comparable with the published "about 7
        jobs in an 8-hour shift" (``nan`` with no hours on shift).
    calls_attended_per_year
        Calls the fleet attends a year (:attr:`CoverageResult.calls_attended_per_year`).
    expected_covered_per_year
        JRU calls a year reached in time by a unit on shift and free
        (:attr:`CoverageResult.expected_covered_per_year`): what a recommended unit's gain changes.
    target_min
        Strictest response target in use (``nan`` with no fleet).
    """

    units: int
    unit_hours_per_week: float
    incidents: int
    span_weeks: float
    coverage_geographic: float
    coverage_in_hours: float
    coverage_expected: float
    fleet_busy_fraction: float
    population_share: float
    mean_response_min: float
    jobs_per_shift: float
    jobs_per_8h: float
    calls_attended_per_year: float
    expected_covered_per_year: float
    target_min: float

    @property
    def incidents_per_year(self) -> float | None:
        """Incidents scaled to a year, or None when the data span under :data:`MIN_WEEKS_FOR_YEARLY`."""
        if self.span_weeks < MIN_WEEKS_FOR_YEARLY:
            return None
        return self.incidents * WEEKS_PER_YEAR / self.span_weeks

    @classmethod
    def from_coverage(cls, result: CoverageResult) -> PlanKpis:
        """Read the KPIs off a coverage result (no computation beyond means and sums).

        Parameters
        ----------
        result
            Coverage of the fleet, from :func:`jru_geo.model.coverage.engine.compute_coverage`.

        Returns
        -------
        PlanKpis
            The fleet's headline figures.

        Examples
        --------
        See tests/optimise/test_planning.py for a hand-checked fleet on a line of three LSOAs.
        """
        vehicles = result.vehicles
        travel = result.incidents["travel_min"].to_numpy(dtype=np.float64) if len(result.incidents) else None
        finite = travel[np.isfinite(travel)] if travel is not None else np.zeros(0)
        weekly = vehicles["weekly_hours"].to_numpy(dtype=np.float64)
        calls_per_week = float((vehicles["calls_per_hour"].to_numpy(dtype=np.float64) * weekly).sum())
        shifts = float(vehicles["shifts_per_week"].to_numpy(dtype=np.float64).sum())
        return cls(
            units=len(vehicles),
            unit_hours_per_week=float(weekly.sum()),
            incidents=len(result.incidents),
            span_weeks=float(result.span_weeks),
            coverage_geographic=result.coverage_geographic,
            coverage_in_hours=result.coverage_in_hours,
            coverage_expected=result.coverage_expected,
            fleet_busy_fraction=result.fleet_busy_fraction,
            population_share=result.population_share,
            mean_response_min=float(finite.mean()) if finite.size else float("nan"),
            jobs_per_shift=calls_per_week / shifts if shifts > 0 else float("nan"),
            jobs_per_8h=8.0 * calls_per_week / weekly.sum() if weekly.sum() > 0 else float("nan"),
            calls_attended_per_year=result.calls_attended_per_year,
            expected_covered_per_year=result.expected_covered_per_year,
            target_min=float(vehicles["target_min"].max()) if len(vehicles) else float("nan"),
        )


_COUNT, _ONE_DP = ("{:,.0f}", "{:+,.0f}"), ("{:.1f}", "{:+.1f}")
_POINTS = ("{:.1f}", "{:+.1f} pp")
_KPI_ROWS: tuple[tuple[str, str, float, tuple[str, str]], ...] = (
    # label, PlanKpis attribute, scale, (value format, change format)
    ("Units", "units", 1.0, _COUNT),
    ("Unit hours on shift a week", "unit_hours_per_week", 1.0, _COUNT),
    ("Incidents a year", "incidents_per_year", 1.0, _COUNT),
    ("Geographic: incidents within target (%)", "coverage_geographic", 100.0, _POINTS),
    ("In hours: and a unit on shift (%)", "coverage_in_hours", 100.0, _POINTS),
    ("Expected: and a unit free (%)", "coverage_expected", 100.0, _POINTS),
    ("Expected: calls covered a year", "expected_covered_per_year", 1.0, _COUNT),
    ("Calls attended a year (fleet)", "calls_attended_per_year", 1.0, _COUNT),
    ("Fleet busy fraction (%)", "fleet_busy_fraction", 100.0, _POINTS),
    ("Population within target (%)", "population_share", 100.0, _POINTS),
    ("Mean response, nearest unit (min)", "mean_response_min", 1.0, _ONE_DP),
    ("Jobs per 8 hours (fleet; published about 7)", "jobs_per_8h", 1.0, _ONE_DP),
)


def kpi_table(
    before: PlanKpis, after: PlanKpis, *, labels: tuple[str, str] = ("Baseline", "With change")
) -> pd.DataFrame:
    """Put two sets of KPIs side by side with the change, display-ready, indexed by KPI name.

    Percentages are 0-100 with one decimal, as the Coverage page shows them. Incidents are a year
    when both data spans allow it (:data:`~jru_geo.optimise.planning.MIN_WEEKS_FOR_YEARLY`), else
    the count in the data.

    Parameters
    ----------
    before, after
        The KPIs of the baseline and of the changed fleet.
    labels
        Column names of the two (the second gets `` (2)`` when they are equal).

    Returns
    -------
    DataFrame
        One row per KPI (name with its unit), columns ``labels`` and ``Change``, formatted strings
        (``"n/a"`` where not finite).
    """
    yearly = before.incidents_per_year is not None and after.incidents_per_year is not None
    names: list[str] = []
    cells: tuple[list[str], list[str], list[str]] = ([], [], [])
    for label, attr, scale, (value_fmt, change_fmt) in _KPI_ROWS:
        if attr == "incidents_per_year" and not yearly:
            label, attr = "Incidents in the data", "incidents"
        old = scale * float(getattr(before, attr))
        new = scale * float(getattr(after, attr))
        names.append(label)
        for column, (pattern, value) in zip(
            cells, ((value_fmt, old), (value_fmt, new), (change_fmt, new - old)), strict=True
        ):
            column.append(_format(pattern, value))
    second = labels[1] if labels[1] != labels[0] else f"{labels[1]} (2)"
    return pd.DataFrame(
        {labels[0]: cells[0], second: cells[1], "Change": cells[2]},
        index=pd.Index(names, name="KPI"),
    )


def kpi_columns(kpis: Sequence[PlanKpis], labels: Sequence[str]) -> pd.DataFrame:
    """Put two to four scenarios' KPIs side by side, one column each, formatted as :func:`kpi_table`.

    Parameters
    ----------
    kpis
        The scenarios' KPIs, in the order to show.
    labels
        Their names (repeated names get `` (2)``, `` (3)``...).

    Returns
    -------
    DataFrame
        One row per KPI, one column per scenario (formatted strings; ``"n/a"`` where not finite).
        Incidents are a year when every data span allows it, else the count in the data.

    Raises
    ------
    PlanningError
        Fewer than two or more than four scenarios, or labels that do not match them.
    """
    if not 2 <= len(kpis) <= 4 or len(labels) != len(kpis):
        raise PlanningError(
            f"compare two to four scenarios with one label each, got {len(kpis)} and {len(labels)} labels"
        )
    yearly = all(k.incidents_per_year is not None for k in kpis)
    names: list[str] = []
    columns: list[list[str]] = [[] for _ in kpis]
    for label, attr, scale, (value_fmt, _change_fmt) in _KPI_ROWS:
        if attr == "incidents_per_year" and not yearly:
            label, attr = "Incidents in the data", "incidents"
        names.append(label)
        for column, k in zip(columns, kpis, strict=True):
            column.append(_format(value_fmt, scale * float(getattr(k, attr))))
    unique: list[str] = []
    for label in labels:
        n = sum(1 for u in unique if u == label or u.startswith(f"{label} ("))
        unique.append(label if n == 0 else f"{label} ({n + 1})")
    return pd.DataFrame(dict(zip(unique, columns, strict=True)), index=pd.Index(names, name="KPI"))


def coverage_long(kpis: Sequence[PlanKpis], labels: Sequence[str]) -> pd.DataFrame:
    """Give the three coverage figures of each scenario as rows, for a grouped bar chart.

    Returns
    -------
    DataFrame
        ``scenario, figure`` (``"Geographic"``, ``"In hours"``, ``"Expected"``) and ``percent`` (0-100).
    """
    rows = [
        {"scenario": label, "figure": figure, "percent": 100.0 * float(getattr(k, attr))}
        for k, label in zip(kpis, labels, strict=True)
        for figure, attr in (
            ("Geographic", "coverage_geographic"),
            ("In hours", "coverage_in_hours"),
            ("Expected", "coverage_expected"),
        )
    ]
    return pd.DataFrame(rows, columns=["scenario", "figure", "percent"])


def _format(pattern: str, value: float) -> str:
    """``value`` in ``pattern``; ``"n/a"`` when not finite, and no ``-0.0`` for a change that rounds to 0."""
    if not np.isfinite(value):
        return "n/a"
    text = pattern.format(value)
    return pattern.format(0.0) if set(text.removesuffix(" pp")) <= set("+-0.,") else text
