"""The business-case pack names the plan's new units: their names, bases and shift patterns (issue 12)."""

from __future__ import annotations

import io

import pytest

from jru_geo.__main__ import main
from jru_geo.io.scenario_files import load_default_scenario, save_scenario
from jru_geo.model.patterns import PATTERNS, parse_pattern
from jru_geo.optimise.planning import place_unit

pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")


def test_the_pack_names_each_new_unit_with_its_base_and_pattern(tmp_path, capsys):
    plan = place_unit(
        load_default_scenario(),
        easting=573362.0,
        northing=155654.0,
        name="Rapid Maidstone",
        pattern=PATTERNS["fri-sat-nights"],
    )
    plan = place_unit(
        plan,
        easting=601500.0,
        northing=142500.0,
        name="Ashford nights",
        pattern=parse_pattern("sun@20:00-04:00"),
    )
    path = tmp_path / "plan.json"
    save_scenario(plan.model_copy(update={"name": "Plan: two more"}), path)
    out = tmp_path / "case.pdf"
    assert main(["report", "--scenario", str(path), "-o", str(out)]) == 0
    capsys.readouterr()
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "The new units in this plan" in text
    assert "Rapid Maidstone (NEW1): based near Maidstone (ME" in text, text[:1500]
    assert "easting 573,362 northing 155,654; on shift Fri, Sat 18:00-02:00 (16 h a week)" in text
    assert "Ashford nights (NEW2): based near Ashford (TN" in text
    assert "on shift Sun 20:00-04:00 (8 h a week); target 15 min, job 45 min." in text
    # today's units are the baseline, not new units
    assert not any(f"({v.id}):" in text for v in load_default_scenario().vehicles)
