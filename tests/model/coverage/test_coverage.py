"""Tests for jru_geo.coverage: hand-checked coverage, availability, invariants, gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from factories import ALL_DAYS, make_incidents, make_scenario, make_vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jru_geo.demand_profile import hour_of_week_profile
from jru_geo.errors import JruGeoError
from jru_geo.io.scenario import Scenario, Shift, Vehicle
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.gaps import coverage_gaps
from jru_geo.model.queueing.simulation import simulate_schedule
from jru_geo.model.travel.matrix import nearest_vehicle, travel_matrix
from jru_geo.settings import BNG

MONDAY = pd.Timestamp("2024-01-01")  # a Monday


@dataclass(frozen=True)
class KmPerMinute:
    """Stub travel model: one minute per straight-line kilometre, no turn-out."""

    name: str = field(default="straight", init=False)

    def minutes(self, origins_xy: np.ndarray, destinations_xy: np.ndarray) -> np.ndarray:
        d = origins_xy[:, None, :] - destinations_xy[None, :, :]
        return np.hypot(d[..., 0], d[..., 1]) / 1000.0


MODEL = KmPerMinute()


def vehicle(
    vid: str,
    x: float,
    y: float = 0.0,
    *,
    shifts: list[Shift] | None = None,
    target_min: float = 5.0,
    job_min: float = 60.0,
) -> Vehicle:
    return make_vehicle(
        vid,
        easting=500_000 + x,
        northing=100_000 + y,
        shifts=shifts,
        target_min=target_min,
        job_min=job_min,
    )


def incidents(
    xy: list[tuple[float, float]],
    times: list[pd.Timestamp],
    *,
    precision: str | list[str] = "minute",
    category: str | list[str] = "violence",
    district: list[str] | None = None,
) -> gpd.GeoDataFrame:
    return make_incidents(
        [(500_000 + x, 100_000 + y) for x, y in xy],
        times,
        precision=precision,
        category=category,
        district=district,
    )


scenario = make_scenario


@pytest.fixture
def lsoas(tiny_lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # move the tiny layout to where the test vehicles are
    return tiny_lsoas.set_geometry(tiny_lsoas.geometry.translate(500_000, 100_000))


def cover(inc: gpd.GeoDataFrame, sc: Scenario, lsoas: gpd.GeoDataFrame, **kw: object):  # type: ignore[no-untyped-def]
    return compute_coverage(inc, sc, MODEL, lsoas=lsoas, demand_profile="uniform", **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Helpers


def test_travel_matrix_and_nearest_vehicle() -> None:
    inc = incidents([(1000, 0), (9000, 0), (20000, 0)], [MONDAY] * 3)
    sc = scenario(vehicle("A", 0), vehicle("B", 10_000))
    from jru_geo.io.bases import resolve_bases

    travel = travel_matrix(MODEL, points=inc, bases=resolve_bases(sc))
    assert travel.shape == (3, 2)
    assert travel[0].tolist() == pytest.approx([1.0, 9.0])
    near = nearest_vehicle(travel, ["A", "B"])
    assert near["nearest_vehicle"].tolist() == ["A", "B", "B"]
    assert near["travel_min"].tolist() == pytest.approx([1.0, 1.0, 10.0])
    empty = nearest_vehicle(np.zeros((2, 0)), [])
    assert empty["nearest_vehicle"].isna().all() and np.isinf(empty["travel_min"]).all()


# --------------------------------------------------------------------------------------------------
# Geographic and in-hours, by hand


def test_geographic_coverage_by_hand(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents([(1000, 0), (9000, 0), (20000, 0), (5000, 0)], [MONDAY] * 4)
    r = cover(inc, scenario(vehicle("A", 0), vehicle("B", 10_000)), lsoas)
    assert r.incidents["covered_geo"].tolist() == [1.0, 1.0, 0.0, 1.0]  # 5 km is exactly on target
    assert r.incidents["n_covering"].tolist() == [1, 1, 0, 2]
    assert r.incidents["nearest_vehicle"].tolist() == ["A", "B", "B", "A"]
    assert r.coverage_geographic == 0.75
    assert r.incidents.index.equals(inc.index)
    assert "covered_geo" not in inc.columns  # input not mutated


def test_target_override_changes_geographic_coverage(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents([(1000, 0), (7000, 0)], [MONDAY] * 2)
    sc = scenario(vehicle("A", 0))
    assert cover(inc, sc, lsoas).coverage_geographic == 0.5
    assert cover(inc, sc, lsoas, target_min=8).coverage_geographic == 1.0


def test_in_hours_for_minute_precision_and_a_shift_crossing_midnight(lsoas: gpd.GeoDataFrame) -> None:
    evening = [Shift(days=["Mon"], start="18:00", end="02:00")]
    times = [
        MONDAY + pd.Timedelta(hours=19),  # Monday 19:00: on
        MONDAY + pd.Timedelta(hours=25, minutes=30),  # Tuesday 01:30, Monday's shift: on
        MONDAY + pd.Timedelta(hours=26),  # Tuesday 02:00, shift has ended: off
        MONDAY + pd.Timedelta(hours=36),  # Tuesday 12:00: off
    ]
    r = cover(incidents([(1000, 0)] * 4, times), scenario(vehicle("A", 0, shifts=evening)), lsoas)
    assert r.incidents["covered_in_hours"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert (r.incidents["p_covered_expected"] <= r.incidents["covered_in_hours"]).all()


def test_month_precision_in_hours_is_the_profile_share_of_the_shift(lsoas: gpd.GeoDataFrame) -> None:
    monday = [Shift(days=["Mon"], start="00:00", end="00:00")]
    inc = incidents([(1000, 0)], [pd.Timestamp("2025-01-01")], precision="month")
    sc = scenario(vehicle("A", 0, shifts=monday))
    uniform = compute_coverage(inc, sc, MODEL, lsoas=lsoas, demand_profile="uniform")
    assert uniform.incidents["covered_in_hours"].iloc[0] == pytest.approx(1 / 7)
    demo = compute_coverage(inc, sc, MODEL, lsoas=lsoas, demand_profile="demo")
    expected = hour_of_week_profile("violence")[:24].sum()
    assert demo.incidents["covered_in_hours"].iloc[0] == pytest.approx(expected)
    assert expected != pytest.approx(1 / 7)
    custom = np.zeros(168)
    custom[:24] = 1.0
    only_monday = compute_coverage(inc, sc, MODEL, lsoas=lsoas, demand_profile=custom)
    assert only_monday.incidents["covered_in_hours"].iloc[0] == pytest.approx(1.0)


def test_day_precision_uses_the_profile_within_its_day(lsoas: gpd.GeoDataFrame) -> None:
    morning = [Shift(days=["Mon"], start="00:00", end="06:00")]
    inc = incidents([(1000, 0)], [MONDAY], precision="day")
    r = cover(inc, scenario(vehicle("A", 0, shifts=morning)), lsoas)
    assert r.incidents["covered_in_hours"].iloc[0] == pytest.approx(6 / 24)


def test_span_of_month_precision_data_is_whole_months(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents(
        [(1000, 0)] * 2, [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")], precision="month"
    )
    r = cover(inc, scenario(vehicle("A", 0)), lsoas)
    assert r.span_weeks == pytest.approx(59 / 7)  # January + February 2025


# --------------------------------------------------------------------------------------------------
# Availability, by hand


def one_call_an_hour() -> gpd.GeoDataFrame:
    """168 incidents at the base, one in every hour of one week (span exactly 1 week)."""
    times = [MONDAY + pd.Timedelta(hours=h, minutes=30) for h in range(168)]
    return incidents([(0, 0)] * 168, times)


def test_single_always_on_vehicle_is_an_erlang_loss_system(lsoas: gpd.GeoDataFrame) -> None:
    # 1 call an hour, job 60 min, travel 0: rho = 1 / (1 + 1) = 0.5; a call finds it free half the time
    r = cover(one_call_an_hour(), scenario(vehicle("A", 0)), lsoas)
    assert r.span_weeks == pytest.approx(1.0)
    row = r.vehicles.iloc[0]
    assert row["busy_fraction"] == pytest.approx(0.5, abs=1e-6)
    assert row["service_min"] == pytest.approx(60.0)
    assert row["offered_calls_per_hour"] == pytest.approx(1.0)
    assert row["calls_per_hour"] == pytest.approx(0.5, abs=1e-6)
    assert row["shifts_per_week"] == 1.0
    assert row["expected_jobs_per_shift"] == pytest.approx(84.0, abs=1e-3)
    assert row["dispatch_share"] == pytest.approx(0.5, abs=1e-6)
    assert r.coverage_expected == pytest.approx(0.5, abs=1e-6)
    assert r.loss_probability == pytest.approx(0.5, abs=1e-6)
    # MEXCLP: q = 1 call/h * 1 h / 1 vehicle = 1, so no expected coverage by Daskin's formula
    assert r.system_busy_fraction == pytest.approx(1.0)
    assert r.coverage_expected_mexclp == 0.0
    # the hypercube's fleet figure: the one unit is busy half its shift (Erlang loss, a = 1)
    assert r.fleet_busy_fraction == pytest.approx(0.5, abs=1e-6)
    doubled = cover(one_call_an_hour(), scenario(vehicle("A", 0)), lsoas, demand_scale=2.0)
    assert doubled.coverage_expected == pytest.approx(1 / 3, abs=1e-6)
    halved = cover(one_call_an_hour(), scenario(vehicle("A", 0)), lsoas, demand_scale=0.5)
    assert halved.system_busy_fraction == pytest.approx(0.5)
    assert halved.coverage_expected_mexclp == pytest.approx(0.5)


def test_travel_time_lengthens_the_job(lsoas: gpd.GeoDataFrame) -> None:
    times = [MONDAY + pd.Timedelta(hours=h) for h in range(168)]
    r = cover(incidents([(3000, 0)] * 168, times), scenario(vehicle("A", 0, job_min=57)), lsoas)
    assert r.vehicles["mean_travel_min"].iloc[0] == pytest.approx(3.0)
    assert r.vehicles["busy_fraction"].iloc[0] == pytest.approx(0.5, abs=1e-6)


def test_a_second_vehicle_takes_the_overflow(lsoas: gpd.GeoDataFrame) -> None:
    # two identical vehicles at the same base: Erlang B with 1 erlang on 2 servers, loss = 1/5
    r = cover(one_call_an_hour(), scenario(vehicle("A", 0), vehicle("B", 0)), lsoas)
    assert r.coverage_expected == pytest.approx(0.8, abs=1e-6)
    assert r.vehicles["busy_fraction"].sum() == pytest.approx(0.8, abs=1e-6)
    assert r.vehicles["busy_fraction"].iloc[0] > r.vehicles["busy_fraction"].iloc[1]  # A is first choice


def _simulate_and_compare(q: Any, *, weeks: int, seed: int) -> Any:
    """Simulate the model's own inputs; busy fractions and loss must agree within 2 points."""
    sim = simulate_schedule(
        q.arrival_rate_per_hour,
        q.preference,
        q.service_rate_per_hour,
        q.on_shift,
        slot_hours=q.slot_hours,
        weeks=weeks,
        seed=seed,
    )
    assert np.abs(q.schedule.busy_fraction - sim.busy_fraction).max() < 0.02
    assert abs(q.schedule.loss_total - sim.loss_total) < 0.02
    return sim


def test_hypercube_matches_simulation_on_the_test_fleet(lsoas: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(5)
    n = 300
    xy = [(float(x), float(y)) for x, y in rng.uniform(-2000, 12000, (n, 2))]
    times = [MONDAY + pd.Timedelta(minutes=int(m)) for m in rng.integers(0, 14 * 1440, n)]
    evening = [Shift(days=ALL_DAYS, start="18:00", end="02:00")]
    sc = scenario(
        vehicle("A", 0, shifts=evening, target_min=8),
        vehicle("B", 10_000, shifts=evening, target_min=8),
        vehicle(
            "C", 5000, 5000, shifts=[Shift(days=["Fri", "Sat"], start="20:00", end="04:00")], target_min=8
        ),
    )
    r = cover(incidents(xy, times), sc, lsoas, demand_scale=0.5)
    q = r.queue
    assert q is not None
    sim = _simulate_and_compare(q, weeks=300, seed=11)
    model_share = q.schedule.dispatched_calls.sum(axis=0) / q.schedule.offered_calls.sum()
    sim_share = sim.dispatched_calls.sum(axis=0) / sim.offered_calls.sum()
    assert np.abs(model_share - sim_share).max() < 0.02


@pytest.mark.shared
def test_hypercube_matches_simulation_on_the_shipped_scenario(shared_data) -> None:  # type: ignore[no-untyped-def]
    from jru_geo.io.boundaries import load_lsoas
    from jru_geo.io.incidents import read_incidents
    from jru_geo.io.scenario_files import load_default_scenario
    from jru_geo.model.travel.factory import make_model

    inc = read_incidents([shared_data / "incidents" / "2025-01-kent-street.csv"]).incidents
    r = compute_coverage(
        inc, load_default_scenario(), make_model("calibrated"), lsoas=load_lsoas(), demand_scale=0.2
    )
    q = r.queue
    assert q is not None and q.schedule.method == "exact"
    _simulate_and_compare(q, weeks=150, seed=2)
    # the point of the model: availability takes a real bite out of in-hours coverage
    assert r.coverage_expected < r.coverage_in_hours - 0.05


# --------------------------------------------------------------------------------------------------
# Edge cases


def test_empty_fleet_gives_zeros(lsoas: gpd.GeoDataFrame) -> None:
    r = cover(incidents([(0, 0), (1, 1)], [MONDAY] * 2), scenario(), lsoas)
    assert (r.coverage_geographic, r.coverage_in_hours, r.coverage_expected) == (0.0, 0.0, 0.0)
    assert r.vehicles.empty and r.method == "none" and r.queue is None
    assert r.population_covered == 0.0
    assert len(r.by_hour_of_week) == 168 and r.by_hour_of_week["incidents"].sum() == pytest.approx(2)
    grid, areas = coverage_gaps(r, lsoas=lsoas)
    assert grid["not_reached"].sum() == pytest.approx(2)


def test_no_incidents_gives_zeros(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents([], [])
    r = cover(inc, scenario(vehicle("A", 0)), lsoas)
    assert (r.coverage_geographic, r.coverage_in_hours, r.coverage_expected) == (0.0, 0.0, 0.0)
    assert r.vehicles["busy_fraction"].tolist() == [0.0]
    assert r.by_hour_of_week["coverage_expected"].sum() == 0.0
    assert r.population_covered == 5100.0  # every tiny LSOA centroid is within 5 km of (0, 0)
    grid, areas = coverage_gaps(r, lsoas=lsoas)
    assert grid.empty and len(areas) == len(lsoas) and areas["uncovered"].sum() == 0.0


def test_vehicle_with_no_shift(lsoas: gpd.GeoDataFrame) -> None:
    sc = scenario(vehicle("A", 0, shifts=[]), vehicle("B", 100_000))
    r = cover(one_call_an_hour(), sc, lsoas)
    assert r.coverage_geographic == 1.0
    assert r.coverage_in_hours == 0.0 and r.coverage_expected == 0.0
    a = r.vehicles.set_index("vehicle_id").loc["A"]
    assert a["weekly_hours"] == 0.0 and a["busy_fraction"] == 0.0 and a["calls_per_hour"] == 0.0


def test_population_covered(lsoas: gpd.GeoDataFrame) -> None:
    # centroids: A1 (500, 750), A2 (500, 250), B1 (1500, 750), B2 (1500, 250), B3 (3100, 100)
    r = cover(one_call_an_hour(), scenario(vehicle("A", 0, target_min=1.0)), lsoas)
    assert r.population_covered == 3000.0  # A1 (~0.9 km) and A2 (~0.56 km)
    assert r.population_share == pytest.approx(3000 / 5100)


def test_by_district_and_category(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents(
        [(1000, 0), (1000, 0), (20_000, 0)],
        [MONDAY] * 3,
        category=["violence", "rtc", "rtc"],
        district=["X", "X", "Y"],
    )
    r = cover(inc, scenario(vehicle("A", 0)), lsoas)
    d = r.by_district.set_index("district_code")
    assert d.loc["X", "incidents"] == 2 and d.loc["Y", "coverage_geographic"] == 0.0
    assert d.loc["X", "district_name"] == "District X"
    c = r.by_category.set_index("category")
    assert c.loc["rtc", "incidents"] == 2 and c.loc["rtc", "coverage_geographic"] == 0.5
    assert r.by_district["incidents"].sum() == len(inc)


def test_by_hour_of_week_spreads_month_incidents(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents(
        [(1000, 0), (1000, 0)],
        [MONDAY + pd.Timedelta(hours=5), pd.Timestamp("2024-01-01")],
        precision=["minute", "month"],
    )
    r = cover(inc, scenario(vehicle("A", 0)), lsoas)
    h = r.by_hour_of_week
    assert list(h.columns[:3]) == ["hour_of_week", "day", "hour"] and len(h) == 168
    assert h["incidents"].sum() == pytest.approx(2.0)
    assert h.loc[5, "incidents"] == pytest.approx(1 + 1 / 168)
    assert h["covered_in_hours"].sum() == pytest.approx(r.incidents["covered_in_hours"].sum())
    assert h["covered_expected"].sum() == pytest.approx(r.incidents["p_covered_expected"].sum())
    assert (h["vehicles_on_shift"] == 1).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"target_min": 0}, "target_min must be a positive"),
        ({"demand_scale": -1}, "demand_scale must be"),
        ({"slot_min": 7}, "slot_min must divide 60"),
        ({"demand_profile": np.ones(24)}, "168 finite weights"),
    ],
)
def test_bad_options_raise(lsoas: gpd.GeoDataFrame, kwargs: dict[str, object], match: str) -> None:
    inc = incidents([(0, 0)], [MONDAY])
    with pytest.raises(JruGeoError, match=match):
        compute_coverage(inc, scenario(vehicle("A", 0)), MODEL, lsoas=lsoas, **kwargs)  # type: ignore[arg-type]


def test_missing_columns_raise(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents([(0, 0)], [MONDAY]).drop(columns=["time_precision"])
    with pytest.raises(JruGeoError, match=r"lack columns \['time_precision'\]"):
        compute_coverage(inc, scenario(vehicle("A", 0)), MODEL, lsoas=lsoas)


def test_geographic_crs_input_is_reprojected(lsoas: gpd.GeoDataFrame) -> None:
    inc = incidents([(1000, 0), (9000, 0)], [MONDAY] * 2)
    r = cover(inc.to_crs("EPSG:4326"), scenario(vehicle("A", 0)), lsoas)
    assert r.incidents["covered_geo"].tolist() == [1.0, 0.0]
    assert r.incidents.crs.to_epsg() == 27700


# --------------------------------------------------------------------------------------------------
# Gaps


def test_gaps_split_and_rank(lsoas: gpd.GeoDataFrame) -> None:
    evening = [Shift(days=["Mon"], start="18:00", end="02:00")]
    inc = incidents(
        [(100, 100), (200, 200), (1500, 700), (20_500, 500)],
        [
            MONDAY + pd.Timedelta(hours=19),  # in hours, may be lost to busy
            MONDAY + pd.Timedelta(hours=40),  # out of hours
            MONDAY + pd.Timedelta(hours=41),  # out of hours, other cell
            MONDAY + pd.Timedelta(hours=19),  # not reached
        ],
    )
    r = cover(inc, scenario(vehicle("A", 0, shifts=evening)), lsoas)
    grid, areas = coverage_gaps(r, lsoas=lsoas)
    assert grid["incidents"].sum() == 4
    parts = grid[["not_reached", "out_of_hours", "lost_to_busy"]].sum(axis=1)
    assert np.allclose(parts, grid["uncovered"])
    assert grid["uncovered"].sum() == pytest.approx(4 - r.incidents["p_covered_expected"].sum())
    assert grid["rank"].tolist() == list(range(1, len(grid) + 1))
    assert grid["uncovered"].is_monotonic_decreasing
    cell = grid.set_index("cell_id")
    assert cell.loc["E520000N100000", "not_reached"] == 1.0
    assert cell.loc["E520000N100000", "main_gap"] == "not_reached"
    assert cell.loc["E500000N100000", "incidents"] == 2
    assert cell.loc["E500000N100000", "out_of_hours"] == 1.0
    assert cell.loc["E501000N100000", "main_gap"] == "out_of_hours"
    assert grid.geometry.iloc[0].area == pytest.approx(1e6)
    a = areas.set_index("lsoa_code")
    assert a.loc["A2", "incidents"] == 2 and a.loc["B1", "incidents"] == 1
    assert a.loc["B3", "incidents"] == 0 and a.loc["B3", "uncovered"] == 0.0
    assert areas["incidents"].sum() == 3  # the far incident lies in no LSOA
    assert areas["rank"].tolist() == list(range(1, len(areas) + 1))
    with pytest.raises(JruGeoError, match="cell_m must be"):
        coverage_gaps(r, lsoas=lsoas, cell_m=0)


# --------------------------------------------------------------------------------------------------
# Invariants (Hypothesis)

coords = st.tuples(st.floats(-8000, 8000), st.floats(-8000, 8000))
shift_st = st.builds(
    Shift,
    days=st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True),
    start=st.sampled_from(["00:00", "06:00", "18:00", "22:30"]),
    end=st.sampled_from(["02:00", "08:00", "18:00", "00:00"]),
)


@st.composite
def fleets(draw: st.DrawFn, size: tuple[int, int] = (0, 3)) -> list[Vehicle]:
    n = draw(st.integers(*size))
    out = []
    for k in range(n):
        x, y = draw(coords)
        out.append(
            vehicle(
                f"V{k}",
                x,
                y,
                shifts=draw(st.lists(shift_st, max_size=2)),
                target_min=draw(st.sampled_from([3.0, 5.0, 8.0])),
                job_min=draw(st.sampled_from([20.0, 45.0, 90.0])),
            )
        )
    return out


@st.composite
def incident_sets(draw: st.DrawFn) -> gpd.GeoDataFrame:
    n = draw(st.integers(0, 25))
    xy = draw(st.lists(coords, min_size=n, max_size=n))
    minutes = draw(st.lists(st.integers(0, 3 * 10080), min_size=n, max_size=n))
    precision = draw(st.lists(st.sampled_from(["minute", "day", "month"]), min_size=n, max_size=n))
    category = draw(st.lists(st.sampled_from(["violence", "rtc"]), min_size=n, max_size=n))
    return incidents(
        xy, [MONDAY + pd.Timedelta(minutes=m) for m in minutes], precision=precision, category=category
    )


FIGURES = ["covered_geo", "covered_in_hours", "p_covered_expected"]
TOL = 1e-7


def _figures(r) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    return r.coverage_geographic, r.coverage_in_hours, r.coverage_expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incident_sets(), fleets(), st.floats(0.1, 30.0))
def test_expected_le_in_hours_le_geographic(
    inc: gpd.GeoDataFrame, fleet: list[Vehicle], scale: float
) -> None:
    r = compute_coverage(inc, scenario(*fleet), MODEL, lsoas=_LSOAS, demand_scale=scale)
    i = r.incidents
    assert (i["p_covered_expected"] <= i["covered_in_hours"] + TOL).all()
    assert (i["covered_in_hours"] <= i["covered_geo"] + TOL).all()
    assert r.coverage_expected <= r.coverage_in_hours + TOL <= r.coverage_geographic + 2 * TOL
    assert r.coverage_expected_mexclp <= r.coverage_in_hours + TOL


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incident_sets(), fleets(), fleets(size=(1, 1)), st.floats(0.1, 30.0))
def test_adding_a_vehicle_never_lowers_any_figure(
    inc: gpd.GeoDataFrame, fleet: list[Vehicle], extra: list[Vehicle], scale: float
) -> None:
    new = extra[0].model_copy(update={"id": "NEW"})
    before = compute_coverage(inc, scenario(*fleet), MODEL, lsoas=_LSOAS, demand_scale=scale)
    after = compute_coverage(inc, scenario(*fleet, new), MODEL, lsoas=_LSOAS, demand_scale=scale)
    for column in FIGURES:  # per incident, hence per district, category and hour as well
        assert (after.incidents[column] >= before.incidents[column] - TOL).all(), column
    assert all(a >= b - TOL for a, b in zip(_figures(after), _figures(before), strict=True))
    assert after.population_covered >= before.population_covered


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incident_sets(), fleets(), st.floats(1.0, 10.0), st.floats(0.0, 10.0), st.floats(0.1, 30.0))
def test_raising_the_target_never_lowers_any_figure(
    inc: gpd.GeoDataFrame, fleet: list[Vehicle], target: float, extra: float, scale: float
) -> None:
    low = compute_coverage(inc, scenario(*fleet), MODEL, lsoas=_LSOAS, target_min=target, demand_scale=scale)
    high = compute_coverage(
        inc, scenario(*fleet), MODEL, lsoas=_LSOAS, target_min=target + extra, demand_scale=scale
    )
    for column in FIGURES:
        assert (high.incidents[column] >= low.incidents[column] - TOL).all(), column
    assert high.population_covered >= low.population_covered


def _tiny_lsoas_here() -> gpd.GeoDataFrame:
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"lsoa_code": ["L1", "L2"], "population": [100, 200]},
        geometry=[box(500_000, 100_000, 501_000, 101_000), box(505_000, 100_000, 506_000, 101_000)],
        crs=BNG,
    )


_LSOAS = _tiny_lsoas_here()


def test_summary_is_json_ready(lsoas: gpd.GeoDataFrame) -> None:
    import json

    inc = incidents([(1000, 0), (20_000, 0)], [MONDAY] * 2, district=["X", "Y"])
    r = cover(inc, scenario(vehicle("A", 0)), lsoas)
    s = json.loads(json.dumps(r.summary()))
    assert s["incidents"] == 2 and s["coverage_geographic"] == 0.5
    assert set(s["busy_fraction"]) == {"A"}
    assert [d["district_code"] for d in s["by_district"]] == ["X", "Y"]
    assert s["vehicles"][0]["vehicle_id"] == "A"


def test_approximate_method_is_close_to_exact(lsoas: gpd.GeoDataFrame) -> None:
    rng = np.random.default_rng(9)
    xy = [(float(x), float(y)) for x, y in rng.uniform(-3000, 13000, (200, 2))]
    times = [MONDAY + pd.Timedelta(minutes=int(m)) for m in rng.integers(0, 7 * 1440, 200)]
    sc = scenario(
        vehicle("A", 0, target_min=8), vehicle("B", 10_000, target_min=8), vehicle("C", 5000, target_min=8)
    )
    exact = cover(incidents(xy, times), sc, lsoas, demand_scale=0.3)
    approx = cover(incidents(xy, times), sc, lsoas, demand_scale=0.3, method="approx")
    assert (exact.method, approx.method) == ("exact", "approx")
    assert approx.coverage_expected == pytest.approx(exact.coverage_expected, abs=0.03)
    assert np.abs(approx.vehicles["busy_fraction"] - exact.vehicles["busy_fraction"]).max() < 0.03
    assert (approx.incidents["p_covered_expected"] <= approx.incidents["covered_in_hours"] + 1e-9).all()
