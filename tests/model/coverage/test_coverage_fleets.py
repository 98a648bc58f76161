"""Fleets of up to 20 vehicles: adding one never lowers a figure, and off-duty vehicles change nothing.

The hypercube is exact for every group of up to 10 vehicles that share calls and uses Larson's
approximation for a larger group (:mod:`jru_geo.model.queueing.schedule`); the property is exact in
the first case and holds for the overall figure within the approximation's error (``APPROX_TOL``) in
the second. Measured on 150 such cases with 9-20 vehicles (2026-12-02): when a vehicle makes a group
of more than 10, the overall expected coverage fell by at most 0.033 and one incident's chance of a
free unit by up to 0.48 (the approximation treats each slot as stationary, so it misses the
start-of-shift effect the exact method follows); with every group exact the largest fall was 2e-16.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from factories import ALL_DAYS, make_incidents, make_scenario, make_vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from jru_geo.io.scenario import Shift, Vehicle
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.settings import BNG

MONDAY = pd.Timestamp("2024-01-01")
TOL = 1e-7
APPROX_TOL = 0.05
"""Largest fall allowed in the overall expected coverage when a group of over 10 vehicles is approximated."""

LSOAS = gpd.GeoDataFrame(
    {"lsoa_code": ["L1", "L2"], "population": [100, 200]},
    geometry=[box(500_000, 100_000, 501_000, 101_000), box(505_000, 100_000, 506_000, 101_000)],
    crs=BNG,
)


@dataclass(frozen=True)
class KmPerMinute:
    """Stub travel model: one minute per straight-line kilometre."""

    name: str = field(default="straight", init=False)

    def minutes(self, origins_xy: np.ndarray, destinations_xy: np.ndarray) -> np.ndarray:
        d = origins_xy[:, None, :] - destinations_xy[None, :, :]
        return np.hypot(d[..., 0], d[..., 1]) / 1000.0


MODEL = KmPerMinute()
coords = st.tuples(st.floats(-12_000, 12_000), st.floats(-12_000, 12_000))
shift_st = st.builds(
    Shift,
    days=st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True),
    start=st.sampled_from(["00:00", "06:00", "18:00", "22:30"]),
    end=st.sampled_from(["02:00", "08:00", "18:00", "00:00"]),
)


def _vehicle(vid: str, xy: tuple[float, float], shifts: list[Shift], target: float, job: float) -> Vehicle:
    return make_vehicle(
        vid, easting=500_000 + xy[0], northing=100_000 + xy[1], shifts=shifts, target_min=target, job_min=job
    )


@st.composite
def fleets(draw: st.DrawFn, size: tuple[int, int] = (0, 20)) -> list[Vehicle]:
    return [
        _vehicle(
            f"V{k}",
            draw(coords),
            draw(st.lists(shift_st, min_size=1, max_size=2)),
            draw(st.sampled_from([3.0, 5.0, 8.0])),
            draw(st.sampled_from([20.0, 45.0, 90.0])),
        )
        for k in range(draw(st.integers(*size)))
    ]


@st.composite
def incident_sets(draw: st.DrawFn) -> gpd.GeoDataFrame:
    n = draw(st.integers(1, 40))
    xy = draw(st.lists(coords, min_size=n, max_size=n))
    minutes = draw(st.lists(st.integers(0, 3 * 10080), min_size=n, max_size=n))
    precision = draw(st.lists(st.sampled_from(["minute", "day", "month"]), min_size=n, max_size=n))
    return make_incidents(
        [(500_000 + x, 100_000 + y) for x, y in xy],
        [MONDAY + pd.Timedelta(minutes=m) for m in minutes],
        precision=precision,
        category="violence",
    )


def _cover(inc: gpd.GeoDataFrame, fleet: list[Vehicle], scale: float):  # type: ignore[no-untyped-def]
    return compute_coverage(inc, make_scenario(*fleet), MODEL, lsoas=LSOAS, demand_scale=scale)


# Derandomised: the same examples in every run, so CI gives the same verdict each time. A random search
# (2026-12-02) found counterexamples to the off-duty property below in approximate groups (11-20 units):
# calls with no on-shift listed vehicle stretched Larson's offered-load grid only when the whole fleet
# was one group, so an off-duty vehicle moved p_covered_expected by up to 2.6e-4. Fixed in
# ``hypercube._approx_stationary`` (only servable calls load the grid); 120 random cases of 11-20 units
# then differed by at most 9e-11 (tests/model/queueing/test_queueing.py holds the regression case).
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(incident_sets(), fleets(), fleets(size=(1, 1)), st.floats(0.5, 40.0), st.integers(0, 20))
def test_adding_a_vehicle_never_lowers_any_figure_up_to_20_units(
    inc: gpd.GeoDataFrame, fleet: list[Vehicle], extra: list[Vehicle], scale: float, at: int
) -> None:
    new = extra[0].model_copy(update={"id": "NEW"})
    before = _cover(inc, fleet, scale)
    after = _cover(inc, [*fleet[:at], new, *fleet[at:]], scale)
    exact = before.method in ("exact", "none") and after.method == "exact"
    tol = TOL if exact else APPROX_TOL
    for column in ("covered_geo", "covered_in_hours"):
        assert (after.incidents[column] >= before.incidents[column] - TOL).all(), column
    if exact:  # per incident, hence per district, category and hour as well
        assert (after.incidents["p_covered_expected"] >= before.incidents["p_covered_expected"] - TOL).all()
    assert after.coverage_geographic >= before.coverage_geographic - TOL
    assert after.coverage_in_hours >= before.coverage_in_hours - TOL
    assert after.coverage_expected >= before.coverage_expected - tol


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(incident_sets(), fleets(size=(1, 20)), st.floats(0.5, 40.0), st.integers(0, 20))
def test_an_off_duty_vehicle_changes_no_figure(
    inc: gpd.GeoDataFrame, fleet: list[Vehicle], scale: float, at: int
) -> None:
    """A vehicle with no shift, anywhere in the scenario, changes nothing, at any fleet size."""
    off = _vehicle("OFF", (0.0, 0.0), [], 8.0, 45.0)
    before = _cover(inc, fleet, scale)
    after = _cover(inc, [*fleet[:at], off, *fleet[at:]], scale)
    assert after.method == before.method
    for column in ("covered_in_hours", "p_covered_expected"):
        assert np.allclose(after.incidents[column], before.incidents[column], rtol=0, atol=1e-9), column
    assert abs(after.coverage_expected - before.coverage_expected) <= 1e-9
    assert abs(after.loss_probability - before.loss_probability) <= 1e-9


def test_ten_units_plus_an_off_duty_eleventh_stay_exact_and_equal() -> None:
    """The case of issue 10 item 6: ten units sharing calls, an eleventh never on shift."""
    rng = np.random.default_rng(4)
    fleet = [
        _vehicle(f"V{k}", (float(x), float(y)), [Shift(days=ALL_DAYS, start="18:00", end="02:00")], 8.0, 45.0)
        for k, (x, y) in enumerate(rng.uniform(-1500, 1500, (10, 2)))
    ]
    xy = rng.uniform(-3000, 3000, (300, 2))
    inc = make_incidents(
        [(500_000 + x, 100_000 + y) for x, y in xy],
        [MONDAY + pd.Timedelta(minutes=int(m)) for m in rng.integers(0, 7 * 1440, 300)],
        precision="minute",
        category="violence",
    )
    before = _cover(inc, fleet, 3.0)
    after = _cover(inc, [*fleet, _vehicle("OFF", (0.0, 0.0), [], 8.0, 45.0)], 3.0)
    assert before.method == after.method == "exact"
    assert after.coverage_expected == before.coverage_expected
