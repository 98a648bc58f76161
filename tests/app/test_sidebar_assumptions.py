"""AppTest of the sidebar's Assumptions section on the demo data: each assumption moves the KPIs the
expected way, the figures equal jru_geo's under the same assumptions, and every page follows them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from apphelpers import APP, demo_joined, metrics, no_failure, planner_baseline_matches
from streamlit.testing.v1 import AppTest

from jru_geo.io import scenario_files as scenario
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.coverage.workload import workload_note
from jru_geo.model.travel import network as roadnet
from jru_geo.model.travel.factory import build_travel_model
from jru_geo.optimise import kpis as planning
from jru_geo.viz import report


@cache
def _expected(a: ModelAssumptions) -> CoverageResult:
    return compute_coverage(
        demo_joined(),
        scenario.load_default_scenario(),
        build_travel_model(a),
        dispatch_reach_min=a.dispatch_reach_min,
        demand_scale=a.demand_share,
    )


def _coverage_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/coverage.py")
    at.run()
    no_failure(at)
    return at


def _share(text: str) -> float:
    return float(text.rstrip("%"))


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def _set(at: AppTest, **values: object) -> None:
    kinds = {
        "a_travel": "radio",
        "a_speed_kmh": "number_input",
        "a_blue_light": "slider",
        "a_reach": "select_slider",
        "a_demand_share": "number_input",
    }
    for key, value in values.items():  # one at a time: the travel mode enables the speed
        getattr(at, kinds[key])(key=key).set_value(value)
        at.run()
        no_failure(at)


def _assert_page_equals(at: AppTest, a: ModelAssumptions) -> None:
    result = _expected(a)
    shown = metrics(at)
    assert shown["Geographic"] == report.format_share(result.coverage_geographic)
    assert shown["In hours"] == report.format_share(result.coverage_in_hours)
    assert shown["Expected"] == report.format_share(result.coverage_expected)
    assert shown["Fleet busy fraction"] == report.format_share(result.fleet_busy_fraction)


def test_defaults_are_shown_and_equal_jru_geo() -> None:
    at = _coverage_page()
    assert at.radio(key="a_travel").value == "calibrated"
    assert at.slider(key="a_blue_light").value == pytest.approx(0.8)
    assert at.select_slider(key="a_reach").value == "target"
    assert at.number_input(key="a_speed_kmh").disabled  # only for the straight line
    _assert_page_equals(at, ModelAssumptions())
    assert "Calibrated road model, blue-light factor 0.80; units sent within their target (15 min)." in (
        _captions(at)
    )


def test_slower_straight_line_lowers_geographic_coverage() -> None:
    at = _coverage_page()
    _set(at, a_travel="straight", a_speed_kmh=64.0)
    fast = metrics(at)
    _assert_page_equals(at, ModelAssumptions("straight", speed_kmh=64.0))
    assert "Straight line at 64 km/h" in _captions(at)
    assert at.slider(key="a_blue_light").disabled
    _set(at, a_speed_kmh=30.0)
    slow = metrics(at)
    _assert_page_equals(at, ModelAssumptions("straight", speed_kmh=30.0))
    for kpi in ("Geographic", "In hours", "Expected"):
        assert _share(slow[kpi]) < _share(fast[kpi]), kpi


def test_smaller_blue_light_factor_raises_geographic_coverage() -> None:
    at = _coverage_page()
    default = metrics(at)
    _set(at, a_blue_light=0.6)
    quicker = metrics(at)
    _assert_page_equals(at, ModelAssumptions(blue_light_factor=0.6))
    assert _share(quicker["Geographic"]) > _share(default["Geographic"])
    assert "blue-light factor 0.60" in _captions(at)


def test_larger_reach_makes_units_busier_and_expected_coverage_lower() -> None:
    at = _coverage_page()
    before = metrics(at)
    workload_before = at.dataframe[0].value
    _set(at, a_reach=40)
    after = metrics(at)
    workload_after = at.dataframe[0].value
    _assert_page_equals(at, ModelAssumptions(dispatch_reach_min=40.0))
    assert _share(after["Fleet busy fraction"]) > _share(before["Fleet busy fraction"])
    assert _share(after["Expected"]) < _share(before["Expected"])
    assert after["Geographic"] == before["Geographic"]  # reach sends units further, targets unchanged
    assert (workload_after["busy_pct"].to_numpy() > workload_before["busy_pct"].to_numpy()).all()
    assert (workload_after["jobs_per_8h"].to_numpy() > workload_before["jobs_per_8h"].to_numpy()).all()
    # the workload table is jru_geo's: busy fractions and jobs per shift of the hypercube model
    vehicles = _expected(ModelAssumptions(dispatch_reach_min=40.0)).vehicles
    assert workload_after["vehicle_id"].tolist() == vehicles["vehicle_id"].tolist()
    assert workload_after["busy_pct"].tolist() == pytest.approx((100 * vehicles["busy_fraction"]).tolist())
    assert workload_after["expected_jobs_per_shift"].tolist() == pytest.approx(
        vehicles["expected_jobs_per_shift"].tolist()
    )
    assert "units sent to calls up to 40 min away" in _captions(at)
    # the caption is computed from the figure it explains
    jobs = planning.PlanKpis.from_coverage(_expected(ModelAssumptions(dispatch_reach_min=40.0))).jobs_per_8h
    assert workload_note(jobs, reach_note="to calls up to 40 min away") in _captions(at)
    assert f"take {jobs:.1f} jobs per 8 hours" in _captions(at)


def test_a_smaller_jru_share_makes_units_less_busy_and_more_often_free() -> None:
    at = _coverage_page()
    before = metrics(at)
    _set(at, a_demand_share=0.1)
    after = metrics(at)
    _assert_page_equals(at, ModelAssumptions(demand_share=0.1))
    assert after["Geographic"] == before["Geographic"] and after["In hours"] == before["In hours"]
    assert _share(after["Fleet busy fraction"]) < _share(before["Fleet busy fraction"])
    assert _share(after["Expected"]) > _share(before["Expected"])
    assert "10% of incidents are JRU calls" in _captions(at)


def test_planner_baseline_equals_coverage_page_under_other_assumptions() -> None:
    a = ModelAssumptions("straight", speed_kmh=56.0, dispatch_reach_min=35.0)
    kpis = planning.PlanKpis.from_coverage(_expected(a))
    at = _coverage_page()
    _set(at, a_travel="straight", a_speed_kmh=56.0, a_reach=35)
    on_coverage = metrics(at)
    _assert_page_equals(at, a)
    baseline = planner_baseline_matches(at, on_coverage)
    assert baseline["Jobs per 8 hours (fleet; published about 7)"] == f"{kpis.jobs_per_8h:.1f}"
    assert "Straight line at 56 km/h; units sent to calls up to 35 min away." in _captions(at)
    # the recommendation runs under the same assumptions
    at.number_input(key="rec_k").set_value(1)
    at.button(key="rec_go").click()
    at.run()
    no_failure(at)
    assert at.dataframe[0].value["gain_per_year"].iloc[0] > 0


def test_assumptions_survive_the_overview_and_drive_its_figures_then_reset() -> None:
    a = ModelAssumptions(blue_light_factor=0.6, dispatch_reach_min=40.0)
    result = _expected(a)
    at = _coverage_page()
    _set(at, a_blue_light=0.6, a_reach=40)
    at.switch_page("pages/overview.py")
    at.run()
    no_failure(at)
    shown = metrics(at)
    assert shown["Reached within target"] == report.format_share(result.coverage_in_hours)
    assert shown["Expected coverage"] == report.format_share(result.coverage_expected)
    footer = " ".join(h.proto.body for h in at.get("html"))
    assert "model: calibrated road model, blue-light factor 0.60; units sent to calls up to 40 min away" in (
        footer
    )
    at.switch_page("pages/coverage.py")
    at.run()
    assert at.slider(key="a_blue_light").value == pytest.approx(0.6)
    assert at.select_slider(key="a_reach").value == 40
    _assert_page_equals(at, a)
    next(b for b in at.button if b.label == "Reset assumptions").click()
    at.run()
    no_failure(at)
    assert at.slider(key="a_blue_light").value == pytest.approx(0.8)
    _assert_page_equals(at, ModelAssumptions())


def test_road_network_without_a_graph_explains_and_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roadnet, "DEFAULT_GRAPH_PATH", tmp_path / "missing.graphml")
    at = _coverage_page()
    assert "python -m jru_geo roads download" in " ".join(
        str(c) for c in at.radio(key="a_travel").proto.captions
    )
    _set(at, a_travel="network")
    assert any("calibrated model is in use" in w.value for w in at.warning)
    _assert_page_equals(at, ModelAssumptions())


def test_road_network_with_a_downloaded_graph_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import networkx as nx
    import osmnx as ox

    # a few lon/lat nodes around Medway and Canterbury, as osmnx saves them
    g = nx.MultiDiGraph(crs="epsg:4326")
    nodes = {1: (0.52, 51.38), 2: (0.56, 51.38), 3: (0.60, 51.36), 4: (1.08, 51.28)}
    for n, (lon, lat) in nodes.items():
        g.add_node(n, x=lon, y=lat, street_count=1)
    for u, v in ((1, 2), (2, 3), (3, 4)):
        g.add_edge(u, v, osmid=u, length=3000.0, highway="primary", oneway=False, reversed=False)
        g.add_edge(v, u, osmid=u, length=3000.0, highway="primary", oneway=False, reversed=True)
    path = tmp_path / "kent_drive.graphml"
    ox.save_graphml(g, filepath=path)
    monkeypatch.setattr(roadnet, "DEFAULT_GRAPH_PATH", path)
    a = ModelAssumptions("network", blue_light_factor=0.7)
    expected = compute_coverage(
        demo_joined(), scenario.load_default_scenario(), build_travel_model(a, graph_path=path)
    )
    at = _coverage_page()
    assert "Shortest paths on OpenStreetMap roads" in at.radio(key="a_travel").proto.captions
    _set(at, a_travel="network", a_blue_light=0.7)
    assert not at.warning
    assert metrics(at)["Geographic"] == report.format_share(expected.coverage_geographic)
    assert metrics(at)["Expected"] == report.format_share(expected.coverage_expected)
    assert "Road network (OpenStreetMap), blue-light factor 0.70" in _captions(at)
