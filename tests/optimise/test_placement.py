"""Tests for jru_geo.placement: hand-checkable cases, exactness against MILPs, geodata builders."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from spopt.locate import MCLP

from jru_geo.errors import JruGeoError, PlacementError, TravelModelError
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.optimise.candidates import candidate_grid, demand_points
from jru_geo.optimise.placement import Recommendation, objective_value, recommend, what_if

FloatArray = NDArray[np.float64]


class StraightLine:
    """Stand-in travel model: 1.5 min turn-out plus 48 km/h."""

    name = "straight"

    def minutes(self, origins_xy: FloatArray, destinations_xy: FloatArray) -> FloatArray:
        d_m = np.hypot(*(origins_xy[:, None, :] - destinations_xy[None, :, :]).transpose(2, 0, 1))
        return 1.5 + d_m / 1000 / 48 * 60


# 4 demand points x 3 candidates; 5 = within the 15-minute target, 30 = not.
T4 = np.array(
    [
        [5.0, 30.0, 5.0],  # d0: candidates 0 and 2
        [30.0, 5.0, 5.0],  # d1: candidates 1 and 2
        [30.0, 5.0, 30.0],  # d2: candidate 1
        [5.0, 30.0, 30.0],  # d3: candidate 0
    ]
)
W4 = np.array([1.0, 2.0, 3.0, 4.0])
NONE4 = np.empty((4, 0))


def rec(
    t: FloatArray = T4,
    w: FloatArray = W4,
    ex: FloatArray = NONE4,
    **kw: object,
) -> Recommendation:
    return recommend(t, w, existing_min=ex, target_min=15, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# hand-checkable 4x3 cases


def test_mclp_one_unit_picks_largest_cover() -> None:
    # cover weights: c0 = 1+4 = 5, c1 = 2+3 = 5, c2 = 1+2 = 3; tie 0/1 -> lowest index
    r = rec(k=1)
    assert r.picks == (0,)
    assert r.gains == (5.0,)
    assert r.gains_fraction == (0.5,)
    assert r.objective == 5.0 and r.baseline == 0.0
    assert r.curve == (0.0, 5.0)


def test_mclp_two_units_cover_everything() -> None:
    r = rec(k=2)
    assert sorted(r.picks) == [0, 1]
    assert r.objective == 10.0 and r.objective_fraction == 1.0
    assert r.curve == (0.0, 5.0, 10.0)
    assert r.curve_gains == (5.0, 5.0)
    assert sum(r.gains) == 10.0
    assert r.exact


def test_existing_vehicle_changes_the_pick() -> None:
    # an existing vehicle covering d3 (weight 4) makes candidate 1 (2+3) the best
    ex = np.array([[30.0], [30.0], [30.0], [10.0]])
    r = rec(ex=ex, k=1)
    assert r.baseline == 4.0
    assert r.picks == (1,)
    assert r.gains == (5.0,)
    assert r.objective == 9.0


def test_k_zero_returns_baseline() -> None:
    ex = np.array([[30.0], [10.0], [30.0], [30.0]])
    for objective in ("mclp", "mexclp"):
        r = rec(ex=ex, k=0, objective=objective)
        assert r.picks == () and r.gains == ()
        assert r.objective == r.baseline
        assert r.curve == (r.baseline,)
    assert rec(ex=ex, k=0).baseline == 2.0
    assert rec(ex=ex, k=0, objective="mexclp").baseline == pytest.approx(2.0 * 0.5)


def test_k_above_candidates_raises() -> None:
    with pytest.raises(PlacementError, match=r"k=4 new units requested but there are only 3 candidate"):
        rec(k=4)
    with pytest.raises(ValueError):
        rec(k=4)
    with pytest.raises(JruGeoError):
        rec(k=4)


def test_ties_go_to_lowest_index() -> None:
    # candidates 1 and 3 identical to candidate 0 -> exact and greedy both pick 0
    t = np.repeat(T4[:, :1], 4, axis=1)
    t[:, 2] = T4[:, 1]
    for method in ("exact", "greedy"):
        assert rec(t=t, k=1, method=method).picks == (0,)
        assert sorted(rec(t=t, k=2, method=method).picks) == [0, 2]


def test_mexclp_values_double_cover() -> None:
    # q = 0.5; one demand point of weight 8 that all three candidates cover
    t = np.array([[5.0, 5.0, 5.0]])
    r = recommend(t, np.array([8.0]), existing_min=np.empty((1, 0)), target_min=15, k=3, objective="mexclp")
    assert r.picks == (0, 1, 2)
    assert r.gains == (4.0, 2.0, 1.0)  # 8 * (1 - q) * q**i
    assert r.curve == (0.0, 4.0, 6.0, 7.0)
    # MCLP sees no value in the second and third vehicle
    r_mclp = recommend(t, np.array([8.0]), existing_min=np.empty((1, 0)), target_min=15, k=3)
    assert r_mclp.gains == (8.0, 0.0, 0.0)


def test_mexclp_prefers_backup_over_small_new_area() -> None:
    # d0 (weight 10) already covered by one existing vehicle; candidate 0 backs it up (gain 2.5
    # at q=0.5: 10 * (0.75 - 0.5)), candidate 1 covers d1 (weight 2, gain 1)
    t = np.array([[5.0, 30.0], [30.0, 5.0]])
    ex = np.array([[5.0], [30.0]])
    w = np.array([10.0, 2.0])
    r = recommend(t, w, existing_min=ex, target_min=15, k=1, objective="mexclp")
    assert r.baseline == 5.0 and r.picks == (0,) and r.gains == (2.5,)
    assert recommend(t, w, existing_min=ex, target_min=15, k=1).picks == (1,)


def test_target_is_inclusive() -> None:
    t = np.array([[15.0, 15.01]])
    r = recommend(t, np.array([1.0]), existing_min=np.empty((1, 0)), target_min=15, k=1)
    assert r.picks == (0,) and r.objective == 1.0


def test_inputs_are_not_mutated() -> None:
    t, w, ex = T4.copy(), W4.copy(), np.full((4, 1), 7.0)
    rec(t=t, w=w, ex=ex, k=2, objective="mexclp")
    assert np.array_equal(t, T4) and np.array_equal(w, W4) and np.array_equal(ex, np.full((4, 1), 7.0))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"w": np.array([1.0, 2.0, 3.0])}, r"travel_min has 4 rows but there are 3 demand points"),
        ({"w": np.array([1.0, -2.0, 3.0, 4.0])}, r"weights must be finite and >= 0"),
        ({"ex": np.full((3, 1), 5.0)}, r"existing_min has 3 rows"),
        ({"t": np.full((4, 3), np.nan)}, r"travel_min holds 12 NaN and 0 negative minutes"),
        ({"t": np.ones(4)}, r"travel_min must be a 2-D array"),
        ({"k": -1}, r"k \(number of new units\) must be a whole number >= 0, got -1"),
        ({"k": 1.5}, r"whole number"),
        ({"objective": "pmedian"}, r"objective must be 'mclp' or 'mexclp', got 'pmedian'"),
        ({"busy_fraction": 1.0, "objective": "mexclp"}, r"busy_fraction must be in \[0, 1\)"),
        ({"method": "anneal"}, r"method must be 'exact' or 'greedy'"),
    ],
)
def test_bad_inputs_raise_clear_errors(kwargs: dict[str, object], match: str) -> None:
    kw: dict[str, object] = {"k": 1} | kwargs
    with pytest.raises(PlacementError, match=match):
        rec(**kw)  # type: ignore[arg-type]


def test_bad_target_raises() -> None:
    with pytest.raises(PlacementError, match=r"target_min must be a positive number of minutes, got 0"):
        recommend(T4, W4, existing_min=NONE4, target_min=0, k=1)


def test_unreachable_infinity_is_allowed() -> None:
    t = T4.copy()
    t[:, 2] = np.inf
    assert rec(t=t, k=2).objective == 10.0


# --------------------------------------------------------------------------------------------
# what-if


def test_what_if_hand_case() -> None:
    ex = np.array([[30.0], [30.0], [30.0], [10.0]])  # covers d3 (4)
    r = what_if(T4[:, 1], weights=W4, existing_min=ex, target_min=15)
    assert (r.before, r.after, r.change, r.change_fraction) == (4.0, 9.0, 5.0, 0.5)
    r2 = what_if(T4[:, 0], weights=W4, existing_min=ex, target_min=15, objective="mexclp")
    # d0 newly covered: 1 * 0.5; d3 from 1 to 2 vehicles: 4 * (0.75 - 0.5)
    assert r2.change == pytest.approx(0.5 + 1.0)


def test_what_if_matches_recommend_for_one_unit() -> None:
    ex = np.array([[30.0], [10.0], [30.0], [30.0]])
    r = rec(ex=ex, k=1, objective="mexclp")
    wi = what_if(T4[:, r.picks[0]], weights=W4, existing_min=ex, target_min=15, objective="mexclp")
    assert wi.after == pytest.approx(r.objective)
    assert wi.change == pytest.approx(r.gains[0])


def test_what_if_shape_error() -> None:
    with pytest.raises(PlacementError, match=r"one value per demand point, shape \(4,\), got \(3,\)"):
        what_if(np.ones(3), weights=W4, existing_min=NONE4, target_min=15)


# --------------------------------------------------------------------------------------------
# exactness against independent MILPs


def brute_force(t: FloatArray, w: FloatArray, ex: FloatArray, k: int, objective: str, q: float) -> float:
    best = -1.0
    for combo in itertools.combinations(range(t.shape[1]), k):
        v = objective_value(
            np.hstack([ex, t[:, list(combo)]]),
            w,
            target_min=15,
            objective=objective,  # type: ignore[arg-type]
            busy_fraction=q,
        )
        best = max(best, v)
    return best


def spopt_mclp(t: FloatArray, w: FloatArray, ex: FloatArray, k: int) -> float:
    cost = np.hstack([t, ex])
    predefined = np.r_[np.zeros(t.shape[1]), np.ones(ex.shape[1])].astype(int)
    model = MCLP.from_cost_matrix(
        cost, w, service_radius=15, p_facilities=k + ex.shape[1], predefined_facilities_arr=predefined
    )
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(model.problem.objective) or 0.0)  # None when every weight is 0


def pulp_mexclp(t: FloatArray, w: FloatArray, ex: FloatArray, k: int, q: float) -> float:
    """MEXCLP with one binary per (demand, exact cover count): no reliance on concavity."""
    a = (t <= 15).astype(int)
    e = (ex <= 15).sum(axis=1)
    n_d, n_c = a.shape
    prob = pulp.LpProblem("mexclp", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(n_c)]
    u = {(d, c): pulp.LpVariable(f"u{d}_{c}", cat="Binary") for d in range(n_d) for c in range(n_c + 1)}
    prob += pulp.lpSum(w[d] * (1 - q ** (e[d] + c)) * u[d, c] for d in range(n_d) for c in range(n_c + 1))
    prob += pulp.lpSum(x) == k
    for d in range(n_d):
        prob += pulp.lpSum(u[d, c] for c in range(n_c + 1)) == 1
        prob += pulp.lpSum(c * u[d, c] for c in range(n_c + 1)) == pulp.lpSum(
            int(a[d, j]) * x[j] for j in range(n_c)
        )
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[prob.status] == "Optimal"
    return float(pulp.value(prob.objective) or 0.0)


@st.composite
def instances(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    seed = draw(st.integers(0, 2**32 - 1))
    n_d = draw(st.integers(1, 14))
    n_c = draw(st.integers(1, 7))
    n_e = draw(st.integers(0, 2))
    k = draw(st.integers(0, n_c))
    rng = np.random.default_rng(seed)
    density = rng.uniform(0.1, 0.6)
    t = np.where(rng.random((n_d, n_c)) < density, 10.0, 20.0)
    ex = np.where(rng.random((n_d, n_e)) < 0.25, 10.0, 20.0)
    w = rng.integers(0, 10, n_d).astype(float)
    return t, w, ex, k


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    inst=instances(), q=st.sampled_from([0.0, 0.3, 0.5, 0.8]), objective=st.sampled_from(["mclp", "mexclp"])
)
def test_exact_equals_brute_force_and_curve_is_exact(
    inst: tuple[FloatArray, FloatArray, FloatArray, int], q: float, objective: str
) -> None:
    t, w, ex, k = inst
    r = recommend(t, w, existing_min=ex, target_min=15, k=k, objective=objective, busy_fraction=q)  # type: ignore[arg-type]
    assert r.objective == pytest.approx(brute_force(t, w, ex, k, objective, q), abs=1e-9)
    for kk in range(k + 1):
        assert r.curve[kk] == pytest.approx(brute_force(t, w, ex, kk, objective, q), abs=1e-9)
    assert len(r.picks) == len(set(r.picks)) == k
    assert sum(r.gains) == pytest.approx(r.objective - r.baseline)
    assert all(b >= a - 1e-12 for a, b in zip(r.curve, r.curve[1:], strict=False))
    g = recommend(
        t, w, existing_min=ex, target_min=15, k=k, objective=objective, busy_fraction=q, method="greedy"
    )  # type: ignore[arg-type]
    assert not g.exact and g.objective <= r.objective + 1e-9


@SLOW
@given(inst=instances())
def test_mclp_equals_spopt(inst: tuple[FloatArray, FloatArray, FloatArray, int]) -> None:
    t, w, ex, k = inst
    r = recommend(t, w, existing_min=ex, target_min=15, k=k)
    assert r.objective == pytest.approx(spopt_mclp(t, w, ex, k), abs=1e-6)


@SLOW
@given(inst=instances(), q=st.sampled_from([0.2, 0.5, 0.7]))
def test_mexclp_equals_pulp(inst: tuple[FloatArray, FloatArray, FloatArray, int], q: float) -> None:
    t, w, ex, k = inst
    r = recommend(t, w, existing_min=ex, target_min=15, k=k, objective="mexclp", busy_fraction=q)
    assert r.objective == pytest.approx(pulp_mexclp(t, w, ex, k, q), abs=1e-6)


def test_exact_where_greedy_fails_seeded() -> None:
    """Instances where greedy is suboptimal exercise the HiGHS path; check them against spopt too."""
    rng = np.random.default_rng(1)
    greedy_short = 0
    for _ in range(150):
        n_d, n_c, n_e = int(rng.integers(8, 16)), int(rng.integers(5, 9)), int(rng.integers(0, 3))
        k = int(rng.integers(2, 4))
        t = np.where(rng.random((n_d, n_c)) < rng.uniform(0.2, 0.5), 10.0, 20.0)
        ex = np.where(rng.random((n_d, n_e)) < 0.15, 10.0, 20.0)
        w = np.round(rng.exponential(5, n_d))
        for objective in ("mclp", "mexclp"):
            r = recommend(t, w, existing_min=ex, target_min=15, k=k, objective=objective)
            best = brute_force(t, w, ex, k, objective, 0.5)
            assert r.objective == pytest.approx(best, abs=1e-9)
            g = recommend(t, w, existing_min=ex, target_min=15, k=k, objective=objective, method="greedy")
            if g.objective < best - 1e-9:
                greedy_short += 1
                if objective == "mclp":
                    assert r.objective == pytest.approx(spopt_mclp(t, w, ex, k), abs=1e-6)
                else:
                    assert r.objective == pytest.approx(pulp_mexclp(t, w, ex, k, 0.5), abs=1e-6)
    assert greedy_short >= 10  # the exact path really ran


def test_greedy_is_not_always_optimal_but_exact_is() -> None:
    # classic trap: candidate 0 covers the middle of two pairs, 1 and 2 cover one pair each
    t = np.array(
        [
            [5.0, 5.0, 30.0],
            [5.0, 30.0, 5.0],
            [30.0, 5.0, 30.0],
            [30.0, 30.0, 5.0],
        ]
    )
    w = np.array([3.0, 3.0, 2.0, 2.0])
    g = recommend(t, w, existing_min=NONE4, target_min=15, k=2, method="greedy")
    e = recommend(t, w, existing_min=NONE4, target_min=15, k=2)
    assert g.picks[0] == 0 and g.objective == 8.0
    assert sorted(e.picks) == [1, 2] and e.objective == 10.0
    # optimal sets are not nested: best single site is 0, best pair is {1, 2}
    assert e.curve == (0.0, 6.0, 10.0)


def test_larger_instance_solved_by_highs_matches_spopt() -> None:
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 40_000, (120, 2))
    sites = rng.uniform(0, 40_000, (40, 2))
    model = StraightLine()
    t = travel_matrix(model, points=pts, bases=sites)
    ex = travel_matrix(model, points=pts, bases=sites[:1] + 500)
    w = rng.integers(0, 20, 120).astype(float)
    for k in (2, 3):
        r = recommend(t, w, existing_min=ex, target_min=15, k=k)
        assert r.objective == pytest.approx(spopt_mclp(t, w, ex, k), abs=1e-6)


# --------------------------------------------------------------------------------------------
# geodata side


def test_candidate_grid_on_tiny_districts(tiny_districts: pd.DataFrame) -> None:
    grid = candidate_grid(tiny_districts, cell_m=500)
    # 2000 x 1000 block -> 4 x 2 centres; island 3000..3200 holds no 500 m cell centre
    assert len(grid) == 8
    assert grid.crs.to_epsg() == 27700
    assert set(grid["easting"]) == {250.0, 750.0, 1250.0, 1750.0}
    assert set(grid["northing"]) == {250.0, 750.0}
    assert grid["name"].iloc[0] == "grid 250 250"  # no Kent postcode within 5 km of the tiny block
    assert (grid.geometry.x == grid["easting"]).all()
    assert len(candidate_grid(tiny_districts, cell_m=200)) == 50 + 1  # island centre 3100, 100


def test_candidate_grid_reprojects_and_checks(tiny_districts: pd.DataFrame) -> None:
    wgs = tiny_districts.to_crs("EPSG:4326")
    assert len(candidate_grid(wgs, cell_m=500)) == 8
    with pytest.raises(PlacementError, match=r"cell_m must be a positive number of metres, got 0"):
        candidate_grid(tiny_districts, cell_m=0)
    with pytest.raises(PlacementError, match=r"outline has no CRS"):
        candidate_grid(tiny_districts.set_crs(None, allow_override=True))


def test_demand_points_by_incidents_and_population(tiny_lsoas: pd.DataFrame) -> None:
    lsoas = tiny_lsoas.assign(
        centroid_e=tiny_lsoas.geometry.centroid.x, centroid_n=tiny_lsoas.geometry.centroid.y
    )
    incidents = pd.DataFrame({"lsoa_code": ["A1", "B2", "A1", None, "ZZ", "B3"]})
    xy, w = demand_points(lsoas, incidents=incidents)
    assert xy.shape == (5, 2)
    assert xy[0].tolist() == [500.0, 750.0]
    assert w.tolist() == [2.0, 0.0, 0.0, 1.0, 1.0]  # None and the unknown ZZ are not counted
    _, pop = demand_points(lsoas)
    assert pop.tolist() == [1000.0, 2000.0, 1500.0, 500.0, 100.0]
    with pytest.raises(PlacementError, match=r"lsoas lacks columns \['centroid_e', 'centroid_n'\]"):
        demand_points(tiny_lsoas)
    with pytest.raises(PlacementError, match=r"incidents lack an 'lsoa_code' column"):
        demand_points(lsoas, incidents=pd.DataFrame({"code": ["A1"]}))


def test_travel_matrix_orientation_and_checks() -> None:
    demand = np.array([[0.0, 0.0], [48_000.0, 0.0], [0.0, 24_000.0]])
    sites = np.array([[0.0, 0.0], [48_000.0, 0.0]])
    t = travel_matrix(StraightLine(), points=demand, bases=sites)
    assert t.shape == (3, 2)
    assert t[:, 0].tolist() == pytest.approx([1.5, 61.5, 31.5])
    assert t[1, 1] == pytest.approx(1.5)

    class Wrong:
        def minutes(self, origins_xy: FloatArray, destinations_xy: FloatArray) -> FloatArray:
            return np.zeros((destinations_xy.shape[0], origins_xy.shape[0]))

    with pytest.raises(TravelModelError, match=r"returned shape \(3, 2\) for 2 origins and 3 destinations"):
        travel_matrix(Wrong(), points=demand, bases=sites)


def test_geodata_to_recommendation_end_to_end(tiny_lsoas: pd.DataFrame, tiny_districts: pd.DataFrame) -> None:
    lsoas = tiny_lsoas.assign(
        centroid_e=tiny_lsoas.geometry.centroid.x, centroid_n=tiny_lsoas.geometry.centroid.y
    )
    xy, w = demand_points(lsoas)
    grid = candidate_grid(tiny_districts, cell_m=500)
    model = StraightLine()
    t = travel_matrix(model, points=xy, bases=grid[["easting", "northing"]].to_numpy())
    ex = travel_matrix(model, points=xy, bases=np.empty((0, 2)))
    r = recommend(t, w, existing_min=ex, target_min=3.0, k=1)
    # 3 min = 1.5 min turn-out + 1.2 km at 48 km/h
    assert r.objective == objective_value(t[:, list(r.picks)], w, target_min=3.0)
    # cell (750, 250), index 1, is the lowest-index centre within 1.2 km of all four mainland
    # centroids (farthest: B1 at 901 m); cell 0 (250, 250) misses B1 (1,346 m); the island is out
    assert r.objective == 5000.0
    assert r.picks == (1,)


def test_nothing_to_gain_pads_with_lowest_indices() -> None:
    t = np.full((4, 3), 30.0)
    for objective in ("mclp", "mexclp"):
        r = rec(t=t, k=2, objective=objective)
        assert r.picks == (0, 1) and r.gains == (0.0, 0.0)
        assert r.curve == (0.0, 0.0, 0.0)
