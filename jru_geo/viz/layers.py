"""Map layers: outline, districts, towns, units, candidates, heat, bins, choropleth, catchments, gaps."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import HeatMap

from jru_geo.errors import MapError
from jru_geo.settings import BNG
from jru_geo.viz.leaflet import Legend, _bng, _esc, _geojson, _latlon, _require, _to_wgs84
from jru_geo.viz.style import _HEAT_GRADIENT, _LAND, _LINE, OKABE_ITO, _class_of, class_breaks, viridis_hex

__all__ = [
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
]


def outline_layer(
    outline: gpd.GeoDataFrame, *, filled: bool = True, name: str = "Kent outline"
) -> folium.GeoJson:
    """Draw the Kent and Medway outline; ``filled`` paints land colour (use it when there are no tiles)."""
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
        ``vehicle_id, name, geometry`` (:func:`jru_geo.io.bases.resolve_bases`); ``weekly_hours``,
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
        :func:`jru_geo.io.sites.default_candidates` returns; ``kind`` and ``gain`` shown if present.
    """
    _require(candidates, ("name",), "candidates")
    if {"lat", "lon"} <= set(candidates.columns):
        lat, lon = candidates["lat"].to_numpy(float), candidates["lon"].to_numpy(float)
    elif {"easting", "northing"} <= set(candidates.columns):
        lat, lon = _latlon(candidates["easting"].to_numpy(float), candidates["northing"].to_numpy(float))
    else:
        raise MapError(f"candidates need lat+lon or easting+northing; they have {list(candidates.columns)}")
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


HEAT_MAX_POINTS = 12_000
"""Most weighted points a heat map sends (about 300 kB): Kent's demo year has 6,889 at 250 m, its
police.uk January-March 2025 6,512; London's million demo incidents 23,671 (6,425 at 500 m)."""


def _frame_geojson(geoms: gpd.GeoSeries, props: dict[str, Sequence[object]]) -> str:
    """Build a FeatureCollection for the whole frame in one ``to_json`` (not one feature at a time).

    Each feature gets its position as a short ``id`` (folium's style switch then lists ids, not
    tooltips); missing or empty geometries are left out. Property values must be JSON-safe.
    """
    frame = gpd.GeoDataFrame(
        {k: np.asarray(v, dtype=object) for k, v in props.items()},
        geometry=geoms.to_numpy(),
        crs=geoms.crs,
    )
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    return frame.to_json(drop_id=False)


def _bin_points(
    incidents: gpd.GeoDataFrame, cell_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Square bins: (cell keys ix, iy, counts, inverse index of each incident)."""
    if cell_m <= 0:
        raise MapError(f"cell_m must be > 0 metres, got {cell_m}")
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
    max_points: int = HEAT_MAX_POINTS,
) -> HeatMap:
    """Draw a heat map of incidents binned to ``cell_m`` squares (one weighted point per busy square).

    Each square's weight is its count capped at the 99.9th-centile count, so one hotspot does not
    wash out the rest. The heat layer scales its colours by its largest cell, so these whole-number
    weights draw the same picture as ``count / cap`` capped at 1, in fewer bytes. At 250 m, Kent
    has at most a few thousand busy squares (6,889 for its demo year), whatever the number of
    incidents; a bigger area (London: about 24,000) would send more than ``max_points``, so the
    square side is doubled until it sends at most that many (about 25 bytes each). Square centres
    are rounded to 1e-5 degrees (about a metre), like every other geometry on the maps.
    """
    if max_points < 1:
        raise MapError(f"max_points must be at least 1, got {max_points}")
    ix, iy, counts, _ = _bin_points(incidents, cell_m)
    while len(counts) > max_points:
        cell_m *= 2.0
        ix, iy, counts, _ = _bin_points(incidents, cell_m)
    lat, lon = (np.round(v, 5) for v in _latlon((ix + 0.5) * cell_m, (iy + 0.5) * cell_m))
    cap = float(np.quantile(counts, 0.999)) if len(counts) else 1.0
    weight = np.minimum(counts.astype(float), cap).tolist()
    points = [
        [la, lo, int(w) if w.is_integer() else round(w, 3)]
        for la, lo, w in zip(lat.tolist(), lon.tolist(), weight, strict=True)
    ]
    layer = HeatMap(
        points,
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
    HTML-escaped). The GeoJSON is built for the whole frame at once (one ``to_json``), and each
    square carries a short numeric ``id`` so folium's style switch lists ids, not tooltips.
    Returns the layer and its legend.
    """
    _require(incidents, (label_col,), "incidents")
    ix, iy, counts, inverse = _bin_points(incidents, cell_m)
    top = _top_labels(incidents[label_col], inverse, len(counts))
    squares = shapely.box(ix * cell_m, iy * cell_m, (ix + 1) * cell_m, (iy + 1) * cell_m)
    geoms = _to_wgs84(gpd.GeoDataFrame(geometry=squares, crs=BNG), simplify_m=0, what="bins")
    breaks = class_breaks(counts)
    colours = viridis_hex(len(breaks))
    cls = _class_of(counts.astype(float), breaks)
    n_text = pd.Series(counts, dtype="int64").map("{:,}".format)
    tips = "<b>" + n_text + " incidents</b><br>" + top
    data = _frame_geojson(geoms, {"tooltip": tips})
    fill = dict(zip(map(str, range(len(cls))), np.asarray(colours, dtype=object)[cls].tolist(), strict=True))
    layer = folium.GeoJson(  # each square's colour looked up by its id, not sent as a property
        data,
        name=name,
        show=show,
        style_function=lambda f: {
            "color": fill[f["id"]],
            "weight": 0,
            "fillOpacity": 0.65,
            "fillColor": fill[f["id"]],
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )
    legend = Legend(f"Incidents per {cell_m / 1000:g} km square", _legend_entries(breaks, colours, digits=0))
    return layer, legend


def _top_labels(labels: pd.Series, cell: np.ndarray, n_cells: int) -> pd.Series:
    """For each cell, its three most frequent labels as escaped ``"label (n)"`` joined by ``<br>``.

    Ties go to the label that sorts first; missing labels are not counted; a cell without labels
    gets ``""``. ``cell`` is each incident's cell number (-1 for none).
    """
    frame = pd.DataFrame({"cell": cell, "label": labels.astype(object).to_numpy()})
    frame = frame[frame["cell"] >= 0]
    if not n_cells or frame.empty:
        return pd.Series([""] * n_cells, dtype=object)
    ranked = frame.groupby(["cell", "label"]).size().rename("n").reset_index()
    ranked = ranked.sort_values(["cell", "n", "label"], ascending=[True, False, True])
    best = ranked.groupby("cell").head(3)
    escaped = {lab: _esc(lab) for lab in pd.unique(best["label"])}  # each distinct label escaped once
    item = best["label"].map(escaped) + " (" + best["n"].astype(str) + ")"
    text = item.groupby(best["cell"]).agg("<br>".join)
    return text.reindex(range(n_cells), fill_value="").reset_index(drop=True)


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
        (:func:`jru_geo.areas.counts.counts_by_area`).
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
    data = _frame_geojson(geoms, {"fill": fills, "tooltip": tips})
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
    """Draw the ``top_n`` largest gaps (polygons or points) by ``value_col``, ranked in the tooltip."""
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
