"""JRU Geo dashboard: routes the pages.

Every page runs its body through :func:`jru_app.page.run_page`, which draws the shared sidebar and
catches errors; the app edge lives in the jru_app package. Serve with ``streamlit run server.py``
(or ``streamlit run app.py``, whose first page then imports what it needs).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from jru_app.page import after_navigation

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Set the page config and route to the chosen page (each page draws the shared sidebar)."""
    st.set_page_config(page_title="JRU Geo: Kent joint response", page_icon=":ambulance:", layout="wide")
    pages = [
        st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(HERE / "pages" / "heatmap.py", title="Heatmap", icon=":material/local_fire_department:"),
        st.Page(HERE / "pages" / "coverage.py", title="Coverage", icon=":material/radar:"),
        st.Page(HERE / "pages" / "tonight.py", title="Tonight", icon=":material/nightlight:"),
        st.Page(HERE / "pages" / "planner.py", title="Planner", icon=":material/add_location_alt:"),
        st.Page(HERE / "pages" / "data.py", title="Data", icon=":material/upload_file:"),
        st.Page(HERE / "pages" / "model.py", title="Model", icon=":material/fact_check:"),
    ]
    navigation = st.navigation(pages, position="top")
    after_navigation()
    navigation.run()


if __name__ == "__main__":
    main()
