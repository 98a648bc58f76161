"""The Planner's business case: editable assumptions, the fleet's figures and the tornado chart.

:func:`show_business_case` draws it; every figure comes from
:func:`jru_geo.optimise.business_case.plan_business_case`, which runs the engine through
:func:`jru_app.results.coverage_for` (cached on the data, the scenario and the assumptions; the
varied model assumptions go in with :func:`dataclasses.replace` on the run's data, so each run is
cached under its own key).
"""

from __future__ import annotations

import dataclasses

import altair as alt
import pandas as pd
import streamlit as st

from jru_app import results, state
from jru_app.data import AppData
from jru_app.page import escape_markdown
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.coverage.business import BusinessAssumptions, PoliceOfficer
from jru_geo.model.coverage.result import CoverageResult
from jru_geo.optimise.business_case import PlanBusinessCase, Uncertainty, plan_business_case

__all__ = ["show_business_case"]

_POLICE: dict[PoliceOfficer, str] = {
    "constable": "Paid police constable",
    "special_constable": "Special Constable (unpaid volunteer)",
}
_SERVICES = {1: "ambulance", 2: "ambulance and police", 0: "none"}


def _gbp(value: float) -> str:
    return f"-£{-value:,.0f}" if round(value) < 0 else f"£{abs(round(value)):,}"


def _savings_inputs(a: BusinessAssumptions) -> BusinessAssumptions:
    st.markdown("**Savings and capacity** (published figures unless you edit them)")
    c1, c2, c3 = st.columns(3)
    saving = c1.number_input(
        "Saving per call gained (£)",
        0.0,
        1000.0,
        a.saving_per_incident_gbp,
        format="%.2f",
        help="Published: £112,495 saved over about 4,500 calls, March 2018 to November 2020 (SECAmb).",
        key="bc_saving",
    )
    minutes = c2.number_input(
        "Minutes saved per call",
        0.0,
        240.0,
        a.minutes_saved_per_incident,
        help="Published: about 30 minutes saved per incident (SECAmb).",
        key="bc_minutes",
    )
    jobs = c3.number_input(
        "Jobs per 8-hour shift (capacity)",
        0.0,
        30.0,
        a.jobs_per_shift,
        help="Published: around seven jobs during an eight-hour shift (KentOnline, 2019).",
        key="bc_jobs",
    )
    services = c1.selectbox(
        "Services saving that time", list(_SERVICES), format_func=_SERVICES.__getitem__, key="bc_services"
    )
    per_hour = c2.number_input(
        "Value of an hour saved (£, on top)",
        0.0,
        500.0,
        a.value_per_hour_saved_gbp,
        help="Assumption: 0, because the published £25 a call already values the time saved.",
        key="bc_value_hour",
    )
    return dataclasses.replace(
        a,
        saving_per_incident_gbp=float(saving),
        minutes_saved_per_incident=float(minutes),
        jobs_per_shift=float(jobs),
        services_saving_time=int(services),
        value_per_hour_saved_gbp=float(per_hour),
    )


def _cost_inputs(a: BusinessAssumptions) -> BusinessAssumptions:
    st.markdown("**Costs of each new unit** (assumptions: no published figure; edit to your own)")
    c1, c2, c3 = st.columns(3)
    police: PoliceOfficer = c1.radio(
        "Police crew", list(_POLICE), format_func=_POLICE.__getitem__, key="bc_police_kind"
    )
    police_cost = c1.number_input(
        "Police officer cost an hour (£)",
        0.0,
        200.0,
        a.police_cost_per_hour_gbp,
        format="%.2f",
        disabled=police == "special_constable",
        help="Assumption: top of the constable scale (£48,231 a year from September 2024) over a 40-hour "
        "week, plus 40% employer on-costs. Special Constables are unpaid volunteers: no pay counted.",
        key="bc_police_cost",
    )
    paramedic_cost = c2.number_input(
        "Paramedic cost an hour (£)",
        0.0,
        200.0,
        a.paramedic_cost_per_hour_gbp,
        format="%.2f",
        help="Assumption: top of NHS Band 6 (£44,962 a year from April 2024) over a 37.5-hour week, plus "
        "40% employer on-costs. Set 0 if the crew are existing staff redeployed.",
        key="bc_paramedic_cost",
    )
    vehicle = c3.number_input(
        "Vehicle running cost a year (£)",
        0.0,
        200_000.0,
        a.vehicle_cost_per_year_gbp,
        step=500.0,
        help="Assumption: lease, fuel and maintenance of a response car.",
        key="bc_vehicle_cost",
    )
    setup = c3.number_input(
        "Set-up cost per unit (£, one-off)",
        0.0,
        500_000.0,
        a.setup_cost_gbp,
        step=1000.0,
        help="Assumption: vehicle purchase and police and medical fit-out; used for the payback.",
        key="bc_setup_cost",
    )
    return dataclasses.replace(
        a,
        police_officer=police,
        police_cost_per_hour_gbp=float(police_cost),
        paramedic_cost_per_hour_gbp=float(paramedic_cost),
        vehicle_cost_per_year_gbp=float(vehicle),
        setup_cost_gbp=float(setup),
    )


def _range_inputs() -> Uncertainty:
    u = Uncertainty()
    st.markdown("**Range** (each input low and high on its own, the others central; assumptions)")
    c1, c2, c3, c4, c5 = st.columns(5)
    return Uncertainty(
        blue_light_delta=float(
            c1.number_input("Blue-light factor ±", 0.0, 0.5, u.blue_light_delta, key="bc_d_blue")
        ),
        share_low=float(c2.number_input("JRU share low ×", 0.05, 1.0, u.share_low, key="bc_d_share_low")),
        share_high=float(c3.number_input("JRU share high ×", 1.0, 3.0, u.share_high, key="bc_d_share_high")),
        job_min_delta=float(c4.number_input("Job time ± (min)", 0.0, 60.0, u.job_min_delta, key="bc_d_job")),
        saving_delta_gbp=float(
            c5.number_input("Saving per call ± (£)", 0.0, 100.0, u.saving_delta_gbp, key="bc_d_saving")
        ),
    )


def _inputs() -> tuple[BusinessAssumptions, Uncertainty]:
    with st.expander("Assumptions: published figures and labelled assumptions (edit to test)"):
        assumptions = _cost_inputs(_savings_inputs(BusinessAssumptions()))
        uncertainty = _range_inputs()
    return assumptions, uncertainty


def _figures(result: PlanBusinessCase) -> None:
    c = result.case
    b1, b2, b3, b4 = st.columns(4)
    b1.metric(
        "Fleet calls gained a year",
        f"{c.fleet_calls_gain_per_year:,.0f}",
        help="The fleet's calls attended a year with the plan minus without it.",
    )
    b2.metric(
        "New units' own calls a year",
        f"{c.new_units_calls_per_year:,.0f}",
        help="Calls the new unit(s) attend; some of them an existing unit would have taken.",
    )
    b3.metric("Service hours saved a year", f"{c.hours_saved_per_year:,.0f}")
    b4.metric("Money saved a year", _gbp(c.money_saved_per_year))
    b5, b6, b7, b8 = st.columns(4)
    b5.metric("Cost a year", _gbp(c.cost_per_year), help="Crew on shift plus vehicle running costs.")
    b6.metric("Net benefit a year", _gbp(c.net_benefit_per_year))
    b7.metric("Payback", "never" if c.payback_years is None else f"{c.payback_years:.2f} years")
    b8.metric("Crew hours a year", f"{c.crew_hours_per_year:,.0f}", help="On-shift hours times the crew.")


def _tornado(result: PlanBusinessCase) -> alt.LayerChart:
    t = result.tornado
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "input": t["label"],
                    "end": f"{side} setting",
                    "setting": t[f"{side}_setting"],
                    "net_benefit": t[f"net_benefit_{side}"],
                    "central": result.central,
                }
            )
            for side in ("low", "high")
        ],
        ignore_index=True,
    )
    bars = (
        alt.Chart(long)
        .mark_bar(opacity=0.85)
        .encode(
            y=alt.Y("input:N", sort=t["label"].tolist(), title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("net_benefit:Q", title="Net benefit a year (£)", scale=alt.Scale(zero=False)),
            x2="central:Q",
            color=alt.Color("end:N", title="Input at its", sort=["low setting", "high setting"]),
            tooltip=["input", "end", "setting", alt.Tooltip("net_benefit:Q", format=",.0f")],
        )
    )
    centre = (
        alt.Chart(pd.DataFrame({"central": [result.central]})).mark_rule(color="black").encode(x="central:Q")
    )
    return alt.LayerChart(layer=[bars, centre], height=180)


def show_business_case(data: AppData, plan: Scenario) -> None:
    """Draw the business case of the plan's new units against the sidebar's scenario.

    Parameters
    ----------
    data
        The run's data: its scenario is the baseline, its assumptions the central ones.
    plan
        The baseline with the units placed on the Planner (the new units are the vehicles whose id
        the baseline lacks).
    """
    st.markdown("#### Business case for the new unit(s)")
    old = {v.id for v in data.scenario.vehicles}
    new = [v for v in plan.vehicles if v.id not in old]
    if not new:
        st.info("Place a unit on the map (or pick a site) to see its business case.")
        return
    assumptions, uncertainty = _inputs()

    def evaluate(ma: ModelAssumptions, sc: Scenario) -> CoverageResult:
        # The whole week: a unit's year costs and saves over all its shifts, whatever hours are shown.
        return results.coverage_for(dataclasses.replace(data, assumptions=ma, week_hours=None), sc)

    with st.spinner("Working out the business case and its range (the engine runs again for each input)..."):
        result = plan_business_case(
            data.scenario,
            plan,
            evaluate,
            model_assumptions=data.assumptions,
            assumptions=assumptions,
            uncertainty=uncertainty,
        )
    names = ", ".join(escape_markdown(v.name) for v in new)
    baseline = escape_markdown(data.scenario.name)
    st.caption(
        f"New unit(s): {names}; baseline: {baseline}. Over the whole week and every call "
        "in the date range (the unit's year), whatever days, hours, categories or districts are shown."
    )
    _figures(result)
    st.caption(
        f"**Range of the net benefit a year: {_gbp(result.low)} to {_gbp(result.high)}** (central "
        f"{_gbp(result.central)}, the black line): each uncertain input at its low and its high setting "
        "on its own, the others central."
    )
    st.altair_chart(_tornado(result), width="stretch")
    st.caption(" ".join(escape_markdown(note) for note in result.case.notes))
    made_for = repr((scenario_to_json(plan), data.assumptions, assumptions, uncertainty, data.demand_key))
    if st.button("Prepare the business-case pack for chief officers (PDF)", key="pack_go"):
        with st.spinner("Laying out the pack (map, KPIs, case, range, assumptions, validity)..."):
            state.keep_pack(made_for, results.case_pack(data, plan, result))
    pdf = state.last_pack(made_for)
    if pdf is not None:
        st.download_button(
            "Download the pack (PDF)", pdf, "jru_business_case.pdf", "application/pdf", key="pack_download"
        )
