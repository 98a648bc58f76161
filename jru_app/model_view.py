"""The Model page's figures ("how far to trust these numbers"), cached, and its one chart.

Each figure is computed by jru_geo and cached here (``st.cache_resource``), keyed like
:mod:`jru_app.cache`: an argument whose name starts with ``_`` is not hashed, the key before it stands
for it. The slow ones (the simulation, the calibration) run only when the page asks for them; the
session keys recording that are :data:`SIMULATE`, :data:`CALIBRATE` and :data:`SIMULATION` (kept here,
beside the only page that sets them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from jru_app import cache, state
from jru_app.data import AppData
from jru_app.record_view import END, START, evaluator_for, history
from jru_geo.areas.agreement import Agreement, policeuk_agreement
from jru_geo.io.boundaries import load_candidate_sites
from jru_geo.io.scenario import Scenario
from jru_geo.io.scenario_files import scenario_to_json
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.backtest import Backtest
from jru_geo.model.coverage.travel_effect import travel_effect
from jru_geo.model.queueing.check import compare_with_simulation
from jru_geo.model.travel.calibrated import (
    CalibratedModel,
    cross_validate,
    load_travel_matrix,
)
from jru_geo.optimise.business_case import Uncertainty
from jru_geo.optimise.calibrate import Calibration, Fit, calibrate, snap_reach

__all__ = [
    "SIMULATE",
    "CALIBRATE",
    "SIMULATION",
    "travel_errors",
    "calibration_for",
    "simulation_for",
    "travel_effect_for",
    "agreement_for",
    "use_calibrated",
    "cumulative_chart",
    "calibrated_assumptions",
]

SIMULATE = "jru_model_simulate"  # bool: the Model page's simulation was asked for in this session
CALIBRATE = "jru_model_calibrate"  # bool: the Model page's calibration was asked for in this session
SIMULATION = "jru_model_simulation"  # (key, DataFrame | None): the last simulation check and what it was for


def national_errors() -> tuple[str | None, pd.DataFrame]:
    """Give the national travel fit's errors with the area's ambulance service left out (beyond Kent)."""
    from jru_geo.model.travel.national_model import area_travel_errors

    return area_travel_errors(cache.settings())


@st.cache_resource(show_spinner="Leaving each hospital out in turn...")
def travel_errors() -> pd.DataFrame:
    """Leave-one-hospital-out errors of the calibrated road minutes (:func:`cross_validate`)."""
    sites = load_candidate_sites()
    hospitals = sites[sites["kind"] == "acute_hospital"].reset_index(drop=True)
    return cross_validate(load_travel_matrix(), cache.lsoas(), hospitals)


@st.cache_resource(
    show_spinner="Fitting the share and the reach to the record (about a minute)...", max_entries=8
)
def _calibration(
    key: str, _data: AppData, travel: ModelAssumptions, choices: tuple[float, ...]
) -> tuple[Calibration, Fit]:
    factory = evaluator_for(_data, travel)
    hist = history()
    cal = calibrate(hist, factory, start=START, end=END)
    preset = snap_reach(hist, factory, cal.fit, choices, start=START, end=END)
    return cal, preset


def calibration_for(data: AppData, choices: tuple[float, ...]) -> tuple[Calibration, Fit]:
    """Calibrate on the loaded demand with the sidebar's travel model; the preset uses ``choices``."""
    return _calibration(data.demand_key, data, data.assumptions.travel_only(), choices)


def simulation_for(data: AppData, plan: Scenario, progress: Callable[[float], None]) -> pd.DataFrame | None:
    """Busy fractions of a plan: the hypercube beside a 52-week simulation (None: no queue).

    Kept in the session (:data:`SIMULATION`) for the plan, data and assumptions it was run for, not in
    ``st.cache_*``: the progress bar it moves is drawn by the page, and a cached function may not
    draw into a block made outside it.
    """
    key = (data.data_key, scenario_to_json(plan), data.assumptions)
    kept = st.session_state.get(SIMULATION)
    if isinstance(kept, tuple) and kept[0] == key:
        progress(1.0)
        table: pd.DataFrame | None = kept[1]
        return table
    queue = cache.coverage(  # as jru_app.results.coverage_for, which imports this module
        data.demand_key,
        data.data_key,
        data.demand,
        data.counted,
        data.week_hours,
        data.scenario,
        data.assumptions,
    ).queue
    table = (
        None
        if queue is None
        else compare_with_simulation(
            queue.arrival_rate_per_hour,
            queue.preference,
            queue.service_rate_per_hour,
            queue.on_shift,
            queue.schedule,
            slot_hours=queue.slot_hours,
            vehicle_ids=[v.id for v in plan.vehicles],
            weeks=52,
            chunks=8,
            on_progress=progress,
        )
    )
    st.session_state[SIMULATION] = (key, table)
    return table


@st.cache_resource(
    show_spinner="Moving the blue-light factor and turn-out...",
    max_entries=8,
    hash_funcs={Scenario: scenario_to_json},
)
def _travel_effect(key: str, sc: Scenario, assumptions: ModelAssumptions, _data: AppData) -> pd.DataFrame:
    fitted: CalibratedModel = dataclasses.replace(
        cache.calibrated_fit(), blue_light_factor=assumptions.blue_light_factor
    )
    return travel_effect(
        _data.demand,
        sc,
        fitted,
        factor_delta=Uncertainty().blue_light_delta,
        demand_scale=assumptions.demand_share,
        dispatch_reach_min=assumptions.dispatch_reach_min,
        lsoas=cache.lsoas(),
        postcodes=cache.postcodes(),
        bases=cache.bases(sc),
    )


def travel_effect_for(data: AppData) -> pd.DataFrame:
    """Coverage with the blue-light factor moved by the business case's range and turn-out 0 or 3 min."""
    return _travel_effect(data.demand_key, data.scenario, data.assumptions, data)


def agreement_for(data: AppData) -> Agreement | None:
    """Our district and LSOA against police.uk's own, when the loaded files are police.uk's."""
    read = data.loaded.read
    if read is None or data.loaded.synthetic:
        return None
    codes = set(cache.lsoas()["lsoa_code"].astype(str))
    names = set(cache.districts()["district_name"].astype(str))
    return policeuk_agreement(read.originals, data.loaded.joined, codes, names)


def use_calibrated(share: float, reach_min: float) -> None:
    """Put the calibrated share and reach into the sidebar's assumptions (a button's callback)."""
    st.session_state[state.A_SHARE] = float(np.clip(round(share, 2), 0.01, 1.0))
    st.session_state[state.A_REACH] = int(round(reach_min))


def cumulative_chart(runs: dict[str, Backtest]) -> alt.LayerChart:
    """Modelled cumulative calls (one line per run) with the published total as a point."""
    frames = [bt.cumulative_frame().assign(run=label) for label, bt in runs.items()]
    lines = pd.concat(frames, ignore_index=True)
    first = next(iter(runs.values()))
    pub = history().published
    point = pd.DataFrame(
        {
            "month": [pd.Period(pub.calls_to, freq="M").to_timestamp()],
            "calls": [first.published_calls],
            "run": [f"published: about {first.published_calls:,.0f} ({pub.calls_from} to {pub.calls_to})"],
        }
    )
    base = (
        alt.Chart(lines)
        .mark_line()
        .encode(
            x=alt.X("month:T", title=None),
            y=alt.Y("calls:Q", title="Calls attended since March 2018"),
            color=alt.Color("run:N", title=None, legend=alt.Legend(orient="bottom")),
        )
    )
    dot = (
        alt.Chart(point)
        .mark_point(size=120, filled=True, color="black")
        .encode(
            x="month:T", y="calls:Q", shape=alt.Shape("run:N", title=None, legend=alt.Legend(orient="bottom"))
        )
    )
    return alt.LayerChart(layer=[base, dot], height=260)


def calibrated_assumptions(data: AppData, preset: Fit) -> ModelAssumptions:
    """Give the sidebar's assumptions with the preset's share and reach."""
    return dataclasses.replace(
        data.assumptions, demand_share=preset.demand_scale, dispatch_reach_min=preset.dispatch_reach_min
    )
