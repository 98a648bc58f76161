"""Reprojection runs on one thread per process, so pyproj's per-thread transformers are built once."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point

from jru_geo import _crs
from jru_geo._crs import bng_to_lonlat, lonlat_to_bng, to_bng, to_wgs84, xy_to_bng


def _in_new_thread(work):  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(max_workers=1) as one:
        return one.submit(work).result()


def test_every_caller_thread_reprojects_on_the_same_one() -> None:
    here = threading.get_ident()
    on_main = _crs._on_crs_thread(threading.get_ident)
    on_others = {_in_new_thread(lambda: _crs._on_crs_thread(threading.get_ident)) for _ in range(3)}
    assert on_others == {on_main} and on_main != here


def test_figures_are_pyprojs_from_any_thread() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(-5.5, 1.7, 500), rng.uniform(50.0, 55.8, 500)
    want = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(lon, lat)
    for got in (lonlat_to_bng(lon, lat), _in_new_thread(lambda: lonlat_to_bng(lon, lat))):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    back = bng_to_lonlat(*want)
    np.testing.assert_allclose(back[0], lon, atol=1e-6)  # the Helmert steps: within 0.1 m
    np.testing.assert_allclose(back[1], lat, atol=1e-6)
    east, north = xy_to_bng(lon, lat, crs="epsg:4326")
    np.testing.assert_array_equal(east, want[0])


def test_frames_round_trip_and_errors_reach_the_caller() -> None:
    pts = gpd.GeoSeries([Point(0.55, 51.38)], crs="EPSG:4326")
    grid = _in_new_thread(lambda: to_bng(pts, what="bases"))
    assert [round(v) for v in grid.iloc[0].coords[0]] == [577556, 167636]
    again = to_wgs84(grid, what="bases")
    assert again.crs.to_epsg() == 4326
    assert abs(again.iloc[0].x - 0.55) < 1e-6

    def fails() -> None:
        raise ValueError("raised on the reprojection thread")

    with pytest.raises(ValueError, match="reprojection thread"):
        _crs._on_crs_thread(fails)


def test_a_nested_call_does_not_wait_for_itself() -> None:
    assert _crs._on_crs_thread(lambda: _crs._on_crs_thread(lambda: 42)) == 42


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")  # Python 3.12+ warns
def test_a_forked_child_reprojects_on_its_own_thread() -> None:
    lonlat_to_bng([0.55], [51.38])  # the parent's thread exists before the fork
    pid = os.fork()
    if pid == 0:  # the child: its copy of the parent's pool has no thread; it must make its own
        try:
            e, _ = lonlat_to_bng([0.55], [51.38])
            os._exit(0 if round(float(e[0])) == 577556 else 1)
        finally:
            os._exit(2)
    for _ in range(600):  # up to 60 s: a child stuck waiting for the parent's thread is killed
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child never finished its reprojection")
    assert os.waitstatus_to_exitcode(status) == 0
