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


# --------------------------------------------------------------------------------------------------
# Coupled groups: the exact/approximate choice follows the vehicles that share calls


def _random_schedule(
    seed: int, n: int, m: int, slots: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pref = np.full((m, n), -1)
    for j in range(m):
        length = int(rng.integers(1, n + 1))
        pref[j, :length] = rng.permutation(n)[:length]
    lam = rng.uniform(0.0, 0.4, (slots, m))
    mu = rng.uniform(0.5, 2.0, n)
    on = rng.random((slots, n)) < 0.7
    return lam, pref, mu, on


def _insert_off_duty(pref: np.ndarray, at: int) -> np.ndarray:
    """Renumber vehicles so a new one sits at index ``at`` and put it first on every list."""
    shifted = np.where(pref >= at, pref + 1, pref)
    return np.column_stack([np.full(len(pref), at), shifted])


def test_an_off_duty_vehicle_changes_nothing_and_keeps_the_model_exact() -> None:
    """Ten vehicles that share calls, then an eleventh that is never on shift (issue 10, item 6)."""
    lam, pref, mu, on = _random_schedule(3, 10, 12)
    before = hypercube_schedule(lam, pref, mu, on, slot_hours=2.0)
    at = 4
    after = hypercube_schedule(
        lam,
        _insert_off_duty(pref, at),
        np.insert(mu, at, 1.0),
        np.insert(on, at, False, axis=1),
        slot_hours=2.0,
    )
    assert before.method == after.method == "exact"
    old = np.r_[0:at, at + 1 : 11]
    assert np.allclose(after.busy_probability[:, old], before.busy_probability, rtol=0, atol=1e-12)
    assert (after.busy_probability[:, at] == 0).all() and (after.dispatched_calls[:, at] == 0).all()
    assert np.allclose(after.dispatched_calls[:, old], before.dispatched_calls, rtol=0, atol=1e-12)
    assert np.allclose(after.lost_calls, before.lost_calls, rtol=0, atol=1e-12)
    sets = np.random.default_rng(0).random((20, 10)) < 0.5
    slots = np.arange(20) % 8
    assert np.allclose(
        after.all_busy_probability(slots, np.insert(sets, at, False, axis=1)),
        before.all_busy_probability(slots, sets),
        rtol=0,
        atol=1e-12,
    )


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_an_off_duty_vehicle_changes_nothing_in_an_approximate_group(seed: int) -> None:
    """Twelve vehicles sharing calls (Larson's approximation), then a thirteenth never on shift.

    Some atoms have calls in slots where none of their listed vehicles is on shift. Before the fix
    those calls stretched the approximation's offered-load grid only when the fleet was solved as one
    group (no off-duty vehicle), so an off-duty vehicle moved busy probabilities by up to 1.5e-4.
    """
    lam, pref, mu, on = _random_schedule(seed, 12, 30)
    lam = lam * 8.0
    before = hypercube_schedule(lam, pref, mu, on, slot_hours=2.0)
    at = 5
    after = hypercube_schedule(
        lam,
        _insert_off_duty(pref, at),
        np.insert(mu, at, 1.0),
        np.insert(on, at, False, axis=1),
        slot_hours=2.0,
    )
    assert before.method == after.method == "approx"
    old = np.r_[0:at, at + 1 : 13]
    assert np.allclose(after.busy_probability[:, old], before.busy_probability, rtol=0, atol=1e-9)
    assert np.allclose(after.dispatched_calls[:, old], before.dispatched_calls, rtol=0, atol=1e-9)
    assert np.allclose(after.lost_calls, before.lost_calls, rtol=0, atol=1e-9)


def test_groups_that_share_no_calls_are_solved_exactly_and_apart() -> None:
    """Twelve vehicles in two groups of six: exact, and each group as if alone."""
    lam_a, pref_a, mu_a, on_a = _random_schedule(5, 6, 7)
    lam_b, pref_b, mu_b, on_b = _random_schedule(6, 6, 5)
    pref = np.vstack(
        [
            np.column_stack([pref_a, np.full((7, 6), -1)]),
            np.column_stack([np.where(pref_b >= 0, pref_b + 6, -1), np.full((5, 6), -1)]),
        ]
    )
    both = hypercube_schedule(
        np.hstack([lam_a, lam_b]), pref, np.r_[mu_a, mu_b], np.hstack([on_a, on_b]), slot_hours=1.5
    )
    a = hypercube_schedule(lam_a, pref_a, mu_a, on_a, slot_hours=1.5)
    b = hypercube_schedule(lam_b, pref_b, mu_b, on_b, slot_hours=1.5)
    assert both.method == "exact"
    assert np.allclose(both.busy_probability, np.hstack([a.busy_probability, b.busy_probability]), atol=1e-12)
    assert np.allclose(both.lost_calls, np.r_[a.lost_calls, b.lost_calls], atol=1e-12)
    assert both.loss_total == pytest.approx(
        (a.lost_calls.sum() + b.lost_calls.sum()) / (a.offered_calls.sum() + b.offered_calls.sum())
    )
    # a set across both groups: the product of the groups' probabilities (they are independent)
    sets = np.zeros((1, 12), dtype=bool)
    sets[0, [0, 7]] = True
    expected = a.all_busy_probability(np.array([2]), sets[:, :6]) * b.all_busy_probability(
        np.array([2]), sets[:, 6:]
    )
    assert both.all_busy_probability(np.array([2]), sets) == pytest.approx(expected, abs=1e-12)


def test_exact_method_refuses_a_group_over_the_limit() -> None:
    lam, pref, mu, on = _random_schedule(1, 11, 3, slots=2)
    on[:] = True
    lam[:] = 0.3
    pref[:, :] = np.arange(11)  # every atom lists every vehicle: one group of 11
    with pytest.raises(ValueError, match="groups of at most 10 vehicles"):
        hypercube_schedule(lam, pref, mu, on, slot_hours=1.0, method="exact")
    assert hypercube_schedule(lam, pref, mu, on, slot_hours=1.0).method == "approx"


def test_larson_tables_match_the_binomial_formula() -> None:
    from math import comb

    from jru_geo.model.queueing.larson import _larson_tables

    for n in range(0, 7):
        busy, free = _larson_tables(n)
        for k in range(n + 1):
            for j in range(n + 1):
                want_busy = comb(n - k, j - k) / comb(n, j) if j >= k else 0.0
                want_free = comb(n - k - 1, j - k) / comb(n, j) if k < n and k <= j <= n - 1 else 0.0
                assert busy[k, j] == pytest.approx(want_busy, rel=1e-12)
                assert free[k, j] == pytest.approx(want_free, rel=1e-12)


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_calls_by_slot_batched_equal_one_slot_at_a_time(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Slots sharing the units on shift are computed together, in batches of any size, bit for bit."""
    from jru_geo.model.queueing import schedule
    from jru_geo.model.queueing.hypercube import _list_masks, _shares_from_all_busy

    lam, pref, mu, on = _random_schedule(11, 5, 9, slots=24)
    lam[3] = 0.0  # a slot without calls is left out
    on[5:9] = on[4]  # runs of slots with the same units on shift
    table = np.random.default_rng(2).random((24, 1 << 5))
    monkeypatch.setattr(schedule, "_CHUNK_VALUES", chunk)
    got = list(schedule._exact_calls(table, lam, pref, on, 0.5))
    assert [s for s, _, _ in got] == [s for s in range(24) if s != 3]
    for s, served, lost in got:
        shares = _shares_from_all_busy(table[s], pref, on[s])
        assert np.array_equal(served, lam[s][:, None] * shares * 0.5)
        assert np.array_equal(lost, lam[s] * table[s][_list_masks(pref, on[s])] * 0.5)


@pytest.mark.parametrize("chunk", [1, 1 << 20])
def test_dense_slot_steps_in_batches_equal_the_sparse_series(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The week's slots' dense steps, built together in batches of any size, as each slot's sparse series."""
    from jru_geo.model.queueing import _steps

    lam, pref, mu, on = _random_schedule(5, 4, 7, slots=16)
    lam[2] = 0.0  # no calls: the units only finish the jobs in hand
    on[6:10] = on[5]
    lam[7] = lam[6]  # a repeated slot
    monkeypatch.setattr(_steps, "_CHUNK_VALUES", chunk)
    steps = _steps._slot_steps(lam, pref, mu, on, 0.5)
    assert len(steps) == 16 and steps[7] is steps[6]
    start = np.random.default_rng(1).dirichlet(np.ones(16))
    for s, step in enumerate(steps):
        targets = _steps._dispatch_targets(pref, on[s], 4)
        end, mean = step.apply(start)
        want_end, want_mean = _steps._Step.sparse(lam[s], targets, mu, 4, 0.5).apply(start)
        assert np.allclose(end, want_end, rtol=0, atol=1e-13) and np.allclose(
            mean, want_mean, rtol=0, atol=1e-13
        )
        assert abs(end.sum() - 1.0) < 1e-12 and abs(mean.sum() - 1.0) < 1e-12
