"""The Planner map shades the catchments of the placed units as well as today's (issue 12)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from jru_geo.viz.maps import planner_map as planner_parts

BNG = "EPSG:27700"


def planner_map(*args: object, **kwargs: object) -> folium.Map:
    """The Planner's map with its plan layer on it, as the page shows them together."""
    m, plan = planner_parts(*args, **kwargs)  # type: ignore[arg-type]
    plan.add_to(m)
    return m


def _bases(ids: list[str], names: list[str], targets: list[float], xs: list[float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"vehicle_id": ids, "name": names, "target_min": targets},
        geometry=[Point(x, 155000) for x in xs],
        crs=BNG,
    )


def _groups(m: folium.Map, name: str) -> list[folium.FeatureGroup]:
    """The feature groups called ``name`` on the map, at any depth (the plan's are in its "Plan" layer)."""
    found, stack = [], list(m._children.values())
    while stack:
        c = stack.pop()
        if isinstance(c, folium.FeatureGroup) and c.layer_name == name:
            found.append(c)
        stack.extend(c._children.values())
    return found


def _catchment_tips(m: folium.Map) -> list[str]:
    groups = _groups(m, "Catchments")
    assert len(groups) == 1
    layers = [c for c in groups[0]._children.values() if isinstance(c, folium.GeoJson)]
    return [f["properties"]["tooltip"] for layer in layers for f in layer.data["features"]]


def test_placed_units_get_their_catchment_at_their_own_target() -> None:
    districts = gpd.GeoDataFrame(
        {"district_code": ["A"], "district_name": ["Alpha"]},
        geometry=[box(560000, 140000, 600000, 170000)],
        crs=BNG,
    )
    today = _bases(["J1"], ["Medway JRU"], [15.0], [575000])
    placed = _bases(["NEW1"], ["Rapid <Maidstone>"], [20.0], [585000])
    iso = gpd.GeoDataFrame(
        {"vehicle_id": ["J1", "J1", "NEW1", "NEW1"], "cutoff_min": [15.0, 20.0, 15.0, 20.0]},
        geometry=[
            Point(x, 155000).buffer(r)
            for x, r in ((575000, 4000), (575000, 6000), (585000, 4000), (585000, 6000))
        ],
        crs=BNG,
    )
    m = planner_map(today, districts=districts, new_bases=placed, isochrones=iso, tiles=False)
    tips = _catchment_tips(m)
    assert sorted(tips) == ["Medway JRU: within 15 min", "Rapid &lt;Maidstone&gt;: within 20 min"]
    html = m.get_root().render()
    assert "Reached within" in html  # its legend


def test_no_catchments_without_isochrones() -> None:
    districts = gpd.GeoDataFrame(
        {"district_code": ["A"], "district_name": ["Alpha"]},
        geometry=[box(560000, 140000, 600000, 170000)],
        crs=BNG,
    )
    m = planner_map(_bases(["J1"], ["Medway JRU"], [15.0], [575000]), districts=districts, tiles=False)
    assert not _groups(m, "Catchments")


def test_the_quick_look_carries_each_square_in_wgs84_with_its_share() -> None:
    import json
    import re

    import numpy as np

    from jru_geo._crs import bng_to_lonlat
    from jru_geo.optimise.preview import GridPreview, ReachGrid

    districts = gpd.GeoDataFrame(
        {"district_code": ["A"], "district_name": ["Alpha"]},
        geometry=[box(560000, 140000, 600000, 170000)],
        crs=BNG,
    )
    today = _bases(["J1"], ["Medway JRU"], [15.0], [575000])
    east, north = np.array([573500.0, 574500.0]), np.array([155500.0, 155500.0])
    grid = ReachGrid(east, north, 2000.0, 12.0, np.ones((1, 2), dtype=bool))
    look = GridPreview(grid, 35.54, np.array([36.04, 41.26]))
    html = planner_map(today, districts=districts, tiles=False, quick_look=look).get_root().render()
    lat = json.loads(re.search(r"var lat = (\[[^\]]*\])", html).group(1))
    lon = json.loads(re.search(r"lon = (\[[^\]]*\])", html).group(1))
    pct = json.loads(re.search(r"pct = (\[[^\]]*\])", html).group(1))
    want_lon, want_lat = bng_to_lonlat(east, north)
    np.testing.assert_allclose(lat, want_lat, atol=1e-4)
    np.testing.assert_allclose(lon, want_lon, atol=1e-4)
    assert pct == [36.0, 41.3]
    assert "var half = 1500.0" in html  # three quarters of a 2 km square
    assert "within 12 min 35.5% now" in html and "this 2 km square" in html
    assert "map.on('click'" in html and "jru-quick-look" in html
    assert "Quick look" not in planner_map(today, districts=districts, tiles=False).get_root().render()


def test_a_plan_change_redraws_only_the_plan_layer() -> None:
    """st_folium keys its map on the map's script: a placed unit must change the plan layer, not the map."""
    import numpy as np
    from streamlit_folium import _generate_leaflet_string, generate_js_hash

    from jru_geo.optimise.preview import GridPreview, ReachGrid

    districts = gpd.GeoDataFrame(
        {"district_code": ["A"], "district_name": ["Alpha"]},
        geometry=[box(560000, 140000, 600000, 170000)],
        crs=BNG,
    )
    today = _bases(["J1"], ["Medway JRU"], [15.0], [575000])
    iso = gpd.GeoDataFrame(
        {"vehicle_id": ["J1"], "cutoff_min": [15.0]}, geometry=[Point(575000, 155000).buffer(4000)], crs=BNG
    )
    grid = ReachGrid(np.array([573500.0]), np.array([155500.0]), 2000.0, 15.0, np.ones((1, 1), dtype=bool))
    before_map, before_plan = planner_parts(
        today,
        districts=districts,
        isochrones=iso,
        tiles=False,
        quick_look=GridPreview(grid, 35.5, np.array([36.0])),
    )
    placed = _bases(["NEW1"], ["Rapid Maidstone"], [15.0], [585000])
    iso2 = pd.concat([iso, iso.assign(vehicle_id="NEW1").set_geometry([Point(585000, 155000).buffer(4000)])])
    after_map, after_plan = planner_parts(
        today, districts=districts, new_bases=placed, isochrones=iso2, tiles=False, quick_look=None
    )
    keys = [generate_js_hash(_generate_leaflet_string(m)[0], "planner_map") for m in (before_map, after_map)]
    assert keys[0] == keys[1]  # the same map on the page: its view is kept
    for plan in (before_plan, after_plan):
        plan.add_to(folium.Map())  # rendered as st_folium renders the layer: inside a map
    scripts = [p.get_root().render() for p in (before_plan, after_plan)]
    assert "Rapid Maidstone: within 15 min" in scripts[1] and "Rapid Maidstone" not in scripts[0]
    assert "NEW1" in scripts[1]  # the placed unit's label
    # each quick look first removes the last one's click handler; without figures it adds none
    assert "map.off('click', window.__jruQuickLook)" in scripts[0] and "map.on('click'" in scripts[0]
    assert "map.off('click', window.__jruQuickLook)" in scripts[1] and "map.on('click'" not in scripts[1]
