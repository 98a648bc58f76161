"""Draw the sidebar shared by every page except the Overview.

It holds the data source, the scenario, the filters, the model's assumptions and the map options.

Widget values live in ``st.session_state`` under the keys of :mod:`jru_app.state`; :func:`keep_state`
(called by :func:`jru_app.page.run_page` on every run) keeps them when a page without the sidebar is
shown, so filters survive page changes.
"""

from __future__ import annotations

import streamlit as st

from jru_app import data, state
from jru_geo.areas.filters import DataExtent
from jru_geo.io.categories import CATEGORIES
from jru_geo.model.assumptions import DEFAULT_ASSUMPTIONS, TRAVEL_LABELS
from jru_geo.week import DAY_NAMES

__all__ = ["change_area", "keep_state", "render_sidebar", "reset_filters", "reset_assumptions"]

TRAVEL_CHOICES = ("calibrated", "straight", "network")
REACH_CHOICES: tuple[str | int, ...] = (state.REACH_TARGET, 20, 25, 30, 35, 40, 45, 50, 60)
FACTOR_HELP = (
    "Blue-light driving time as a share of ordinary clear-road car time (0.80 = 20% quicker). "
    "The largest single uncertainty of the travel model: see docs/travel_calibration.md."
)
REACH_HELP = (
    "Units are sent to calls up to this many minutes away (default: each unit's own response target). "
    "A larger reach sends units to more calls, so they are busier and less often free. The Coverage "
    "page compares their jobs per 8 hours with the published figure, and the Model page fits the reach "
    "and the JRU share to the published record."
)
SHARE_HELP = (
    "Share of the loaded incidents that need a police officer and a paramedic together. 1 for the demo "
    "data or a joint-call log. police.uk files hold all street crime: Kent has about 180,000 rows a "
    "year against about 15,000 calls a year between the two services, so about 0.08 (or filter the "
    "categories). It scales the calls the units take, so their workload and expected coverage."
)
HOURS = list(range(25))
HOURS_HELP = (
    "From one hour to another on each chosen day. A window past midnight (18:00 to 02:00) is a night: "
    "its hours after midnight belong to the day it starts, as for the units' shifts, so Fri + Sat "
    "18:00-02:00 keeps Saturday and Sunday 00:00-02:00 and not Friday's."
)
SOURCE_CATEGORIES_HELP = (
    "The categories as the files name them (police.uk crime type, STATS19 severity, the CAD category), "
    "beside the JRU categories above."
)


def _source_categories_to_offer(ext: DataExtent) -> list[str]:
    """Choose the source labels worth a filter: more than one, and not just the JRU labels again."""
    jru_labels = {CATEGORIES.get(c, c) for c in ext.categories}
    labels = list(ext.source_categories)
    return labels if len(labels) > 1 and set(labels) != jru_labels else []


def keep_state() -> None:
    """Re-assign the sidebar's widget values so Streamlit keeps them on pages that do not draw them."""
    for key in state.PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def reset_filters() -> None:
    """Forget every filter (callback of the Reset button)."""
    for key in state.FILTER_KEYS:
        st.session_state.pop(key, None)


def reset_assumptions() -> None:
    """Go back to the default assumptions (callback of the Reset button).

    The defaults: the calibrated model, the documented blue-light factor, each unit's target and
    every incident counted as a JRU call.
    """
    for key in state.ASSUMPTION_KEYS:
        st.session_state.pop(key, None)


def _render_assumptions() -> None:
    ss = st.session_state
    ss.setdefault(state.A_TRAVEL, DEFAULT_ASSUMPTIONS.travel_mode)
    ss.setdefault(state.A_SPEED, DEFAULT_ASSUMPTIONS.speed_kmh)
    ss.setdefault(state.A_FACTOR, DEFAULT_ASSUMPTIONS.blue_light_factor)
    ss.setdefault(state.A_REACH, state.REACH_TARGET)
    ss.setdefault(state.A_SHARE, DEFAULT_ASSUMPTIONS.demand_share)
    has_graph = state.network_available()
    with st.sidebar.expander("Assumptions", expanded=False):
        mode = st.radio(
            "Travel model",
            TRAVEL_CHOICES,
            key=state.A_TRAVEL,
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
            key=state.A_SPEED,
            disabled=mode != "straight",
            help="Average blue-light speed along the straight line, turn-out time added.",
        )
        st.slider(
            "Blue-light factor",
            min_value=0.5,
            max_value=1.0,
            step=0.05,
            key=state.A_FACTOR,
            disabled=mode == "straight",
            help=FACTOR_HELP,
        )
        st.select_slider(
            "Dispatch reach",
            REACH_CHOICES,
            key=state.A_REACH,
            format_func=lambda r: "unit's target" if r == state.REACH_TARGET else f"{r} min",
            help=REACH_HELP,
        )
        st.number_input(
            "Share of incidents that are JRU calls",
            min_value=0.01,
            max_value=1.0,
            step=0.01,
            format="%.2f",
            key=state.A_SHARE,
            help=SHARE_HELP,
        )
        st.button("Reset assumptions", on_click=reset_assumptions)


def _on_area_change() -> None:
    # Another area has other districts, dates and fleets: start it unfiltered, on its own fleet.
    reset_filters()
    st.session_state.pop(state.SCENARIO_CHOICE, None)
    area = state.current_area()
    if area == "kent":
        st.query_params.pop(state.AREA_PARAM, None)
    else:
        st.query_params[state.AREA_PARAM] = area  # a reload or a shared link keeps the area


def change_area(name: str) -> None:
    """Show another force area (callback: the Data page's proposal); filters and fleet start afresh."""
    st.session_state[state.AREA] = name
    _on_area_change()


def _render_area() -> None:
    from jru_geo.areas.area import area_label_of, area_names

    names = area_names()
    st.session_state[state.AREA] = state.current_area() if state.current_area() in names else "kent"
    st.sidebar.selectbox(
        "Force area",
        names,
        key=state.AREA,
        format_func=area_label_of,
        on_change=_on_area_change,
        help="Kent is built in. Any other force (or an ambulance service's forces) is built from the "
        "installed packages the first time it is chosen (about 30 s), then kept.",
    )


def _on_source_change() -> None:
    # Dates of one data set rarely fit another: start the new one unfiltered.
    reset_filters()


def _render_filters() -> None:
    sb = st.sidebar
    ext = data.current_extent()
    sb.subheader("Filters")
    if ext.first_date is not None and ext.last_date is not None:
        dates = st.session_state.get(state.F_DATES)
        if not (
            isinstance(dates, (tuple, list))
            and len(dates) == 2
            and ext.first_date <= dates[0] <= dates[1] <= ext.last_date
        ):
            st.session_state[state.F_DATES] = (ext.first_date, ext.last_date)
        sb.date_input(
            "Dates",
            key=state.F_DATES,
            min_value=ext.first_date,
            max_value=ext.last_date,
            format="DD/MM/YYYY",
        )
    sb.multiselect("Days of the week", list(DAY_NAMES), key=state.F_DAYS, placeholder="All days")
    st.session_state.setdefault(state.F_HOUR_FROM, 0)
    st.session_state.setdefault(state.F_HOUR_TO, 24)
    c1, c2 = sb.columns(2)
    c1.selectbox(
        "From hour", HOURS[:-1], key=state.F_HOUR_FROM, format_func=lambda h: f"{h:02d}:00", help=HOURS_HELP
    )
    c2.selectbox(
        "To hour", HOURS, key=state.F_HOUR_TO, format_func=lambda h: f"{h % 24:02d}:00" if h < 24 else "24:00"
    )
    labels = [CATEGORIES.get(c, c) for c in ext.categories]
    sb.multiselect("Categories", labels, key=state.F_CATEGORIES, placeholder="All categories")
    offered = _source_categories_to_offer(ext)
    chosen = st.session_state.get(state.F_SOURCE_CATEGORIES)
    if chosen and not set(chosen) <= set(offered):
        st.session_state[state.F_SOURCE_CATEGORIES] = [c for c in chosen if c in offered]
    if offered:
        sb.multiselect(
            "Categories as in the files",
            offered,
            key=state.F_SOURCE_CATEGORIES,
            placeholder="All",
            help=SOURCE_CATEGORIES_HELP,
        )
    names = data.district_names()
    chosen_districts = st.session_state.get(state.F_DISTRICTS)
    if chosen_districts and not set(chosen_districts) <= set(names.values()):
        st.session_state[state.F_DISTRICTS] = [d for d in chosen_districts if d in names.values()]
    sb.multiselect("Districts", sorted(names.values()), key=state.F_DISTRICTS, placeholder="All districts")
    if ext.n_month_precision and state.current_filter(names).restricts_time_of_week:
        sb.caption(
            f"{ext.n_month_precision:,} incidents are dated only to the month (police.uk): "
            "they are left out while a day or hour filter is set."
        )
    sb.button("Reset filters", on_click=reset_filters)


def render_sidebar() -> None:
    """Draw the data-source, scenario, filter, assumptions and map widgets."""
    sb = st.sidebar
    has_uploads = bool(state.uploads())
    sb.subheader("Data")
    _render_area()
    if not has_uploads and st.session_state.get(state.SOURCE) == state.UPLOAD_SOURCE:
        st.session_state[state.SOURCE] = state.DEMO_SOURCE
    sb.radio(
        "Incidents",
        state.SOURCES,
        key=state.SOURCE,
        on_change=_on_source_change,
        help="Upload police.uk, STATS19 or generic CSV files on the Data page.",
        disabled=not has_uploads,
    )
    choices = data.scenario_choices()
    if state.scenario_choice() not in choices:
        st.session_state[state.SCENARIO_CHOICE] = next(iter(choices))
    sb.selectbox(
        "Fleet scenario", list(choices), key=state.SCENARIO_CHOICE, help="Upload a scenario on the Data page."
    )
    _render_filters()
    _render_assumptions()

    sb.subheader("Map")
    if state.TILES not in st.session_state:
        st.session_state[state.TILES] = state.tiles_enabled()
    sb.toggle(
        "Web map tiles",
        key=state.TILES,
        help="Off for closed networks: outline, districts and towns still show.",
    )
