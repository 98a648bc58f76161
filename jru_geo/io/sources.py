"""What the incidents are, in words: the headline count named for its source, and the period.

A count is named for what the data holds, not for what the dashboard plans (:func:`headline_count`):

============  ======================================================================
``source``    a count of its rows is called
============  ======================================================================
``policeuk``  police-recorded crimes (police.uk street-level crime and ASB)
``stats19``   collisions (DfT STATS19)
``generic``   joint incidents (a CAD or joint-call log)
``demo``      joint incidents (the synthetic demo year)
============  ======================================================================

Rows of several kinds are "incidents from mixed sources", with the count of each kind. Where only a
share of the rows is taken as JRU calls (:attr:`jru_geo.model.assumptions.ModelAssumptions.demand_share`
below 1) the share and the calls it gives are said beside the count: ``"42,701 police-recorded
crimes; 8% taken as JRU calls = 3,416"``.

The period (:func:`incident_period`) runs from the first incident's day to the last one's; a row known
only to the month (police.uk) runs to the last day of its month: ``"1 Jan 2025 to 31 Mar 2025
(police.uk gives the month only)"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jru_geo.errors import TravelModelError

__all__ = ["SOURCE_NOUNS", "Headline", "headline_count", "Period", "incident_period", "format_day"]

SOURCE_NOUNS: dict[str, tuple[str, str]] = {
    "policeuk": ("police-recorded crime", "police-recorded crimes"),
    "stats19": ("collision", "collisions"),
    "generic": ("joint incident", "joint incidents"),
    "demo": ("joint incident", "joint incidents"),
}
"""Source (the ``source`` column) -> (singular, plural) noun for a count of its rows."""

_UNKNOWN = ("incident", "incidents")


@dataclass(frozen=True)
class Headline:
    """A count of incidents named for its source, and the JRU calls it stands for.

    Attributes
    ----------
    count
        Rows counted.
    noun
        What they are, plural and lower case (``"police-recorded crimes"``,
        ``"incidents from mixed sources"``).
    by_kind
        ``(noun, count)`` of each kind of row, largest first; more than one when sources are mixed.
    demand_share
        Share (0-1] of the rows taken as JRU calls.
    """

    count: int
    noun: str
    by_kind: tuple[tuple[str, int], ...]
    demand_share: float

    @property
    def label(self) -> str:
        """The noun as a heading: ``"Police-recorded crimes"``, ``"Incidents (mixed sources)"``."""
        if len(self.by_kind) > 1:
            return "Incidents (mixed sources)"
        return self.noun[:1].upper() + self.noun[1:]

    @property
    def jru_calls(self) -> int:
        """The rows taken as JRU calls: ``count * demand_share``, rounded."""
        return int(round(self.count * self.demand_share))

    @property
    def share_note(self) -> str:
        """``"8% taken as JRU calls = 3,416"``, or ``""`` when every row is a JRU call."""
        if self.demand_share >= 1:
            return ""
        return f"{round(100 * self.demand_share, 1):g}% taken as JRU calls = {self.jru_calls:,}"

    @property
    def count_text(self) -> str:
        """The count and its noun, with the kinds when mixed.

        ``"42,701 police-recorded crimes"``, or
        ``"5 incidents from mixed sources (3 police-recorded crimes, 2 collisions)"``.
        """
        words = f"{self.count:,} {self.noun if self.count != 1 else _singular(self.noun)}"
        if len(self.by_kind) > 1:
            words += " (" + ", ".join(f"{n:,} {kind}" for kind, n in self.by_kind) + ")"
        return words

    @property
    def text(self) -> str:
        """The count in words and the JRU share when below 1.

        ``"42,701 police-recorded crimes; 8% taken as JRU calls = 3,416"``.
        """
        return f"{self.count_text}; {self.share_note}" if self.share_note else self.count_text


def _singular(plural: str) -> str:
    for one, many in (*SOURCE_NOUNS.values(), _UNKNOWN):
        if many == plural:
            return one
    return plural


def headline_count(sources: pd.Series | Sequence[str], *, demand_share: float = 1.0) -> Headline:
    """Name a count of incidents for their source, and say the JRU calls it stands for.

    Parameters
    ----------
    sources
        The ``source`` of each incident counted (``"policeuk"``, ``"stats19"``, ``"generic"``,
        ``"demo"``); an unknown source counts as plain "incidents".
    demand_share
        Share (0-1] of them taken as JRU calls (``ModelAssumptions.demand_share``).

    Returns
    -------
    Headline
        The count, its noun, the count of each kind and the share.

    Raises
    ------
    TravelModelError
        ``demand_share`` is not in (0, 1], as :class:`~jru_geo.model.assumptions.ModelAssumptions`.

    Examples
    --------
    >>> headline_count(["policeuk"] * 42_701, demand_share=0.08).text
    '42,701 police-recorded crimes; 8% taken as JRU calls = 3,416'
    >>> headline_count(["demo", "generic"]).text
    '2 joint incidents'
    >>> headline_count(["policeuk", "stats19", "stats19"]).label
    'Incidents (mixed sources)'
    """
    if not (np.isfinite(demand_share) and 0 < demand_share <= 1):
        raise TravelModelError(
            f"demand_share must be in (0, 1] (share of incidents that are JRU calls), got {demand_share!r}"
        )
    values = pd.Series(sources, dtype="object").astype("string").fillna("")
    kinds = values.map(lambda s: SOURCE_NOUNS.get(s, _UNKNOWN)[1])
    counts = kinds.value_counts(sort=False)
    by_kind = tuple(sorted(((str(k), int(n)) for k, n in counts.items()), key=lambda kn: (-kn[1], kn[0])))
    if len(by_kind) == 1:
        noun = by_kind[0][0]
    elif by_kind:
        noun = "incidents from mixed sources"
    else:
        noun = _UNKNOWN[1]
    return Headline(count=int(len(values)), noun=noun, by_kind=by_kind, demand_share=float(demand_share))


def format_day(day: dt.date) -> str:
    """Write a day as ``"1 Jan 2025"``.

    Parameters
    ----------
    day
        The day.

    Returns
    -------
    str
        Day of the month without a leading zero, short month name, year.
    """
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Period:
    """The days some incidents cover.

    Attributes
    ----------
    first, last
        First and last day (``None`` when there are no dated incidents); a month-precision row
        counts to the last day of its month.
    note
        Why the last day is a month's end, e.g. ``"police.uk gives the month only"``; ``""`` when
        every row has its day.
    """

    first: dt.date | None
    last: dt.date | None
    note: str = ""

    @property
    def text(self) -> str:
        """``"1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)"``, or ``"no incidents"``."""
        if self.first is None or self.last is None:
            return "no incidents"
        span = f"{format_day(self.first)} to {format_day(self.last)}"
        return f"{span} ({self.note})" if self.note else span


def incident_period(times: pd.Series, precision: pd.Series, sources: pd.Series | None = None) -> Period:
    """Measure the days incidents cover, a month-precision row counting to its month's end.

    Parameters
    ----------
    times
        Incident times (``time``; a month-precision row holds the first of its month).
    precision
        ``time_precision`` of each row: ``"month"``, ``"day"``, ``"minute"``...
    sources
        ``source`` of each row, to say which source gives only the month; optional.

    Returns
    -------
    Period
        First and last day, and a note when month-precision rows set the last day.

    Examples
    --------
    >>> t = pd.Series(pd.to_datetime(["2025-01-01", "2025-03-01"]))
    >>> incident_period(t, pd.Series(["month", "month"]), pd.Series(["policeuk"] * 2)).text
    '1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)'
    """
    stamps = pd.to_datetime(pd.Series(times).reset_index(drop=True))
    prec = pd.Series(precision).astype("object").reset_index(drop=True)
    known = stamps.notna()
    if not known.any():
        return Period(None, None)
    is_month = (prec == "month") & known
    ends = stamps.copy()
    if is_month.any():
        ends[is_month] = stamps[is_month].dt.to_period("M").dt.end_time.dt.normalize()
    first, last = stamps[known].min().date(), ends[known].max().date()
    if not is_month.any():
        return Period(first, last)
    month_sources = (
        set() if sources is None else set(pd.Series(sources).reset_index(drop=True)[is_month].astype(str))
    )
    if month_sources == {"policeuk"}:
        note = "police.uk gives the month only"
    elif is_month[known].all():
        note = "the data gives the month only"
    else:
        note = "some rows give the month only"
    return Period(first, last, note)
