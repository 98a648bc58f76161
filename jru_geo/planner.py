"""The Planner's numbers: fleet KPIs on LSOA demand, a unit placed by hand, recommended next units.

Demand is incidents per LSOA placed at the LSOA centroid (:func:`jru_geo.placement.demand_points`);
travel minutes come from any :class:`jru_geo.travel.TravelModel`. The KPIs are:

* **covered share**: share of incidents within the response target of some base (MCLP);
* **expected share**: the same allowing for busy units, Daskin's MEXCLP ``1 - q**k`` with the
  system-wide busy fraction ``q = calls per hour x hours per job / units``
  (:func:`jru_geo.queueing.mexclp_busy_fraction`);
* **mean response**: demand-weighted mean minutes to the nearest base.

These are planning figures on LSOA centroids; the Coverage page's incident-level figures
(shifts, hypercube) refine them.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jru_geo.business import BusinessAssumptions, BusinessCase, business_case
from jru_geo.errors import JruGeoError
from jru_geo.filters import data_extent
from jru_geo.placement import (
    Objective,
    Recommendation,
    demand_points,
    objective_value,
    recommend,
    travel_matrix,
)
from jru_geo.queueing import mexclp_busy_fraction
from jru_geo.scenario import Base, Scenario, Vehicle, add_vehicle
from jru_geo.settings import BNG, WGS84
from jru_geo.travel import TravelModel

__all__ = [
    "PlanningProblem",
    "PlanKpis",
    "planning_problem",
    "plan_kpis",
    "kpi_table",
    "place_unit",
    "recommend_units",
    "new_unit_business_case",
    "lonlat_to_bng",
    "uncovered_lsoas",
]

HOURS_PER_YEAR = 8766.0


@dataclass(frozen=True, eq=False)
class PlanningProblem:
    """Demand for the planner.

    Attributes
    ----------
    demand_xy
        ``(n, 2)`` LSOA centroids, metres (EPSG:27700).
    weights
        ``(n,)`` incidents per LSOA over the data period.
    years
        Length of the data period in years (to turn counts into a year).
    """

    demand_xy: NDArray[np.float64]
    weights: NDArray[np.float64]
    years: float

    @property
    def per_year(self) -> float:
        """Incidents a year."""
        return float(self.weights.sum()) / self.years


@dataclass(frozen=True)
class PlanKpis:
    """Fleet KPIs on the planning demand (shares are 0-1)."""

    units: int
    unit_hours_per_week: float
    incidents_per_year: float
    covered_share: float
    expected_share: float
    busy_fraction: float
    mean_response_min: float
    target_min: float


def planning_problem(lsoas: pd.DataFrame, incidents: pd.DataFrame) -> PlanningProblem:
    """LSOA demand from joined incidents (``lsoa_code``, ``time``, ``time_precision``)."""
    xy, weights = demand_points(lsoas, incidents=incidents)
    ext = data_extent(incidents) if len(incidents) else None
    days = 365.25
    if ext is not None and ext.first_date is not None and ext.last_date is not None:
        days = max((ext.last_date - ext.first_date).days + 1, 1)
    return PlanningProblem(demand_xy=xy, weights=weights, years=days / 365.25)


def _bases_xy(bases: gpd.GeoDataFrame) -> NDArray[np.float64]:
    pts = (
        bases.to_crs(BNG).geometry
        if bases.crs is not None and bases.crs.to_epsg() != 27700
        else bases.geometry
    )
    return np.column_stack([pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)]).reshape(-1, 2)


def _target(bases: gpd.GeoDataFrame, default: float = 15.0) -> float:
    if len(bases) and "target_min" in bases.columns:
        return float(bases["target_min"].max())
    return default


def _busy_fraction(problem: PlanningProblem, bases: gpd.GeoDataFrame, mean_travel_min: float) -> float:
    if len(bases) == 0:
        return 0.0
    job_min = float(bases["job_min"].mean()) if "job_min" in bases.columns else 45.0
    calls_per_hour = problem.per_year / HOURS_PER_YEAR
    q = mexclp_busy_fraction(calls_per_hour, (job_min + mean_travel_min) / 60.0, len(bases))
    return float(min(q, 0.99))


def plan_kpis(problem: PlanningProblem, bases: gpd.GeoDataFrame, model: TravelModel) -> PlanKpis:
    """KPIs of a fleet (its resolved bases) on the planning demand.

    Examples
    --------
    An empty fleet covers nothing; see tests/test_planner.py for worked cases.
    """
    target = _target(bases)
    total = float(problem.weights.sum())
    hours = float(bases["weekly_hours"].sum()) if "weekly_hours" in bases.columns else 0.0
    if len(bases) == 0 or total == 0:
        return PlanKpis(len(bases), hours, problem.per_year, 0.0, 0.0, 0.0, float("nan"), target)
    minutes = travel_matrix(model, problem.demand_xy, _bases_xy(bases))
    nearest = minutes.min(axis=1)
    finite = np.isfinite(nearest)
    mean_min = (
        float(np.average(nearest[finite], weights=problem.weights[finite])) if finite.any() else float("nan")
    )
    q = _busy_fraction(problem, bases, mean_min if np.isfinite(mean_min) else 0.0)
    covered = objective_value(minutes, problem.weights, target_min=target, objective="mclp")
    expected = objective_value(
        minutes, problem.weights, target_min=target, objective="mexclp", busy_fraction=q
    )
    return PlanKpis(
        units=len(bases),
        unit_hours_per_week=hours,
        incidents_per_year=problem.per_year,
        covered_share=covered / total,
        expected_share=expected / total,
        busy_fraction=q,
        mean_response_min=mean_min,
        target_min=target,
    )


def kpi_table(
    before: PlanKpis, after: PlanKpis, *, labels: tuple[str, str] = ("Baseline", "With change")
) -> pd.DataFrame:
    """The KPIs side by side with the change, display-ready: indexed by KPI name (with its unit)."""
    rows = [
        ("Units", before.units, after.units, "{:.0f}"),
        ("Unit hours on shift per week", before.unit_hours_per_week, after.unit_hours_per_week, "{:,.0f}"),
        ("Incidents within target (%)", 100 * before.covered_share, 100 * after.covered_share, "{:.1f}"),
        (
            "Expected coverage, busy units allowed (%)",
            100 * before.expected_share,
            100 * after.expected_share,
            "{:.1f}",
        ),
        ("Busy fraction per unit (%)", 100 * before.busy_fraction, 100 * after.busy_fraction, "{:.1f}"),
        ("Mean response to nearest base (min)", before.mean_response_min, after.mean_response_min, "{:.1f}"),
    ]

    def fmt(pattern: str, v: float) -> str:
        return "n/a" if not np.isfinite(v) else pattern.format(v)

    table = pd.DataFrame(
        {
            labels[0]: [fmt(r[3], r[1]) for r in rows],
            labels[1]: [fmt(r[3], r[2]) for r in rows],
            "Change": [fmt("{:+.1f}", r[2] - r[1]) if np.isfinite(r[2] - r[1]) else "n/a" for r in rows],
        },
        index=pd.Index([r[0] for r in rows], name="KPI"),
    )
    return table


def place_unit(
    scenario: Scenario,
    *,
    easting: float,
    northing: float,
    name: str | None = None,
    like: str | None = None,
) -> Scenario:
    """A new scenario with one more vehicle based at ``(easting, northing)`` (EPSG:27700 metres).

    The new vehicle copies the shifts, target and job time of vehicle ``like`` (default: the first
    vehicle; an evening-and-weekend JRU pattern when the fleet is empty). Its id is ``NEW1``,
    ``NEW2``... whichever is free.
    """
    ids = {v.id for v in scenario.vehicles}
    n = 1
    while f"NEW{n}" in ids:
        n += 1
    template = next((v for v in scenario.vehicles if v.id == like), None) if like else None
    if like and template is None:
        raise JruGeoError(f"no vehicle {like!r} in scenario {scenario.name!r}; use one of {sorted(ids)}")
    template = template or (scenario.vehicles[0] if scenario.vehicles else None)
    base = Base(
        easting=round(float(easting), 1), northing=round(float(northing), 1), label="placed on the planner"
    )
    if template is not None:
        vehicle = template.model_copy(update={"id": f"NEW{n}", "name": name or f"New unit {n}", "base": base})
    else:
        vehicle = Vehicle.model_validate(
            {
                "id": f"NEW{n}",
                "name": name or f"New unit {n}",
                "base": base.model_dump(exclude_none=True),
                "shifts": [
                    {
                        "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                        "start": "18:00",
                        "end": "02:00",
                    }
                ],
            }
        )
    return add_vehicle(scenario, vehicle)


def recommend_units(
    problem: PlanningProblem,
    bases: gpd.GeoDataFrame,
    candidates: pd.DataFrame,
    model: TravelModel,
    *,
    k: int,
    objective: Objective = "mexclp",
) -> tuple[pd.DataFrame, pd.DataFrame, Recommendation]:
    """Best ``k`` new bases among ``candidates`` (``name, easting, northing``), existing fleet fixed.

    Returns
    -------
    picks
        ``rank, name, kind, easting, northing, lat, lon, gain_per_year, gain_pct`` in pick order.
    curve
        ``new_units`` (0..k) and ``coverage_pct``: the best coverage with that many new units.
    recommendation
        The optimiser's full result.
    """
    missing = [c for c in ("name", "easting", "northing") if c not in candidates.columns]
    if missing:
        raise JruGeoError(f"candidates lack columns {missing}; they have {list(candidates.columns)}")
    if k < 1 or k > len(candidates):
        raise JruGeoError(f"k must be between 1 and the {len(candidates)} candidates, got {k}")
    cand_xy = candidates[["easting", "northing"]].to_numpy(dtype=float)
    target = _target(bases)
    existing = (
        travel_matrix(model, problem.demand_xy, _bases_xy(bases))
        if len(bases)
        else np.empty((len(problem.weights), 0))
    )
    base_kpis = plan_kpis(problem, bases, model)
    q = base_kpis.busy_fraction if len(bases) else 0.5
    rec = recommend(
        travel_matrix(model, problem.demand_xy, cand_xy),
        problem.weights,
        existing_min=existing,
        target_min=target,
        k=k,
        objective=objective,
        busy_fraction=q,
        method="exact",
    )
    chosen = candidates.iloc[list(rec.picks)]
    lonlat = gpd.GeoSeries(gpd.points_from_xy(chosen["easting"], chosen["northing"]), crs=BNG).to_crs(WGS84)
    picks = pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1),
            "name": chosen["name"].astype(str).to_numpy(),
            "kind": chosen["kind"].astype(str).to_numpy() if "kind" in chosen.columns else "",
            "easting": chosen["easting"].to_numpy(float),
            "northing": chosen["northing"].to_numpy(float),
            "lat": np.round(lonlat.y.to_numpy(), 6),
            "lon": np.round(lonlat.x.to_numpy(), 6),
            "gain_per_year": np.round(np.asarray(rec.gains) / problem.years, 1),
            "gain_pct": np.round(100 * np.asarray(rec.gains_fraction), 2),
        }
    )
    total = rec.total_weight or 1.0
    curve = pd.DataFrame(
        {
            "new_units": np.arange(len(rec.curve)),
            "coverage_pct": np.round(100 * np.asarray(rec.curve) / total, 2),
        }
    )
    return picks, curve, rec


def new_unit_business_case(
    problem: PlanningProblem,
    bases_before: gpd.GeoDataFrame,
    bases_after: gpd.GeoDataFrame,
    model: TravelModel,
    *,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen
) -> BusinessCase:
    """Business case of the units in ``bases_after`` that are not in ``bases_before``.

    Incidents the new units would attend a year: demand whose nearest base is a new one and within
    target, times the share of the week the new units are on shift.
    """
    new = bases_after[~bases_after["vehicle_id"].isin(bases_before["vehicle_id"])]
    if len(new) == 0:
        raise JruGeoError("no new unit: place one on the map or pick a candidate site first")
    minutes = travel_matrix(model, problem.demand_xy, _bases_xy(bases_after))
    is_new = bases_after["vehicle_id"].isin(new["vehicle_id"]).to_numpy()
    nearest = minutes.argmin(axis=1)
    reached = minutes.min(axis=1) <= _target(bases_after)
    weekly = float(new["weekly_hours"].sum())
    share = min(weekly / (168.0 * len(new)), 1.0)
    attended = float(problem.weights[is_new[nearest] & reached].sum()) / problem.years * share
    return business_case(incidents_attended_per_year=attended, weekly_hours=weekly, assumptions=assumptions)


def lonlat_to_bng(lon: float, lat: float) -> tuple[float, float]:
    """One WGS84 point (a map click) as EPSG:27700 ``(easting, northing)`` metres."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise JruGeoError(f"lat={lat}, lon={lon} is not a position on Earth; give WGS84 degrees")
    pt = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=WGS84).to_crs(BNG).iloc[0]
    return float(pt.x), float(pt.y)


def uncovered_lsoas(
    problem: PlanningProblem, lsoas: gpd.GeoDataFrame, bases: gpd.GeoDataFrame, model: TravelModel
) -> gpd.GeoDataFrame:
    """LSOAs with incidents beyond the response target of every base, largest gap first.

    Returns
    -------
    GeoDataFrame
        ``lsoa_code, lsoa_name, district_name, uncovered_per_year, nearest_min, geometry`` for LSOAs
        with uncovered incidents, ranked (``rank`` 1 = most uncovered incidents a year).
    """
    if len(lsoas) != len(problem.weights):
        raise JruGeoError(
            f"lsoas has {len(lsoas)} rows but the problem has {len(problem.weights)} demand points"
        )
    if len(bases):
        nearest = travel_matrix(model, problem.demand_xy, _bases_xy(bases)).min(axis=1)
    else:
        nearest = np.full(len(problem.weights), np.inf)
    gap = np.where(nearest > _target(bases), problem.weights, 0.0) / problem.years
    out = lsoas[["lsoa_code", "lsoa_name", "district_name", "geometry"]].copy()
    out["uncovered_per_year"] = np.round(gap, 1)
    out["nearest_min"] = np.round(nearest, 1)
    out = out[out["uncovered_per_year"] > 0].sort_values("uncovered_per_year", ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=lsoas.crs)
