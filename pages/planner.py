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
from jru_app import plan_cache, results, state
from jru_app.business_view import show_business_case
from jru_app.page import escape_markdown, run_page
from jru_app.plan_editor import (
    MAP_KEY,
    apply_change,
    edit_plan,
    move_note,
    on_map_click,
    plan_history_buttons,
    take_map_click,
    unit_to_move,
)
from jru_app.state import PlacedUnit, Recommendation
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.patterns import PATTERNS
from jru_geo.optimise.kpis import coverage_long, kpi_columns, kpi_table
from jru_geo.optimise.next_units import Rank
from jru_geo.viz import maps

KPI_NOTE = (
    "Same engine as the Coverage page: each incident at its own place and time, units only on shift, "
    "busy units from Larson's hypercube queueing model."
)
RANKS: dict[Rank, str] = {"gain": "gain a year", "gain_per_crew_hour": "gain per crew hour"}


def _place_controls(data: app.AppData) -> None:
    cands = data.geo.candidates
    site = st.selectbox(
        "Or pick a candidate site", ["(choose)"] + cands["name"].astype(str).tolist(), key=state.PLAN_SITE
    )
    c2, c3 = st.columns(2)
    if c2.button("Place unit there", disabled=site == "(choose)", key="plan_place", width="stretch"):
        row = cands[cands["name"].astype(str) == site].iloc[0]
        unit = PlacedUnit(
            f"New unit at {site}", easting=float(row["easting"]), northing=float(row["northing"])
        )
        _add(data, unit)
    if c3.button("Clear new units", disabled=not state.planned_units(), key="plan_clear", width="stretch"):
        state.clear_planned_units()
        st.rerun()


def _add(data: app.AppData, unit: PlacedUnit) -> None:
    """Add a unit if its base is on land in Kent and not on top of another; else say why."""
    apply_change(data, (*state.planned_units(), unit), len(state.planned_units()))


def _kpis(data: app.AppData, plan: Scenario, clicked: int | None) -> None:
    """Draw the click's preview at once, then the KPI table from the engine."""
    preview = st.empty()  # always there, so the table keeps its place between runs
    if (empty := results.empty_note(data)) is not None:
        st.info(empty, icon=":material/filter_alt_off:")
        return
    before = results.plan_kpis(data, data.scenario)
    if clicked is not None:
        quick = plan_cache.click_preview(data, plan, clicked, before.fleet_busy_fraction)
        preview.caption(
            f"**Quick look at {escape_markdown(quick.unit)}** (from travel times, before the engine): "
            f"incidents within target {quick.without_pct:.1f}% without it, **{quick.with_pct:.1f}%** "
            f"with it; expected roughly {quick.expected_pct:.1f}% if every unit is busy "
            f"{quick.busy_pct:.0f}% of the time. The table below is the engine's answer."
        )
    after = results.plan_kpis(data, plan)
    st.table(kpi_table(before, after, labels=("Baseline", "Plan")))
    filters = escape_markdown(data.filter_note)
    st.caption(f"{KPI_NOTE} Target {before.target_min:.0f} min. Filters: {filters}.")
    st.download_button(
        "Save plan as scenario (JSON)",
        scenario_to_json(plan).encode("utf-8"),
        "jru_plan.json",
        "application/json",
    )


def _map_and_kpis(
    data: app.AppData, plan: Scenario, last: Recommendation | None, clicked: tuple[int | None, str | None]
) -> None:
    left, right = st.columns([1, 1])
    with right:  # first: the preview and the table come before the map is rebuilt
        _kpis(data, plan, clicked[0])
    new_bases = app.bases_for(plan)
    new_only = new_bases[~new_bases["vehicle_id"].isin(data.bases["vehicle_id"])]
    # every unit's catchment at its own response target, the placed units' included
    targets = tuple(sorted({float(v.target_min) for v in plan.vehicles}))
    iso = results.isochrones_for(plan, targets, data.assumptions) if plan.vehicles else None
    # the quick look is for a click that adds a unit, not one that moves a unit
    quick = plan_cache.quick_look(data, plan) if unit_to_move() is None else None
    with left:
        m, plan_layer = maps.planner_map(
            data.bases,
            districts=data.geo.districts,
            new_bases=new_only,
            candidates=data.geo.candidates,
            picks=last.result.picks if last is not None else None,
            isochrones=iso,
            outline=data.geo.outline,
            towns=data.geo.towns,
            tiles=data.tiles,
            assets_url=data.assets_url,
            quick_look=quick,
        )
        st_folium(
            m,
            height=430,
            use_container_width=True,
            returned_objects=["last_clicked"],
            key=MAP_KEY,
            on_change=on_map_click,  # a click is placed at the top of the next run, not by a rerun
            feature_group_to_add=plan_layer,  # redrawn in the map on the page: its view is kept
            render=False,  # st_folium renders the map itself: True would render it twice
        )
        if clicked[1] is not None:
            st.error(clicked[1])
        move_note()
        _place_controls(data)
        plan_history_buttons()
        edit_plan(data)


def _recommend(data: app.AppData) -> Recommendation | None:
    st.markdown("#### Recommend where and when the next unit(s) go")
    c1, c2, c3, c4 = st.columns([1, 3, 2, 1], vertical_alignment="bottom")
    k = c1.number_input("New units", min_value=1, max_value=5, value=2, key="rec_k")
    chosen = c2.multiselect(
        "Shift patterns to weigh",
        list(PATTERNS),
        default=list(PATTERNS),
        key="rec_patterns",
        format_func=lambda name: f"{name}: {PATTERNS[name].describe()}",
    )
    rank: Rank = c3.radio("Compare by", list(RANKS), key="rec_rank", format_func=RANKS.__getitem__) or "gain"
    own = st.text_input(
        "Or add your own pattern (DAYS@HH:MM-HH:MM, e.g. fri,sat@20:00-04:00)", key="rec_own_pattern"
    )
    grid = st.toggle("Add a 2 km grid of sites", key="rec_grid")
    patterns = tuple(chosen) + ((own.strip(),) if own.strip() else ())
    made_for = results.recommendation_key(data)
    if not c4.button("Recommend", type="primary", key="rec_go", disabled=not patterns):
        return state.last_recommendation(made_for)
    result = results.recommend_for(
        data, data.scenario, k=int(k), patterns=patterns, rank=rank, grid=bool(grid)
    )
    recommendation = Recommendation(result=result, made_for=made_for)
    state.keep_recommendation(recommendation)
    return recommendation


def _show_recommendation(data: app.AppData, last: Recommendation | None) -> None:
    if last is None:
        return
    plan = last.result
    picks = plan.picks
    st.dataframe(
        picks[["rank", "name", "pattern", "gain_per_year", "gain_pp", "gain_per_crew_hour"]],
        hide_index=True,
        width="stretch",
        column_config={
            "rank": st.column_config.NumberColumn("#", width="small"),
            "name": "Site",
            "pattern": "Shift pattern",
            "gain_per_year": st.column_config.NumberColumn("Expected gain (calls/yr)", format="%.0f"),
            "gain_pp": st.column_config.NumberColumn("Expected (pp)", format="%+.1f"),
            "gain_per_crew_hour": st.column_config.NumberColumn("Gain per crew hour", format="%.3f"),
        },
    )
    left, right = st.columns(2)
    with left:
        rows = picks.to_dict(orient="records")
        labels = [f"{r['rank']}. {r['name']} ({r['pattern']})" for r in rows]
        choice = st.selectbox("Add a recommended unit to the plan", labels, key="rec_pick")
        b1, b2 = st.columns(2)
        if b1.button("Add to plan", disabled=not labels, key="rec_add"):
            _add_picks(data, [rows[labels.index(choice)]] if choice in labels else [])
        if b2.button("Add all in order", disabled=not labels, key="rec_add_all"):
            _add_picks(data, rows)
    with right:
        curve = plan.curve.assign(expected_pct=100 * plan.curve["coverage_expected"])
        chart = (
            alt.Chart(curve)
            .mark_line(point=True, color="#009E73")
            .encode(
                x=alt.X("new_units:O", title="New units", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("expected_pct:Q", title="Expected coverage (%)", scale=alt.Scale(zero=False)),
                tooltip=[
                    alt.Tooltip("new_units:O", title="New units"),
                    alt.Tooltip("expected_pct:Q", title="Expected (%)", format=".1f"),
                    alt.Tooltip("calls_attended_per_year:Q", title="Calls attended/yr", format=",.0f"),
                ],
            )
            .properties(height=200)
        )
        st.caption("The engine's expected coverage as units are added (0 = the Coverage page's baseline)")
        st.altair_chart(chart, width="stretch")
    st.caption(
        "What is optimised: calls a year reached within target by a unit on shift and free (the "
        "Coverage page's Expected figure, from the same engine). How it is checked: each candidate site "
        "is screened under each shift pattern on the LSOA demand the fleet misses in that pattern's "
        f"hours; the best {plan.screen} of each pattern are each run through the coverage engine and "
        "the best engine gain is picked, then the next unit starts from that fleet. Every gain shown is "
        "the engine's change, so adding the picks in order moves the KPI table's Expected row by "
        "exactly the points shown. Gain per crew hour divides by the pattern's hours a year times a crew "
        "of two."
    )
    with st.expander(f"Every option the engine checked ({len(plan.options)})"):
        st.dataframe(
            plan.options[
                [
                    "rank",
                    "pattern",
                    "name",
                    "screen_per_year",
                    "gain_per_year",
                    "gain_per_crew_hour",
                    "chosen",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "rank": "Round",
                "pattern": "Shift pattern",
                "name": "Site",
                "screen_per_year": st.column_config.NumberColumn("Screen (never busy, /yr)", format="%.0f"),
                "gain_per_year": st.column_config.NumberColumn("Engine gain (/yr)", format="%.0f"),
                "gain_per_crew_hour": st.column_config.NumberColumn("Per crew hour", format="%.3f"),
                "chosen": "Picked",
            },
        )


def _add_picks(data: app.AppData, rows: list[dict[str, object]]) -> None:
    units = state.planned_units()
    for row in rows:
        unit = PlacedUnit(
            f"New unit at {row['name']}",
            easting=float(str(row["easting"])),
            northing=float(str(row["northing"])),
            pattern=str(row["pattern"]),
        )
        units = (*units, unit)
    apply_change(data, units, None)


def _compare(data: app.AppData, plan: Scenario) -> None:
    st.markdown("#### Compare scenarios side by side")
    options = {"Current plan": plan, **{k: None for k in app.scenario_choices()}}
    labels = list(options)
    chosen = st.multiselect(
        "Scenarios (two to four)", labels, default=labels[1:2] + labels[:1], max_selections=4, key="cmp_pick"
    )
    if len(chosen) < 2:
        st.info("Choose two to four scenarios to compare.")
        return
    kpis = [results.plan_kpis(data, options[label] or app.scenario_by_label(label)) for label in chosen]
    st.table(kpi_columns(kpis, chosen))
    chart = (
        alt.Chart(coverage_long(kpis, chosen))
        .mark_bar()
        .encode(
            x=alt.X("scenario:N", title=None, sort=chosen, axis=alt.Axis(labelAngle=0, labelLimit=240)),
            xOffset=alt.XOffset("figure:N", sort=["Geographic", "In hours", "Expected"]),
            y=alt.Y("percent:Q", title="Incidents covered (%)"),
            color=alt.Color("figure:N", sort=["Geographic", "In hours", "Expected"], title="Coverage"),
            tooltip=["scenario:N", "figure:N", alt.Tooltip("percent:Q", format=".1f")],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, width="stretch")


def body() -> None:
    """Draw the Planner."""
    data = app.app_data()
    restored = state.restore_plan_from_url()
    if restored:
        st.warning(escape_markdown(restored))
    st.markdown(f"### Planner: {escape_markdown(data.scenario.name)}")
    st.caption(
        "Click the map to place a new unit there (it copies the first unit's shifts and target until you "
        'edit it below, where "Move ... to the next map click" makes the next click move it instead; a '
        "base at sea, outside Kent or on top of another unit is refused); the table "
        "compares every KPI with the baseline; the map shades every unit's catchment at its response "
        "target. "
        f"**Assumptions**: {app.assumptions_note(data)}"
    )
    clicked = take_map_click(data)  # a click on the map, kept by its on_change: placed before drawing
    plan = results.planned_scenario(data.scenario)
    _map_and_kpis(data, plan, state.last_recommendation(results.recommendation_key(data)), clicked)
    if results.empty_note(data) is not None:
        return  # the note beside the map says why and how to fix it
    _show_recommendation(data, _recommend(data))
    show_business_case(data, plan)
    _compare(data, plan)


run_page(body)
