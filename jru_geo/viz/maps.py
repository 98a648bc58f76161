"""The dashboard's page maps (Overview, Heatmap, Coverage, Planner): pure functions returning folium maps.

Each builder stacks the layers of :mod:`jru_geo.viz.layers` on a base map of
:mod:`jru_geo.viz.leaflet`, coloured with :mod:`jru_geo.viz.style`. Everything in :mod:`jru_geo` is
EPSG:27700; the viz package is the map edge, where geometries are simplified, reprojected to WGS84
and rounded to about a metre.

Rules the builders and layers keep:

* **Aggregate, never one marker per incident.** Incidents reach a map as a heat map or as square
  bins of ``cell_m`` metres, so 100,000 incidents make a page well under 5 MB of HTML.
* **Escape user text.** Every string that may come from a user's file (categories, names, labels)
  goes through :func:`html.escape` before it reaches a tooltip, popup or label: folium writes
  tooltips with ``innerHTML``. Braces, backticks and ``$`` become entities too: branca renders each
  element's output again as a Jinja template, and folium puts a tooltip's text in a JavaScript
  template literal, so ``{{ ... }}`` or ``${...}`` in a name would otherwise run.
* **Colour-blind-safe colours.** Sequential data use viridis; categorical marks use the Okabe-Ito
  palette. Every coloured layer has a legend with its unit.
* **Works offline.** ``tiles=False`` draws no web tiles: the Kent outline, districts and town labels
  still give the map its bearings. ``assets_url`` points Leaflet's JavaScript and CSS at a local
  copy (the app serves one under ``/app/static/leaflet``), so the map needs no internet at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import pandas as pd

from jru_geo._crs import to_wgs84
from jru_geo.viz.layers import (
    binned_layer,
    candidates_layer,
    choropleth_layer,
    districts_layer,
    gaps_layer,
    heatmap_layer,
    isochrone_layer,
    outline_layer,
    towns_layer,
    units_layer,
)
from jru_geo.viz.leaflet import Legend, QuickLook, base_map
from jru_geo.viz.style import OKABE_ITO

if TYPE_CHECKING:
    from jru_geo.optimise.preview import GridPreview

__all__ = [
    "overview_map",
    "heatmap_map",
    "coverage_map",
    "planner_map",
    "map_html_size",
]


def _backdrop(outline: gpd.GeoDataFrame | None, *, tiles: bool, assets_url: str | None) -> folium.Map:
    """Make a base map fitted to the area's outline (painted as land when there are no web tiles)."""
    if outline is not None and len(outline):
        west, south, east, north = (float(v) for v in to_wgs84(outline, what="outline").total_bounds)
        m = base_map(tiles=tiles, assets_url=assets_url, bounds=((south, west), (north, east)))
    else:
        m = base_map(tiles=tiles, assets_url=assets_url)
    if outline is not None:
        outline_layer(outline, filled=not tiles).add_to(m)
    return m


def _add_towns(m: folium.Map, towns: pd.DataFrame | None) -> None:
    """Town labels, added after the area layers so they sit on top."""
    if towns is not None:
        towns_layer(towns).add_to(m)


def overview_map(
    districts: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    counts: pd.DataFrame | None = None,
    tiles: bool = True,
    assets_url: str | None = None,
) -> folium.Map:
    """Districts (choropleth of ``rate_per_1000`` when ``counts`` is given), towns and unit bases.

    With ``tiles=False`` the outline is painted as land and the towns give the bearings.
    """
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    if counts is not None:
        layer, legend = choropleth_layer(districts, counts)
        layer.add_to(m)
        legend.add_to(m)
    else:
        districts_layer(districts).add_to(m)
    _add_towns(m, towns)
    units_layer(bases).add_to(m)
    return m


def map_html_size(m: folium.Map) -> int:
    """Bytes of the standalone HTML page the map renders to (for the 5 MB budget)."""
    return len(m.get_root().render().encode("utf-8"))


def heatmap_map(
    incidents: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    *,
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    tiles: bool = True,
    assets_url: str | None = None,
    cell_m: float = 250.0,
    squares: bool = False,
) -> folium.Map:
    """Incident density (heat map) and the district rate choropleth, with a layer switcher.

    The choropleth starts hidden behind the heat map; the layer control switches it, and its legend
    shows only while it is ticked. The 1 km squares (count and top categories per square) are by
    far the heaviest layer, so they are built and sent only with ``squares=True``; they then start
    ticked, and the layer control can still hide them (their legend follows).
    """
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    choropleth, legend = choropleth_layer(districts, counts)
    choropleth.show = False
    choropleth.add_to(m)
    districts_layer(districts, name="District boundaries").add_to(m)
    bins, bins_legend = binned_layer(incidents, show=True) if squares else (None, None)
    if bins is not None:
        bins.add_to(m)
    heatmap_layer(incidents, cell_m=cell_m, assets_url=assets_url).add_to(m)
    _add_towns(m, towns)
    legend.layer = choropleth  # each legend shows only while its layer is ticked
    legend.add_to(m)
    if bins is not None and bins_legend is not None:
        bins_legend.layer = bins
        bins_legend.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def coverage_map(
    bases: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame,
    isochrones: gpd.GeoDataFrame | None = None,
    gaps: gpd.GeoDataFrame | None = None,
    gap_value_col: str = "uncovered_per_year",
    gap_label_col: str | None = "lsoa_name",
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    tiles: bool = True,
    assets_url: str | None = None,
) -> folium.Map:
    """Map unit bases, their catchments at each cut-off and the ranked gaps, with a layer switcher."""
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    districts_layer(districts, name="District boundaries").add_to(m)
    if isochrones is not None and len(isochrones):
        group, legend = isochrone_layer(
            isochrones, label_col="vehicle_id" if "vehicle_id" in isochrones else None
        )
        group.add_to(m)
        legend.add_to(m)
    if gaps is not None and len(gaps):
        layer, legend = gaps_layer(
            gaps, value_col=gap_value_col, label_col=gap_label_col, unit="incidents a year not covered"
        )
        layer.add_to(m)
        legend.position = "bottomright"
        legend.add_to(m)
    _add_towns(m, towns)
    units_layer(bases).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def _own_catchments(
    bases: gpd.GeoDataFrame, new_bases: gpd.GeoDataFrame | None, isochrones: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Name the catchments after their units and keep, where the bases say, each unit's own target."""
    fleet = pd.concat([bases, new_bases]) if new_bases is not None else bases
    ids = isochrones["vehicle_id"].astype(str)
    names = ids.map(dict(zip(fleet["vehicle_id"].astype(str), fleet["name"].astype(str), strict=True)))
    own = isochrones.assign(unit=names.fillna(ids))
    if "target_min" in fleet.columns:  # each unit at its own target, not every unit's
        target = ids.map(dict(zip(fleet["vehicle_id"].astype(str), fleet["target_min"], strict=True)))
        own = own[target.isna() | (own["cutoff_min"].astype(float) == target.astype(float))]
    return own


def planner_map(
    bases: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame,
    new_bases: gpd.GeoDataFrame | None = None,
    candidates: pd.DataFrame | None = None,
    picks: pd.DataFrame | None = None,
    isochrones: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    tiles: bool = True,
    assets_url: str | None = None,
    quick_look: GridPreview | None = None,
) -> tuple[folium.Map, folium.FeatureGroup]:
    """Draw the Planner's map in two: what stays while a plan is edited, and the plan (click to place).

    The map holds the backdrop, districts, towns and legends; the layer (named "Plan") holds the
    catchments, candidate sites, recommended picks, today's and the placed units and the quick look,
    in that order. The page gives the layer to st_folium as ``feature_group_to_add``, so a click
    redraws the plan in the map already on the page, keeping its view, instead of a new map; for
    one map with everything on it, ``plan.add_to(m)``.

    ``quick_look`` gives the share within target with one more unit in each square, shown in a
    popup the moment the map is clicked (:class:`jru_geo.viz.leaflet.QuickLook`).

    ``isochrones`` (``vehicle_id, cutoff_min, geometry``) are the plan's catchments, of today's
    units and the placed ones alike, drawn as the Coverage map draws them
    (:func:`jru_geo.viz.layers.isochrone_layer`), each named after its unit in the tooltip and, when
    the bases have ``target_min``, only at that unit's own target.
    """
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    districts_layer(districts, name="District boundaries").add_to(m)
    plan = folium.FeatureGroup(name="Plan")
    if isochrones is not None and len(isochrones):
        group, legend = isochrone_layer(_own_catchments(bases, new_bases, isochrones), label_col="unit")
        group.add_to(plan)
        legend.add_to(m)
    _add_towns(m, towns)
    if candidates is not None and len(candidates):
        candidates_layer(candidates, name="Candidate sites", colour=OKABE_ITO["blue"]).add_to(plan)
    if picks is not None and len(picks):
        candidates_layer(picks, name="Recommended", colour=OKABE_ITO["green"], radius=9).add_to(plan)
    units_layer(bases, name="Current units").add_to(plan)
    if new_bases is not None and len(new_bases):
        units_layer(new_bases, name="New units", colour=OKABE_ITO["purple"]).add_to(plan)
    entries = [
        (OKABE_ITO["vermillion"], "current unit"),
        (OKABE_ITO["purple"], "new unit (placed)"),
        (OKABE_ITO["blue"], "candidate site"),
    ]
    if picks is not None and len(picks):
        entries.append((OKABE_ITO["green"], "recommended site"))
    Legend("Click the map to place a unit", entries, position="bottomright").add_to(m)
    QuickLook(quick_look).add_to(plan)  # with None, it only switches off the last one's popup
    return m, plan
