"""The JRU Geo command line: ``python -m jru_geo COMMAND ...``.

Commands
--------
join       read incident files, give each its district and LSOA, write CSV (+ rejects)
demo       write the synthetic demo incidents as a generic CSV
coverage   coverage of incidents by a scenario's vehicles, as JSON
recommend  where the next unit(s) should go, as JSON
business   the business case of a plan against a baseline, as JSON
roads      download and cache Kent's OpenStreetMap drive graph (needs internet)

Exit status: 0 when the command ran, 2 with a one-line message for input it cannot use at all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from jru_geo.errors import JruGeoError
from jru_geo.io._csv import write_csv

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]


def _cmd_join(args: argparse.Namespace) -> int:
    from jru_geo.areas import join
    from jru_geo.io import boundaries, incidents

    result = incidents.read_incidents(args.incidents, fmt=args.format)
    joined = join.assign_areas(result.incidents, boundaries.load_districts(), boundaries.load_lsoas())
    out = result.originals.copy()
    out["district_code"] = joined["district_code"].to_numpy()
    out["district_name"] = joined["district_name"].to_numpy()
    out["lsoa_code"] = joined["lsoa_code"].to_numpy()
    out["easting"] = joined.geometry.x.round(1).to_numpy()
    out["northing"] = joined.geometry.y.round(1).to_numpy()
    out["in_kent"] = joined["in_kent"].to_numpy()
    out["nearest_district_code"] = joined["nearest_district_code"].to_numpy()
    out["nearest_district_m"] = joined["nearest_district_m"].to_numpy()
    write_csv(out, args.out)
    if args.rejects is not None:
        write_csv(result.rejects, args.rejects)
    s = join.join_summary(result.n_read, joined, len(result.rejects))
    print(
        f"read {s['read']:,} rows: joined {s['joined']:,} ({s['in_kent']:,} in Kent, "
        f"{s['outside_kent']:,} outside Kent of which {s['outside_near_border']:,} within "
        f"500 m of a district), rejected {s['rejected']:,}"
        + ("" if args.rejects else " (use --rejects FILE to write them)")
        + f"; wrote {args.out}"
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from jru_geo.io import boundaries, demo

    gdf = demo.demo_incidents(boundaries.load_lsoas(), seed=args.seed, year=args.year)
    write_csv(demo.to_generic_csv(gdf), args.out)
    print(f"wrote {len(gdf):,} synthetic demo incidents for {args.year} (seed {args.seed}) to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m jru_geo",
        description="JRU Geo: joint-response (police + paramedic) coverage planning for Kent.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "join",
        help="join incident files to Kent districts and LSOAs",
        description="Read police.uk, STATS19 or generic CAD incident CSVs, give every usable row its "
        "district and LSOA, and write them with added columns district_code, district_name, lsoa_code, "
        "easting, northing, in_kent (plus nearest_district_code/_m for points just outside Kent).",
    )
    p.add_argument("incidents", nargs="+", type=Path, metavar="INCIDENTS", help="incident CSV file(s)")
    p.add_argument("-o", "--out", type=Path, required=True, help="output CSV of the joined rows")
    p.add_argument("--rejects", type=Path, help="output CSV of unusable rows with file, row and reason")
    p.add_argument(
        "--format",
        choices=["auto", "policeuk", "stats19", "generic"],
        default="auto",
        help="input format (default: detected from the header)",
    )
    p.set_defaults(handler=_cmd_join)

    p = sub.add_parser(
        "demo",
        help="write the synthetic demo incidents",
        description="Write one seeded synthetic year of joint police-ambulance incidents for Kent in the "
        "generic CSV format (incident_id, datetime, category, latitude, longitude). SYNTHETIC DATA.",
    )
    p.add_argument("-o", "--out", type=Path, required=True, help="output CSV")
    p.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    p.add_argument("--year", type=int, default=2025, help="calendar year of the incidents (default 2025)")
    p.set_defaults(handler=_cmd_demo)

    _add_engine_commands(sub)
    return parser


def _add_engine_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Coverage, recommend and roads subcommands (see jru_geo/_cli_engine.py)."""
    from jru_geo import _cli_business, _cli_engine

    _cli_engine.add_commands(sub)
    _cli_business.add_command(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (JruGeoError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
