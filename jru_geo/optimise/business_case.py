"""The business case of a plan: what the fleet gains with it, what its new units cost, and how sure that is.

* **The fleet's gain** (:func:`fleet_business_case`). The coverage engine gives each vehicle's calls
  attended a year (``calls_attended_per_year`` of
  :attr:`~jru_geo.model.coverage.result.CoverageResult.vehicles`: calls taken per on-shift hour times
  on-shift hours a week times 52.18). The plan's gain is the fleet's calls a year with the plan minus
  without it; the new units (vehicles of the plan whose id the baseline lacks) usually take more
  calls than that, since some of their calls an existing unit would have taken. Hours and money
  saved come from the gain; crew and vehicle costs from the new units
  (:func:`jru_geo.model.coverage.business.business_case`).
* **The range** (:func:`plan_business_case`). Four uncertain inputs are varied one at a time, low
  and high, the others central (:class:`Uncertainty`): the blue-light factor, the share of the
  incidents that are JRU calls, every unit's job time and the saving per call. The first three
  change the engine's figures, so the baseline and the plan are evaluated again with each; the
  engine is passed in (``evaluate``), so this module stays free of data loading and caching. The
  overall range is the lowest and highest net benefit of those runs and the central one: the widest
  swing any one input gives on its own. Inputs moving together could widen it.

The command line (``python -m jru_geo business``) passes
:func:`jru_geo.model.coverage.engine.compute_coverage`; the Planner passes the app's cached coverage.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jru_geo.errors import BusinessCaseError
from jru_geo.io.scenario import Scenario
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, ModelAssumptions
from jru_geo.model.coverage.business import BusinessAssumptions, BusinessCase, business_case
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.week import WEEKS_PER_YEAR

__all__ = [
    "Evaluate",
    "MIN_JOB_MIN",
    "TORNADO_COLUMNS",
    "Uncertainty",
    "PlanBusinessCase",
    "new_unit_ids",
    "fleet_business_case",
    "plan_business_case",
]

Evaluate = Callable[[ModelAssumptions, Scenario], CoverageResult]
"""The coverage engine of one data set: model assumptions and a fleet to its coverage."""

MIN_JOB_MIN = 5.0
"""Shortest job time (minutes) the low end of the job-time range goes down to."""

TORNADO_COLUMNS = [
    "input",
    "label",
    "central_setting",
    "low_setting",
    "high_setting",
    "net_benefit_low",
    "net_benefit_high",
    "swing",
]
"""Columns of :attr:`PlanBusinessCase.tornado`."""

_STRAIGHT_NOTE = " (none in the straight-line model)"


@dataclass(frozen=True)
class Uncertainty:
    """How far each uncertain input goes either side of its central value (all assumptions, editable).

    Parameters
    ----------
    blue_light_delta
        The blue-light factor goes this much below and above its central value (0.1: 0.7-0.9 around
        the calibrated 0.8, the travel model's largest single uncertainty).
    share_low, share_high
        The share of incidents that are JRU calls is multiplied by these (0.75 and 1.25), capped at 1.
    job_min_delta
        Every unit's job time goes this many minutes below and above its own (15: 30-60 around 45),
        never below :data:`MIN_JOB_MIN`.
    saving_delta_gbp
        The saving per call goes this many pounds below and above its central value (£10: £15-£35
        around the published £25), never below 0.
    """

    blue_light_delta: float = 0.1
    share_low: float = 0.75
    share_high: float = 1.25
    job_min_delta: float = 15.0
    saving_delta_gbp: float = 10.0

    def __post_init__(self) -> None:
        """Check the ranges.

        Raises
        ------
        BusinessCaseError
            A negative or non-finite delta, or share multipliers not ``0 < share_low <= 1 <= share_high``.
        """
        for name in ("blue_light_delta", "job_min_delta", "saving_delta_gbp", "share_low", "share_high"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise BusinessCaseError(f"{name} must be a finite number >= 0, got {value!r}")
        if not 0 < self.share_low <= 1 <= self.share_high:
            raise BusinessCaseError(
                f"share multipliers must satisfy 0 < share_low <= 1 <= share_high, got share_low="
                f"{self.share_low!r}, share_high={self.share_high!r}"
            )


@dataclass(frozen=True)
class PlanBusinessCase:
    """The business case of a plan at the central assumptions, and its range.

    Attributes
    ----------
    case
        The case at the central assumptions.
    new_unit_ids
        The plan's vehicles that the baseline lacks.
    tornado
        One row per uncertain input (:data:`TORNADO_COLUMNS`), widest swing first: ``input`` (key),
        ``label`` (words), ``central_setting``, ``low_setting`` and ``high_setting`` (the input's
        values in words), ``net_benefit_low`` and ``net_benefit_high`` (net benefit a year with the
        input at its low and its high setting, the others central) and ``swing`` (their
        difference, absolute).
    low, high
        Lowest and highest net benefit a year over the central run and every one-at-a-time run.
    """

    case: BusinessCase
    new_unit_ids: tuple[str, ...]
    tornado: pd.DataFrame
    low: float
    high: float

    @property
    def central(self) -> float:
        """Net benefit a year at the central assumptions."""
        return self.case.net_benefit_per_year


# --------------------------------------------------------------------------------------------------
# The fleet's gain


def _calls_a_year(result: CoverageResult) -> pd.Series:
    """Give the calls each vehicle attends a year, by vehicle id (the engine's column when present)."""
    v = result.vehicles
    if "calls_attended_per_year" in v.columns:
        calls = v["calls_attended_per_year"].to_numpy(dtype=np.float64)
    else:
        calls = v["calls_per_hour"].to_numpy(dtype=np.float64) * v["weekly_hours"].to_numpy(dtype=np.float64)
        calls = calls * WEEKS_PER_YEAR
    return pd.Series(calls, index=v["vehicle_id"].astype(str).to_numpy(), dtype=np.float64)


def new_unit_ids(baseline: CoverageResult, plan: CoverageResult) -> tuple[str, ...]:
    """List the plan's vehicles whose id the baseline lacks, in the plan's order.

    Parameters
    ----------
    baseline, plan
        Coverage of the fleet without and with the change.

    Returns
    -------
    tuple of str
        The new vehicles' ids (empty when there is none).
    """
    old = set(baseline.vehicles["vehicle_id"].astype(str))
    return tuple(v for v in plan.vehicles["vehicle_id"].astype(str) if v not in old)


def _no_new_unit(plan_name: str, baseline_name: str) -> BusinessCaseError:
    return BusinessCaseError(
        f"no new unit: every vehicle of plan {plan_name!r} is in baseline {baseline_name!r}; add a unit "
        "(a vehicle id the baseline lacks) to the plan first"
    )


def fleet_business_case(
    baseline: CoverageResult,
    plan: CoverageResult,
    *,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen
) -> BusinessCase:
    """Work out the business case of the new units of ``plan`` from the fleet's gain in calls.

    Parameters
    ----------
    baseline
        Coverage of the fleet without the change.
    plan
        Coverage of the fleet with it (same incidents and assumptions).
    assumptions
        Savings and costs.

    Returns
    -------
    BusinessCase
        ``fleet_calls_gain_per_year`` = the plan's fleet calls a year minus the baseline's;
        ``new_units_calls_per_year`` = the new units' own; costs of the new units.

    Raises
    ------
    BusinessCaseError
        ``plan`` has no vehicle that ``baseline`` lacks.
    """
    new = new_unit_ids(baseline, plan)
    if not new:
        raise _no_new_unit("plan", "baseline")
    before, after = _calls_a_year(baseline), _calls_a_year(plan)
    weekly = plan.vehicles.set_index(plan.vehicles["vehicle_id"].astype(str))["weekly_hours"]
    return business_case(
        fleet_calls_gain_per_year=float(after.sum() - before.sum()),
        new_units_calls_per_year=float(after[list(new)].sum()),
        weekly_hours=float(weekly[list(new)].astype(float).sum()),
        units=len(new),
        assumptions=assumptions,
    )


# --------------------------------------------------------------------------------------------------
# The range


def _with_job_time(scenario: Scenario, delta_min: float) -> Scenario:
    """Move every vehicle's job time by ``delta_min`` (to at least MIN_JOB_MIN), in a new scenario."""
    if delta_min == 0:
        return scenario
    vehicles = [
        v.model_copy(update={"job_min": max(v.job_min + delta_min, MIN_JOB_MIN)}) for v in scenario.vehicles
    ]
    return scenario.model_copy(update={"vehicles": vehicles})


def plan_business_case(
    baseline: Scenario,
    plan: Scenario,
    evaluate: Evaluate,
    *,
    model_assumptions: ModelAssumptions = DEFAULT_ASSUMPTIONS,
    assumptions: BusinessAssumptions = BusinessAssumptions(),  # noqa: B008 - frozen
    uncertainty: Uncertainty = Uncertainty(),  # noqa: B008 - frozen
) -> PlanBusinessCase:
    """Work out the business case of a plan against a baseline, with its one-at-a-time range.

    Parameters
    ----------
    baseline
        The fleet without the change.
    plan
        The fleet with it; its new units are the vehicles whose id ``baseline`` lacks.
    evaluate
        The coverage engine on one data set, e.g. ``lambda ma, sc: compute_coverage(incidents, sc,
        build_travel_model(ma), dispatch_reach_min=ma.dispatch_reach_min,
        demand_scale=ma.demand_share)``, or the app's cached coverage. Called for the central
        assumptions and for each engine input at its low and high setting (at most 14 calls).
    model_assumptions
        The central travel and demand assumptions.
    assumptions
        The central savings and costs.
    uncertainty
        How far each input goes.

    Returns
    -------
    PlanBusinessCase
        The central case, the tornado table and the overall range.

    Raises
    ------
    BusinessCaseError
        ``plan`` has no vehicle that ``baseline`` lacks.
    """
    old = {v.id for v in baseline.vehicles}
    if not any(v.id not in old for v in plan.vehicles):
        raise _no_new_unit(plan.name, baseline.name)
    runs = _Runs(baseline, plan, evaluate)
    ma, a, u = model_assumptions, assumptions, uncertainty
    central = runs.case(ma, 0.0, a)
    straight = ma.travel_mode == "straight"
    blue = [min(max(ma.blue_light_factor + s * u.blue_light_delta, 0.05), 2.0) for s in (-1, 1)]
    share = [ma.demand_share * u.share_low, min(ma.demand_share * u.share_high, 1.0)]
    jobs = [-u.job_min_delta, u.job_min_delta]
    saving = [
        max(a.saving_per_incident_gbp - u.saving_delta_gbp, 0.0),
        a.saving_per_incident_gbp + u.saving_delta_gbp,
    ]
    rows = [
        _row(
            "blue_light_factor",
            "Blue-light factor" + (_STRAIGHT_NOTE if straight else ""),
            (f"{ma.blue_light_factor:.2f}", *(f"{b:.2f}" for b in blue)),
            [
                central if straight else runs.case(dataclasses.replace(ma, blue_light_factor=b), 0.0, a)
                for b in blue
            ],
        ),
        _row(
            "demand_share",
            "JRU share of incidents",
            (f"{ma.demand_share:.0%}", *(f"{s:.0%}" for s in share)),
            [runs.case(dataclasses.replace(ma, demand_share=s), 0.0, a) for s in share],
        ),
        _row(
            "job_min",
            "Job time, every unit",
            ("as in the scenario", *(f"{d:+g} min" for d in jobs)),
            [runs.case(ma, d, a) for d in jobs],
        ),
        _row(
            "saving_per_call",
            "Saving per call",
            tuple(f"£{v:,.2f}" for v in (a.saving_per_incident_gbp, *saving)),
            [runs.case(ma, 0.0, dataclasses.replace(a, saving_per_incident_gbp=v)) for v in saving],
        ),
    ]
    tornado = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
    tornado = tornado.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    nets = [central.net_benefit_per_year, *tornado["net_benefit_low"], *tornado["net_benefit_high"]]
    return PlanBusinessCase(
        case=central,
        new_unit_ids=tuple(v.id for v in plan.vehicles if v.id not in old),
        tornado=tornado,
        low=float(min(nets)),
        high=float(max(nets)),
    )


class _Runs:
    """The engine's coverage of the baseline and the plan at each setting, each worked out once."""

    def __init__(self, baseline: Scenario, plan: Scenario, evaluate: Evaluate) -> None:
        self.baseline, self.plan, self.evaluate = baseline, plan, evaluate
        self.done: dict[tuple[ModelAssumptions, float], tuple[CoverageResult, CoverageResult]] = {}

    def case(self, ma: ModelAssumptions, job_delta: float, a: BusinessAssumptions) -> BusinessCase:
        """Give the business case with the model assumptions ``ma`` and job times moved by ``job_delta``."""
        key = (ma.normalised(), job_delta)
        if key not in self.done:
            self.done[key] = (
                self.evaluate(ma, _with_job_time(self.baseline, job_delta)),
                self.evaluate(ma, _with_job_time(self.plan, job_delta)),
            )
        before, after = self.done[key]
        return fleet_business_case(before, after, assumptions=a)


def _row(key: str, label: str, settings: tuple[str, ...], cases: list[BusinessCase]) -> dict[str, object]:
    """One row of the tornado: the input's central, low and high settings and the two net benefits."""
    low, high = (c.net_benefit_per_year for c in cases)
    return {
        "input": key,
        "label": label,
        "central_setting": settings[0],
        "low_setting": settings[1],
        "high_setting": settings[2],
        "net_benefit_low": low,
        "net_benefit_high": high,
        "swing": abs(high - low),
    }
