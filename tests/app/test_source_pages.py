"""AppTest with police.uk and generic uploads: the Overview names the count for its source and says the
JRU share beside it, the sidebar filters on the source's own categories, and a night filter keeps the
early hours of the night it starts."""

from __future__ import annotations

from pathlib import Path

from apphelpers import APP, metrics, no_failure
from streamlit.testing.v1 import AppTest

from jru_geo.areas.join import assign_areas
from jru_geo.io import boundaries
from jru_geo.io.incidents import read_incidents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "incidents"


def _upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader(key="upl_incidents").set_value((name, data, "text/csv"))
    at.run()
    no_failure(at)
    return at


def _in_kent(name: str, data: bytes):
    read = read_incidents([(name, data)])
    joined = assign_areas(read.incidents, boundaries.load_districts(), boundaries.load_lsoas())
    return joined[joined["in_kent"]]


def test_policeuk_upload_is_named_police_recorded_crimes_with_the_share() -> None:
    data = (FIXTURES / "policeuk_2025-01.csv").read_bytes()
    inside = _in_kent("policeuk_2025-01.csv", data)
    at = _upload("policeuk_2025-01.csv", data)
    at.number_input(key="a_demand_share").set_value(0.5)
    at.run()
    at.switch_page("pages/overview.py")
    at.run()
    no_failure(at)
    shown = metrics(at)
    assert "Joint incidents" not in shown
    assert shown["Police-recorded crimes"] == f"{len(inside):,}"
    head = next(m for m in at.metric if m.label == "Police-recorded crimes")
    assert head.delta == f"50% taken as JRU calls = {round(len(inside) * 0.5):,}"
    footer = " ".join(h.proto.body for h in at.get("html"))
    assert "1 Jan 2025 to 31 Jan 2025 (police.uk gives the month only)" in footer
    assert "2025-01-01" not in footer


def test_sidebar_filters_on_the_source_categories() -> None:
    data = (FIXTURES / "policeuk_2025-01.csv").read_bytes()
    inside = _in_kent("policeuk_2025-01.csv", data)
    at = _upload("policeuk_2025-01.csv", data)
    at.switch_page("pages/heatmap.py")
    at.run()
    box = at.multiselect(key="f_source_categories")
    assert "Public order" in box.options and "Violence and sexual offences" in box.options
    box.set_value(["Public order"])
    at.run()
    no_failure(at)
    expected = int((inside["source_category"] == "Public order").sum())
    assert metrics(at)["Incidents shown"] == f"{expected:,}"


def test_demo_data_offers_no_second_category_filter() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/heatmap.py")
    at.run()
    no_failure(at)
    assert not [m for m in at.multiselect if m.key == "f_source_categories"]


def test_a_night_filter_keeps_the_early_hours_of_its_own_night() -> None:
    # 2025-01-03 is a Friday: Fri 23:00, Sat 00:30 and Sat 01:00 are Friday's night (3), Fri 01:00 is
    # Thursday's and Sun 01:00 Saturday's (a calendar-day filter would keep A and C: 2)
    text = (
        "incident_id,datetime,category,latitude,longitude\n"
        "A,2025-01-03 23:00,Assault,51.2720,0.5221\n"
        "B,2025-01-04 01:00,Assault,51.2720,0.5221\n"
        "E,2025-01-04 00:30,Assault,51.2720,0.5221\n"
        "C,2025-01-03 01:00,Assault,51.2720,0.5221\n"
        "D,2025-01-05 01:00,Assault,51.2720,0.5221\n"
    )
    at = _upload("nights.csv", text.encode())
    at.switch_page("pages/heatmap.py")
    at.run()
    at.multiselect(key="f_days").set_value(["Fri"])
    at.selectbox(key="f_hour_from").set_value(18)
    at.selectbox(key="f_hour_to").set_value(2)
    at.run()
    no_failure(at)
    assert metrics(at)["Incidents shown"] == "3"


def test_category_names_from_a_file_are_escaped_before_markdown() -> None:
    text = (
        "incident_id,datetime,category,latitude,longitude\n"
        "A,2025-01-03 23:00,*Bold* :red[fight],51.2720,0.5221\n"
        "B,2025-01-04 01:00,Fall,51.2720,0.5221\n"
    )
    at = _upload("my_file*.csv", text.encode())
    assert any("my\\_file\\*.csv" in c.value for c in at.caption)
    at.switch_page("pages/heatmap.py")
    at.run()
    at.multiselect(key="f_source_categories").set_value(["*Bold* :red[fight]"])
    at.run()
    no_failure(at)
    shown = next(m for m in at.metric if m.label == "Incidents shown")
    assert shown.value == "1"
    assert "\\*Bold\\* \\:red[fight]" in shown.proto.help
