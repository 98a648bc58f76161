"""The ``backtest`` and ``calibrate`` commands: their JSON keys, on the demo year."""

from __future__ import annotations

import json

import pytest
from history_factories import hand_history

from jru_geo.__main__ import main


def test_backtest_json_keys_on_the_demo_year(capsys) -> None:
    assert main(["backtest"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in (
        "calls_by_unit_month",
        "cumulative_calls",
        "jobs_per_8h",
        "jobs_per_8h_by_unit_month",
        "published",
        "modelled",
        "residuals",
        "assumptions",
    ):
        assert key in out, key
    months = list(out["cumulative_calls"])
    assert months[0] == "2018-03" and months[-1] == "2020-11" and len(months) == 33
    assert list(out["calls_by_unit_month"]) == ["JRU1", "JRU2", "JRU3"]
    assert "2018-03" not in out["calls_by_unit_month"]["JRU2"]
    assert out["published"]["calls_attended"] == 4500 and out["published"]["jobs_per_shift"] == 7
    assert out["modelled"]["calls_attended"] == pytest.approx(out["cumulative_calls"]["2020-11"], abs=0.2)
    values = list(out["cumulative_calls"].values())
    assert values == sorted(values)


def test_backtest_refuses_a_time_slice_and_a_scenario(capsys) -> None:
    assert main(["backtest", "--days", "fri"]) == 2
    assert "--days and --hours do not apply" in capsys.readouterr().err
    assert main(["calibrate", "--scenario", "x.json"]) == 2
    assert "give --history FILE" in capsys.readouterr().err
    assert main(["backtest", "--history", "missing.json"]) == 2
    assert "not found" in capsys.readouterr().err


def test_calibrate_json_keys_on_a_short_history(tmp_path, capsys) -> None:
    data = hand_history()
    for unit in data["units"]:
        unit["base"] = {"postcode": "ME7 1NE"}
    path = tmp_path / "h.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = main(
        [
            "calibrate",
            "--history",
            str(path),
            "--start",
            "2020-01",
            "--end",
            "2020-02",
            "--snap-reach",
            "30,40",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert {"fitted", "preset", "sensitivity", "published", "notes"} <= set(out)
    assert {"demand_scale", "dispatch_reach_min", "residuals", "calls_attended", "jobs_per_8h"} <= set(
        out["fitted"]
    )
    assert out["preset"]["dispatch_reach_min"] in (30.0, 40.0)
    assert {"jacobian", "condition_number", "moves"} <= set(out["sensitivity"])
