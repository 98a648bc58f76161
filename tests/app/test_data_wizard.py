"""The Data page as a guide: where files come from, a template, rejects by reason, the JRU-share prompt."""

from __future__ import annotations

from pathlib import Path

from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "incidents"


def _data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    return at


def test_the_page_says_where_files_come_from_and_offers_a_template() -> None:
    at = _data_page()
    no_failure(at)
    text = " ".join(m.value for m in at.markdown)
    assert "data.police.uk/data" in text and "STATS19" in text and "template" in text
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Download a template CSV (generic format)" in labels


def test_a_policeuk_upload_prompts_for_the_jru_share_and_lists_rejects_by_reason() -> None:
    at = _data_page()
    data = (FIXTURES / "policeuk_2025-01.csv").read_bytes()
    data += b"\n,2025-01,Kent Police,Kent Police,,,No location,,,Burglary,,\n"  # no coordinates: a reject
    at.file_uploader(key="upl_incidents").set_value(("policeuk_2025-01.csv", data, "text/csv"))
    at.run()
    no_failure(at)
    assert any("street crime" in w.value and "Assumptions" in w.value for w in at.warning)
    by_reason, every_row = at.dataframe[0].value, at.dataframe[1].value
    assert list(by_reason.columns) == ["reason", "rows", "first_file", "first_row"]
    assert by_reason["rows"].sum() == len(every_row) >= 1
    assert list(every_row.columns[:3]) == ["file", "row", "reason"]
