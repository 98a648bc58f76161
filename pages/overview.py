"""Overview: the public summary (headline figures, map of districts and units, district table, sources)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from jru_app import data as app
from jru_app import map_cache, results
from jru_app.page import escape_markdown, footer, run_page
from jru_geo.areas import counts
from jru_geo.areas.filters import describe_filter
from jru_geo.io import boundaries
from jru_geo.model.coverage.tables import covered_share_by_district
from jru_geo.viz import report

COUNT_HELP = (
    "The count is named for the data: police-recorded crimes (police.uk), collisions (STATS19), joint "
    "incidents (the demo, a CAD or joint-call log). Below it, the share taken as JRU calls (sidebar "
    "assumptions) when it is not 1."
)


def _filter_note(data: app.AppData) -> str:
    """Say the filter in words without its dates: the period beside it says them."""
    return describe_filter(data.flt, district_names=app.district_names(), include_dates=False)


SCOPES = {"all": "All data", "filtered": "As filtered in the sidebar"}


def body() -> None:
    """Draw the Overview."""
    data = app.app_data()
    scope = st.radio(
        "Summary of", list(SCOPES), format_func=SCOPES.__getitem__, horizontal=True, key="ov_scope"
    )
    if scope == "all":
        data = app.unfiltered(data)
    if (empty := results.empty_note(data)) is not None:
        st.info(empty, icon=":material/filter_alt_off:")
        return
    geo = data.geo
    coverage = results.coverage_result(data)
    summary = report.summarise(
        data.filtered,
        geo.districts,
        data.bases,
        coverage=coverage,
        as_of=app.today(),
        synthetic=data.loaded.synthetic,
        source_note=data.loaded.source_note,
        filter_note=f"{_filter_note(data)}; {app.assumptions_note(data, clause=True)}",
        demand_share=data.assumptions.demand_share,
        area_name=app.area_label(),
    )
    table = report.district_table(
        data.filtered,
        geo.districts,
        covered_share=covered_share_by_district(coverage),
        area_name=app.area_label(),
    )
    rates = counts.counts_by_area(data.filtered, geo.districts, level="district")

    title = f"{summary.area_name} Joint Response Units"
    badge = " :orange-badge[Synthetic demo data]" if summary.synthetic else ""
    st.markdown(f"### {title}{badge}")
    c1, c2, c3, c4 = st.columns(4)
    headline = summary.headline
    c1.metric(
        headline.label,
        f"{summary.incidents:,}",
        headline.share_note or None,
        delta_color="off",
        delta_arrow="off",
        help=f"In {summary.area_name}, {summary.period}. {COUNT_HELP}",
    )
    c2.metric(
        "Reached within target",
        report.format_share(summary.coverage_in_hours),
        help="Share of incidents a unit on shift could reach within its response target (minutes).",
    )
    c3.metric(
        "Expected coverage",
        report.format_share(summary.coverage_expected),
        help="Reached within target allowing for units already busy on another job.",
    )
    c4.metric(
        "Busiest district",
        summary.busiest_district or "none",
        f"{summary.busiest_incidents:,} {headline.noun}" if summary.busiest_district else None,
        delta_color="off",
        delta_arrow="off",
    )

    left, right = st.columns([3, 2])
    with left:
        m = map_cache.overview_map(data, rates)
        st_folium(
            m, height=370, use_container_width=True, returned_objects=[], key="overview_map", render=False
        )
    with right:
        st.dataframe(
            table,
            hide_index=True,
            height=318,
            width="stretch",
            column_config={
                "Incidents": st.column_config.NumberColumn(format="localized"),
                "Per 1,000 residents": st.column_config.NumberColumn("Per 1,000", format="%.2f"),
                f"Share of {summary.area_name} (%)": None,
                "Reached in target (%)": st.column_config.NumberColumn("In target", format="%.1f%%"),
            },
        )
        d1, d2 = st.columns(2)
        d1.download_button(
            "PNG summary (web, 1280x720)",
            lambda: results.summary_png(data, summary, table, rates),  # drawn only when clicked
            "jru_summary.png",
            "image/png",
            icon=":material/image:",
            key="ov_web_png",
        )
        d1.download_button(
            "PNG for print (2400x1350, 200 dpi)",
            lambda: results.summary_png(data, summary, table, rates, size="print"),
            "jru_summary_print.png",
            "image/png",
            icon=":material/print:",
            key="ov_print_png",
        )
        d2.download_button(
            "CSV", report.summary_csv(summary, table), "jru_summary.csv", "text/csv", icon=":material/table:"
        )
    st.caption(f"**Alt text for the PNG**: {escape_markdown(report.summary_alt_text(summary, table))}")
    footer(
        f"{summary.as_of_line} Units: {data.scenario.name}"
        f"{' (bases indicative)' if data.scenario.indicative else ''}.",
        boundaries.ATTRIBUTION,
    )


run_page(body, with_sidebar=False)
