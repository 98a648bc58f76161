"""Heatmap: where and when incidents happen, following the sidebar filters."""

from __future__ import annotations

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from jru_app import cache, results
from jru_app import data as app
from jru_app.page import escape_markdown, run_page
from jru_geo.areas import counts
from jru_geo.io.categories import CATEGORIES
from jru_geo.io.sources import headline_count
from jru_geo.viz import report
from jru_geo.viz.layers import HEAT_MAX_POINTS
from jru_geo.week import DAY_NAMES, SERVICE_HOURS

HOUR_CAPTION = (
    "Each row is a service day, 06:00 to 05:59 the next morning: a night belongs to the day it starts, "
    "as in the filters and the shifts, so Friday's row ends with Saturday 00:00-05:59."
)


def body() -> None:
    """Draw the Heatmap."""
    data = app.app_data()
    geo = data.geo
    rates = counts.counts_by_area(data.filtered, geo.districts, level="district")
    how, untimed = results.hour_of_week(data)
    cats = counts.counts_by_category(data.filtered, labels=CATEGORIES)
    noun = headline_count(data.filtered["source"]).noun if len(data.filtered) else "incidents"

    st.markdown(f"### Where and when {noun} happen")
    if data.loaded.synthetic:
        st.caption(":orange-badge[Synthetic demo data] Not real incidents.")
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Incidents shown",
        f"{int(rates['incidents'].sum()):,}",
        help=f"Filters: {escape_markdown(data.filter_note)}.",
    )
    c2.metric(
        "Highest rate", f"{rates['rate_per_1000'].max():.2f} per 1,000", help="Incidents per 1,000 residents."
    )
    excluded = data.month_precision_excluded
    c3.metric(
        "Left out: month-only dates",
        f"{excluded:,}",
        help="police.uk gives only the month; a day or hour filter cannot place them.",
    )

    squares = st.checkbox(
        "Show 1 km squares (incidents and top categories per square)",
        value=False,
        key="heat_squares",
        help="Off by default: the squares are the map's heaviest layer, so they are sent only when ticked.",
    )
    m = cache.heatmap_map(
        data.data_key, data.filtered, rates, squares=squares, tiles=data.tiles, assets_url=data.assets_url
    )
    st_folium(m, height=480, use_container_width=True, returned_objects=[], key="heat_map", render=False)
    st.caption(
        "Heat map of incidents binned to 250 m squares, doubled (500 m, 1 km...) where a large area would "
        f"send more than {HEAT_MAX_POINTS:,} of them; never one marker per incident. Switch on the "
        "district rates (per 1,000 residents, Census 2011) in the layer box, or tick the 1 km squares above."
    )

    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Hour of the week** (incidents per hour, all weeks together)")
        st.caption(HOUR_CAPTION)
        if untimed:
            st.caption(f"{untimed:,} incidents dated only to the month or day are not shown.")
        chart = (
            alt.Chart(how)
            .mark_rect()
            .encode(
                x=alt.X(
                    "hour:O",
                    sort=list(SERVICE_HOURS),
                    title="Hour of day (00:00-05:59 at the end of the night before)",
                    axis=alt.Axis(labelAngle=0),
                ),
                y=alt.Y("service_day:O", sort=list(DAY_NAMES), title="Service day"),
                color=alt.Color("incidents:Q", scale=alt.Scale(scheme="viridis"), title="Incidents"),
                tooltip=[
                    alt.Tooltip("day:N", title="Day"),
                    alt.Tooltip("hour:O", title="Hour"),
                    alt.Tooltip("service_day:N", title="Night of"),
                    alt.Tooltip("incidents:Q", title="Incidents"),
                ],
            )
            .properties(height=220)
        )
        if int(how["incidents"].sum()):
            st.altair_chart(chart, width="stretch")
        else:
            st.caption("None of these incidents has a time of day to chart.")
    with right:
        st.markdown("**Categories**")
        bars = (
            alt.Chart(cats)
            .mark_bar(color="#0072B2")
            .encode(
                x=alt.X("incidents:Q", title="Incidents"),
                y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240)),
                tooltip=["label", "incidents", alt.Tooltip("share:Q", format=".1%")],
            )
            .properties(height=220)
        )
        st.altair_chart(bars, width="stretch")
    st.dataframe(report.district_table(data.filtered, geo.districts), hide_index=True, width="stretch")


run_page(body)
