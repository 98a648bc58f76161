"""Folium map builders for the dashboard: pure functions that return new folium objects.

Everything in :mod:`jru_geo` is EPSG:27700; this module is the map edge, where geometries are
simplified, reprojected to WGS84 and rounded to about a metre.

Rules the builders keep:

* **Aggregate, never one marker per incident.** Incidents reach a map as a heat map or as square
  bins of ``cell_m`` metres, so 100,000 incidents make a page well under 5 MB of HTML.
* **Escape user text.** Every string that may come from a user's file (categories, names, labels)
  goes through :func:`html.escape` before it reaches a tooltip, popup or label: folium writes
  tooltips with ``innerHTML``.
* **Colour-blind-safe colours.** Sequential data use viridis; categorical marks use the Okabe-Ito
  palette. Every coloured layer has a legend with its unit.
* **Works offline.** ``tiles=False`` draws no web tiles: the Kent outline, districts and town labels
  still give the map its bearings. ``assets_url`` points Leaflet's JavaScript and CSS at a local
  copy (the app serves one under ``/app/static/leaflet``), so the map needs no internet at all.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import HeatMap
from jinja2 import Template
from matplotlib import colormaps

from jru_geo.errors import JruGeoError
from jru_geo.settings import BNG, WGS84

__all__ = [
    "KENT_BOUNDS",
    "OKABE_ITO",
    "viridis_hex",
    "class_breaks",
    "town_labels",
    "Legend",
    "base_map",
    "outline_layer",
    "districts_layer",
    "towns_layer",
    "units_layer",
    "candidates_layer",
    "heatmap_layer",
    "binned_layer",
    "choropleth_layer",
    "isochrone_layer",
    "gaps_layer",
    "overview_map",
    "heatmap_map",
    "coverage_map",
    "planner_map",
    "map_html_size",
]

KENT_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((50.90, 0.03), (51.50, 1.46))
"""South-west and north-east corners (lat, lon) of Kent and Medway, for fitting the view."""

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
"""The Okabe-Ito colour-blind-safe palette for categorical marks."""

_LAND = "#f4f1ea"
_SEA = "#dde8f0"
_LINE = "#4d4d4d"
_HEAT_GRADIENT = {0.2: "#3b528b", 0.4: "#21918c", 0.6: "#5ec962", 0.8: "#c8e020", 1.0: "#fde725"}


def viridis_hex(n: int) -> list[str]:
    """``n`` evenly spaced viridis colours as hex strings, dark (low) to yellow (high)."""
    if n < 1:
        raise JruGeoError(f"need at least one colour, got n={n}")
    cmap = colormaps["viridis"]
    stops = [0.5] if n == 1 else np.linspace(0.05, 0.95, n)
    return ["#{:02x}{:02x}{:02x}".format(*(int(round(255 * c)) for c in cmap(float(s))[:3])) for s in stops]


def class_breaks(values: Sequence[float] | np.ndarray, *, n_classes: int = 5) -> list[float]:
    """Upper bounds of ``n_classes`` equal-count (quantile) classes, rounded for a legend.

    Returns at most ``n_classes`` strictly increasing values; the last is the maximum. Empty or
    all-NaN input gives ``[0.0]``.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return [0.0]
    qs = np.quantile(arr, np.linspace(0, 1, n_classes + 1)[1:])
    span = float(arr.max() - arr.min()) or float(abs(arr.max())) or 1.0
    digits = max(0, int(np.ceil(-np.log10(span / 100))))
    rounded = [round(float(q), digits) for q in qs]
    rounded[-1] = max(rounded[-1], float(arr.max()))
    return sorted(set(rounded))


def _class_of(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    return np.minimum(np.searchsorted(np.asarray(breaks), values, side="left"), len(breaks) - 1)


def _esc(value: object) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise JruGeoError(f"{what} lacks columns {missing}; it has {list(frame.columns)}")


def _bng(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise JruGeoError(f"{what} has no CRS: set it (EPSG:27700 inside jru_geo) before mapping")
    return gdf if gdf.crs.to_epsg() == 27700 else gdf.to_crs(BNG)


def _to_wgs84(gdf: gpd.GeoDataFrame, *, simplify_m: float, what: str) -> gpd.GeoSeries:
    """Geometries simplified in metres, reprojected to WGS84 and rounded to ~1 m (1e-5 degrees)."""
    geoms = _bng(gdf, what).geometry
    if simplify_m > 0:
        geoms = geoms.simplify(simplify_m, preserve_topology=True)
    wgs = geoms.to_crs(WGS84)
    return gpd.GeoSeries(shapely.set_precision(wgs.to_numpy(), 1e-5), index=wgs.index, crs=WGS84)


def _latlon(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pts = gpd.GeoSeries(gpd.points_from_xy(easting, northing), crs=BNG).to_crs(WGS84)
    return np.round(pts.y.to_numpy(), 6), np.round(pts.x.to_numpy(), 6)


def _geojson(geoms: gpd.GeoSeries, props: dict[str, Sequence[object]]) -> dict[str, object]:
    """A FeatureCollection dict; property values must already be JSON-safe (str/float/int)."""
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
# Towns


def town_labels(sites: pd.DataFrame) -> pd.DataFrame:
    """Town names and positions from the candidate-sites table (one per police station).

    ``"Ashford police station"`` gives ``"Ashford"``; a place in brackets wins:
    ``"Medway police station (Gillingham)"`` gives ``"Gillingham"``.

    Parameters
    ----------
    sites
        ``name, kind, easting, northing`` (:func:`jru_geo.boundaries.load_candidate_sites`).

    Returns
    -------
    DataFrame
        ``name, easting, northing``, one row per town, sorted by name.
    """
    _require(sites, ("name", "kind", "easting", "northing"), "sites")
    stations = sites[sites["kind"].astype(str) == "police_station"]
    names = stations["name"].astype(str)
    bracket = names.str.extract(r"\(([^)]+)\)")[0]
    plain = names.str.replace(r"\s*police station.*$", "", regex=True, case=False).str.strip()
    town = bracket.fillna(plain)
    out = pd.DataFrame(
        {
            "name": town.to_numpy(),
            "easting": stations["easting"].to_numpy(float),
            "northing": stations["northing"].to_numpy(float),
        }
    )
    return out.drop_duplicates("name").sort_values("name").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# The map and its layers


def base_map(
    *,
    tiles: bool = True,
    assets_url: str | None = None,
    bounds: tuple[tuple[float, float], tuple[float, float]] = KENT_BOUNDS,
) -> folium.Map:
    """An empty map fitted to Kent.

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


def outline_layer(
    outline: gpd.GeoDataFrame, *, filled: bool = True, name: str = "Kent outline"
) -> folium.GeoJson:
    """The Kent and Medway outline; ``filled`` paints land colour (use it when there are no tiles)."""
    geoms = _to_wgs84(outline, simplify_m=50, what="outline")
    style = {
        "color": _LINE,
        "weight": 1.5,
        "fillColor": _LAND,
        "fillOpacity": 1.0 if filled else 0.0,
    }
    return folium.GeoJson(
        _geojson(geoms, {}),
        name=name,
        style_function=lambda _f: style,
        control=False,
        interactive=False,
    )


def districts_layer(
    districts: gpd.GeoDataFrame, *, name: str = "Districts", fill_opacity: float = 0.0
) -> folium.GeoJson:
    """District boundaries with the district name as a tooltip."""
    _require(districts, ("district_code", "district_name"), "districts")
    geoms = _to_wgs84(districts, simplify_m=30, what="districts")
    tips = [f"<b>{_esc(n)}</b>" for n in districts["district_name"]]
    style = {"color": _LINE, "weight": 1.0, "fillColor": "#ffffff", "fillOpacity": fill_opacity}
    return folium.GeoJson(
        _geojson(geoms, {"district_code": [str(c) for c in districts["district_code"]], "tooltip": tips}),
        name=name,
        style_function=lambda _f: style,
        highlight_function=lambda _f: {"weight": 2.5},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )


def towns_layer(towns: pd.DataFrame, *, name: str = "Towns") -> folium.FeatureGroup:
    """Small grey town-name labels (no web tiles needed)."""
    _require(towns, ("name", "easting", "northing"), "towns")
    lat, lon = _latlon(towns["easting"].to_numpy(float), towns["northing"].to_numpy(float))
    group = folium.FeatureGroup(name=name, control=False)
    for town, la, lo in zip(towns["name"], lat, lon, strict=True):
        label = (
            '<div style="font:11px sans-serif;color:#333;white-space:nowrap;'
            f'text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,3px)">{_esc(town)}</div>'
        )
        folium.Marker([la, lo], icon=folium.DivIcon(html=label, icon_size=(0, 0)), interactive=False).add_to(
            group
        )
    return group


def units_layer(
    bases: gpd.GeoDataFrame,
    *,
    name: str = "JRU bases",
    colour: str = OKABE_ITO["vermillion"],
    labels: bool = True,
) -> folium.FeatureGroup:
    """One circle per vehicle base, labelled with the vehicle id; tooltip with name and hours.

    Parameters
    ----------
    bases
        ``vehicle_id, name, geometry`` (:func:`jru_geo.scenario.resolve_bases`); ``weekly_hours``,
        ``target_min`` and ``base_label`` are shown when present.
    labels
        Show the vehicle id beside each base permanently.
    """
    _require(bases, ("vehicle_id", "name"), "bases")
    pts = _to_wgs84(bases, simplify_m=0, what="bases")
    group = folium.FeatureGroup(name=name)
    for i, (_, row) in enumerate(bases.iterrows()):
        geom = pts.iloc[i]
        if geom is None or geom.is_empty:
            continue
        lines = [f"<b>{_esc(row['name'])}</b>"]
        if "base_label" in bases.columns and str(row["base_label"] or ""):
            lines.append(_esc(row["base_label"]))
        if "weekly_hours" in bases.columns:
            lines.append(f"{float(row['weekly_hours']):.0f} hours a week on shift")
        if "target_min" in bases.columns:
            lines.append(f"target {float(row['target_min']):.0f} min")
        marker = folium.CircleMarker(
            [geom.y, geom.x],
            radius=8,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=1.0,
            tooltip=folium.Tooltip("<br>".join(lines)),
        )
        marker.add_to(group)
        if labels:
            tag = (
                f'<div style="font:bold 12px sans-serif;color:{_esc(colour)};white-space:nowrap;'
                f'text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;transform:translate(10px,-50%)">'
                f"{_esc(row['vehicle_id'])}</div>"
            )
            folium.Marker(
                [geom.y, geom.x], icon=folium.DivIcon(html=tag, icon_size=(0, 0)), interactive=False
            ).add_to(group)
    return group


def candidates_layer(
    candidates: pd.DataFrame,
    *,
    name: str = "Candidate sites",
    colour: str = OKABE_ITO["blue"],
    radius: int = 5,
    show: bool = True,
) -> folium.FeatureGroup:
    """Candidate bases as small circles with name (and kind) tooltips.

    Parameters
    ----------
    candidates
        ``name`` plus ``lat, lon`` (degrees) or ``easting, northing`` (metres), as
        :func:`jru_geo.scenario.default_candidates` returns; ``kind`` and ``gain`` shown if present.
    """
    _require(candidates, ("name",), "candidates")
    if {"lat", "lon"} <= set(candidates.columns):
        lat, lon = candidates["lat"].to_numpy(float), candidates["lon"].to_numpy(float)
    elif {"easting", "northing"} <= set(candidates.columns):
        lat, lon = _latlon(candidates["easting"].to_numpy(float), candidates["northing"].to_numpy(float))
    else:
        raise JruGeoError(
            f"candidates need lat+lon or easting+northing; they have {list(candidates.columns)}"
        )
    group = folium.FeatureGroup(name=name, show=show)
    for i, (_, row) in enumerate(candidates.iterrows()):
        tip = f"<b>{_esc(row['name'])}</b>"
        if "kind" in candidates.columns:
            tip += f"<br>{_esc(str(row['kind']).replace('_', ' '))}"
        if "gain" in candidates.columns:
            tip += f"<br>gain {_esc(row['gain'])}"
        folium.CircleMarker(
            [float(lat[i]), float(lon[i])],
            radius=radius,
            color=colour,
            weight=1.5,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=0.9,
            tooltip=folium.Tooltip(tip),
        ).add_to(group)
    return group


def _bin_points(
    incidents: gpd.GeoDataFrame, cell_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Square bins: (cell keys ix, iy, counts, inverse index of each incident)."""
    if cell_m <= 0:
        raise JruGeoError(f"cell_m must be > 0 metres, got {cell_m}")
    geoms = _bng(incidents, "incidents").geometry.to_numpy()
    x = np.full(len(geoms), np.nan)
    y = np.full(len(geoms), np.nan)
    ok = ~shapely.is_missing(geoms)
    ok[ok] = shapely.get_type_id(geoms[ok]) == 0  # points only
    x[ok], y[ok] = shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])
    keep = np.isfinite(x) & np.isfinite(y)
    ix = np.floor(x[keep] / cell_m).astype(np.int64)
    iy = np.floor(y[keep] / cell_m).astype(np.int64)
    keys, inverse, counts = np.unique(
        np.stack([ix, iy], axis=1), axis=0, return_inverse=True, return_counts=True
    )
    keys = keys.reshape(-1, 2)
    full_inverse = np.full(len(geoms), -1, dtype=np.int64)
    full_inverse[keep] = inverse.ravel()
    return keys[:, 0], keys[:, 1], counts, full_inverse


def heatmap_layer(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = 250.0,
    name: str = "Incident density",
    assets_url: str | None = None,
    radius: int = 10,
) -> HeatMap:
    """A heat map of incidents binned to ``cell_m`` squares (one weighted point per busy square).

    Weights are the square's count over the 99.9th-centile count, capped at 1, so one hotspot does not
    wash out the rest. At 250 m, Kent has at most a few thousand busy squares, whatever the
    number of incidents.
    """
    ix, iy, counts, _ = _bin_points(incidents, cell_m)
    lat, lon = _latlon((ix + 0.5) * cell_m, (iy + 0.5) * cell_m)
    cap = float(np.quantile(counts, 0.999)) if len(counts) else 1.0
    weight = np.round(np.minimum(counts / max(cap, 1.0), 1.0), 3)
    layer = HeatMap(
        np.column_stack([lat, lon, weight]).tolist(),
        name=name,
        radius=radius,
        blur=10,
        min_opacity=0.25,
        gradient=_HEAT_GRADIENT,
    )
    if assets_url is not None:
        layer.default_js = [("leaflet-heat.js", f"{assets_url.rstrip('/')}/leaflet-heat.js")]
    return layer


def binned_layer(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = 1000.0,
    label_col: str = "category_original",
    name: str = "Incidents per square",
    show: bool = False,
) -> tuple[folium.GeoJson, Legend]:
    """Square bins of ``cell_m`` metres coloured by count, tooltip with the count and top labels.

    The tooltip names the three most frequent values of ``label_col`` in the square (user text,
    HTML-escaped). Returns the layer and its legend.
    """
    _require(incidents, (label_col,), "incidents")
    ix, iy, counts, inverse = _bin_points(incidents, cell_m)
    labels = incidents[label_col].astype(object).to_numpy()
    top: list[str] = []
    if len(counts):
        frame = pd.DataFrame({"cell": inverse, "label": labels})
        frame = frame[frame["cell"] >= 0]
        ranked = frame.groupby(["cell", "label"]).size().rename("n").reset_index()
        ranked = ranked.sort_values(["cell", "n", "label"], ascending=[True, False, True])
        best = ranked.groupby("cell").head(3)
        joined = best.assign(
            t=[f"{_esc(lab)} ({n})" for lab, n in zip(best["label"], best["n"], strict=True)]
        )
        text = joined.groupby("cell")["t"].agg("<br>".join)
        top = text.reindex(range(len(counts)), fill_value="").tolist()
    squares = shapely.box(ix * cell_m, iy * cell_m, (ix + 1) * cell_m, (iy + 1) * cell_m)
    geoms = _to_wgs84(gpd.GeoDataFrame(geometry=squares, crs=BNG), simplify_m=0, what="bins")
    breaks = class_breaks(counts)
    colours = viridis_hex(len(breaks))
    cls = _class_of(counts.astype(float), breaks)
    tips = [f"<b>{int(c):,} incidents</b><br>{t}" for c, t in zip(counts, top, strict=True)]
    data = _geojson(geoms, {"fill": [colours[k] for k in cls], "tooltip": tips})
    layer = folium.GeoJson(
        data,
        name=name,
        show=show,
        style_function=lambda f: {
            "color": f["properties"]["fill"],
            "weight": 0,
            "fillOpacity": 0.65,
            "fillColor": f["properties"]["fill"],
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )
    legend = Legend(f"Incidents per {cell_m / 1000:g} km square", _legend_entries(breaks, colours, digits=0))
    return layer, legend


def _legend_entries(breaks: Sequence[float], colours: Sequence[str], *, digits: int) -> list[tuple[str, str]]:
    entries = []
    low: float | None = None
    for b, c in zip(breaks, colours, strict=True):
        label = f"up to {b:,.{digits}f}" if low is None else f"{low:,.{digits}f} to {b:,.{digits}f}"
        entries.append((c, label))
        low = b
    return entries


def choropleth_layer(
    districts: gpd.GeoDataFrame,
    counts: pd.DataFrame,
    *,
    value_col: str = "rate_per_1000",
    caption: str = "Incidents per 1,000 residents",
    name: str = "Rate per 1,000 residents",
    n_classes: int = 5,
) -> tuple[folium.GeoJson, Legend]:
    """Districts coloured by ``value_col`` (viridis, quantile classes), with a legend.

    Parameters
    ----------
    districts
        ``district_code, district_name, geometry``.
    counts
        ``district_code``, ``value_col`` and optionally ``incidents`` and ``population``
        (:func:`jru_geo.join.counts_by_area`).
    """
    _require(districts, ("district_code", "district_name"), "districts")
    _require(counts, ("district_code", value_col), "counts")
    by_code = counts.set_index("district_code")
    values = by_code[value_col].reindex(districts["district_code"]).to_numpy(dtype=float)
    breaks = class_breaks(values, n_classes=n_classes)
    colours = viridis_hex(len(breaks))
    cls = _class_of(np.nan_to_num(values, nan=-np.inf), breaks)
    fills = [colours[k] if np.isfinite(v) else "#bdbdbd" for k, v in zip(cls, values, strict=True)]
    n_inc = (
        by_code["incidents"].reindex(districts["district_code"]).to_numpy()
        if "incidents" in by_code.columns
        else [None] * len(values)
    )
    tips = []
    for nm, v, n in zip(districts["district_name"], values, n_inc, strict=True):
        tip = (
            f"<b>{_esc(nm)}</b><br>{v:,.2f} per 1,000 residents"
            if np.isfinite(v)
            else f"<b>{_esc(nm)}</b><br>no data"
        )
        if n is not None and pd.notna(n):
            tip += f"<br>{int(n):,} incidents"
        tips.append(tip)
    geoms = _to_wgs84(districts, simplify_m=30, what="districts")
    data = _geojson(geoms, {"fill": fills, "tooltip": tips})
    layer = folium.GeoJson(
        data,
        name=name,
        style_function=lambda f: {
            "color": "#ffffff",
            "weight": 1.2,
            "fillOpacity": 0.75,
            "fillColor": f["properties"]["fill"],
        },
        highlight_function=lambda _f: {"weight": 3, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )
    digits = 1 if breaks[-1] >= 10 else 2
    return layer, Legend(caption, _legend_entries(breaks, colours, digits=digits))


def isochrone_layer(
    isochrones: gpd.GeoDataFrame,
    *,
    time_col: str = "cutoff_min",
    label_col: str | None = None,
    name: str = "Catchments",
) -> tuple[folium.FeatureGroup, Legend]:
    """Catchment polygons, one colour per cut-off (largest drawn first), with a legend.

    Parameters
    ----------
    isochrones
        Polygons with a numeric ``time_col`` (minutes) and optionally ``label_col`` (e.g. the
        vehicle name) for the tooltip.
    """
    _require(isochrones, (time_col,), "isochrones")
    cutoffs = sorted({float(t) for t in isochrones[time_col]})
    colours = dict(
        zip(cutoffs, reversed(viridis_hex(len(cutoffs))) if len(cutoffs) > 1 else viridis_hex(1), strict=True)
    )
    group = folium.FeatureGroup(name=name)
    geoms = _to_wgs84(isochrones, simplify_m=50, what="isochrones")
    for cutoff in reversed(cutoffs):
        mask = (isochrones[time_col].astype(float) == cutoff).to_numpy()
        labels = isochrones[label_col].to_numpy()[mask] if label_col else [""] * int(mask.sum())
        tips = [f"{(_esc(lab) + ': ') if lab else ''}within {cutoff:g} min" for lab in labels]
        colour = colours[cutoff]
        folium.GeoJson(
            _geojson(geoms[mask], {"tooltip": tips}),
            name=f"{cutoff:g} min",
            style_function=lambda _f, c=colour: {
                "color": c,
                "weight": 1.2,
                "fillColor": c,
                "fillOpacity": 0.25,
            },
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        ).add_to(group)
    legend = Legend(
        "Reached within", [(colours[c], f"{c:g} minutes") for c in cutoffs], position="bottomleft"
    )
    return group, legend


def gaps_layer(
    gaps: gpd.GeoDataFrame,
    *,
    value_col: str,
    label_col: str | None = None,
    unit: str = "incidents not covered",
    top_n: int = 50,
    name: str = "Coverage gaps",
) -> tuple[folium.GeoJson, Legend]:
    """The ``top_n`` largest gaps (polygons or points) coloured by ``value_col``, ranked in the tooltip."""
    _require(gaps, (value_col,), "gaps")
    ranked = gaps.sort_values(value_col, ascending=False, kind="stable").head(top_n)
    values = ranked[value_col].to_numpy(dtype=float)
    breaks = class_breaks(values, n_classes=4)
    colours = viridis_hex(len(breaks))
    cls = _class_of(values, breaks)
    labels = ranked[label_col].to_numpy() if label_col else [""] * len(ranked)
    tips = [
        f"<b>#{r + 1}</b> {_esc(lab)}<br>{v:,.1f} {_esc(unit)}"
        for r, (lab, v) in enumerate(zip(labels, values, strict=True))
    ]
    geoms = _to_wgs84(ranked, simplify_m=20, what="gaps")
    data = _geojson(geoms, {"fill": [colours[k] for k in cls], "tooltip": tips})
    layer = folium.GeoJson(
        data,
        name=name,
        style_function=lambda f: {
            "color": "#222222",
            "weight": 0.6,
            "fillOpacity": 0.7,
            "fillColor": f["properties"]["fill"],
        },
        marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.8),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )
    digits = 0 if breaks[-1] >= 10 else 1
    return layer, Legend(
        f"Gap: {unit} (top {len(ranked)})",
        _legend_entries(breaks, colours, digits=digits),
        position="bottomleft",
    )


def _backdrop(outline: gpd.GeoDataFrame | None, *, tiles: bool, assets_url: str | None) -> folium.Map:
    """A base map with the Kent outline (painted as land when there are no web tiles)."""
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
) -> folium.Map:
    """Incident density (heat map), the district rate choropleth and 1 km bins, with a layer switcher.

    The choropleth and the bins start hidden behind the heat map; the layer control switches them,
    and each one's legend shows only while it is ticked.
    """
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    choropleth, legend = choropleth_layer(districts, counts)
    choropleth.show = False
    choropleth.add_to(m)
    districts_layer(districts, name="District boundaries").add_to(m)
    bins, bins_legend = binned_layer(incidents, show=False)
    bins.add_to(m)
    heatmap_layer(incidents, cell_m=cell_m, assets_url=assets_url).add_to(m)
    _add_towns(m, towns)
    legend.layer = choropleth  # each legend shows only while its layer is ticked
    legend.add_to(m)
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
    """Unit bases, their catchments at each cut-off and the ranked gaps, with a layer switcher."""
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


def planner_map(
    bases: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame,
    new_bases: gpd.GeoDataFrame | None = None,
    candidates: pd.DataFrame | None = None,
    picks: pd.DataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
    towns: pd.DataFrame | None = None,
    tiles: bool = True,
    assets_url: str | None = None,
) -> folium.Map:
    """Existing bases, units placed by the user, candidate sites and recommended picks (click to place)."""
    m = _backdrop(outline, tiles=tiles, assets_url=assets_url)
    districts_layer(districts, name="District boundaries").add_to(m)
    _add_towns(m, towns)
    if candidates is not None and len(candidates):
        candidates_layer(candidates, name="Candidate sites", colour=OKABE_ITO["blue"]).add_to(m)
    if picks is not None and len(picks):
        candidates_layer(picks, name="Recommended", colour=OKABE_ITO["green"], radius=9).add_to(m)
    units_layer(bases, name="Current units").add_to(m)
    if new_bases is not None and len(new_bases):
        units_layer(new_bases, name="New units", colour=OKABE_ITO["purple"]).add_to(m)
    entries = [
        (OKABE_ITO["vermillion"], "current unit"),
        (OKABE_ITO["purple"], "new unit (placed)"),
        (OKABE_ITO["blue"], "candidate site"),
    ]
    if picks is not None and len(picks):
        entries.append((OKABE_ITO["green"], "recommended site"))
    Legend("Click the map to place a unit", entries, position="bottomright").add_to(m)
    return m
