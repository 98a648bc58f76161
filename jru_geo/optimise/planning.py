"""The planner's numbers: a unit placed by hand, candidate sites, and the LSOA-level placement plan.

One engine for every figure a planner shows:

* **KPIs** (:class:`jru_geo.optimise.kpis.PlanKpis`, :func:`jru_geo.optimise.kpis.kpi_table`) are
  read off a :class:`jru_geo.model.coverage.result.CoverageResult`, the same incident-level engine
  the Coverage page shows (shifts, Larson's hypercube for busy units): the baseline and a plan are
  each one :func:`jru_geo.model.coverage.engine.compute_coverage` call.
* **The next units** the Planner and ``recommend`` show come from
  :func:`jru_geo.optimise.next_units.recommend_units`: sites and shift patterns screened on LSOA
  demand, the best checked with the coverage engine, so each pick's gain is the engine's change.
  :func:`plan_new_units` here is the matrix optimiser on its own (MCLP or Daskin's MEXCLP with one
  busy fraction on LSOA demand points, solved exactly by :func:`jru_geo.optimise.placement.recommend`),
  for studies of several units at once; its objective is the screening model's, not the engine's.
* **The business case** of a plan is the fleet's
  (:func:`jru_geo.optimise.business_case.plan_business_case`): calls the whole fleet attends with
  the plan minus without it.

The optimiser itself (:mod:`jru_geo.optimise.placement`) works on matrices only; this module builds
them from incidents, a scenario, candidate sites (:func:`candidate_table`, with
:mod:`jru_geo.optimise.candidates`) and a travel model
(:func:`jru_geo.model.travel.matrix.travel_matrix`), and turns the picks back into named places
(WGS84 only for the lat/lon columns of the output). Bases resolved once
(:func:`jru_geo.io.bases.resolve_bases`) and matrices already computed can be passed in
(``bases=``, ``travel_min=``, ``existing_min=``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pydantic import ValidationError

from jru_geo._crs import bng_to_lonlat, to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import CandidatesFileError, PlanningError, ScenarioError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.boundaries import load_postcodes
from jru_geo.io.scenario import Base, Scenario, Vehicle, add_vehicle
from jru_geo.io.sites import area_towns, default_candidates
from jru_geo.model.patterns import ShiftPattern
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import check_minutes, travel_matrix
from jru_geo.optimise._objective import Objective
from jru_geo.optimise.candidates import candidate_grid, demand_points
from jru_geo.optimise.placement import Recommendation, recommend
from jru_geo.settings import DEFAULT_SETTINGS, Settings
from jru_geo.week import DAYS, WEEKS_PER_YEAR

__all__ = [
    "CandidateKind",
    "MIN_WEEKS_FOR_YEARLY",
    "PlanResult",
    "SAME_SITE_M",
    "candidate_table",
    "check_site",
    "place_unit",
    "plan_new_units",
]

CandidateKind = Literal["sites", "grid", "both"]

SAME_SITE_M = 200.0
"""Closest two units' bases may be (metres) before a new one counts as on top of another."""

MIN_WEEKS_FOR_YEARLY = 4.0
"""Shortest data span (weeks) whose incident count is shown scaled to a year (one police.uk month)."""


# --------------------------------------------------------------------------------------------------
# A unit placed by hand


def place_unit(
    scenario: Scenario,
    *,
    easting: float | None = None,
    northing: float | None = None,
    lat: float | None = None,
    lon: float | None = None,
    name: str | None = None,
    like: str | None = None,
    pattern: ShiftPattern | None = None,
    target_min: float | None = None,
    job_min: float | None = None,
) -> Scenario:
    """Add one vehicle based at ``(easting, northing)`` or ``(lat, lon)``, in a new scenario.

    Give easting and northing (EPSG:27700 metres, e.g. a candidate site) or lat and lon (WGS84
    degrees, e.g. a map click); :func:`jru_geo.io.bases.resolve_bases` converts the latter. The new
    vehicle copies the shifts, target and job time of vehicle ``like`` (default: the first vehicle;
    an every-evening 18:00-02:00 pattern when the fleet is empty). Its id is ``NEW1``, ``NEW2``...
    whichever is free.

    Parameters
    ----------
    scenario
        The fleet (not changed).
    easting, northing
        EPSG:27700 metres of the new base.
    lat, lon
        WGS84 degrees of the new base (instead of easting and northing).
    name
        The new vehicle's name (default ``"New unit <n>"``).
    like
        Id of the vehicle whose shifts, target and job time to copy.
    pattern
        The new vehicle's shift pattern (:mod:`jru_geo.model.patterns`) instead of the copied shifts.
    target_min, job_min
        Its response target and job time in minutes instead of the copied ones.

    Returns
    -------
    Scenario
        A copy of ``scenario`` with the new vehicle last.

    Raises
    ------
    ScenarioError
        Not exactly one location pair, or a location outside Great Britain's National Grid.
    PlanningError
        ``like`` names no vehicle of the scenario.
    """
    ids = {v.id for v in scenario.vehicles}
    template = next((v for v in scenario.vehicles if v.id == like), None) if like else None
    if like and template is None:
        raise PlanningError(f"no vehicle {like!r} in scenario {scenario.name!r}; use one of {sorted(ids)}")
    base = _base_at(easting=easting, northing=northing, lat=lat, lon=lon)
    n = 1
    while f"NEW{n}" in ids:
        n += 1
    template = template or (scenario.vehicles[0] if scenario.vehicles else None)
    if template is not None:
        vehicle = template.model_copy(update={"id": f"NEW{n}", "name": name or f"New unit {n}", "base": base})
    else:
        every_evening = {
            "days": list(DAYS),
            "start": "18:00",
            "end": "02:00",
        }
        vehicle = Vehicle.model_validate(
            {"id": f"NEW{n}", "name": name or f"New unit {n}", "base": base, "shifts": [every_evening]}
        )
    if pattern is not None:
        vehicle = vehicle.model_copy(update={"shifts": list(pattern.shifts)})
    extra = {k: v for k, v in (("target_min", target_min), ("job_min", job_min)) if v is not None}
    if extra:
        try:
            vehicle = Vehicle.model_validate({**vehicle.model_dump(), **extra})
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise ScenarioError(f"cannot give the new unit {extra}: {reason}") from None
    return add_vehicle(scenario, vehicle)


def check_site(
    easting: float,
    northing: float,
    *,
    outline: gpd.GeoDataFrame,
    others: NDArray[np.float64],
    min_gap_m: float = SAME_SITE_M,
) -> None:
    """Refuse a base off land or outside the force area, or on top of another unit.

    Parameters
    ----------
    easting, northing
        The proposed base, EPSG:27700 metres.
    outline
        The force area's outline (EPSG:27700), e.g. :func:`jru_geo.io.boundaries.load_outline`.
    others
        ``(n, 2)`` easting, northing of the units already there (existing and placed).
    min_gap_m
        Closest another unit may be, metres.

    Raises
    ------
    PlanningError
        The base is outside the outline (the sea, or another force's area) or within ``min_gap_m``
        of another unit; the message says where it is and what to do.

    Examples
    --------
    A point in the Thames estuary off Sheerness is refused; see tests/optimise/test_planning.py.
    """
    area = to_bng(outline, what="outline", error=PlanningError).geometry.union_all()
    point = shapely.Point(float(easting), float(northing))
    if not area.covers(point):
        km = area.distance(point) / 1000
        where = str(outline["name"].iloc[0]) if "name" in outline.columns and len(outline) else "the area"
        raise PlanningError(
            f"a base at easting {easting:,.0f}, northing {northing:,.0f} is outside {where} ({km:.1f} km "
            f"from its boundary: at sea or in another force's area); place it on land inside {where}"
        )
    pts = np.asarray(others, dtype=np.float64).reshape(-1, 2)
    if len(pts):
        gap = np.hypot(pts[:, 0] - easting, pts[:, 1] - northing)
        if float(gap.min()) < min_gap_m:
            raise PlanningError(
                f"a base at easting {easting:,.0f}, northing {northing:,.0f} is {gap.min():,.0f} m from "
                f"another unit (closer than {min_gap_m:,.0f} m): move it, or give the unit there more hours "
                "instead"
            )


def _base_at(*, easting: float | None, northing: float | None, lat: float | None, lon: float | None) -> Base:
    where: dict[str, float]
    if easting is not None and northing is not None and lat is None and lon is None:
        where = {"easting": round(float(easting), 1), "northing": round(float(northing), 1)}
    elif lat is not None and lon is not None and easting is None and northing is None:
        where = {"lat": round(float(lat), 6), "lon": round(float(lon), 6)}
    else:
        raise ScenarioError(
            f"place a unit with easting+northing or with lat+lon (one pair only); got easting={easting}, "
            f"northing={northing}, lat={lat}, lon={lon}"
        )
    try:
        return Base.model_validate({**where, "label": "placed on the planner"})
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ScenarioError(f"cannot place a unit at {where}: {reason}") from None


# --------------------------------------------------------------------------------------------------
# The next units: candidates, demand and travel matrices into jru_geo.optimise.placement


def candidate_table(
    kind: CandidateKind,
    *,
    outline: gpd.GeoDataFrame,
    sites: pd.DataFrame | None = None,
    cell_m: float = 1000.0,
    settings: Settings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """List candidate bases: listed sites, a free grid over the area, or both.

    Parameters
    ----------
    kind
        ``"sites"`` (police stations and acute hospitals, or the user's ``sites``), ``"grid"``
        (cell centres of a ``cell_m`` grid inside ``outline``) or ``"both"``.
    outline
        Kent outline for the grid (EPSG:27700).
    sites
        A candidates table (``name, easting, northing``, e.g. from
        :func:`jru_geo.io.sites.read_candidates`); defaults to :func:`jru_geo.io.sites.default_candidates`.
    cell_m
        Grid cell side, metres.
    settings
        The area whose shipped sites are the default.

    Returns
    -------
    DataFrame
        ``name, kind, easting, northing, lat, lon`` with a fresh 0..n-1 index.

    Raises
    ------
    CandidatesFileError
        An empty sites table.
    """
    parts: list[pd.DataFrame] = []
    if kind in ("sites", "both"):
        s = default_candidates(settings=settings) if sites is None else sites
        if len(s) == 0:
            raise CandidatesFileError("the candidate sites table is empty: add rows with name,lat,lon")
        parts.append(
            pd.DataFrame(
                {
                    "name": s["name"].astype(str).to_numpy(),
                    "kind": (
                        s["kind"] if "kind" in s.columns else pd.Series("user", index=s.index)
                    ).to_numpy(),
                    "easting": s["easting"].to_numpy(dtype=float),
                    "northing": s["northing"].to_numpy(dtype=float),
                }
            )
        )
    if kind in ("grid", "both"):
        g = candidate_grid(
            outline,
            cell_m=cell_m,
            towns=area_towns(settings=settings),
            postcodes=load_postcodes(settings=settings),
        )
        parts.append(
            pd.DataFrame(
                {
                    "name": g["name"].to_numpy(),
                    "kind": "grid",
                    "easting": g["easting"].to_numpy(dtype=float),
                    "northing": g["northing"].to_numpy(dtype=float),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    lon, lat = bng_to_lonlat(out["easting"], out["northing"])
    out["lat"] = np.round(lat, 6)
    out["lon"] = np.round(lon, 6)
    return out


@dataclass(frozen=True)
class PlanResult:
    """Recommended new bases with their gains, and the optimiser's full answer.

    Attributes
    ----------
    picks
        One row per new unit in pick order: ``rank, name, kind, lat, lon, easting, northing,
        gain`` (incidents in the data covered that were not before; expected incidents for MEXCLP),
        ``gain_fraction`` (share of all demand) and, when ``span_weeks`` is known,
        ``gain_per_year`` (``gain`` scaled to a year).
    recommendation
        The :class:`jru_geo.optimise.placement.Recommendation` (objective, baseline, curve, exactness).
    target_min
        Response target used, minutes.
    n_demand_points, total_demand
        Demand points (LSOA centroids) and the incidents they carry.
    busy_fraction
        MEXCLP's busy fraction used (also recorded for MCLP, where it plays no part).
    span_weeks
        Weeks of data the gains are counted over, or None when not given.
    """

    picks: pd.DataFrame
    recommendation: Recommendation
    target_min: float
    n_demand_points: int
    total_demand: float
    busy_fraction: float
    span_weeks: float | None

    @property
    def curve(self) -> pd.DataFrame:
        """``new_units`` (0..k), ``objective`` (demand units) and ``coverage_pct`` (share of demand, %)."""
        values = np.asarray(self.recommendation.curve, dtype=np.float64)
        total = self.recommendation.total_weight
        return pd.DataFrame(
            {
                "new_units": np.arange(len(values)),
                "objective": values,
                "coverage_pct": np.round(100 * values / total, 2) if total > 0 else np.zeros(len(values)),
            }
        )


def plan_new_units(
    incidents: pd.DataFrame,
    scenario: Scenario,
    model: TravelModel,
    candidates: pd.DataFrame,
    *,
    lsoas: gpd.GeoDataFrame,
    k: int,
    objective: Objective = "mclp",
    target_min: float | None = None,
    busy_fraction: float = 0.5,
    span_weeks: float | None = None,
    demand_scale: float = 1.0,
    postcodes: pd.DataFrame | None = None,
    bases: gpd.GeoDataFrame | None = None,
    travel_min: NDArray[np.float64] | None = None,
    existing_min: NDArray[np.float64] | None = None,
) -> PlanResult:
    """Find where ``k`` new units would cover the most joint-response demand.

    Demand is the incidents counted per LSOA and placed at the LSOA centroid (1,065 points for
    Kent); existing vehicles stay where the scenario puts them.

    Parameters
    ----------
    incidents
        Incidents joined to areas (:func:`jru_geo.areas.join.assign_areas`; needs ``lsoa_code``).
    scenario
        The current fleet.
    model
        Travel-time model.
    candidates
        From :func:`candidate_table` (``name, kind, lat, lon, easting, northing``).
    lsoas
        :func:`jru_geo.io.boundaries.load_lsoas`.
    k
        Number of new units (0 gives the baseline only).
    objective
        ``"mclp"`` (incidents within target) or ``"mexclp"`` (expected coverage with each unit
        busy ``busy_fraction`` of the time).
    target_min
        Response target; defaults to the scenario's strictest vehicle target, or 15 minutes.
    busy_fraction
        MEXCLP's ``q`` in ``[0, 1)``; the Planner page passes the baseline coverage's
        :attr:`~jru_geo.model.coverage.result.CoverageResult.system_busy_fraction` (capped at 0.99).
    span_weeks
        Weeks the incidents span (e.g. :attr:`CoverageResult.span_weeks`); when given, picks carry
        ``gain_per_year``.
    demand_scale
        Share of the incidents that are JRU calls (as in
        :func:`jru_geo.model.coverage.engine.compute_coverage`): it scales the demand, so the gains
        are in JRU calls; the picks do not change for MCLP.
    postcodes
        Postcode table for postcode bases (loaded when needed).
    bases
        The scenario's resolved bases (:func:`jru_geo.io.bases.resolve_bases`, one row per vehicle
        in the scenario's order), e.g. the ones its coverage was computed with; resolved here, with
        ``postcodes``, when omitted.
    travel_min
        A precomputed ``(n_demand_points, n_candidates)`` matrix of minutes from each candidate to
        each LSOA demand point (:func:`jru_geo.model.travel.matrix.travel_matrix` with
        ``points=`` the LSOA centroids in the order of ``lsoas``, ``bases=`` the candidates'
        ``easting, northing``); computed with ``model`` when omitted.
    existing_min
        The same for the scenario's vehicles: ``(n_demand_points, n_vehicles)`` minutes from each
        base to each demand point; computed with ``model`` when omitted.

    Returns
    -------
    PlanResult
        The picks in order with their gains, and the optimiser's answer.

    Raises
    ------
    PlanningError
        ``candidates`` lack columns, ``span_weeks`` is not positive, ``bases`` do not match the
        scenario's vehicles or an injected matrix has the wrong shape; the optimiser's
        :class:`jru_geo.errors.PlacementError` for a bad ``k`` or ``busy_fraction``.
    """
    require_columns(
        candidates,
        ("name", "kind", "lat", "lon", "easting", "northing"),
        what="candidates",
        plural=True,
        fix="build them with jru_geo.optimise.planning.candidate_table",
        error=PlanningError,
    )
    if span_weeks is not None and not (np.isfinite(span_weeks) and span_weeks > 0):
        raise PlanningError(f"span_weeks must be a positive number of weeks, got {span_weeks!r}")
    target = float(target_min if target_min is not None else _default_target(scenario))
    if not (np.isfinite(demand_scale) and demand_scale > 0):
        raise PlanningError(f"demand_scale must be a positive share of the incidents, got {demand_scale!r}")
    xy, counts = demand_points(lsoas, incidents=incidents)
    weights = counts * demand_scale
    sites_xy = candidates[["easting", "northing"]].to_numpy(dtype=float)
    n_vehicles = len(scenario.vehicles)
    travel = (
        travel_matrix(model, points=xy, bases=sites_xy)
        if travel_min is None
        else _check_matrix("travel_min", travel_min, (len(xy), len(sites_xy)), "candidates")
    )
    if existing_min is None:
        fleet = _check_bases(
            scenario, resolve_bases(scenario, postcodes=postcodes) if bases is None else bases
        )
        existing = travel_matrix(model, points=xy, bases=fleet)
    else:
        existing = _check_matrix("existing_min", existing_min, (len(xy), n_vehicles), "vehicles")
    rec = recommend(
        travel,
        weights,
        existing_min=existing,
        target_min=target,
        k=k,
        objective=objective,
        busy_fraction=busy_fraction,
    )
    chosen = candidates.iloc[list(rec.picks)].reset_index(drop=True)
    gains = np.asarray(rec.gains, dtype=np.float64)
    picks = chosen[["name", "kind", "lat", "lon", "easting", "northing"]].assign(
        gain=np.round(gains, 3), gain_fraction=np.round(rec.gains_fraction, 5)
    )
    picks.insert(0, "rank", np.arange(1, len(picks) + 1))
    if span_weeks is not None:
        picks["gain_per_year"] = np.round(gains * WEEKS_PER_YEAR / span_weeks, 1)
    return PlanResult(
        picks=picks,
        recommendation=rec,
        target_min=target,
        n_demand_points=len(xy),
        total_demand=float(weights.sum()),
        busy_fraction=float(busy_fraction),
        span_weeks=None if span_weeks is None else float(span_weeks),
    )


def _check_bases(scenario: Scenario, bases: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``bases`` when they hold one row per vehicle of ``scenario``, in its order."""
    ids = [v.id for v in scenario.vehicles]
    have = bases["vehicle_id"].astype(str).tolist() if "vehicle_id" in bases.columns else None
    if have != ids:
        raise PlanningError(
            f"bases must hold scenario {scenario.name!r}'s vehicles {ids} in order (vehicle_id), got "
            f"{have}; pass jru_geo.io.bases.resolve_bases(scenario) or leave bases=None"
        )
    return bases


def _check_matrix(
    name: str, matrix: NDArray[np.float64], shape: tuple[int, int], columns: str
) -> NDArray[np.float64]:
    """Return an injected matrix as C-ordered float64 minutes when it has ``shape``."""
    arr = check_minutes(
        matrix, name=name, rows="n_demand_points", columns=f"n_{columns}", shape=shape, error=PlanningError
    )
    return np.ascontiguousarray(arr)


def _default_target(scenario: Scenario) -> float:
    return min((v.target_min for v in scenario.vehicles), default=15.0)
