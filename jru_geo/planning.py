"""Next-unit planning from geodata: candidates, demand and travel matrices into :mod:`jru_geo.placement`.

The optimiser in :mod:`jru_geo.placement` works on matrices only; this module builds them from
incidents, a scenario, candidate sites and a travel model, and turns the picks back into named
places (WGS84 only for the lat/lon columns of the output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import CandidatesFileError
from jru_geo.placement import (
    Objective,
    Recommendation,
    candidate_grid,
    demand_points,
    recommend,
    travel_matrix,
)
from jru_geo.scenario import Scenario, default_candidates, resolve_bases
from jru_geo.settings import BNG, WGS84
from jru_geo.travel import TravelModel

__all__ = ["CandidateKind", "PlanResult", "candidate_table", "plan_new_units"]

CandidateKind = Literal["sites", "grid", "both"]


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
        One row per new unit in pick order: ``name, kind, lat, lon, easting, northing, gain``
        (incidents covered that were not before), ``gain_fraction`` (share of all demand).
    recommendation
        The :class:`jru_geo.placement.Recommendation` (objective, baseline, curve, exactness).
    target_min
        Response target used, minutes.
    n_demand_points, total_demand
        Demand points (LSOA centroids) and the incidents they carry.
    """

    picks: pd.DataFrame
    recommendation: Recommendation
    target_min: float
    n_demand_points: int
    total_demand: float


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
    postcodes: pd.DataFrame | None = None,
) -> PlanResult:
    """Where ``k`` new units would cover the most joint-response demand.

    Demand is the in-Kent incidents counted per LSOA and placed at the LSOA centroid (1,065 points
    for Kent); existing vehicles stay where the scenario puts them.

    Parameters
    ----------
    incidents
        Incidents joined to areas (:func:`jru_geo.join.assign_areas`; needs ``lsoa_code``).
    scenario
        The current fleet.
    model
        Travel-time model.
    candidates
        From :func:`candidate_table`.
    lsoas
        :func:`jru_geo.boundaries.load_lsoas`.
    k
        Number of new units (0 gives the baseline only).
    objective
        ``"mclp"`` (incidents within target) or ``"mexclp"`` (expected coverage with each unit
        busy ``busy_fraction`` of the time).
    target_min
        Response target; defaults to the scenario's strictest vehicle target, or 15 minutes.
    """
    target = float(target_min if target_min is not None else _default_target(scenario))
    xy, weights = demand_points(lsoas, incidents=incidents)
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
    picks = chosen[["name", "kind", "lat", "lon", "easting", "northing"]].assign(
        gain=np.round(rec.gains, 3), gain_fraction=np.round(rec.gains_fraction, 5)
    )
    return PlanResult(
        picks=picks,
        recommendation=rec,
        target_min=target,
        n_demand_points=len(xy),
        total_demand=float(weights.sum()),
    )


def _default_target(scenario: Scenario) -> float:
    return min((v.target_min for v in scenario.vehicles), default=15.0)
