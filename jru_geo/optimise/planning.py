"""The planner's numbers: a fleet's KPIs, a unit placed by hand, the next units, their business case.

One engine for every figure a planner shows:

* **KPIs** (:class:`PlanKpis`) are read off a :class:`jru_geo.coverage.CoverageResult`, the same
  incident-level engine the Coverage page shows (shifts, Larson's hypercube for busy units). The
  baseline and a plan are each one :func:`jru_geo.coverage.compute_coverage` call; :func:`kpi_table`
  puts them side by side.
* **The next units** (:func:`plan_new_units`) are chosen by :func:`jru_geo.placement.recommend` on
  LSOA demand points (incidents per LSOA at the LSOA centroid), maximising incidents within target
  (MCLP) or Daskin's expected coverage (MEXCLP) with one busy fraction, which the Planner page takes
  from the baseline's :attr:`~jru_geo.coverage.CoverageResult.system_busy_fraction`. The optimiser
  needs a matrix, so it works on the 1,065 LSOA points; place a pick with :func:`place_unit` to see
  its effect in the hypercube KPIs.
* **The business case** (:func:`new_unit_business_case`) of new units counts the calls the hypercube
  dispatches to them in the plan's coverage.

The optimiser itself (:mod:`jru_geo.placement`) works on matrices only; this module builds them from
incidents, a scenario, candidate sites and a travel model, and turns the picks back into named places
(WGS84 only for the lat/lon columns of the output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import ValidationError

from jru_geo.errors import CandidatesFileError, JruGeoError, ScenarioError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Base, Scenario, Vehicle, add_vehicle
from jru_geo.io.sites import default_candidates
from jru_geo.model.coverage.business import WEEKS_PER_YEAR, BusinessAssumptions, BusinessCase, business_case
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.travel.base import TravelModel
from jru_geo.optimise._objective import Objective
from jru_geo.optimise.candidates import candidate_grid, demand_points, travel_matrix
from jru_geo.optimise.placement import Recommendation, recommend
from jru_geo.settings import BNG, WGS84

__all__ = [
    "CandidateKind",
    "MIN_WEEKS_FOR_YEARLY",
    "PlanResult",
    "candidate_table",
    "new_unit_business_case",
    "place_unit",
    "plan_new_units",
]

CandidateKind = Literal["sites", "grid", "both"]

MIN_WEEKS_FOR_YEARLY = 4.0
"""Shortest data span (weeks) whose incident count is shown scaled to a year (one police.uk month)."""


# --------------------------------------------------------------------------------------------------
# A unit placed by hand, and its business case


def place_unit(
    scenario: Scenario,
    *,
    easting: float | None = None,
    northing: float | None = None,
    lat: float | None = None,
    lon: float | None = None,
    name: str | None = None,
    like: str | None = None,
) -> Scenario:
    """A new scenario with one more vehicle based at ``(easting, northing)`` or ``(lat, lon)``.

    Give easting and northing (EPSG:27700 metres, e.g. a candidate site) or lat and lon (WGS84
    degrees, e.g. a map click); :func:`jru_geo.scenario.resolve_bases` converts the latter. The new
    vehicle copies the shifts, target and job time of vehicle ``like`` (default: the first vehicle;
    an every-evening 18:00-02:00 pattern when the fleet is empty). Its id is ``NEW1``, ``NEW2``...
    whichever is free.

    Raises
    ------
    ScenarioError
        Not exactly one location pair, or a location outside Great Britain's National Grid.
    JruGeoError
        ``like`` names no vehicle of the scenario.
    """
    ids = {v.id for v in scenario.vehicles}
    template = next((v for v in scenario.vehicles if v.id == like), None) if like else None
    if like and template is None:
        raise JruGeoError(f"no vehicle {like!r} in scenario {scenario.name!r}; use one of {sorted(ids)}")
    base = _base_at(easting=easting, northing=northing, lat=lat, lon=lon)
    n = 1
    while f"NEW{n}" in ids:
        n += 1
    template = template or (scenario.vehicles[0] if scenario.vehicles else None)
    if template is not None:
        vehicle = template.model_copy(update={"id": f"NEW{n}", "name": name or f"New unit {n}", "base": base})
    else:
        every_evening = {
            "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            "start": "18:00",
            "end": "02:00",
        }
        vehicle = Vehicle.model_validate(
            {"id": f"NEW{n}", "name": name or f"New unit {n}", "base": base, "shifts": [every_evening]}
        )
    return add_vehicle(scenario, vehicle)


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


def new_unit_business_case(
    baseline: CoverageResult,
    plan: CoverageResult,
    *,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen
) -> BusinessCase:
    """Business case of the vehicles in ``plan`` that are not in ``baseline``.

    Incidents the new units would attend a year are the calls the hypercube dispatches to them in
    the plan: each new vehicle's ``calls_per_hour`` times its ``weekly_hours`` times 52.18 weeks
    (:data:`jru_geo.business.WEEKS_PER_YEAR`), so calls the existing units would have taken count
    where the new unit is the one sent.

    Raises
    ------
    JruGeoError
        ``plan`` has no vehicle that ``baseline`` lacks.
    """
    old = set(baseline.vehicles["vehicle_id"].astype(str))
    new = plan.vehicles[~plan.vehicles["vehicle_id"].astype(str).isin(old)]
    if len(new) == 0:
        raise JruGeoError("no new unit: place one on the map or pick a candidate site first")
    weekly = new["weekly_hours"].to_numpy(dtype=np.float64)
    calls_per_week = float((new["calls_per_hour"].to_numpy(dtype=np.float64) * weekly).sum())
    return business_case(
        incidents_attended_per_year=calls_per_week * WEEKS_PER_YEAR,
        weekly_hours=float(weekly.sum()),
        assumptions=assumptions,
    )


# --------------------------------------------------------------------------------------------------
# The next units: candidates, demand and travel matrices into jru_geo.placement


def candidate_table(
    kind: CandidateKind,
    *,
    outline: gpd.GeoDataFrame,
    sites: pd.DataFrame | None = None,
    cell_m: float = 1000.0,
) -> pd.DataFrame:
    """Candidate bases: listed sites, a free grid over Kent, or both.

    Parameters
    ----------
    kind
        ``"sites"`` (police stations and acute hospitals, or the user's ``sites``), ``"grid"``
        (cell centres of a ``cell_m`` grid inside ``outline``) or ``"both"``.
    outline
        Kent outline for the grid (EPSG:27700).
    sites
        A candidates table (``name, easting, northing``, e.g. from
        :func:`jru_geo.scenario.read_candidates`); defaults to :func:`jru_geo.scenario.default_candidates`.
    cell_m
        Grid cell side, metres.

    Returns
    -------
    DataFrame
        ``name, kind, easting, northing, lat, lon`` with a fresh 0..n-1 index.
    """
    parts: list[pd.DataFrame] = []
    if kind in ("sites", "both"):
        s = default_candidates() if sites is None else sites
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
        g = candidate_grid(outline, cell_m=cell_m)
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
    wgs = gpd.GeoSeries(gpd.points_from_xy(out["easting"], out["northing"]), crs=BNG).to_crs(WGS84)
    out["lat"] = np.round(wgs.y.to_numpy(), 6)
    out["lon"] = np.round(wgs.x.to_numpy(), 6)
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
        The :class:`jru_geo.placement.Recommendation` (objective, baseline, curve, exactness).
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
) -> PlanResult:
    """Where ``k`` new units would cover the most joint-response demand.

    Demand is the incidents counted per LSOA and placed at the LSOA centroid (1,065 points for
    Kent); existing vehicles stay where the scenario puts them.

    Parameters
    ----------
    incidents
        Incidents joined to areas (:func:`jru_geo.join.assign_areas`; needs ``lsoa_code``).
    scenario
        The current fleet.
    model
        Travel-time model.
    candidates
        From :func:`candidate_table` (``name, kind, lat, lon, easting, northing``).
    lsoas
        :func:`jru_geo.boundaries.load_lsoas`.
    k
        Number of new units (0 gives the baseline only).
    objective
        ``"mclp"`` (incidents within target) or ``"mexclp"`` (expected coverage with each unit
        busy ``busy_fraction`` of the time).
    target_min
        Response target; defaults to the scenario's strictest vehicle target, or 15 minutes.
    busy_fraction
        MEXCLP's ``q`` in ``[0, 1)``; the Planner page passes the baseline coverage's
        :attr:`~jru_geo.coverage.CoverageResult.system_busy_fraction` (capped at 0.99).
    span_weeks
        Weeks the incidents span (e.g. :attr:`CoverageResult.span_weeks`); when given, picks carry
        ``gain_per_year``.
    demand_scale
        Share of the incidents that are JRU calls (as in :func:`jru_geo.coverage.compute_coverage`):
        it scales the demand, so the gains are in JRU calls; the picks do not change for MCLP.
    postcodes
        Postcode table for postcode bases (loaded when needed).

    Raises
    ------
    JruGeoError
        ``candidates`` lack columns, or ``span_weeks`` is not positive; the optimiser's
        :class:`jru_geo.placement.PlacementError` for a bad ``k`` or ``busy_fraction``.
    """
    missing = [
        c for c in ("name", "kind", "lat", "lon", "easting", "northing") if c not in candidates.columns
    ]
    if missing:
        raise JruGeoError(
            f"candidates lack columns {missing} (have {list(candidates.columns)}); build them with "
            "jru_geo.planning.candidate_table"
        )
    if span_weeks is not None and not (np.isfinite(span_weeks) and span_weeks > 0):
        raise JruGeoError(f"span_weeks must be a positive number of weeks, got {span_weeks!r}")
    target = float(target_min if target_min is not None else _default_target(scenario))
    if not (np.isfinite(demand_scale) and demand_scale > 0):
        raise JruGeoError(f"demand_scale must be a positive share of the incidents, got {demand_scale!r}")
    xy, counts = demand_points(lsoas, incidents=incidents)
    weights = counts * demand_scale
    sites_xy = candidates[["easting", "northing"]].to_numpy(dtype=float)
    bases = resolve_bases(scenario, postcodes=postcodes)
    existing_xy = np.column_stack([bases.geometry.x, bases.geometry.y]) if len(bases) else np.empty((0, 2))
    travel = travel_matrix(model, xy, sites_xy)
    existing = travel_matrix(model, xy, existing_xy) if len(existing_xy) else np.empty((len(xy), 0))
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


def _default_target(scenario: Scenario) -> float:
    return min((v.target_min for v in scenario.vehicles), default=15.0)
