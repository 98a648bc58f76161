"""Assemble what a page works on: the geography, the incidents and one :class:`AppData` for a run.

The model's answers for a run (coverage, gaps, catchments, recommendations) are in
:mod:`jru_app.results`.

Pages get one :class:`AppData` from :func:`app_data` and never touch geopandas themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_app import cache, state
from jru_geo.areas.filters import DataExtent, IncidentFilter, describe_filter
from jru_geo.io.incidents import IncidentFormat, ReadResult
from jru_geo.io.scenario import DEFAULT_SCENARIO_FILE, Scenario
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.travel.base import TravelMode
from jru_geo.settings import DEFAULT_SETTINGS
from jru_geo.week import LOCAL_TZ

__all__ = [
    "ASSETS_URL",
    "DEMO_SEED",
    "DEMO_YEAR",
    "Geography",
    "Loaded",
    "AppData",
    "geography",
    "demo_data",
    "uploaded_data",
    "current_extent",
    "current_loaded",
    "scenario_choices",
    "scenario_by_label",
    "current_scenario",
    "bases_for",
    "app_data",
    "assumptions_note",
    "unfiltered",
    "today",
    "now",
]

ASSETS_URL = "/app/static/leaflet"
"""Where Streamlit serves the vendored Leaflet (server.enableStaticServing, folder ./static)."""

DEMO_SEED = 2025
DEMO_YEAR = 2025


@dataclass(frozen=True)
class Geography:
    """The embedded Kent geography, loaded once per server.

    Parameters
    ----------
    districts, lsoas, outline
        Boundaries, EPSG:27700.
    postcodes
        Postcode centroids for offline geocoding.
    towns
        Town labels of the maps.
    candidates
        The planner's candidate sites.
    """

    districts: gpd.GeoDataFrame
    lsoas: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    postcodes: pd.DataFrame
    towns: pd.DataFrame
    candidates: pd.DataFrame


@dataclass(frozen=True)
class Loaded:
    """Incidents read and joined, with what the validation report needs.

    Parameters
    ----------
    joined
        The incidents joined to districts and LSOAs.
    read
        What was read from uploaded files (None for the demo data).
    summary
        :func:`jru_geo.areas.join.join_summary` of the join.
    synthetic
        True for the synthetic demo data.
    source_note
        Where the incidents come from, in words.
    """

    joined: gpd.GeoDataFrame
    read: ReadResult | None
    summary: dict[str, int]
    synthetic: bool
    source_note: str


@dataclass(frozen=True)
class AppData:
    """Everything a page needs for one run.

    Parameters
    ----------
    geo
        The embedded geography.
    loaded
        The incidents the data source selects.
    filtered
        Those that pass the sidebar's filter: the incidents every page counts.
    demand
        Those in the filter's date range: the demand that loads the units. The day, hour, category
        and district filters choose what is counted, never what keeps the units busy.
    counted
        One boolean per row of ``demand``: it passes the whole filter (``demand[counted]`` is
        ``filtered``).
    week_hours
        The filter's hours of the week (168 booleans, nights belonging to the day they start), or
        None for the whole week: the slice the units' workload figures are for.
    month_precision_excluded
        Incidents left out of ``filtered`` only because their day or hour is unknown (police.uk
        months) while a day or hour filter is set.
    flt
        The sidebar's filter.
    filter_note
        The filter in words.
    data_key
        Stands for ``filtered`` (and ``counted``) in cache keys: the data source, its bytes and the
        filter.
    demand_key
        Stands for ``demand`` in cache keys: the data source and the date range.
    source_key
        Stands for the data source and its bytes in cache keys.
    scenario
        The sidebar's fleet scenario.
    bases
        Its resolved bases.
    tiles
        Web tiles on the maps.
    assets_url
        Where the vendored Leaflet is served.
    assumptions
        The model's assumptions in force.
    """

    geo: Geography
    loaded: Loaded
    filtered: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    counted: NDArray[np.bool_]
    week_hours: tuple[bool, ...] | None
    month_precision_excluded: int
    flt: IncidentFilter
    filter_note: str
    data_key: str
    demand_key: str
    source_key: str
    scenario: Scenario
    bases: gpd.GeoDataFrame
    tiles: bool
    assets_url: str
    assumptions: ModelAssumptions

    @property
    def travel_mode(self) -> TravelMode:
        """The travel mode in force (``assumptions.travel_mode``)."""
        return self.assumptions.travel_mode


def geography() -> Geography:
    """Gather the embedded geography (each part cached once per server).

    Returns
    -------
    Geography
        Districts, LSOAs, outline, postcodes, town labels and candidate sites (read-only, shared).
    """
    return Geography(
        districts=cache.districts(),
        lsoas=cache.lsoas(),
        outline=cache.outline(),
        postcodes=cache.postcodes(),
        towns=cache.towns(),
        candidates=cache.candidates(),
    )


def district_names() -> dict[str, str]:
    """Give the session's area's districts, code -> name (Kent's 13 by default).

    Returns
    -------
    dict
        District code -> district name.
    """
    d = cache.districts()
    return dict(zip(d["district_code"].astype(str), d["district_name"].astype(str), strict=True))


def area_name() -> str:
    """Give the session's area in words (``"Kent and Medway"``, ``"Surrey"``).

    Returns
    -------
    str
        The area's name.
    """
    return cache.settings().area_name


def area_label() -> str:
    """Give the session's area's short name for titles (``"Kent"``, ``"Surrey"``).

    Returns
    -------
    str
        :attr:`jru_geo.settings.Settings.area_label`.
    """
    return cache.settings().area_label


def demo_data(seed: int = DEMO_SEED, year: int = DEMO_YEAR) -> Loaded:
    """Load the synthetic demo incidents, joined to districts and LSOAs.

    Parameters
    ----------
    seed, year
        Of the synthetic year.

    Returns
    -------
    Loaded
        The demo incidents.
    """
    joined, summary = cache.demo_joined(seed, year)
    return Loaded(
        joined=joined,
        read=None,
        summary=summary,
        synthetic=True,
        source_note=f"synthetic demo data (seed {seed}, year {year})",
    )


def uploaded_data(files: tuple[tuple[str, bytes], ...], fmt: IncidentFormat = "auto") -> Loaded:
    """Load uploaded incident files, joined (cached on the bytes and the format).

    Parameters
    ----------
    files
        ``(file name, content)`` pairs.
    fmt
        Their format, or ``"auto"``.

    Returns
    -------
    Loaded
        The uploaded incidents.

    Raises
    ------
    IncidentFileError
        A file is not an incident file at all.
    """
    result, joined, summary = cache.uploaded(files, fmt)
    return Loaded(
        joined=joined,
        read=result,
        summary=summary,
        synthetic=False,
        source_note=f"uploaded: {', '.join(name for name, _ in files)}",
    )


def current_loaded() -> Loaded:
    """Load the incidents the sidebar's data source selects (demo data when there are no uploads).

    Returns
    -------
    Loaded
        The incidents.
    """
    if state.uses_uploads():
        return uploaded_data(state.uploads(), state.upload_format())
    return demo_data()


def scenario_choices() -> dict[str, str]:
    """List the scenarios the sidebar offers.

    Returns
    -------
    dict
        Label -> shipped scenario file name, plus the uploaded scenario (value
        :data:`jru_app.state.UPLOADED_SCENARIO`) when there is one.
    """
    area = cache.settings().area

    def ours(name: str) -> bool:
        sc = cache.shipped_scenario(name)
        return _area_key(sc.area) == area

    shipped = sorted(
        (
            p.name
            for p in DEFAULT_SETTINGS.scenarios_dir.glob("*.json")
            if not p.name.endswith("_history.json")
        ),
        key=lambda n: (not ours(n), n != DEFAULT_SCENARIO_FILE, n),
    )
    choices: dict[str, str] = {}
    if not any(ours(n) for n in shipped):
        choices[f"{area_name()}: no units yet (add them on the Planner)"] = state.EMPTY_SCENARIO
    for n in shipped:
        sc = cache.shipped_scenario(n)
        where = "" if ours(n) else f", {sc.area or 'kent'}"
        choices[f"{sc.name} (shipped{where})"] = n
    upload = state.scenario_upload()
    if upload is not None:
        choices[f"uploaded: {upload[0]}"] = state.UPLOADED_SCENARIO
    return choices


def _area_key(name: str | None) -> str:
    """Give the settings key of a scenario's ``area`` (None: Kent); an unknown name keys to itself."""
    if not name:
        return "kent"
    from jru_geo.areas.area import resolve_area
    from jru_geo.errors import AreaError

    try:
        return resolve_area(name).key
    except AreaError:
        return name


def _scenario(target: str) -> Scenario:
    upload = state.scenario_upload()
    if target == state.UPLOADED_SCENARIO and upload is not None:
        return cache.uploaded_scenario(*upload)
    if target == state.EMPTY_SCENARIO:
        from jru_geo.io.scenario_files import load_default_scenario

        return load_default_scenario(settings=cache.settings())
    return cache.shipped_scenario(target)


def scenario_by_label(label: str) -> Scenario:
    """Load a scenario from the sidebar's list by its label (shipped or uploaded).

    Parameters
    ----------
    label
        A key of :func:`scenario_choices`.

    Returns
    -------
    Scenario
        The scenario.
    """
    return _scenario(scenario_choices()[label])


def current_scenario() -> Scenario:
    """Load the sidebar's fleet scenario (the default shipped one until it is chosen).

    Returns
    -------
    Scenario
        The scenario.
    """
    choices = scenario_choices()
    return _scenario(choices.get(state.scenario_choice() or "", next(iter(choices.values()))))


def bases_for(sc: Scenario) -> gpd.GeoDataFrame:
    """Resolve the vehicle bases of a scenario (cached on its JSON).

    Parameters
    ----------
    sc
        The scenario.

    Returns
    -------
    GeoDataFrame
        One point per vehicle, EPSG:27700.

    Raises
    ------
    ScenarioError
        A base cannot be placed (unknown postcode, outside Great Britain).
    """
    return cache.bases(sc)


def current_extent() -> DataExtent:
    """Give the extent (dates, categories) of the data in use, computed once per data source.

    Returns
    -------
    DataExtent
        As :func:`jru_geo.areas.filters.data_extent` gives it.
    """
    loaded = current_loaded()
    return cache.extent(_source_key(loaded), loaded.joined)


def _source_key(loaded: Loaded) -> str:
    area = cache.current_area()  # the same files joined to another area are other data
    if loaded.synthetic:
        return "demo" if area == "kent" else f"demo|{area}"
    # the files' digest is computed once per upload (state.uploads_digest), not on every run
    return f"{area}|{state.upload_format()}|{state.uploads_digest()}"


def app_data() -> AppData:
    """Load (cached) everything for this run from the session state.

    Returns
    -------
    AppData
        The data, filter, scenario and assumptions in force.
    """
    loaded = current_loaded()
    names = district_names()
    flt = state.current_filter(names)
    source = _source_key(loaded)
    filtered, excluded = cache.filtered(source, loaded.joined, flt)
    period = IncidentFilter(start_date=flt.start_date, end_date=flt.end_date)
    demand, _ = cache.filtered(source, loaded.joined, period)
    hours = flt.week_hours
    sc = current_scenario()
    return AppData(
        geo=geography(),
        loaded=loaded,
        filtered=filtered,
        demand=demand,
        counted=demand.index.isin(filtered.index),
        week_hours=None if hours is None else tuple(bool(h) for h in hours),
        month_precision_excluded=excluded,
        flt=flt,
        filter_note=describe_filter(flt, district_names=names),
        data_key=f"{source}|{flt!r}",
        demand_key=f"{source}|{period!r}",
        source_key=source,
        scenario=sc,
        bases=bases_for(sc),
        tiles=state.tiles_enabled(),
        assets_url=ASSETS_URL,
        assumptions=state.current_assumptions(),
    )


def unfiltered(data: AppData) -> AppData:
    """Give the run's data with no filter at all: every incident loaded, counted and loading the units.

    The public summary offers "all data" beside "as filtered", so a filter set on another page is
    never inherited silently.

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    AppData
        The same data and scenario, with an empty filter.
    """
    joined = data.loaded.joined
    everything = IncidentFilter()
    return dataclasses.replace(
        data,
        filtered=joined,
        demand=joined,
        counted=np.ones(len(joined), dtype=bool),
        week_hours=None,
        month_precision_excluded=0,
        flt=everything,
        filter_note=describe_filter(everything, district_names=district_names()),
        data_key=f"{data.source_key}|{everything!r}",
        demand_key=f"{data.source_key}|{everything!r}",
    )


def assumptions_note(data: AppData, *, clause: bool = False) -> str:
    """Say the assumptions in force in one sentence, naming the scenario's targets.

    Parameters
    ----------
    data
        The run's data.
    clause
        Give ``"model: calibrated road model, ..."`` (no full stop) to append to another line.

    Returns
    -------
    str
        The sentence or clause.
    """
    sentence = data.assumptions.describe(targets_min=[v.target_min for v in data.scenario.vehicles])
    if not clause:
        return sentence
    return f"model: {sentence[:1].lower()}{sentence[1:].rstrip('.')}"


def now() -> dt.datetime:
    """Give the "as of" time on the UK clock (JRU_AS_OF=YYYY-MM-DD[THH:MM] pins it, for screenshots).

    Returns
    -------
    datetime
        Now in Europe/London, or the pinned time (22:00 when only a date is pinned).
    """
    pinned = os.environ.get("JRU_AS_OF")
    if pinned:
        return dt.datetime.fromisoformat(pinned if "T" in pinned else f"{pinned}T22:00")
    return dt.datetime.now(ZoneInfo(LOCAL_TZ)).replace(tzinfo=None)


def today() -> dt.date:
    """Give the "as of" date (JRU_AS_OF=YYYY-MM-DD pins it, for reproducible screenshots).

    Returns
    -------
    date
        Today, or the pinned date.
    """
    pinned = os.environ.get("JRU_AS_OF")
    return dt.date.fromisoformat(pinned[:10]) if pinned else dt.date.today()
