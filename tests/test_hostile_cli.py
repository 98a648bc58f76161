"""The command line against careless or hostile use (issue 10): outputs, bounds, one-line errors, progress."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jru_geo import _cli_engine
from jru_geo.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
GOOD = (
    "incident_id,datetime,category,latitude,longitude\n1,2025-01-03 18:30,RTC,51.3964,0.5468\n"
    "2,x,RTC,51.39,0.54\n"
)


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(GOOD)
    return path


# --------------------------------------------------------------------------------------------
# item 1: join never overwrites its input, and writes all or nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["IN", "-o", "IN"], "-o {IN} is the input file {IN}"),
        (["IN", "B", "-o", "B"], "-o {B} is the input file {B}"),
        (["IN", "-o", "LINK"], "-o {LINK} is the input file {IN}"),
        (["IN", "-o", "X", "--rejects", "IN"], "--rejects {IN} is the input file {IN}"),
        (["IN", "-o", "X", "--rejects", "X"], "--rejects {X} is the same file as -o {X}"),
        (["IN", "-o", "X", "--rejects", "DOTX"], "--rejects {DOTX} is the same file as -o {X}"),
    ],
)
def test_join_refuses_an_output_that_is_an_input_or_the_other_output(
    args: list[str], message: str, incidents: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "b.csv"
    other.write_text(GOOD)
    link = tmp_path / "link.csv"
    link.symlink_to(incidents)
    names = {
        "IN": incidents,
        "B": other,
        "LINK": link,
        "X": tmp_path / "x.csv",
        "DOTX": tmp_path / "." / "x.csv",
    }
    before = {p: p.read_bytes() for p in (incidents, other)}
    assert main(["join", *[str(names.get(a, a)) for a in args]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message.format(**{k: str(v) for k, v in names.items()}) in err
    assert {p: p.read_bytes() for p in before} == before  # before the fix: rewritten
    assert not (tmp_path / "x.csv").exists()


def test_a_failed_rejects_write_keeps_the_previous_joined_file(incidents: Path, tmp_path: Path) -> None:
    joined = tmp_path / "joined.csv"
    joined.write_text("previous good output\n")
    assert main(["join", str(incidents), "-o", str(joined), "--rejects", str(tmp_path / "no" / "r.csv")]) == 2
    assert joined.read_text() == "previous good output\n"  # before the fix: overwritten, then the crash
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "joined.csv"]


def test_join_keeps_input_columns_named_like_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o.csv"
    src = HOSTILE / "repeated_and_reserved_columns.csv"
    assert main(["join", str(src), "-o", str(out), "--rejects", str(tmp_path / "r.csv")]) == 0
    err = capsys.readouterr().err
    assert "'easting' is written as 'easting_original'" in err
    import pandas as pd

    table = pd.read_csv(out, dtype=str)
    assert table["easting_original"].tolist() == ["1"] and table["district_code_original"].tolist() == ["XX"]
    assert table["district_code"].str.startswith("E0").all()


# --------------------------------------------------------------------------------------------
# item 7: bounds, the same for every command


@pytest.mark.parametrize("command", [["coverage"], ["recommend", "--new", "1"], ["business"]])
@pytest.mark.parametrize("value", ["0", "-1", "1.5", "1e6", "1e9", "nan", "inf", "lots"])
def test_demand_scale_outside_0_1_is_refused_by_every_command(
    command: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--demand-scale", value])
    assert exit_.value.code == 2
    assert "argument --demand-scale" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["recommend", "--new", "1000", "--sites", "grid"], "--new"),
        (["recommend", "--new", "-1"], "--new"),
        (["recommend", "--new", "1", "--screen", "0"], "--screen"),
        (["recommend", "--new", "1", "--screen", "51"], "--screen"),
        (["coverage", "--target-min", "0"], "--target-min"),
        (["coverage", "--dispatch-reach-min", "1e9"], "--dispatch-reach-min"),
        (["coverage", "--travel", "straight", "--speed-kmh", "1e9"], "--speed-kmh"),
    ],
)
def test_work_that_could_not_finish_is_refused_at_once(
    args: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err


def test_recommend_reports_progress_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_cli_engine, "PROGRESS_AFTER_S", 0.0)
    assert main(["recommend", "--new", "1", "--screen", "1", "--patterns", "fri-sat-nights"]) == 0
    err = capsys.readouterr().err
    assert "progress: 1/1 engine runs" in err


# --------------------------------------------------------------------------------------------
# items 5 and 8: one-line errors naming the file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["coverage", "--travel", "network", "--graph", "garbage.graphml"], "is not a GraphML drive graph"),
        (["coverage", "--scenario", "scenario_target_true.json"], "target_min is true, a yes/no value"),
        (["coverage", "--scenario", "scenario_degrees_as_metres.json"], "look like degrees, not metres"),
        (["coverage", "--scenario", "scenario_unknown_postcode.json"], "scenario_unknown_postcode.json: "),
        (
            ["recommend", "--new", "1", "--candidates", "candidates_repeated_lat.csv"],
            "repeats the column(s) lat",
        ),
    ],
)
def test_bad_side_files_get_one_line_naming_the_file(args: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "jru_geo", *args],
        cwd=HOSTILE,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
