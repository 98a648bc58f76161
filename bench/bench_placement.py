"""Benchmark: next-unit MCLP on Kent, jru_geo.optimise.placement.recommend vs spopt MCLP + CBC.

Instance (issue 3, section 5):

* demand: Kent's 1,065 LSOA (2011) centroids. Weights: police.uk Kent street-level incidents
  Jan-Mar 2025 counted per ``LSOA code`` (rows whose 2021 code is not a 2011 Kent code are not
  counted) when ``../shared/data`` is present; otherwise (or with ``--weights synthetic``) a seeded
  synthetic incident count per LSOA, Poisson with mean 40 * population / mean population;
  ``--weights population`` uses the Census 2011 population.
* candidates: 500 = the 27 sites of ``load_candidate_sites()`` plus a seeded sample (seed 0) of
  473 centres of the 1 km grid inside Kent (``jru_geo.optimise.candidates.candidate_grid``).
* existing vehicles (fixed): the three JRU bases ME7 1NE, DA11 8BD, CT1 3JQ, geocoded with
  ``load_postcodes()``.
* travel: ``jru_geo.model.travel.calibrated.load_calibrated()`` (default) or ``--travel straight``
  (the stub 1.5 min + distance at 48 km/h); target 15 minutes; k = 1, 2, 3.

spopt gets the same matrix (``jru_geo.model.travel.matrix.travel_matrix``, demand points x sites)
with the existing vehicles as predefined facilities: their three columns are appended to the cost
matrix, fixed open with ``predefined_facilities_arr`` and ``p_facilities = k + 3``. Both objectives
are the total covered weight, existing included.

Timing: ours is the median of 5 calls of ``recommend(..., objective="mclp")`` (each call also
solves the curve for 1..k new units exactly); spopt is one call of ``from_cost_matrix`` plus
``solve(PULP_CBC_CMD(msg=False))`` (model building included, as a user would run it). What-if:
median over 200 seeded grid clicks of the travel-model call for one origin plus ``what_if``.

Run: ``python bench/bench_placement.py [--weights real|synthetic|population] [--travel calibrated|straight]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, no install

import numpy as np
import pandas as pd
import pulp
from numpy.typing import NDArray
from spopt.locate import MCLP

from jru_geo.io.boundaries import (
    load_candidate_sites,
    load_lsoas,
    load_outline,
    load_postcodes,
    normalise_postcode,
)
from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.matrix import travel_matrix
from jru_geo.optimise.candidates import candidate_grid, demand_points
from jru_geo.optimise.placement import recommend, what_if

FloatArray = NDArray[np.float64]
SHARED_INCIDENTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "incidents"
EXISTING_POSTCODES = ("ME7 1NE", "DA11 8BD", "CT1 3JQ")
N_CANDIDATES = 500
TARGET_MIN = 15.0


class StraightLineStub:
    """1.5 min turn-out plus straight-line distance at 48 km/h."""

    name = "straight-line stub (1.5 min + 48 km/h)"

    def minutes(self, origins_xy: FloatArray, destinations_xy: FloatArray) -> FloatArray:
        dx = origins_xy[:, None, 0] - destinations_xy[None, :, 0]
        dy = origins_xy[:, None, 1] - destinations_xy[None, :, 1]
        return 1.5 + np.hypot(dx, dy) / 1000.0 / 48.0 * 60.0


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def demand(kind: str) -> tuple[FloatArray, FloatArray, str]:
    lsoas = load_lsoas()
    if kind == "real" and SHARED_INCIDENTS.exists():
        files = sorted(SHARED_INCIDENTS.glob("*-kent-street.csv"))
        inc = pd.concat([pd.read_csv(f, usecols=["LSOA code"]) for f in files], ignore_index=True)
        inc = inc.rename(columns={"LSOA code": "lsoa_code"})
        xy, w = demand_points(lsoas, incidents=inc)
        return (
            xy,
            w,
            f"police.uk incidents per LSOA, {len(files)} months ({int(w.sum()):,} of {len(inc):,} rows)",
        )
    if kind == "population":
        xy, w = demand_points(lsoas)
        return xy, w, "Census 2011 population per LSOA"
    xy, pop = demand_points(lsoas)
    w = np.random.default_rng(0).poisson(40 * pop / pop.mean()).astype(np.float64)
    return xy, w, f"seeded synthetic incidents per LSOA (Poisson, {int(w.sum()):,} in all)"


def candidates() -> FloatArray:
    sites = load_candidate_sites()[["easting", "northing"]].to_numpy(dtype=np.float64)
    grid = candidate_grid(load_outline(), cell_m=1000)
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(len(grid), N_CANDIDATES - len(sites), replace=False))
    grid_xy = grid[["easting", "northing"]].to_numpy(dtype=np.float64)[pick]
    return np.vstack([sites, grid_xy])


def existing_xy() -> FloatArray:
    pcs = load_postcodes()
    keys = normalise_postcode(pd.Series(EXISTING_POSTCODES))
    return pcs.loc[keys, ["easting", "northing"]].to_numpy(dtype=np.float64)


def time_ours(t: FloatArray, w: FloatArray, ex: FloatArray, k: int) -> tuple[float, float, tuple[int, ...]]:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        r = recommend(t, w, existing_min=ex, target_min=TARGET_MIN, k=k, objective="mclp")
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), r.objective, r.picks


def time_spopt(t: FloatArray, w: FloatArray, ex: FloatArray, k: int) -> tuple[float, float]:
    cost = np.hstack([t, ex])
    predefined = np.r_[np.zeros(t.shape[1]), np.ones(ex.shape[1])].astype(int)
    t0 = time.perf_counter()
    model = MCLP.from_cost_matrix(
        cost, w, service_radius=TARGET_MIN, p_facilities=k + ex.shape[1], predefined_facilities_arr=predefined
    )
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    elapsed = time.perf_counter() - t0
    return elapsed, float(pulp.value(model.problem.objective))


def time_what_if(
    model: TravelModel, demand_xy: FloatArray, w: FloatArray, ex: FloatArray
) -> tuple[float, float]:
    grid = candidate_grid(load_outline(), cell_m=1000)
    clicks = grid[["easting", "northing"]].to_numpy(dtype=np.float64)
    clicks = clicks[np.random.default_rng(1).choice(len(clicks), 200, replace=False)]
    ms = {"mclp": [], "mexclp": []}
    for objective in ms:
        for xy in clicks:
            t0 = time.perf_counter()
            col = travel_matrix(model, points=demand_xy, bases=xy[None, :])[:, 0]
            what_if(col, weights=w, existing_min=ex, target_min=TARGET_MIN, objective=objective)  # type: ignore[arg-type]
            ms[objective].append((time.perf_counter() - t0) * 1000)
    return statistics.median(ms["mclp"]), statistics.median(ms["mexclp"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", choices=["real", "synthetic", "population"], default="real")
    ap.add_argument("--travel", choices=["calibrated", "straight"], default="calibrated")
    args = ap.parse_args()

    print(
        f"machine: {platform.node()} | {cpu_name()} | {os.cpu_count()} cores"
        f" | Python {platform.python_version()}"
    )
    print(f"date:    {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    demand_xy, w, w_label = demand(args.weights)
    if args.travel == "calibrated":
        from jru_geo.model.travel.calibrated import load_calibrated

        model: TravelModel = load_calibrated()
        travel_label = "jru_geo.model.travel.calibrated.load_calibrated()"
    else:
        model = StraightLineStub()
        travel_label = StraightLineStub.name
    cand_xy = candidates()
    t = travel_matrix(model, points=demand_xy, bases=cand_xy)
    ex = travel_matrix(model, points=demand_xy, bases=existing_xy())
    print(f"demand:  {len(w)} LSOA centroids, weights = {w_label}")
    print(
        f"sites:   {t.shape[1]} candidates (27 listed sites + 1 km grid sample),"
        f" 3 fixed JRU bases {EXISTING_POSTCODES}"
    )
    print(f"travel:  {travel_label}; target {TARGET_MIN:g} min; spopt: existing as predefined facilities")
    covered0 = float(w[(ex <= TARGET_MIN).any(axis=1)].sum())
    print(f"baseline: existing bases cover {covered0:,.0f} of {w.sum():,.0f} ({covered0 / w.sum():.1%})")
    print()
    print(
        f"{'k':>2} {'ours s':>9} {'spopt s':>9} {'ratio':>7}"
        f"  {'objective ours':>15} {'spopt':>12}  equal  picks"
    )
    ratios = []
    for k in (1, 2, 3):
        ours_s, ours_obj, picks = time_ours(t, w, ex, k)
        spopt_s, spopt_obj = time_spopt(t, w, ex, k)
        equal = abs(ours_obj - spopt_obj) <= 1e-6 * max(1.0, w.sum())
        ratios.append(spopt_s / ours_s)
        print(
            f"{k:>2} {ours_s:>9.4f} {spopt_s:>9.3f} {spopt_s / ours_s:>6.0f}x"
            f"  {ours_obj:>15,.1f} {spopt_obj:>12,.1f}"
            f"  {'yes' if equal else 'NO'}    {list(picks)}"
        )
    mclp_ms, mexclp_ms = time_what_if(model, demand_xy, w, ex)
    print()
    print(
        f"what-if (travel column for one click + what_if), median of 200 clicks: mclp {mclp_ms:.2f} ms, "
        f"mexclp {mexclp_ms:.2f} ms (target < 200 ms)"
    )
    t0 = time.perf_counter()
    r = recommend(t, w, existing_min=ex, target_min=TARGET_MIN, k=3, objective="mexclp", busy_fraction=0.5)
    print(
        f"mexclp k=3 (q=0.5), exact: {time.perf_counter() - t0:.3f} s, objective {r.objective:,.1f}, "
        f"picks {list(r.picks)}"
    )
    print(f"minimum ratio {min(ratios):.0f}x (target >= 10x)")


if __name__ == "__main__":
    main()
