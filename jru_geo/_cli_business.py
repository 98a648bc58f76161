"""The ``business`` subcommand: the business case of a plan against a baseline, as JSON.

Reuses the data options and loading of the engine subcommands (:mod:`jru_geo._cli_engine`); the
engine is :func:`jru_geo.model.coverage.engine.compute_coverage` with
:func:`jru_geo.model.travel.factory.build_travel_model`, run again for each low and high setting of the
range (:func:`jru_geo.optimise.business_case.plan_business_case`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo._cli_engine import _add_data_options, _load_inputs, minutes
from jru_geo.errors import BusinessCaseError
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from jru_geo.io.scenario import Scenario
    from jru_geo.model.assumptions import ModelAssumptions
    from jru_geo.model.coverage.business import BusinessAssumptions
    from jru_geo.model.coverage.result import CoverageResult
    from jru_geo.model.travel.base import TravelModel
    from jru_geo.optimise.business_case import Evaluate, PlanBusinessCase, Uncertainty

__all__ = ["add_command", "add_business_options", "business_json", "run_business", "BusinessRun"]


def _round(value: float, digits: int) -> float:
    """Round ``value``, writing -0.0 as 0.0."""
    return round(value, digits) + 0.0


def _pounds(value: float) -> int:
    """Round ``value`` to whole pounds."""
    return int(round(value))


def business_json(result: PlanBusinessCase, *, plan: str, baseline: str) -> dict[str, object]:
    """Turn a plan's business case into the command's JSON object, each figure rounded to what it means.

    Calls and hours to 1 decimal, pounds to whole pounds (integers), years to 2 decimals.

    Parameters
    ----------
    result
        From :func:`jru_geo.optimise.business_case.plan_business_case`.
    plan, baseline
        The two scenarios' names.

    Returns
    -------
    dict
        ``fleet_calls_gain_per_year``, ``new_units_calls_per_year``, ``hours_saved_per_year``,
        ``money_saved_per_year``, ``cost_per_year``, ``net_benefit_per_year``, ``payback_years``
        (null: never pays back), ``range`` (``low``, ``central``, ``high`` net benefit a year), then
        ``tornado``, ``new_units``, ``crew_hours_per_year``, ``capacity_calls_per_year``,
        ``setup_cost``, ``notes``, ``plan`` and ``baseline`` (the command adds ``assumptions`` and
        ``uncertainty``, the figures used).
    """
    c = result.case
    tornado = [
        {
            "input": str(row["input"]),
            "label": str(row["label"]),
            "central_setting": str(row["central_setting"]),
            "low_setting": str(row["low_setting"]),
            "high_setting": str(row["high_setting"]),
            "net_benefit_low": _pounds(float(row["net_benefit_low"])),
            "net_benefit_high": _pounds(float(row["net_benefit_high"])),
        }
        for row in result.tornado.to_dict(orient="records")
    ]
    return {
        "fleet_calls_gain_per_year": _round(c.fleet_calls_gain_per_year, 1),
        "new_units_calls_per_year": _round(c.new_units_calls_per_year, 1),
        "hours_saved_per_year": _round(c.hours_saved_per_year, 1),
        "money_saved_per_year": _pounds(c.money_saved_per_year),
        "cost_per_year": _pounds(c.cost_per_year),
        "net_benefit_per_year": _pounds(c.net_benefit_per_year),
        "payback_years": None if c.payback_years is None else _round(c.payback_years, 2),
        "range": {
            "low": _pounds(result.low),
            "central": _pounds(result.central),
            "high": _pounds(result.high),
        },
        "tornado": tornado,
        "new_units": list(result.new_unit_ids),
        "crew_hours_per_year": _round(c.crew_hours_per_year, 1),
        "capacity_calls_per_year": _round(c.capacity_calls_per_year, 1),
        "setup_cost": _pounds(c.setup_cost),
        "notes": list(c.notes),
        "plan": plan,
        "baseline": baseline,
    }


def _evaluator(
    incidents: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    postcodes: pd.DataFrame,
    *,
    loaded: TravelModel,
    graph: Path | None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Evaluate:
    """Give the engine on these incidents, building one travel model per set of travel assumptions."""
    from jru_geo.model.coverage.engine import compute_coverage
    from jru_geo.model.travel.calibrated import CalibratedModel
    from jru_geo.model.travel.factory import build_travel_model

    fitted = loaded if isinstance(loaded, CalibratedModel) else None
    models: dict[ModelAssumptions, TravelModel] = {}

    def evaluate(ma: ModelAssumptions, sc: Scenario) -> CoverageResult:
        key = ma.travel_only()
        if key not in models:
            models[key] = build_travel_model(ma, calibrated=fitted, graph_path=graph, settings=settings)
        return compute_coverage(
            incidents,
            sc,
            models[key],
            postcodes=postcodes,
            lsoas=lsoas,
            dispatch_reach_min=ma.dispatch_reach_min,
            demand_scale=ma.demand_share,
        )

    return evaluate


@dataclasses.dataclass(frozen=True)
class BusinessRun:
    """What ``business`` (and ``report``) worked out: the case, its inputs and the engine used."""

    result: PlanBusinessCase
    baseline: Scenario
    plan: Scenario
    joined: gpd.GeoDataFrame
    evaluate: Evaluate
    model_assumptions: ModelAssumptions
    assumptions: BusinessAssumptions
    uncertainty: Uncertainty


def run_business(args: argparse.Namespace) -> BusinessRun:
    """Load the inputs the options name and work out the plan's business case and its range."""
    from jru_geo.io.scenario_files import load_default_scenario, load_scenario
    from jru_geo.model.assumptions import ModelAssumptions
    from jru_geo.model.coverage.business import BusinessAssumptions
    from jru_geo.optimise.business_case import Uncertainty, plan_business_case

    if getattr(args, "days", None) or getattr(args, "hours", None):
        raise BusinessCaseError(
            "--days and --hours do not apply to the business case, which is over a unit's whole week; "
            "drop them"
        )
    joined, plan, model, lsoas = _load_inputs(args)
    baseline = (
        load_scenario(args.baseline) if args.baseline else load_default_scenario(settings=args.settings)
    )
    m = ModelAssumptions()
    model_assumptions = ModelAssumptions(
        travel_mode=args.travel,
        speed_kmh=_given(args.speed_kmh, m.speed_kmh),
        blue_light_factor=_given(args.blue_light_factor, m.blue_light_factor),
        dispatch_reach_min=args.dispatch_reach_min,
        demand_share=args.demand_scale,
    )
    d = BusinessAssumptions()
    assumptions = BusinessAssumptions(
        saving_per_incident_gbp=_given(args.saving_per_call, d.saving_per_incident_gbp),
        minutes_saved_per_incident=_given(args.minutes_saved, d.minutes_saved_per_incident),
        services_saving_time=args.services_saving_time,
        value_per_hour_saved_gbp=args.value_per_hour_saved,
        jobs_per_shift=_given(args.jobs_per_shift, d.jobs_per_shift),
        police_officer="special_constable" if args.special_constable else "constable",
        police_cost_per_hour_gbp=_given(args.police_cost_per_hour, d.police_cost_per_hour_gbp),
        paramedic_cost_per_hour_gbp=_given(args.paramedic_cost_per_hour, d.paramedic_cost_per_hour_gbp),
        vehicle_cost_per_year_gbp=_given(args.vehicle_cost_per_year, d.vehicle_cost_per_year_gbp),
        setup_cost_gbp=_given(args.setup_cost, d.setup_cost_gbp),
    )
    uncertainty = Uncertainty(
        blue_light_delta=args.blue_light_delta,
        share_low=args.share_low,
        share_high=args.share_high,
        job_min_delta=args.job_min_delta,
        saving_delta_gbp=args.saving_delta,
    )
    evaluate = _evaluator(
        joined[joined["in_kent"].to_numpy(dtype=bool)],
        lsoas,
        args.postcodes,
        loaded=model,
        graph=args.graph,
        settings=args.settings,
    )
    result = plan_business_case(
        baseline,
        plan,
        evaluate,
        model_assumptions=model_assumptions,
        assumptions=assumptions,
        uncertainty=uncertainty,
    )
    return BusinessRun(result, baseline, plan, joined, evaluate, model_assumptions, assumptions, uncertainty)


def _cmd_business(args: argparse.Namespace) -> int:
    run = run_business(args)
    result, baseline, plan, assumptions, uncertainty = (
        run.result,
        run.baseline,
        run.plan,
        run.assumptions,
        run.uncertainty,
    )
    out = business_json(result, plan=plan.name, baseline=baseline.name)
    out["assumptions"] = dataclasses.asdict(assumptions)
    out["uncertainty"] = dataclasses.asdict(uncertainty)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _given(value: float | None, default: float) -> float:
    return default if value is None else value


def add_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``business`` subcommand on ``sub``."""
    p = sub.add_parser(
        "business",
        help="business case of a plan: the fleet's calls gained, cost, net benefit, payback, range",
        description="Business case of the new units of a plan (--scenario) against a baseline: the "
        "fleet's calls attended a year with the plan minus without it, the hours and money that saves, "
        "the new units' crew and vehicle costs, the net benefit and payback, and its range with the "
        "blue-light factor, JRU share, job time and saving per call each moved low and high alone. Prints "
        "JSON with fleet_calls_gain_per_year, new_units_calls_per_year, hours_saved_per_year, "
        "money_saved_per_year, cost_per_year, net_benefit_per_year, payback_years (null: never) and "
        "range (low, central, high net benefit), plus tornado and notes.",
    )
    add_business_options(p)
    p.set_defaults(handler=_cmd_business)


def add_business_options(p: argparse.ArgumentParser) -> None:
    """Add the options of the business case (data, baseline, savings, costs, range) to ``p``."""
    _add_data_options(p)
    p.add_argument(
        "--baseline",
        type=Path,
        help="the fleet without the change (default: data/scenarios/kent_jru_2020.json)",
    )
    p.add_argument("--blue-light-factor", type=float, help="central blue-light factor (default 0.80)")
    p.add_argument(
        "--dispatch-reach-min",
        type=minutes,
        help="units are sent to calls up to this many minutes away (default: each vehicle's target)",
    )
    money = p.add_argument_group("savings and costs (defaults: published figures and labelled assumptions)")
    money.add_argument("--saving-per-call", type=float, help="£ saved per call gained (published £25.00)")
    money.add_argument("--minutes-saved", type=float, help="minutes saved per call gained (SECAmb 30)")
    money.add_argument(
        "--services-saving-time",
        type=int,
        choices=[0, 1, 2],
        default=1,
        help="services saving those minutes: 0 none, 1 ambulance (default), 2 ambulance and police",
    )
    money.add_argument(
        "--value-per-hour-saved",
        type=float,
        default=0.0,
        help="£ an hour saved is worth on top of the saving per call (default 0: already in it)",
    )
    money.add_argument("--jobs-per-shift", type=float, help="capacity: jobs per 8-hour shift (published 7)")
    money.add_argument(
        "--special-constable",
        action="store_true",
        help="the police officer is a Special Constable (unpaid volunteer): no police pay counted",
    )
    money.add_argument("--police-cost-per-hour", type=float, help="£ an hour per police officer (assumption)")
    money.add_argument("--paramedic-cost-per-hour", type=float, help="£ an hour per paramedic (assumption)")
    money.add_argument(
        "--vehicle-cost-per-year", type=float, help="£ a year to run each vehicle (assumption £10,000)"
    )
    money.add_argument("--setup-cost", type=float, help="£ one-off per new unit (assumption £45,000)")
    spread = p.add_argument_group("range (each input low and high, the others central; assumptions)")
    spread.add_argument("--blue-light-delta", type=float, default=0.1, help="± on the blue-light factor")
    spread.add_argument("--share-low", type=float, default=0.75, help="low multiplier of the JRU share")
    spread.add_argument(
        "--share-high", type=float, default=1.25, help="high multiplier of the JRU share (capped at 1)"
    )
    spread.add_argument("--job-min-delta", type=float, default=15.0, help="± minutes on every job time")
    spread.add_argument("--saving-delta", type=float, default=10.0, help="± £ on the saving per call")
