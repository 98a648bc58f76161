"""Dispatch lists and distinct rows against their plain numpy definitions (ties, unreachable, NaN)."""

from __future__ import annotations

import numpy as np
import pytest

from jru_geo.model.coverage.dispatch import _dispatch_lists, _unique_rows


def _lists_by_definition(travel: np.ndarray, covering: np.ndarray, in_reach: np.ndarray) -> np.ndarray:
    """Covering units first, then the rest, nearest first, ties by unit order; -1 past the reachable."""
    key = np.where(in_reach, travel + np.where(covering, 0.0, 1e9), np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    ranked = np.take_along_axis(key, order, axis=1)
    return np.where(np.isfinite(ranked), order, -1).astype(np.int64)


@pytest.mark.parametrize("n", [1, 2, 5, 11, 30])
@pytest.mark.parametrize("seed", [0, 1])
def test_dispatch_lists_follow_their_definition(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    travel = np.round(rng.random((400, n)) * 20.0)  # whole minutes: many ties
    travel[rng.random(travel.shape) < 0.05] = np.inf  # unreachable
    covering = travel <= 10.0
    in_reach = travel <= 15.0 + rng.random(travel.shape) * 5.0
    got = _dispatch_lists(travel, covering, in_reach)
    np.testing.assert_array_equal(got, _lists_by_definition(travel, covering, in_reach))
    assert got.dtype == np.int64


def test_dispatch_lists_by_hand_and_with_nan() -> None:
    travel = np.array([[5.0, 3.0, 3.0, 20.0], [np.nan, 1.0, 2.0, 4.0]])
    covering = travel <= 10.0
    in_reach = np.array([[True, True, True, False], [True, True, True, True]])
    got = _dispatch_lists(travel, covering, in_reach)
    # row 0: units 1 and 2 tie at 3 min (unit order kept), then 0; unit 3 is out of reach
    np.testing.assert_array_equal(got[0], [1, 2, 0, -1])
    np.testing.assert_array_equal(got, _lists_by_definition(travel, covering, in_reach))
    assert _dispatch_lists(np.zeros((0, 3)), np.zeros((0, 3), bool), np.zeros((0, 3), bool)).shape == (0, 3)


@pytest.mark.parametrize("wide", [False, True])
def test_unique_rows_equal_numpy_unique(wide: bool) -> None:
    rng = np.random.default_rng(3)
    table = rng.integers(-1, 4, size=(2_000, 11))  # vehicle numbers, -1 for none: ranked by offset
    if wide:  # a column of bit masks spanning more values than rows: ranked by a sort
        table[:, 3] = rng.integers(0, 2, 2_000) << 40
    table[::7] = table[0]  # repeated rows
    rows, inverse = _unique_rows(table)
    want_rows, want_inverse = np.unique(table, axis=0, return_inverse=True)
    np.testing.assert_array_equal(rows, want_rows)
    np.testing.assert_array_equal(inverse, want_inverse.ravel())
    np.testing.assert_array_equal(rows[inverse], table)
