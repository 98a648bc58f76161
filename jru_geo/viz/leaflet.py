"""Leaflet pieces: the base map, the legend and background macros, GeoJSON in WGS84."""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.utilities import get_obj_in_upper_tree
from jinja2 import Template

from jru_geo._crs import bng_to_lonlat, to_bng, to_wgs84
from jru_geo._validate import require_columns
from jru_geo.io.sites import town_labels
from jru_geo.settings import WGS84
from jru_geo.viz.style import _SEA

if TYPE_CHECKING:
    from jru_geo.optimise.preview import GridPreview

__all__ = ["KENT_BOUNDS", "town_labels", "Legend", "QuickLook", "base_map", "copy_map"]

KENT_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((50.90, 0.03), (51.50, 1.46))
"""South-west and north-east corners (lat, lon) of Kent and Medway, for fitting the view."""


_TEMPLATE_MARKS = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;"})


def _esc(value: object) -> str:
    """``value`` as HTML text for a tooltip, popup or label: HTML-escaped, template marks as entities.

    branca renders each element's output again as a Jinja template, so a name holding ``{{ ... }}``
    or ``{% ... %}`` would otherwise be evaluated on the server; and folium writes a tooltip's text
    into a JavaScript template literal, where a backtick would end the string and ``${...}`` would
    run in the browser. ``&#123;``, ``&#96;`` and ``&#36;`` show as ``{``, a backtick and ``$``.
    """
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return html.escape(text).translate(_TEMPLATE_MARKS)


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    require_columns(frame, columns, what=what)


def _bng(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    return to_bng(gdf, what=what)


def _to_wgs84(gdf: gpd.GeoDataFrame, *, simplify_m: float, what: str) -> gpd.GeoSeries:
    """Geometries simplified in metres, reprojected to WGS84 and rounded to ~1 m (1e-5 degrees)."""
    geoms = _bng(gdf, what).geometry
    if simplify_m > 0:
        geoms = geoms.simplify(simplify_m, preserve_topology=True)
    wgs = to_wgs84(geoms, what=what)
    return gpd.GeoSeries(shapely.set_precision(wgs.to_numpy(), 1e-5), index=wgs.index, crs=WGS84)


def _latlon(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = bng_to_lonlat(easting, northing)
    return np.round(lat, 6), np.round(lon, 6)


def _geojson(geoms: gpd.GeoSeries, props: dict[str, Sequence[object]]) -> dict[str, object]:
    """Build a FeatureCollection dict; property values must already be JSON-safe (str/float/int)."""
    features = []
    for i, geom in enumerate(geoms.to_numpy()):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geom)),
                "properties": {k: v[i] for k, v in props.items()},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------------------------------
# Legend


class Legend(MacroElement):
    """A fixed legend box: coloured swatches with labels and a caption (text is HTML-escaped).

    Parameters
    ----------
    caption
        Title with its unit, e.g. ``"Incidents per 1,000 residents"``.
    entries
        ``(colour, label)`` pairs, top to bottom.
    position
        Leaflet control corner.
    layer
        When given, the legend shows only while this layer is on the map (ticked in the layer
        control); otherwise it always shows.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'jru-legend');
                div.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
                    + 'font:12px/1.35 sans-serif;color:#222;box-shadow:0 1px 4px rgba(0,0,0,0.3);';
                div.innerHTML = {{ this.inner_html|tojson }};
                return div;
            };
            var map = {{ this._parent.get_name() }};
            {% if this.layer is not none %}
            var layer = {{ this.layer.get_name() }};
            if (map.hasLayer(layer)) { legend.addTo(map); }
            map.on('overlayadd', function (e) { if (e.layer === layer) { legend.addTo(map); } });
            map.on('overlayremove', function (e) { if (e.layer === layer) { legend.remove(); } });
            {% else %}
            legend.addTo(map);
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        caption: str,
        entries: Sequence[tuple[str, str]],
        *,
        position: str = "bottomright",
        layer: folium.map.Layer | None = None,
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.layer = layer
        self.caption = caption
        self.entries = list(entries)
        self.position = position
        rows = "".join(
            f'<div><span style="display:inline-block;width:14px;height:10px;margin-right:6px;'
            f'background:{_esc(colour)};border:1px solid #555"></span>{_esc(label)}</div>'
            for colour, label in self.entries
        )
        self.inner_html = f"<b>{_esc(caption)}</b>{rows}"


# --------------------------------------------------------------------------------------------------
# Quick look at a click


class QuickLook(MacroElement):
    """On a map click, a popup at once with the square's figure, before the server hears of it.

    The squares' figures come with the map (:class:`jru_geo.optimise.preview.GridPreview`); the
    browser finds the square whose centre is nearest the click and shows its share within target.
    A click farther than half a square from every centre says there is no estimate there.

    It may sit on the map or in a layer of it (the Planner's plan layer, which st_folium swaps on
    each run in the map already drawn): each one drawn closes the last one's popup (the engine's
    figures have come) and replaces its click handler; one made with ``preview=None`` only removes
    it (no quick look while a unit is being moved). Clicks pass through the popup to the map.

    Parameters
    ----------
    preview
        The squares and their shares within target (EPSG:27700 metres, percentages), or None.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this.map_name() }};
            if (window.__jruQuickLook) { map.off('click', window.__jruQuickLook); }
            // the engine's figures have come: close the last popup
            if (window.__jruQuickLookPopup) { map.closePopup(window.__jruQuickLookPopup); }
            window.__jruQuickLook = window.__jruQuickLookPopup = null;
            if (!document.getElementById('jru-quick-look-css')) {  // clicks go through it to the map
                var css = document.createElement('style');
                css.id = 'jru-quick-look-css';
                css.textContent = '.jru-quick-look, .jru-quick-look * { pointer-events: none !important; }';
                document.head.appendChild(css);
            }
            {% if this.lat is not none %}
            var lat = {{ this.lat|tojson }}, lon = {{ this.lon|tojson }}, pct = {{ this.pct|tojson }};
            var half = {{ this.half_m|tojson }}, head = {{ this.head|tojson }}, tail = {{ this.tail|tojson }};
            var far = {{ this.far|tojson }};
            window.__jruQuickLook = function (e) {
                var k = Math.cos(e.latlng.lat * Math.PI / 180), best = -1, bd = Infinity;
                for (var i = 0; i < lat.length; i++) {
                    var dy = lat[i] - e.latlng.lat, dx = (lon[i] - e.latlng.lng) * k, d = dx * dx + dy * dy;
                    if (d < bd) { bd = d; best = i; }
                }
                var near = best >= 0
                    && Math.abs(lat[best] - e.latlng.lat) * 111320 <= half
                    && Math.abs(lon[best] - e.latlng.lng) * 111320 * k <= half;
                var html = near
                    ? head + '<b>' + pct[best].toFixed(1) + '%</b>' + tail
                    : far;
                var opts = {closeButton: false, autoPan: false, className: 'jru-quick-look'};
                window.__jruQuickLookPopup = L.popup(opts).setLatLng(e.latlng).setContent(html).openOn(map);
            };
            map.on('click', window.__jruQuickLook);
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, preview: GridPreview | None) -> None:
        super().__init__()
        self._name = "QuickLook"
        self.lat: list[float] | None = None
        if preview is None:
            return
        east = np.asarray(preview.grid.easting, dtype=np.float64)
        north = np.asarray(preview.grid.northing, dtype=np.float64)
        lon, lat = bng_to_lonlat(east, north) if len(east) else (np.zeros(0), np.zeros(0))
        self.lat = [round(float(v), 4) for v in lat]
        self.lon = [round(float(v), 4) for v in lon]
        self.pct = [round(float(v), 1) for v in np.asarray(preview.with_pct, dtype=np.float64)]
        cell_m = float(preview.grid.cell_m)
        self.half_m = cell_m * 0.75  # the nearest centre's square, with slack for the projection
        km = f"{cell_m / 1000:g} km"
        box = '<div style="font:12px/1.3 sans-serif;max-width:230px">'
        self.head = (
            f"{box}<b>Quick look</b>: within {float(preview.grid.target_min):.0f} min "
            f"{float(preview.without_pct):.1f}% now, about "
        )
        self.tail = (
            f" with a unit in this {_esc(km)} square (LSOA centres). The engine's figures follow.</div>"
        )
        self.far = f"{box}<b>Quick look</b>: no estimate here, outside the area's squares.</div>"

    def map_name(self) -> str:
        """Name the Leaflet variable of the map this is on, directly or through the layers above it."""
        return str(get_obj_in_upper_tree(self, folium.Map).get_name())


# --------------------------------------------------------------------------------------------------
# Towns


# --------------------------------------------------------------------------------------------------
# The map and its layers


def base_map(
    *,
    tiles: bool = True,
    assets_url: str | None = None,
    bounds: tuple[tuple[float, float], tuple[float, float]] = KENT_BOUNDS,
) -> folium.Map:
    """Make an empty map fitted to Kent.

    Parameters
    ----------
    tiles
        Draw OpenStreetMap web tiles. ``False`` draws none (closed networks, deterministic
        screenshots): the background is a plain sea colour, so add :func:`outline_layer`.
    assets_url
        Base URL of a local Leaflet copy holding ``leaflet.js``, ``leaflet.css`` and
        ``leaflet-heat.js``; ``None`` uses the public CDN. Only Leaflet itself is loaded (no
        jQuery/Bootstrap), as no builder here needs more.
    bounds
        ``((south, west), (north, east))`` in degrees to fit.
    """
    m = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=9,
        tiles="OpenStreetMap" if tiles else None,
        control_scale=True,
        prefer_canvas=True,
        zoom_snap=0.25,
    )
    if assets_url is not None:
        base = assets_url.rstrip("/")
        m.default_js = [("leaflet", f"{base}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    else:
        m.default_js = [m.default_js[0]]
        m.default_css = [m.default_css[0]]
    m.fit_bounds([list(bounds[0]), list(bounds[1])])
    if not tiles:
        _Background(_SEA).add_to(m)
    return m


class _Background(MacroElement):
    """Paints the map container (the sea, when there are no tiles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background = {{ this.colour|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, colour: str) -> None:
        super().__init__()
        self._name = "Background"
        self.colour = colour


def copy_map(m: folium.Map) -> folium.Map:
    """Copy ``m`` deeply to draw it once more, sharing its layers' ``data`` with ``m``.

    Drawing a map changes it (branca adds the rendered parts to its figure, st_folium renames
    elements), so a map kept for many runs is copied before each; but nothing that draws it writes
    to a layer's ``data`` (the GeoJSON dicts and heat points, which folium only reads), so those
    are shared instead of copied: 0.12 s a run on the Heatmap's 6,889 heat squares.
    """
    memo: dict[int, object] = {}
    stack: list[object] = [m]
    while stack:
        element = stack.pop()
        data = getattr(element, "data", None)
        if isinstance(data, dict | list):
            memo[id(data)] = data  # deepcopy takes a memo entry as the copy already made
        stack.extend(getattr(element, "_children", {}).values())
    return copy.deepcopy(m, memo)
