"""The floor under bench_app.py's page times: Streamlit and st_folium alone, none of JRU Geo's work.

Four pages, each with a heading (an ``h3``, as every JRU Geo page has) and nothing else but, by page,
a small ``st.dataframe`` (the widget every JRU Geo page shows), one ``st_folium`` map with one marker
(the same local-Leaflet base map the app draws), or both. ``bench_app.py --floor`` opens them the way
it opens the app's pages, so the difference between a page's time and this floor is the app's own.
A fifth, ``sidebar``, is the map and table under the app's own sidebar (:mod:`jru_app.sidebar`: the
data, fleet, filter and assumption widgets every page but the Overview draws), so what the browser
takes to draw those widgets shows apart from the rest of a page.
"""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from jru_geo.viz.leaflet import base_map

ASSETS_URL = "/app/static/leaflet"  # as jru_app.data serves it


def _table() -> None:
    rows = pd.DataFrame({"district": [f"d{i}" for i in range(12)], "calls": range(12)})
    st.dataframe(rows, hide_index=True)


def _map(key: str) -> None:
    m = base_map(tiles=False, assets_url=ASSETS_URL)
    folium.Marker([51.27, 0.52], tooltip="a unit").add_to(m)
    st_folium(m, height=430, use_container_width=True, returned_objects=[], key=key)


def plain() -> None:
    st.markdown("### Plain")


def table() -> None:
    st.markdown("### Table")
    _table()


def map_page() -> None:
    st.markdown("### Map")
    _map("floor_map")


def map_table() -> None:
    st.markdown("### Map and table")
    _map("floor_map_table")
    _table()


def sidebar_map_table() -> None:
    from jru_app import sidebar  # the app's own sidebar, drawn as every page but the Overview draws it

    sidebar.keep_state()
    sidebar.render_sidebar()
    st.markdown("### Sidebar, map and table")
    _map("floor_sidebar_map_table")
    _table()


st.set_page_config(page_title="floor", layout="wide")
st.navigation(
    [
        st.Page(plain, title="Plain", url_path="plain", default=True),
        st.Page(table, title="Table", url_path="table"),
        st.Page(map_page, title="Map", url_path="map"),
        st.Page(map_table, title="Map and table", url_path="map_table"),
        st.Page(sidebar_map_table, title="Sidebar, map and table", url_path="sidebar"),
    ],
    position="top",
).run()
