"""The hostile example files in tests/data/hostile/ through ``join``, ``coverage`` and the Data page.

Each incident file is odd, wrong or hostile in one way (a stray quote, out-of-range dates, blank lines
before the header, repeated and reserved column names, formula cells, decimal commas, cp1252, markdown
in names). Every one is read with every physical row joined or rejected, written back with formula
cells neutralised, run through the engine, and shown by the Data page without an error box.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from jru_geo.__main__ import main
from jru_geo.io._csv import FORMULA_PREFIXES

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
INCIDENT_FILES = {
    # file: (joined, rejected); joined + rejected = the file's non-blank lines after the header
    "unbalanced_quote.csv": (9, 1),
    "out_of_range_dates.csv": (2, 2),
    "policeuk_month_9999.csv": (2, 1),
    "leading_blank_lines.csv": (2, 0),
    "repeated_and_reserved_columns.csv": (1, 1),
    "formula_cells.csv": (2, 1),
    "decimal_comma.csv": (1, 1),
    "cp1252.csv": (1, 0),
    "markdown_names.csv": (1, 1),
}


def _data_lines(path: Path) -> int:
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    return len(lines) - 1


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _cells(path: Path) -> list[str]:
    return [cell for row in _rows(path) for cell in row]


def test_the_folder_holds_the_files_listed() -> None:
    on_disk = {p.name for p in HOSTILE.glob("*.csv") if not p.name.startswith("candidates_")}
    assert on_disk == set(INCIDENT_FILES)


@pytest.mark.parametrize("name", sorted(INCIDENT_FILES))
def test_join_accounts_for_every_line_and_neutralises_formulas(name: str, tmp_path: Path) -> None:
    src = HOSTILE / name
    before = src.read_bytes()
    out, rej = tmp_path / "joined.csv", tmp_path / "rejects.csv"
    assert main(["join", str(src), "-o", str(out), "--rejects", str(rej)]) == 0
    joined, rejected = len(_rows(out)) - 1, len(_rows(rej)) - 1
    assert (joined, rejected) == INCIDENT_FILES[name]
    assert joined + rejected == _data_lines(src)
    risky = [c for c in _cells(out) + _cells(rej) if c.startswith(FORMULA_PREFIXES)]
    assert all(c == "-" or c.lstrip("-").replace(".", "", 1).isdigit() for c in risky), risky
    assert src.read_bytes() == before


def test_coverage_runs_on_all_the_hostile_files_together(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(HOSTILE / n) for n in sorted(INCIDENT_FILES)]
    assert main(["coverage", "--incidents", *files, "--scenario", str(HOSTILE / "scenario_cp1252.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "Café fleet"
    assert out["incidents"] > 0


@pytest.mark.parametrize("name", sorted(INCIDENT_FILES))
def test_the_data_page_reads_each_hostile_file(name: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(HOSTILE.parents[2] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_incidents").set_value((name, (HOSTILE / name).read_bytes(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    joined, rejected = INCIDENT_FILES[name]
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Rows read"], shown["Rejected"]) == (f"{joined + rejected:,}", f"{rejected:,}")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "scenario_unknown_postcode.json",
            "scenario_unknown_postcode.json: scenario 'unknown postcode', vehicle",
        ),
        ("scenario_target_true.json", "target_min is true, a yes/no value"),
        ("scenario_degrees_as_metres.json", "look like degrees, not metres"),
    ],
)
def test_the_data_page_names_the_scenario_file_and_the_fix(name: str, message: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(HOSTILE.parents[2] / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_scenario").set_value((name, (HOSTILE / name).read_bytes(), "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\u2060", "").replace("\\", "") for e in at.error]  # as shown, unescaped
    assert any(message in e for e in errors), errors
