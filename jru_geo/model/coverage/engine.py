"""The coverage engine: how much demand the JRU fleet reaches, geographic, in hours and when free.

:func:`compute_coverage` is the one entry point; it returns a
:class:`~jru_geo.model.coverage.result.CoverageResult`. Its parts live beside it: the fleet as
arrays (``_fleet``), time slots and hour profiles (:mod:`~jru_geo.model.coverage.timing`), who
responds (:mod:`~jru_geo.model.coverage.dispatch`) and the tables
(:mod:`~jru_geo.model.coverage.tables`); gaps, workload and the business case build on a result
(:mod:`~jru_geo.model.coverage.gaps`, :mod:`~jru_geo.model.coverage.workload`,
:mod:`~jru_geo.model.coverage.business`). The travel
matrix is :func:`jru_geo.model.travel.matrix.travel_matrix`; pass ``bases=`` and ``travel_min=`` to
reuse ones already computed.

Three figures, each a share of incidents (0-1), each at most the one before:

1. **Geographic** (``covered_geo``): some vehicle can reach the incident within its response target
   (``travel_min <= target_min``), whatever the time.
2. **In hours** (``covered_in_hours``): and such a vehicle was on shift when it happened.
3. **Expected** (``p_covered_expected``): and such a vehicle was free, not on another job. From Larson's
   hypercube loss model (:mod:`jru_geo.model.queueing.hypercube`, over the scenario's week with
   :func:`jru_geo.model.queueing.schedule.hypercube_schedule`).

Time precision. An incident timed to the minute is in hours or not (0 or 1). police.uk gives only the
month: for such an incident ``covered_in_hours`` is a *probability*, the share of the week in which a
covering vehicle is on shift, weighted by an hour-of-week demand profile (``demand_profile``: by
default the profile of :func:`jru_geo.demand_profile.hour_of_week_profile` for its category, a
night-time economy profile for violence and alcohol and a daytime one otherwise; or ``"uniform"``;
or your own 168 weights). An incident known to the day uses the same profile within its day of the
week.

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
argument in :mod:`jru_geo.model.queueing.hypercube` every old vehicle is then busy no more often,
and every call is at least as likely to find a free vehicle that meets the target. Raising the
target (``target_min``) does not change who responds (the reach is fixed), only what counts as in
time, so no figure falls either. Both hold exactly while every group of vehicles that share calls
(:mod:`jru_geo.model.queueing.schedule`) has at most 10 vehicles, whatever the size of the fleet, and
a vehicle never on shift changes nothing; a larger group uses Larson's approximation, and they hold
only approximately (within about 0.01; ``tests/model/coverage/test_coverage_fleets.py``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import CoverageError
from jru_geo.io.boundaries import load_lsoas
from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage._fleet import _Fleet, _fleet
from jru_geo.model.coverage.dispatch import _dispatch_lists, _incident_cover, _unique_rows
from jru_geo.model.coverage.prepared import (
    PreparedIncidents,
    _check_counted,
    _check_incidents,
    _check_prepared,
    _inserted_atoms,
    _ranked_mean_travel,
    incident_timing,
)
from jru_geo.model.coverage.result import (
    BoolArray,
    CoverageResult,
    DemandProfile,
    FloatArray,
    IntArray,
    QueueInputs,
)
from jru_geo.model.coverage.tables import _by_group, _by_hour, _system_busy, _vehicle_table
from jru_geo.model.queueing._checks import Method
from jru_geo.model.queueing.schedule import ScheduleResult, hypercube_schedule
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import check_minutes, distinct_points, nearest_vehicle, travel_matrix
from jru_geo.settings import BNG
from jru_geo.week import HOURS_PER_WEEK

__all__ = ["compute_coverage"]


def _check_options(target_min: float | None, reach: float | None, demand_scale: float, slot_min: int) -> None:
    for name, value in (("target_min", target_min), ("dispatch_reach_min", reach)):
        if value is not None and not (np.isfinite(value) and value > 0):
            raise CoverageError(f"{name} must be a positive number of minutes, got {value!r}")
    if not (np.isfinite(demand_scale) and demand_scale >= 0):
        raise CoverageError(f"demand_scale must be a number >= 0 (1 = every incident), got {demand_scale!r}")
    if slot_min <= 0 or 60 % slot_min != 0:
        raise CoverageError(f"slot_min must divide 60 (e.g. 15), got {slot_min!r}")


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
    bases: gpd.GeoDataFrame | None = None,
    travel_min: FloatArray | None = None,
    counted: BoolArray | pd.Series | None = None,
    week_slice: BoolArray | None = None,
    prepared: PreparedIncidents | None = None,
) -> CoverageResult:
    """Geographic, in-hours and expected (availability-aware) coverage of incidents by a fleet.

    Parameters
    ----------
    incidents
        Incidents as read by :func:`jru_geo.io.incidents.read_incidents` (``time``, ``time_precision``,
        ``category``, point geometry), optionally with ``district_code``/``district_name`` from
        :func:`jru_geo.areas.join.assign_areas`. A missing time is treated like month precision.
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
        Hour-of-week profile for incidents without a clock time (see "Time precision" in the
        module docstring).
    span_weeks
        Weeks of data (default: from the first incident's day or month to the last one's).
    lsoas
        LSOAs with ``population`` for the population figures (default: the embedded Kent LSOAs).
    method
        Hypercube method: ``"auto"`` (exact for each group of up to 10 vehicles sharing calls),
        ``"exact"`` or ``"approx"``.
    slot_min
        Length of the time slots of the week in minutes (a divisor of 60). A vehicle counts as on
        shift in a slot if it is on for at least half of it.
    bases
        The scenario's resolved bases, as :func:`jru_geo.io.bases.resolve_bases` returns them (one
        row per vehicle, in the scenario's order); resolved here, with ``postcodes``, when omitted.
    travel_min
        A precomputed ``(n_incidents, n_vehicles)`` matrix of minutes from each vehicle's base to
        each incident, as :func:`jru_geo.model.travel.matrix.travel_matrix` builds it for these
        incidents (after reprojection, in their order) and these bases; computed with ``model``
        when omitted. ``model`` is still used for the population figures (LSOA centroids).
    counted
        Which incidents the coverage figures count (one boolean per incident, in their order;
        default: all), e.g. those a filter keeps. Every incident still loads the units: the busy
        fractions come from the whole demand, so filtering to Friday 22:00 does not empty the
        units' workload. The result's ``incidents`` and tables hold the counted ones only.
    week_slice
        ``(168,)`` booleans, Monday 00:00 first: the hours of the week the vehicle table, the
        loss probability and the calls attended are for (e.g.
        :attr:`jru_geo.areas.filters.IncidentFilter.week_hours`); default the whole week.
    prepared
        :func:`jru_geo.model.coverage.prepared.prepare_coverage` of these incidents (with the same
        ``counted``, ``demand_profile``, ``span_weeks`` and ``slot_min``), for many runs on the same
        incidents; the figures are the same as without it.

    Returns
    -------
    CoverageResult
        The incidents with their cover, the headline shares, and the tables by vehicle, district,
        hour of the week and category.

    Raises
    ------
    CoverageError
        An option out of range, incidents that are not a GeoDataFrame with the needed columns,
        ``bases`` that do not match the scenario's vehicles, a ``travel_min`` of the wrong shape,
        or a ``counted`` or ``week_slice`` mask of the wrong shape.
    """
    _check_options(target_min, dispatch_reach_min, demand_scale, slot_min)
    if prepared is None:
        frame = _check_incidents(incidents)
        keep = _check_counted(counted, len(frame))
    else:
        _check_prepared(prepared, incidents, slot_min)
        frame, keep = prepared.frame, prepared.keep
    hours_in = _check_slice(week_slice)
    fleet = _fleet(scenario, postcodes, target_min, dispatch_reach_min, slot_min, bases)
    n = len(fleet.target)
    rows, where = _travel_rows(model, frame, fleet, travel_min)
    location = np.arange(len(frame), dtype=np.int64) if where is None else where
    covering = rows <= fleet.target[None, :]
    in_reach = rows <= fleet.reach[None, :]
    near = _nearest(rows, location, fleet)
    if prepared is None:
        timing, weeks = incident_timing(frame, demand_profile, span_weeks, slot_min)
    else:
        timing, weeks = prepared.timing, prepared.weeks

    atoms, atom_of = (
        _atoms(rows, covering, in_reach, location, fleet, prepared)
        if n and len(frame)
        else (np.zeros((0, n), dtype=np.int64), None)
    )
    mean_travel = _ranked_mean_travel(prepared, rows, location, fleet.target, fleet.reach)
    service_min = np.array([v.job_min for v in scenario.vehicles], dtype=np.float64) + mean_travel
    schedule: ScheduleResult | None = None
    rates: FloatArray | None = None
    if atom_of is not None:
        hourly = timing.hourly_counts(atom_of, len(atoms))
        rates = demand_scale * hourly[:, timing.hour_of_slot].T / weeks
        schedule = hypercube_schedule(
            rates, atoms, 60.0 / service_min, fleet.slot_on, slot_hours=slot_min / 60, method=method
        )
    q = _system_busy(rates, slot_min / 60, atoms, service_min, fleet.slot_on)
    cover = _incident_cover(timing.subset(keep), fleet, location[keep], covering, in_reach, schedule, q)
    out = frame[keep].assign(
        nearest_vehicle=near["nearest_vehicle"][keep],
        travel_min=near["travel_min"][keep],
        n_covering=covering.sum(axis=1).astype(np.int64)[location[keep]],
        covered_geo=cover["geo"],
        covered_in_hours=cover["in_hours"],
        p_covered_expected=cover["expected"],
    )
    slot_in = None if hours_in is None else hours_in[timing.hour_of_slot]
    vehicles = _vehicle_table(fleet, mean_travel, service_min, rates, atoms, schedule, slot_in)
    population, share = _population(fleet, model, lsoas)
    total = len(out)
    return CoverageResult(
        incidents=out,
        coverage_geographic=float(out["covered_geo"].mean()) if total else 0.0,
        coverage_in_hours=float(out["covered_in_hours"].mean()) if total else 0.0,
        coverage_expected=float(out["p_covered_expected"].mean()) if total else 0.0,
        coverage_expected_mexclp=float(cover["mexclp"].mean()) if total else 0.0,
        system_busy_fraction=q,
        loss_probability=_loss(schedule, slot_in, total),
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
        week_slice=hours_in,
    )


def _travel_rows(
    model: TravelModel, frame: gpd.GeoDataFrame, fleet: _Fleet, travel_min: FloatArray | None
) -> tuple[FloatArray, IntArray | None]:
    """Travel minutes, one row per distinct incident location, and each incident's row among them.

    Many incidents share a location (police.uk snaps them to street points; a resampled year
    repeats them), and every travel model is a function of the two ends, so the model is asked
    once per distinct location: the rows, expanded, equal the full matrix. An injected
    ``travel_min`` (or geometry the matrix must reject with its own message) gives one row per
    incident and ``None``.
    """
    if travel_min is not None:
        checked = check_minutes(
            travel_min,
            name="travel_min",
            rows="n_incidents",
            columns="n_vehicles",
            shape=(len(frame), len(fleet.target)),
            error=CoverageError,
        )
        return checked, None
    distinct = distinct_points(frame)
    if distinct is None:
        return travel_matrix(model, points=frame, bases=fleet.bases), None
    xy, where = distinct
    return travel_matrix(model, points=xy, bases=fleet.bases), where


def _atoms(
    rows: FloatArray,
    covering: BoolArray,
    in_reach: BoolArray,
    location: IntArray,
    fleet: _Fleet,
    prepared: PreparedIncidents | None = None,
) -> tuple[IntArray, IntArray]:
    """Distinct dispatch lists (sorted) and each incident's list, worked out once per travel row.

    A dispatch list depends only on the incident's travel row, so it is the same for every incident
    at one location; the distinct lists come out identical to those of the full matrix. With a
    ``prepared`` fleet ranked already, one more unit is inserted into its lists instead.
    """
    inserted = _inserted_atoms(prepared, rows, fleet.target, fleet.reach)
    if inserted is not None:
        atoms, atom_of = inserted
        return atoms, atom_of[location]
    atoms, atom_of = _unique_rows(_dispatch_lists(rows, covering, in_reach))
    return atoms, atom_of[location]


def _check_slice(week_slice: BoolArray | None) -> BoolArray | None:
    if week_slice is None:
        return None
    mask = np.asarray(week_slice)
    if mask.shape != (HOURS_PER_WEEK,) or mask.dtype != np.bool_:
        raise CoverageError(
            f"week_slice must be 168 booleans (hours of the week, Monday 00:00 first), got {mask.dtype} "
            f"of shape {mask.shape}"
        )
    if not mask.any():
        raise CoverageError("week_slice selects no hour of the week; choose at least one hour")
    return None if mask.all() else mask.copy()


def _loss(schedule: ScheduleResult | None, slot_in: BoolArray | None, total: int) -> float:
    """Share of calls lost (in the slice's slots when given); 1 with calls but no model, else 0."""
    if schedule is None:
        return 1.0 if total else 0.0
    if slot_in is None:
        return schedule.loss_total
    offered = float(schedule.dispatched_by_slot[slot_in].sum() + schedule.lost_by_slot[slot_in].sum())
    return float(schedule.lost_by_slot[slot_in].sum()) / offered if offered > 0 else 0.0


def _nearest(rows: FloatArray, location: IntArray, fleet: _Fleet) -> dict[str, np.ndarray]:
    """Each incident's nearest vehicle and its minutes, found once per travel row and expanded."""
    near = nearest_vehicle(rows, fleet.bases["vehicle_id"].tolist())
    ids, minutes = near["nearest_vehicle"].to_numpy(), near["travel_min"].to_numpy()
    return {"nearest_vehicle": ids[location], "travel_min": minutes[location]}


def _population(fleet: _Fleet, model: TravelModel, lsoas: gpd.GeoDataFrame | None) -> tuple[float, float]:
    """Sum the population of LSOAs whose centroid is within target of some vehicle, and its share."""
    areas = load_lsoas() if lsoas is None else lsoas
    require_columns(areas, ["population"], what="lsoas", plural=True, error=CoverageError)
    areas = to_bng(areas, what="lsoas", error=CoverageError)
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
    travel = travel_matrix(model, points=centres, bases=fleet.bases)
    reached = (travel <= fleet.target[None, :]).any(axis=1)
    covered = float(population[reached].sum())
    return covered, covered / total
