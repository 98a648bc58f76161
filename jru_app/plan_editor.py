"""The Planner's plan editor: move, rename, delete a placed unit, give it its own pattern and times; undo.

A unit moves by its easting and northing, or by a re-click: with "Move ... to the next map click" on,
the next click on the Planner's map moves that unit there instead of adding one (:func:`click_map`).
A click is taken by the map's ``on_change`` callback (:func:`on_map_click`) and applied at the top
of the run that follows it (:func:`take_map_click`), so a click costs one script run.

Every change goes through :func:`jru_app.results.change_plan`, which refuses a base at sea, outside
Kent or on top of another unit, and keeps the earlier plan for undo; the plan is kept in the page's
URL (``?plan=...``) so a browser reload or a shared link brings it back.
"""

from __future__ import annotations

import dataclasses
import hashlib

import streamlit as st

from jru_app import results, state
from jru_app.data import AppData, bases_for
from jru_app.page import escape_markdown
from jru_app.state import PlacedUnit
from jru_geo.errors import JruGeoError
from jru_geo.model.patterns import PATTERNS

__all__ = [
    "MAP_KEY",
    "apply_change",
    "click_map",
    "edit_plan",
    "move_note",
    "on_map_click",
    "plan_history_buttons",
    "set_unit_to_move",
    "take_map_click",
    "unit_to_move",
]

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


def unit_to_move() -> int | None:
    """Read which placed unit the next planner-map click moves (the editor's "Move" toggle).

    Returns
    -------
    int or None
        Its index in :func:`jru_app.state.planned_units`, or None (a click adds a unit); None too
        once that unit has changed or gone (an undo, a delete), so a stale choice never moves another.
    """
    kept = st.session_state.get(state.PLAN_MOVE)
    units = state.planned_units()
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], int):
        index, unit = kept
        if 0 <= index < len(units) and units[index] == unit:
            return index
    return None


def set_unit_to_move(index: int | None) -> None:
    """Make the next planner-map click move placed unit ``index`` (None: the next click adds one).

    Parameters
    ----------
    index
        An index into :func:`jru_app.state.planned_units`, or None.
    """
    units = state.planned_units()
    keep = index is not None and 0 <= index < len(units)
    st.session_state[state.PLAN_MOVE] = (index, units[index]) if keep and index is not None else None


MAP_KEY = "planner_map"  # st_folium's key: its last value, {"last_clicked": {"lat", "lng"}}, is kept here


def on_map_click() -> None:
    """Keep a new click on the Planner's map for this run (st_folium's ``on_change``).

    The callback runs before the script, so the run that follows a click draws the plan with the
    unit already placed or moved (:func:`take_map_click`): one run per click, no rerun.
    """
    value = st.session_state.get(MAP_KEY)
    click = value.get("last_clicked") if isinstance(value, dict) else None
    if isinstance(click, dict) and click != st.session_state.get(state.PLAN_LAST_CLICK):
        st.session_state[state.PLAN_LAST_CLICK] = click
        st.session_state[state.PLAN_CLICK] = click


def take_map_click(data: AppData) -> tuple[int | None, str | None]:
    """Turn the map click kept by :func:`on_map_click`, if any, into a placed or moved unit.

    Parameters
    ----------
    data
        The run's data.

    Returns
    -------
    tuple
        The index of the unit placed or moved (None: no click, or refused) and the refusal to show
        (Markdown, escaped), or None.
    """
    click = st.session_state.pop(state.PLAN_CLICK, None)
    if not isinstance(click, dict):
        return None, None
    return click_map(data, lat=float(click["lat"]), lon=float(click["lng"]))


def click_map(data: AppData, *, lat: float, lon: float) -> tuple[int | None, str | None]:
    """Move the unit chosen to move to a click on the Planner's map, else place a new unit there.

    Either goes through :func:`jru_app.results.change_plan` (refused at sea, outside the area or on
    top of another unit, and undoable). A move ends the move mode; a refused move keeps it, so the
    next click can try elsewhere. Nothing reruns: the caller draws the new plan.

    Parameters
    ----------
    data
        The run's data.
    lat, lon
        The click, WGS84 degrees.

    Returns
    -------
    tuple
        The index of the unit placed or moved (None when refused) and why it was refused
        (Markdown, escaped), or None.
    """
    units = state.planned_units()
    index = unit_to_move()
    if index is None:
        try:
            added = PlacedUnit(f"New unit {len(units) + 1}", lat=lat, lon=lon)
            results.change_plan(data, (*units, added), len(units))
        except JruGeoError as exc:
            return None, escape_markdown(str(exc))
        return len(units), None
    unit = units[index]
    moved = dataclasses.replace(unit, easting=None, northing=None, lat=lat, lon=lon)
    try:
        results.change_plan(data, (*units[:index], moved, *units[index + 1 :]), index)
    except JruGeoError as exc:
        return None, escape_markdown(
            f"{exc}. {unit.name} stays where it was: click elsewhere to move it there."
        )
    set_unit_to_move(None)
    return index, None


def move_note() -> None:
    """Say under the map which unit its next click moves (nothing when a click adds a unit)."""
    index = unit_to_move()
    if index is not None:
        name = escape_markdown(state.planned_units()[index].name)
        st.info(
            f"Click the map to move {name} there (instead of adding a unit).", icon=":material/open_with:"
        )


def _toggle_move(index: int, key: str) -> None:
    set_unit_to_move(index if st.session_state.get(key) else None)


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
        if unit_to_move() not in (None, index):  # another unit is picked: its move is off
            set_unit_to_move(None)
        move_key = f"pe_move_{version}"  # a moved unit is a new version: the toggle starts off again
        st.toggle(
            f"Move {escape_markdown(unit.name)} to the next map click",
            value=unit_to_move() == index,
            key=move_key,
            on_change=_toggle_move,
            args=(index, move_key),
            help="The next click on the map moves this unit there instead of adding one; Undo moves it back.",
        )
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
