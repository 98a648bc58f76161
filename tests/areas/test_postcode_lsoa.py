"""The LSOA refinement by nearest live postcode, on the tiny hand-made geography of conftest.py.

A1 (y 500..1000) and A2 (y 0..500) share the edge y = 500 inside district A; B1 lies east of x = 1000.
Postcode centroids stand for ONS's postcode-to-LSOA lookup: where the generalised polygon and the
postcode disagree near an edge, the postcode's (full-resolution) LSOA wins, within 50 m and within
the point's own district.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from jru_geo.areas.join import assign_areas
from jru_geo.areas.postcode_lsoa import nearest_postcode_lsoa
from jru_geo.errors import ColumnsError
from jru_geo.settings import BNG

# A2's true edge bulges north of the generalised line y = 500 (a postcode of A2 at y = 530);
# a B1 postcode sits 10 m east of the A|B district edge.
POSTCODES = pd.DataFrame(
    {
        "postcode": ["A2 1AA", "A1 1AA", "B1 1AA"],
        "lsoa_code": ["A2", "A1", "B1"],
        "easting": [500, 500, 1010],
        "northing": [530, 900, 750],
    }
)


def points(xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs=BNG)


@pytest.mark.parametrize(
    ("xy", "polygon_lsoa", "refined_lsoa"),
    [
        ((500, 520), "A1", "A2"),  # in A1's generalised polygon, 10 m from an A2 postcode
        ((500, 500), "A1", "A2"),  # on the A1|A2 edge: the postcode decides, not the lowest code
        ((500, 600), "A1", "A1"),  # 70 m from the A2 postcode: beyond 50 m, the polygon stands
        ((995, 750), "A1", "A1"),  # 15 m from a B1 postcode, but in district A: B1 is not a candidate
        ((1500, 750), "B1", "B1"),  # far from every postcode
    ],
)
def test_refinement_on_a_hand_made_boundary(tiny_districts, tiny_lsoas, xy, polygon_lsoa, refined_lsoa):
    pts = points([xy])
    polygon = assign_areas(pts, tiny_districts, tiny_lsoas, postcode_max_m=0)
    refined = assign_areas(pts, tiny_districts, tiny_lsoas, postcode_lsoas=POSTCODES)
    assert polygon["lsoa_code"].iloc[0] == polygon_lsoa
    assert refined["lsoa_code"].iloc[0] == refined_lsoa
    assert refined["district_code"].iloc[0] == polygon["district_code"].iloc[0]  # district: polygons
    name = tiny_lsoas.set_index("lsoa_code")["lsoa_name"]
    assert refined["lsoa_name"].iloc[0] == name[refined_lsoa]


def test_radius_is_a_parameter_and_empty_table_means_polygons(tiny_districts, tiny_lsoas):
    pts = points([(500, 600)])
    wide = assign_areas(pts, tiny_districts, tiny_lsoas, postcode_lsoas=POSTCODES, postcode_max_m=100)
    assert wide["lsoa_code"].iloc[0] == "A2"
    empty = assign_areas(pts.assign(), tiny_districts, tiny_lsoas, postcode_lsoas=POSTCODES.iloc[:0])
    assert empty["lsoa_code"].iloc[0] == "A1"


def test_embedded_kent_table_leaves_other_geographies_alone(tiny_districts, tiny_lsoas):
    # the default table is Kent's: none of its LSOAs is in the tiny geography, so nothing moves
    pts = points([(500, 520), (500, 250), (3100, 100), (5000, 5000)])
    default = assign_areas(pts, tiny_districts, tiny_lsoas)
    polygon = assign_areas(pts, tiny_districts, tiny_lsoas, postcode_max_m=0)
    assert default["lsoa_code"].fillna("-").tolist() == polygon["lsoa_code"].fillna("-").tolist()


def test_missing_points_and_outside_points_get_no_postcode_lsoa():
    out = nearest_postcode_lsoa(
        np.array([np.nan, 500.0, 500.0]),
        np.array([np.nan, 520.0, 520.0]),
        np.array([None, None, "A"], dtype=object),
        POSTCODES,
        pd.Series({"A1": "A", "A2": "A", "B1": "B"}),
    )
    assert out.tolist() == [None, None, "A2"]


def test_postcode_table_needs_its_columns(tiny_districts, tiny_lsoas):
    with pytest.raises(ColumnsError, match="easting"):
        assign_areas(points([(1, 1)]), tiny_districts, tiny_lsoas, postcode_lsoas=POSTCODES[["lsoa_code"]])
