"""Name every ``st.session_state`` key of the dashboard, and read and write them with types.

Each key is a constant with a comment on what it holds.

The bottom of the app edge: it imports only streamlit and jru_geo. Widget keys are listed here too,
since their values are read back (the filter, the assumptions) or kept across pages.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import streamlit as st

from jru_geo.areas.filters import IncidentFilter
from jru_geo.io.boundaries import DISTRICT_NAMES
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.incidents import IncidentFormat
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, ModelAssumptions

if TYPE_CHECKING:
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
    "PLAN_CLICK",
    "PLAN_LAST_CLICK",
    "PLAN_MOVE",
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
    "UPLOADS_DIGEST",
    "PlacedUnit",
    "Recommendation",
    "add_planned_unit",
    "clear_planned_units",
    "current_assumptions",
    "current_filter",
    "can_redo",
    "can_undo",
    "plan_from_text",
    "plan_to_text",
    "redo_plan",
    "restore_plan_from_url",
    "set_planned_units",
    "undo_plan",
    "keep_pack",
    "keep_recommendation",
    "last_pack",
    "last_recommendation",
    "network_available",
    "planned_units",
    "scenario_choice",
    "uploads_digest",
    "scenario_upload",
    "tiles_enabled",
    "upload_format",
    "uploads",
    "uses_uploads",
]

# --------------------------------------------------------------------------------------------------
# Non-widget state that must survive page changes

UPLOADS = "jru_uploads"  # tuple[(name, bytes), ...] of the usable incident files uploaded
UPLOADS_DIGEST = "jru_uploads_digest"  # (the UPLOADS tuple, its sha256 hex): hashed once per upload
UPLOAD_ERROR = "jru_upload_error"  # str | None: message of the last unusable incident upload
UPLOAD_FORMAT = "jru_upload_fmt"  # IncidentFormat the uploads were read with
SCENARIO_UPLOAD = "jru_scenario_upload"  # (name, bytes) | None: the usable scenario uploaded
SCENARIO_ERROR = "jru_scenario_error"  # str | None: message of the last unusable scenario upload
ROUTED = "jru_routed"  # True once app.py has routed this session through st.navigation
PENDING_PAGE = "jru_pending_page"  # str: a page opened bare (relative path), to return to after routing
PLANNED = "jru_planned_units"  # tuple[PlacedUnit, ...]: the new units placed on the planner
RECOMMENDATION = "jru_recommendation"  # Recommendation | None: the planner's last recommendation
PLAN_LAST_CLICK = "plan_last_click"  # dict | None: the last planner-map click already turned into a unit
PLAN_CLICK = "jru_plan_click"  # dict | None: a planner-map click (its on_change) for this run to place
PLAN_MOVE = "jru_plan_move"  # (index, PlacedUnit) | None: the placed unit the next map click moves
PLAN_UNDO = "jru_plan_undo"  # tuple of earlier tuple[PlacedUnit, ...]: the plan's undo history
PLAN_REDO = "jru_plan_redo"  # tuple of undone tuple[PlacedUnit, ...]: the plan's redo history
PLAN_HISTORY_LIMIT = 50
PLAN_PARAM = "plan"  # query parameter of the Planner's URL holding the placed units (plan_to_text)
PLAN_URL_LIMIT = 20
PACK = "jru_pack"  # (made_for, bytes) | None: the last business-case pack (PDF) and what it was made for

# --------------------------------------------------------------------------------------------------
# Widget keys of the sidebar (kept across pages by jru_app.sidebar.keep_state)

AREA = "area"  # selectbox: the force area's name (jru_geo.areas.area.area_names), "kent" by default
AREA_PARAM = "area"  # query parameter of the app URL naming the area (kept in step with the picker)
AREA_PROPOSAL = (
    "jru_area_proposal"  # str | None: the force the uploaded police.uk files' "Falls within" names
)
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

PERSISTENT_KEYS = (AREA, SOURCE, SCENARIO_CHOICE, TILES, *FILTER_KEYS, *ASSUMPTION_KEYS)
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

EMPTY_SCENARIO = "__empty__"
"""The scenario choice value that stands for an area's empty fleet (an area with no shipped scenario)."""
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
    target_min, job_min
        Its response target and job time in minutes, or None to copy the first unit's.
    """

    name: str
    easting: float | None = None
    northing: float | None = None
    lat: float | None = None
    lon: float | None = None
    pattern: str | None = None
    target_min: float | None = None
    job_min: float | None = None


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
    from jru_geo.model.travel import network  # the road-network model only when asked about

    return Path(network.DEFAULT_GRAPH_PATH).is_file()


def current_area() -> str:
    """Read the session's force area (the sidebar's picker; else the link's ``?area=``; else ``kent``).

    Returns
    -------
    str
        An area name of :func:`jru_geo.areas.area.area_names`.
    """
    chosen = st.session_state.get(AREA)
    if chosen:
        return str(chosen)
    linked = st.query_params.get(AREA_PARAM)  # a link such as ?area=surrey opens the app on that area
    if linked:
        from jru_geo.areas.area import area_names

        if linked in area_names():
            return str(linked)
    return "kent"


def current_filter(district_labels: Mapping[str, str] = DISTRICT_NAMES) -> IncidentFilter:
    """Read the filter the sidebar widgets describe (empty while they have not been shown).

    Parameters
    ----------
    district_labels
        The area's districts, code -> name (Kent's by default), to turn the names chosen into codes.

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
        district_labels=dict(district_labels),
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


def uploads_digest() -> str:
    """Give the SHA-256 digest of the uploaded incident files, computed once per upload.

    The digest is kept beside the very tuple of files it was computed from, so a new upload (a new
    tuple) is hashed once and every later run reads the kept value instead of re-hashing megabytes.

    Returns
    -------
    str
        Hex digest over each file's name and the digest of its content, in upload order.
    """
    payload = st.session_state.get(UPLOADS) or ()
    held = st.session_state.get(UPLOADS_DIGEST)
    if held is not None and held[0] is payload:
        return str(held[1])
    digest = hashlib.sha256()
    for name, content in payload:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(content).digest())
    st.session_state[UPLOADS_DIGEST] = (payload, digest.hexdigest())
    return digest.hexdigest()


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


def set_planned_units(units: tuple[PlacedUnit, ...]) -> None:
    """Replace the planner's new units, keeping the previous ones for undo (and the URL in step).

    Parameters
    ----------
    units
        The new units, in order.
    """
    before = planned_units()
    if tuple(units) == before:
        return
    st.session_state[PLAN_UNDO] = (*st.session_state.get(PLAN_UNDO, ()), before)[-PLAN_HISTORY_LIMIT:]
    st.session_state[PLAN_REDO] = ()
    st.session_state[PLANNED] = tuple(units)
    _plan_to_url()


def add_planned_unit(unit: PlacedUnit) -> None:
    """Add a unit to the planner's new units.

    Parameters
    ----------
    unit
        The unit placed.
    """
    set_planned_units((*planned_units(), unit))


def clear_planned_units() -> None:
    """Forget every new unit placed on the planner (undo brings them back)."""
    set_planned_units(())
    st.session_state[PLAN_LAST_CLICK] = None


def can_undo() -> bool:
    """Tell whether there is a change of the plan to undo."""
    return bool(st.session_state.get(PLAN_UNDO))


def can_redo() -> bool:
    """Tell whether there is an undone change of the plan to redo."""
    return bool(st.session_state.get(PLAN_REDO))


def undo_plan() -> None:
    """Go back to the plan before its last change."""
    past = tuple(st.session_state.get(PLAN_UNDO, ()))
    if not past:
        return
    st.session_state[PLAN_REDO] = (*st.session_state.get(PLAN_REDO, ()), planned_units())
    st.session_state[PLAN_UNDO] = past[:-1]
    st.session_state[PLANNED] = past[-1]
    _plan_to_url()


def redo_plan() -> None:
    """Redo the last change undone."""
    future = tuple(st.session_state.get(PLAN_REDO, ()))
    if not future:
        return
    st.session_state[PLAN_UNDO] = (*st.session_state.get(PLAN_UNDO, ()), planned_units())
    st.session_state[PLAN_REDO] = future[:-1]
    st.session_state[PLANNED] = future[-1]
    _plan_to_url()


_URL_FIELDS = ("name", "easting", "northing", "lat", "lon", "pattern", "target_min", "job_min")


def plan_to_text(units: tuple[PlacedUnit, ...]) -> str:
    """Write placed units as compact JSON (the ``plan`` query parameter of the Planner's URL)."""
    rows = [[getattr(u, f) for f in _URL_FIELDS] for u in units]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def plan_from_text(text: str) -> tuple[PlacedUnit, ...]:
    """Read placed units written by :func:`plan_to_text`.

    Raises
    ------
    ValueError
        Text that is not such a list (the caller says so and ignores it).
    """
    rows = json.loads(text)
    if not isinstance(rows, list) or len(rows) > PLAN_URL_LIMIT:
        raise ValueError(f"expected a list of at most {PLAN_URL_LIMIT} units")
    units = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(_URL_FIELDS) or not isinstance(row[0], str):
            raise ValueError(
                "each unit must be a list of name, easting, northing, lat, lon, pattern, target, job"
            )
        numbers = row[1:5] + row[6:8]
        if any(v is not None and (isinstance(v, bool) or not isinstance(v, int | float)) for v in numbers):
            raise ValueError("a unit's coordinates, target and job time must be numbers")
        if row[5] is not None and not isinstance(row[5], str):
            raise ValueError("a unit's pattern must be text")
        units.append(PlacedUnit(*row))
    return tuple(units)


def _plan_to_url() -> None:
    """Keep the plan in the page's URL, so a browser reload (or a shared link) brings it back."""
    units = planned_units()
    if units:
        st.query_params[PLAN_PARAM] = plan_to_text(units)
    elif PLAN_PARAM in st.query_params:
        del st.query_params[PLAN_PARAM]


def restore_plan_from_url() -> str | None:
    """Bring back the plan kept in the URL when this session has none yet (after a reload).

    Returns
    -------
    str or None
        A message when the URL's plan could not be read (it is then ignored), else None.
    """
    if PLANNED in st.session_state or PLAN_PARAM not in st.query_params:
        return None
    try:
        st.session_state[PLANNED] = plan_from_text(str(st.query_params[PLAN_PARAM]))
    except (ValueError, TypeError) as exc:
        st.session_state[PLANNED] = ()
        return f"The plan in this page's address could not be read ({exc}); it was ignored."
    return None


def keep_pack(made_for: str, pdf: bytes) -> None:
    """Keep the last business-case pack so the download survives the next runs.

    Parameters
    ----------
    made_for
        What it was made for (the plan, the assumptions and the data), as a key.
    pdf
        The PDF.
    """
    st.session_state[PACK] = (made_for, pdf)


def last_pack(made_for: str) -> bytes | None:
    """Read the last business-case pack, unless it was made for another plan or other inputs.

    Parameters
    ----------
    made_for
        The key of the plan, assumptions and data in force now.

    Returns
    -------
    bytes or None
        The PDF, or None.
    """
    kept = st.session_state.get(PACK)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == made_for and isinstance(kept[1], bytes):
        return kept[1]
    return None


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
