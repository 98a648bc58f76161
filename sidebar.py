"""The sidebar shared by every page except the Overview: data source, scenario, filters, the model's
assumptions, map options.

Widget values live in ``st.session_state`` under fixed keys; :func:`keep_state` (called by app.py on
every run) keeps them when a page without the sidebar is shown, so filters survive page changes.
"""

from __future__ import annotations

import streamlit as st

import jru_cache
from jru_geo.areas.filters import DAY_NAMES, data_extent
from jru_geo.io.boundaries import DISTRICT_NAMES
from jru_geo.io.categories import CATEGORIES
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, TRAVEL_LABELS

__all__ = ["PERSISTENT_KEYS", "keep_state", "render_sidebar", "reset_filters", "reset_assumptions"]

FILTER_KEYS = ("f_dates", "f_days", "f_hour_from", "f_hour_to", "f_categories", "f_districts")
PERSISTENT_KEYS = ("source", "scenario_choice", "tiles", *FILTER_KEYS, *jru_cache.ASSUMPTION_KEYS)
TRAVEL_CHOICES = ("calibrated", "straight", "network")
REACH_CHOICES: tuple[str | int, ...] = (jru_cache.REACH_TARGET, 20, 25, 30, 35, 40, 45, 50, 60)
FACTOR_HELP = (
    "Blue-light driving time as a share of ordinary clear-road car time (0.80 = 20% quicker). "
    "The largest single uncertainty of the travel model: see docs/travel_calibration.md."
)
REACH_HELP = (
    "Units are sent to calls up to this many minutes away (default: each unit's own response target). "
    "A larger reach sends units to more calls, so they are busier and less often free. With the demo "
    "data a reach of about 35-45 minutes gives 5-6 jobs a shift, nearer the published ~7 jobs in an "
    "8-hour shift."
)
SHARE_HELP = (
    "Share of the loaded incidents that need a police officer and a paramedic together. 1 for the demo "
    "data or a joint-call log. police.uk files hold all street crime: Kent has about 180,000 rows a "
    "year against about 15,000 calls a year between the two services, so about 0.08 (or filter the "
    "categories). It scales the calls the units take, so their workload and expected coverage."
)
SOURCES = ("Demo data (synthetic)", "Uploaded files")
HOURS = list(range(25))


def keep_state() -> None:
    """Re-assign the sidebar's widget values so Streamlit keeps them on pages that do not draw them."""
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def reset_filters() -> None:
    """Forget every filter (callback of the Reset button)."""
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def reset_assumptions() -> None:
    """Back to the calibrated model, the documented blue-light factor, each unit's target and every
    incident counted as a JRU call."""
    for key in jru_cache.ASSUMPTION_KEYS:
        st.session_state.pop(key, None)


def _render_assumptions() -> None:
    state = st.session_state
    state.setdefault(jru_cache.A_TRAVEL, DEFAULT_ASSUMPTIONS.travel_mode)
    state.setdefault(jru_cache.A_SPEED, DEFAULT_ASSUMPTIONS.speed_kmh)
    state.setdefault(jru_cache.A_FACTOR, DEFAULT_ASSUMPTIONS.blue_light_factor)
    state.setdefault(jru_cache.A_REACH, jru_cache.REACH_TARGET)
    state.setdefault(jru_cache.A_SHARE, DEFAULT_ASSUMPTIONS.demand_share)
    has_graph = jru_cache.network_available()
    with st.sidebar.expander("Assumptions", expanded=False):
        mode = st.radio(
            "Travel model",
            TRAVEL_CHOICES,
            key=jru_cache.A_TRAVEL,
            format_func=lambda m: TRAVEL_LABELS[m].capitalize() if m != "network" else "Road network",
            captions=[
                "Fitted to real Kent road times (default)",
                "Distance / speed, to compare with other tools",
                "Shortest paths on OpenStreetMap roads"
                if has_graph
                else "Not downloaded: run `python -m jru_geo roads download` once (needs internet)",
            ],
        )
        if mode == "network" and not has_graph:
            st.warning("No road network downloaded yet: the calibrated model is in use.")
        st.number_input(
            "Straight-line speed (km/h)",
            min_value=10.0,
            max_value=150.0,
            step=2.0,
            format="%.0f",
            key=jru_cache.A_SPEED,
            disabled=mode != "straight",
            help="Average blue-light speed along the straight line, turn-out time added.",
        )
        st.slider(
            "Blue-light factor",
            min_value=0.5,
            max_value=1.0,
            step=0.05,
            key=jru_cache.A_FACTOR,
            disabled=mode == "straight",
            help=FACTOR_HELP,
        )
        st.select_slider(
            "Dispatch reach",
            REACH_CHOICES,
            key=jru_cache.A_REACH,
            format_func=lambda r: "unit's target" if r == jru_cache.REACH_TARGET else f"{r} min",
            help=REACH_HELP,
        )
        st.number_input(
            "Share of incidents that are JRU calls",
            min_value=0.01,
            max_value=1.0,
            step=0.01,
            format="%.2f",
            key=jru_cache.A_SHARE,
            help=SHARE_HELP,
        )
        st.button("Reset assumptions", on_click=reset_assumptions)


def _on_source_change() -> None:
    # Dates of one data set rarely fit another: start the new one unfiltered.
    reset_filters()


def render_sidebar() -> None:
    """Draw the data-source, scenario, filter and map widgets."""
    sb = st.sidebar
    has_uploads = bool(st.session_state.get(jru_cache.UPLOADS))
    sb.subheader("Data")
    if not has_uploads and st.session_state.get("source") == SOURCES[1]:
        st.session_state["source"] = SOURCES[0]
    sb.radio(
        "Incidents",
        SOURCES,
        key="source",
        on_change=_on_source_change,
        help="Upload police.uk, STATS19 or generic CSV files on the Data page.",
        disabled=not has_uploads,
    )
    choices = jru_cache.scenario_choices()
    if st.session_state.get("scenario_choice") not in choices:
        st.session_state["scenario_choice"] = next(iter(choices))
    sb.selectbox(
        "Fleet scenario", list(choices), key="scenario_choice", help="Upload a scenario on the Data page."
    )

    loaded = jru_cache.current_loaded()
    ext = data_extent(loaded.joined)
    sb.subheader("Filters")
    if ext.first_date is not None and ext.last_date is not None:
        dates = st.session_state.get("f_dates")
        if not (
            isinstance(dates, (tuple, list))
            and len(dates) == 2
            and ext.first_date <= dates[0] <= dates[1] <= ext.last_date
        ):
            st.session_state["f_dates"] = (ext.first_date, ext.last_date)
        sb.date_input(
            "Dates",
            key="f_dates",
            min_value=ext.first_date,
            max_value=ext.last_date,
            format="DD/MM/YYYY",
        )
    sb.multiselect("Days of the week", list(DAY_NAMES), key="f_days", placeholder="All days")
    st.session_state.setdefault("f_hour_from", 0)
    st.session_state.setdefault("f_hour_to", 24)
    c1, c2 = sb.columns(2)
    c1.selectbox("From hour", HOURS[:-1], key="f_hour_from", format_func=lambda h: f"{h:02d}:00")
    c2.selectbox(
        "To hour", HOURS, key="f_hour_to", format_func=lambda h: f"{h % 24:02d}:00" if h < 24 else "24:00"
    )
    labels = [CATEGORIES.get(c, c) for c in ext.categories]
    sb.multiselect("Categories", labels, key="f_categories", placeholder="All categories")
    sb.multiselect(
        "Districts", sorted(DISTRICT_NAMES.values()), key="f_districts", placeholder="All districts"
    )
    if ext.n_month_precision and jru_cache.current_filter().restricts_time_of_week:
        sb.caption(
            f"{ext.n_month_precision:,} incidents are dated only to the month (police.uk): "
            "they are left out while a day or hour filter is set."
        )
    sb.button("Reset filters", on_click=reset_filters)
    _render_assumptions()

    sb.subheader("Map")
    if "tiles" not in st.session_state:
        st.session_state["tiles"] = jru_cache.tiles_enabled()
    sb.toggle(
        "Web map tiles", key="tiles", help="Off for closed networks: outline, districts and towns still show."
    )
