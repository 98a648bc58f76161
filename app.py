"""JRU Geo dashboard: routes the pages; the shared sidebar lives in sidebar.py, caching in jru_cache.py.

Run with ``streamlit run app.py``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import jru_cache
import sidebar

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Set the page config, keep the shared state and route to the chosen page."""
    st.set_page_config(page_title="JRU Geo: Kent joint response", page_icon=":ambulance:", layout="wide")
    jru_cache.compact_layout()
    sidebar.keep_state()
    pages = [
        st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(HERE / "pages" / "heatmap.py", title="Heatmap", icon=":material/local_fire_department:"),
        st.Page(HERE / "pages" / "coverage.py", title="Coverage", icon=":material/radar:"),
        st.Page(HERE / "pages" / "planner.py", title="Planner", icon=":material/add_location_alt:"),
        st.Page(HERE / "pages" / "data.py", title="Data", icon=":material/upload_file:"),
    ]
    page = st.navigation(pages, position="top")
    if page.title != "Overview":
        sidebar.render_sidebar()
    page.run()


if __name__ == "__main__":
    main()
