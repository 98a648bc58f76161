"""The one reprojection (jru_geo._crs) and the one required-columns guard (jru_geo._validate)."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from jru_geo._crs import bng_to_lonlat, in_gb_grid, lonlat_to_bng, to_bng, to_wgs84, xy_to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import ColumnsError, CrsError, JruGeoError, TravelModelError
from jru_geo.settings import BNG, WGS84


def test_to_bng_reprojects_geographic_input_and_keeps_bng_as_is() -> None:
    wgs = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0.55, 51.38)], crs=WGS84, index=[7])
    out = to_bng(wgs, what="bases")
    assert out.crs.to_epsg() == 27700 and out.index.tolist() == [7]
    assert wgs.crs.to_epsg() == 4326  # input untouched
    bng = out.geometry
    assert to_bng(bng, what="bases") is bng
    back = to_wgs84(bng, what="bases")
    assert back.iloc[0].x == pytest.approx(0.55) and back.iloc[0].y == pytest.approx(51.38)


@pytest.mark.parametrize("convert", [to_bng, to_wgs84])
def test_missing_crs_is_one_error_naming_the_fix(convert: Callable[..., object]) -> None:
    naive = gpd.GeoSeries([Point(1, 1)])
    with pytest.raises(CrsError, match=r"incidents has no CRS: set it with \.set_crs\('EPSG:27700'\)"):
        convert(naive, what="incidents")
    with pytest.raises(TravelModelError, match="bases has no CRS"):
        convert(naive, what="bases", error=TravelModelError)
    assert issubclass(CrsError, ValueError) and issubclass(CrsError, JruGeoError)


def test_array_transforms_round_trip() -> None:
    e, n = lonlat_to_bng([0.55, 1.0], [51.38, 51.2])
    lon, lat = bng_to_lonlat(e, n)
    np.testing.assert_allclose(lon, [0.55, 1.0], atol=1e-9)
    np.testing.assert_allclose(lat, [51.38, 51.2], atol=1e-9)
    np.testing.assert_allclose(
        np.column_stack(xy_to_bng([0.55, 1.0], [51.38, 51.2], crs="epsg:4326")), np.column_stack([e, n])
    )
    same = xy_to_bng([1.0], [2.0], crs=BNG)
    assert [same[0].tolist(), same[1].tolist()] == [[1.0], [2.0]]
    assert in_gb_grid([500_000.0, -1.0, np.nan], [100_000.0, 5.0, 5.0]).tolist() == [True, False, False]


def test_require_columns_names_missing_found_and_fix() -> None:
    frame = pd.DataFrame({"a": [1], "b": [2]})
    require_columns(frame, ["a", "b"], what="table")  # no error
    with pytest.raises(ColumnsError, match=r"^table lacks columns \['c'\]; columns found: \['a', 'b'\]$"):
        require_columns(frame, ["a", "c"], what="table")
    with pytest.raises(TravelModelError, match=r"incidents lack columns \['c', 'd'\]; .*; read them first$"):
        require_columns(
            frame, ["c", "d"], what="incidents", plural=True, fix="read them first", error=TravelModelError
        )
