"""Tonight: what do we cover at a chosen hour? Units on shift, how busy, their catchments, what is left.

For commanders. Pick the night and the hour (default: now); nights belong to the day they start, so
Saturday night 01:00 is Sunday 01:00. Every figure is the coverage engine's for that hour, with the
whole demand loading the units (jru_app.results.tonight_for).
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from jru_app import data as app
from jru_app import map_cache, results
from jru_app.page import escape_markdown, run_page
from jru_geo.model.coverage.tonight import night_of_hour, on_shift_fleet
from jru_geo.viz import report
from jru_geo.week import DAY_NAMES, HOURS_PER_DAY, SERVICE_HOURS


def _pick_hour() -> tuple[int, int]:
    now = app.now()
    night, hour = night_of_hour(now.weekday() * HOURS_PER_DAY + now.hour)
    c1, c2 = st.columns(2)
    chosen_night = c1.selectbox(
        "Night of", list(range(7)), index=night, format_func=DAY_NAMES.__getitem__, key="tn_night"
    )
    chosen_hour = c2.selectbox(
        "Hour",
        list(SERVICE_HOURS),
        index=list(SERVICE_HOURS).index(hour),
        format_func=lambda h: f"{h:02d}:00" + (" (next morning)" if h < SERVICE_HOURS[0] else ""),
        key="tn_hour",
    )
    return int(chosen_night), int(chosen_hour)


def body() -> None:
    """Draw the Tonight page."""
    data = app.app_data()
    st.markdown(f"### Tonight: {escape_markdown(data.scenario.name)}")
    badge = ":orange-badge[Synthetic demo data] Not real incidents. " if data.loaded.synthetic else ""
    st.caption(
        f"{badge}Pick a night and an hour (default: now). Nights belong to the day they start: "
        "Saturday night 01:00 is Sunday 01:00. Figures are for an average week of the data, from the same "
        "engine as the Coverage page, with every incident loading the units. "
        f"**Assumptions**: {app.assumptions_note(data)}"
    )
    night, hour = _pick_hour()
    view = results.tonight_for(data, night, hour)
    share = view.covered_expected_per_week / view.demand_per_week if view.demand_per_week > 0 else 0.0
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Units on shift", f"{view.units_on_shift} of {len(view.units)}")
    c2.metric("JRU calls in this hour", f"{view.demand_per_week:.1f} a week")
    c3.metric(
        "Covered (unit on shift and free)",
        report.format_share(share),
        help="Share of this hour's calls reached within target by a unit on shift and not busy.",
    )
    c4.metric("Not covered", f"{view.uncovered_per_week:.1f} a week")
    left, right = st.columns([3, 2])
    on_fleet = on_shift_fleet(data.scenario, view)
    with left:
        bases = data.bases[data.bases["vehicle_id"].isin([v.id for v in on_fleet.vehicles])]
        targets = tuple(sorted({float(v.target_min) for v in on_fleet.vehicles}))
        iso = results.isochrones_for(on_fleet, targets, data.assumptions) if on_fleet.vehicles else None
        m = map_cache.coverage_map(
            data, fleet=on_fleet, bases=bases, isochrones=iso, gaps=None, drawn=targets
        )
        st_folium(
            m, height=440, use_container_width=True, returned_objects=[], key="tonight_map", render=False
        )
        st.caption("Bases and catchments (response target) of the units on shift in this hour.")
    with right:
        st.markdown(f"**{view.label}**")
        st.dataframe(
            view.units[["name", "on_shift", "busy_probability", "next_change"]],
            hide_index=True,
            width="stretch",
            column_config={
                "name": "Unit",
                "on_shift": st.column_config.CheckboxColumn("On shift"),
                "busy_probability": st.column_config.NumberColumn(
                    "Busy", format="percent", help="Chance the unit is on a job in this hour (hypercube)."
                ),
                "next_change": "Next shift change",
            },
        )
        if view.units_on_shift == 0:
            st.info(
                "No unit is on shift in this hour: every call goes to the normal police and ambulance "
                "response."
            )


run_page(body)
