"""The Planner's plan coverage, built on the baseline's travel matrix plus one column per placed unit.

A map click adds one unit to the sidebar's fleet. Instead of asking the travel model again for every
base, the baseline fleet's ``(n_incidents, n_vehicles)`` matrix is cached once per data, fleet and
travel assumptions, each placed unit's column once per base, and the engine
(:func:`jru_geo.model.coverage.engine.compute_coverage`) gets the two side by side as ``travel_min``:
the same minutes it would compute itself, so the same figures (``tests/app/test_plan_click.py``).

The same columns give the click's preview (:func:`click_preview`): the share of incidents within
target with and without the unit, straight from the minutes (:func:`jru_geo.optimise.placement.what_if`),
shown before the engine has run. Before even that, the map's own quick look (:func:`quick_look`)
shows the share with one more unit in the clicked square, worked out for every square beforehand
(:mod:`jru_geo.optimise.preview`), the moment the map is clicked.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st
from numpy.typing import NDArray

from jru_app import cache
from jru_app.area_cache import _lsoas, _outline
from jru_app.data import AppData
from jru_geo._crs import to_bng
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.travel.matrix import distinct_points, travel_matrix
from jru_geo.optimise.placement import what_if
from jru_geo.optimise.planning import place_unit
from jru_geo.optimise.preview import GridPreview, ReachGrid, grid_preview, lsoa_index, reach_grid

if TYPE_CHECKING:
    import geopandas as gpd

    from jru_geo.model.coverage.result import CoverageResult

__all__ = [
    "ClickPreview",
    "extends_baseline",
    "plan_coverage",
    "plan_minutes",
    "click_preview",
    "quick_look",
    "warm_reach_grid",
]

FloatArray = NDArray[np.float64]
_BY_JSON: dict[Any, Any] = {Scenario: scenario_to_json}


@dataclasses.dataclass(frozen=True)
class ClickPreview:
    """Incidents within target with and without one unit, read off the travel minutes.

    Attributes
    ----------
    unit
        The unit's name.
    without_pct, with_pct
        Geographic coverage (%) of the counted incidents without and with the unit; ``with_pct`` is
        the KPI table's Geographic figure for the plan.
    expected_pct
        A rough expected coverage (%) with the unit: each incident covered unless every unit in
        reach is busy, every unit busy the baseline's fleet busy fraction of the time (MEXCLP).
    busy_pct
        That busy fraction (%).
    """

    unit: str
    without_pct: float
    with_pct: float
    expected_pct: float
    busy_pct: float


def _distinct_xy(incidents: gpd.GeoDataFrame) -> tuple[FloatArray, NDArray[np.int64]] | None:
    """Each distinct incident point once (EPSG:27700 metres) and each incident's index among them."""
    return distinct_points(to_bng(incidents, what="incidents"))


def _minutes(assumptions: ModelAssumptions, incidents: gpd.GeoDataFrame, bases_xy: FloatArray) -> FloatArray:
    """Travel minutes from ``bases_xy`` to every incident, the model asked once per distinct point."""
    model = cache.travel_model(assumptions)
    distinct = _distinct_xy(incidents)
    if distinct is None:  # the engine's own checks say what is wrong with the geometry
        return travel_matrix(model, points=incidents, bases=bases_xy)
    xy, where = distinct
    return np.ascontiguousarray(travel_matrix(model, points=xy, bases=bases_xy)[where])


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=_BY_JSON)
def _fleet_minutes(
    key: str, area: str, sc: Scenario, travel: ModelAssumptions, _incidents: gpd.GeoDataFrame
) -> FloatArray:
    """Compute the baseline fleet's matrix (``key`` and ``area`` stand for ``_incidents``)."""
    bases = cache.bases(sc)
    return _minutes(travel, _incidents, np.column_stack([bases.geometry.x, bases.geometry.y]))


@st.cache_resource(show_spinner=False, max_entries=64)
def _unit_minutes(
    key: str,
    area: str,
    easting: float,
    northing: float,
    travel: ModelAssumptions,
    _incidents: gpd.GeoDataFrame,
) -> FloatArray:
    """Compute one placed unit's column (``key`` and ``area`` stand for ``_incidents``)."""
    return _minutes(travel, _incidents, np.array([[easting, northing]]))[:, 0]


def extends_baseline(data: AppData, sc: Scenario) -> bool:
    """Tell whether ``sc`` is the sidebar's fleet with units added after it (the Planner's plan).

    Parameters
    ----------
    data
        The run's data.
    sc
        A fleet scenario.

    Returns
    -------
    bool
        True when ``sc`` starts with every vehicle of ``data.scenario``, unchanged, and has more.
    """
    n = len(data.scenario.vehicles)
    return len(sc.vehicles) > n and tuple(sc.vehicles[:n]) == tuple(data.scenario.vehicles)


def plan_minutes(data: AppData, plan: Scenario) -> FloatArray:
    """Travel minutes from every base of a plan to every incident that loads the units.

    Parameters
    ----------
    data
        The run's data.
    plan
        The sidebar's fleet with units added (:func:`extends_baseline`).

    Returns
    -------
    numpy.ndarray
        ``(len(data.demand), len(plan.vehicles))``: the baseline's cached columns, then one cached
        column per added unit.
    """
    travel = data.assumptions.travel_only()
    area = cache.current_area()
    fleet = _fleet_minutes(data.demand_key, area, data.scenario, travel, data.demand)
    added = cache.bases(plan).iloc[len(data.scenario.vehicles) :]
    columns = [
        _unit_minutes(data.demand_key, area, float(p.x), float(p.y), travel, data.demand)
        for p in added.geometry
    ]
    return np.column_stack([fleet, *columns])


@st.cache_resource(
    show_spinner="Computing coverage (shifts and busy units)...", max_entries=32, hash_funcs=_BY_JSON
)
def _plan_coverage(
    key: str,
    counted_key: str,
    week_hours: tuple[bool, ...] | None,
    plan: Scenario,
    assumptions: ModelAssumptions,
    _data: AppData,
) -> CoverageResult:
    from jru_geo.model.coverage.engine import compute_coverage

    return compute_coverage(
        _data.demand,
        plan,
        cache.travel_model(assumptions),
        postcodes=cache.postcodes(),
        lsoas=cache.lsoas(),
        dispatch_reach_min=assumptions.dispatch_reach_min,
        demand_scale=assumptions.demand_share,
        bases=cache.bases(plan),
        travel_min=plan_minutes(_data, plan),
        counted=_data.counted,
        week_slice=None if week_hours is None else np.array(week_hours, dtype=bool),
    )


def plan_coverage(data: AppData, plan: Scenario) -> CoverageResult:
    """Compute a plan's coverage on the baseline's travel matrix (cached), as from scratch.

    Parameters
    ----------
    data
        The run's data (incidents, filter, assumptions, the sidebar's fleet).
    plan
        The sidebar's fleet with units added (:func:`extends_baseline`).

    Returns
    -------
    CoverageResult
        The engine's answer, equal to :func:`jru_app.cache.coverage` of the plan.
    """
    return _plan_coverage(data.demand_key, data.data_key, data.week_hours, plan, data.assumptions, data)


def click_preview(data: AppData, plan: Scenario, unit: int, busy_fraction: float) -> ClickPreview:
    """Preview a placed unit's effect from the travel minutes alone, before the engine runs.

    Parameters
    ----------
    data
        The run's data.
    plan
        The sidebar's fleet with units added (:func:`extends_baseline`).
    unit
        Index of the placed unit (0 = the first one added).
    busy_fraction
        Share of the time a unit is busy, for the rough expected figure (the baseline's fleet busy
        fraction).

    Returns
    -------
    ClickPreview
        The geographic coverage without and with the unit, and a rough expected coverage.
    """
    minutes = plan_minutes(data, plan)[data.counted]
    target = np.array([v.target_min for v in plan.vehicles], dtype=np.float64)
    column = len(data.scenario.vehicles) + unit
    own = float(target[column])
    # each unit within its own target: 0 min when it is, beyond the unit's target when not
    within = np.where(minutes <= target[None, :], 0.0, own + 1.0)
    others = np.delete(within, column, axis=1)
    weights = np.ones(len(minutes))
    geo = what_if(within[:, column], weights=weights, existing_min=others, target_min=own)
    rough = what_if(
        within[:, column],
        weights=weights,
        existing_min=others,
        target_min=own,
        objective="mexclp",
        busy_fraction=min(max(busy_fraction, 0.0), 0.99),
    )
    total = max(len(minutes), 1)
    return ClickPreview(
        unit=plan.vehicles[column].name,
        without_pct=100 * geo.before / total,
        with_pct=100 * geo.after / total,
        expected_pct=100 * rough.after / total,
        busy_pct=100 * busy_fraction,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _reach_grid(
    area: str,
    travel: ModelAssumptions,
    target_min: float,
    _outline: gpd.GeoDataFrame,
    _lsoas: gpd.GeoDataFrame,
) -> ReachGrid:
    """Lay the quick look's squares over the area (``area`` stands for ``_outline`` and ``_lsoas``)."""
    return reach_grid(_outline, _lsoas, cache.travel_model(travel, area), target_min=target_min)


def _new_unit_target(plan: Scenario, lsoas: gpd.GeoDataFrame) -> float:
    """Give the response target (minutes) of the next unit placed on ``plan`` (:func:`place_unit`)."""
    first = lsoas.iloc[0]
    probe = place_unit(plan, easting=float(first["centroid_e"]), northing=float(first["centroid_n"]))
    return float(probe.vehicles[-1].target_min)


def warm_reach_grid(area: str, travel: ModelAssumptions, plan: Scenario) -> None:
    """Lay an area's quick-look squares into the cache, as :func:`quick_look` does for ``plan``.

    Parameters
    ----------
    area
        The area key (its outline and LSOAs as :mod:`jru_app.area_cache` caches them).
    travel
        The travel assumptions (:meth:`~jru_geo.model.assumptions.ModelAssumptions.travel_only`).
    plan
        The fleet the next unit is placed on (its target is the new unit's).
    """
    lsoas = _lsoas(area)
    if not lsoas.empty:
        _reach_grid(area, travel, _new_unit_target(plan, lsoas), _outline(area), lsoas)


def quick_look(data: AppData, plan: Scenario) -> GridPreview | None:
    """Give the share within target now and with one more unit in each square of the area.

    Parameters
    ----------
    data
        The run's data (the counted incidents, the area's outline and LSOAs, the assumptions).
    plan
        The sidebar's fleet, or the fleet with units added (:func:`extends_baseline`): the next
        click adds one more unit, with the shifts and target :func:`jru_geo.optimise.planning.place_unit`
        gives it.

    Returns
    -------
    GridPreview or None
        None when no incident is counted or the LSOA table is empty.
    """
    lsoas = data.geo.lsoas
    if not data.counted.any() or lsoas.empty:
        return None
    if plan != data.scenario and not extends_baseline(data, plan):
        return None
    grid = _reach_grid(
        cache.current_area(),
        data.assumptions.travel_only(),
        _new_unit_target(plan, lsoas),
        data.geo.outline,
        lsoas,
    )
    minutes = plan_minutes(data, plan)[data.counted]
    target = np.array([v.target_min for v in plan.vehicles], dtype=np.float64)
    missed = np.asarray(~(minutes <= target[None, :]).any(axis=1), dtype=np.bool_)
    return grid_preview(grid, lsoa_index(data.demand[data.counted], lsoas), missed)
