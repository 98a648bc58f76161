"""Tests for jru_geo.maps: the folium objects the builders return (layers, features, escaping, size)."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from folium.plugins import HeatMap
from shapely.geometry import Point, box

from jru_geo.areas import counts as area_counts
from jru_geo.areas import join
from jru_geo.errors import JruGeoError
from jru_geo.io import demo
from jru_geo.io.boundaries import load_candidate_sites, load_districts, load_lsoas, load_outline
from jru_geo.viz.layers import (
    binned_layer,
    candidates_layer,
    choropleth_layer,
    districts_layer,
    gaps_layer,
    heatmap_layer,
    isochrone_layer,
    units_layer,
)
from jru_geo.viz.leaflet import Legend, base_map, copy_map, town_labels
from jru_geo.viz.maps import heatmap_map, map_html_size, overview_map
from jru_geo.viz.style import class_breaks, viridis_hex

EVIL = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Two 10 km districts side by side near Maidstone (EPSG:27700)."""
    return gpd.GeoDataFrame(
        {"district_code": ["A", "B"], "district_name": ["Alpha", EVIL], "population": [1000, 2000]},
        geometry=[box(570000, 150000, 580000, 160000), box(580000, 150000, 590000, 160000)],
        crs="EPSG:27700",
    )


def _incidents(xy: list[tuple[float, float]], labels: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"category_original": labels}, geometry=[Point(x, y) for x, y in xy], crs="EPSG:27700"
    )


def _children(m: folium.Map, kind: type) -> list[object]:
    return [c for c in m._children.values() if isinstance(c, kind)]


def test_town_labels_from_police_stations() -> None:
    sites = pd.DataFrame(
        {
            "name": ["Ashford police station", "Medway police station (Gillingham)", "Kent Hospital"],
            "kind": ["police_station", "police_station", "acute_hospital"],
            "easting": [600972, 577349, 0],
            "northing": [142637, 169462, 0],
        }
    )
    towns = town_labels(sites)
    assert towns["name"].tolist() == ["Ashford", "Gillingham"]


def test_base_map_without_tiles_and_local_assets() -> None:
    m = base_map(tiles=False, assets_url="/app/static/leaflet/")
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert m.default_js == [("leaflet", "/app/static/leaflet/leaflet.js")]
    assert m.default_css == [("leaflet_css", "/app/static/leaflet/leaflet.css")]
    html = m.get_root().render()
    assert "cdn.jsdelivr" not in html and "tile.openstreetmap" not in html
    with_tiles = base_map(tiles=True)
    assert len([c for c in with_tiles._children.values() if isinstance(c, folium.TileLayer)]) == 1


def test_districts_layer_features_and_escaped_tooltips(squares: gpd.GeoDataFrame) -> None:
    layer = districts_layer(squares)
    features = layer.data["features"]
    assert len(features) == 2
    tips = [f["properties"]["tooltip"] for f in features]
    assert tips == ["<b>Alpha</b>", f"<b>{ESCAPED}</b>"]
    # WGS84 near Maidstone
    lon, lat = features[0]["geometry"]["coordinates"][0][0]
    assert 0.4 < lon < 0.7 and 51.1 < lat < 51.4


def test_choropleth_colours_and_legend(squares: gpd.GeoDataFrame) -> None:
    counts = pd.DataFrame({"district_code": ["A", "B"], "incidents": [5, 40], "rate_per_1000": [5.0, 20.0]})
    layer, legend = choropleth_layer(squares, counts, n_classes=2)
    fills = [f["properties"]["fill"] for f in layer.data["features"]]
    assert fills == viridis_hex(2)  # low rate darkest, high rate yellow-green
    assert "20.00 per 1,000 residents" in layer.data["features"][1]["properties"]["tooltip"]
    assert ESCAPED in layer.data["features"][1]["properties"]["tooltip"]
    assert legend.caption == "Incidents per 1,000 residents"
    assert [c for c, _ in legend.entries] == viridis_hex(2)


def test_choropleth_needs_value_column(squares: gpd.GeoDataFrame) -> None:
    with pytest.raises(JruGeoError, match="rate_per_1000"):
        choropleth_layer(squares, pd.DataFrame({"district_code": ["A"]}))


def test_binned_layer_counts_and_escapes_user_categories() -> None:
    # Three incidents in one 1 km square, one in another.
    inc = _incidents(
        [(575100, 155100), (575200, 155300), (575900, 155900), (577500, 155500)],
        [EVIL, EVIL, "Assault", "RTC"],
    )
    layer, legend = binned_layer(inc, cell_m=1000)
    feats = layer.data["features"]
    assert len(feats) == 2
    tips = sorted(f["properties"]["tooltip"] for f in feats)
    assert tips[0] == "<b>1 incidents</b><br>RTC (1)"
    assert tips[1] == f"<b>3 incidents</b><br>{ESCAPED} (2)<br>Assault (1)"
    rendered = folium.Map().add_child(layer).get_root().render()
    assert EVIL not in rendered
    assert legend.caption == "Incidents per 1 km square"


def test_heatmap_aggregates_points() -> None:
    inc = _incidents([(575010, 155010)] * 50 + [(590010, 160010)], ["x"] * 51)
    layer = heatmap_layer(inc, cell_m=250, assets_url="/static")
    assert isinstance(layer, HeatMap)
    assert len(layer.data) == 2  # one weighted point per busy square, not one per incident
    weights = sorted(p[2] for p in layer.data)
    # counts capped at their 99.9th centile (the heat layer scales by its largest cell)
    assert weights == [1, round(float(np.quantile([1, 50], 0.999)), 3)]
    assert isinstance(weights[0], int)  # whole numbers are sent as "1", not "1.0"
    assert layer.default_js == [("leaflet-heat.js", "/static/leaflet-heat.js")]


def test_heatmap_empty_input_makes_empty_layer() -> None:
    assert heatmap_layer(_incidents([], [])).data == []


def test_units_and_candidates_escape_names() -> None:
    bases = gpd.GeoDataFrame(
        {"vehicle_id": ["J1"], "name": [EVIL], "weekly_hours": [72.0], "base_label": ["indicative"]},
        geometry=[Point(577349, 169462)],
        crs="EPSG:27700",
    )
    group = units_layer(bases)
    m = folium.Map().add_child(group)
    html = m.get_root().render()
    assert EVIL not in html and ESCAPED in html
    assert "72 hours a week on shift" in html
    cands = pd.DataFrame({"name": [EVIL], "lat": [51.3], "lon": [0.5], "kind": ["police_station"]})
    html = folium.Map().add_child(candidates_layer(cands)).get_root().render()
    assert EVIL not in html and ESCAPED in html and "police station" in html


def test_isochrone_layer_one_colour_per_cutoff() -> None:
    iso = gpd.GeoDataFrame(
        {"cutoff_min": [10, 15, 10], "name": ["J1", "J1", EVIL]},
        geometry=[Point(575000, 155000).buffer(r) for r in (3000, 5000, 2000)],
        crs="EPSG:27700",
    )
    group, legend = isochrone_layer(iso, label_col="name")
    layers = list(group._children.values())
    assert [lay.layer_name for lay in layers] == ["15 min", "10 min"]  # largest first, underneath
    assert len(layers[1].data["features"]) == 2
    assert [label for _, label in legend.entries] == ["10 minutes", "15 minutes"]
    assert ESCAPED in layers[1].data["features"][1]["properties"]["tooltip"]


def test_gaps_layer_ranks_top_n() -> None:
    gaps = gpd.GeoDataFrame(
        {"uncovered": [5.0, 50.0, 20.0], "label": ["a", "b", EVIL]},
        geometry=[box(570000 + i * 1000, 150000, 571000 + i * 1000, 151000) for i in range(3)],
        crs="EPSG:27700",
    )
    layer, legend = gaps_layer(gaps, value_col="uncovered", label_col="label", top_n=2)
    tips = [f["properties"]["tooltip"] for f in layer.data["features"]]
    assert tips == [
        "<b>#1</b> b<br>50.0 incidents not covered",
        f"<b>#2</b> {ESCAPED}<br>20.0 incidents not covered",
    ]
    assert "top 2" in legend.caption


@pytest.mark.parametrize(("n", "first"), [(1, "#21918c"), (3, "#471365")])
def test_viridis_hex(n: int, first: str) -> None:
    colours = viridis_hex(n)
    assert len(colours) == n and colours[0] == first


def test_class_breaks() -> None:
    assert class_breaks([1, 2, 3, 4], n_classes=2) == [2.5, 4.0]
    assert class_breaks([7, 7, 7]) == [7.0]
    assert class_breaks([]) == [0.0]


def test_overview_map_offline_has_outline_districts_towns_units() -> None:
    districts, outline = load_districts(), load_outline()
    towns = pd.DataFrame({"name": ["Maidstone"], "easting": [576161.0], "northing": [155591.0]})
    bases = gpd.GeoDataFrame(
        {"vehicle_id": ["J1"], "name": ["JRU 1"]}, geometry=[Point(577349, 169462)], crs="EPSG:27700"
    )
    counts = districts[["district_code"]].assign(rate_per_1000=np.arange(13.0), incidents=np.arange(13))
    m = overview_map(districts, bases, outline=outline, towns=towns, counts=counts, tiles=False)
    geojsons = _children(m, folium.GeoJson)
    assert len(geojsons) == 2  # outline + choropleth
    assert len(geojsons[1].data["features"]) == 13
    assert len(_children(m, Legend)) == 1
    assert not _children(m, folium.TileLayer)
    html = m.get_root().render()
    assert "Maidstone" in html and "JRU 1" in html


def test_100k_incidents_stay_under_5_mb() -> None:
    lsoas = load_lsoas()
    rng = np.random.default_rng(7)
    pts = lsoas.geometry.sample_points(size=np.full(len(lsoas), 94), rng=rng).explode(index_parts=False)
    inc = gpd.GeoDataFrame(
        {"category_original": ["Assault"] * len(pts)}, geometry=pts.to_numpy(), crs="EPSG:27700"
    )
    assert len(inc) >= 100_000
    m = base_map(tiles=False)
    heatmap_layer(inc).add_to(m)
    layer, legend = binned_layer(inc)
    layer.add_to(m)
    legend.add_to(m)
    assert map_html_size(m) < 5_000_000


def test_heatmap_legends_show_only_while_their_layer_is_ticked(squares: gpd.GeoDataFrame) -> None:
    counts = pd.DataFrame({"district_code": ["A", "B"], "rate_per_1000": [1.0, 3.0], "incidents": [1, 3]})
    inc = _incidents([(575000.0, 155000.0), (585000.0, 155000.0)], ["Assault", "Theft"])
    plain_map = heatmap_map(inc, squares, counts, tiles=False)
    assert [legend.caption for legend in _children(plain_map, Legend)] == ["Incidents per 1,000 residents"]  # type: ignore[attr-defined]
    m = heatmap_map(inc, squares, counts, tiles=False, squares=True)
    legends = _children(m, Legend)
    assert [legend.caption for legend in legends] == [  # type: ignore[attr-defined]
        "Incidents per 1,000 residents",
        "Incidents per 1 km square",
    ]
    html = m.get_root().render()
    rates, bins = (legend.layer for legend in legends)  # type: ignore[attr-defined]
    assert rates.show is False  # the rates start unticked in the layer box
    assert bins.show is True  # the squares are sent only when asked for, and then shown
    for layer in (rates, bins):
        assert f"var layer = {layer.get_name()};" in html
    assert html.count("map.on('overlayadd'") == 2 and html.count("map.on('overlayremove'") == 2
    # an unbound legend is always on the map
    plain = Legend("Caption", [("#000000", "x")])
    base = base_map(tiles=False)
    plain.add_to(base)
    assert "overlayadd" not in base.get_root().render() and "legend.addTo(map);" in base.get_root().render()


def test_demo_year_heatmap_stays_under_300_kb_until_the_squares_are_ticked() -> None:
    """The Heatmap page's map on the demo year, built as the page builds it (web tiles, local assets)."""
    lsoas, districts = load_lsoas(), load_districts()
    joined = join.assign_areas(demo.demo_incidents(lsoas, seed=2025, year=2025), districts, lsoas)
    rates = area_counts.counts_by_area(joined, districts, level="district")
    towns = town_labels(load_candidate_sites())
    kw = {"outline": load_outline(), "towns": towns, "tiles": True, "assets_url": "/app/static/leaflet"}
    plain = heatmap_map(joined, districts, rates, **kw)  # type: ignore[arg-type]
    ticked = heatmap_map(joined, districts, rates, squares=True, **kw)  # type: ignore[arg-type]
    assert map_html_size(plain) < 300_000
    bins, _ = binned_layer(joined)
    plain_layers = [c for c in plain._children.values() if isinstance(c, folium.GeoJson)]
    assert "Incidents per square" not in {c.layer_name for c in plain_layers}
    ticked_squares = next(
        c
        for c in ticked._children.values()
        if isinstance(c, folium.GeoJson) and c.layer_name == "Incidents per square"
    )
    assert len(ticked_squares.data["features"]) == len(bins.data["features"]) > 1000  # every busy 1 km square
    assert map_html_size(ticked) > map_html_size(plain) + 300_000


@pytest.mark.parametrize(
    "name",
    ["unit {{ 7*7 }}", "{% if true %}x{% endif %}", "{# gone #}", "{{ cycler }}", "a ${7*7} `+alert(1)+` b"],
)
def test_names_with_template_syntax_are_shown_not_evaluated(name: str) -> None:
    """branca renders output again as Jinja, folium puts tooltips in JS template literals: text stays text."""
    bases = gpd.GeoDataFrame(
        {"vehicle_id": [name], "name": [name], "weekly_hours": [72.0], "base_label": [name]},
        geometry=[Point(577349, 169462)],
        crs="EPSG:27700",
    )
    cands = pd.DataFrame({"name": [name], "lat": [51.3], "lon": [0.5], "kind": ["police_station"]})
    iso = gpd.GeoDataFrame(
        {"cutoff_min": [15], "name": [name]}, geometry=[Point(575000, 155000).buffer(3000)], crs="EPSG:27700"
    )
    group, legend = isochrone_layer(iso, label_col="name")
    m = folium.Map().add_child(units_layer(bases)).add_child(candidates_layer(cands)).add_child(group)
    html = m.get_root().render()
    marks = {"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;"}
    shown = "".join(marks.get(c, c) for c in name)
    assert html.count(shown) >= 3  # the unit's tooltip (name and base) and the candidate's, as typed
    assert shown.replace("&", "\\u0026") in html  # the catchment's tooltip, inside its GeoJSON
    assert "unit 49" not in html and "<function" not in html and "Cycler" not in html
    assert "`+alert" not in html and "${7*7}" not in html  # nothing ends or fills a JS template literal


def test_copy_map_shares_layer_data_and_leaves_the_original_as_it_was(squares: gpd.GeoDataFrame) -> None:
    import json

    inc = _incidents([(575010, 155010), (575900, 155900), (590010, 160010)], ["a", "b", EVIL])
    m = base_map(tiles=False)
    heat = heatmap_layer(inc, cell_m=250)
    heat.add_to(m)
    districts_layer(squares).add_to(m)
    before = json.dumps([heat.data, *(c.data for c in m._children.values() if hasattr(c, "data"))])
    first, second = copy_map(m), copy_map(m)
    heats = [next(c for c in x._children.values() if isinstance(c, HeatMap)) for x in (first, second)]
    assert all(h is not heat and h.data is heat.data for h in heats)  # the layer copied, its data shared
    rendered = [x.get_root().render() for x in (first, second)]
    assert rendered[0] == rendered[1]  # each copy draws the same map
    assert first.get_root() is not m.get_root() and not m.get_root().script._children  # the original undrawn
    after = json.dumps([heat.data, *(c.data for c in m._children.values() if hasattr(c, "data"))])
    assert after == before  # drawing wrote nothing into the shared data
    assert copy_map(m).get_root().render() == rendered[0]  # and a later copy still draws the same
