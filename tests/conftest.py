"""Shared fixtures: tiny hand-made geographies whose answers can be worked out by hand.

Layout (EPSG:27700 metres)::

    y=1000 +-----------+-----------+
           |  A1 (A)   |  B1 (B)   |      district A: x 0..1000        (Polygon)
    y=500  +-----------+-----------+      district B: x 1000..2000 plus an island
           |  A2 (A)   |  B2 (B)   |                  x 3000..3200, y 0..200 (MultiPolygon)
    y=0    +-----------+-----------+      LSOAs: A1, A2, B1, B2, B3 (the island)
          x=0        x=1000      x=2000
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, box

from jru_geo.settings import BNG

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def tiny_lsoas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["A1", "A2", "B1", "B2", "B3"],
            "lsoa_name": ["Alpha 001A", "Alpha 001B", "Beta 001A", "Beta 001B", "Beta 002A"],
            "district_code": ["A", "A", "B", "B", "B"],
            "district_name": ["Alpha", "Alpha", "Beta", "Beta", "Beta"],
            "population": [1000, 2000, 1500, 500, 100],
        },
        geometry=[
            box(0, 500, 1000, 1000),
            box(0, 0, 1000, 500),
            box(1000, 500, 2000, 1000),
            box(1000, 0, 2000, 500),
            box(3000, 0, 3200, 200),
        ],
        crs=BNG,
    ).assign(
        area_km2=lambda d: d.geometry.area / 1e6,
        density_per_km2=lambda d: d["population"] / (d.geometry.area / 1e6),
    )


@pytest.fixture
def tiny_districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "district_code": ["A", "B"],
            "district_name": ["Alpha", "Beta"],
            "population": [3000, 2100],
        },
        geometry=[
            box(0, 0, 1000, 1000),
            MultiPolygon([box(1000, 0, 2000, 1000), box(3000, 0, 3200, 200)]),
        ],
        crs=BNG,
    )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data in ../shared/data; skips the test with a clear message when it is absent."""
    if not (SHARED_DATA / "SOURCES.md").exists():
        pytest.skip(f"real data not found at {SHARED_DATA} (../shared/data is absent on this machine)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def kent_lsoas() -> gpd.GeoDataFrame:
    """The embedded Kent LSOAs (with population and centroids)."""
    from jru_geo.io.boundaries import load_lsoas

    return load_lsoas()


@pytest.fixture(scope="session")
def demo_joined(kent_lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The app's default data: the seeded synthetic demo year joined to districts and LSOAs."""
    from jru_geo.areas.join import assign_areas
    from jru_geo.io import boundaries, demo

    return assign_areas(demo.demo_incidents(kent_lsoas), boundaries.load_districts(), kent_lsoas)


@pytest.fixture(scope="session")
def default_model():  # noqa: ANN201 - a TravelModel
    """The default travel model (calibrated road times, blue-light factor 0.80)."""
    from jru_geo.model.travel.factory import make_model

    return make_model("calibrated")
