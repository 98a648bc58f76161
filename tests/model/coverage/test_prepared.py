"""Runs with ``prepared`` (timing built once, one unit inserted into a ranked fleet) equal plain runs.

Random small cases: whole-minute travel (many ties, also between the new unit and the fleet), some
units out of reach, mixed time precision, shifts that differ by unit, a few shared locations; every
figure of the result is compared exactly.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from factories import ALL_DAYS, make_incidents, make_scenario, make_vehicle

from jru_geo.errors import CoverageError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario, Shift
from jru_geo.model.coverage import dispatch
from jru_geo.model.coverage._fleet import _fleet
from jru_geo.model.coverage.dispatch import _dispatch_lists, _unique_rows
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.prepared import _inserted_atoms, prepare_coverage
from jru_geo.model.travel.straight import StraightLineModel

X0, Y0 = 560_000.0, 150_000.0
MODEL = StraightLineModel(speed_kmh=60.0, turnout_min=1.0)
DAYS = ALL_DAYS
SHIFTS = [
    [Shift(days=DAYS, start="18:00", end="02:00")],
    [Shift(days=DAYS, start="08:00", end="20:00")],
    [Shift(days=[d for d in ALL_DAYS if d in ("Fri", "Sat")], start="20:00", end="04:00")],
    [Shift(days=DAYS, start="00:00", end="00:00")],
]


def _assert_same(got: Any, want: Any, where: str = "result") -> None:
    if dataclasses.is_dataclass(got) and not isinstance(got, type):
        assert type(got) is type(want), where
        for field in dataclasses.fields(got):
            _assert_same(getattr(got, field.name), getattr(want, field.name), f"{where}.{field.name}")
    elif isinstance(got, pd.DataFrame):
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=where)
    elif isinstance(got, np.ndarray):
        np.testing.assert_array_equal(got, want, err_msg=where, strict=True)
    elif isinstance(got, list | tuple):
        assert type(got) is type(want) and len(got) == len(want), where
        for k, (a, b) in enumerate(zip(got, want, strict=True)):
            _assert_same(a, b, f"{where}[{k}]")
    elif isinstance(got, dict):
        assert got.keys() == want.keys(), where
        for k in got:
            _assert_same(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(got, float) and np.isnan(got):
        assert np.isnan(want), where
    else:
        assert got == want, where


def _case(seed: int, n_units: int, n_calls: int) -> tuple[Scenario, Scenario, gpd.GeoDataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    vehicles = [
        make_vehicle(
            f"V{j}",
            easting=X0 + float(rng.integers(0, 20)) * 1_000,
            northing=Y0,
            shifts=SHIFTS[int(rng.integers(0, len(SHIFTS)))],
            target_min=float(rng.choice([8.0, 12.0, 15.0])),
        )
        for j in range(n_units + 1)
    ]
    xy = rng.integers(0, 20, (n_calls, 2)) * 1_000.0
    xy[::5] = xy[0]  # shared locations
    minutes = rng.integers(0, 4 * 7 * 1440, n_calls)
    times = list(pd.Timestamp("2024-01-01") + pd.to_timedelta(minutes, unit="min"))
    precision = list(rng.choice(["minute", "minute", "day", "month"], n_calls))
    category = list(rng.choice(["violence", "theft"], n_calls))
    calls = make_incidents([(X0 + x, Y0 + y) for x, y in xy], times, precision=precision, category=category)
    travel = np.round(rng.random((n_calls, n_units + 1)) * 20.0)  # whole minutes: ties
    travel[rng.random(travel.shape) < 0.05] = 40.0  # out of every reach
    return make_scenario(*vehicles[:n_units]), make_scenario(*vehicles), calls, travel


@pytest.mark.parametrize("n_units", [1, 3, 6])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_prepared_run_with_one_unit_inserted_equals_the_plain_run(seed: int, n_units: int) -> None:
    fleet, plus_one, calls, travel = _case(seed, n_units, 300)
    counted = np.random.default_rng(seed).random(len(calls)) < 0.7
    bases = resolve_bases(plus_one)
    target = 12.0 if seed == 2 else None
    plain = compute_coverage(
        calls, plus_one, MODEL, bases=bases, travel_min=travel, counted=counted, target_min=target
    )
    prepared = prepare_coverage(calls, counted=counted)
    ranks = _fleet(fleet, None, target, None, 15, resolve_bases(fleet))
    ranked = prepared.with_fleet(travel[:, :n_units], ranks.target, ranks.reach)
    plus = _fleet(plus_one, None, target, None, 15, bases)
    assert _inserted_atoms(ranked, travel, plus.target, plus.reach) is not None  # the unit is inserted
    got = compute_coverage(
        calls,
        plus_one,
        MODEL,
        bases=bases,
        travel_min=travel,
        prepared=ranked,
        counted=counted,
        target_min=target,
    )
    _assert_same(got, plain)
    # and the fleet itself (no unit inserted: the plain dispatch path, the shared timing)
    base = compute_coverage(
        calls, fleet, MODEL, travel_min=travel[:, :n_units], counted=counted, target_min=target
    )
    _assert_same(
        compute_coverage(
            calls,
            fleet,
            MODEL,
            travel_min=travel[:, :n_units],
            prepared=ranked,
            counted=counted,
            target_min=target,
        ),
        base,
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_inserted_dispatch_lists_equal_a_full_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    travel = np.round(rng.random((2_000, n + 1)) * 12.0)
    travel[rng.random(travel.shape) < 0.1] = np.inf
    target = rng.choice([4.0, 6.0, 8.0], n + 1)
    reach = target + rng.choice([0.0, 3.0], n + 1)
    prepared = prepare_coverage(make_incidents([(X0, Y0)] * 2_000, [pd.Timestamp("2024-01-01")] * 2_000))
    ranked = prepared.with_fleet(travel[:, :n], target[:n], reach[:n])
    got = _inserted_atoms(ranked, travel, target, reach)
    assert got is not None
    want = _unique_rows(_dispatch_lists(travel, travel <= target, travel <= reach))
    np.testing.assert_array_equal(got[0], want[0], strict=True)
    np.testing.assert_array_equal(got[1], want[1], strict=True)
    # another fleet, other targets or a NaN: not inserted (the engine sorts in full)
    assert _inserted_atoms(ranked, travel + 1.0, target, reach) is None
    assert _inserted_atoms(ranked, travel, target + 1.0, reach) is None
    with_nan = travel.copy()
    with_nan[0, n] = np.nan
    assert _inserted_atoms(ranked, with_nan, target, reach) is None


def test_prepared_for_other_incidents_is_refused() -> None:
    _, plus_one, calls, travel = _case(0, 2, 50)
    prepared = prepare_coverage(calls.iloc[:40])
    with pytest.raises(CoverageError, match="prepared was built for 40 incidents"):
        compute_coverage(calls, plus_one, MODEL, travel_min=travel, prepared=prepared)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_cover_by_bit_masks_equals_the_boolean_sets(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _, plus_one, calls, travel = _case(seed, 5, 400)
    by_masks = compute_coverage(calls, plus_one, MODEL, travel_min=travel)
    monkeypatch.setattr(dispatch, "_MASK_UNITS", 0)  # the per-incident boolean sets
    _assert_same(by_masks, compute_coverage(calls, plus_one, MODEL, travel_min=travel))
