"""How much demand the JRU fleet reaches: geographic, in-hours and availability-aware coverage, and gaps.

Three figures, each a share of incidents (0-1), each at most the one before:

1. **Geographic** (``covered_geo``): some vehicle can reach the incident within its response target
   (``travel_min <= target_min``), whatever the time.
2. **In hours** (``covered_in_hours``): and such a vehicle was on shift when it happened.
3. **Expected** (``p_covered_expected``): and such a vehicle was free, not on another job. From Larson's
   hypercube loss model (:mod:`jru_geo.queueing`) over the scenario's week.

Time precision. An incident timed to the minute is in hours or not (0 or 1). police.uk gives only the
month: for such an incident ``covered_in_hours`` is a *probability*, the share of the week in which a
covering vehicle is on shift, weighted by an hour-of-week demand profile (``demand_profile``: by
default the profile of :func:`jru_geo.demo.hour_of_week_profile` for its category, a night-time
economy profile for violence and alcohol and a daytime one otherwise; or ``"uniform"``; or your own
168 weights). An incident known to the day uses the same profile within its day of the week.

The availability model, in plain words
--------------------------------------
* **Who responds.** A call may go to a vehicle that is on shift and within its *reach*: its own
  scenario target (``dispatch_reach_min`` overrides). Among them a vehicle that meets the target is
  preferred, then the nearest: with one common target this is simply the nearest free vehicle. A
  call finding all of them busy is lost to the normal police and ambulance response (a loss system:
  the JRU is an extra resource, nobody queues for it).
* **How busy.** Calls arrive at the incidents' own hour-of-week rate: the incidents of the data,
  times ``demand_scale``, divided by the weeks the data spans (``span_weeks``). A job takes the
  vehicle's ``job_min`` plus its mean travel time to the incidents in its reach.
* **Covered, expected.** The probability that a call finds a free vehicle that meets the target.

Why adding a vehicle never lowers expected coverage: a vehicle's reach, job time and mean travel do
not depend on the other vehicles, so adding one only inserts it into dispatch lists; by the coupling
argument in :mod:`jru_geo.queueing` every old vehicle is then busy no more often, and every call is at
least as likely to find a free vehicle that meets the target. Raising the target (``target_min``)
does not change who responds (the reach is fixed), only what counts as in time, so no figure falls
either. Both hold exactly for the exact hypercube (up to 10 vehicles); beyond, Larson's approximation
is used and they hold only approximately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray
from shapely import box

from jru_geo.boundaries import load_lsoas
from jru_geo.demo import hour_of_week_profile
from jru_geo.errors import JruGeoError
from jru_geo.queueing import Method, ScheduleResult, hypercube_schedule, mexclp_busy_fraction
from jru_geo.scenario import DAYS, Scenario, resolve_bases, week_minute_mask
from jru_geo.settings import BNG
from jru_geo.travel import TravelModel

__all__ = [
    "CoverageResult",
    "QueueInputs",
    "DemandProfile",
    "travel_matrix",
    "nearest_vehicle",
    "compute_coverage",
    "coverage_gaps",
    "GAP_KINDS",
]

DemandProfile = Literal["demo", "uniform"] | NDArray[np.float64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

GAP_KINDS = ("not_reached", "out_of_hours", "lost_to_busy")
"""The three reasons an incident is not covered, in the order they are tested."""

_MIN_PER_WEEK = 10080
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
]


# --------------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class QueueInputs:
    """The arrays handed to :func:`jru_geo.queueing.hypercube_schedule`, kept for checking and reuse.

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
        (share of on-shift time on a job), ``dispatch_share`` (its share of all calls) and
        ``expected_jobs_per_shift`` (calls_per_hour times the mean shift length).
    by_district, by_category
        Counts and coverage per ``district_code``/``district_name`` (when the incidents carry them,
        e.g. from :func:`jru_geo.join.assign_areas`) and per ``category``.
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
        Hypercube method used (``"exact"``, ``"approx"``, or ``"none"`` without fleet or calls).
    queue
        The availability model's inputs and result (``None`` without fleet or incidents).
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
        ``busy_fraction`` (vehicle id -> fraction), ``vehicles`` and ``by_district`` (lists of
        records), ``population_covered``, ``population_share``, ``span_weeks``, ``demand_scale``,
        ``method``.
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
            "vehicles": _records(self.vehicles),
            "by_district": _records(self.by_district),
            "population_covered": self.population_covered,
            "population_share": self.population_share,
            "span_weeks": self.span_weeks,
            "demand_scale": self.demand_scale,
            "method": self.method,
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


# --------------------------------------------------------------------------------------------------
# Geometry helpers


def _xy(points: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> FloatArray:
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    if geoms.crs is not None and geoms.crs.to_epsg() != 27700:
        geoms = geoms.to_crs(BNG)
    if len(geoms) == 0:
        return np.zeros((0, 2))
    if not (geoms.geom_type == "Point").all() or geoms.is_empty.any():
        bad = geoms[(geoms.geom_type != "Point") | geoms.is_empty]
        raise JruGeoError(
            f"{what} must all be non-empty points; {len(bad)} are not (first at index {bad.index[0]!r}, "
            f"type {bad.iloc[0].geom_type if bad.iloc[0] is not None else None}); drop them first"
        )
    return np.column_stack([geoms.x.to_numpy(float), geoms.y.to_numpy(float)])


def travel_matrix(
    points: gpd.GeoDataFrame | gpd.GeoSeries, bases: gpd.GeoDataFrame, model: TravelModel
) -> FloatArray:
    """Travel minutes from every base to every point, as ``(n_points, n_vehicles)``.

    Parameters
    ----------
    points
        Incidents or other points (reprojected to EPSG:27700 if needed).
    bases
        Vehicle bases, e.g. :func:`jru_geo.scenario.resolve_bases`, one row per vehicle.
    model
        Any :class:`jru_geo.travel.TravelModel`.

    Returns
    -------
    numpy.ndarray
        Minutes; an empty ``(n, 0)`` or ``(0, m)`` array when either side is empty.
    """
    xy = _xy(points, "points")
    base_xy = _xy(bases, "bases")
    if len(xy) == 0 or len(base_xy) == 0:
        return np.zeros((len(xy), len(base_xy)))
    return np.asarray(model.minutes(base_xy, xy), dtype=np.float64).T


def nearest_vehicle(travel_min: FloatArray, vehicle_ids: pd.Series | list[str]) -> pd.DataFrame:
    """Each point's nearest vehicle and its travel minutes (ties: the first vehicle).

    Returns
    -------
    DataFrame
        ``nearest_vehicle`` (string, missing with no vehicles) and ``travel_min`` (``inf`` then).
    """
    ids = pd.array(list(vehicle_ids), dtype="string")
    n_points = travel_min.shape[0]
    if travel_min.shape[1] == 0:
        return pd.DataFrame(
            {
                "nearest_vehicle": pd.array([pd.NA] * n_points, dtype="string"),
                "travel_min": np.full(n_points, np.inf),
            }
        )
    best = np.argmin(travel_min, axis=1)
    return pd.DataFrame({"nearest_vehicle": ids[best], "travel_min": travel_min[np.arange(n_points), best]})


# --------------------------------------------------------------------------------------------------
# Time handling


def _profile_rows(demand_profile: DemandProfile, categories: pd.Series) -> tuple[dict[str, FloatArray], str]:
    """Hour-of-week weights (168, summing to 1) per category, and a description."""
    if isinstance(demand_profile, str):
        if demand_profile == "uniform":
            flat = np.full(168, 1 / 168)
            return {c: flat for c in categories.unique()}, "uniform"
        if demand_profile == "demo":
            return {c: hour_of_week_profile(str(c)) for c in categories.unique()}, "demo"
        raise JruGeoError(f"demand_profile must be 'demo', 'uniform' or 168 weights, got {demand_profile!r}")
    weights = np.asarray(demand_profile, dtype=np.float64)
    if weights.shape != (168,) or not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise JruGeoError(
            f"demand_profile must be 168 finite weights >= 0 with a positive sum (Monday 00:00 first), "
            f"got shape {weights.shape}"
        )
    weights = weights / weights.sum()
    return {c: weights for c in categories.unique()}, "custom"


def _span_weeks(time: pd.Series, precision: pd.Series) -> float:
    """Weeks from the start of the first incident's day (or month) to the end of the last one's."""
    known = time.notna()
    if not known.any():
        return 1.0
    t = time[known]
    monthly = precision[known].to_numpy() == "month"
    day_start = t.dt.floor("D")
    month_start = t.dt.to_period("M").dt.start_time
    start = day_start.where(~monthly, month_start)
    end = (day_start + pd.Timedelta(days=1)).where(~monthly, month_start + pd.offsets.MonthBegin(1))
    return max(float((end.max() - start.min()) / pd.Timedelta(weeks=1)), 1 / 7)


def _slot_on_shift(scenario: Scenario, slot_min: int) -> tuple[BoolArray, BoolArray]:
    """``(n, 10080)`` minute masks and ``(S, n)`` slot masks (on for at least half the slot)."""
    minutes = np.array([week_minute_mask(v) for v in scenario.vehicles], dtype=bool).reshape(
        len(scenario.vehicles), _MIN_PER_WEEK
    )
    n_slots = _MIN_PER_WEEK // slot_min
    slots = minutes.reshape(len(scenario.vehicles), n_slots, slot_min).mean(axis=2) >= 0.5
    return minutes, slots.T.copy()


def _masks_to_int(sets: BoolArray) -> IntArray:
    weights = (1 << np.arange(sets.shape[1], dtype=np.int64)).astype(np.int64)
    return sets.astype(np.int64) @ weights


def _int_to_masks(codes: IntArray, n: int) -> BoolArray:
    return ((codes[:, None] >> np.arange(n)) & 1).astype(bool)


# --------------------------------------------------------------------------------------------------
# Main computation


@dataclass(frozen=True)
class _Fleet:
    bases: gpd.GeoDataFrame
    target: FloatArray
    reach: FloatArray
    minute_on: BoolArray
    slot_on: BoolArray


def _check_incidents(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise JruGeoError(
            f"incidents must be a GeoDataFrame (from jru_geo.incidents.read_incidents), got "
            f"{type(incidents).__name__}"
        )
    missing = [c for c in ("time", "time_precision", "category") if c not in incidents.columns]
    if missing:
        raise JruGeoError(
            f"incidents lack columns {missing} (have {list(incidents.columns)}); read them with "
            "jru_geo.incidents.read_incidents"
        )
    out = (
        incidents.to_crs(BNG) if incidents.crs is not None and incidents.crs.to_epsg() != 27700 else incidents
    )
    if out.crs is None:
        out = out.set_crs(BNG)
    return out.copy()


def _check_options(target_min: float | None, reach: float | None, demand_scale: float, slot_min: int) -> None:
    for name, value in (("target_min", target_min), ("dispatch_reach_min", reach)):
        if value is not None and not (np.isfinite(value) and value > 0):
            raise JruGeoError(f"{name} must be a positive number of minutes, got {value!r}")
    if not (np.isfinite(demand_scale) and demand_scale >= 0):
        raise JruGeoError(f"demand_scale must be a number >= 0 (1 = every incident), got {demand_scale!r}")
    if slot_min <= 0 or 60 % slot_min != 0:
        raise JruGeoError(f"slot_min must divide 60 (e.g. 15), got {slot_min!r}")


def _dispatch_lists(travel: FloatArray, covering: BoolArray, in_reach: BoolArray) -> IntArray:
    """``(N, n)`` vehicle order per incident: covering first, then nearest; ``-1`` outside reach."""
    key = np.where(in_reach, travel + np.where(covering, 0.0, 1e9), np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    ranked = np.take_along_axis(key, order, axis=1)
    return np.where(np.isfinite(ranked), order, -1).astype(np.int64)


def compute_coverage(
    incidents: gpd.GeoDataFrame,
    scenario: Scenario,
    model: TravelModel,
    *,
    postcodes: pd.DataFrame | None = None,
    target_min: float | None = None,
    dispatch_reach_min: float | None = None,
    demand_scale: float = 1.0,
    demand_profile: DemandProfile = "demo",
    span_weeks: float | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    method: Method = "auto",
    slot_min: int = 15,
) -> CoverageResult:
    """Geographic, in-hours and expected (availability-aware) coverage of incidents by a fleet.

    Parameters
    ----------
    incidents
        Incidents as read by :func:`jru_geo.incidents.read_incidents` (``time``, ``time_precision``,
        ``category``, point geometry), optionally with ``district_code``/``district_name`` from
        :func:`jru_geo.join.assign_areas`. A missing time is treated like month precision.
    scenario
        The fleet.
    model
        Travel-time model.
    postcodes
        Postcode table for postcode bases (loaded when needed).
    target_min
        One response target for every vehicle, in minutes (default: each vehicle's own target).
    dispatch_reach_min
        How far (minutes) a vehicle goes to a call (default: each vehicle's own scenario target,
        unaffected by ``target_min``).
    demand_scale
        Calls for the JRU per incident in the data (e.g. 0.2 if one in five incidents needs a JRU).
        Scales workload only, not the coverage shares of the incidents.
    demand_profile
        Hour-of-week profile for incidents without a clock time (see the module docstring).
    span_weeks
        Weeks of data (default: from the first incident's day or month to the last one's).
    lsoas
        LSOAs with ``population`` for the population figures (default: the embedded Kent LSOAs).
    method
        Hypercube method: ``"auto"`` (exact up to 10 vehicles), ``"exact"`` or ``"approx"``.
    slot_min
        Length of the time slots of the week in minutes (a divisor of 60). A vehicle counts as on
        shift in a slot if it is on for at least half of it.

    Returns
    -------
    CoverageResult
    """
    _check_options(target_min, dispatch_reach_min, demand_scale, slot_min)
    frame = _check_incidents(incidents)
    fleet = _fleet(scenario, postcodes, target_min, dispatch_reach_min, slot_min)
    n = len(fleet.target)
    travel = travel_matrix(frame, fleet.bases, model)
    covering = travel <= fleet.target[None, :]
    in_reach = travel <= fleet.reach[None, :]
    near = nearest_vehicle(travel, fleet.bases["vehicle_id"].tolist())
    profiles, _ = _profile_rows(demand_profile, frame["category"].astype(str))
    time = pd.to_datetime(frame["time"])
    precision = frame["time_precision"].astype(str).where(time.notna(), "month")
    weeks = float(span_weeks) if span_weeks is not None else _span_weeks(time, precision)
    if not weeks > 0:
        raise JruGeoError(f"span_weeks must be > 0, got {span_weeks!r}")
    timing = _Timing.build(time, precision, frame["category"].astype(str), profiles, slot_min)

    pref = _dispatch_lists(travel, covering, in_reach)
    atoms = np.unique(pref, axis=0) if n and len(frame) else np.zeros((0, n), dtype=np.int64)
    service_min = _service_min(scenario, travel, in_reach)
    schedule: ScheduleResult | None = None
    rates: FloatArray | None = None
    if n and len(frame):
        _, atom_of = np.unique(pref, axis=0, return_inverse=True)
        hourly = timing.hourly_counts(np.asarray(atom_of).ravel(), len(atoms))
        rates = demand_scale * hourly[:, timing.hour_of_slot].T / weeks
        schedule = hypercube_schedule(
            rates, atoms, 60.0 / service_min, fleet.slot_on, slot_hours=slot_min / 60, method=method
        )
    q = _system_busy(rates, slot_min / 60, atoms, service_min, fleet.slot_on)
    cover = _incident_cover(timing, fleet, covering, in_reach, schedule, q)
    out = frame.assign(
        nearest_vehicle=near["nearest_vehicle"].to_numpy(),
        travel_min=near["travel_min"].to_numpy(),
        n_covering=covering.sum(axis=1).astype(np.int64),
        covered_geo=cover["geo"],
        covered_in_hours=cover["in_hours"],
        p_covered_expected=cover["expected"],
    )
    vehicles = _vehicle_table(fleet, travel, in_reach, service_min, rates, atoms, schedule)
    population, share = _population(fleet, model, lsoas)
    total = len(out)
    return CoverageResult(
        incidents=out,
        coverage_geographic=float(out["covered_geo"].mean()) if total else 0.0,
        coverage_in_hours=float(out["covered_in_hours"].mean()) if total else 0.0,
        coverage_expected=float(out["p_covered_expected"].mean()) if total else 0.0,
        coverage_expected_mexclp=float(cover["mexclp"].mean()) if total else 0.0,
        system_busy_fraction=q,
        loss_probability=schedule.loss_total if schedule is not None else (1.0 if total else 0.0),
        vehicles=vehicles,
        by_district=_by_group(out, ["district_code", "district_name"]),
        by_hour_of_week=_by_hour(fleet, cover, schedule),
        by_category=_by_group(out, ["category"]),
        population_covered=population,
        population_share=share,
        span_weeks=weeks,
        demand_scale=float(demand_scale),
        method=schedule.method if schedule is not None else "none",
        queue=None
        if schedule is None or rates is None
        else QueueInputs(
            arrival_rate_per_hour=rates,
            preference=atoms,
            service_rate_per_hour=60.0 / service_min,
            on_shift=fleet.slot_on,
            slot_hours=slot_min / 60,
            schedule=schedule,
        ),
    )


def _fleet(
    scenario: Scenario,
    postcodes: pd.DataFrame | None,
    target_min: float | None,
    reach_min: float | None,
    slot_min: int,
) -> _Fleet:
    bases = resolve_bases(scenario, postcodes=postcodes)
    own = np.array([v.target_min for v in scenario.vehicles], dtype=np.float64)
    target = np.full(own.size, float(target_min)) if target_min is not None else own
    reach = np.full(own.size, float(reach_min)) if reach_min is not None else own
    minute_on, slot_on = _slot_on_shift(scenario, slot_min)
    return _Fleet(bases=bases, target=target, reach=reach, minute_on=minute_on, slot_on=slot_on)


def _service_min(scenario: Scenario, travel: FloatArray, in_reach: BoolArray) -> FloatArray:
    """Job minutes plus mean travel minutes to the incidents within each vehicle's reach."""
    job = np.array([v.job_min for v in scenario.vehicles], dtype=np.float64)
    count = in_reach.sum(axis=0)
    total = np.where(in_reach, travel, 0.0).sum(axis=0)
    mean_travel = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
    return job + mean_travel


@dataclass(frozen=True)
class _Timing:
    """Where each incident sits in the week.

    ``exact`` incidents (minute precision) have a ``slot`` and ``minute``; the others a row of
    ``weights`` (``(G_p, 168)`` hour weights summing to 1) given by ``profile_id``.
    """

    exact: BoolArray
    minute: IntArray
    slot: IntArray
    hour: IntArray
    profile_id: IntArray
    weights: FloatArray
    hour_of_slot: IntArray
    slot_min: int

    @staticmethod
    def build(
        time: pd.Series,
        precision: pd.Series,
        category: pd.Series,
        profiles: dict[str, FloatArray],
        slot_min: int,
    ) -> _Timing:
        prec = precision.to_numpy()
        exact = prec == "minute"
        filled = time.fillna(pd.Timestamp("2000-01-03"))
        minute = (filled.dt.day_of_week * 1440 + filled.dt.hour * 60 + filled.dt.minute).to_numpy(np.int64)
        dow = filled.dt.day_of_week.to_numpy(np.int64)
        keys = pd.Series(
            np.where(
                prec == "day",
                category.to_numpy(str).astype(object) + "|" + dow.astype(str),
                category.to_numpy(str),
            ),
            index=time.index,
        )
        keys = keys.where(~exact, "")
        codes, uniques = pd.factorize(keys)
        weights = np.zeros((len(uniques), 168))
        for k, key in enumerate(uniques):
            if key == "":
                continue
            cat, _, day = str(key).partition("|")
            row = profiles[cat].copy()
            if day:
                keep = np.zeros(168, dtype=bool)
                keep[int(day) * 24 : int(day) * 24 + 24] = True
                row = np.where(keep, row, 0.0)
                row = row if row.sum() > 0 else keep.astype(float)
            weights[k] = row / row.sum()
        per_hour = 60 // slot_min
        return _Timing(
            exact=exact,
            minute=minute,
            slot=minute // slot_min,
            hour=minute // 60,
            profile_id=codes.astype(np.int64),
            weights=weights,
            hour_of_slot=np.arange(168 * per_hour) // per_hour,
            slot_min=slot_min,
        )

    def hourly_counts(self, atom: IntArray, n_atoms: int) -> FloatArray:
        """``(n_atoms, 168)`` incidents per hour of the week (profile-spread when not exact)."""
        counts = np.zeros((n_atoms, 168))
        np.add.at(counts, (atom[self.exact], self.hour[self.exact]), 1.0)
        spread = np.zeros((n_atoms, self.weights.shape[0]))
        np.add.at(spread, (atom[~self.exact], self.profile_id[~self.exact]), 1.0)
        return counts + spread @ self.weights


def _all_busy(schedule: ScheduleResult | None, slots: IntArray, sets: BoolArray) -> FloatArray:
    """P(every vehicle of each set is busy); 1 for empty sets (and everything with no model)."""
    if schedule is None:
        return np.ones(len(slots))
    empty = ~sets.any(axis=1)
    out = np.ones(len(slots))
    if (~empty).any():
        out[~empty] = schedule.all_busy_probability(slots[~empty], sets[~empty])
    return out


def _to_hours(table: FloatArray, per_hour: int) -> FloatArray:
    return table.reshape(table.shape[0], 168, per_hour).sum(axis=2)


def _incident_cover(
    timing: _Timing,
    fleet: _Fleet,
    covering: BoolArray,
    in_reach: BoolArray,
    schedule: ScheduleResult | None,
    q: float,
) -> dict[str, FloatArray]:
    """Per-incident ``geo``, ``in_hours``, ``expected``, ``mexclp``; and ``(4, 168)`` ``by_hour``
    sums of incidents, in-hours and expected covered, and geographic covered, per hour of week."""
    n_inc, n = covering.shape
    geo = covering.any(axis=1).astype(float) if n else np.zeros(n_inc)
    in_hours = np.zeros(n_inc)
    expected = np.zeros(n_inc)
    mexclp = np.zeros(n_inc)
    by_hour = np.zeros((4, 168))
    per_hour = 60 // timing.slot_min
    usable = covering & in_reach
    ex = np.flatnonzero(timing.exact)
    if ex.size and n:
        on_now = fleet.minute_on[:, timing.minute[ex]].T
        covering_now = covering[ex] & on_now
        in_hours[ex] = covering_now.any(axis=1)
        sets = usable[ex] & on_now & fleet.slot_on[timing.slot[ex]]
        expected[ex] = 1.0 - _all_busy(schedule, timing.slot[ex], sets)
        k = covering_now.sum(axis=1)
        mexclp[ex] = np.where(k > 0, 1.0 - q**k, 0.0)
    rest = np.flatnonzero(~timing.exact)
    if rest.size and n:
        keys = np.column_stack(
            [_masks_to_int(covering[rest]), _masks_to_int(usable[rest]), timing.profile_id[rest]]
        )
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        group = np.asarray(inverse).ravel()
        weight, w_in, w_exp, w_mex = _group_slot_tables(uniq, timing, fleet, schedule, q, n)
        w_exp = np.minimum(w_exp, w_in)
        in_hours[rest] = w_in.sum(axis=1)[group]
        expected[rest] = w_exp.sum(axis=1)[group]
        mexclp[rest] = w_mex.sum(axis=1)[group]
        size = np.bincount(group, minlength=len(uniq)).astype(float)
        geo_g = _int_to_masks(uniq[:, 0], n).any(axis=1).astype(float)
        by_hour[0] += size @ _to_hours(weight, per_hour)
        by_hour[1] += (size * geo_g) @ _to_hours(weight, per_hour)
        by_hour[2] += size @ _to_hours(w_in, per_hour)
        by_hour[3] += size @ _to_hours(w_exp, per_hour)
    elif rest.size:
        spread = timing.weights[timing.profile_id[rest]].sum(axis=0)
        by_hour[0] += spread
    if ex.size:
        hours = timing.hour[ex]
        by_hour[0] += np.bincount(hours, minlength=168)
        by_hour[1] += np.bincount(hours, weights=geo[ex], minlength=168)
        by_hour[2] += np.bincount(hours, weights=in_hours[ex], minlength=168)
        by_hour[3] += np.bincount(hours, weights=expected[ex], minlength=168)
    return {
        "geo": geo,
        "in_hours": np.clip(in_hours, 0.0, 1.0),
        "expected": np.clip(np.minimum(expected, in_hours), 0.0, 1.0),
        "mexclp": np.clip(mexclp, 0.0, 1.0),
        "by_hour": by_hour,
    }


def _group_slot_tables(
    uniq: IntArray, timing: _Timing, fleet: _Fleet, schedule: ScheduleResult | None, q: float, n: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per group and slot ``(G, S)``: demand weight, in-hours, expected-covered and MEXCLP weight."""
    n_slots = fleet.slot_on.shape[0]
    per_hour = 60 // timing.slot_min
    weight = timing.weights[uniq[:, 2]][:, timing.hour_of_slot] / per_hour
    cov = _int_to_masks(uniq[:, 0], n)
    use = _int_to_masks(uniq[:, 1], n)
    on = fleet.slot_on
    k = (cov[:, None, :] & on[None, :, :]).sum(axis=2)
    sets = (use[:, None, :] & on[None, :, :]).reshape(-1, n)
    slots = np.tile(np.arange(n_slots), len(uniq))
    free = 1.0 - _all_busy(schedule, slots, sets).reshape(len(uniq), n_slots)
    mex = np.where(k > 0, 1.0 - q**k, 0.0)
    return weight, weight * (k > 0), weight * free, weight * mex


def _system_busy(
    rates: FloatArray | None,
    slot_hours: float,
    atoms: IntArray,
    service_min: FloatArray,
    slot_on: BoolArray,
) -> float:
    """Daskin's fleet-wide busy fraction ``q`` (see :attr:`CoverageResult.system_busy_fraction`)."""
    on_hours = float(slot_on.sum()) * slot_hours
    if rates is None or atoms.size == 0 or on_hours == 0:
        return 0.0
    first = np.full((slot_on.shape[0], atoms.shape[0]), -1, dtype=np.int64)
    for position in range(atoms.shape[1]):
        vehicle = atoms[:, position]
        ok = (vehicle >= 0)[None, :] & slot_on[:, np.maximum(vehicle, 0)]
        first = np.where((first < 0) & ok, vehicle[None, :], first)
    service_hours = np.where(first >= 0, service_min[np.maximum(first, 0)] / 60.0, 0.0)
    work_hours = float((rates * slot_hours * service_hours).sum())
    return mexclp_busy_fraction(work_hours / on_hours, 1.0, 1)


def _shifts_per_week(minute_on: BoolArray) -> FloatArray:
    """Number of separate on-shift blocks in the (circular) week of each vehicle."""
    starts = minute_on & ~np.roll(minute_on, 1, axis=1)
    count = starts.sum(axis=1).astype(float)
    return np.where(minute_on.all(axis=1), 1.0, count)


def _vehicle_table(
    fleet: _Fleet,
    travel: FloatArray,
    in_reach: BoolArray,
    service_min: FloatArray,
    rates: FloatArray | None,
    atoms: IntArray,
    schedule: ScheduleResult | None,
) -> pd.DataFrame:
    n = len(fleet.target)
    weekly = fleet.minute_on.sum(axis=1) / 60.0 if n else np.zeros(0)
    shifts = _shifts_per_week(fleet.minute_on) if n else np.zeros(0)
    count = in_reach.sum(axis=0)
    mean_travel = np.divide(
        np.where(in_reach, travel, 0.0).sum(axis=0), count, out=np.zeros(n), where=count > 0
    )
    busy = schedule.busy_fraction if schedule is not None else np.zeros(n)
    taken = schedule.dispatched_calls.sum(axis=0) if schedule is not None else np.zeros(n)
    offered_total = float(schedule.offered_calls.sum()) if schedule is not None else 0.0
    offered = np.zeros(n)
    if rates is not None and atoms.size:
        hours = schedule.slot_hours if schedule is not None else 0.0
        for i in range(n):
            listed = (atoms == i).any(axis=1)
            offered[i] = float((rates[:, listed].sum(axis=1) * fleet.slot_on[:, i]).sum()) * hours
    per_hour = np.divide(taken, weekly, out=np.zeros(n), where=weekly > 0)
    shift_hours = np.divide(weekly, shifts, out=np.zeros(n), where=shifts > 0)
    return pd.DataFrame(
        {
            "vehicle_id": fleet.bases["vehicle_id"].astype("string").to_numpy(),
            "name": fleet.bases["name"].astype("string").to_numpy(),
            "target_min": fleet.target,
            "reach_min": fleet.reach,
            "weekly_hours": weekly,
            "shifts_per_week": shifts,
            "mean_travel_min": mean_travel,
            "service_min": service_min,
            "offered_calls_per_hour": np.divide(offered, weekly, out=np.zeros(n), where=weekly > 0),
            "calls_per_hour": per_hour,
            "busy_fraction": busy,
            "dispatch_share": taken / offered_total if offered_total > 0 else np.zeros(n),
            "expected_jobs_per_shift": per_hour * shift_hours,
        },
        columns=_VEHICLE_COLUMNS,
    )


def _population(fleet: _Fleet, model: TravelModel, lsoas: gpd.GeoDataFrame | None) -> tuple[float, float]:
    """Population of LSOAs whose centroid is within target of some vehicle, and its share."""
    areas = load_lsoas() if lsoas is None else lsoas
    if "population" not in areas.columns:
        raise JruGeoError(f"lsoas lack a population column (have {list(areas.columns)})")
    areas = areas.to_crs(BNG) if areas.crs is not None and areas.crs.to_epsg() != 27700 else areas
    population = areas["population"].to_numpy(dtype=np.float64)
    total = float(population.sum())
    if len(fleet.target) == 0 or len(areas) == 0 or total <= 0:
        return 0.0, 0.0
    if {"centroid_e", "centroid_n"} <= set(areas.columns):
        centres = gpd.GeoSeries(
            gpd.points_from_xy(areas["centroid_e"], areas["centroid_n"]), crs=BNG, index=areas.index
        )
    else:
        centres = areas.geometry.centroid
    travel = travel_matrix(centres, fleet.bases, model)
    reached = (travel <= fleet.target[None, :]).any(axis=1)
    covered = float(population[reached].sum())
    return covered, covered / total


def _figures(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    count = out["incidents"].to_numpy(dtype=np.float64)
    for name, column in (
        ("coverage_geographic", "covered_geo"),
        ("coverage_in_hours", "covered_in_hours"),
        ("coverage_expected", "covered_expected"),
    ):
        out[name] = np.divide(
            out[column].to_numpy(dtype=np.float64), count, out=np.zeros(len(out)), where=count > 0
        )
    return out


def _by_group(incidents: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Incidents and covered sums per group, with the three shares; empty if the keys are absent."""
    if not set(keys) <= set(incidents.columns):
        return pd.DataFrame(columns=[*keys, *_FIGURE_COLUMNS])
    grouped = (
        pd.DataFrame(
            {
                **{k: incidents[k] for k in keys},
                "incidents": 1,
                "covered_geo": incidents["covered_geo"],
                "covered_in_hours": incidents["covered_in_hours"],
                "covered_expected": incidents["p_covered_expected"],
            }
        )
        .groupby(keys, dropna=False, sort=True)
        .sum()
        .reset_index()
    )
    return _figures(grouped)[[*keys, *_FIGURE_COLUMNS]]


def _by_hour(fleet: _Fleet, cover: dict[str, FloatArray], schedule: ScheduleResult | None) -> pd.DataFrame:
    hours = np.arange(168)
    sums = cover["by_hour"]
    n_slots = fleet.slot_on.shape[0]
    per_hour = n_slots // 168
    on = fleet.slot_on.reshape(168, per_hour, -1)
    on_count = on.sum(axis=2).mean(axis=1) if on.shape[2] else np.zeros(168)
    if schedule is not None:
        busy = schedule.busy_probability.reshape(168, per_hour, -1)
        busy_on = (busy * on).sum(axis=(1, 2))
        slots_on = on.sum(axis=(1, 2))
        mean_busy = np.divide(busy_on, slots_on, out=np.zeros(168), where=slots_on > 0)
    else:
        mean_busy = np.zeros(168)
    frame = pd.DataFrame(
        {
            "hour_of_week": hours,
            "day": pd.array([DAYS[h // 24] for h in hours], dtype="string"),
            "hour": hours % 24,
            "incidents": sums[0],
            "covered_geo": sums[1],
            "covered_in_hours": sums[2],
            "covered_expected": sums[3],
        }
    )
    out = _figures(frame)
    out["vehicles_on_shift"] = on_count
    out["mean_busy_probability"] = mean_busy
    return out


# --------------------------------------------------------------------------------------------------
# Gaps

_GAP_COLUMNS = [
    "incidents",
    "not_reached",
    "out_of_hours",
    "lost_to_busy",
    "uncovered",
    "uncovered_per_week",
    "coverage_expected",
    "main_gap",
    "rank",
]


def _gap_parts(incidents: pd.DataFrame) -> pd.DataFrame:
    """Per incident, how much of it is not covered and why; the three parts sum to ``uncovered``."""
    geo = incidents["covered_geo"].to_numpy(dtype=np.float64)
    in_hours = incidents["covered_in_hours"].to_numpy(dtype=np.float64)
    expected = incidents["p_covered_expected"].to_numpy(dtype=np.float64)
    return pd.DataFrame(
        {
            "incidents": 1.0,
            "not_reached": 1.0 - geo,
            "out_of_hours": np.maximum(geo - in_hours, 0.0),
            "lost_to_busy": np.maximum(in_hours - expected, 0.0),
            "uncovered": 1.0 - expected,
        },
        index=incidents.index,
    )


def _rank_gaps(table: pd.DataFrame, key: str, result: CoverageResult) -> pd.DataFrame:
    out = table.copy()
    out["uncovered_per_week"] = out["uncovered"] * result.demand_scale / result.span_weeks
    out["coverage_expected"] = np.divide(
        (out["incidents"] - out["uncovered"]).to_numpy(dtype=np.float64),
        out["incidents"].to_numpy(dtype=np.float64),
        out=np.zeros(len(out)),
        where=out["incidents"].to_numpy(dtype=np.float64) > 0,
    )
    parts = out[list(GAP_KINDS)].to_numpy(dtype=np.float64)
    main = np.array(GAP_KINDS, dtype=object)[parts.argmax(axis=1)] if len(out) else np.array([], dtype=object)
    out["main_gap"] = pd.array(np.where(parts.max(axis=1, initial=0) > 0, main, "none"), dtype="string")
    out = out.sort_values(["uncovered", "incidents", key], ascending=[False, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def coverage_gaps(
    result: CoverageResult, *, lsoas: gpd.GeoDataFrame, cell_m: float = 1000.0
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Where demand is not covered, and why: a square grid layer and an LSOA layer.

    Each incident counts 1, split into ``not_reached`` (no vehicle within target: ``1 -
    covered_geo``), ``out_of_hours`` (reachable but no covering vehicle on shift: ``covered_geo -
    covered_in_hours``) and ``lost_to_busy`` (a covering vehicle on shift but all busy:
    ``covered_in_hours - p_covered_expected``). Their sum is ``uncovered`` (``1 -
    p_covered_expected``); probabilities for month-precision incidents make the counts fractional.

    Parameters
    ----------
    result
        From :func:`compute_coverage`.
    lsoas
        LSOA polygons with ``lsoa_code`` (e.g. :func:`jru_geo.boundaries.load_lsoas`). If the
        incidents already carry ``lsoa_code`` (from :func:`jru_geo.join.assign_areas`) it is used;
        otherwise each incident is placed in the lowest-coded LSOA it touches.
    cell_m
        Grid cell side in metres (EPSG:27700), 1 km by default.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame)
        The grid: one square per cell holding at least one incident, with ``cell_id`` (``E<x>N<y>``
        of its south-west corner in metres), ``easting``/``northing`` of its centre, ``incidents``,
        the three parts, ``uncovered``, ``uncovered_per_week`` (calls a week after ``demand_scale``),
        ``coverage_expected``, ``main_gap`` (the largest part, or ``"none"``) and ``rank`` (1 = most
        uncovered demand). The LSOAs: every input LSOA with the same columns (zero where no
        incidents), ranked the same way. Both in EPSG:27700.
    """
    if not (np.isfinite(cell_m) and cell_m > 0):
        raise JruGeoError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    if "lsoa_code" not in lsoas.columns:
        raise JruGeoError(f"lsoas lack an lsoa_code column (have {list(lsoas.columns)})")
    incidents = result.incidents
    parts = _gap_parts(incidents)
    xy = _xy(incidents, "incidents")
    ix = np.floor(xy[:, 0] / cell_m).astype(np.int64)
    iy = np.floor(xy[:, 1] / cell_m).astype(np.int64)
    grid = parts.assign(ix=ix, iy=iy).groupby(["ix", "iy"], sort=True).sum().reset_index()
    x0 = grid["ix"].to_numpy(np.float64) * cell_m
    y0 = grid["iy"].to_numpy(np.float64) * cell_m
    grid["cell_id"] = pd.array([f"E{int(x)}N{int(y)}" for x, y in zip(x0, y0, strict=True)], dtype="string")
    grid["easting"] = x0 + cell_m / 2
    grid["northing"] = y0 + cell_m / 2
    grid = _rank_gaps(grid.drop(columns=["ix", "iy"]), "cell_id", result)
    grid_gdf = gpd.GeoDataFrame(
        grid[["cell_id", "easting", "northing", *_GAP_COLUMNS]].reset_index(drop=True),
        geometry=box(
            grid["easting"].to_numpy() - cell_m / 2,
            grid["northing"].to_numpy() - cell_m / 2,
            grid["easting"].to_numpy() + cell_m / 2,
            grid["northing"].to_numpy() + cell_m / 2,
        ),
        crs=BNG,
    )
    areas = lsoas.to_crs(BNG) if lsoas.crs is not None and lsoas.crs.to_epsg() != 27700 else lsoas
    code = _incident_lsoa(incidents, areas)
    per_lsoa = parts.assign(lsoa_code=code.to_numpy()).dropna(subset=["lsoa_code"])
    sums = per_lsoa.groupby("lsoa_code").sum()
    keep = [
        c for c in ("lsoa_code", "lsoa_name", "district_code", "district_name", "population") if c in areas
    ]
    table = areas[keep].reset_index(drop=True).copy()
    table["lsoa_code"] = table["lsoa_code"].astype("string")
    filled = sums.reindex(table["lsoa_code"].to_numpy()).fillna(0.0).reset_index(drop=True)
    table = pd.concat([table, filled], axis=1)
    table["geometry"] = areas.geometry.to_numpy()
    ranked = _rank_gaps(table, "lsoa_code", result)
    lsoa_gdf = gpd.GeoDataFrame(
        ranked[[*keep, *_GAP_COLUMNS, "geometry"]].reset_index(drop=True), geometry="geometry", crs=BNG
    )
    return grid_gdf, lsoa_gdf


def _incident_lsoa(incidents: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Each incident's LSOA code: its own ``lsoa_code`` if present, else the lowest-coded one it touches."""
    if "lsoa_code" in incidents.columns:
        return incidents["lsoa_code"].astype("string")
    if len(incidents) == 0:
        return pd.Series([], dtype="string", index=incidents.index)
    left, right = areas.sindex.query(incidents.geometry.to_numpy(), predicate="intersects")
    pairs = pd.DataFrame({"point": left, "code": areas["lsoa_code"].astype(str).to_numpy()[right]})
    first = pairs.groupby("point")["code"].min()
    return pd.Series(first.reindex(range(len(incidents))).to_numpy(), index=incidents.index, dtype="string")
