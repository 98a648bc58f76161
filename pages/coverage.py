"""Coverage: unit bases, catchments, the three coverage figures, workload, districts, gaps.

Each unit's workload is shown beside the published JRU figure; everything follows the sidebar's
assumptions.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from jru_app import data as app
from jru_app import map_cache, record_view, results
from jru_app.page import escape_markdown, run_page
from jru_geo.model.assumptions import PUBLISHED_JOBS_PER_SHIFT, PUBLISHED_SHIFT_HOURS
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.model.coverage.workload import unit_workload, workload_note
from jru_geo.optimise.kpis import PlanKpis
from jru_geo.viz import report

EXPLAIN = {
    "geographic": "Share of incidents inside some unit's catchment: a unit based there could reach them "
    "within the response target, ignoring shifts.",
    "in_hours": "Share of incidents reached within target by a unit that was on shift at the time.",
    "expected": "Reached within target allowing for units already busy on another job (availability-aware).",
}


def body() -> None:
    """Draw the Coverage page."""
    data = app.app_data()
    st.markdown(f"### Coverage: {escape_markdown(data.scenario.name)}")
    badge = ":orange-badge[Synthetic demo data] Not real incidents. " if data.loaded.synthetic else ""
    st.caption(f"{badge}**Assumptions**: {app.assumptions_note(data)}")
    if (empty := results.empty_note(data)) is not None:
        st.info(empty, icon=":material/filter_alt_off:")
        return
    result = results.coverage_result(data)
    kpis = PlanKpis.from_coverage(result)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Geographic", report.format_share(kpis.coverage_geographic), help=EXPLAIN["geographic"])
    c2.metric("In hours", report.format_share(kpis.coverage_in_hours), help=EXPLAIN["in_hours"])
    c3.metric("Expected", report.format_share(kpis.coverage_expected), help=EXPLAIN["expected"])
    c4.metric(
        "Fleet busy fraction",
        report.format_share(kpis.fleet_busy_fraction),
        help="Share of the units' on-shift hours spent on jobs (job + travel), from Larson's hypercube "
        "(mean of the units, weighted by their shift hours). Calls arriving while every unit in reach is "
        "busy go to the normal response.",
    )
    st.caption(
        f"**Geographic**: {EXPLAIN['geographic']} **In hours**: {EXPLAIN['in_hours']} "
        f"**Expected**: {EXPLAIN['expected']} Target {kpis.target_min:.0f} min; "
        f"mean response to the nearest unit {kpis.mean_response_min:.1f} min; "
        f"population within target {report.format_share(kpis.population_share)}; "
        f"{kpis.jobs_per_8h:.1f} jobs per 8 hours (fleet)."
    )

    left, right = st.columns([3, 2])
    with left:
        cutoffs = st.multiselect(
            "Catchment cut-offs (minutes)", [5, 10, 15, 20, 30], default=[10, 15, 20], key="cov_cutoffs"
        )
        iso = (
            results.isochrones_for(data.scenario, tuple(float(c) for c in sorted(cutoffs)), data.assumptions)
            if cutoffs
            else None
        )
        gaps = results.coverage_gaps_for(data, result)
        m = map_cache.coverage_map(
            data,
            fleet=data.scenario,
            bases=data.bases,
            isochrones=iso,
            gaps=gaps,
            drawn=tuple(sorted(cutoffs)),
        )
        st_folium(
            m, height=460, use_container_width=True, returned_objects=[], key="coverage_map", render=False
        )
    with right:
        targets = [v.target_min for v in data.scenario.vehicles]
        _workload(result, kpis, data.assumptions.reach_note(targets_min=targets))
        st.caption(record_view.record_sentence(data))
    below_left, below_right = st.container(), st.container()  # full width below the map: none cut off at 1280
    with below_left:
        st.markdown("**Largest gaps** (incidents a year not covered, by LSOA)")
        st.dataframe(
            gaps[["rank", "lsoa_name", "uncovered_per_year", "main_gap", "district_name"]].head(15),
            hide_index=True,
            height=240,
            width="stretch",
            column_config={
                "rank": "#",
                "lsoa_name": "LSOA",
                "district_name": "District",
                "uncovered_per_year": st.column_config.NumberColumn("Incidents/yr", format="%.1f"),
                "main_gap": "Main reason",
            },
        )
    with below_right:
        st.markdown("**By district** (shares of incidents)")
        st.dataframe(
            result.by_district[
                [
                    "district_name",
                    "incidents",
                    "coverage_geographic",
                    "coverage_in_hours",
                    "coverage_expected",
                ]
            ],
            hide_index=True,
            width="stretch",
            height=200,
            column_config={
                "district_name": "District",
                "incidents": "Incidents",
                "coverage_geographic": st.column_config.NumberColumn("Geographic", format="percent"),
                "coverage_in_hours": st.column_config.NumberColumn("In hours", format="percent"),
                "coverage_expected": st.column_config.NumberColumn("Expected", format="percent"),
            },
        )


def _workload(result: CoverageResult, kpis: PlanKpis, reach: str) -> None:
    jobs, hours = PUBLISHED_JOBS_PER_SHIFT, PUBLISHED_SHIFT_HOURS
    published = f"about {jobs:g} jobs in an {hours:g}-hour shift"
    st.markdown(f"**Units' workload** (published: {published})")
    table = unit_workload(result)
    st.dataframe(
        table[["vehicle_id", "busy_pct", "expected_jobs_per_shift", "jobs_per_8h"]],
        hide_index=True,
        width="stretch",
        column_config={
            "vehicle_id": st.column_config.TextColumn("Unit"),
            "busy_pct": st.column_config.NumberColumn(
                "Busy", format="%.0f%%", help="Share of on-shift time on a job (job + travel)."
            ),
            "expected_jobs_per_shift": st.column_config.NumberColumn(
                "Jobs/shift", format="%.1f", help="Calls the unit takes per shift of its schedule."
            ),
            "jobs_per_8h": st.column_config.NumberColumn(
                "Jobs/8 h", format="%.1f", help=f"Comparable with the published {published}."
            ),
        },
    )
    st.caption(
        f"Catchment maps overstate coverage: {report.format_share(kpis.coverage_geographic)} of incidents "
        f"lie in a catchment, {report.format_share(kpis.coverage_expected)} find a unit on shift and free. "
        + workload_note(kpis.jobs_per_8h, reach_note=reach)
    )


run_page(body)
