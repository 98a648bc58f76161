"""Where and when the next units go: sites and shift patterns screened fast, checked by the engine.

A new unit is a base *and* a shift pattern (:mod:`jru_geo.model.patterns`). :func:`recommend_units`
chooses both, one unit at a time, in three steps per unit:

1. **Screen** (fast, on aggregated demand). For each pattern, every candidate site gets a
   maximal-covering (MCLP) score on the demand the fleet does not yet cover: the counted
   incidents per LSOA (at the LSOA centroid), each weighted by the share of its time inside the
   pattern's hours and by the chance the current fleet misses it (``1 - p_covered_expected`` from
   the coverage engine, or ``1 - covered_in_hours`` for the in-hours objective), summed over the
   LSOAs the site reaches within target. It is what the unit would add if it were never busy.
2. **Check** (exact, the engine). The ``screen`` best sites of each pattern are each added to the
   fleet and run through :func:`jru_geo.model.coverage.engine.compute_coverage`, the engine of the
   Coverage page (each incident at its own place and time, units on shift, hypercube availability),
   on the current fleet's travel matrix plus the new unit's column. A candidate's gain is the
   engine's change. The incidents' timing is built once per call and the fleet's dispatch lists
   once per round (:mod:`jru_geo.model.coverage.prepared`): each check run inserts its unit into
   them, with the same figures as a plain engine run.
3. **Pick** the best checked candidate by ``rank`` (the gain a year, or the gain per crew hour);
   it joins the fleet and the next unit starts from the engine's result for that fleet.

So every figure returned is the engine's: a pick's ``gain_per_year`` is the change in the
engine's expected coverage (the Planner's KPI) when that pick is added to the fleet with the earlier
picks, times the counted incidents a year and the JRU share; the curve starts at the Coverage
page's baseline. The screen can only miss a site whose unit-never-busy score ranks below the
``screen`` best of its pattern; tests check the picks against engine runs of every candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.demand_profile import hour_of_week_profile
from jru_geo.errors import PlanningError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage._fleet import _fleet
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.prepared import PreparedIncidents, prepare_coverage
from jru_geo.model.coverage.result import BoolArray, CoverageResult, FloatArray, IntArray
from jru_geo.model.patterns import ShiftPattern
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.optimise.planning import place_unit
from jru_geo.optimise.preview import lsoa_index, lsoa_sums
from jru_geo.settings import MAX_NEW_UNITS
from jru_geo.week import HOURS_PER_WEEK, MINUTES_PER_HOUR, WEEKS_PER_YEAR, minute_of_week, week_mask

__all__ = ["EngineObjective", "Rank", "CREW_SIZE", "MAX_NEW_UNITS", "UnitPlan", "recommend_units"]

EngineObjective = Literal["expected", "in_hours"]
"""What is maximised: the engine's expected coverage (a unit on shift, in time and free) or in-hours."""

Rank = Literal["gain", "gain_per_crew_hour"]
"""How checked candidates are compared: gain a year, or gain a year per crew hour a year."""

CREW_SIZE = 2
"""People in a unit (a police officer and a paramedic): crew hours are on-shift hours times this."""


_COLUMN: dict[EngineObjective, str] = {"expected": "p_covered_expected", "in_hours": "covered_in_hours"}


@dataclass(frozen=True)
class UnitPlan:
    """The recommended new units, each the engine's own figures.

    Attributes
    ----------
    picks
        One row per new unit in pick order: ``rank, name, kind, lat, lon, easting, northing,
        pattern, weekly_hours, crew_hours_per_year, gain_per_year`` (change in the objective's
        covered calls a year when this unit joins the fleet with the earlier picks), ``gain_pp``
        (change in the objective's coverage share, percentage points), ``gain_per_crew_hour``,
        ``coverage_expected_after``, ``coverage_in_hours_after`` (shares 0-1) and
        ``calls_attended_per_year_after`` (the fleet's).
    options
        Every candidate the engine checked: ``rank`` (the round), ``pattern, name, easting,
        northing, screen_per_year`` (the screen's never-busy score, a year), ``gain_per_year,
        gain_per_crew_hour, chosen``.
    curve
        ``new_units`` 0..k with the engine's ``coverage_expected``, ``coverage_in_hours`` (shares),
        ``covered_per_year`` (the objective's covered calls a year) and ``calls_attended_per_year``.
    baseline, final
        The engine's results for the fleet without and with every pick.
    scenario
        The fleet with the picks added (their bases and patterns), named ``"<fleet> + k new unit(s)"``.
    objective, rank
        What was maximised and how candidates were compared.
    screen
        Candidates per pattern checked with the engine in each round.
    n_candidates
        Candidate sites screened.
    """

    picks: pd.DataFrame
    options: pd.DataFrame
    curve: pd.DataFrame
    baseline: CoverageResult
    final: CoverageResult
    scenario: Scenario
    objective: EngineObjective
    rank: Rank
    screen: int
    n_candidates: int


def covered_per_year(result: CoverageResult, objective: EngineObjective) -> float:
    """Count the JRU calls a year covered by the objective's measure (expected, or in hours)."""
    share = result.coverage_expected if objective == "expected" else result.coverage_in_hours
    return share * result.incidents_per_year * result.demand_scale


@dataclass(frozen=True)
class _Engine:
    """One engine configuration: the same incidents, model and options for every run."""

    incidents: gpd.GeoDataFrame
    model: TravelModel
    lsoas: gpd.GeoDataFrame
    postcodes: pd.DataFrame | None
    target_min: float | None
    dispatch_reach_min: float | None
    demand_scale: float
    counted: BoolArray | None
    week_slice: BoolArray | None

    def run(
        self,
        scenario: Scenario,
        bases: gpd.GeoDataFrame,
        travel: FloatArray,
        prepared: PreparedIncidents | None = None,
    ) -> CoverageResult:
        return compute_coverage(
            self.incidents,
            scenario,
            self.model,
            postcodes=self.postcodes,
            lsoas=self.lsoas,
            target_min=self.target_min,
            dispatch_reach_min=self.dispatch_reach_min,
            demand_scale=self.demand_scale,
            bases=bases,
            travel_min=travel,
            counted=self.counted,
            week_slice=self.week_slice,
            prepared=prepared,
        )

    def ranked(
        self, prepared: PreparedIncidents, scenario: Scenario, bases: gpd.GeoDataFrame, travel: FloatArray
    ) -> PreparedIncidents:
        """Rank the fleet's units per incident once, for the runs that add one unit to it."""
        fleet = _fleet(scenario, self.postcodes, self.target_min, self.dispatch_reach_min, 15, bases)
        return prepared.with_fleet(travel, fleet.target, fleet.reach)


def _pattern_share(counted: pd.DataFrame, patterns: tuple[ShiftPattern, ...]) -> FloatArray:
    """``(N, P)`` share of each counted incident's time inside each pattern's on-shift hours."""
    masks = np.array([week_mask(p.shifts) for p in patterns], dtype=bool)  # (P, 10080)
    hourly = masks.reshape(len(patterns), HOURS_PER_WEEK, MINUTES_PER_HOUR).mean(axis=2)  # (P, 168)
    time = pd.to_datetime(counted["time"])
    exact = (counted["time_precision"].astype(str) == "minute").to_numpy() & time.notna().to_numpy()
    out = np.zeros((len(counted), len(patterns)))
    if exact.any():
        minute = minute_of_week(time[exact]).astype(np.int64)
        out[exact] = masks[:, minute].T
    if (~exact).any():
        cats = counted["category"].astype(str).to_numpy()[~exact]
        profiles = {c: hour_of_week_profile(c) for c in np.unique(cats)}
        rows = np.array([profiles[c] for c in cats]).reshape(-1, HOURS_PER_WEEK)
        out[~exact] = rows @ hourly.T
    return out


def _screen_scores(
    current: CoverageResult,
    objective: EngineObjective,
    share: FloatArray,
    lsoa_of: IntArray,
    reached: BoolArray,
) -> FloatArray:
    """``(n_candidates, P)`` never-busy gain a year of each site under each pattern."""
    missed = 1.0 - current.incidents[_COLUMN[objective]].to_numpy(dtype=np.float64)
    weights = lsoa_sums(lsoa_of, missed[:, None] * share, reached.shape[0])
    per_year = WEEKS_PER_YEAR / current.span_weeks * current.demand_scale
    return (reached.T.astype(np.float64) @ weights) * per_year


def _check_inputs(candidates: pd.DataFrame, k: int, screen: int, patterns: tuple[ShiftPattern, ...]) -> None:
    require_columns(
        candidates,
        ("name", "kind", "lat", "lon", "easting", "northing"),
        what="candidates",
        plural=True,
        fix="build them with jru_geo.optimise.planning.candidate_table",
        error=PlanningError,
    )
    if len(candidates) == 0:
        raise PlanningError("no candidate sites: give at least one site, or use the grid")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= MAX_NEW_UNITS:
        raise PlanningError(f"the number of new units must be a whole number 0-{MAX_NEW_UNITS}, got {k!r}")
    if isinstance(screen, bool) or not isinstance(screen, int | np.integer) or not 1 <= screen <= 50:
        raise PlanningError(f"screen (candidates checked per pattern) must be 1-50, got {screen!r}")
    if not patterns:
        raise PlanningError("give at least one shift pattern for the new units")


def recommend_units(
    incidents: gpd.GeoDataFrame,
    scenario: Scenario,
    model: TravelModel,
    candidates: pd.DataFrame,
    *,
    lsoas: gpd.GeoDataFrame,
    k: int,
    patterns: tuple[ShiftPattern, ...],
    objective: EngineObjective = "expected",
    rank: Rank = "gain",
    screen: int = 3,
    counted: BoolArray | None = None,
    week_slice: BoolArray | None = None,
    target_min: float | None = None,
    dispatch_reach_min: float | None = None,
    demand_scale: float = 1.0,
    postcodes: pd.DataFrame | None = None,
    bases: gpd.GeoDataFrame | None = None,
    travel_min: FloatArray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UnitPlan:
    """Choose where (site) and when (shift pattern) ``k`` new units add the most (see the module).

    Parameters
    ----------
    incidents
        Every incident that loads the units (joined to LSOAs: ``lsoa_code`` feeds the screen), as
        for :func:`~jru_geo.model.coverage.engine.compute_coverage`.
    scenario
        The current fleet.
    model
        Travel-time model.
    candidates
        From :func:`jru_geo.optimise.planning.candidate_table`.
    lsoas
        :func:`jru_geo.io.boundaries.load_lsoas` (centroids for the screen, population for the engine).
    k
        New units, 0 to :data:`MAX_NEW_UNITS`.
    patterns
        Shift patterns to choose from (:func:`jru_geo.model.patterns.parse_patterns`).
    objective
        ``"expected"`` (default: the engine's expected coverage) or ``"in_hours"``.
    rank
        ``"gain"`` (default) or ``"gain_per_crew_hour"``.
    screen
        Sites per pattern checked with the engine in each round.
    counted, week_slice, target_min, dispatch_reach_min, demand_scale
        As for :func:`~jru_geo.model.coverage.engine.compute_coverage` (the filter's incidents and
        time slice, the target, reach and JRU share).
    postcodes
        Postcode table for postcode bases.
    bases
        The scenario's resolved bases (resolved here when omitted).
    travel_min
        The ``(n_incidents, n_vehicles)`` matrix of the current fleet (computed when omitted).
    progress
        Called with ``(engine runs done, engine runs in all)`` after each run.

    Returns
    -------
    UnitPlan
        The picks, every option checked, the curve and the engine's results.

    Raises
    ------
    PlanningError
        Candidates lacking columns or none at all, ``k`` or ``screen`` out of range, no pattern.
    """
    patterns = tuple(patterns)
    _check_inputs(candidates, k, screen, patterns)
    frame = to_bng(incidents, what="incidents", error=PlanningError)
    fleet_bases = resolve_bases(scenario, postcodes=postcodes) if bases is None else bases
    travel = travel_matrix(model, points=frame, bases=fleet_bases) if travel_min is None else travel_min
    engine = _Engine(
        frame, model, lsoas, postcodes, target_min, dispatch_reach_min, demand_scale, counted, week_slice
    )
    # the incidents' timing once per call, and each round's fleet ranked once for its check runs
    prepared = prepare_coverage(frame, counted=counted)
    ranked = engine.ranked(prepared, scenario, fleet_bases, travel)
    current = engine.run(scenario, fleet_bases, travel, ranked)
    baseline = current
    keep = np.ones(len(frame), dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    share = _pattern_share(frame[keep], patterns)
    lsoa_of = lsoa_index(frame[keep], lsoas)
    sites = candidates.reset_index(drop=True)
    sites_xy = sites[["easting", "northing"]].to_numpy(dtype=np.float64)
    centroids = lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    template_target = scenario.vehicles[0].target_min if scenario.vehicles else 15.0
    unit_target = float(target_min if target_min is not None else template_target)
    reached = travel_matrix(model, points=centroids, bases=sites_xy) <= unit_target
    columns: dict[int, FloatArray] = {}
    total_runs, done = k * len(patterns) * min(screen, len(sites)), 0
    pick_rows: list[dict[str, object]] = []
    option_rows: list[dict[str, object]] = []
    curve = [_curve_row(0, current, objective)]
    plan = scenario
    for round_no in range(1, k + 1):
        scores = _screen_scores(current, objective, share, lsoa_of, reached)
        shortlist = [
            (int(c), p)
            for p in range(len(patterns))
            for c in np.argsort(-scores[:, p], kind="stable")[: min(screen, len(sites))]
        ]
        missing = sorted({c for c, _ in shortlist} - set(columns))
        if missing:
            block = travel_matrix(model, points=frame, bases=sites_xy[missing])
            columns.update({c: block[:, j] for j, c in enumerate(missing)})
        best: tuple[float, int, int, int] | None = None
        runs: dict[tuple[int, int], tuple[Scenario, gpd.GeoDataFrame, FloatArray, CoverageResult]] = {}
        for c, p in shortlist:
            candidate = _with_unit(plan, sites.iloc[c], patterns[p], round_no)
            cand_bases = _append_base(fleet_bases, candidate)
            cand_travel = np.column_stack([travel, columns[c]])
            result = engine.run(candidate, cand_bases, cand_travel, ranked)
            done += 1
            if progress is not None:
                progress(done, total_runs)
            gain = covered_per_year(result, objective) - covered_per_year(current, objective)
            per_crew = gain / _crew_hours_per_year(patterns[p])
            key = gain if rank == "gain" else per_crew
            option_rows.append(
                {
                    "rank": round_no,
                    "pattern": patterns[p].name,
                    "name": str(sites.at[c, "name"]),
                    "easting": float(sites_xy[c, 0]),
                    "northing": float(sites_xy[c, 1]),
                    "screen_per_year": float(scores[c, p]),
                    "gain_per_year": gain,
                    "gain_per_crew_hour": per_crew,
                    "chosen": False,
                }
            )
            runs[(c, p)] = (candidate, cand_bases, cand_travel, result)
            if best is None or _better(key, patterns[p], best[0], patterns[best[2]]):
                best = (key, c, p, len(option_rows) - 1)
        assert best is not None
        _, c, p, row_no = best
        plan, fleet_bases, travel, result = runs[(c, p)]
        option_rows[row_no]["chosen"] = True
        pick_rows.append(_pick_row(round_no, sites.iloc[c], patterns[p], current, result, objective))
        current = result
        if round_no < k:
            ranked = engine.ranked(prepared, plan, fleet_bases, travel)
        curve.append(_curve_row(round_no, current, objective))
    return UnitPlan(
        picks=pd.DataFrame(pick_rows, columns=_PICK_COLUMNS),
        options=pd.DataFrame(option_rows, columns=_OPTION_COLUMNS),
        curve=pd.DataFrame(curve),
        baseline=baseline,
        final=current,
        scenario=plan if k == 0 else plan.model_copy(update={"name": f"{scenario.name} + {k} new unit(s)"}),
        objective=objective,
        rank=rank,
        screen=int(screen),
        n_candidates=len(sites),
    )


_PICK_COLUMNS = [
    "rank",
    "name",
    "kind",
    "lat",
    "lon",
    "easting",
    "northing",
    "pattern",
    "weekly_hours",
    "crew_hours_per_year",
    "gain_per_year",
    "gain_pp",
    "gain_per_crew_hour",
    "coverage_expected_after",
    "coverage_in_hours_after",
    "calls_attended_per_year_after",
]
_OPTION_COLUMNS = [
    "rank",
    "pattern",
    "name",
    "easting",
    "northing",
    "screen_per_year",
    "gain_per_year",
    "gain_per_crew_hour",
    "chosen",
]


def _better(key: float, pattern: ShiftPattern, best: float, best_pattern: ShiftPattern) -> bool:
    """Tell whether a candidate beats the best so far; on a tie, the pattern with fewer hours wins."""
    tol = 1e-9 * max(1.0, abs(best))
    if abs(key - best) <= tol:
        return pattern.weekly_hours < best_pattern.weekly_hours
    return key > best


def _crew_hours_per_year(pattern: ShiftPattern) -> float:
    return max(pattern.weekly_hours * WEEKS_PER_YEAR * CREW_SIZE, 1e-9)


def _with_unit(plan: Scenario, site: pd.Series, pattern: ShiftPattern, round_no: int) -> Scenario:
    return place_unit(
        plan,
        easting=float(site["easting"]),
        northing=float(site["northing"]),
        name=f"New unit {round_no} at {site['name']} ({pattern.name})",
        pattern=pattern,
    )


def _append_base(bases: gpd.GeoDataFrame, plan: Scenario) -> gpd.GeoDataFrame:
    """Add the plan's last vehicle's base to the fleet's (placed by coordinates, no postcode)."""
    last = plan.model_copy(update={"vehicles": [plan.vehicles[-1]]})
    row = resolve_bases(last)
    return gpd.GeoDataFrame(pd.concat([bases, row], ignore_index=True), crs=bases.crs)


def _pick_row(
    round_no: int,
    site: pd.Series,
    pattern: ShiftPattern,
    before: CoverageResult,
    after: CoverageResult,
    objective: EngineObjective,
) -> dict[str, object]:
    gain = covered_per_year(after, objective) - covered_per_year(before, objective)
    share_after = after.coverage_expected if objective == "expected" else after.coverage_in_hours
    share_before = before.coverage_expected if objective == "expected" else before.coverage_in_hours
    return {
        "rank": round_no,
        "name": str(site["name"]),
        "kind": str(site["kind"]),
        "lat": float(site["lat"]),
        "lon": float(site["lon"]),
        "easting": float(site["easting"]),
        "northing": float(site["northing"]),
        "pattern": pattern.name,
        "weekly_hours": pattern.weekly_hours,
        "crew_hours_per_year": _crew_hours_per_year(pattern),
        "gain_per_year": gain,
        "gain_pp": 100.0 * (share_after - share_before),
        "gain_per_crew_hour": gain / _crew_hours_per_year(pattern),
        "coverage_expected_after": after.coverage_expected,
        "coverage_in_hours_after": after.coverage_in_hours,
        "calls_attended_per_year_after": after.calls_attended_per_year,
    }


def _curve_row(units: int, result: CoverageResult, objective: EngineObjective) -> dict[str, float]:
    return {
        "new_units": units,
        "coverage_expected": result.coverage_expected,
        "coverage_in_hours": result.coverage_in_hours,
        "covered_per_year": covered_per_year(result, objective),
        "calls_attended_per_year": result.calls_attended_per_year,
    }
