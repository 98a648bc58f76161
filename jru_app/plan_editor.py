"""The Planner's plan editor: move, rename, delete a placed unit, give it its own pattern and times; undo.

Every change goes through :func:`jru_app.results.change_plan`, which refuses a base at sea, outside
Kent or on top of another unit, and keeps the earlier plan for undo; the plan is kept in the page's
URL (``?plan=...``) so a browser reload or a shared link brings it back.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from jru_app import results, state
from jru_app.data import AppData, bases_for
from jru_app.page import escape_markdown
from jru_app.state import PlacedUnit
from jru_geo.errors import JruGeoError
from jru_geo.model.patterns import PATTERNS

__all__ = ["apply_change", "plan_history_buttons", "edit_plan"]

_AS_FIRST = "(as the first unit)"
_OWN = "(your own, below)"


def plan_history_buttons() -> None:
    """Draw Undo and Redo for the plan."""
    c1, c2 = st.columns(2)
    if c1.button(
        "Undo", disabled=not state.can_undo(), key="plan_undo", icon=":material/undo:", width="stretch"
    ):
        state.undo_plan()
        st.rerun()
    if c2.button(
        "Redo", disabled=not state.can_redo(), key="plan_redo", icon=":material/redo:", width="stretch"
    ):
        state.redo_plan()
        st.rerun()


def apply_change(data: AppData, units: tuple[PlacedUnit, ...], changed: int | None) -> None:
    """Make ``units`` the plan and rerun, or show why not (:func:`jru_app.results.change_plan`).

    Parameters
    ----------
    data
        The run's data.
    units
        The whole new list of placed units.
    changed
        Index of the unit added or edited, or None (a deletion, or picks checked by the optimiser).
    """
    try:
        results.change_plan(data, units, changed)
    except JruGeoError as exc:
        st.error(escape_markdown(str(exc)))
        return
    st.rerun()


def edit_plan(data: AppData) -> None:
    """Draw the editor of the placed units (nothing when none is placed).

    Parameters
    ----------
    data
        The run's data (baseline fleet, Kent's outline).
    """
    units = state.planned_units()
    if not units:
        return
    with st.expander(f"Edit the new units ({len(units)})", expanded=False):
        # the names are part of the key: the browser keeps a keyed widget's labels, so a renamed unit
        # would otherwise show its old name; the chosen position is kept across the new key
        labels = [f"{i + 1}. {u.name}" for i, u in enumerate(units)]
        chosen = st.session_state.get("pe_unit_index", 0)
        index = st.selectbox(
            "Unit",
            list(range(len(units))),
            index=chosen if isinstance(chosen, int) and 0 <= chosen < len(units) else 0,
            format_func=lambda i: labels[i],
            key=f"pe_unit_{hashlib.sha1(chr(0).join(labels).encode()).hexdigest()[:10]}",
        )
        st.session_state["pe_unit_index"] = index
        unit = units[index]
        plan = results.planned_scenario(data.scenario, units)
        vehicle = plan.vehicles[len(data.scenario.vehicles) + index]
        base = bases_for(plan).iloc[len(data.scenario.vehicles) + index]
        version = f"{index}_{hash(units[index])}"
        names = [_AS_FIRST, *PATTERNS, _OWN]
        current = unit.pattern if unit.pattern in PATTERNS else (_OWN if unit.pattern else _AS_FIRST)
        with st.form(key=f"pe_form_{version}"):
            name = st.text_input("Name", unit.name, max_chars=80)
            c1, c2 = st.columns(2)
            easting = c1.number_input("Easting (m)", value=float(base.geometry.x), step=250.0, format="%.0f")
            northing = c2.number_input(
                "Northing (m)", value=float(base.geometry.y), step=250.0, format="%.0f"
            )
            choice = st.selectbox("Shift pattern", names, index=names.index(current))
            own = st.text_input(
                "Your own pattern (DAYS@HH:MM-HH:MM, e.g. fri,sat@20:00-04:00)",
                unit.pattern if current == _OWN else "",
            )
            c3, c4 = st.columns(2)
            target = c3.number_input("Response target (min)", 1.0, 120.0, float(vehicle.target_min), step=1.0)
            job = c4.number_input("Job time (min)", 5.0, 480.0, float(vehicle.job_min), step=5.0)
            save = st.form_submit_button("Save changes", type="primary")
        if save:
            typed = (own or "").strip() or None
            pattern = None if choice == _AS_FIRST else typed if choice == _OWN else choice
            edited = PlacedUnit(
                name.strip() or unit.name,
                easting=float(easting),
                northing=float(northing),
                pattern=pattern,
                target_min=float(target),
                job_min=float(job),
            )
            apply_change(data, (*units[:index], edited, *units[index + 1 :]), index)
        if st.button("Delete this unit", key=f"pe_delete_{version}", icon=":material/delete:"):
            apply_change(data, (*units[:index], *units[index + 1 :]), None)
        st.caption(
            "Changes can be undone. The plan is kept in this page's address, so a reload or a shared link "
            "brings it back."
        )
