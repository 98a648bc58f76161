"""counts_by_hour_of_week by service day: the early hours are counted with the night they belong to,
as the filters (IncidentFilter.week_hours) and the shifts read them."""

from __future__ import annotations

import pandas as pd
import pytest

from jru_geo.areas.counts import count_without_hour, counts_by_hour_of_week
from jru_geo.areas.filters import IncidentFilter, filter_incidents
from jru_geo.week import SERVICE_HOURS


def _joined(times: list[str], precision: list[str] | None = None) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame(
        {
            "time": pd.to_datetime(times, format="ISO8601"),
            "time_precision": precision or ["minute"] * n,
            "category": ["violence"] * n,
            "district_code": ["E06000035"] * n,
            "in_kent": [True] * n,
        }
    )


# 2025-01-03 is a Friday.
TIMES = [
    "2025-01-03 19:00",  # Fri 19:00: Friday's service day
    "2025-01-04 01:15",  # Sat 01:15: Friday's night
    "2025-01-04 05:59",  # Sat 05:59: still Friday's night
    "2025-01-04 06:00",  # Sat 06:00: Saturday's service day starts
    "2025-01-06 03:00",  # Mon 03:00: Sunday's night (wraps)
]


def test_each_hour_has_its_service_day() -> None:
    how = counts_by_hour_of_week(_joined(TIMES))
    assert len(how) == 168 and how["incidents"].sum() == 5
    busy = how[how["incidents"] > 0]
    assert list(zip(busy["day"], busy["hour"], busy["service_day"], strict=True)) == [
        ("Mon", 3, "Sun"),
        ("Fri", 19, "Fri"),
        ("Sat", 1, "Fri"),
        ("Sat", 5, "Fri"),
        ("Sat", 6, "Sat"),
    ]
    # the place in the service day: 06:00 first, 00:00 nineteenth, 05:00 last
    assert busy["service_hour"].tolist() == [21, 13, 19, 23, 0]


def test_every_service_day_has_24_hours_in_order() -> None:
    how = counts_by_hour_of_week(_joined([]))
    assert (how.groupby("service_day").size() == 24).all()
    friday = how[how["service_day"] == "Fri"].sort_values("service_hour")
    assert friday["hour"].tolist() == list(SERVICE_HOURS)
    assert friday["day"].tolist() == ["Fri"] * 18 + ["Sat"] * 6


@pytest.mark.parametrize("night", [(4,), (4, 5), (6,)])
def test_a_filtered_night_stays_on_its_own_service_day(night: tuple[int, ...]) -> None:
    # every hour of one week, one incident each: what a night filter keeps is drawn on its days only
    times = pd.date_range("2025-01-06 00:30", periods=168, freq="h").strftime("%Y-%m-%d %H:%M").tolist()
    joined = _joined(times)
    kept = filter_incidents(joined, IncidentFilter(days=night, hours=(18, 2))).incidents
    how = counts_by_hour_of_week(kept)
    shown = set(how.loc[how["incidents"] > 0, "service_day"])
    assert shown == {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d] for d in night}
    assert how["incidents"].sum() == 8 * len(night)


def test_untimed_rows_are_left_out_and_counted() -> None:
    joined = _joined(["2025-01-01", "2025-01-03", "2025-01-03 19:00"], ["month", "day", "minute"])
    assert counts_by_hour_of_week(joined)["incidents"].sum() == 1
    assert count_without_hour(joined) == 2
