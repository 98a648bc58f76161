"""The business-case pack: a PDF read back with pypdf, every figure the engine's and the case's."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from jru_geo.io import boundaries
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario_files import load_default_scenario
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.coverage.business import BusinessAssumptions
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.optimise.business_case import Uncertainty, plan_business_case
from jru_geo.optimise.kpis import PlanKpis, kpi_table
from jru_geo.optimise.planning import place_unit
from jru_geo.viz.pack import PackContent, case_pack_pdf, validity_notes

pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")


@pytest.fixture(scope="module")
def pack(demo_joined, default_model, kent_lsoas):
    baseline = load_default_scenario()
    plan = place_unit(baseline, easting=573362.0, northing=155654.0, name="New unit at <Maidstone> $x$")

    def evaluate(ma: ModelAssumptions, sc):  # noqa: ANN202 - the engine, as the CLI passes it
        return compute_coverage(
            demo_joined, sc, default_model, lsoas=kent_lsoas, demand_scale=ma.demand_share
        )

    business = plan_business_case(
        baseline,
        plan,
        evaluate,
        model_assumptions=ModelAssumptions(),
        assumptions=BusinessAssumptions(),
        uncertainty=Uncertainty(),
    )
    before, after = evaluate(ModelAssumptions(), baseline), evaluate(ModelAssumptions(), plan)
    kpis = kpi_table(
        PlanKpis.from_coverage(before), PlanKpis.from_coverage(after), labels=("Baseline", "Plan")
    )
    errors = pd.DataFrame(
        [{"hospital": "overall_le_30km", "n": 2690, "mae_min": 2.68, "p90_abs_min": 5.52, "bias_min": 0.1}]
    )
    content = PackContent(
        plan_name="Plan: Maidstone + 1",
        baseline_name=baseline.name,
        kpis=kpis,
        business=business,
        assumptions=("Calibrated road model, blue-light factor 0.80.",),
        provenance="Synthetic demo year, 1 Jan 2025 to 31 Dec 2025.",
        validity=validity_notes(errors, after.method),
        as_of="2 Dec 2026",
        synthetic=True,
    )
    pdf = case_pack_pdf(
        content,
        districts=boundaries.load_districts(),
        bases=resolve_bases(plan),
        outline=boundaries.load_outline(),
    )
    return pdf, business, kpis


def test_the_pack_reads_back_with_every_section(pack):
    pdf, business, kpis = pack
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Joint Response Unit business case: Plan: Maidstone + 1" in text
    assert "SYNTHETIC DEMO DATA" in text
    # the figures are the business case's and the KPI table's, as computed
    case = business.case
    assert f"{case.fleet_calls_gain_per_year:,.0f}" in text
    assert f"-£{-case.net_benefit_per_year:,.0f}" in text
    assert kpis.loc["Expected: and a unit free (%)", "Plan"] in text
    assert "never (costs exceed savings)" in text if case.payback_years is None else "years" in text
    assert "2.68 min on average" in text and "exact for this fleet" in text
    # the map and the tornado are images
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 2
    assert reader.metadata.title == "JRU business case: Plan: Maidstone + 1"


def test_validity_notes_without_travel_errors_still_name_the_model():
    notes = validity_notes(None, "approx")
    assert len(notes) == 2 and "approximation" in notes[0]
