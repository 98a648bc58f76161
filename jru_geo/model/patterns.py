"""Shift patterns a new unit may work: named ones from the JRU record, or the user's own.

A new unit is a base *and* a pattern: the real Kent JRU started on Friday and Saturday nights
(March 2018) and later ran every evening and at weekends, which is exactly the choice a planner
weighs. Patterns are written like scenario shifts: nights belong to the day they start
(``Sat 18:00-02:00`` runs to Sunday 02:00).

Named patterns (:data:`PATTERNS`):

``every-evening``
    Every day 18:00-02:00 (56 hours a week).
``fri-sat-nights``
    Friday and Saturday 18:00-02:00 (16 hours), the 2018 pilot.
``evenings-and-weekend-days``
    Every day 18:00-02:00 and Saturday and Sunday 10:00-18:00 (72 hours), as the shipped 2020
    scenario reads "every evening and at weekends" (an assumption: see data/scenarios/README.md).

Your own: ``DAYS@HH:MM-HH:MM`` joined by ``+``, days as ``fri,sat`` or a range ``mon-sun``, e.g.
``fri,sat@18:00-02:00`` or ``mon-fri@19:00-03:00+sat,sun@12:00-04:00``.

Examples
--------
>>> parse_pattern("fri-sat-nights").weekly_hours
16.0
>>> parse_pattern("fri,sat@20:00-04:00").weekly_hours
16.0
>>> parse_pattern("mon-sun@18:00-02:00").weekly_hours
56.0
>>> PATTERNS["evenings-and-weekend-days"].describe()
'every day 18:00-02:00 + Sat, Sun 10:00-18:00 (72 h a week)'
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from jru_geo.errors import ScenarioError
from jru_geo.io.scenario import Shift
from jru_geo.week import DAYS, weekly_hours_of

__all__ = ["ShiftPattern", "PATTERNS", "DEFAULT_PATTERNS", "parse_pattern", "parse_patterns"]


@dataclass(frozen=True)
class ShiftPattern:
    """A named weekly shift pattern.

    Attributes
    ----------
    name
        Its name (a key of :data:`PATTERNS`, or the text it was parsed from).
    shifts
        The weekly shifts, as a scenario vehicle has them.
    """

    name: str
    shifts: tuple[Shift, ...]

    @property
    def weekly_hours(self) -> float:
        """Hours a week on shift (overlaps counted once)."""
        return weekly_hours_of(self.shifts)

    def describe(self) -> str:
        """Say the pattern in words, e.g. ``"Fri, Sat 18:00-02:00 (16 h a week)"``."""
        parts = []
        for shift in self.shifts:
            days = "every day" if len(set(shift.days)) == len(DAYS) else ", ".join(shift.days)
            parts.append(f"{days} {shift.start}-{shift.end}")
        return f"{' + '.join(parts)} ({self.weekly_hours:g} h a week)"

    def as_dicts(self) -> list[dict[str, object]]:
        """Give the shifts as scenario JSON (``days``, ``start``, ``end``)."""
        return [{"days": list(s.days), "start": s.start, "end": s.end} for s in self.shifts]


def _shift(days: list[str], start: str, end: str) -> Shift:
    return Shift.model_validate({"days": days, "start": start, "end": end})


PATTERNS: dict[str, ShiftPattern] = {
    "every-evening": ShiftPattern("every-evening", (_shift(list(DAYS), "18:00", "02:00"),)),
    "fri-sat-nights": ShiftPattern("fri-sat-nights", (_shift(["Fri", "Sat"], "18:00", "02:00"),)),
    "evenings-and-weekend-days": ShiftPattern(
        "evenings-and-weekend-days",
        (_shift(list(DAYS), "18:00", "02:00"), _shift(["Sat", "Sun"], "10:00", "18:00")),
    ),
}
"""The named patterns, from the public record of the Kent JRUs."""

DEFAULT_PATTERNS: tuple[str, ...] = tuple(PATTERNS)
"""The patterns ``recommend`` weighs when none are given: all the named ones."""

_DAY_INDEX = {d.lower(): i for i, d in enumerate(DAYS)}


def _days(text: str, whole: str) -> list[str]:
    out: list[str] = []
    for part in text.split(","):
        part = part.strip().lower()
        first, _, last = part.partition("-")
        if first[:3] not in _DAY_INDEX or (last and last[:3] not in _DAY_INDEX):
            raise ScenarioError(
                f"shift pattern {whole!r}: {part!r} is not a day or a day range; use e.g. fri,sat or mon-sun"
            )
        a = _DAY_INDEX[first[:3]]
        b = _DAY_INDEX[last[:3]] if last else a
        span = range(a, b + 1) if b >= a else [*range(a, 7), *range(0, b + 1)]
        out.extend(DAYS[i] for i in span if DAYS[i] not in out)
    return out


def parse_pattern(text: str) -> ShiftPattern:
    """Read a pattern: a name of :data:`PATTERNS` or ``DAYS@HH:MM-HH:MM[+DAYS@HH:MM-HH:MM...]``.

    Parameters
    ----------
    text
        The pattern.

    Returns
    -------
    ShiftPattern
        The pattern, named ``text`` (trimmed).

    Raises
    ------
    ScenarioError
        Neither a known name nor a well-formed pattern; the message says which part is wrong.
    """
    name = text.strip()
    if name.lower() in PATTERNS:
        return PATTERNS[name.lower()]
    if "@" not in name:
        raise ScenarioError(
            f"unknown shift pattern {name!r}; use one of {', '.join(PATTERNS)} or DAYS@HH:MM-HH:MM, "
            "e.g. fri,sat@18:00-02:00"
        )
    shifts: list[Shift] = []
    for block in name.split("+"):
        days, _, times = block.partition("@")
        start, sep, end = times.strip().partition("-")
        if not sep:
            raise ScenarioError(f"shift pattern {name!r}: {block.strip()!r} needs HH:MM-HH:MM after the @")
        try:
            shifts.append(_shift(_days(days, name), start.strip(), end.strip()))
        except ValidationError as exc:
            reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise ScenarioError(f"shift pattern {name!r}: {reason}") from None
    return ShiftPattern(name, tuple(shifts))


def parse_patterns(texts: str | list[str] | tuple[str, ...] | None) -> tuple[ShiftPattern, ...]:
    """Read several patterns (a comma-free list, or one string separated by spaces or semicolons).

    Parameters
    ----------
    texts
        Pattern texts; ``None`` or empty gives :data:`DEFAULT_PATTERNS`.

    Returns
    -------
    tuple of ShiftPattern
        In the order given, duplicates dropped.

    Raises
    ------
    ScenarioError
        A pattern that cannot be read.
    """
    if texts is None or (isinstance(texts, str) and not texts.strip()):
        items: list[str] = list(DEFAULT_PATTERNS)
    elif isinstance(texts, str):
        items = [t for t in texts.replace(";", " ").split() if t]
    else:
        items = [t for t in texts if t.strip()] or list(DEFAULT_PATTERNS)
    out: list[ShiftPattern] = []
    for item in items:
        pattern = parse_pattern(item)
        if all(p.name != pattern.name for p in out):
            out.append(pattern)
    return tuple(out)
