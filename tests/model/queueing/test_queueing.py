"""Tests for jru_geo.queueing: hand-checked hypercubes, Larson's approximation, MEXCLP, simulation."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jru_geo.model.queueing.hypercube import erlang_loss_distribution, hypercube
from jru_geo.model.queueing.mexclp import hypercube_adjusted_coverage, mexclp_busy_fraction, mexclp_coverage
from jru_geo.model.queueing.schedule import hypercube_schedule
from jru_geo.model.queueing.simulation import simulate_schedule

# --------------------------------------------------------------------------------------------------
# Hand-checked exact cases


def test_single_vehicle_is_erlang_loss() -> None:
    # rho = lam / (lam + mu) = 2 / 3; lost calls find it busy (PASTA)
    r = hypercube([2.0], [[0]], [1.0])
    assert r.busy_probability[0] == pytest.approx(2 / 3)
    assert r.loss_total == pytest.approx(2 / 3)
    assert r.dispatch_share[0, 0] == pytest.approx(1 / 3)


def test_two_symmetric_vehicles_match_erlang_b() -> None:
    # offered load 2 erlangs on 2 servers: P = (1, 2, 2) / 5; loss = 2/5; each busy (2 + 2*2)/5/2
    r = hypercube([1.0, 1.0], [[0, 1], [1, 0]], [1.0, 1.0])
    assert np.allclose(erlang_loss_distribution(2.0, 2), [0.2, 0.4, 0.4])
    assert r.loss_total == pytest.approx(0.4)
    assert np.allclose(r.busy_probability, [0.6, 0.6])
    assert r.state_probability is not None
    assert np.allclose(r.state_probability, [0.2, 0.2, 0.2, 0.4])


def test_two_vehicles_one_shared_atom_by_hand() -> None:
    # atom 0 -> [0, 1]; vehicle 1 only takes atom 0's overflow. lam = mu = 1. States by bitmask
    # (bit 0 = vehicle 0 busy). Balance: pi0 = pi1 + pi2, 2 pi1 = pi0 + pi3, 2 pi2 = pi3,
    # 2 pi3 = pi1 + pi2; with pi2 = a: pi3 = 2a, pi1 = 3a, pi0 = 4a, so pi = (4, 3, 1, 2) / 10.
    r = hypercube([1.0], [[0, 1]], [1.0, 1.0])
    assert r.state_probability is not None
    pi = r.state_probability
    # check global balance directly rather than trusting the solver
    q = np.array(
        [
            [-1.0, 1.0, 0.0, 0.0],  # 00 -> 01 (vehicle 0 takes the call)
            [1.0, -2.0, 0.0, 1.0],  # v0 busy: completes, or overflow to v1
            [1.0, 0.0, -2.0, 1.0],  # v1 busy: completes, or v0 takes the call
            [0.0, 1.0, 1.0, -2.0],  # both busy: either completes
        ]
    )
    assert np.allclose(pi @ q, 0.0, atol=1e-12)
    assert np.allclose(pi, [0.4, 0.3, 0.1, 0.2])
    assert r.busy_probability == pytest.approx([0.5, 0.3])
    assert r.dispatch_share[0] == pytest.approx([0.5, 0.3])  # P(v0 free), P(v0 busy, v1 free)
    assert r.loss_total == pytest.approx(0.2)


def test_four_atoms_three_vehicles_conserve_calls() -> None:
    lam = np.array([0.5, 0.3, 0.8, 0.2])
    pref = np.array([[0, 1, -1], [1, 2, 0], [2, -1, -1], [-1, -1, -1]])
    mu = np.array([1.0, 1.5, 0.8])
    r = hypercube(lam, pref, mu)
    # every call is served by exactly one vehicle or lost
    assert np.allclose(r.dispatch_share.sum(axis=1) + r.loss_probability, 1.0)
    # an atom with no vehicle loses everything; an atom never uses an unlisted vehicle
    assert r.loss_probability[3] == 1.0
    assert r.dispatch_share[2, 0] == 0.0 and r.dispatch_share[2, 1] == 0.0
    # Little: busy = served rate / mu
    assert np.allclose(r.busy_probability, (lam @ r.dispatch_share) / mu)


def test_bad_inputs_raise_with_the_value() -> None:
    with pytest.raises(ValueError, match="outside -1..1"):
        hypercube([1.0], [[2]], [1.0, 1.0])
    with pytest.raises(ValueError, match="padding last"):
        hypercube([1.0], [[-1, 0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="twice"):
        hypercube([1.0], [[0, 0]], [1.0, 1.0])
    with pytest.raises(ValueError, match="must be > 0"):
        hypercube([1.0], [[0]], [0.0])
    with pytest.raises(ValueError, match="at most 10"):
        hypercube([1.0], [[0]], np.ones(11), method="exact")


# --------------------------------------------------------------------------------------------------
# Larson's approximation


def _random_case(seed: int, n: int, m: int, *, full: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(m):
        order = rng.permutation(n)
        length = n if full else int(rng.integers(1, 4))
        rows.append(np.r_[order[:length], -np.ones(n - length, dtype=int)])
    return rng.uniform(0.05, 0.6, m), np.array(rows), rng.uniform(0.8, 1.5, n)


@pytest.mark.parametrize(("seed", "n", "m", "full"), [(1, 6, 8, True), (2, 6, 20, False), (3, 8, 30, True)])
def test_larson_approximation_is_close_to_exact(seed: int, n: int, m: int, full: bool) -> None:
    lam, pref, mu = _random_case(seed, n, m, full=full)
    exact = hypercube(lam, pref, mu, method="exact")
    approx = hypercube(lam, pref, mu, method="approx")
    assert approx.method == "approx" and approx.state_probability is None
    assert np.abs(exact.busy_probability - approx.busy_probability).max() < 0.03
    assert abs(exact.loss_total - approx.loss_total) < 0.03


def test_larson_is_exact_for_symmetric_full_lists() -> None:
    r = hypercube([1.0, 1.0], [[0, 1], [1, 0]], [1.0, 1.0], method="approx")
    assert r.loss_total == pytest.approx(0.4, abs=1e-6)
    assert np.allclose(r.busy_probability, 0.6, atol=1e-6)


def test_auto_uses_approx_beyond_ten_vehicles() -> None:
    lam, pref, mu = _random_case(4, 11, 12, full=False)
    assert hypercube(lam, pref, mu).method == "approx"


# --------------------------------------------------------------------------------------------------
# Schedules


def test_schedule_with_constant_rates_equals_stationary() -> None:
    lam, pref, mu = _random_case(5, 4, 6, full=False)
    stationary = hypercube(lam, pref, mu)
    week = hypercube_schedule(np.tile(lam, (4, 1)), pref, mu, np.ones((4, 4), bool), slot_hours=42.0)
    assert np.allclose(week.busy_fraction, stationary.busy_probability, atol=1e-9)
    assert np.allclose(week.dispatch_share, stationary.dispatch_share, atol=1e-9)
    assert week.loss_total == pytest.approx(stationary.loss_total, abs=1e-9)


def test_off_shift_vehicle_takes_no_calls_and_starts_shift_free() -> None:
    # vehicle 1 is on shift only in slot 1 of 2; calls only in slot 1
    on = np.array([[True, False], [True, True]])
    lam = np.array([[0.0], [2.0]])
    r = hypercube_schedule(lam, [[1, 0]], [1.0, 1.0], on, slot_hours=1.0)
    # over a one-hour shift starting free, vehicle 1 is busy less than the stationary 2/3
    assert 0.3 < r.busy_fraction[1] < 2 / 3
    never = hypercube_schedule(lam, [[1, 0]], [1.0, 1.0], np.array([[True, False]] * 2), slot_hours=1.0)
    assert never.busy_fraction[1] == 0.0 and never.dispatched_calls[0, 1] == 0.0


def test_all_busy_probability_of_empty_set_is_one() -> None:
    r = hypercube_schedule(np.array([[1.0]]), [[0, 1]], [1.0, 1.0], np.ones((1, 2), bool), slot_hours=1.0)
    p = r.all_busy_probability(np.array([0, 0, 0]), np.array([[False, False], [True, False], [True, True]]))
    assert p[0] == 1.0
    assert p[1] == pytest.approx(0.5)  # the two-vehicle case solved by hand above
    assert p[2] == pytest.approx(0.2)


# --------------------------------------------------------------------------------------------------
# Simulation against the hypercube


def test_simulation_matches_hypercube_stationary_within_two_points() -> None:
    lam = np.array([0.5, 0.3, 0.8, 0.4])
    pref = np.array([[0, 1, -1], [1, 2, 0], [2, 1, -1], [0, -1, -1]])
    mu = np.array([1.0, 1.2, 0.9])
    on = np.ones((1, 3), bool)
    model = hypercube_schedule(lam[None, :], pref, mu, on, slot_hours=168.0)
    sim = simulate_schedule(lam[None, :], pref, mu, on, slot_hours=168.0, weeks=60, seed=7)
    assert np.abs(model.busy_fraction - sim.busy_fraction).max() < 0.02
    assert np.abs(model.dispatch_share - sim.dispatch_share).max() < 0.02
    assert abs(model.loss_total - sim.loss_total) < 0.02


def test_simulation_matches_hypercube_over_evening_shifts() -> None:
    # 168 hourly slots: vehicles on 18:00-02:00 every day; demand peaks in the evening
    hours = np.arange(168) % 24
    on = np.repeat(((hours >= 18) | (hours < 2))[:, None], 3, axis=1)
    on[:, 2] &= np.arange(168) >= 96  # vehicle 2 only from Friday
    profile = np.where((hours >= 18) | (hours < 2), 1.0, 0.3)
    lam = np.outer(profile, [0.6, 0.4, 0.5, 0.3])
    pref = np.array([[0, 1, -1], [1, 2, 0], [2, 1, -1], [0, 2, -1]])
    mu = np.array([1.0, 1.1, 0.9])
    model = hypercube_schedule(lam, pref, mu, on, slot_hours=1.0)
    sim = simulate_schedule(lam, pref, mu, on, slot_hours=1.0, weeks=400, seed=3)
    assert np.abs(model.busy_fraction - sim.busy_fraction).max() < 0.02
    assert abs(model.loss_total - sim.loss_total) < 0.02
    # the quasi-stationary approximation ignores the start-of-shift effect and is further off
    approx = hypercube_schedule(lam, pref, mu, on, slot_hours=1.0, method="approx")
    assert approx.busy_fraction.sum() > model.busy_fraction.sum()


def test_simulation_is_reproducible_and_deterministic_service_differs() -> None:
    args = (np.array([[1.0]]), [[0]], [1.0], np.ones((1, 1), bool))
    a = simulate_schedule(*args, slot_hours=10.0, weeks=3, seed=1)
    b = simulate_schedule(*args, slot_hours=10.0, weeks=3, seed=1)
    c = simulate_schedule(*args, slot_hours=10.0, weeks=3, seed=1, service="deterministic")
    assert a.busy_fraction[0] == b.busy_fraction[0]
    assert a.busy_fraction[0] != c.busy_fraction[0]


# --------------------------------------------------------------------------------------------------
# MEXCLP


def test_mexclp_by_hand() -> None:
    assert mexclp_busy_fraction(1.5, 1.0, 3) == 0.5
    assert mexclp_busy_fraction(9.0, 1.0, 3) == 1.0
    assert mexclp_busy_fraction(1.0, 1.0, 0) == 0.0
    assert mexclp_coverage([0, 1, 2, 3], 0.5).tolist() == [0.0, 0.5, 0.75, 0.875]
    cov = hypercube_adjusted_coverage([[True, True, False], [False, False, True]], [0.5, 0.4, 0.9])
    assert cov == pytest.approx([0.8, 0.1])
    with pytest.raises(ValueError, match="busy_fraction must be in"):
        mexclp_coverage([1], 1.5)


# --------------------------------------------------------------------------------------------------
# Properties


@st.composite
def _systems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 5))
    rows = []
    for _ in range(m):
        order = draw(st.permutations(list(range(n))))
        length = draw(st.integers(0, n))
        rows.append(list(order[:length]) + [-1] * (n - length))
    lam = np.array(draw(st.lists(st.floats(0.0, 3.0), min_size=m, max_size=m)))
    mu = np.array(draw(st.lists(st.floats(0.3, 3.0), min_size=n, max_size=n)))
    return lam, np.array(rows), mu


@settings(max_examples=60, deadline=None)
@given(_systems(), st.floats(0.3, 3.0), st.randoms(use_true_random=False))
def test_adding_a_vehicle_never_raises_any_atoms_loss(
    system: tuple[np.ndarray, np.ndarray, np.ndarray], new_mu: float, rnd: random.Random
) -> None:
    """Insert a new vehicle anywhere in any lists (keeping the old order): no atom loses more."""
    lam, pref, mu = system
    n = mu.size
    old = hypercube(lam, pref, mu)
    rows = []
    for row in pref:
        listed = [int(v) for v in row if v >= 0]
        if rnd.random() < 0.6:
            listed.insert(rnd.randint(0, len(listed)), n)
        rows.append(listed + [-1] * (n + 1 - len(listed)))
    new = hypercube(lam, np.array(rows), np.r_[mu, new_mu])
    assert (new.loss_probability <= old.loss_probability + 1e-9).all()
    assert (new.busy_probability[:n] <= old.busy_probability + 1e-9).all()
