"""Time the travel models against their budgets, in one run.

Budgets (issue 3): calibrated ``minutes()`` for 10 origins x 100,000 destinations well under a
second; isochrones for 3 bases x 3 cut-offs over Kent under a few seconds. Prints each time and
its ratio to the budget (< 1 is within budget), and the calibrated model's cost relative to the
straight-line model on the same points.

    python bench/bench_travel.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jru_geo.io.boundaries import load_outline
from jru_geo.model.travel.calibrated import load_calibrated
from jru_geo.model.travel.isochrones import isochrones
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import BNG


def _best_of(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    model = load_calibrated()
    fit_s = time.perf_counter() - t0
    origins = rng.uniform([550_000, 120_000], [630_000, 175_000], (10, 2))
    dests = rng.uniform([550_000, 120_000], [630_000, 175_000], (100_000, 2))
    calibrated_s = _best_of(lambda: model.minutes(origins, dests))
    straight_s = _best_of(lambda: StraightLineModel().minutes(origins, dests))
    bases = gpd.GeoDataFrame(
        {"vehicle_id": ["medway", "north_kent", "canterbury"]},
        geometry=[Point(576_000, 167_000), Point(563_000, 173_000), Point(615_000, 158_000)],
        crs=BNG,
    )
    outline = load_outline()
    iso_s = _best_of(lambda: isochrones(model, bases, [10, 15, 20], clip=outline))
    print(f"load_calibrated (read data + fit):      {fit_s:7.3f} s")
    print(
        f"calibrated minutes 10 x 100,000:        {calibrated_s:7.3f} s  "
        f"ratio to 1 s budget {calibrated_s / 1.0:.2f}"
    )
    print(
        f"  vs straight-line on the same points:  {straight_s:7.3f} s  "
        f"calibrated/straight {calibrated_s / straight_s:.1f}x"
    )
    print(f"isochrones 3 bases x 3 cut-offs, Kent:  {iso_s:7.3f} s  ratio to 3 s budget {iso_s / 3.0:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
