"""AppTest of the Model page on the demo data: it renders without error, its figures are jru_geo's,
and the simulation and calibration run on request."""

from __future__ import annotations

import pytest
from apphelpers import APP, demo_joined, metrics, no_failure
from streamlit.testing.v1 import AppTest

from jru_geo.io import boundaries
from jru_geo.model.backtest import engine_evaluator, replay
from jru_geo.model.history import load_history
from jru_geo.model.travel.factory import make_model


@pytest.fixture(scope="module")
def model_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    at.switch_page("pages/model.py")
    at.run()
    return at


def test_model_page_renders_on_demo_data(model_page: AppTest) -> None:
    no_failure(model_page)
    shown = metrics(model_page)
    assert "Calls attended, modelled" in shown
    assert "Mean error, trips up to 30 km" in shown
    assert any("Synthetic" in c.value for c in model_page.caption)
    assert any("police.uk" in i.value for i in model_page.info)


def test_model_page_backtest_is_the_librarys(model_page: AppTest) -> None:
    joined = demo_joined()
    kent = joined[joined["in_kent"].to_numpy(dtype=bool)]
    history = load_history()
    evaluate = engine_evaluator(kent, history, make_model("calibrated"), lsoas=boundaries.load_lsoas())
    bt = replay(history, evaluate, start="2018-03", end="2020-11")
    assert metrics(model_page)["Calls attended, modelled"] == f"{bt.modelled_calls:,.0f}"


def test_simulation_runs_on_request(model_page: AppTest) -> None:
    model_page.button(key="model_simulate").click().run()
    no_failure(model_page)
    table = model_page.dataframe[-1].value
    assert {"busy_model", "busy_simulated", "difference_pp"} <= set(table.columns)
    assert table["difference_pp"].abs().max() < 5.0


def test_calibration_runs_on_request_and_sets_the_sidebar(model_page: AppTest) -> None:
    before = metrics(model_page)["Calls attended, modelled"]
    model_page.button(key="model_calibrate").click().run()
    no_failure(model_page)
    assert any("Preset" in m.value for m in model_page.markdown)
    model_page.button(key="model_use_calibrated").click().run()
    no_failure(model_page)
    share = model_page.session_state["a_demand_share"]
    reach = model_page.session_state["a_reach"]
    assert 0.01 <= share <= 1.0 and reach in (20, 25, 30, 35, 40, 45, 50, 60)
    # the page now replays the record with the calibrated share and reach
    assert metrics(model_page)["Calls attended, modelled"] != before
