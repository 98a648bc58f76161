"""The 43 territorial police forces of England and Wales, and ``--area`` names for them.

Slugs and names are police.uk's own: the slug is the force id in police.uk's API and file names
(``2025-01-surrey-street.csv``), the name is what police.uk writes in the ``Falls within`` column.
British Transport Police and the Police Service of Northern Ireland are not territorial forces of
England and Wales and are not listed.
"""

from __future__ import annotations

import difflib
import re

from jru_geo.errors import AreaError

__all__ = ["ALL_AREA", "FORCES", "force_for_falls_within", "resolve_forces"]

ALL_AREA = "england-wales"
"""The ``--area`` name meaning every force."""

FORCES: dict[str, str] = {
    "avon-and-somerset": "Avon and Somerset Constabulary",
    "bedfordshire": "Bedfordshire Police",
    "cambridgeshire": "Cambridgeshire Constabulary",
    "cheshire": "Cheshire Constabulary",
    "city-of-london": "City of London Police",
    "cleveland": "Cleveland Police",
    "cumbria": "Cumbria Constabulary",
    "derbyshire": "Derbyshire Constabulary",
    "devon-and-cornwall": "Devon & Cornwall Police",
    "dorset": "Dorset Police",
    "durham": "Durham Constabulary",
    "dyfed-powys": "Dyfed-Powys Police",
    "essex": "Essex Police",
    "gloucestershire": "Gloucestershire Constabulary",
    "greater-manchester": "Greater Manchester Police",
    "gwent": "Gwent Police",
    "hampshire": "Hampshire Constabulary",
    "hertfordshire": "Hertfordshire Constabulary",
    "humberside": "Humberside Police",
    "kent": "Kent Police",
    "lancashire": "Lancashire Constabulary",
    "leicestershire": "Leicestershire Police",
    "lincolnshire": "Lincolnshire Police",
    "merseyside": "Merseyside Police",
    "metropolitan": "Metropolitan Police Service",
    "norfolk": "Norfolk Constabulary",
    "north-wales": "North Wales Police",
    "north-yorkshire": "North Yorkshire Police",
    "northamptonshire": "Northamptonshire Police",
    "northumbria": "Northumbria Police",
    "nottinghamshire": "Nottinghamshire Police",
    "south-wales": "South Wales Police",
    "south-yorkshire": "South Yorkshire Police",
    "staffordshire": "Staffordshire Police",
    "suffolk": "Suffolk Constabulary",
    "surrey": "Surrey Police",
    "sussex": "Sussex Police",
    "thames-valley": "Thames Valley Police",
    "warwickshire": "Warwickshire Police",
    "west-mercia": "West Mercia Police",
    "west-midlands": "West Midlands Police",
    "west-yorkshire": "West Yorkshire Police",
    "wiltshire": "Wiltshire Police",
}
"""police.uk slug -> police.uk force name (as in ``Falls within``), the 43 territorial forces."""

_SUFFIXES = ("police service", "constabulary", "police")


def _key(text: str) -> str:
    """Reduce a force name to its place: lower case, ``&`` as ``and``, no suffix, no punctuation."""
    t = text.strip().lower().replace("&", " and ")
    t = re.sub(r"[^a-z]+", " ", t).strip()
    for suffix in _SUFFIXES:
        if t.endswith(" " + suffix):
            t = t[: -len(suffix) - 1]
            break
    return re.sub(r"\s+", " ", t).strip()


_BY_KEY = {_key(name): slug for slug, name in FORCES.items()} | {
    slug.replace("-", " "): slug for slug in FORCES
}
_BY_KEY["metropolitan"] = "metropolitan"


def force_for_falls_within(text: str) -> str | None:
    """Return the slug of the force a police.uk ``Falls within`` value names, or None if it names none.

    Matching ignores case, spacing, punctuation, ``&`` versus ``and`` and the suffix (``Police``,
    ``Constabulary``, ``Police Service``): ``"Devon and Cornwall Police"`` -> ``"devon-and-cornwall"``.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    return _BY_KEY.get(_key(text))


def resolve_forces(name: str) -> tuple[str, ...]:
    """Return the force slugs an ``--area`` value names, in registry order.

    ``name`` is a slug (``surrey``), a comma list of slugs (``kent,surrey``) or ``england-wales``
    (all 43). Case and spaces around commas are ignored. An unknown slug raises :class:`AreaError`
    naming it and the closest slugs.
    """
    parts = [p.strip().lower() for p in str(name).split(",")]
    if not any(parts):
        raise AreaError(f"--area is empty; give a force slug such as 'kent', a comma list, or '{ALL_AREA}'")
    wanted: set[str] = set()
    for part in parts:
        if not part:
            raise AreaError(f"--area {name!r} has an empty item; separate force slugs with single commas")
        if part == ALL_AREA:
            wanted.update(FORCES)
        elif part in FORCES:
            wanted.add(part)
        else:
            close = difflib.get_close_matches(part, [*FORCES, ALL_AREA], n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "no close match"
            raise AreaError(
                f"--area: unknown police force {part!r} ({hint}); give a police.uk force slug "
                f"such as 'kent', a comma list, or '{ALL_AREA}'"
            )
    return tuple(slug for slug in FORCES if slug in wanted)
