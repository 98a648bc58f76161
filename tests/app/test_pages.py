"""AppTest for every page of the dashboard on the demo data: no exception, and the KPIs shown equal
jru_geo's own numbers computed here."""

from __future__ import annotations

import datetime as dt

import pytest
from apphelpers import APP, ROOT, demo_joined, metrics, no_failure, planner_baseline_matches
from streamlit.testing.v1 import AppTest

from jru_geo.areas import counts as join
from jru_geo.io import boundaries, demo
from jru_geo.io.bases import resolve_bases
from jru_geo.io.incidents import read_incidents
from jru_geo.io.scenario_files import load_default_scenario
from jru_geo.viz import report

PAGES = [
    "pages/overview.py",
    "pages/heatmap.py",
    "pages/coverage.py",
    "pages/tonight.py",
    "pages/planner.py",
    "pages/data.py",
]


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_demo_data(page: str) -> None:
    at = _app()
    at.switch_page(page)
    at.run()
    no_failure(at)
    assert at.markdown or at.metric


def test_overview_kpis_equal_jru_geo() -> None:
    joined = demo_joined()
    districts = boundaries.load_districts()
    bases = resolve_bases(load_default_scenario())
    summary = report.summarise(
        joined, districts, bases, as_of=dt.date.today(), synthetic=True, source_note="demo"
    )
    at = _app()
    no_failure(at)
    shown = metrics(at)
    assert shown["Joint incidents"] == f"{summary.incidents:,}"
    assert shown["Busiest district"] == summary.busiest_district
    from jru_geo.model.coverage import engine as coverage
    from jru_geo.model.travel.factory import make_model

    result = coverage.compute_coverage(joined, load_default_scenario(), make_model("calibrated"))
    assert shown["Reached within target"] == report.format_share(result.coverage_in_hours)
    assert shown["Expected coverage"] == report.format_share(result.coverage_expected)
    assert any("Synthetic" in m.value for m in at.markdown)


def test_heatmap_and_coverage_kpis_equal_jru_geo() -> None:
    joined = demo_joined()
    rates = join.counts_by_area(joined, boundaries.load_districts())
    at = _app()
    at.switch_page("pages/heatmap.py")
    at.run()
    shown = metrics(at)
    assert shown["Incidents shown"] == f"{int(rates['incidents'].sum()):,}"
    assert shown["Highest rate"] == f"{rates['rate_per_1000'].max():.2f} per 1,000"
    from jru_geo.model.coverage import engine as coverage
    from jru_geo.model.travel.factory import make_model

    result = coverage.compute_coverage(joined, load_default_scenario(), make_model("calibrated"))
    at.switch_page("pages/coverage.py")
    at.run()
    no_failure(at)
    shown = metrics(at)
    assert shown["Geographic"] == report.format_share(result.coverage_geographic)
    assert shown["In hours"] == report.format_share(result.coverage_in_hours)
    assert shown["Expected"] == report.format_share(result.coverage_expected)


def test_filters_in_sidebar_change_the_numbers() -> None:
    joined = demo_joined()
    medway = int((joined["district_name"] == "Medway").sum())
    at = _app()
    at.switch_page("pages/heatmap.py")
    at.run()
    at.multiselect(key="f_districts").set_value(["Medway"])
    at.run()
    no_failure(at)
    assert metrics(at)["Incidents shown"] == f"{medway:,}"
    # the Overview (no sidebar) summarises all data unless told to follow the filter: a filter set on
    # another page is never inherited silently
    at.switch_page("pages/overview.py")
    at.run()
    assert metrics(at)["Joint incidents"] == f"{len(joined):,}"
    at.radio(key="ov_scope").set_value("filtered")
    at.run()
    no_failure(at)
    assert metrics(at)["Joint incidents"] == f"{medway:,}"
    assert any("Alt text for the PNG" in c.value for c in at.caption)
    at.switch_page("pages/heatmap.py")
    at.run()
    assert metrics(at)["Incidents shown"] == f"{medway:,}"


def test_upload_good_file_shows_validation_report() -> None:
    joined = demo_joined()
    csv = demo.to_generic_csv(joined.head(300)).to_csv(index=False)
    csv += "BAD-1,2025-01-01 10:00,Assault,not-a-number,0.5\n"
    data = csv.encode("utf-8")
    expected = read_incidents([("mine.csv", data)])
    at = _app()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_incidents").set_value(("mine.csv", data, "text/csv"))
    at.run()
    no_failure(at)
    shown = metrics(at)
    assert shown["Rows read"] == f"{expected.n_read:,}"
    assert shown["Rejected"] == f"{len(expected.rejects):,}" == "1"
    assert at.session_state["source"] == "Uploaded files"


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\x03binary\xff\xfe" * 20, b"", b"name,colour\nbob,blue\n"],
    ids=["binary", "empty", "wrong-columns"],
)
def test_upload_bad_file_shows_error_not_exception(content: bytes) -> None:
    at = _app()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_incidents").set_value(("bad.csv", content, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("could not be used" in e.value for e in at.error)
    # the app still works on the demo data
    assert metrics(at)["Rows read"] == f"{len(demo_joined()):,}"
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception


def test_bad_scenario_upload_shows_error() -> None:
    at = _app()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_scenario").set_value(
        ("fleet.json", b'{"name": "x", "vehicles": [{"id": 1}]}', "application/json")
    )
    at.run()
    assert not at.exception
    assert any("could not be used" in e.value and "vehicles[0]" in e.value for e in at.error)


def test_planner_place_candidate_changes_kpis() -> None:
    at = _app()
    at.switch_page("pages/planner.py")
    at.run()
    no_failure(at)
    at.selectbox(key="plan_site").set_value("Maidstone police station")
    at.run()
    at.button(key="plan_place").click()
    at.run()
    no_failure(at)
    table = at.table[0].value
    row = table.loc["Units"]
    assert (row["Baseline"], row["Plan"]) == ("3", "4")
    for kpi in ("Geographic: incidents within target (%)", "Population within target (%)"):
        assert float(table.loc[kpi, "Plan"]) > float(table.loc[kpi, "Baseline"]), kpi
    assert any(m.label == "Money saved a year" for m in at.metric)


def test_planner_with_three_new_units_still_shows_the_business_case() -> None:
    # Three units copying the first unit's shifts sum past one week of hours: the business case of
    # the three together must still show (it used to fail with "Something went wrong").
    at = _app()
    at.switch_page("pages/planner.py")
    at.run()
    for site in ("Maidstone police station", "Ashford police station", "Margate police station"):
        at.selectbox(key="plan_site").set_value(site)
        at.run()
        at.button(key="plan_place").click()
        at.run()
        no_failure(at)
    row = at.table[0].value.loc["Units"]
    assert (row["Baseline"], row["Plan"]) == ("3", "6")
    assert any(m.label == "Money saved a year" for m in at.metric)


def test_planner_baseline_equals_coverage_page_and_jru_geo() -> None:
    """One engine: the Planner's baseline column shows the Coverage page's figures for the same
    data and filters, and both equal jru_geo.coverage computed here."""
    from jru_geo.model.coverage import engine as coverage
    from jru_geo.model.travel.factory import make_model
    from jru_geo.optimise import kpis as planning

    result = coverage.compute_coverage(demo_joined(), load_default_scenario(), make_model("calibrated"))
    kpis = planning.PlanKpis.from_coverage(result)
    at = _app()
    at.switch_page("pages/coverage.py")
    at.run()
    no_failure(at)
    on_coverage = metrics(at)
    baseline = planner_baseline_matches(at, on_coverage)
    assert on_coverage["Geographic"] == report.format_share(result.coverage_geographic)
    assert on_coverage["Fleet busy fraction"] == report.format_share(result.fleet_busy_fraction)
    assert baseline["Population within target (%)"] == f"{100 * kpis.population_share:.1f}"
    assert baseline["Mean response, nearest unit (min)"] == f"{kpis.mean_response_min:.1f}"
    assert baseline["Units"] == "3"


def test_planner_recommend_gain_is_the_kpi_change_when_added() -> None:
    at = _app()
    at.switch_page("pages/planner.py")
    at.run()
    at.number_input(key="rec_k").set_value(1)
    at.multiselect(key="rec_patterns").set_value(["fri-sat-nights"])
    at.button(key="rec_go").click()
    at.run()
    no_failure(at)
    picks = at.dataframe[0].value
    assert len(picks) == 1 and picks["gain_per_year"].iloc[0] > 0
    assert picks["pattern"].iloc[0] == "fri-sat-nights"
    before = at.table[0].value
    at.button(key="rec_add").click()
    at.run()
    no_failure(at)
    kpis = at.table[0].value
    # the stated gain is the engine's: the KPI table's Expected row moves by the pick's points
    assert kpis["Change"]["Expected: and a unit free (%)"] == f"{picks['gain_pp'].iloc[0]:+.1f} pp"
    assert kpis["Change"]["Expected: calls covered a year"] == f"{picks['gain_per_year'].iloc[0]:+,.0f}"
    assert kpis["Baseline"].equals(before["Baseline"])
    assert kpis["Change"]["Unit hours on shift a week"] == "+16"  # the pick's own pattern, not a copy


def test_pages_import_only_streamlit_jru_geo_and_chart_libraries() -> None:
    import ast

    allowed = {"streamlit", "streamlit_folium", "jru_geo", "jru_app", "altair", "__future__"}
    for page in PAGES:
        tree = ast.parse((ROOT / page).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{page} imports {roots - allowed}"
