"""The quick look's squares: each square's figure is what_if's for a unit at its centre."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from jru_geo.model.travel.factory import make_model
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.optimise._objective import PlacementError
from jru_geo.optimise.candidates import grid_cells
from jru_geo.optimise.placement import what_if
from jru_geo.optimise.preview import grid_gain, grid_preview, lsoa_index, lsoa_sums, reach_grid
from jru_geo.settings import BNG

X0, Y0 = 540_000.0, 150_000.0


def _area(width_m: float = 12_000, height_m: float = 8_000) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(X0, Y0, X0 + width_m, Y0 + height_m)], crs=BNG)


def _lsoas(rng: np.random.Generator, n: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lsoa_code": [f"E0{i:03d}" for i in range(n)],
            "centroid_e": X0 + rng.uniform(0, 12_000, n),
            "centroid_n": Y0 + rng.uniform(0, 8_000, n),
        }
    )


def test_with_incidents_at_lsoa_centroids_each_square_is_what_if_exactly() -> None:
    rng = np.random.default_rng(7)
    lsoas = _lsoas(rng)
    model = make_model("straight", speed_kmh=30)
    grid = reach_grid(_area(), lsoas, model, target_min=8.0)
    assert grid.cell_m == 1000 and len(grid.easting) == 12 * 8
    lsoa_of = rng.integers(-1, len(lsoas), 400)  # some incidents with no LSOA: counted, never reached
    at = lsoa_of >= 0
    xy = np.zeros((len(lsoa_of), 2))
    xy[at] = lsoas[["centroid_e", "centroid_n"]].to_numpy()[lsoa_of[at]]
    xy[~at] = [X0 - 50_000, Y0]  # far outside: no unit reaches them
    fleet = np.array([[X0 + 2_000, Y0 + 2_000]])
    existing = travel_matrix(model, points=xy, bases=fleet)
    missed = ~(existing <= 8.0).any(axis=1)
    preview = grid_preview(grid, lsoa_of, missed)
    squares = np.column_stack([grid.easting, grid.northing])
    new = travel_matrix(model, points=xy, bases=squares)
    for c in range(len(squares)):
        w = what_if(new[:, c], weights=np.ones(len(xy)), existing_min=existing, target_min=8.0)
        assert preview.with_pct[c] == pytest.approx(100 * w.after / len(xy), abs=1e-9)
        assert preview.without_pct == pytest.approx(100 * w.before / len(xy), abs=1e-9)
    assert preview.with_pct.max() > preview.without_pct  # the test would notice a zero gain everywhere


def test_squares_grow_in_500_m_steps_to_keep_about_max_cells() -> None:
    lsoas = _lsoas(np.random.default_rng(1), 5)
    model = make_model("straight", speed_kmh=30)
    grid = reach_grid(_area(40_000, 25_000), lsoas, model, target_min=10.0, max_cells=100)
    # 1,000 km2 / 100 squares = 3.16 km, up to the next 500 m
    assert grid.cell_m == 3500
    assert len(grid.easting) <= 100
    assert grid.reached.shape == (5, len(grid.easting))
    ex, ny = grid_cells(_area(40_000, 25_000), cell_m=3500)
    np.testing.assert_array_equal(grid.easting, ex)
    np.testing.assert_array_equal(grid.northing, ny)


def test_lsoa_index_and_sums_leave_unknown_incidents_out() -> None:
    lsoas = pd.DataFrame({"lsoa_code": ["A", "B", "C"]})
    incidents = pd.DataFrame({"lsoa_code": ["B", None, "Z", "B", "A"]})
    idx = lsoa_index(incidents, lsoas)
    np.testing.assert_array_equal(idx, [1, -1, -1, 1, 0])
    np.testing.assert_array_equal(lsoa_sums(idx, np.array([1.0, 5.0, 7.0, 2.0, 4.0]), 3), [4.0, 3.0, 0.0])
    two = lsoa_sums(idx, np.ones((5, 2)), 3)
    assert two.shape == (3, 2) and two[:, 0].tolist() == [1.0, 2.0, 0.0]
    np.testing.assert_array_equal(lsoa_index(pd.DataFrame({"x": [1, 2]}), lsoas), [-1, -1])


def test_bad_inputs_say_what_to_fix() -> None:
    lsoas = _lsoas(np.random.default_rng(2), 4)
    model = make_model("straight", speed_kmh=30)
    with pytest.raises(PlacementError, match="target_min"):
        reach_grid(_area(), lsoas, model, target_min=0)
    with pytest.raises(PlacementError, match="centroid_e"):
        reach_grid(_area(), lsoas.drop(columns="centroid_e"), model, target_min=8)
    grid = reach_grid(_area(), lsoas, model, target_min=8)
    with pytest.raises(PlacementError, match="lsoa_of has 3 incidents and missed 2"):
        grid_gain(grid, np.array([0, 1, 2]), np.array([True, False]))
