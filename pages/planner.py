"""Planner: place a unit by clicking the map or picking a site, see every KPI against the baseline,
recommend the next units, the business case, save/load and compare scenarios.

Every KPI comes from the same coverage engine as the Coverage page (jru_geo.coverage via
jru_cache.coverage_for), so the baseline column equals the Coverage page's figures.
"""

from __future__ import annotations

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

import jru_cache
from jru_geo.io import scenario
from jru_geo.model.coverage.business import BusinessAssumptions
from jru_geo.optimise.kpis import kpi_table
from jru_geo.optimise.planning import new_unit_business_case, place_unit
from jru_geo.viz import maps

PLANNED = jru_cache.PLANNED

KPI_NOTE = (
    "Same engine as the Coverage page: each incident at its own place and time, units only on shift, "
    "busy units from Larson's hypercube queueing model."
)


def _planned_scenario(base: scenario.Scenario) -> scenario.Scenario:
    plan = base
    for unit in st.session_state.get(PLANNED, []):
        plan = place_unit(
            plan,
            easting=unit.get("easting"),
            northing=unit.get("northing"),
            lat=unit.get("lat"),
            lon=unit.get("lon"),
            name=unit["name"],
        )
    return plan


def _add_unit(name: str, **where: float) -> None:
    units = list(st.session_state.get(PLANNED, []))
    units.append({"name": name, **where})
    st.session_state[PLANNED] = units


def _place_controls(data: jru_cache.AppData) -> None:
    cands = data.geo.candidates
    site = st.selectbox(
        "Or pick a candidate site", ["(choose)"] + cands["name"].astype(str).tolist(), key="plan_site"
    )
    c2, c3 = st.columns(2)
    if c2.button("Place unit there", disabled=site == "(choose)", key="plan_place", width="stretch"):
        row = cands[cands["name"].astype(str) == site].iloc[0]
        _add_unit(f"New unit at {site}", easting=float(row["easting"]), northing=float(row["northing"]))
        st.rerun()
    if c3.button(
        "Clear new units", disabled=not st.session_state.get(PLANNED), key="plan_clear", width="stretch"
    ):
        st.session_state[PLANNED] = []
        st.session_state["plan_last_click"] = None
        st.rerun()


def _map_and_kpis(data: jru_cache.AppData, plan: scenario.Scenario, picks: object) -> None:
    new_bases = jru_cache.bases_for(plan)
    new_only = new_bases[~new_bases["vehicle_id"].isin(data.bases["vehicle_id"])]
    left, right = st.columns([1, 1])
    with left:
        m = maps.planner_map(
            data.bases,
            districts=data.geo.districts,
            new_bases=new_only,
            candidates=data.geo.candidates,
            picks=picks,
            outline=data.geo.outline,
            towns=data.geo.towns,
            tiles=data.tiles,
            assets_url=data.assets_url,
        )
        out = st_folium(
            m, height=430, use_container_width=True, returned_objects=["last_clicked"], key="planner_map"
        )
        click = (out or {}).get("last_clicked")
        if click and click != st.session_state.get("plan_last_click"):
            st.session_state["plan_last_click"] = click
            number = len(st.session_state.get(PLANNED, [])) + 1
            _add_unit(f"New unit {number}", lat=float(click["lat"]), lon=float(click["lng"]))
            st.rerun()
        _place_controls(data)
    with right:
        before = jru_cache.plan_kpis(data, data.scenario)
        after = jru_cache.plan_kpis(data, plan)
        st.table(kpi_table(before, after, labels=("Baseline", "Plan")))
        st.caption(f"{KPI_NOTE} Target {before.target_min:.0f} min. Filters: {data.filter_note}.")
        st.download_button(
            "Save plan as scenario (JSON)",
            jru_cache.scenario_json(plan).encode("utf-8"),
            "jru_plan.json",
            "application/json",
        )


def _recommend(data: jru_cache.AppData) -> object:
    st.markdown("#### Recommend the next unit(s)")
    c1, c2, c3, c4 = st.columns([1, 2, 2, 1], vertical_alignment="bottom")
    k = c1.number_input("New units", min_value=1, max_value=5, value=2, key="rec_k")
    objective = c2.radio(
        "Objective",
        ["mexclp", "mclp"],
        key="rec_obj",
        horizontal=True,
        format_func=lambda o: {"mexclp": "expected (busy-aware)", "mclp": "within target"}[o],
    )
    grid = c3.toggle("Add a 2 km grid of sites", key="rec_grid")
    if not c4.button("Recommend", type="primary", key="rec_go"):
        return _last_recommendation(data)
    result = jru_cache.recommend_for(data, data.scenario, k=int(k), objective=objective, grid=bool(grid))
    st.session_state["rec_result"] = (result.picks, result.curve, result.busy_fraction, objective)
    st.session_state["rec_for"] = _recommendation_key(data)
    return st.session_state["rec_result"]


def _recommendation_key(data: jru_cache.AppData) -> tuple[object, ...]:
    return (data.assumptions, jru_cache.scenario_json(data.scenario), data.flt)


def _last_recommendation(data: jru_cache.AppData) -> object:
    """The last recommendation, unless the assumptions, scenario or filters changed since."""
    if st.session_state.get("rec_for") != _recommendation_key(data):
        return None
    return st.session_state.get("rec_result")


def _show_recommendation(result: object) -> None:
    if not result:
        return
    picks, curve, busy, objective = result  # type: ignore[misc]
    gain = "Expected gain (incidents/yr)" if objective == "mexclp" else "Gain (incidents/yr)"
    st.dataframe(
        picks[["rank", "name", "gain_per_year", "gain_fraction"]],
        hide_index=True,
        width="stretch",
        column_config={
            "rank": st.column_config.NumberColumn("#", width="small"),
            "name": "Site",
            "gain_per_year": st.column_config.NumberColumn(gain, format="%.0f"),
            "gain_fraction": st.column_config.NumberColumn("Gain (% of demand)", format="percent"),
        },
    )
    left, right = st.columns(2)
    with left:
        choice = st.selectbox("Add a recommended site to the plan", picks["name"].tolist(), key="rec_pick")
        if st.button("Add to plan"):
            row = picks[picks["name"] == choice].iloc[0]
            _add_unit(f"New unit at {choice}", easting=float(row["easting"]), northing=float(row["northing"]))
            st.rerun()
    with right:
        chart = (
            alt.Chart(curve)
            .mark_line(point=True, color="#009E73")
            .encode(
                x=alt.X("new_units:O", title="New units", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("coverage_pct:Q", title="Demand covered (%)"),
            )
            .properties(height=200)
        )
        st.caption("Optimiser's objective by number of new units (the marginal-gain curve)")
        st.altair_chart(chart, width="stretch")
    detail = (
        f"Daskin's expected coverage with every unit busy {busy:.0%} of the time (the baseline fleet "
        "busy fraction)"
        if objective == "mexclp"
        else "incidents within target of some unit"
    )
    st.caption(
        f"The optimiser ranks sites on incidents per LSOA at the LSOA centroid: {detail}. Add a site to "
        "the plan to see its effect on the KPIs above."
    )


def _business_case(data: jru_cache.AppData, plan: scenario.Scenario) -> None:
    st.markdown("#### Business case for the new unit(s)")
    if not st.session_state.get(PLANNED):
        st.info("Place a unit on the map (or pick a site) to see its business case.")
        return
    d = BusinessAssumptions()
    with st.expander("Assumptions (published JRU figures; edit to test)"):
        a1, a2, a3 = st.columns(3)
        minutes = a1.number_input("Minutes saved per incident", 0.0, 240.0, d.minutes_saved_per_incident)
        money = a2.number_input("Saving per incident (£)", 0.0, 1000.0, round(d.saving_per_incident_gbp, 2))
        jobs = a3.number_input("Jobs per 8-hour shift", 0.0, 30.0, d.jobs_per_shift)
        services = a1.selectbox(
            "Services saving time",
            [1, 2, 0],
            format_func=lambda s: {0: "none", 1: "ambulance", 2: "ambulance and police"}[s],
        )
    assumptions = BusinessAssumptions(
        minutes_saved_per_incident=minutes,
        saving_per_incident_gbp=money,
        jobs_per_shift=jobs,
        services_saving_time=int(services),
    )
    case = new_unit_business_case(
        jru_cache.coverage_result(data), jru_cache.coverage_for(data, plan), assumptions=assumptions
    )
    b1, b2, b3, b4 = st.columns(4)
    b1.metric("Incidents attended a year", f"{case.incidents_per_year:,.0f}")
    b2.metric("Crew hours a year", f"{case.crew_hours_per_year:,.0f}")
    b3.metric("Service hours saved a year", f"{case.total_hours_saved:,.0f}")
    b4.metric("Money saved a year", f"£{case.money_saved_gbp:,.0f}")
    st.caption(
        "Incidents attended: the calls the hypercube dispatch model sends to the new unit(s) in the plan. "
        + " ".join(case.notes)
    )


def _compare(data: jru_cache.AppData, plan: scenario.Scenario) -> None:
    st.markdown("#### Compare two scenarios")
    options = {"Current plan": plan, **{k: None for k in jru_cache.scenario_choices()}}
    c1, c2 = st.columns(2)
    a = c1.selectbox("Scenario A", list(options), index=1, key="cmp_a")
    b = c2.selectbox("Scenario B", list(options), index=0, key="cmp_b")
    sa = options[a] or jru_cache.scenario_by_label(a)
    sb = options[b] or jru_cache.scenario_by_label(b)
    st.table(kpi_table(jru_cache.plan_kpis(data, sa), jru_cache.plan_kpis(data, sb), labels=(a, b)))


def body() -> None:
    data = jru_cache.app_data()
    st.markdown(f"### Planner: {data.scenario.name}")
    st.caption(
        "Click the map to place a new unit there (it copies the first unit's shifts and target); "
        "the table compares every KPI with the baseline. "
        f"**Assumptions**: {jru_cache.assumptions_note(data)}"
    )
    plan = _planned_scenario(data.scenario)
    result = _last_recommendation(data)
    _map_and_kpis(data, plan, result[0] if result else None)
    _show_recommendation(_recommend(data))
    _business_case(data, plan)
    _compare(data, plan)


jru_cache.run_page(body)
