"""Tests for jru_app.warm: what the server reads before its first visitor is what the pages then read.

Every page runs in AppTest on a process whose Streamlit resource caches were emptied, with the heavy
reads the warming is for counted (boundaries, postcodes, towns, candidate sites, the demo year, the
travel model's fit, the quick look's squares). Cold, the pages make every one of them; after
:func:`jru_app.warm.warm_area`, none: so the warming's keys (area, assumptions, the new unit's
target) are the ones the pages ask for, and a change to either side that parts them fails here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from apphelpers import APP, no_failure
from streamlit.testing.v1 import AppTest

from jru_app import area_cache, plan_cache, startup, warm
from jru_geo import _crs
from jru_geo.areas import demo_year
from jru_geo.io import boundaries
from jru_geo.model.travel import factory

PAGES = sorted(p.relative_to(Path(APP).parent).as_posix() for p in (Path(APP).parent / "pages").glob("*.py"))

WATCHED: list[tuple[Any, str]] = [
    (boundaries, "load_districts"),
    (boundaries, "load_lsoas"),
    (boundaries, "load_outline"),
    (boundaries, "load_postcodes"),
    (area_cache, "area_towns"),
    (area_cache, "default_candidates"),
    (demo_year, "committed_demo_year"),
    (demo_year, "build_demo_year"),
    (factory, "default_calibrated"),
    (plan_cache, "reach_grid"),
]


def _counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count calls of every WATCHED function (each still runs)."""
    calls: Counter[str] = Counter()

    def counting(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)

        return call

    for module, name in WATCHED:
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    return calls


def _every_page() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    no_failure(at)
    for page in PAGES:
        at.switch_page(page)
        at.run()
        no_failure(at)


def test_the_pages_cold_make_every_read_the_warming_is_for(monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    calls = _counted(monkeypatch)
    _every_page()
    # build_demo_year runs only when the committed demo year is out of date: not on a clean checkout
    assert set(calls) == {name for _, name in WATCHED} - {"build_demo_year"}


def test_after_warm_area_no_page_reads_them_again(monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    done = warm.warm_area()
    assert list(done) == [
        "reprojection",
        "boundaries, postcodes and sites",
        "demo year",
        "travel model",
        "quick-look squares",
    ]
    assert all(sec >= 0 for sec in done.values())
    calls = _counted(monkeypatch)
    _every_page()
    assert not calls, f"read again after warming: {dict(calls)}"


def test_another_area_gets_no_quick_look_squares(monkeypatch: pytest.MonkeyPatch) -> None:
    """The squares need the area's default fleet; only Kent's is known without a session."""
    steps: list[str] = []
    monkeypatch.setattr(area_cache, "warm", lambda area: steps.append(f"geo {area}"))
    monkeypatch.setattr(warm.cache, "demo_joined", lambda seed, year, area: steps.append(f"demo {area}"))
    monkeypatch.setattr(warm.cache, "travel_model", lambda travel, area: steps.append(f"travel {area}"))
    monkeypatch.setattr(plan_cache, "warm_reach_grid", lambda *args: steps.append("squares"))
    monkeypatch.setattr(warm, "_reproject_once", lambda: steps.append("reprojection"))
    assert list(warm.warm_area("surrey")) == [
        "reprojection",
        "boundaries, postcodes and sites",
        "demo year",
        "travel model",
    ]
    assert steps == ["reprojection", "geo surrey", "demo surrey", "travel surrey"]


def test_the_warming_builds_both_reprojections_on_the_reprojection_thread() -> None:
    _crs._transformer.cache_clear()
    warm._reproject_once()
    assert _crs._transformer.cache_info().currsize == 2  # grid to lon/lat and back


def test_a_failed_warming_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(area: str) -> None:
        raise OSError(f"cannot read {area}'s boundaries")

    monkeypatch.setattr(area_cache, "warm", broken)
    assert startup.warm_data() == "OSError: cannot read kent's boundaries"
