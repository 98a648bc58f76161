"""Name every ``st.session_state`` key of the dashboard, and read and write them with types.

Each key is a constant with a comment on what it holds.

The bottom of the app edge: it imports only streamlit and jru_geo. Widget keys are listed here too,
since their values are read back (the filter, the assumptions) or kept across pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import streamlit as st

from jru_geo.areas.filters import IncidentFilter
from jru_geo.io.boundaries import DISTRICT_NAMES
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.incidents import IncidentFormat
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, ModelAssumptions
from jru_geo.model.travel import network
from jru_geo.optimise.next_units import UnitPlan

__all__ = [
    "A_FACTOR",
    "A_REACH",
    "A_SHARE",
    "A_SPEED",
    "A_TRAVEL",
    "ASSUMPTION_KEYS",
    "DEMO_SOURCE",
    "F_CATEGORIES",
    "F_DATES",
    "F_DAYS",
    "F_DISTRICTS",
    "F_HOUR_FROM",
    "F_HOUR_TO",
    "F_SOURCE_CATEGORIES",
    "FILTER_KEYS",
    "PENDING_PAGE",
    "PERSISTENT_KEYS",
    "PLAN_LAST_CLICK",
    "PLAN_SITE",
    "PLANNED",
    "REACH_TARGET",
    "RECOMMENDATION",
    "ROUTED",
    "SCENARIO_CHOICE",
    "SCENARIO_ERROR",
    "SCENARIO_UPLOAD",
    "SOURCE",
    "SOURCES",
    "TILES",
    "UPL_FORMAT",
    "UPL_INCIDENTS",
    "UPL_SCENARIO",
    "UPLOAD_ERROR",
    "UPLOAD_FORMAT",
    "UPLOAD_SOURCE",
    "UPLOADED_SCENARIO",
    "UPLOADS",
    "PlacedUnit",
    "Recommendation",
    "add_planned_unit",
    "clear_planned_units",
    "current_assumptions",
    "current_filter",
    "keep_recommendation",
    "last_recommendation",
    "network_available",
    "planned_units",
    "scenario_choice",
    "scenario_upload",
    "tiles_enabled",
    "upload_format",
    "uploads",
    "uses_uploads",
]

# --------------------------------------------------------------------------------------------------
# Non-widget state that must survive page changes

UPLOADS = "jru_uploads"  # tuple[(name, bytes), ...] of the usable incident files uploaded
UPLOAD_ERROR = "jru_upload_error"  # str | None: message of the last unusable incident upload
UPLOAD_FORMAT = "jru_upload_fmt"  # IncidentFormat the uploads were read with
SCENARIO_UPLOAD = "jru_scenario_upload"  # (name, bytes) | None: the usable scenario uploaded
SCENARIO_ERROR = "jru_scenario_error"  # str | None: message of the last unusable scenario upload
ROUTED = "jru_routed"  # True once app.py has routed this session through st.navigation
PENDING_PAGE = "jru_pending_page"  # str: a page opened bare (relative path), to return to after routing
PLANNED = "jru_planned_units"  # tuple[PlacedUnit, ...]: the new units placed on the planner
RECOMMENDATION = "jru_recommendation"  # Recommendation | None: the planner's last recommendation
PLAN_LAST_CLICK = "plan_last_click"  # dict | None: the last planner-map click already turned into a unit

# --------------------------------------------------------------------------------------------------
# Widget keys of the sidebar (kept across pages by jru_app.sidebar.keep_state)

SOURCE = "source"  # radio: one of SOURCES, where the incidents come from
SCENARIO_CHOICE = "scenario_choice"  # selectbox: label of the fleet scenario (see data.scenario_choices)
TILES = "tiles"  # toggle: web map tiles on the maps
F_DATES = "f_dates"  # date_input: (first, last) day shown
F_DAYS = "f_days"  # multiselect: day names (jru_geo.areas.filters.DAY_NAMES)
F_HOUR_FROM = "f_hour_from"  # selectbox: first hour shown, 0-23
F_HOUR_TO = "f_hour_to"  # selectbox: hour the window ends, 1-24
F_CATEGORIES = "f_categories"  # multiselect: category labels (jru_geo.io.categories.CATEGORIES)
F_DISTRICTS = "f_districts"  # multiselect: district names (jru_geo.io.boundaries.DISTRICT_NAMES)
F_SOURCE_CATEGORIES = "f_source_categories"  # multiselect: the source's own labels (source_category)
FILTER_KEYS = (F_DATES, F_DAYS, F_HOUR_FROM, F_HOUR_TO, F_CATEGORIES, F_DISTRICTS, F_SOURCE_CATEGORIES)

A_TRAVEL = "a_travel"  # radio: travel mode, "calibrated" | "straight" | "network"
A_SPEED = "a_speed_kmh"  # number_input: straight-line speed, km/h
A_FACTOR = "a_blue_light"  # slider: blue-light factor (calibrated and network models)
A_REACH = "a_reach"  # select_slider: dispatch reach in minutes, or REACH_TARGET for each unit's target
A_SHARE = "a_demand_share"  # number_input: share (0-1] of the incidents that are JRU calls
ASSUMPTION_KEYS = (A_TRAVEL, A_SPEED, A_FACTOR, A_REACH, A_SHARE)
REACH_TARGET = "target"  # the A_REACH value meaning "each unit's own response target"

PERSISTENT_KEYS = (SOURCE, SCENARIO_CHOICE, TILES, *FILTER_KEYS, *ASSUMPTION_KEYS)
"""Widget keys whose values must survive a page that does not draw the sidebar."""

# Widget keys of the Data and Planner pages that the app edge reads back
UPL_INCIDENTS = "upl_incidents"  # file_uploader: incident CSV files
UPL_FORMAT = "upl_format"  # selectbox: IncidentFormat to read them with
UPL_SCENARIO = "upl_scenario"  # file_uploader: a scenario file
PLAN_SITE = "plan_site"  # selectbox: a candidate site to place a unit at

DEMO_SOURCE = "Demo data (synthetic)"
UPLOAD_SOURCE = "Uploaded files"
SOURCES = (DEMO_SOURCE, UPLOAD_SOURCE)
"""The SOURCE radio's choices."""

UPLOADED_SCENARIO = "__upload__"
"""The scenario choice value that stands for the uploaded scenario (see data.scenario_choices)."""


@dataclass(frozen=True)
class PlacedUnit:
    """A new unit placed on the planner, at a grid point or at a map click.

    Parameters
    ----------
    name
        The unit's name in the plan.
    easting, northing
        EPSG:27700 metres (a candidate or recommended site), or None.
    lat, lon
        WGS84 degrees (a map click), or None.
    pattern
        Its shift pattern (a name or ``DAYS@HH:MM-HH:MM`` of :mod:`jru_geo.model.patterns`), or
        None to copy the first unit's shifts.
    """

    name: str
    easting: float | None = None
    northing: float | None = None
    lat: float | None = None
    lon: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Recommendation:
    """The planner's last recommendation and what it was made for.

    Parameters
    ----------
    result
        The recommendation (:func:`jru_geo.optimise.next_units.recommend_units`): picks, options
        checked and the engine's curve; ``result.objective`` is what it maximised.
    made_for
        The assumptions, scenario and filter it was made under; it is shown only while they hold.
    """

    result: UnitPlan
    made_for: tuple[object, ...]


# --------------------------------------------------------------------------------------------------
# Readers and writers


def network_available() -> bool:
    """Tell whether a drive graph has been downloaded (``python -m jru_geo roads download``).

    Returns
    -------
    bool
        True when the graph file exists.
    """
    return Path(network.DEFAULT_GRAPH_PATH).is_file()


def current_filter() -> IncidentFilter:
    """Read the filter the sidebar widgets describe (empty while they have not been shown).

    Returns
    -------
    IncidentFilter
        The filter, widget labels turned into codes.
    """
    state = st.session_state
    return IncidentFilter.from_labels(
        dates=state.get(F_DATES),
        days=state.get(F_DAYS),
        hours=(state.get(F_HOUR_FROM, 0), state.get(F_HOUR_TO, 24)),
        categories=state.get(F_CATEGORIES),
        districts=state.get(F_DISTRICTS),
        source_categories=state.get(F_SOURCE_CATEGORIES),
        category_labels=CATEGORIES,
        district_labels=DISTRICT_NAMES,
    )


def current_assumptions() -> ModelAssumptions:
    """Read the assumptions the sidebar's Assumptions section describes (defaults until it is shown).

    The road network falls back to the calibrated model while no graph has been downloaded.

    Returns
    -------
    ModelAssumptions
        The assumptions, normalised.
    """
    state = st.session_state
    mode = state.get(A_TRAVEL, DEFAULT_ASSUMPTIONS.travel_mode)
    if mode == "network" and not network_available():
        mode = "calibrated"
    reach = state.get(A_REACH, REACH_TARGET)
    return ModelAssumptions(
        mode,
        speed_kmh=float(state.get(A_SPEED, DEFAULT_ASSUMPTIONS.speed_kmh)),
        blue_light_factor=float(state.get(A_FACTOR, DEFAULT_ASSUMPTIONS.blue_light_factor)),
        dispatch_reach_min=None if reach == REACH_TARGET or reach is None else float(reach),
        demand_share=float(state.get(A_SHARE, DEFAULT_ASSUMPTIONS.demand_share)),
    ).normalised()


def uploads() -> tuple[tuple[str, bytes], ...]:
    """Read the usable incident files uploaded so far.

    Returns
    -------
    tuple of (str, bytes)
        ``(file name, content)`` pairs, empty when there are none.
    """
    return tuple(st.session_state.get(UPLOADS) or ())


def upload_format() -> IncidentFormat:
    """Read the format the uploads were read with.

    Returns
    -------
    IncidentFormat
        ``"auto"`` until files have been uploaded.
    """
    return cast(IncidentFormat, st.session_state.get(UPLOAD_FORMAT, "auto"))


def uses_uploads() -> bool:
    """Tell whether the sidebar's data source is the uploaded files (and there are some).

    Returns
    -------
    bool
        True when the pages show uploaded incidents.
    """
    return str(st.session_state.get(SOURCE, DEMO_SOURCE)).startswith("Uploaded") and bool(uploads())


def scenario_upload() -> tuple[str, bytes] | None:
    """Read the usable scenario file uploaded, if any.

    Returns
    -------
    (str, bytes) or None
        ``(file name, content)``.
    """
    upload = st.session_state.get(SCENARIO_UPLOAD)
    return None if upload is None else (str(upload[0]), bytes(upload[1]))


def scenario_choice() -> str | None:
    """Read the label of the fleet scenario chosen in the sidebar.

    Returns
    -------
    str or None
        None while the sidebar has not been shown.
    """
    choice = st.session_state.get(SCENARIO_CHOICE)
    return None if choice is None else str(choice)


def tiles_enabled() -> bool:
    """Tell whether the maps show web tiles: the sidebar toggle, off by default when JRU_TILES=0.

    Returns
    -------
    bool
        True for web tiles (closed networks set JRU_TILES=0).
    """
    default = os.environ.get("JRU_TILES", "1") != "0"
    return bool(st.session_state.get(TILES, default))


def planned_units() -> tuple[PlacedUnit, ...]:
    """Read the new units placed on the planner, in the order they were placed.

    Returns
    -------
    tuple of PlacedUnit
        Empty when none has been placed.
    """
    return tuple(st.session_state.get(PLANNED, ()))


def add_planned_unit(unit: PlacedUnit) -> None:
    """Add a unit to the planner's new units.

    Parameters
    ----------
    unit
        The unit placed.
    """
    st.session_state[PLANNED] = (*planned_units(), unit)


def clear_planned_units() -> None:
    """Forget every new unit placed on the planner, and the map click that placed the last."""
    st.session_state[PLANNED] = ()
    st.session_state[PLAN_LAST_CLICK] = None


def keep_recommendation(recommendation: Recommendation) -> None:
    """Keep the planner's recommendation for the next runs.

    Parameters
    ----------
    recommendation
        The recommendation and what it was made for.
    """
    st.session_state[RECOMMENDATION] = recommendation


def last_recommendation(made_for: tuple[object, ...]) -> Recommendation | None:
    """Read the planner's last recommendation, unless it was made for other inputs.

    Parameters
    ----------
    made_for
        The assumptions, scenario and filter in force now.

    Returns
    -------
    Recommendation or None
        None when there is none, or when the assumptions, scenario or filter changed since.
    """
    last = st.session_state.get(RECOMMENDATION)
    if not isinstance(last, Recommendation) or last.made_for != made_for:
        return None
    return last
