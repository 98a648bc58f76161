"""The `report` (chief officers' PDF pack) and `summary` (public PNG) commands."""

from __future__ import annotations

import io
import json

import pytest
from matplotlib.image import imread

from jru_geo.__main__ import main
from jru_geo.io.scenario_files import load_default_scenario, save_scenario
from jru_geo.optimise.planning import place_unit

pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    plan = place_unit(
        load_default_scenario(), easting=573362.0, northing=155654.0, name="New unit at Maidstone"
    )
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    save_scenario(plan.model_copy(update={"name": "Plan: Maidstone"}), path)
    return path


def test_report_writes_the_pack_with_the_business_figures(plan_file, tmp_path, capsys):
    assert main(["business", "--scenario", str(plan_file)]) == 0
    case = json.loads(capsys.readouterr().out)
    out = tmp_path / "case.pdf"
    assert main(["report", "--scenario", str(plan_file), "-o", str(out)]) == 0
    assert "wrote the business-case pack for 'Plan: Maidstone'" in capsys.readouterr().out
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 3
    assert f"{case['fleet_calls_gain_per_year']:,.0f}" in text
    assert f"-£{-case['net_benefit_per_year']:,}" in text
    assert f"-£{-case['range']['low']:,} to -£{-case['range']['high']:,}" in text
    assert "road-time error" in text and "Kent JRU 2020" in text
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_report_into_a_missing_folder_is_refused(plan_file, tmp_path, capsys):
    assert main(["report", "--scenario", str(plan_file), "-o", str(tmp_path / "nope" / "case.pdf")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_summary_print_and_web_sizes(tmp_path, capsys):
    print_png, web_png = tmp_path / "print.png", tmp_path / "web.png"
    assert main(["summary", "-o", str(print_png)]) == 0
    out = capsys.readouterr().out
    assert "alt text: Kent Joint Response Units, 1 Jan 2025 to 31 Dec 2025" in out
    assert main(["summary", "--web", "-o", str(web_png)]) == 0
    assert imread(io.BytesIO(print_png.read_bytes())).shape[:2] == (1350, 2400)
    assert imread(io.BytesIO(web_png.read_bytes())).shape[:2] == (720, 1280)
    assert main(["summary", "--days", "fri", "-o", str(web_png)]) == 2
    assert "all the data" in capsys.readouterr().err
