"""Map layers at a large force's scale: the heat map's point cap and the squares' colour lookup."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from jru_geo.errors import JruGeoError
from jru_geo.viz.layers import binned_layer, heatmap_layer

X0, Y0 = 560_000.0, 150_000.0


def _grid_incidents(side: int, step_m: float) -> gpd.GeoDataFrame:
    """One incident at the centre of each of ``side * side`` squares of ``step_m`` metres."""
    xs = X0 + (np.arange(side) + 0.5) * step_m
    pts = [Point(x, y) for x in xs for y in Y0 + (np.arange(side) + 0.5) * step_m]
    return gpd.GeoDataFrame({"category_original": ["Assault"] * len(pts)}, geometry=pts, crs="EPSG:27700")


def test_heatmap_under_the_cap_keeps_its_squares() -> None:
    inc = _grid_incidents(8, 250.0)  # 64 busy 250 m squares
    assert len(heatmap_layer(inc, cell_m=250.0, max_points=64).data) == 64


def test_heatmap_over_the_cap_doubles_the_square_until_it_fits() -> None:
    inc = _grid_incidents(8, 250.0)
    layer = heatmap_layer(inc, cell_m=250.0, max_points=63)
    # 500 m squares hold 2 x 2 of the 250 m ones: 16 points of weight 4 (the 99.9th centile is 4 too)
    assert len(layer.data) == 16
    assert {p[2] for p in layer.data} == {4}
    assert len(heatmap_layer(inc, cell_m=250.0, max_points=3).data) == 1  # 2 km: all in one


def test_heatmap_cap_must_be_positive() -> None:
    with pytest.raises(JruGeoError, match="max_points"):
        heatmap_layer(_grid_incidents(2, 250.0), max_points=0)


def test_binned_squares_take_their_colour_by_id_not_from_a_property() -> None:
    inc = _grid_incidents(2, 1000.0)
    inc = gpd.GeoDataFrame(
        {"category_original": ["Assault"] * 5},
        geometry=[*inc.geometry, inc.geometry.iloc[0]],  # the first square holds two
        crs="EPSG:27700",
    )
    layer, _ = binned_layer(inc, cell_m=1000.0)
    feats = layer.data["features"]
    assert all(set(f["properties"]) == {"tooltip"} for f in feats)
    colours = {f["properties"]["tooltip"].split(" ")[0]: layer.style_function(f)["fillColor"] for f in feats}
    assert colours["<b>2"] != colours["<b>1"]  # the busier square has another class colour
    assert all(layer.style_function(f)["color"] == layer.style_function(f)["fillColor"] for f in feats)
    html = folium.Map().add_child(layer).get_root().render()
    assert html.count('"fill":') == 0
