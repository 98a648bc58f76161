"""The JRU Geo command line: ``python -m jru_geo COMMAND ...``.

Commands
--------
join       read incident files, give each its district and LSOA, write CSV (+ rejects)
demo       write the synthetic demo incidents as a generic CSV
coverage   coverage of incidents by a scenario's vehicles, as JSON
recommend  where the next unit(s) should go, as JSON
business   the business case of a plan against a baseline, as JSON
roads      download and cache Kent's OpenStreetMap drive graph (needs internet)

Exit status: 0 when the command ran, 2 with a one-line message for input it cannot use at all
(including an output path that is one of the inputs or the other output). Outputs are written whole
or not at all: to temporary files beside them, renamed into place when every one is complete.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo._cli_area import add_area_option
from jru_geo.errors import AreaError, JruGeoError, OutputFileError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from jru_geo.io.incidents import ReadResult

__all__ = ["main", "build_parser"]

Handler = Callable[[argparse.Namespace], int]


ADDED_COLUMNS = (
    "district_code",
    "district_name",
    "lsoa_code",
    "easting",
    "northing",
    "in_kent",
    "nearest_district_code",
    "nearest_district_m",
)
"""The columns ``join`` adds; an input column of the same name is kept as ``<name>_original``."""

AREA_ADDED_COLUMNS = (
    "force",
    "district_code",
    "district_name",
    "lsoa_code",
    "lsoa_name",
    "easting",
    "northing",
    "in_area",
    "snapped_m",
    "district_name_2011",
)
"""The columns ``join --area`` adds; an input column of the same name is kept as ``<name>_original``."""


def _same_file(a: Path, b: Path) -> bool:
    """Tell whether two paths name one file (symlinks and hard links included)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _check_outputs(inputs: Sequence[Path], outputs: Sequence[tuple[str, Path]]) -> None:
    """Refuse an output path that is an input or another output (before anything is read or written)."""
    for i, (flag, out) in enumerate(outputs):
        for source in inputs:
            if _same_file(out, source):
                raise OutputFileError(
                    f"{flag} {out} is the input file {source}; it would be overwritten: "
                    "give another output path"
                )
        for other_flag, other in outputs[:i]:
            if _same_file(out, other):
                raise OutputFileError(
                    f"{flag} {out} is the same file as {other_flag} {other}; "
                    "give the two outputs different paths"
                )


def _renamed(columns: Sequence[str], clash: Sequence[str]) -> dict[str, str]:
    """``{input column: new name}`` for input columns named like an added one (``<name>_original``)."""
    taken = set(columns) | set(clash)
    out: dict[str, str] = {}
    for col in columns:
        if col in clash:
            new = f"{col}_original"
            n = 1
            while new in taken:
                n += 1
                new = f"{col}_original{n}"
            taken.add(new)
            out[col] = new
    return out


def _joined_frame(
    originals: pd.DataFrame, joined: gpd.GeoDataFrame, added: Sequence[str], rename: dict[str, str]
) -> pd.DataFrame:
    """Return the file's own columns (``rename``-d where they clash) plus ``added`` from ``joined``."""
    out = originals.rename(columns=rename)
    for col in added:
        if col == "easting":
            out[col] = joined.geometry.x.round(1).to_numpy()
        elif col == "northing":
            out[col] = joined.geometry.y.round(1).to_numpy()
        else:
            out[col] = joined[col].to_numpy()
    return out


def _note_renamed(rename: dict[str, str]) -> None:
    for old, new in rename.items():
        print(
            f"note: the input column {old!r} is written as {new!r} (join adds its own {old})", file=sys.stderr
        )


def _write_joined(
    args: argparse.Namespace, result: ReadResult, joined: gpd.GeoDataFrame, added: Sequence[str]
) -> None:
    """Write the file's own columns plus ``added`` from ``joined`` (and the rejects), all or nothing."""
    from jru_geo.io._csv import write_csvs

    rename = _renamed([str(c) for c in result.originals.columns], added)
    files = {args.out: _joined_frame(result.originals, joined, added, rename)}
    if args.rejects is not None:
        files[args.rejects] = result.rejects
    write_csvs(files)
    _note_renamed(rename)


def _join_area(args: argparse.Namespace) -> int:
    """Run ``join --area``: every usable row joined (``in_area`` flags those outside), rejects as ``join``.

    Large files are read, joined and written ``--chunk-rows`` lines at a time
    (:func:`jru_geo.io._chunks.incident_sources`); the outputs are those of one read of everything.
    """
    from jru_geo.areas.national_join import assign_forces, national_summary, with_2021_districts
    from jru_geo.areas.registry import force_for_falls_within, resolve_forces
    from jru_geo.io import geocode_data, incidents
    from jru_geo.io._chunks import DEFAULT_CHUNK_ROWS, incident_sources
    from jru_geo.io._csv import write_csv_parts
    from jru_geo.io.national import load_national_lsoas

    forces = resolve_forces(args.area)
    chunk_rows = DEFAULT_CHUNK_ROWS if args.chunk_rows is None else args.chunk_rows
    sources = incident_sources(args.incidents, chunk_rows=chunk_rows)
    try:
        districts: pd.DataFrame | None = geocode_data.load_lsoa_districts()
    except AreaError as err:
        districts = None
        print(
            f"note: district_name is the 2011 local authority (Wycombe, not Buckinghamshire): {err}",
            file=sys.stderr,
        )
    lsoas = with_2021_districts(load_national_lsoas(force_for_falls_within), districts)
    s: Counter[str] = Counter()
    rename: dict[str, str] = {}

    def parts() -> Iterator[list[pd.DataFrame]]:
        for source in sources:
            result = incidents.read_incidents(source, fmt=args.format)
            joined = assign_forces(result.incidents, lsoas, forces)
            s.update(national_summary(result.n_read, joined, len(result.rejects)))
            rename.update(_renamed([str(c) for c in result.originals.columns], AREA_ADDED_COLUMNS))
            frames = [_joined_frame(result.originals, joined, AREA_ADDED_COLUMNS, rename)]
            if args.rejects is not None:
                frames.append(result.rejects)
            del result, joined
            yield frames

    write_csv_parts([args.out] + ([] if args.rejects is None else [args.rejects]), parts())
    _note_renamed(rename)
    where = "England and Wales" if len(forces) > 40 else ", ".join(forces)
    print(
        f"read {s['read']:,} rows: joined {s['joined']:,} ({s['in_area']:,} in {where}, "
        f"{s['outside_area']:,} outside it and flagged in_area=False, of which {s['no_lsoa']:,} in no "
        f"LSOA; {s['snapped']:,} snapped to an LSOA within 500 m), rejected {s['rejected']:,}"
        + ("" if args.rejects else " (use --rejects FILE to write them)")
        + f"; wrote {args.out}"
        + ("" if args.rejects is None else f" and {args.rejects}")
    )
    return 0


def _cmd_join(args: argparse.Namespace) -> int:
    from jru_geo.areas import join
    from jru_geo.io import boundaries, incidents

    outputs = [("-o", args.out)] + ([] if args.rejects is None else [("--rejects", args.rejects)])
    _check_outputs(args.incidents, outputs)
    if args.area is not None:
        return _join_area(args)
    result = incidents.read_incidents(args.incidents, fmt=args.format)
    joined = join.assign_areas(result.incidents, boundaries.load_districts(), boundaries.load_lsoas())
    _write_joined(args, result, joined, ADDED_COLUMNS)
    s = join.join_summary(result.n_read, joined, len(result.rejects))
    print(
        f"read {s['read']:,} rows: joined {s['joined']:,} ({s['in_kent']:,} in Kent, "
        f"{s['outside_kent']:,} outside Kent of which {s['outside_near_border']:,} within "
        f"500 m of a district), rejected {s['rejected']:,}"
        + ("" if args.rejects else " (use --rejects FILE to write them)")
        + f"; wrote {args.out}"
        + ("" if args.rejects is None else f" and {args.rejects}")
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from jru_geo._cli_area import area_of
    from jru_geo.io import boundaries, demo

    settings = area_of(args)
    gdf = demo.demo_incidents(
        boundaries.load_lsoas(settings=settings),
        seed=args.seed,
        year=args.year,
        params=demo.demo_parameters(settings=settings),
    )
    from jru_geo.io._csv import write_csv

    write_csv(demo.to_generic_csv(gdf), args.out)
    where = "" if settings.is_kent else f" in {settings.area_name}"
    print(
        f"wrote {len(gdf):,} synthetic demo incidents{where} for {args.year} (seed {args.seed}) to {args.out}"
    )
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


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
    p.add_argument(
        "--area",
        metavar="FORCES",
        help="join to police force areas of England and Wales instead of Kent: a police.uk force slug "
        "(surrey), a comma list (kent,surrey) or england-wales; adds force, lsoa_name, in_area, snapped_m, "
        "district_name_2011 (districts of 2021)",
    )
    p.add_argument(
        "--chunk-rows",
        type=_positive_int,
        metavar="N",
        help="with --area: read, join and write large files N lines at a time (default 1,000,000) to "
        "bound memory; the output is the same",
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
    add_area_option(p)
    p.set_defaults(handler=_cmd_demo)

    _add_engine_commands(sub)
    return parser


def _add_engine_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Coverage, recommend and roads subcommands (see jru_geo/_cli_engine.py)."""
    from jru_geo import _cli_business, _cli_engine, _cli_history, _cli_report

    _cli_engine.add_commands(sub)
    _cli_business.add_command(sub)
    _cli_history.add_commands(sub)
    _cli_report.add_commands(sub)


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
