"""Planner: place units, compare every KPI with the baseline, recommend, cost and compare plans.

Place a unit by clicking the map or picking a site; recommend the next units; see the business case;
save the plan and compare scenarios.

Every KPI comes from the same coverage engine as the Coverage page (jru_geo.model.coverage via
jru_app.data.coverage_for), so the baseline column equals the Coverage page's figures.
"""

from __future__ import annotations

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from jru_app import data as app
from jru_app import results, state
from jru_app.page import run_page
from jru_app.state import PlacedUnit, Recommendation
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.coverage.business import BusinessAssumptions
from jru_geo.optimise.kpis import kpi_table
from jru_geo.optimise.placement import Objective
from jru_geo.optimise.planning import new_unit_business_case
from jru_geo.viz import maps

KPI_NOTE = (
    "Same engine as the Coverage page: each incident at its own place and time, units only on shift, "
    "busy units from Larson's hypercube queueing model."
)
OBJECTIVES: dict[Objective, str] = {"mexclp": "expected (busy-aware)", "mclp": "within target"}


def _place_controls(data: app.AppData) -> None:
    cands = data.geo.candidates
    site = st.selectbox(
        "Or pick a candidate site", ["(choose)"] + cands["name"].astype(str).tolist(), key=state.PLAN_SITE
    )
    c2, c3 = st.columns(2)
    if c2.button("Place unit there", disabled=site == "(choose)", key="plan_place", width="stretch"):
        row = cands[cands["name"].astype(str) == site].iloc[0]
        state.add_planned_unit(
            PlacedUnit(f"New unit at {site}", easting=float(row["easting"]), northing=float(row["northing"]))
        )
        st.rerun()
    if c3.button("Clear new units", disabled=not state.planned_units(), key="plan_clear", width="stretch"):
        state.clear_planned_units()
        st.rerun()


def _map_and_kpis(data: app.AppData, plan: Scenario, last: Recommendation | None) -> None:
    new_bases = app.bases_for(plan)
    new_only = new_bases[~new_bases["vehicle_id"].isin(data.bases["vehicle_id"])]
    left, right = st.columns([1, 1])
    with left:
        m = maps.planner_map(
            data.bases,
            districts=data.geo.districts,
            new_bases=new_only,
            candidates=data.geo.candidates,
            picks=last.result.picks if last is not None else None,
            outline=data.geo.outline,
            towns=data.geo.towns,
            tiles=data.tiles,
            assets_url=data.assets_url,
        )
        out = st_folium(
            m, height=430, use_container_width=True, returned_objects=["last_clicked"], key="planner_map"
        )
        click = (out or {}).get("last_clicked")
        if click and click != st.session_state.get(state.PLAN_LAST_CLICK):
            st.session_state[state.PLAN_LAST_CLICK] = click
            number = len(state.planned_units()) + 1
            state.add_planned_unit(
                PlacedUnit(f"New unit {number}", lat=float(click["lat"]), lon=float(click["lng"]))
            )
            st.rerun()
        _place_controls(data)
    with right:
        before = results.plan_kpis(data, data.scenario)
        after = results.plan_kpis(data, plan)
        st.table(kpi_table(before, after, labels=("Baseline", "Plan")))
        st.caption(f"{KPI_NOTE} Target {before.target_min:.0f} min. Filters: {data.filter_note}.")
        st.download_button(
            "Save plan as scenario (JSON)",
            scenario_to_json(plan).encode("utf-8"),
            "jru_plan.json",
            "application/json",
        )


def _recommend(data: app.AppData) -> Recommendation | None:
    st.markdown("#### Recommend the next unit(s)")
    c1, c2, c3, c4 = st.columns([1, 2, 2, 1], vertical_alignment="bottom")
    k = c1.number_input("New units", min_value=1, max_value=5, value=2, key="rec_k")
    objective: Objective = (
        c2.radio(
            "Objective", list(OBJECTIVES), key="rec_obj", horizontal=True, format_func=OBJECTIVES.__getitem__
        )
        or "mexclp"
    )
    grid = c3.toggle("Add a 2 km grid of sites", key="rec_grid")
    made_for = results.recommendation_key(data)
    if not c4.button("Recommend", type="primary", key="rec_go"):
        return state.last_recommendation(made_for)
    result = results.recommend_for(data, data.scenario, k=int(k), objective=objective, grid=bool(grid))
    recommendation = Recommendation(result=result, objective=objective, made_for=made_for)
    state.keep_recommendation(recommendation)
    return recommendation


def _show_recommendation(last: Recommendation | None) -> None:
    if last is None:
        return
    picks, curve, busy = last.result.picks, last.result.curve, last.result.busy_fraction
    gain = "Expected gain (incidents/yr)" if last.objective == "mexclp" else "Gain (incidents/yr)"
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
            state.add_planned_unit(
                PlacedUnit(
                    f"New unit at {choice}", easting=float(row["easting"]), northing=float(row["northing"])
                )
            )
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
        if last.objective == "mexclp"
        else "incidents within target of some unit"
    )
    st.caption(
        f"The optimiser ranks sites on incidents per LSOA at the LSOA centroid: {detail}. Add a site to "
        "the plan to see its effect on the KPIs above."
    )


def _business_case(data: app.AppData, plan: Scenario) -> None:
    st.markdown("#### Business case for the new unit(s)")
    if not state.planned_units():
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
        results.coverage_result(data), results.coverage_for(data, plan), assumptions=assumptions
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


def _compare(data: app.AppData, plan: Scenario) -> None:
    st.markdown("#### Compare two scenarios")
    options = {"Current plan": plan, **{k: None for k in app.scenario_choices()}}
    c1, c2 = st.columns(2)
    a = c1.selectbox("Scenario A", list(options), index=1, key="cmp_a")
    b = c2.selectbox("Scenario B", list(options), index=0, key="cmp_b")
    sa = options[a] or app.scenario_by_label(a)
    sb = options[b] or app.scenario_by_label(b)
    st.table(kpi_table(results.plan_kpis(data, sa), results.plan_kpis(data, sb), labels=(a, b)))


def body() -> None:
    """Draw the Planner."""
    data = app.app_data()
    st.markdown(f"### Planner: {data.scenario.name}")
    st.caption(
        "Click the map to place a new unit there (it copies the first unit's shifts and target); "
        "the table compares every KPI with the baseline. "
        f"**Assumptions**: {app.assumptions_note(data)}"
    )
    plan = results.planned_scenario(data.scenario)
    _map_and_kpis(data, plan, state.last_recommendation(results.recommendation_key(data)))
    _show_recommendation(_recommend(data))
    _business_case(data, plan)
    _compare(data, plan)


run_page(body)
