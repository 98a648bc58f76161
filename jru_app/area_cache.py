"""The session's force area and its geography, cached: one entry per area, shared by every session.

Split from :mod:`jru_app.cache` (which re-exports these names). The public wrappers read the
session's area (:func:`current_area`); the cached functions take it as an argument, so each area is
cached on its own and a session never sees another's.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from jru_app import state
from jru_geo.io import boundaries
from jru_geo.io.sites import area_towns, default_candidates
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "current_area",
    "settings_for",
    "settings",
    "districts",
    "lsoas",
    "outline",
    "postcodes",
    "towns",
    "candidates",
    "warm",
]

_BOUNDARIES = "Loading the area's boundaries..."
_BUILDING = "Building the area's data from the installed packages (first use: about 30 s)..."


def current_area() -> str:
    """Give the session's area key (the sidebar's area picker; ``kent`` until one is chosen).

    Every geography wrapper below reads it, so each session sees its own area; the cached functions
    take it as an argument, so each area is cached on its own.
    """
    return state.current_area()


@st.cache_resource(show_spinner=_BUILDING, max_entries=8)
def settings_for(area: str) -> Settings:
    """Give the settings of an area (:func:`jru_geo.areas.area.area_settings`), built on first use.

    Parameters
    ----------
    area
        An area name (``kent``, ``surrey``, ``secamb``...).

    Returns
    -------
    Settings
        Kent's committed data, or the area's folder in the cache.

    Raises
    ------
    AreaError
        The area is unknown, or a package it is built from is missing.
    """
    if area == "kent":
        return DEFAULT_SETTINGS
    from jru_geo.areas.area import area_settings

    return area_settings(area)


def settings() -> Settings:
    """Give the settings of the session's area."""
    return settings_for(current_area())


# --------------------------------------------------------------------------------------------------
# The embedded geography (read-only, shared by every session)


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _districts(area: str) -> gpd.GeoDataFrame:
    return boundaries.load_districts(settings=settings_for(area))


def districts() -> gpd.GeoDataFrame:
    """Load the Kent districts (:func:`jru_geo.io.boundaries.load_districts`), once per server.

    Returns
    -------
    GeoDataFrame
        District polygons, EPSG:27700.
    """
    return _districts(current_area())


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _lsoas(area: str) -> gpd.GeoDataFrame:
    return boundaries.load_lsoas(settings=settings_for(area))


def lsoas() -> gpd.GeoDataFrame:
    """Load the Kent LSOAs (:func:`jru_geo.io.boundaries.load_lsoas`), once per server.

    Returns
    -------
    GeoDataFrame
        LSOA polygons with population, EPSG:27700.
    """
    return _lsoas(current_area())


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _outline(area: str) -> gpd.GeoDataFrame:
    return boundaries.load_outline(settings=settings_for(area))


def outline() -> gpd.GeoDataFrame:
    """Load the Kent outline (:func:`jru_geo.io.boundaries.load_outline`), once per server.

    Returns
    -------
    GeoDataFrame
        The force area's outline, EPSG:27700.
    """
    return _outline(current_area())


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _postcodes(area: str) -> pd.DataFrame:
    return boundaries.load_postcodes(settings=settings_for(area))


def postcodes() -> pd.DataFrame:
    """Load the postcode table (:func:`jru_geo.io.boundaries.load_postcodes`), once per server.

    Returns
    -------
    DataFrame
        Postcode centroids for offline geocoding.
    """
    return _postcodes(current_area())


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _towns(area: str) -> pd.DataFrame:

    return area_towns(settings=settings_for(area))


def towns() -> pd.DataFrame:
    """Build the town labels of the maps from the candidate sites, once per server.

    Returns
    -------
    DataFrame
        :func:`jru_geo.io.sites.area_towns` of the area.
    """
    return _towns(current_area())


@st.cache_resource(show_spinner=_BOUNDARIES, max_entries=8)
def _candidates(area: str) -> pd.DataFrame:
    return default_candidates(settings=settings_for(area))


def candidates() -> pd.DataFrame:
    """Load the planner's candidate sites (:func:`jru_geo.io.sites.default_candidates`), once per server.

    Returns
    -------
    DataFrame
        One row per site.
    """
    return _candidates(current_area())


def warm(area: str) -> None:
    """Read an area's settings, boundaries, postcodes, towns and candidate sites into the cache.

    Parameters
    ----------
    area
        The area key (:func:`settings_for`).
    """
    for read in (settings_for, _districts, _lsoas, _outline, _postcodes, _towns, _candidates):
        read(area)
