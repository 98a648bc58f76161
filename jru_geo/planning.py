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

from jru_geo.business import WEEKS_PER_YEAR, BusinessAssumptions, BusinessCase, business_case
from jru_geo.coverage import CoverageResult
from jru_geo.errors import CandidatesFileError, JruGeoError, ScenarioError
from jru_geo.placement import (
    Objective,
    Recommendation,
    candidate_grid,
    demand_points,
    recommend,
    travel_matrix,
)
from jru_geo.scenario import Base, Scenario, Vehicle, add_vehicle, default_candidates, resolve_bases
from jru_geo.settings import BNG, WGS84
from jru_geo.travel import TravelModel

__all__ = [
    "CandidateKind",
    "MIN_WEEKS_FOR_YEARLY",
    "PlanKpis",
    "PlanResult",
    "candidate_table",
    "kpi_table",
    "new_unit_business_case",
    "place_unit",
    "plan_new_units",
]

CandidateKind = Literal["sites", "grid", "both"]

MIN_WEEKS_FOR_YEARLY = 4.0
"""Shortest data span (weeks) whose incident count is shown scaled to a year (one police.uk month)."""


# --------------------------------------------------------------------------------------------------
# KPIs from the coverage engine


@dataclass(frozen=True)
class PlanKpis:
    """A fleet's headline figures, all from one :class:`jru_geo.coverage.CoverageResult`.

    Shares are 0-1. Build with :meth:`from_coverage`.

    Attributes
    ----------
    units
        Vehicles in the scenario.
    unit_hours_per_week
        Hours on shift a week, summed over the vehicles.
    incidents
        Incidents in the data (after the filters).
    span_weeks
        Weeks of data the rates are based on (:attr:`CoverageResult.span_weeks`).
    coverage_geographic, coverage_in_hours, coverage_expected
        The Coverage page's three figures: within target of some vehicle; and it on shift; and it
        free (hypercube).
    fleet_busy_fraction
        Share of the units' on-shift hours spent on jobs, from the hypercube
        (:attr:`CoverageResult.fleet_busy_fraction`).
    population_share
        Share of residents whose LSOA centroid is within target of some vehicle.
    mean_response_min
        Mean minutes from each incident to its nearest vehicle, whatever its shift (``nan`` with no
        fleet).
    jobs_per_shift
        Calls the fleet takes a week (hypercube dispatch) over the shifts it works a week: the
        fleet mean of jobs per shift (``nan`` with no shifts).
    target_min
        Strictest response target in use (``nan`` with no fleet).
    """

    units: int
    unit_hours_per_week: float
    incidents: int
    span_weeks: float
    coverage_geographic: float
    coverage_in_hours: float
    coverage_expected: float
    fleet_busy_fraction: float
    population_share: float
    mean_response_min: float
    jobs_per_shift: float
    target_min: float

    @property
    def incidents_per_year(self) -> float | None:
        """Incidents scaled to a year, or None when the data span under :data:`MIN_WEEKS_FOR_YEARLY`."""
        if self.span_weeks < MIN_WEEKS_FOR_YEARLY:
            return None
        return self.incidents * WEEKS_PER_YEAR / self.span_weeks

    @classmethod
    def from_coverage(cls, result: CoverageResult) -> PlanKpis:
        """The KPIs of a coverage result (no computation beyond means and sums).

        Examples
        --------
        See tests/test_planning.py for a hand-checked fleet on a line of three LSOAs.
        """
        vehicles = result.vehicles
        travel = result.incidents["travel_min"].to_numpy(dtype=np.float64) if len(result.incidents) else None
        finite = travel[np.isfinite(travel)] if travel is not None else np.zeros(0)
        weekly = vehicles["weekly_hours"].to_numpy(dtype=np.float64)
        calls_per_week = float((vehicles["calls_per_hour"].to_numpy(dtype=np.float64) * weekly).sum())
        shifts = float(vehicles["shifts_per_week"].to_numpy(dtype=np.float64).sum())
        return cls(
            units=len(vehicles),
            unit_hours_per_week=float(weekly.sum()),
            incidents=len(result.incidents),
            span_weeks=float(result.span_weeks),
            coverage_geographic=result.coverage_geographic,
            coverage_in_hours=result.coverage_in_hours,
            coverage_expected=result.coverage_expected,
            fleet_busy_fraction=result.fleet_busy_fraction,
            population_share=result.population_share,
            mean_response_min=float(finite.mean()) if finite.size else float("nan"),
            jobs_per_shift=calls_per_week / shifts if shifts > 0 else float("nan"),
            target_min=float(vehicles["target_min"].max()) if len(vehicles) else float("nan"),
        )


_COUNT, _ONE_DP = ("{:,.0f}", "{:+,.0f}"), ("{:.1f}", "{:+.1f}")
_KPI_ROWS: tuple[tuple[str, str, float, tuple[str, str]], ...] = (
    # label, PlanKpis attribute, scale, (value format, change format)
    ("Units", "units", 1.0, _COUNT),
    ("Unit hours on shift a week", "unit_hours_per_week", 1.0, _COUNT),
    ("Incidents a year", "incidents_per_year", 1.0, _COUNT),
    ("Geographic: incidents within target (%)", "coverage_geographic", 100.0, _ONE_DP),
    ("In hours: and a unit on shift (%)", "coverage_in_hours", 100.0, _ONE_DP),
    ("Expected: and a unit free (%)", "coverage_expected", 100.0, _ONE_DP),
    ("Fleet busy fraction (%)", "fleet_busy_fraction", 100.0, _ONE_DP),
    ("Population within target (%)", "population_share", 100.0, _ONE_DP),
    ("Mean response, nearest unit (min)", "mean_response_min", 1.0, _ONE_DP),
    ("Jobs per shift (fleet mean)", "jobs_per_shift", 1.0, _ONE_DP),
)


def kpi_table(
    before: PlanKpis, after: PlanKpis, *, labels: tuple[str, str] = ("Baseline", "With change")
) -> pd.DataFrame:
    """The KPIs side by side with the change, display-ready: indexed by KPI name (with its unit).

    Percentages are 0-100 with one decimal, as the Coverage page shows them. Incidents are a year
    when both data spans allow it (:data:`MIN_WEEKS_FOR_YEARLY`), else the count in the data.
    """
    yearly = before.incidents_per_year is not None and after.incidents_per_year is not None
    names: list[str] = []
    cells: tuple[list[str], list[str], list[str]] = ([], [], [])
    for label, attr, scale, (value_fmt, change_fmt) in _KPI_ROWS:
        if attr == "incidents_per_year" and not yearly:
            label, attr = "Incidents in the data", "incidents"
        old = scale * float(getattr(before, attr))
        new = scale * float(getattr(after, attr))
        names.append(label)
        for column, (pattern, value) in zip(
            cells, ((value_fmt, old), (value_fmt, new), (change_fmt, new - old)), strict=True
        ):
            column.append(_format(pattern, value))
    second = labels[1] if labels[1] != labels[0] else f"{labels[1]} (2)"
    return pd.DataFrame(
        {labels[0]: cells[0], second: cells[1], "Change": cells[2]},
        index=pd.Index(names, name="KPI"),
    )


def _format(pattern: str, value: float) -> str:
    """``value`` in ``pattern``; ``"n/a"`` when not finite, and no ``-0.0`` for a change that rounds to 0."""
    if not np.isfinite(value):
        return "n/a"
    text = pattern.format(value)
    return pattern.format(0.0) if set(text) <= set("+-0.,") else text


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
