"""The calibration recovers a known share and reach from figures made with them."""

from __future__ import annotations

import pandas as pd
import pytest
from history_factories import hand_history

from jru_geo.io.scenario import Scenario
from jru_geo.model.backtest import DAYS_PER_YEAR, replay
from jru_geo.model.history import History, parse_history
from jru_geo.optimise.calibrate import CalibrationError, calibrate, fit_share, snap_reach
from jru_geo.week import weekly_hours_of

TRUE_SHARE, TRUE_REACH = 0.6, 32.0


def factory(share: float, reach: float):
    """Calls per on-shift hour: share x reach / 20 on Fri/Sat nights, share x (reach / 20)^2 otherwise,
    so the two published figures pin share and reach apart."""

    def evaluate(sc: Scenario) -> pd.DataFrame:
        rows = []
        for v in sc.vehicles:
            hours = weekly_hours_of(v.shifts)
            per_hour = share * (reach / 20 if hours == 16 else (reach / 20) ** 2)
            rows.append(
                {
                    "vehicle_id": v.id,
                    "calls_attended_per_year": per_hour * hours * DAYS_PER_YEAR / 7,
                    "weekly_hours": hours,
                }
            )
        return pd.DataFrame(rows)

    return evaluate


def _made_with_truth() -> History:
    h = parse_history(hand_history())
    truth = replay(h, factory(TRUE_SHARE, TRUE_REACH), start="2020-01", end="2020-02")
    data = hand_history(calls_attended=truth.modelled_calls, jobs_per_shift=truth.modelled_jobs_per_8h)
    return parse_history(data)


def test_calibration_recovers_known_share_and_reach() -> None:
    h = _made_with_truth()
    cal = calibrate(h, factory, start="2020-01", end="2020-02", x0=(0.4, 25.0))
    assert cal.fit.demand_scale == pytest.approx(TRUE_SHARE, rel=0.02)
    assert cal.fit.dispatch_reach_min == pytest.approx(TRUE_REACH, rel=0.02)
    assert abs(cal.fit.residuals["calls_share"]) < 0.005
    assert abs(cal.fit.residuals["jobs_per_8h_share"]) < 0.005
    assert cal.notes[0] == "both published figures are reproduced within 2%"
    # d calls / d share at the truth: calls are linear in share
    assert cal.jacobian["calls"]["per_0.1_share"] == pytest.approx(
        cal.fit.backtest.modelled_calls / TRUE_SHARE * 0.1, rel=0.02
    )
    assert cal.moves["published_calls_10pct_higher"] is not None


def test_share_alone_at_a_fixed_reach_and_snapping() -> None:
    h = _made_with_truth()
    at_truth = fit_share(h, factory, reach_min=TRUE_REACH, start="2020-01", end="2020-02", x0=0.3)
    assert at_truth.demand_scale == pytest.approx(TRUE_SHARE, rel=0.02)
    cal = calibrate(h, factory, start="2020-01", end="2020-02", x0=(0.4, 25.0))
    snapped = snap_reach(h, factory, cal.fit, (20, 30, 35, 40), start="2020-01", end="2020-02")
    assert snapped.dispatch_reach_min in (30.0, 35.0)


def test_bad_start_values_are_refused() -> None:
    with pytest.raises(CalibrationError, match="start values"):
        calibrate(_made_with_truth(), factory, start="2020-01", end="2020-02", x0=(1.5, 25.0))
    with pytest.raises(CalibrationError, match="no reach choices"):
        h = _made_with_truth()
        snap_reach(
            h,
            factory,
            calibrate(h, factory, start="2020-01", end="2020-02").fit,
            (),
            start="2020-01",
            end="2020-02",
        )
