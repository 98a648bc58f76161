"""The result of a coverage run (CoverageResult) and the queue inputs kept with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_geo.model.queueing.schedule import ScheduleResult
from jru_geo.week import WEEKS_PER_YEAR

__all__ = ["CoverageResult", "QueueInputs", "DemandProfile", "GAP_KINDS"]

DemandProfile = Literal["demo", "uniform"] | NDArray[np.float64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

GAP_KINDS = ("not_reached", "out_of_hours", "lost_to_busy")
"""The three reasons an incident is not covered, in the order they are tested."""
_FIGURE_COLUMNS = [
    "incidents",
    "covered_geo",
    "covered_in_hours",
    "covered_expected",
    "coverage_geographic",
    "coverage_in_hours",
    "coverage_expected",
]
_VEHICLE_COLUMNS = [
    "vehicle_id",
    "name",
    "target_min",
    "reach_min",
    "weekly_hours",
    "shifts_per_week",
    "mean_travel_min",
    "service_min",
    "offered_calls_per_hour",
    "calls_per_hour",
    "busy_fraction",
    "dispatch_share",
    "expected_jobs_per_shift",
    "jobs_per_8h",
    "calls_attended_per_year",
]


# --------------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class QueueInputs:
    """The arrays handed to :func:`~jru_geo.model.queueing.schedule.hypercube_schedule`, kept for reuse.

    Attributes
    ----------
    arrival_rate_per_hour
        ``(S, m)`` calls per hour from each demand atom in each slot of the week.
    preference
        ``(m, n)`` dispatch list of each atom (vehicle indices, ``-1`` padded).
    service_rate_per_hour
        ``(n,)`` ``60 / (job_min + mean travel minutes)``.
    on_shift
        ``(S, n)`` vehicle on shift in the slot.
    slot_hours
        Slot length in hours.
    schedule
        The model's result.
    """

    arrival_rate_per_hour: FloatArray
    preference: IntArray
    service_rate_per_hour: FloatArray
    on_shift: BoolArray
    slot_hours: float
    schedule: ScheduleResult


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of a set of incidents by a scenario's fleet (see the module docstring).

    Attributes
    ----------
    incidents
        The input incidents (EPSG:27700, same index) plus ``nearest_vehicle`` (id of the vehicle with
        the shortest travel time, whatever its shift; missing with no fleet), ``travel_min`` (its
        minutes; ``inf`` with no fleet), ``covered_geo`` (0/1), ``covered_in_hours`` (0/1, or a
        probability for month- and day-precision incidents), ``p_covered_expected`` (probability)
        and ``n_covering`` (vehicles within target).
    coverage_geographic, coverage_in_hours, coverage_expected
        Means of the three columns over all incidents (0 when there are none).
    coverage_expected_mexclp
        Daskin's MEXCLP figure for comparison: ``1 - q**k`` with ``k`` covering vehicles on shift and
        one fleet-wide busy fraction ``q`` (:attr:`system_busy_fraction`).
    system_busy_fraction
        Daskin's ``q``: hours of work a week if the fleet took every call that has an on-shift vehicle
        in reach (calls times the nearest such vehicle's job plus travel time), over the fleet's
        on-shift hours a week; capped at 1.
    loss_probability
        Share of all calls (reachable or not) that the model sends to no vehicle.
    vehicles
        One row per vehicle: ``vehicle_id, name, target_min, reach_min, weekly_hours,
        shifts_per_week, mean_travel_min`` (mean minutes to the incidents in reach),
        ``service_min`` (job + mean travel), ``offered_calls_per_hour`` (calls in its reach per
        on-shift hour), ``calls_per_hour`` (calls it takes per on-shift hour), ``busy_fraction``
        (share of on-shift time on a job), ``dispatch_share`` (its share of all calls),
        ``expected_jobs_per_shift`` (calls_per_hour times the mean shift length), ``jobs_per_8h``
        (calls_per_hour times 8: the published JRU figure is "about 7 in an 8-hour shift") and
        ``calls_attended_per_year`` (calls it takes a week times 52.18). With a ``week_slice`` the
        hours, calls, busy fraction and shares are those of the slice: ``weekly_hours`` is the
        vehicle's on-shift hours a week inside the slice and ``calls_attended_per_year`` the calls
        it takes in the slice a year.
    by_district, by_category
        Counts and coverage per ``district_code``/``district_name`` (when the incidents carry them,
        e.g. from :func:`jru_geo.areas.join.assign_areas`) and per ``category``.
    by_hour_of_week
        168 rows (Monday 00:00 first): expected incidents in that hour (month-precision incidents are
        spread by the demand profile), covered counts and shares, ``vehicles_on_shift`` and
        ``mean_busy_probability`` of the vehicles on shift.
    population_covered, population_share
        Census population of the LSOAs whose centroid is within target of some vehicle, and its share
        of the LSOAs' total.
    span_weeks
        Weeks of data the rates are based on.
    demand_scale
        Multiplier applied to the incidents to get calls for the JRU.
    method
        Hypercube method used (``"exact"``, ``"approx"``, ``"mixed"`` when some groups of vehicles
        sharing calls are exact and some approximate, or ``"none"`` without fleet or calls).
    queue
        The availability model's inputs and result (``None`` without fleet or incidents).
    week_slice
        ``(168,)`` hours of the week the vehicle, busy and loss figures are for (``None``: the whole
        week). The incidents counted are chosen by the caller (``counted`` of
        :func:`~jru_geo.model.coverage.engine.compute_coverage`); every incident loads the units.
    """

    incidents: gpd.GeoDataFrame
    coverage_geographic: float
    coverage_in_hours: float
    coverage_expected: float
    coverage_expected_mexclp: float
    system_busy_fraction: float
    loss_probability: float
    vehicles: pd.DataFrame
    by_district: pd.DataFrame
    by_hour_of_week: pd.DataFrame
    by_category: pd.DataFrame
    population_covered: float
    population_share: float
    span_weeks: float
    demand_scale: float
    method: str
    queue: QueueInputs | None
    week_slice: BoolArray | None = None

    @property
    def calls_attended_per_year(self) -> float:
        """Calls the fleet attends a year (in the ``week_slice`` when set): the vehicles' sum."""
        if len(self.vehicles) == 0:
            return 0.0
        return float(self.vehicles["calls_attended_per_year"].to_numpy(dtype=float).sum())

    @property
    def incidents_per_year(self) -> float:
        """Counted incidents a year: their number times 52.18 over the weeks of data."""
        return len(self.incidents) * WEEKS_PER_YEAR / self.span_weeks if self.span_weeks > 0 else 0.0

    @property
    def expected_covered_per_year(self) -> float:
        """Calls for the JRU a year (counted incidents times ``demand_scale``) expected covered.

        ``coverage_expected`` times :attr:`incidents_per_year` times ``demand_scale``: the figure a
        recommended unit's ``gain_per_year`` is a change of.
        """
        return self.coverage_expected * self.incidents_per_year * self.demand_scale

    @property
    def fleet_busy_fraction(self) -> float:
        """Share of the fleet's on-shift hours spent on jobs, from the hypercube.

        The mean of the vehicles' ``busy_fraction`` weighted by their weekly on-shift hours (0 with
        no fleet). Unlike :attr:`system_busy_fraction` (Daskin's ``q``, which assumes the fleet takes
        every call in reach), it counts only the calls the units can take: those arriving while
        every unit in reach is busy are lost to the normal response.
        """
        hours = self.vehicles["weekly_hours"].to_numpy(dtype=float) if len(self.vehicles) else np.zeros(0)
        if hours.sum() <= 0:
            return 0.0
        busy = self.vehicles["busy_fraction"].to_numpy(dtype=float)
        return float(np.average(busy, weights=hours))

    def summary(self) -> dict[str, object]:
        """JSON-ready headline figures (fractions 0-1), per-vehicle table and ``by_district`` rows.

        Keys: ``incidents``, ``coverage_geographic``, ``coverage_in_hours``, ``coverage_expected``,
        ``coverage_expected_mexclp``, ``fleet_busy_fraction``, ``system_busy_fraction``,
        ``loss_probability``,
        ``busy_fraction`` (vehicle id -> fraction), ``calls_attended_per_year`` (fleet),
        ``vehicles`` and ``by_district`` (lists of records), ``population_covered``,
        ``population_share``, ``span_weeks``, ``demand_scale``, ``method``, ``week_slice_hours``
        (hours a week in the slice, 168 for the whole week).
        """
        return {
            "incidents": len(self.incidents),
            "coverage_geographic": self.coverage_geographic,
            "coverage_in_hours": self.coverage_in_hours,
            "coverage_expected": self.coverage_expected,
            "coverage_expected_mexclp": self.coverage_expected_mexclp,
            "fleet_busy_fraction": self.fleet_busy_fraction,
            "system_busy_fraction": self.system_busy_fraction,
            "loss_probability": self.loss_probability,
            "busy_fraction": {
                str(v): float(b)
                for v, b in zip(self.vehicles["vehicle_id"], self.vehicles["busy_fraction"], strict=True)
            },
            "calls_attended_per_year": self.calls_attended_per_year,
            "vehicles": _records(self.vehicles),
            "by_district": _records(self.by_district),
            "population_covered": self.population_covered,
            "population_share": self.population_share,
            "span_weeks": self.span_weeks,
            "demand_scale": self.demand_scale,
            "method": self.method,
            "week_slice_hours": 168 if self.week_slice is None else int(np.count_nonzero(self.week_slice)),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain Python dicts (floats, ints, strings, None) for ``json.dumps``."""
    out: list[dict[str, object]] = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in row.items():
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                clean[str(key)] = None
            elif isinstance(value, np.integer | int) and not isinstance(value, bool):
                clean[str(key)] = int(value)
            elif isinstance(value, np.floating | float):
                clean[str(key)] = float(value)
            else:
                clean[str(key)] = str(value)
        out.append(clean)
    return out
