"""Empty states: a day filter on month-only police.uk data says why nothing shows, never "0.0%" or nan."""

from __future__ import annotations

from pathlib import Path

import pytest
from apphelpers import APP, metrics, no_failure
from streamlit.testing.v1 import AppTest

POLICEUK = Path(__file__).resolve().parents[1] / "fixtures" / "incidents" / "policeuk_2025-01.csv"


@pytest.fixture(scope="module")
def month_only_with_a_day_filter() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_incidents").set_value((POLICEUK.name, POLICEUK.read_bytes(), "text/csv"))
    at.run()
    at.switch_page("pages/coverage.py")
    at.run()
    at.multiselect(key="f_days").set_value(["Sat"])
    at.run()
    return at


def _shown_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + list(metrics(at).values())
    if at.table:
        parts.append(at.table[0].value.to_string())
    return " ".join(parts)


@pytest.mark.parametrize("page", ["coverage", "overview", "planner"])
def test_a_day_filter_on_month_only_data_explains_instead_of_zeros(
    month_only_with_a_day_filter: AppTest, page: str
) -> None:
    at = month_only_with_a_day_filter
    at.switch_page(f"pages/{page}.py")
    at.run()
    if page == "overview":
        at.radio(key="ov_scope").set_value("filtered")
        at.run()
    no_failure(at)
    notes = [i.value for i in at.info if "Nothing to show for this day or hour filter" in i.value]
    assert len(notes) == 1, [i.value for i in at.info]
    assert "dated only to the month" in notes[0] and "**Days of the" in notes[0]
    shown = _shown_text(at)
    assert "0.0%" not in shown and "nan" not in shown and "n/a" not in shown, shown
    assert not metrics(at)


def test_clearing_the_day_filter_brings_the_figures_back(month_only_with_a_day_filter: AppTest) -> None:
    at = month_only_with_a_day_filter
    at.switch_page("pages/coverage.py")
    at.run()
    at.multiselect(key="f_days").set_value([])
    at.run()
    no_failure(at)
    assert not [i for i in at.info if "Nothing to show" in i.value]
    shown = metrics(at)
    assert set(shown) >= {"Geographic", "In hours", "Expected"}
    assert all(v.endswith("%") and v != "nan%" for v in shown.values()), shown
