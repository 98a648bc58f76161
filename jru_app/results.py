"""Give the model's answers for one run: coverage, gaps, catchments, KPIs and recommendations.

Each is read from :mod:`jru_app.cache` for the :class:`~jru_app.data.AppData` of the run.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_app import cache, plan_cache, state
from jru_app.data import AppData, bases_for, today
from jru_app.page import escape_markdown
from jru_geo.areas.counts import count_without_hour, counts_by_hour_of_week
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.io.sources import format_day, incident_period
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.coverage.tonight import TonightView, night_slice, tonight
from jru_geo.model.patterns import parse_pattern
from jru_geo.optimise.kpis import PlanKpis, kpi_table
from jru_geo.optimise.planning import check_site, place_unit

if TYPE_CHECKING:
    from jru_geo.optimise.business_case import PlanBusinessCase
    from jru_geo.optimise.next_units import Rank, UnitPlan
    from jru_geo.viz import report

__all__ = [
    "coverage_result",
    "coverage_for",
    "coverage_gaps_for",
    "empty_note",
    "plan_kpis",
    "planned_scenario",
    "change_plan",
    "isochrones_for",
    "recommend_for",
    "recommendation_key",
    "summary_png",
    "tonight_for",
    "case_pack",
    "hour_of_week",
]


def coverage_for(data: AppData, sc: Scenario) -> CoverageResult:
    """Compute coverage of the filtered incidents by any scenario (cached).

    Every incident in the date range loads the units (``data.demand``); the filter's incidents are
    counted (``data.counted``) and the units' figures are for its hours (``data.week_hours``).

    Parameters
    ----------
    data
        The run's data (incidents, filter, assumptions).
    sc
        The fleet scenario.

    Returns
    -------
    CoverageResult
        Cached on the data key, the scenario's JSON and the assumptions. A Planner plan (the
        sidebar's fleet with units added) is computed on the baseline's cached travel matrix plus
        one column per added unit (:mod:`jru_app.plan_cache`), with the same figures.
    """
    if plan_cache.extends_baseline(data, sc):
        return plan_cache.plan_coverage(data, sc)
    return cache.coverage(
        data.demand_key, data.data_key, data.demand, data.counted, data.week_hours, sc, data.assumptions
    )


def coverage_result(data: AppData) -> CoverageResult:
    """Compute coverage of the filtered incidents by the sidebar's scenario (the Coverage page's figures).

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    CoverageResult
        :func:`coverage_for` the sidebar's scenario.
    """
    return coverage_for(data, data.scenario)


def empty_note(data: AppData) -> str | None:
    """Say why there is nothing to count and how to fix it, or None when some incidents pass.

    With no incident passing the filter every share would read "0.0%" and every mean "nan min";
    a page shows this note instead of its figures.

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    str or None
        Markdown (the filter in words escaped) when ``data.filtered`` is empty, else None.
    """
    if len(data.filtered):
        return None
    if len(data.loaded.joined) == 0:
        return (
            "**No incidents loaded**, so there is nothing to count. Load incident files on the "
            "**Data** page, or choose the demo year there."
        )
    excluded = data.month_precision_excluded
    if excluded and excluded >= len(data.demand):
        return (
            f"**Nothing to show for this day or hour filter.** The {excluded:,} incidents in these dates "
            "are dated only to the month (police.uk publishes the month, never the day or time), so a "
            "day-of-week or hour filter cannot place them. To fix it, set the sidebar's **Days of the "
            "week** back to all days and the hours to 00:00-24:00, or load files that carry a date and "
            "time (a CAD export or STATS19) on the **Data** page."
        )
    words = escape_markdown(data.filter_note)
    return (
        f"**No incidents match the filter** ({words}). To fix it, widen the sidebar's dates, days, "
        "hours, categories or districts."
    )


def coverage_gaps_for(data: AppData, result: CoverageResult) -> gpd.GeoDataFrame:
    """Rank LSOAs by demand not covered (not reached, out of hours, lost to busy units).

    Parameters
    ----------
    data
        The run's data.
    result
        The sidebar scenario's coverage (:func:`coverage_result`).

    Returns
    -------
    GeoDataFrame
        :func:`jru_geo.model.coverage.gaps.gaps_per_year`: ``uncovered_per_year`` for the map.
    """
    return cache.coverage_gaps_per_year(data.data_key, data.scenario, data.assumptions, result)


def plan_kpis(data: AppData, sc: Scenario) -> PlanKpis:
    """Read the planner KPIs of a scenario off its (cached) coverage, the Coverage page's engine.

    Parameters
    ----------
    data
        The run's data.
    sc
        The fleet scenario.

    Returns
    -------
    PlanKpis
        The KPIs.
    """
    return PlanKpis.from_coverage(coverage_for(data, sc))


def planned_scenario(base: Scenario, units: tuple[state.PlacedUnit, ...] | None = None) -> Scenario:
    """Add the units placed on the planner (or ``units``) to a scenario.

    Parameters
    ----------
    base
        The scenario to add to.
    units
        The placed units (default: the session's).

    Returns
    -------
    Scenario
        A new scenario with one more vehicle per placed unit, each with its own name, base,
        pattern, target and job time where given.

    Raises
    ------
    ScenarioError
        A placed unit lies outside Great Britain's National Grid, or has a bad pattern or time.
    """
    plan = base
    for unit in state.planned_units() if units is None else units:
        plan = place_unit(
            plan,
            easting=unit.easting,
            northing=unit.northing,
            lat=unit.lat,
            lon=unit.lon,
            name=unit.name,
            pattern=None if unit.pattern is None else parse_pattern(unit.pattern),
            target_min=unit.target_min,
            job_min=unit.job_min,
        )
    return plan


def change_plan(data: AppData, units: tuple[state.PlacedUnit, ...], changed: int | None) -> None:
    """Make ``units`` the plan if unit ``changed`` (an index) has a base on land in Kent, off others.

    Parameters
    ----------
    data
        The run's data (the baseline fleet and Kent's outline).
    units
        The whole new list of placed units.
    changed
        Index of the unit added or edited (checked against every other base), or None (a deletion).

    Raises
    ------
    PlanningError
        The changed unit's base is at sea, outside Kent or on top of another unit (the plan is kept
        as it was).
    ScenarioError
        A unit that cannot be placed at all (bad pattern, target or coordinates).
    """
    if changed is not None:
        plan = planned_scenario(data.scenario, units)
        xy = np.column_stack([bases_for(plan).geometry.x, bases_for(plan).geometry.y])
        row = len(data.scenario.vehicles) + changed
        check_site(xy[row, 0], xy[row, 1], outline=data.geo.outline, others=np.delete(xy, row, axis=0))
    state.set_planned_units(units)


def isochrones_for(
    sc: Scenario, cutoffs_min: tuple[float, ...], assumptions: ModelAssumptions
) -> gpd.GeoDataFrame:
    """Draw catchments of a scenario's bases at the cut-offs under the travel assumptions.

    Cached; the dispatch reach does not move a catchment.

    Parameters
    ----------
    sc
        The fleet scenario.
    cutoffs_min
        Travel-time cut-offs, minutes.
    assumptions
        The assumptions in force.

    Returns
    -------
    GeoDataFrame
        One polygon per base and cut-off.
    """
    return cache.isochrones(sc, cutoffs_min, assumptions.travel_only())


def recommend_for(
    data: AppData, sc: Scenario, *, k: int, patterns: tuple[str, ...], rank: Rank, grid: bool
) -> UnitPlan:
    """Recommend where and when the next ``k`` units go, on the engine of :func:`coverage_for`.

    Parameters
    ----------
    data
        The run's data (the demand, what is counted, the slice and the assumptions).
    sc
        The fleet scenario to add to.
    k
        New units to place.
    patterns
        Shift patterns to choose among (names or ``DAYS@HH:MM-HH:MM``).
    rank
        ``"gain"`` or ``"gain_per_crew_hour"``.
    grid
        Add a 2 km grid of sites to the candidate sites.

    Returns
    -------
    UnitPlan
        The picks (the engine's figures), the options checked and the curve.
    """
    return cache.recommend(
        data.demand_key,
        data.data_key,
        data.demand,
        data.counted,
        data.week_hours,
        sc,
        data.assumptions,
        k,
        patterns,
        rank,
        grid,
    )


def tonight_for(data: AppData, night: int, hour: int) -> TonightView:
    """Give the engine's figures for one hour of a night (the Tonight page).

    Every incident in the date range loads the units; those passing the sidebar's category and
    district filters are counted (its day and hour filter is replaced by the chosen hour).

    Parameters
    ----------
    data
        The run's data.
    night, hour
        The night (day 0-6) and clock hour (:func:`jru_geo.model.coverage.tonight.hour_of_night`).

    Returns
    -------
    TonightView
        Units on shift, busy probabilities, demand covered and not, next shift changes.
    """
    any_time = dataclasses.replace(data.flt, days=None, hours=None)
    kept, _ = cache.filtered(data.source_key, data.loaded.joined, any_time)
    counted = data.demand.index.isin(kept.index)
    hours = tuple(bool(h) for h in night_slice(night, hour))
    result = cache.coverage(
        data.demand_key,
        f"{data.source_key}|{any_time!r}",
        data.demand,
        counted,
        hours,
        data.scenario,
        data.assumptions,
    )
    return tonight(result, data.scenario, night, hour)


def case_pack(data: AppData, plan: Scenario, business: PlanBusinessCase) -> bytes:
    """Lay out the business-case pack (PDF) of a plan against the sidebar's scenario.

    Parameters
    ----------
    data
        The run's data (baseline scenario, assumptions, the data's provenance and period).
    plan
        The plan (the baseline with the new units).
    business
        Its business case, as the Planner shows it.

    Returns
    -------
    bytes
        The PDF (:func:`jru_geo.viz.pack.case_pack_pdf`).
    """
    from jru_app.model_view import travel_errors
    from jru_geo.viz.pack import PackContent, new_unit_lines, validity_notes  # matplotlib only for the pack

    whole_week = dataclasses.replace(data, week_hours=None)
    before, after = coverage_for(whole_week, data.scenario), coverage_for(whole_week, plan)
    kpis = kpi_table(
        PlanKpis.from_coverage(before), PlanKpis.from_coverage(after), labels=("Baseline", "Plan")
    )
    demand = data.demand
    period = incident_period(
        demand["time"], demand["time_precision"], demand["source"] if "source" in demand.columns else None
    )
    content = PackContent(
        plan_name=plan.name if plan.name != data.scenario.name else f"{plan.name} + new units",
        baseline_name=data.scenario.name,
        kpis=kpis,
        business=business,
        assumptions=(
            data.assumptions.describe(targets_min=[v.target_min for v in plan.vehicles]),
            "Business case: published figures and labelled assumptions, each named in the notes on page 2.",
        ),
        provenance=f"{data.loaded.source_note} Period: {period.text}. Figures over the whole week.",
        validity=validity_notes(travel_errors(), after.method),
        as_of=format_day(today()),
        synthetic=data.loaded.synthetic,
        new_units=new_unit_lines(
            plan, business.new_unit_ids, bases_for(plan), towns=data.geo.towns, postcodes=cache.postcodes()
        ),
    )
    return cache.case_pack_pdf(content, bases_for(plan))


def recommendation_key(data: AppData) -> tuple[object, ...]:
    """Give what a recommendation depends on: the assumptions, the scenario and the filter.

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    tuple
        Equal for two runs exactly when a recommendation made in one holds for the other.
    """
    return (data.assumptions, scenario_to_json(data.scenario), data.flt)


def summary_png(
    data: AppData,
    summary: report.Summary,
    table: pd.DataFrame,
    rates: pd.DataFrame,
    size: report.SummarySize = "web",
) -> bytes:
    """Draw the Overview's PNG export (cached on the figures it shows and the scenario).

    Parameters
    ----------
    data
        The run's data (its scenario's bases are drawn).
    summary, table, rates
        The figures the Overview shows.
    size
        ``"web"`` (1280x720) or ``"print"`` (2400x1350 at 200 dpi).

    Returns
    -------
    bytes
        The PNG.
    """
    return cache.summary_png(summary, table, rates, data.scenario, size, cache.current_area())


def hour_of_week(data: AppData) -> tuple[pd.DataFrame, int]:
    """Count the filtered incidents per hour of the week.

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    (DataFrame, int)
        :func:`jru_geo.areas.counts.counts_by_hour_of_week`, and the number of incidents left out
        of it because their time is known only to the month.
    """
    return counts_by_hour_of_week(data.filtered), count_without_hour(data.filtered)
