"""Tests of ``python -m jru_geo business``: the JSON keys scripts read, their rounding and the exit status.

A small generic CAD file of Friday-evening incidents in Dartford and Gravesend keeps the engine runs
quick; the plan adds one unit at Dartford police station to the shipped scenario.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jru_geo.__main__ import main
from jru_geo.io.scenario_files import load_default_scenario, scenario_to_json
from jru_geo.io.sites import default_candidates
from jru_geo.model.coverage.business import DEFAULT_POLICE_COST_PER_HOUR_GBP, WEEKS_PER_YEAR
from jru_geo.optimise.planning import place_unit

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {
    "fleet_calls_gain_per_year",
    "new_units_calls_per_year",
    "hours_saved_per_year",
    "money_saved_per_year",
    "cost_per_year",
    "net_benefit_per_year",
    "payback_years",
    "range",
}
PLACES = {"dartford": (51.4456, 0.2166), "gravesend": (51.4413, 0.3700), "swanley": (51.3976, 0.1733)}


@pytest.fixture
def incidents_csv(tmp_path: Path) -> Path:
    """Every Friday of 2025 one assault in each place, at 20:00, 21:00 and 22:00."""
    fridays = pd.date_range("2025-01-03 20:00", periods=52, freq="7D")
    rows = ["incident_id,datetime,category,latitude,longitude"]
    for k, (lat, lon) in enumerate(PLACES.values()):
        for week, friday in enumerate(fridays):
            stamp = friday + pd.Timedelta(hours=k)
            rows.append(f"P{k}W{week},{stamp:%Y-%m-%d %H:%M},Assault,{lat},{lon}")
    path = tmp_path / "cad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    sites = default_candidates()
    site = sites[sites["name"] == "Dartford police station"].iloc[0]
    plan = place_unit(
        load_default_scenario(),
        easting=float(site["easting"]),
        northing=float(site["northing"]),
        name="Dartford",
    )
    path = tmp_path / "plan.json"
    path.write_text(scenario_to_json(plan), encoding="utf-8")
    return path


def _business(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["business", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_business_prints_the_fleet_case_with_the_keys_scripts_read(capsys, incidents_csv, plan_file):
    out = _business(capsys, "--incidents", str(incidents_csv), "--scenario", str(plan_file))
    assert REQUIRED <= set(out)
    assert set(out["range"]) == {"low", "central", "high"}
    for key in ("money_saved_per_year", "cost_per_year", "net_benefit_per_year"):
        assert isinstance(out[key], int), key  # whole pounds
    for key in ("fleet_calls_gain_per_year", "new_units_calls_per_year", "hours_saved_per_year"):
        value = out[key]
        assert isinstance(value, float) and round(value, 1) == value, key
    gain, own = float(out["fleet_calls_gain_per_year"]), float(out["new_units_calls_per_year"])
    assert 0 < gain <= own
    money, cost, net = (
        int(out[k]) for k in ("money_saved_per_year", "cost_per_year", "net_benefit_per_year")
    )
    assert abs(money - cost - net) <= 1
    spread = out["range"]
    assert isinstance(spread, dict)
    assert spread["low"] <= spread["central"] == net <= spread["high"]
    assert (out["payback_years"] is None) == (net <= 0)
    assert out["new_units"] == ["NEW1"]
    assert out["assumptions"]["police_officer"] == "constable" and out["uncertainty"]["job_min_delta"] == 15.0
    assert [row["input"] for row in out["tornado"]]
    assert {row["input"] for row in out["tornado"]} == {
        "blue_light_factor",
        "demand_share",
        "job_min",
        "saving_per_call",
    }


def test_special_constables_cost_the_police_pay_less(capsys, incidents_csv, plan_file):
    common = ("--incidents", str(incidents_csv), "--scenario", str(plan_file))
    paid = _business(capsys, *common)
    special = _business(capsys, *common, "--special-constable", "--saving-per-call", "30")
    # The new unit copies unit 1's 72 hours a week: the constable's pay a year drops out of the cost.
    hours = 72 * WEEKS_PER_YEAR
    assert int(paid["cost_per_year"]) - int(special["cost_per_year"]) == pytest.approx(
        DEFAULT_POLICE_COST_PER_HOUR_GBP * hours, abs=1
    )
    notes = " ".join(special["notes"])
    assert "Special Constable(s), unpaid volunteers" in notes
    assert "£30.00 per call gained (your figure)" in notes
    assert "£25.00 per call gained (published" in " ".join(paid["notes"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [((), "no new unit: every vehicle of plan"), (("--days", "fri"), "--days and --hours do not apply")],
)
def test_unusable_request_exits_2_with_one_line(tmp_path, incidents_csv, extra, message):
    proc = subprocess.run(
        [sys.executable, "-m", "jru_geo", "business", "--incidents", str(incidents_csv), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_help_names_the_keys(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["business", "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for key in ("--baseline", "--special-constable", "net_benefit_per_year", "payback_years", "range"):
        assert key in text
