"""A hand-made history and a fixed evaluation whose backtest can be worked out by hand (shared by the
history, calibration and command-line tests)."""

from __future__ import annotations

import pandas as pd
from factories import LINE_X0, LINE_Y0

from jru_geo.io.scenario import Scenario
from jru_geo.model.backtest import DAYS_PER_YEAR
from jru_geo.week import weekly_hours_of

__all__ = ["hand_history", "one_call_a_day_per_16_hours"]


def _unit(uid: str, periods: list[dict[str, str]], **extra: object) -> dict[str, object]:
    return {
        "id": uid,
        "name": f"Unit {uid}",
        "base": {"easting": LINE_X0, "northing": LINE_Y0},
        "periods": periods,
        **extra,
    }


def hand_history(**published: object) -> dict[str, object]:
    """A starts 15 Jan 2020 on Fri/Sat nights (16 h a week), every evening (56 h) from 1 Feb; B every
    evening from 10 Feb."""
    pub: dict[str, object] = {
        "calls_attended": 200,
        "calls_from": "2020-01",
        "calls_to": "2020-02",
        "jobs_per_shift": 7,
        "shift_hours": 8,
        "jobs_unit": "A",
        "jobs_from": "2020-01",
        "jobs_to": "2020-01",
    }
    pub.update(published)
    return {
        "name": "hand-made",
        "units": [
            _unit(
                "A",
                [
                    {"from": "2020-01-15", "pattern": "fri-sat-nights", "basis": "record"},
                    {
                        "from": "2020-02-01",
                        "pattern": "every-evening",
                        "basis": "assumption",
                        "note": "guessed",
                    },
                ],
            ),
            _unit("B", [{"from": "2020-02-10", "pattern": "mon-sun@18:00-02:00", "basis": "record"}]),
        ],
        "published": pub,
    }


def one_call_a_day_per_16_hours(sc: Scenario) -> pd.DataFrame:
    """A unit on 16 h a week attends 1 call a day; on 56 h, 3.5 (the same 3.5 jobs per 8 hours)."""
    hours = [weekly_hours_of(v.shifts) for v in sc.vehicles]
    return pd.DataFrame(
        {
            "vehicle_id": [v.id for v in sc.vehicles],
            "calls_attended_per_year": [DAYS_PER_YEAR * h / 16 for h in hours],
            "weekly_hours": hours,
        }
    )
