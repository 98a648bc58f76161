"""The ``--area`` option shared by the CLI's commands, and the settings it stands for."""

from __future__ import annotations

import argparse
import sys

from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = ["add_area_option", "area_of"]


def add_area_option(p: argparse.ArgumentParser) -> None:
    """Add ``--area NAME`` (default ``kent``) to a subcommand's parser."""
    p.add_argument(
        "--area",
        default="kent",
        metavar="NAME",
        help="police force area: a police.uk slug (kent, surrey, gwent...), a comma list (kent,surrey) "
        "or an ambulance service (secamb); built from the installed packages on first use (default: kent)",
    )


def area_of(args: argparse.Namespace) -> Settings:
    """Return the settings of ``args.area`` (Kent's committed data by default), built on first use.

    Raises :class:`~jru_geo.errors.AreaError` for an unknown area (the message names the closest).
    """
    name = getattr(args, "area", None) or "kent"
    if name.strip().lower() == "kent":
        return DEFAULT_SETTINGS
    from jru_geo.areas import area

    resolved = area.resolve_area(name)
    if not (area.area_dir(resolved) / "area.json").is_file():
        print(
            f"building the data for {resolved.name} (first use, about 30 s)...", file=sys.stderr, flush=True
        )
    return area.area_settings(name)
