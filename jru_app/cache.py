"""The ``st.cache_data`` / ``st.cache_resource`` wrappers around jru_geo calls, and nothing else.

jru_geo stays free of streamlit; everything cached lives here, keyed on file bytes and parameters.
A :class:`~jru_geo.io.scenario.Scenario` is hashed by its JSON (``hash_funcs``), so a scenario is
passed as itself, never as a string to parse again. An argument whose name starts with ``_`` is not
hashed: the ``key`` argument before it stands for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from numpy.typing import NDArray

from jru_app import state
from jru_app.area_cache import (
    _districts,
    _lsoas,
    _outline,
    _postcodes,
    candidates,
    current_area,
    districts,
    lsoas,
    outline,
    postcodes,
    settings,
    settings_for,
    towns,
)
from jru_geo.areas.filters import DataExtent, IncidentFilter, data_extent, filter_incidents
from jru_geo.io.bases import resolve_bases
from jru_geo.io.incidents import IncidentFormat, ReadResult, read_incidents
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import load_scenario, scenario_to_json
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.patterns import parse_patterns
from jru_geo.model.travel.base import TravelModel
from jru_geo.settings import DEFAULT_SETTINGS

if TYPE_CHECKING:
    import folium
    import networkx as nx

    from jru_geo.model.coverage.result import CoverageResult
    from jru_geo.model.travel.calibrated import CalibratedModel
    from jru_geo.optimise.next_units import Rank, UnitPlan
    from jru_geo.viz import report
    from jru_geo.viz.pack import PackContent

# The engine (scipy), the maps (folium), the PNG/PDF exports (matplotlib) and the placement search are
# imported inside the functions that use them, so a page that needs none of them (Data) starts without them.

__all__ = [
    "current_area",
    "settings",
    "settings_for",
    "extent",
    "districts",
    "lsoas",
    "outline",
    "postcodes",
    "towns",
    "candidates",
    "demo_joined",
    "uploaded",
    "travel_model",
    "calibrated_fit",
    "shipped_scenario",
    "uploaded_scenario",
    "bases",
    "filtered",
    "coverage",
    "coverage_gaps_per_year",
    "summary_png",
    "heatmap_map",
    "isochrones",
    "recommend",
]

_BY_JSON: dict[str | type[Any], Callable[[Any], Any]] = {Scenario: scenario_to_json}
"""hash_funcs: a scenario is cached on its JSON."""

# --------------------------------------------------------------------------------------------------
# Incidents


@st.cache_resource(show_spinner="Generating the synthetic demo year...", max_entries=4)
def _demo_joined(seed: int, year: int, area: str) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    from jru_geo.areas import demo_year, join

    where = settings_for(area)
    joined = demo_year.committed_demo_year(seed=seed, year=year, area=area, settings=where)
    if joined is None:  # not the committed year, or its inputs changed: generate it (about 0.75 s for Kent)
        joined = demo_year.build_demo_year(
            seed=seed, year=year, settings=where, lsoas=_lsoas(area), districts=_districts(area)
        )
    return joined, join.join_summary(len(joined), joined, 0)


def demo_joined(seed: int, year: int, area: str | None = None) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Generate the synthetic demo incidents and join them to districts and LSOAs.

    Parameters
    ----------
    seed, year
        Of :func:`jru_geo.io.demo.demo_incidents`.
    area
        The area key; None: the session's (:func:`current_area`).

    Returns
    -------
    (GeoDataFrame, dict)
        The joined incidents and their :func:`jru_geo.areas.join.join_summary`.
    """
    return _demo_joined(seed, year, current_area() if area is None else area)


@st.cache_resource(show_spinner="Reading and joining the uploaded files...", max_entries=4)
def _uploaded(
    files: tuple[tuple[str, bytes], ...], fmt: IncidentFormat, area: str
) -> tuple[ReadResult, gpd.GeoDataFrame, dict[str, int]]:
    result = read_incidents(list(files), fmt=fmt, postcodes=_postcodes(area))
    from jru_geo.areas import join

    joined = join.assign_areas(result.incidents, _districts(area), _lsoas(area))
    return result, joined, join.join_summary(result.n_read, joined, len(result.rejects))


def uploaded(
    files: tuple[tuple[str, bytes], ...], fmt: IncidentFormat = "auto"
) -> tuple[ReadResult, gpd.GeoDataFrame, dict[str, int]]:
    """Read uploaded incident files and join them (cached on the bytes and the format).

    Parameters
    ----------
    files
        ``(file name, content)`` pairs.
    fmt
        Their format, or ``"auto"`` to detect it.

    Returns
    -------
    (ReadResult, GeoDataFrame, dict)
        What was read, the joined incidents and their :func:`jru_geo.areas.join.join_summary`.

    Raises
    ------
    IncidentFileError
        A file is not an incident file at all.
    """
    return _uploaded(files, fmt, current_area())


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered(source_key: str, _joined: gpd.GeoDataFrame, flt: IncidentFilter) -> tuple[gpd.GeoDataFrame, int]:
    """Apply the sidebar's filter (:func:`jru_geo.areas.filters.filter_incidents`).

    Parameters
    ----------
    source_key
        Stands for ``_joined``: the data source and its bytes.
    _joined
        The joined incidents.
    flt
        The filter.

    Returns
    -------
    (GeoDataFrame, int)
        The incidents that pass, and how many were left out only because their day or hour is unknown.
    """
    result = filter_incidents(_joined, flt)
    return result.incidents, result.month_precision_excluded


@st.cache_resource(show_spinner=False, max_entries=8)
def extent(source_key: str, _joined: gpd.GeoDataFrame) -> DataExtent:
    """Give the data's extent (dates, categories; :func:`jru_geo.areas.filters.data_extent`), once per source.

    Parameters
    ----------
    source_key
        Stands for ``_joined``: the data source and its bytes.
    _joined
        The joined incidents.

    Returns
    -------
    DataExtent
        First and last dates and the categories present.
    """
    return data_extent(_joined)


# --------------------------------------------------------------------------------------------------
# Scenarios and travel


@st.cache_resource(show_spinner=False)
def shipped_scenario(file_name: str) -> Scenario:
    """Load a scenario shipped in the scenarios folder.

    Parameters
    ----------
    file_name
        Its file name in :attr:`jru_geo.settings.Settings.scenarios_dir`.

    Returns
    -------
    Scenario
        The scenario.
    """
    return load_scenario(DEFAULT_SETTINGS.scenarios_dir / file_name)  # shipped for every area


@st.cache_resource(show_spinner=False, max_entries=8)
def uploaded_scenario(name: str, data: bytes) -> Scenario:
    """Parse an uploaded scenario file.

    Parameters
    ----------
    name, data
        Its file name (which tells JSON from YAML) and content.

    Returns
    -------
    Scenario
        The scenario.

    Raises
    ------
    ScenarioError
        The file is not a valid scenario.
    """
    return load_scenario((name, data))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=_BY_JSON)
def _bases(sc: Scenario, area: str) -> gpd.GeoDataFrame:
    return resolve_bases(sc, postcodes=_postcodes(area))


def bases(sc: Scenario) -> gpd.GeoDataFrame:
    """Resolve the vehicle bases of a scenario (:func:`jru_geo.io.bases.resolve_bases`).

    Parameters
    ----------
    sc
        The scenario (cached on its JSON).

    Returns
    -------
    GeoDataFrame
        One point per vehicle, EPSG:27700.
    """
    return _bases(sc, current_area())


@st.cache_resource(show_spinner="Fitting the travel-time model...", max_entries=8)
def _calibrated_fit(area: str) -> CalibratedModel:
    from jru_geo.model.travel.factory import default_calibrated  # scipy.spatial

    return default_calibrated(settings=settings_for(area))


@st.cache_resource(show_spinner="Loading the road network (first time only)...", max_entries=1)
def _road_graph(path: str, mtime: float) -> nx.MultiDiGraph:
    from jru_geo.model.travel import network  # scipy.sparse

    return network.load_graph(Path(path))


@st.cache_resource(show_spinner="Building the travel-time model...", max_entries=8)
def _travel_model(
    assumptions: ModelAssumptions, graph_file: tuple[str, float] | None, area: str
) -> TravelModel:
    from jru_geo.model.travel.factory import build_travel_model

    if assumptions.travel_mode == "network":
        graph = _road_graph(*graph_file) if graph_file is not None else None
        return build_travel_model(assumptions, graph=graph, settings=settings_for(area))
    return build_travel_model(assumptions, calibrated=_calibrated_fit(area), settings=settings_for(area))


def calibrated_fit() -> CalibratedModel:
    """Give the session area's fitted calibrated travel model (cached; the one :func:`travel_model` uses)."""
    return _calibrated_fit(current_area())


def travel_model(assumptions: ModelAssumptions, area: str | None = None) -> TravelModel:
    """Build the travel model the assumptions describe (cached).

    :func:`jru_geo.model.travel.factory.build_travel_model`, cached on the travel assumptions and the
    area alone and, for the road network, on the graph file and its modification time.

    Parameters
    ----------
    assumptions
        The model's assumptions.
    area
        The area key; None: the session's (:func:`current_area`).

    Returns
    -------
    TravelModel
        The model, shared by every session that uses the same assumptions.
    """
    graph_file = None
    if assumptions.travel_mode == "network" and state.network_available():
        from jru_geo.model.travel import network

        path = Path(network.DEFAULT_GRAPH_PATH)
        graph_file = (str(path), path.stat().st_mtime)
    return _travel_model(assumptions.travel_only(), graph_file, current_area() if area is None else area)


# --------------------------------------------------------------------------------------------------
# The model's answers


@st.cache_resource(
    show_spinner="Computing coverage (shifts and busy units)...", max_entries=32, hash_funcs=_BY_JSON
)
def coverage(
    key: str,
    counted_key: str,
    _incidents: gpd.GeoDataFrame,
    _counted: NDArray[np.bool_],
    week_hours: tuple[bool, ...] | None,
    sc: Scenario,
    assumptions: ModelAssumptions,
) -> CoverageResult:
    """Compute coverage (:func:`jru_geo.model.coverage.engine.compute_coverage`).

    Parameters
    ----------
    key
        Stands for ``_incidents``: the data source and the date range.
    counted_key
        Stands for ``_counted``: the data source and the whole filter.
    _incidents
        Every incident that loads the units.
    _counted
        Which of them the figures count.
    week_hours
        The hours of the week the units' figures are for (None: the whole week).
    sc
        The fleet scenario (cached on its JSON).
    assumptions
        Travel model, dispatch reach and JRU share of the incidents.

    Returns
    -------
    CoverageResult
        The engine's answer.
    """
    from jru_geo.model.coverage.engine import compute_coverage

    return compute_coverage(
        _incidents,
        sc,
        travel_model(assumptions),
        postcodes=postcodes(),
        lsoas=lsoas(),
        dispatch_reach_min=assumptions.dispatch_reach_min,
        demand_scale=assumptions.demand_share,
        bases=bases(sc),
        counted=_counted,
        week_slice=None if week_hours is None else np.array(week_hours, dtype=bool),
    )


@st.cache_resource(show_spinner="Ranking the gaps...", max_entries=16, hash_funcs=_BY_JSON)
def coverage_gaps_per_year(
    key: str, sc: Scenario, assumptions: ModelAssumptions, _result: CoverageResult
) -> gpd.GeoDataFrame:
    """Rank the LSOAs by demand not covered (:func:`jru_geo.model.coverage.gaps.gaps_per_year`).

    Parameters
    ----------
    key, sc, assumptions
        Stand for ``_result``: the data, the scenario (cached on its JSON) and the assumptions.
    _result
        The coverage to find the gaps of.

    Returns
    -------
    GeoDataFrame
        LSOAs with uncovered demand, a year, and the main reason in words.
    """
    from jru_geo.model.coverage.gaps import coverage_gaps, gaps_per_year

    _grid, lsoa_gaps = coverage_gaps(_result, lsoas=lsoas())
    return gaps_per_year(lsoa_gaps)


@st.cache_data(show_spinner="Drawing the summary...", max_entries=16, hash_funcs=_BY_JSON)
def summary_png(
    summary: report.Summary,
    table: pd.DataFrame,
    rates: pd.DataFrame,
    sc: Scenario,
    size: report.SummarySize = "web",
    area: str = "",
) -> bytes:
    """Draw the Overview's PNG export (:func:`jru_geo.viz.report.summary_png`).

    Parameters
    ----------
    summary, table, rates
        The figures the Overview shows.
    sc
        The fleet scenario whose bases are drawn (cached on its JSON).
    size
        ``"web"`` (1280x720) or ``"print"`` (2400x1350 at 200 dpi).
    area
        Stands for the area drawn (the session's; :func:`summary_png_for` fills it in).

    Returns
    -------
    bytes
        The PNG.
    """
    from jru_geo.viz import report

    return report.summary_png(
        summary, table, districts(), bases(sc), outline=outline(), towns=towns(), rates=rates, size=size
    )


@st.cache_resource(show_spinner="Building the map...", max_entries=8)
def _heatmap_map(
    key: str,
    _incidents: gpd.GeoDataFrame,
    _rates: pd.DataFrame,
    squares: bool,
    tiles: bool,
    assets_url: str,
    area: str,
) -> folium.Map:
    from jru_geo.viz import maps

    return maps.heatmap_map(
        _incidents,
        districts(),  # the session's area, which ``area`` keys
        _rates,
        outline=outline(),
        towns=towns(),
        tiles=tiles,
        assets_url=assets_url,
        squares=squares,
    )


def heatmap_map(
    key: str, incidents: gpd.GeoDataFrame, rates: pd.DataFrame, *, squares: bool, tiles: bool, assets_url: str
) -> folium.Map:
    """Build the Heatmap page's map (:func:`jru_geo.viz.maps.heatmap_map`) once per data, filter and options.

    ``key`` stands for ``incidents`` and ``rates`` (the data source, its bytes and the filter). A
    folium map cannot be pickled (its style functions are lambdas), so it is kept as a resource and
    each call gets its own copy (:func:`jru_geo.viz.leaflet.copy_map`, sharing the layers' data):
    ``st_folium`` changes the map it draws, and sessions must not draw one object at once.
    """
    from jru_geo.viz.leaflet import copy_map

    return copy_map(_heatmap_map(key, incidents, rates, squares, tiles, assets_url, current_area()))


@st.cache_resource(show_spinner="Drawing catchments...", max_entries=16, hash_funcs=_BY_JSON)
def _isochrones(
    sc: Scenario, cutoffs_min: tuple[float, ...], assumptions: ModelAssumptions, area: str
) -> gpd.GeoDataFrame:
    from jru_geo.model.travel.isochrones import isochrones as draw

    return draw(travel_model(assumptions), _bases(sc, area), list(cutoffs_min), clip=_outline(area))


def isochrones(
    sc: Scenario, cutoffs_min: tuple[float, ...], assumptions: ModelAssumptions
) -> gpd.GeoDataFrame:
    """Draw catchments of a scenario's bases (:func:`jru_geo.model.travel.isochrones.isochrones`).

    Parameters
    ----------
    sc
        The fleet scenario (cached on its JSON).
    cutoffs_min
        Travel-time cut-offs, minutes.
    assumptions
        The travel assumptions (pass ``travel_only()``: the reach does not move a catchment).

    Returns
    -------
    GeoDataFrame
        One polygon per base and cut-off, clipped to the area.
    """
    return _isochrones(sc, cutoffs_min, assumptions, current_area())


@st.cache_resource(
    show_spinner="Screening sites and checking the best with the coverage engine...",
    max_entries=16,
    hash_funcs=_BY_JSON,
)
def recommend(
    key: str,
    counted_key: str,
    _incidents: gpd.GeoDataFrame,
    _counted: NDArray[np.bool_],
    week_hours: tuple[bool, ...] | None,
    sc: Scenario,
    assumptions: ModelAssumptions,
    k: int,
    patterns: tuple[str, ...],
    rank: Rank,
    grid: bool,
) -> UnitPlan:
    """Recommend where and when the next ``k`` units go (:func:`jru_geo.optimise.next_units.recommend_units`).

    Parameters
    ----------
    key, counted_key, _incidents, _counted, week_hours, sc, assumptions
        As for :func:`coverage`: the demand, what is counted, the slice, the fleet and assumptions.
    k
        New units to place.
    patterns
        Shift pattern texts (:func:`jru_geo.model.patterns.parse_patterns`).
    rank
        ``"gain"`` or ``"gain_per_crew_hour"``.
    grid
        Add a 2 km grid of sites to the candidate sites.

    Returns
    -------
    UnitPlan
        The picks, the options checked and the engine's curve.
    """
    from jru_geo.optimise.next_units import recommend_units
    from jru_geo.optimise.planning import candidate_table

    cands = candidate_table("both" if grid else "sites", outline=outline(), sites=candidates(), cell_m=2000.0)
    return recommend_units(
        _incidents,
        sc,
        travel_model(assumptions),
        cands,
        lsoas=lsoas(),
        k=k,
        patterns=parse_patterns(list(patterns)),
        rank=rank,
        counted=_counted,
        week_slice=None if week_hours is None else np.array(week_hours, dtype=bool),
        dispatch_reach_min=assumptions.dispatch_reach_min,
        demand_scale=assumptions.demand_share,
        postcodes=postcodes(),
        bases=bases(sc),
    )


def case_pack_pdf(content: PackContent, plan_bases: gpd.GeoDataFrame) -> bytes:
    """Lay out the business-case pack (:func:`jru_geo.viz.pack.case_pack_pdf`) on the embedded geography.

    Not cached: it is drawn once per click, from figures that are.

    Parameters
    ----------
    content
        The pack's figures and sentences.
    plan_bases
        The plan's resolved bases.

    Returns
    -------
    bytes
        The PDF.
    """
    from jru_geo.viz import pack

    return pack.case_pack_pdf(content, districts=districts(), bases=plan_bases, outline=outline())
