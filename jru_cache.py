"""The app edge: cached calls into jru_geo and the session state shared by every page.

jru_geo stays free of streamlit; everything cached lives here, keyed on file bytes and parameters.
Pages get one :class:`AppData` from :func:`app_data` and never touch geopandas themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import networkx as nx
import pandas as pd
import streamlit as st

from jru_geo.areas import join
from jru_geo.areas.filters import IncidentFilter, apply_filter, describe_filter
from jru_geo.errors import JruGeoError
from jru_geo.io import boundaries, demo
from jru_geo.io.bases import resolve_bases
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.incidents import IncidentFormat, ReadResult, read_incidents
from jru_geo.io.scenario import DEFAULT_SCENARIO_FILE, Scenario
from jru_geo.io.scenario_files import load_scenario, scenario_to_json
from jru_geo.io.sites import default_candidates
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, ModelAssumptions
from jru_geo.model.coverage.business import WEEKS_PER_YEAR
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.gaps import coverage_gaps
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.travel import network as roadnet
from jru_geo.model.travel.base import TravelMode, TravelModel
from jru_geo.model.travel.calibrated import CalibratedModel, load_calibrated
from jru_geo.model.travel.from_assumptions import build_travel_model
from jru_geo.model.travel.isochrones import isochrones
from jru_geo.optimise import _objective as placement
from jru_geo.optimise.kpis import PlanKpis
from jru_geo.optimise.planning import PlanResult, candidate_table, plan_new_units
from jru_geo.settings import DEFAULT_SETTINGS
from jru_geo.viz import leaflet as maps
from jru_geo.viz import report

__all__ = [
    "after_navigation",
    "ASSETS_URL",
    "DEMO_SEED",
    "DEMO_YEAR",
    "PLANNED",
    "Geography",
    "Loaded",
    "AppData",
    "geography",
    "demo_data",
    "uploaded_data",
    "travel_model",
    "network_available",
    "current_assumptions",
    "assumptions_note",
    "bases_for",
    "current_filter",
    "current_loaded",
    "tiles_enabled",
    "app_data",
    "today",
    "run_page",
    "scenario_choices",
    "scenario_by_label",
    "scenario_json",
    "coverage_result",
    "coverage_for",
    "covered_share_by_district",
    "coverage_gaps_for",
    "summary_png",
    "plan_kpis",
    "isochrones_for",
    "recommend_for",
    "compact_layout",
    "footer",
]

LOG = logging.getLogger("jru_geo.app")

APP_DIR = Path(__file__).resolve().parent
"""The folder of app.py and pages/."""

ASSETS_URL = "/app/static/leaflet"
"""Where Streamlit serves the vendored Leaflet (server.enableStaticServing, folder ./static)."""

DEMO_SEED = 2025
DEMO_YEAR = 2025

# session_state keys (non-widget state that must survive page changes)
UPLOADS = "jru_uploads"  # tuple[(name, bytes), ...] of incident files
UPLOAD_ERROR = "jru_upload_error"  # message of the last unusable upload
SCENARIO_UPLOAD = "jru_scenario_upload"  # (name, bytes) | None
SCENARIO_ERROR = "jru_scenario_error"  # message of the last unusable scenario upload
UPLOAD_FORMAT = "jru_upload_fmt"  # format the uploads were read with
ROUTED = "jru_routed"  # set by app.py on every run that goes through st.navigation
PENDING_PAGE = "jru_pending_page"  # a page opened bare, to return to once app.py has routed
PLANNED = "jru_planned_units"  # list of (easting, northing, label) placed on the planner

# widget keys of the sidebar's Assumptions section (read here, drawn by sidebar.py)
A_TRAVEL = "a_travel"  # travel mode: "calibrated" | "straight" | "network"
A_SPEED = "a_speed_kmh"  # straight-line speed, km/h
A_FACTOR = "a_blue_light"  # blue-light factor (calibrated and network models)
A_REACH = "a_reach"  # dispatch reach in minutes, or REACH_TARGET for each unit's own target
A_SHARE = "a_demand_share"  # share (0-1] of the incidents that are JRU calls
REACH_TARGET = "target"
ASSUMPTION_KEYS = (A_TRAVEL, A_SPEED, A_FACTOR, A_REACH, A_SHARE)


@dataclass(frozen=True)
class Geography:
    """The embedded Kent geography, loaded once per server."""

    districts: gpd.GeoDataFrame
    lsoas: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    postcodes: pd.DataFrame
    towns: pd.DataFrame
    candidates: pd.DataFrame


@dataclass(frozen=True)
class Loaded:
    """Incidents read and joined, with what the validation report needs."""

    joined: gpd.GeoDataFrame
    read: ReadResult | None
    summary: dict[str, int]
    synthetic: bool
    source_note: str


@dataclass(frozen=True)
class AppData:
    """Everything a page needs for one run."""

    geo: Geography
    loaded: Loaded
    filtered: gpd.GeoDataFrame
    flt: IncidentFilter
    filter_note: str
    scenario: Scenario
    bases: gpd.GeoDataFrame
    tiles: bool
    assets_url: str
    assumptions: ModelAssumptions

    @property
    def travel_mode(self) -> TravelMode:
        """The travel mode in force (``assumptions.travel_mode``)."""
        return self.assumptions.travel_mode


@st.cache_resource(show_spinner="Loading Kent boundaries...")
def geography() -> Geography:
    """Districts, LSOAs, outline, postcodes, town labels and candidate sites (read-only, shared)."""
    sites = boundaries.load_candidate_sites()
    return Geography(
        districts=boundaries.load_districts(),
        lsoas=boundaries.load_lsoas(),
        outline=boundaries.load_outline(),
        postcodes=boundaries.load_postcodes(),
        towns=maps.town_labels(sites),
        candidates=default_candidates(),
    )


@st.cache_resource(show_spinner="Generating the synthetic demo year...")
def demo_data(seed: int = DEMO_SEED, year: int = DEMO_YEAR) -> Loaded:
    """The synthetic demo incidents, joined to districts and LSOAs."""
    geo = geography()
    incidents = demo.demo_incidents(geo.lsoas, seed=seed, year=year)
    joined = join.assign_areas(incidents, geo.districts, geo.lsoas)
    return Loaded(
        joined=joined,
        read=None,
        summary=join.join_summary(len(incidents), joined, 0),
        synthetic=True,
        source_note=f"synthetic demo data (seed {seed}, year {year})",
    )


@st.cache_resource(show_spinner="Reading and joining the uploaded files...", max_entries=4)
def uploaded_data(files: tuple[tuple[str, bytes], ...], fmt: IncidentFormat = "auto") -> Loaded:
    """Read uploaded incident files and join them (cached on the bytes and the format).

    Raises
    ------
    IncidentFileError
        A file is not an incident file at all.
    """
    geo = geography()
    result = read_incidents(list(files), fmt=fmt, postcodes=geo.postcodes)
    joined = join.assign_areas(result.incidents, geo.districts, geo.lsoas)
    names = ", ".join(name for name, _ in files)
    return Loaded(
        joined=joined,
        read=result,
        summary=join.join_summary(result.n_read, joined, len(result.rejects)),
        synthetic=False,
        source_note=f"uploaded: {names}",
    )


@st.cache_resource(show_spinner="Fitting the travel-time model...")
def _calibrated_fit() -> CalibratedModel:
    return load_calibrated()


@st.cache_resource(show_spinner="Loading the road network (first time only)...", max_entries=1)
def _road_graph(path: str, mtime: float) -> nx.MultiDiGraph:
    return roadnet.load_graph(Path(path))


def network_available() -> bool:
    """True when a drive graph has been downloaded (``python -m jru_geo roads download``)."""
    return Path(roadnet.DEFAULT_GRAPH_PATH).is_file()


@st.cache_resource(show_spinner="Building the travel-time model...", max_entries=8)
def _travel_model(assumptions: ModelAssumptions, graph_file: tuple[str, float] | None) -> TravelModel:
    if assumptions.travel_mode == "network":
        graph = _road_graph(*graph_file) if graph_file is not None else None
        return build_travel_model(assumptions, graph=graph)
    return build_travel_model(assumptions, calibrated=_calibrated_fit())


def travel_model(assumptions: ModelAssumptions = DEFAULT_ASSUMPTIONS) -> TravelModel:
    """The travel model the assumptions describe (cached on the travel assumptions alone and, for
    the road network, on the graph file and its modification time)."""
    graph_file = None
    if assumptions.travel_mode == "network" and network_available():
        path = Path(roadnet.DEFAULT_GRAPH_PATH)
        graph_file = (str(path), path.stat().st_mtime)
    return _travel_model(assumptions.travel_only(), graph_file)


def current_assumptions() -> ModelAssumptions:
    """The assumptions the sidebar's Assumptions section describes (defaults until it is shown).

    The road network falls back to the calibrated model while no graph has been downloaded.
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


def assumptions_note(data: AppData, *, clause: bool = False) -> str:
    """The assumptions in force in one sentence, naming the scenario's targets; with ``clause=True``
    as ``"model: calibrated road model, ..."`` (no full stop) to append to another line."""
    sentence = data.assumptions.describe(targets_min=[v.target_min for v in data.scenario.vehicles])
    if not clause:
        return sentence
    return f"model: {sentence[:1].lower()}{sentence[1:].rstrip('.')}"


@st.cache_resource(show_spinner=False, max_entries=8)
def _uploaded_scenario(name: str, data: bytes) -> Scenario:
    return load_scenario((name, data))


def scenario_choices() -> dict[str, str]:
    """Label -> shipped scenario file name, plus the uploaded scenario when there is one."""
    shipped = sorted(
        DEFAULT_SETTINGS.scenarios_dir.glob("*.json"), key=lambda p: p.name != DEFAULT_SCENARIO_FILE
    )
    choices = {f"{_shipped_scenario(p.name).name} (shipped)": p.name for p in shipped}
    upload = st.session_state.get(SCENARIO_UPLOAD)
    if upload is not None:
        choices[f"uploaded: {upload[0]}"] = "__upload__"
    return choices


def _current_scenario() -> Scenario:
    choice = st.session_state.get("scenario_choice")
    choices = scenario_choices()
    target = choices.get(choice or "", DEFAULT_SCENARIO_FILE)
    if target == "__upload__":
        name, data = st.session_state[SCENARIO_UPLOAD]
        return _uploaded_scenario(name, data)
    return _shipped_scenario(target)


@st.cache_resource(show_spinner=False)
def _shipped_scenario(file_name: str) -> Scenario:
    return load_scenario(DEFAULT_SETTINGS.scenarios_dir / file_name)


@st.cache_resource(show_spinner=False, max_entries=16)
def _bases(scenario_json: str) -> gpd.GeoDataFrame:
    sc = load_scenario(("scenario.json", scenario_json.encode("utf-8")))
    return resolve_bases(sc, postcodes=geography().postcodes)


def bases_for(sc: Scenario) -> gpd.GeoDataFrame:
    """Resolved vehicle bases of a scenario (cached on its JSON)."""
    return _bases(scenario_to_json(sc))


@st.cache_resource(show_spinner=False, max_entries=32)
def _filtered(source_key: str, _joined: gpd.GeoDataFrame, flt: IncidentFilter) -> gpd.GeoDataFrame:
    return apply_filter(_joined, flt)


def _source_key(files: tuple[tuple[str, bytes], ...]) -> str:
    digest = hashlib.sha256(str(st.session_state.get(UPLOAD_FORMAT, "auto")).encode("utf-8"))
    for name, data in files:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def current_filter() -> IncidentFilter:
    """The filter the sidebar widgets describe (empty when the widgets have not been shown yet)."""
    state = st.session_state
    dates = state.get("f_dates")
    start = end = None
    if isinstance(dates, (tuple, list)) and len(dates) == 2:
        start, end = dates
    days = state.get("f_days")
    hours = (state.get("f_hour_from", 0), state.get("f_hour_to", 24))
    cats = state.get("f_categories")
    dists = state.get("f_districts")
    names = {v: k for k, v in boundaries.DISTRICT_NAMES.items()}
    return IncidentFilter(
        start_date=start,
        end_date=end,
        days=None if not days or len(days) == 7 else tuple(_DAY_INDEX[d] for d in days),
        hours=None
        if hours in ((0, 24), (0, 0), (24, 24)) or hours[0] == hours[1]
        else (int(hours[0]), int(hours[1])),
        categories=None if not cats else tuple(_CATEGORY_CODE.get(c, c) for c in cats),
        districts=None if not dists else tuple(names.get(d, d) for d in dists),
    )


_DAY_INDEX = {d: i for i, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))}
_CATEGORY_CODE = {label: code for code, label in CATEGORIES.items()}


def current_loaded() -> Loaded:
    """The incidents the sidebar's data source selects (demo data when there are no uploads)."""
    files = st.session_state.get(UPLOADS) or ()
    if st.session_state.get("source", "Demo data (synthetic)").startswith("Uploaded") and files:
        return uploaded_data(tuple(files), st.session_state.get(UPLOAD_FORMAT, "auto"))
    return demo_data()


def tiles_enabled() -> bool:
    """Web tiles on the maps: the sidebar toggle, off by default when JRU_TILES=0 (closed networks)."""
    default = os.environ.get("JRU_TILES", "1") != "0"
    return bool(st.session_state.get("tiles", default))


def app_data() -> AppData:
    """Load (cached) everything for this run from the session state."""
    geo = geography()
    loaded = current_loaded()
    flt = current_filter()
    files = st.session_state.get(UPLOADS) or ()
    key = "demo" if loaded.synthetic else _source_key(tuple(files))
    filtered = _filtered(key, loaded.joined, flt)
    sc = _current_scenario()
    return AppData(
        geo=geo,
        loaded=loaded,
        filtered=filtered,
        flt=flt,
        filter_note=describe_filter(flt, district_names=boundaries.DISTRICT_NAMES),
        scenario=sc,
        bases=bases_for(sc),
        tiles=tiles_enabled(),
        assets_url=ASSETS_URL,
        assumptions=current_assumptions(),
    )


def today() -> dt.date:
    """The "as of" date (JRU_AS_OF=YYYY-MM-DD pins it, for reproducible screenshots)."""
    pinned = os.environ.get("JRU_AS_OF")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def _route_through_app(body: Callable[[], None]) -> None:
    """Send a page that was opened bare through app.py, then back to it.

    While a ``pages/`` folder sits beside the entry point, Streamlit runs a deep-linked page file
    directly (without app.py's page config, navigation and sidebar) until app.py has called
    ``st.navigation`` once in the server process (streamlit/streamlit#9624). Such a run comes here:
    it remembers the page and switches to app.py, which routes back to it (:func:`after_navigation`).
    """
    page = Path(body.__code__.co_filename).resolve()
    st.session_state[PENDING_PAGE] = page.relative_to(APP_DIR).as_posix()
    st.switch_page(str(APP_DIR / "app.py"))


def after_navigation() -> None:
    """Called by app.py right after ``st.navigation``: mark the session routed, and return to a page
    that was opened bare (see :func:`_route_through_app`)."""
    st.session_state[ROUTED] = True
    pending = st.session_state.pop(PENDING_PAGE, None)
    if pending:
        st.switch_page(str(APP_DIR / pending))


def run_page(body: Callable[[], None], *, with_sidebar: bool = True) -> None:
    """Run a page: shared layout and sidebar, then the body. A JruGeoError shows as an error message,
    anything else as a friendly one.

    The app edge is the one place that catches every exception, so a user never sees a traceback;
    the details go to the server log. ``with_sidebar=False`` (the Overview) keeps the filters in
    the session state without drawing them.
    """
    import sidebar

    if not st.session_state.get(ROUTED):
        _route_through_app(body)
    compact_layout()
    sidebar.keep_state()
    try:
        if with_sidebar:
            sidebar.render_sidebar()
        body()
    except JruGeoError as exc:
        st.error(str(exc))
    except Exception:  # noqa: BLE001 - app edge: never show a traceback to a user
        LOG.exception("page failed")
        st.error(
            "Something went wrong on this page. The data you loaded is unchanged; try another filter or "
            "page, or reload. The details are in the server log."
        )


def coverage_result(data: AppData) -> CoverageResult:
    """Coverage of the filtered incidents by the sidebar's scenario (the Coverage page's figures)."""
    return coverage_for(data, data.scenario)


def coverage_for(data: AppData, sc: Scenario) -> CoverageResult:
    """Coverage of the filtered incidents by any scenario (cached on data key + scenario JSON +
    assumptions: travel model and dispatch reach)."""
    return _coverage(_data_key(data), data.filtered, scenario_to_json(sc), data.assumptions)


def _data_key(data: AppData) -> str:
    files = st.session_state.get(UPLOADS) or ()
    source = "demo" if data.loaded.synthetic else _source_key(tuple(files))
    return f"{source}|{data.flt!r}"


@st.cache_resource(show_spinner="Computing coverage (shifts and busy units)...", max_entries=32)
def _coverage(
    key: str, _incidents: gpd.GeoDataFrame, scenario_json_text: str, assumptions: ModelAssumptions
) -> CoverageResult:
    sc = load_scenario(("scenario.json", scenario_json_text.encode("utf-8")))
    geo = geography()
    return compute_coverage(
        _incidents,
        sc,
        travel_model(assumptions),
        postcodes=geo.postcodes,
        lsoas=geo.lsoas,
        dispatch_reach_min=assumptions.dispatch_reach_min,
        demand_scale=assumptions.demand_share,
    )


def covered_share_by_district(result: CoverageResult) -> pd.Series:
    """Share (0-1) of each district's incidents reached within target (in hours), by district code."""
    return result.by_district.set_index("district_code")["coverage_in_hours"]


@st.cache_data(show_spinner="Drawing the summary...", max_entries=16)
def summary_png(
    summary: report.Summary, table: pd.DataFrame, rates: pd.DataFrame, scenario_json: str
) -> bytes:
    """The Overview's PNG export (cached on the figures it shows)."""
    geo = geography()
    sc = load_scenario(("scenario.json", scenario_json.encode("utf-8")))
    return report.summary_png(
        summary, table, geo.districts, bases_for(sc), outline=geo.outline, towns=geo.towns, rates=rates
    )


def scenario_json(sc: Scenario) -> str:
    """The scenario as JSON (a stable cache key)."""
    return scenario_to_json(sc)


_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.4rem; padding-bottom: 1rem;}
.jru-footer {font-size: 11px; line-height: 1.35; color: #555; margin-top: -0.4rem;}
.jru-footer b {color: #222;}
[data-testid="stMetricValue"] {font-size: 1.9rem;}
[data-testid="stMetric"] {padding: 0;}
h3 {padding-top: 0.2rem !important;}
</style>
"""


def compact_layout() -> None:
    """Tighter spacing so each page reads at a glance on a 1280x720 laptop screen."""
    st.html(_CSS)


# --------------------------------------------------------------------------------------------------
# Planning and catchments


def plan_kpis(data: AppData, sc: Scenario) -> PlanKpis:
    """Planner KPIs of a scenario: read off its (cached) coverage, the Coverage page's engine."""
    return PlanKpis.from_coverage(coverage_for(data, sc))


@st.cache_resource(show_spinner="Drawing catchments...", max_entries=16)
def _isochrones(
    scenario_json_text: str, cutoffs_min: tuple[float, ...], assumptions: ModelAssumptions
) -> gpd.GeoDataFrame:
    sc = load_scenario(("scenario.json", scenario_json_text.encode("utf-8")))
    return isochrones(travel_model(assumptions), bases_for(sc), list(cutoffs_min), clip=geography().outline)


def isochrones_for(
    scenario_json_text: str, cutoffs_min: tuple[float, ...], assumptions: ModelAssumptions
) -> gpd.GeoDataFrame:
    """Catchment polygons of a scenario's bases at the cut-offs under the travel assumptions
    (cached; the dispatch reach does not move a catchment)."""
    return _isochrones(scenario_json_text, cutoffs_min, assumptions.travel_only())


@st.cache_resource(show_spinner="Finding the best sites (exact optimiser)...", max_entries=16)
def _recommend(
    key: str,
    _incidents: gpd.GeoDataFrame,
    scenario_json_text: str,
    assumptions: ModelAssumptions,
    k: int,
    objective: placement.Objective,
    grid: bool,
    busy_fraction: float,
    span_weeks: float,
) -> PlanResult:
    sc = load_scenario(("scenario.json", scenario_json_text.encode("utf-8")))
    geo = geography()
    cands = candidate_table(
        "both" if grid else "sites", outline=geo.outline, sites=geo.candidates, cell_m=2000.0
    )
    return plan_new_units(
        _incidents,
        sc,
        travel_model(assumptions),
        cands,
        lsoas=geo.lsoas,
        k=k,
        objective=objective,
        busy_fraction=busy_fraction,
        span_weeks=span_weeks,
        demand_scale=assumptions.demand_share,
        postcodes=geo.postcodes,
    )


def recommend_for(
    data: AppData, sc: Scenario, *, k: int, objective: placement.Objective, grid: bool
) -> PlanResult:
    """The next ``k`` units for a scenario; MEXCLP's busy fraction is the scenario's coverage
    :attr:`~jru_geo.coverage.CoverageResult.system_busy_fraction` (capped at 0.99)."""
    base = coverage_for(data, sc)
    return _recommend(
        _data_key(data),
        data.filtered,
        scenario_json(sc),
        data.assumptions,
        k,
        objective,
        grid,
        min(base.system_busy_fraction, 0.99),
        base.span_weeks,
    )


def scenario_by_label(label: str) -> Scenario:
    """A scenario from the sidebar's list by its label (shipped or uploaded)."""
    target = scenario_choices()[label]
    if target == "__upload__":
        name, data = st.session_state[SCENARIO_UPLOAD]
        return _uploaded_scenario(name, data)
    return _shipped_scenario(target)


@st.cache_resource(show_spinner="Ranking the gaps...", max_entries=16)
def _coverage_gaps(
    key: str, scenario_json_text: str, assumptions: ModelAssumptions, _result: CoverageResult
) -> gpd.GeoDataFrame:
    _grid, lsoa_gaps = coverage_gaps(_result, lsoas=geography().lsoas)
    ranked = lsoa_gaps[lsoa_gaps["uncovered"] > 0]
    return ranked.assign(
        uncovered_per_year=ranked["uncovered_per_week"] * WEEKS_PER_YEAR,
        main_gap=ranked["main_gap"].map(_GAP_LABELS).fillna(ranked["main_gap"]),
    )


_GAP_LABELS = {"not_reached": "not reached", "out_of_hours": "out of hours", "lost_to_busy": "units busy"}


def coverage_gaps_for(data: AppData, result: CoverageResult) -> gpd.GeoDataFrame:
    """LSOAs ranked by demand not covered (not reached, out of hours, lost to busy units), from
    :func:`jru_geo.coverage.coverage_gaps`, with ``uncovered_per_year`` for the map."""
    return _coverage_gaps(_data_key(data), scenario_json(data.scenario), data.assumptions, result)


def footer(as_of_line: str, attribution: str) -> None:
    """A small-print footer: the "as of" line in bold, then the attribution (both HTML-escaped)."""
    import html

    st.html(f'<div class="jru-footer"><b>{html.escape(as_of_line)}</b><br>{html.escape(attribution)}</div>')
