"""planner page (being built)."""

from __future__ import annotations

import streamlit as st

import jru_cache


def body() -> None:
    st.markdown("### Planner")
    data = jru_cache.app_data()
    st.write(data.scenario.name)


jru_cache.run_page(body)
