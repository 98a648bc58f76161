"""Tests for jru_geo.assumptions: validation, captions, the travel model built, the workload table."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jru_geo.errors import TravelModelError
from jru_geo.model import assumptions as am
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, ModelAssumptions
from jru_geo.model.coverage.workload import unit_workload
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TURNOUT_MIN
from jru_geo.model.travel.calibrated import CalibratedModel, load_calibrated
from jru_geo.model.travel.factory import build_travel_model
from jru_geo.model.travel.network import DEFAULT_SPEED_KMH, NetworkModel
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG


def test_defaults_are_the_documented_ones() -> None:
    assert DEFAULT_ASSUMPTIONS == ModelAssumptions("calibrated", 48.0, 0.8, None)
    assert BLUE_LIGHT_FACTOR == 0.8
    assert (am.PUBLISHED_JOBS_PER_SHIFT, am.PUBLISHED_SHIFT_HOURS) == (7.0, 8.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"travel_mode": "bicycle"}, "unknown travel mode 'bicycle'"),
        ({"speed_kmh": 0.0}, r"speed_kmh must be in \(0, 300\] km/h, got 0.0"),
        ({"speed_kmh": float("nan")}, "speed_kmh"),
        ({"blue_light_factor": 0.0}, r"blue_light_factor must be in \(0, 2\]"),
        ({"blue_light_factor": 2.5}, "got 2.5"),
        ({"dispatch_reach_min": -5.0}, "dispatch_reach_min must be a positive number of minutes"),
        ({"dispatch_reach_min": float("inf")}, "dispatch_reach_min"),
        ({"demand_share": 0.0}, r"demand_share must be in \(0, 1\]"),
        ({"demand_share": 1.5}, "got 1.5"),
    ],
)
def test_bad_assumptions_are_rejected(options: dict[str, Any], message: str) -> None:
    with pytest.raises(TravelModelError, match=message):
        ModelAssumptions(**options)


def test_travel_model_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="speed_kmh"):
        ModelAssumptions(speed_kmh=-1.0)


@pytest.mark.parametrize(
    ("a", "targets", "text"),
    [
        (
            ModelAssumptions(),
            [15.0, 15.0],
            "Calibrated road model, blue-light factor 0.80; units sent within their target (15 min).",
        ),
        (
            ModelAssumptions(blue_light_factor=0.65, dispatch_reach_min=40.0),
            [15.0],
            "Calibrated road model, blue-light factor 0.65; units sent to calls up to 40 min away.",
        ),
        (
            ModelAssumptions("straight", speed_kmh=32.5),
            [20.0, 15.0],
            "Straight line at 32.5 km/h; units sent within their target (15/20 min).",
        ),
        (
            ModelAssumptions("network", blue_light_factor=1.0),
            [],
            "Road network (OpenStreetMap), blue-light factor 1.00; units sent within their target.",
        ),
        (
            ModelAssumptions(demand_share=0.08),
            [15.0],
            "Calibrated road model, blue-light factor 0.80; units sent within their target (15 min); "
            "8% of incidents are JRU calls.",
        ),
    ],
)
def test_describe_names_every_assumption(a: ModelAssumptions, targets: list[float], text: str) -> None:
    assert a.describe(targets_min=targets) == text


def test_normalised_drops_what_the_mode_ignores() -> None:
    assert ModelAssumptions("calibrated", speed_kmh=30.0).normalised() == DEFAULT_ASSUMPTIONS
    straight = ModelAssumptions("straight", speed_kmh=30.0, blue_light_factor=0.6, dispatch_reach_min=40.0)
    assert straight.normalised() == ModelAssumptions("straight", speed_kmh=30.0, dispatch_reach_min=40.0)
    assert straight.travel_only() == ModelAssumptions("straight", speed_kmh=30.0)


@given(
    mode=st.sampled_from(["calibrated", "straight", "network"]),
    speed=st.floats(1.0, 300.0),
    factor=st.floats(0.1, 2.0),
    reach=st.none() | st.floats(1.0, 120.0),
)
def test_normalised_is_idempotent_and_describe_follows_the_mode(
    mode: Any, speed: float, factor: float, reach: float | None
) -> None:
    a = ModelAssumptions(mode, speed_kmh=speed, blue_light_factor=factor, dispatch_reach_min=reach)
    n = a.normalised()
    assert n.normalised() == n and hash(n) == hash(n.normalised())
    text = a.describe(targets_min=[15.0])
    assert ("km/h" in text) == (mode == "straight")
    assert ("blue-light factor" in text) == (mode != "straight")
    assert ("up to" in text) == (reach is not None)


def test_build_straight_uses_the_speed() -> None:
    model = build_travel_model(ModelAssumptions("straight", speed_kmh=60.0))
    assert isinstance(model, StraightLineModel)
    # 10 km at 60 km/h = 10 min, plus turn-out
    np.testing.assert_allclose(model.minutes(np.array([[0.0, 0.0]]), np.array([[10_000.0, 0.0]])), 10.0 + 1.0)


@pytest.fixture(scope="module")
def fitted() -> CalibratedModel:
    return load_calibrated()


def test_build_calibrated_scales_driving_time_by_the_factor(fitted: CalibratedModel) -> None:
    a, b = np.array([[575802.0, 167303.0]]), np.array([[585802.0, 167303.0], [590000.0, 150000.0]])
    full = build_travel_model(ModelAssumptions(blue_light_factor=1.0), calibrated=fitted)
    half = build_travel_model(ModelAssumptions(blue_light_factor=0.5), calibrated=fitted)
    assert isinstance(half, CalibratedModel) and half.blue_light_factor == 0.5
    assert fitted.blue_light_factor == BLUE_LIGHT_FACTOR  # the fitted model is not changed
    np.testing.assert_allclose(half.minutes(a, b) - TURNOUT_MIN, 0.5 * (full.minutes(a, b) - TURNOUT_MIN))
    np.testing.assert_allclose(half.coefficients, fitted.coefficients)


def _line_graph() -> nx.MultiDiGraph:
    # A(0,0) -> B(3000,0): 3 km of a road class missing from the speed table
    g = nx.MultiDiGraph(crs=BNG)
    g.add_node("A", x=0.0, y=0.0)
    g.add_node("B", x=3000.0, y=0.0)
    g.add_edge("A", "B", length=3000.0, highway="x")
    return g


def test_build_network_applies_the_factor_to_the_graph() -> None:
    a = ModelAssumptions("network", blue_light_factor=0.5)
    model = build_travel_model(a, graph=_line_graph())
    assert isinstance(model, NetworkModel) and model.blue_light_factor == 0.5
    got = model.minutes(np.array([[0.0, 0.0]]), np.array([[3000.0, 0.0]]))
    # an unknown highway class drives at the default speed
    assert got[0, 0] == pytest.approx(TURNOUT_MIN + 0.5 * 3.0 / DEFAULT_SPEED_KMH * 60.0)


def test_build_network_without_a_graph_file_says_how_to_get_one(tmp_path: Any) -> None:
    with pytest.raises(TravelModelError, match="python -m jru_geo roads download"):
        build_travel_model(ModelAssumptions("network"), graph_path=tmp_path / "missing.graphml")


def _result(vehicles: pd.DataFrame) -> Any:
    return SimpleNamespace(vehicles=vehicles)


def test_unit_workload_by_hand() -> None:
    vehicles = pd.DataFrame(
        {
            "vehicle_id": ["a", "b"],
            "name": ["A", "B"],
            "reach_min": [15.0, 40.0],
            "weekly_hours": [16.0, 0.0],  # two 8-hour shifts; none
            "shifts_per_week": [2.0, 0.0],
            "calls_per_hour": [0.5, 0.0],
            "busy_fraction": [0.4, 0.0],
            "expected_jobs_per_shift": [4.0, 0.0],
        }
    )
    got = unit_workload(_result(vehicles))
    assert list(got["name"]) == ["A", "B"]
    np.testing.assert_allclose(got["shift_hours"], [8.0, 0.0])
    np.testing.assert_allclose(got["jobs_per_8h"], [4.0, 0.0])
    np.testing.assert_allclose(got["share_of_published"], [4.0 / 7.0, 0.0])
    np.testing.assert_allclose(got["busy_fraction"], [0.4, 0.0])
    np.testing.assert_allclose(got["busy_pct"], [40.0, 0.0])
    np.testing.assert_allclose(
        unit_workload(_result(vehicles), published_jobs_per_shift=8.0)["share_of_published"], [0.5, 0.0]
    )


def test_unit_workload_rejects_a_bad_published_figure() -> None:
    with pytest.raises(ValueError, match="published_jobs_per_shift must be > 0, got 0"):
        unit_workload(_result(pd.DataFrame()), published_jobs_per_shift=0.0)


def test_travel_only_forgets_dispatch_reach_and_demand_share() -> None:
    a = ModelAssumptions(blue_light_factor=0.7, dispatch_reach_min=30.0, demand_share=0.2)
    assert a.travel_only() == ModelAssumptions(blue_light_factor=0.7)


def test_workload_note_follows_the_figure():
    from jru_geo.model.coverage.workload import workload_note

    low = workload_note(2.0, reach_note="within their target (15 min)")
    near = workload_note(7.5, reach_note="to calls up to 40 min away")
    high = workload_note(9.0, reach_note="within their target (15 min)")
    assert low.startswith("The units take 2.0 jobs per 8 hours") and ": fewer." in low
    assert ": close to it (sent to calls up to 40 min away)." in near
    assert ": more." in high and "share of the incidents" in high
    assert "No unit is on shift" in workload_note(float("nan"), reach_note="x")
    # the thresholds: 80% and 125% of the published 7
    assert ": fewer." in workload_note(5.59, reach_note="x") and ": close" in workload_note(
        5.61, reach_note="x"
    )
    assert ": close" in workload_note(8.74, reach_note="x") and ": more." in workload_note(
        8.76, reach_note="x"
    )
