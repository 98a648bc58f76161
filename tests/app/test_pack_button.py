"""The Planner's business-case pack: one click gives a PDF of the case the page shows."""

from __future__ import annotations

import io

import pytest
from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

from jru_app.state import PACK

pypdf = pytest.importorskip("pypdf", reason="pypdf (requirements-dev.txt) reads the PDF back")


def test_planner_pack_is_a_pdf_of_the_case_shown() -> None:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("pages/planner.py")
    at.run()
    at.selectbox(key="plan_site").set_value("Maidstone police station")
    at.run()
    at.button(key="plan_place").click()
    at.run()
    no_failure(at)
    assert PACK not in at.session_state or at.session_state[PACK] is None
    shown = {m.label: m.value for m in at.metric}
    at.button(key="pack_go").click()
    at.run()
    no_failure(at)
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Download the pack (PDF)" in labels
    _, pdf = at.session_state[PACK]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Key figures, baseline against plan" in text and "SYNTHETIC DEMO DATA" in text
    # the figures on the page are the ones in the pack
    net = next(v for k, v in shown.items() if k.lower().startswith("net benefit"))
    assert net.replace("−", "-") in text.replace("−", "-")
    assert "road-time error" in text  # the travel model's measured validity
    # the download stays after another run, and goes when the plan changes
    at.run()
    assert "Download the pack (PDF)" in [str(b.proto.label) for b in at.get("download_button")]
    at.button(key="plan_clear").click()
    at.run()
    assert "Download the pack (PDF)" not in [str(b.proto.label) for b in at.get("download_button")]
