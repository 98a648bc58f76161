"""Fill, before the first visitor, the caches that every page of the default area reads whatever the data.

A fresh server's first page would otherwise build the reprojections, read the area's boundaries
and postcodes, fit the travel model, load the demo year and lay the Planner quick look's squares:
about 0.6 s of a cold Planner run on the development machine. Each is cached for the whole process
and keyed on the area alone (the travel model and the squares also on the travel assumptions and the
new unit's target), so they are computed here once, by the same cached functions the pages call, for
what a new session opens on: the default area (Kent, built in), its default fleet scenario, the
default assumptions and the demo year. What depends on a session's data, filter or fleet (coverage,
maps) is left to the page.
``tests/app/test_warm.py`` runs every page after :func:`warm_area` and checks none of it is redone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import geopandas as gpd
from shapely.geometry import Point

from jru_app import area_cache, cache, plan_cache
from jru_app.data import DEMO_SEED, DEMO_YEAR
from jru_geo._crs import bng_to_lonlat, lonlat_to_bng, to_wgs84
from jru_geo.io.scenario import DEFAULT_SCENARIO_FILE
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS
from jru_geo.settings import BNG

__all__ = ["DEFAULT_AREA", "warm_area"]

DEFAULT_AREA = "kent"
"""The area a new session opens on (:func:`jru_app.state.current_area`), whose data is built in."""


def _reproject_once() -> None:
    """Reproject one point each way, so the reprojection thread's PROJ objects exist (:mod:`jru_geo._crs`)."""
    lon, lat = bng_to_lonlat([550_000.0], [150_000.0])
    lonlat_to_bng(lon, lat)
    to_wgs84(gpd.GeoDataFrame(geometry=[Point(550_000.0, 150_000.0)], crs=BNG), what="a start-up point")


def warm_area(area: str = DEFAULT_AREA) -> dict[str, float]:
    """Compute the area-wide parts of the default view once; return the seconds each step took.

    Parameters
    ----------
    area
        The area key. The quick look's squares are laid only for Kent, whose default fleet is the
        shipped :data:`~jru_geo.io.scenario.DEFAULT_SCENARIO_FILE` (the new unit's target is its).

    Returns
    -------
    dict
        Step name -> seconds, in the order done.

    Raises
    ------
    JruGeoError
        The area's data cannot be read (the caller reports it; the pages would show it too).
    """
    travel = DEFAULT_ASSUMPTIONS.normalised().travel_only()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("reprojection", _reproject_once),
        ("boundaries, postcodes and sites", lambda: area_cache.warm(area)),
        ("demo year", lambda: cache.demo_joined(DEMO_SEED, DEMO_YEAR, area)),
        ("travel model", lambda: cache.travel_model(travel, area)),
    ]
    if area == DEFAULT_AREA:
        scenario = cache.shipped_scenario(DEFAULT_SCENARIO_FILE)
        steps.append(("quick-look squares", lambda: plan_cache.warm_reach_grid(area, travel, scenario)))
    done: dict[str, float] = {}
    for name, step in steps:
        start = time.perf_counter()
        step()
        done[name] = time.perf_counter() - start
    return done
