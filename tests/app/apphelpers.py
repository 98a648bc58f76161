"""Helpers shared by the AppTest modules: the demo data as the app builds it, and page read-outs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
from streamlit.testing.v1 import AppTest

from jru_geo.areas import join
from jru_geo.io import boundaries, demo

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

# Coverage page metric -> the Planner KPI table's row with the same figure
COVERAGE_TO_PLANNER_ROW = {
    "Geographic": "Geographic: incidents within target (%)",
    "In hours": "In hours: and a unit on shift (%)",
    "Expected": "Expected: and a unit free (%)",
    "Fleet busy fraction": "Fleet busy fraction (%)",
}


@cache
def demo_joined() -> gpd.GeoDataFrame:
    """The demo year (seed 2025) joined to districts, as the app shows it."""
    lsoas = boundaries.load_lsoas()
    incidents = demo.demo_incidents(lsoas, seed=2025, year=2025)
    return join.assign_areas(incidents, boundaries.load_districts(), lsoas)


def metrics(at: AppTest) -> dict[str, str]:
    """Every ``st.metric`` on the page, label -> shown value."""
    return {m.label: m.value for m in at.metric}


def no_failure(at: AppTest) -> None:
    """The run raised nothing and showed no error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def planner_baseline_matches(at: AppTest, on_coverage: dict[str, str]) -> dict[str, str]:
    """Switch ``at`` to the Planner and check its baseline equals the Coverage page's metrics.

    Returns the Planner's baseline column (KPI row -> shown value).
    """
    at.switch_page("pages/planner.py")
    at.run()
    no_failure(at)
    baseline: dict[str, str] = at.table[0].value["Baseline"]
    for metric, row in COVERAGE_TO_PLANNER_ROW.items():
        assert on_coverage[metric] == f"{baseline[row]}%", metric
    return baseline
