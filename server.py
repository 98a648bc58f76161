"""Serve the dashboard: ``streamlit run server.py``.

The same pages as ``streamlit run app.py``, with the libraries the pages import and the default
area's data loaded when the server starts, before its first visitor waits for them
(:mod:`jru_app.startup`).
"""

from __future__ import annotations

import streamlit as st

from jru_app.startup import lifespan

app = st.App("app.py", lifespan=lifespan)
