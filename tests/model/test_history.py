"""The history schema, the fleet in force day by day, and the backtest on a hand-made history whose
answers can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import LINE_X0, LINE_Y0, make_incidents, make_line_lsoas
from history_factories import hand_history, one_call_a_day_per_16_hours

from jru_geo.model.backtest import engine_evaluator, replay
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.history import (
    HistoryError,
    assumptions_of,
    fleet_on,
    fleet_spans,
    load_history,
    month_range,
    parse_history,
)
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.week import weekly_hours_of


def test_fleet_on_follows_the_periods() -> None:
    h = parse_history(hand_history())
    assert fleet_on(h, dt.date(2020, 1, 14)).vehicles == []
    jan = fleet_on(h, dt.date(2020, 1, 15)).vehicles
    assert [v.id for v in jan] == ["A"] and jan[0].shifts[0].days == ["Fri", "Sat"]
    feb = fleet_on(h, dt.date(2020, 2, 10)).vehicles
    assert [(v.id, weekly_hours_of(v.shifts)) for v in feb] == [("A", 56.0), ("B", 56.0)]


def test_fleet_spans_cut_months_where_the_fleet_changes() -> None:
    spans = fleet_spans(parse_history(hand_history()), "2019-12", "2020-02")
    assert spans["days"].tolist() == [31, 14, 17, 9, 20]
    assert spans["month"].tolist() == ["2019-12", "2020-01", "2020-01", "2020-02", "2020-02"]
    assert spans["fleet"].iloc[0] == () and len(spans["fleet"].iloc[-1]) == 2


def test_backtest_on_a_hand_made_history() -> None:
    h = parse_history(hand_history())
    bt = replay(h, one_call_a_day_per_16_hours, start="2019-12", end="2020-02")
    # Jan: A 17 days x 1; Feb (29 days): A 29 x 3.5 = 101.5, B 20 x 3.5 = 70
    assert bt.cumulative_calls == pytest.approx({"2019-12": 0.0, "2020-01": 17.0, "2020-02": 188.5})
    by = bt.calls_by_unit_month()
    assert by["A"] == pytest.approx({"2020-01": 17.0, "2020-02": 101.5})
    assert by["B"] == pytest.approx({"2020-02": 70.0})
    assert bt.jobs_per_8h == pytest.approx({"A": 3.5, "B": 3.5, "fleet": 3.5})
    assert bt.modelled_calls == pytest.approx(188.5)
    assert bt.calls_residual == pytest.approx(188.5 / 200 - 1)
    assert bt.modelled_jobs_per_8h == pytest.approx(3.5)
    assert bt.jobs_residual == pytest.approx(-0.5)
    hours = bt.by_unit_month.set_index(["month", "vehicle_id"])["on_shift_hours"]
    assert hours[("2020-01", "A")] == pytest.approx(16 * 17 / 7)
    assert bt.notes == ()


def test_a_short_replay_says_it_covers_only_the_overlap() -> None:
    bt = replay(parse_history(hand_history()), one_call_a_day_per_16_hours, start="2020-01", end="2020-01")
    assert bt.modelled_calls == pytest.approx(17.0)
    assert "overlap" in bt.notes[0]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda d: d["units"][0]["periods"][0].update(pattern="tuesdays"),
            r"units\[0\]\.periods\[0\]\.pattern",
        ),
        (lambda d: d["units"][0]["periods"].reverse(), r"earliest first"),
        (lambda d: d["units"][1].update(id="A"), r"unique"),
        (lambda d: d["published"].update(jobs_unit="Z"), r"jobs_unit"),
        (lambda d: d["units"][0]["periods"][0].update(basis="hearsay"), r"basis"),
    ],
)
def test_bad_history_is_named_with_its_field(change, match) -> None:
    data = hand_history()
    change(data)
    with pytest.raises(HistoryError, match=match):
        parse_history(data, source_name="h.json")


def test_load_history_errors_name_the_file(tmp_path) -> None:
    with pytest.raises(HistoryError, match="not found"):
        load_history(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(HistoryError, match="bad.json: not valid JSON"):
        load_history(bad)
    with pytest.raises(HistoryError, match="YYYY-MM"):
        month_range("2018/03", "2020-11")
    with pytest.raises(HistoryError, match="before"):
        month_range("2020-11", "2018-03")


def test_shipped_history_follows_the_record_and_labels_its_assumptions() -> None:
    h = load_history()
    assert [u.id for u in h.units] == ["JRU1", "JRU2", "JRU3"]
    assert [u.started for u in h.units] == [dt.date(2018, 3, 1), dt.date(2019, 8, 1), dt.date(2020, 10, 30)]
    assert fleet_on(h, dt.date(2018, 3, 1)).vehicles[0].shifts[0].days == ["Fri", "Sat"]
    nov = fleet_on(h, dt.date(2020, 11, 1)).vehicles
    assert [weekly_hours_of(v.shifts) for v in nov] == [72.0, 72.0, 72.0]
    silent = assumptions_of(h)
    assert len(silent) == 2 and all("assumed" in s for s in silent)
    assert h.published.calls_attended == 4500 and h.published.jobs_per_shift == 7
    raw = json.loads((Path(__file__).parents[2] / "data" / "scenarios" / "kent_jru_history.json").read_text())
    assert all(
        p["basis"] in ("record", "assumption") and p["note"] for u in raw["units"] for p in u["periods"]
    )


def test_engine_evaluator_equals_the_engine_on_each_fleet() -> None:
    lsoas = make_line_lsoas()
    times = pd.date_range("2020-01-03 19:00", periods=40, freq="13h")
    xy = [(LINE_X0 + 500 * (k % 7), LINE_Y0 + 300 * (k % 3)) for k in range(40)]
    incidents = make_incidents(xy, list(times))
    h = parse_history(hand_history())
    model = StraightLineModel()
    evaluate = engine_evaluator(incidents, h, model, lsoas=lsoas, demand_scale=0.5)
    fleet = fleet_on(h, dt.date(2020, 2, 15))
    direct = compute_coverage(incidents, fleet, model, lsoas=lsoas, demand_scale=0.5).vehicles
    got = evaluate(fleet)
    np.testing.assert_allclose(got["calls_attended_per_year"], direct["calls_attended_per_year"])
    assert evaluate(fleet) is got  # kept per fleet
