"""Tests of the command line ``python -m jru_geo`` (join and demo)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jru_geo.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def test_demo_then_join_round_trip(tmp_path, capsys):
    demo_csv, out, rej = tmp_path / "demo.csv", tmp_path / "out.csv", tmp_path / "rej.csv"
    assert main(["demo", "-o", str(demo_csv), "--seed", "3", "--year", "2024"]) == 0
    n = len(pd.read_csv(demo_csv))
    assert main(["join", str(demo_csv), "-o", str(out), "--rejects", str(rej)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert f"read {n:,} rows" in line and "rejected 0" in line
    joined = pd.read_csv(out)
    assert len(joined) == n
    for col in [
        "incident_id",
        "datetime",
        "category",
        "district_code",
        "district_name",
        "lsoa_code",
        "easting",
        "northing",
        "in_kent",
    ]:
        assert col in joined.columns
    assert joined["in_kent"].all()


def test_join_writes_rejects_with_file_row_reason(tmp_path, capsys):
    src = tmp_path / "cad.csv"
    src.write_text(
        "incident_id,datetime,category,latitude,longitude\n"
        "A1,2025-03-01 22:10,Assault,51.3964,0.5468\n"
        "A2,2025-03-01 22:15,Assault,not-a-number,0.5468\n"
        "A3,2025-03-01 22:20,RTC,48.85,2.35\n"  # Paris: out of range for the UK
        "A4,2025-03-01 22:25,RTC,51.5072,-0.1276\n"  # London: kept, outside Kent
    )
    out, rej = tmp_path / "out.csv", tmp_path / "rej.csv"
    assert main(["join", str(src), "-o", str(out), "--rejects", str(rej)]) == 0
    summary = capsys.readouterr().out
    assert "read 4 rows" in summary and "rejected 2" in summary and "1 outside Kent" in summary
    rejects = pd.read_csv(rej)
    assert rejects["row"].tolist() == [3, 4]
    assert rejects["file"].str.endswith("cad.csv").all()
    assert rejects["reason"].str.len().gt(0).all()
    joined = pd.read_csv(out)
    assert joined.set_index("incident_id").loc["A1", "district_name"] == "Medway"
    assert not joined.set_index("incident_id").loc["A4", "in_kent"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff\xfe binary", b"foo,bar\n1,2\n"])
def test_unusable_file_exits_2_with_one_line_and_no_traceback(tmp_path, content):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "jru_geo", "join", str(bad), "-o", str(tmp_path / "o.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.csv" in lines[0]


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["join", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


@pytest.mark.parametrize("cmd", ["join", "demo"])
def test_help_explains_options(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "--out" in text
