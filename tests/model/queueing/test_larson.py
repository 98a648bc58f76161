"""Tests for jru_geo.model.queueing.larson: Larson's approximation over a batch of slots."""

from __future__ import annotations

import numpy as np
import pytest

from jru_geo.model.queueing import schedule
from jru_geo.model.queueing.hypercube import erlang_loss_distribution, hypercube
from jru_geo.model.queueing.larson import _interp_rows, approx_stationary
from jru_geo.model.queueing.schedule import hypercube_schedule


def _batch(
    seed: int, n: int, m: int, slots: int, *, gaps: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random lists of 1..n vehicles, rates, service rates and shifts.

    With ``gaps`` the lists are 3 longer than the fleet, with padding between vehicles (as a group
    cut out of a larger fleet has); without, they are the public form (padding at the end only).
    """
    rng = np.random.default_rng(seed)
    width = n + 3 if gaps else n
    pref = np.full((m, width), -1)
    for j in range(m):
        length = int(rng.integers(1, n + 1))
        columns = np.sort(rng.choice(width, length, replace=False)) if gaps else np.arange(length)
        pref[j, columns] = rng.permutation(n)[:length]
    lam = rng.uniform(0.0, 1.5, (slots, m))
    mu = rng.uniform(0.5, 2.0, n)
    on = rng.random((slots, n)) < 0.8
    return lam, pref, mu, on


def test_each_slot_of_a_batch_is_the_slot_on_its_own_in_any_order() -> None:
    """A slot's answer depends only on that slot: alone, in a batch, or in a batch reversed."""
    lam, pref, mu, on = _batch(3, 12, 25, slots=9)
    together = approx_stationary(lam, pref, mu, on)
    backwards = approx_stationary(lam[::-1], pref, mu, on[::-1])
    for s in range(9):
        alone = approx_stationary(lam[s : s + 1], pref, mu, on[s : s + 1])
        for got, back, one in zip(together, backwards, alone, strict=True):
            assert np.allclose(got[s], one[0], rtol=0, atol=1e-13)
            assert np.allclose(back[8 - s], one[0], rtol=0, atol=1e-13)


def test_padding_inside_the_lists_changes_nothing() -> None:
    """Lists with -1 between vehicles (a group cut out of a fleet) give the compacted lists' answer."""
    lam, pref, mu, on = _batch(4, 11, 20, slots=4)
    compact = np.full_like(pref, -1)
    for j, row in enumerate(pref):
        listed = row[row >= 0]
        compact[j, : listed.size] = listed
    for got, want in zip(
        approx_stationary(lam, pref, mu, on), approx_stationary(lam, compact[:, :11], mu, on), strict=True
    ):
        assert np.allclose(got, want, rtol=0, atol=1e-13)


@pytest.mark.parametrize("erlangs", [0.5, 6.0, 30.0, 300.0])
def test_symmetric_full_lists_give_erlang_b_however_heavy_the_load(erlangs: float) -> None:
    """Jarvis's approximation is exact for identical vehicles on full lists: the loss is Erlang B.

    At 300 erlangs on 12 vehicles every vehicle is busy 99.96% of the time: the iteration must still
    converge to it (its step is halved whenever it grows).
    """
    n = 12
    pref = np.array([np.roll(np.arange(n), -j) for j in range(n)])
    lam = np.full((1, n), erlangs / n)
    rho, _, loss, _ = approx_stationary(lam, pref, np.ones(n), np.ones((1, n), dtype=bool))
    blocking = erlang_loss_distribution(erlangs, n)[-1]
    assert loss[0] == pytest.approx(np.full(n, blocking), rel=1e-6)
    assert rho[0] == pytest.approx(np.full(n, erlangs * (1 - blocking) / n), rel=1e-6)


def test_slots_without_servers_or_calls() -> None:
    """No vehicle on shift: every call is lost, no one is busy; no calls: nothing is lost."""
    lam, pref, mu, on = _batch(5, 11, 6, slots=3)
    on[0] = False
    lam[1] = 0.0
    rho, shares, loss, factor = approx_stationary(lam, pref, mu, on)
    assert np.array_equal(rho[0], np.zeros(11)) and np.array_equal(shares[0], np.zeros((6, 11)))
    assert np.array_equal(loss[0], np.ones(6))
    assert np.array_equal(rho[1], np.zeros(11)) and np.array_equal(loss[1], np.zeros(6))
    assert np.array_equal(factor[0], np.r_[1.0, np.zeros(11)])
    # a real slot: calls are served or lost, never both or neither
    assert np.allclose(shares[2].sum(axis=1) + loss[2], 1.0)
    assert np.all(factor[2][on[2].sum() + 1 :] == 0)


def test_off_shift_vehicles_take_nothing() -> None:
    lam, pref, mu, on = _batch(6, 13, 30, slots=5)
    rho, shares, _, _ = approx_stationary(lam, pref, mu, on)
    assert np.all(rho[~on] == 0)
    assert np.all(shares.transpose(0, 2, 1)[~on] == 0)


def test_stationary_approx_is_a_batch_of_one() -> None:
    lam, pref, mu, _ = _batch(7, 11, 15, slots=1, gaps=False)
    result = hypercube(lam[0], pref, mu, method="approx")
    rho, shares, loss, _ = approx_stationary(lam, pref, mu, np.ones((1, 11), dtype=bool))
    assert np.array_equal(result.busy_probability, rho[0])
    assert np.array_equal(result.dispatch_share, shares[0])
    assert np.array_equal(result.loss_probability, loss[0])


@pytest.mark.parametrize("chunk", [1, 300, 1 << 20])
def test_schedule_solves_distinct_slots_in_batches_of_any_size(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """The week's answer does not depend on how its distinct slots are batched; repeats share theirs."""
    lam, pref, mu, on = _batch(8, 12, 10, slots=12, gaps=False)
    lam[6:] = lam[:6]
    on[6:] = on[:6]
    want = hypercube_schedule(lam, pref, mu, on, slot_hours=0.5, method="approx")
    monkeypatch.setattr(schedule, "_CHUNK_VALUES", chunk)
    got = hypercube_schedule(lam, pref, mu, on, slot_hours=0.5, method="approx")
    assert np.allclose(got.busy_probability, want.busy_probability, rtol=0, atol=1e-13)
    assert np.allclose(got.dispatched_calls, want.dispatched_calls, rtol=0, atol=1e-12)
    assert np.allclose(got.lost_by_slot, want.lost_by_slot, rtol=0, atol=1e-12)
    assert np.array_equal(got.busy_probability[6:], got.busy_probability[:6])


def test_row_interpolation_equals_numpy_interp() -> None:
    rng = np.random.default_rng(9)
    xp = np.maximum.accumulate(np.cumsum(rng.random((20, 30)) * (rng.random((20, 30)) > 0.3), axis=1), axis=1)
    xp[:, 0] = 0.0
    fp = np.cumsum(rng.random((20, 30)), axis=1)
    x = rng.uniform(-1, xp[:, -1] + 1)
    got = _interp_rows(x, xp, fp)
    want = [np.interp(x[b], xp[b], fp[b]) for b in range(20)]
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


def test_shorter_steps_reach_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The safeguard's shorter steps (here from the second iteration on) change the path, not the answer."""
    from jru_geo.model.queueing import larson

    lam, pref, mu, on = _batch(10, 14, 30, slots=6)
    lam *= 20  # heavy load: vehicles busy up to ~0.95 of the time
    full = approx_stationary(lam, pref, mu, on)
    monkeypatch.setattr(larson, "_APPROX_FULL_STEPS", 1)
    short = approx_stationary(lam, pref, mu, on)
    assert full[0].max() > 0.9
    for got, want in zip(short, full, strict=True):
        assert np.allclose(got, want, rtol=0, atol=1e-7)
