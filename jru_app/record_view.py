"""The units' published record, replayed on the loaded demand (cached), and its one sentence.

The Coverage page shows the sentence and the Model page the whole replay and its calibration
(:mod:`jru_app.model_view`), so this holds only what both need: the shipped history, the engine's
evaluator on the loaded incidents and the replay itself, without the Model page's charts, fits and
simulation (a first Coverage page need not import them).
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from jru_app import cache
from jru_app.data import AppData
from jru_geo.model.assumptions import ModelAssumptions
from jru_geo.model.backtest import Backtest, Evaluate, evaluator_factory, replay
from jru_geo.model.history import History, load_history

__all__ = [
    "START",
    "END",
    "history",
    "record_applies",
    "evaluator_for",
    "backtest_for",
    "record_sentence",
]

START, END = "2018-03", "2020-11"
"""The months replayed: the published total's period."""


@st.cache_resource(show_spinner=False)
def history() -> History:
    """Load the shipped history (:func:`jru_geo.model.history.load_history`)."""
    return load_history()


def record_applies() -> bool:
    """Tell whether the shipped record (Kent's units' history) and Kent's own travel fit apply: Kent only."""
    return cache.settings().is_kent


def _kent(data: AppData) -> gpd.GeoDataFrame:
    demand = data.demand
    return demand[demand["in_kent"].to_numpy(dtype=bool)] if "in_kent" in demand.columns else demand


def evaluator_for(data: AppData, assumptions: ModelAssumptions) -> Callable[[float, float | None], Evaluate]:
    """Give the engine's evaluator of a month of the record for a demand share and dispatch reach."""
    model = cache.travel_model(assumptions)
    return evaluator_factory(_kent(data), history(), model, lsoas=cache.lsoas(), postcodes=cache.postcodes())


@st.cache_resource(
    show_spinner="Replaying the units' history, March 2018 to November 2020...", max_entries=16
)
def _backtest(key: str, _data: AppData, assumptions: ModelAssumptions) -> Backtest:
    evaluate = evaluator_for(_data, assumptions)(assumptions.demand_share, assumptions.dispatch_reach_min)
    return replay(history(), evaluate, start=START, end=END)


def backtest_for(data: AppData, assumptions: ModelAssumptions | None = None) -> Backtest:
    """Replay the history on the loaded demand with the given (default: the sidebar's) assumptions."""
    return _backtest(data.demand_key, data, assumptions or data.assumptions)


def record_sentence(data: AppData) -> str:
    """One computed sentence comparing the model's replay of the record with the published figures."""
    if not record_applies():
        return "The published record is of Kent's units: no replay against it here (see the Model page)."
    bt = backtest_for(data)
    pub = history().published
    return (
        f"Against the record: replaying the units' history ({START[:4]}-{END[:4]}) with these assumptions "
        f"gives {bt.modelled_calls:,.0f} calls attended against the published about "
        f"{pub.calls_attended:,.0f} "
        f"({bt.calls_residual:+.0%}), and {bt.modelled_jobs_per_8h:.1f} jobs per 8 hours on the pilot's "
        f"Friday and Saturday nights against about {pub.jobs_per_shift:g} ({bt.jobs_residual:+.0%}); "
        "see the Model page."
    )
