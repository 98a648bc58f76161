"""The Overview, Coverage and Tonight maps, built once per data, fleet and options and copied for each run.

Building a page map reprojects the area's outline, districts and towns to WGS84. PROJ keeps its
transformations per thread and Streamlit runs every script run in a new thread, so each run paid
again for them (0.1-0.3 s a run on the development machine, more than the rest of the map). The
map is the same for every session that shows the same data, fleet and options, so it is built once
(``st.cache_resource``) and each call gets its own deep copy, as :func:`jru_app.cache.heatmap_map`
does: ``st_folium`` changes the map it draws, and two sessions must not draw one object at once.

Each map is keyed on what it is drawn from: the session's area, the data key (source, bytes and
filter), the fleet scenario's JSON, the assumptions, the options. An argument whose name starts with
``_`` is not hashed: the key before it stands for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import streamlit as st

from jru_app import cache
from jru_app.data import AppData
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json

if TYPE_CHECKING:
    import folium

__all__ = ["overview_map", "coverage_map"]

MapKey = tuple[object, ...]
"""What a map is drawn from, in hashable values (see the module notes)."""


@st.cache_resource(show_spinner=False, max_entries=48)
def _built(kind: str, key: MapKey, _build: Callable[[], folium.Map]) -> folium.Map:
    return _build()


def _copy(kind: str, key: MapKey, build: Callable[[], folium.Map]) -> folium.Map:
    """Give a deep copy of the map ``build`` draws, built once per ``kind``, area and ``key``."""
    from jru_geo.viz.leaflet import copy_map  # folium is loaded by then: the map is built

    return copy_map(_built(kind, (cache.current_area(), *key), build))


def _options(data: AppData) -> MapKey:
    return (data.tiles, data.assets_url)


def overview_map(data: AppData, rates: pd.DataFrame) -> folium.Map:
    """Draw the Overview's map (:func:`jru_geo.viz.maps.overview_map`) of the run's data and fleet.

    Parameters
    ----------
    data
        The run's data (filtered or not: its ``data_key`` says which).
    rates
        :func:`jru_geo.areas.counts.counts_by_area` of ``data.filtered`` by district.

    Returns
    -------
    folium.Map
        This run's own copy.
    """

    def build() -> folium.Map:
        from jru_geo.viz import maps

        geo = data.geo
        return maps.overview_map(
            geo.districts,
            data.bases,
            outline=geo.outline,
            towns=geo.towns,
            counts=rates,
            tiles=data.tiles,
            assets_url=data.assets_url,
        )

    return _copy("overview", (data.data_key, scenario_to_json(data.scenario), *_options(data)), build)


def coverage_map(
    data: AppData,
    *,
    fleet: Scenario,
    bases: gpd.GeoDataFrame,
    isochrones: gpd.GeoDataFrame | None,
    gaps: gpd.GeoDataFrame | None,
    drawn: MapKey,
) -> folium.Map:
    """Draw a map of bases, catchments and gaps (:func:`jru_geo.viz.maps.coverage_map`).

    Parameters
    ----------
    data
        The run's data: the geography, the options and, with ``gaps``, the data key.
    fleet
        The units drawn (the sidebar's fleet, or those on shift tonight); ``bases`` are theirs.
    bases
        Their resolved bases.
    isochrones
        Their catchments, or None.
    gaps
        The gaps of the run's coverage (:func:`jru_app.results.coverage_gaps_for`), or None.
    drawn
        What else the catchments and gaps are drawn from (the cut-offs, the hour), in hashable values.

    Returns
    -------
    folium.Map
        This run's own copy.
    """

    def build() -> folium.Map:
        from jru_geo.viz import maps

        geo = data.geo
        return maps.coverage_map(
            bases,
            districts=geo.districts,
            isochrones=isochrones,
            gaps=gaps,
            outline=geo.outline,
            towns=geo.towns,
            tiles=data.tiles,
            assets_url=data.assets_url,
        )

    key = (
        scenario_to_json(data.scenario),
        scenario_to_json(fleet),
        repr(data.assumptions.travel_only()),
        *drawn,
        *_options(data),
    )
    if gaps is not None:  # the gaps depend on the data, the filter and every assumption
        key = (*key, data.data_key, data.week_hours, repr(data.assumptions))
    return _copy("coverage", key, build)
