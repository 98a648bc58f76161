"""The headline count named for its source, and the period the incidents cover."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from jru_geo.errors import JruGeoError
from jru_geo.io.sources import format_day, headline_count, incident_period


@pytest.mark.parametrize(
    ("source", "label", "text"),
    [
        ("policeuk", "Police-recorded crimes", "3 police-recorded crimes"),
        ("stats19", "Collisions", "3 collisions"),
        ("generic", "Joint incidents", "3 joint incidents"),
        ("demo", "Joint incidents", "3 joint incidents"),
        ("something else", "Incidents", "3 incidents"),
    ],
)
def test_a_count_is_named_for_its_source(source: str, label: str, text: str) -> None:
    h = headline_count([source] * 3)
    assert (h.label, h.text, h.count) == (label, text, 3)
    assert h.share_note == "" and h.jru_calls == 3


def test_one_is_singular() -> None:
    assert headline_count(["stats19"]).text == "1 collision"


def test_the_jru_share_is_said_beside_the_count() -> None:
    h = headline_count(pd.Series(["policeuk"] * 42_701), demand_share=0.08)
    # 42,701 x 0.08 = 3,416.08
    assert h.text == "42,701 police-recorded crimes; 8% taken as JRU calls = 3,416"
    assert h.label == "Police-recorded crimes" and h.jru_calls == 3_416
    assert headline_count(["demo"] * 10, demand_share=0.125).share_note == "12.5% taken as JRU calls = 1"


def test_mixed_sources_are_named_as_such() -> None:
    h = headline_count(["stats19", "policeuk", "policeuk", "policeuk", "stats19"])
    assert h.label == "Incidents (mixed sources)"
    assert h.text == "5 incidents from mixed sources (3 police-recorded crimes, 2 collisions)"
    # the demo and a generic log are both joint incidents: not mixed
    assert headline_count(["demo", "generic"]).label == "Joint incidents"


def test_no_incidents_and_a_bad_share() -> None:
    assert headline_count([]).text == "0 incidents"
    with pytest.raises(JruGeoError, match=r"demand_share must be in \(0, 1\]"):
        headline_count(["demo"], demand_share=0.0)


def _period(times: list[str], precision: list[str], sources: list[str] | None = None) -> str:
    src = None if sources is None else pd.Series(sources)
    return incident_period(pd.Series(pd.to_datetime(times)), pd.Series(precision), src).text


def test_period_of_month_precision_runs_to_the_end_of_the_last_month() -> None:
    # police.uk Jan-Mar 2025: each row holds the first of its month
    times = ["2025-01-01", "2025-02-01", "2025-03-01"]
    assert (
        _period(times, ["month"] * 3, ["policeuk"] * 3)
        == "1 Jan 2025 to 31 Mar 2025 (police.uk gives the month only)"
    )
    assert (
        _period(["2024-02-01"], ["month"], ["generic"])
        == "1 Feb 2024 to 29 Feb 2024 (the data gives the month only)"
    )


def test_period_of_day_and_minute_precision() -> None:
    assert _period(["2019-01-31", "2019-02-03"], ["day", "day"]) == "31 Jan 2019 to 3 Feb 2019"
    minutes = ["2025-06-13 23:15", "2025-01-02 00:05", "2025-12-31 23:59"]
    assert _period(minutes, ["minute"] * 3, ["demo"] * 3) == "2 Jan 2025 to 31 Dec 2025"


def test_period_of_mixed_precision() -> None:
    # a STATS19 collision on 10 Apr and police.uk months to March: the collision is last
    p = incident_period(
        pd.Series(pd.to_datetime(["2025-01-01", "2025-03-01", "2025-04-10 09:00"], format="ISO8601")),
        pd.Series(["month", "month", "minute"]),
        pd.Series(["policeuk", "policeuk", "stats19"]),
    )
    assert (p.first, p.last) == (dt.date(2025, 1, 1), dt.date(2025, 4, 10))
    assert p.text == "1 Jan 2025 to 10 Apr 2025 (police.uk gives the month only)"


def test_no_dated_incidents() -> None:
    assert _period([], []) == "no incidents"
    assert incident_period(pd.Series(pd.to_datetime([None])), pd.Series(["minute"])).first is None


def test_format_day() -> None:
    assert format_day(dt.date(2025, 3, 1)) == "1 Mar 2025"
