"""Time compute_coverage for fleets of 3 to 50 vehicles on 10,000 to 1,000,000 incidents.

Run: ``python bench/bench_coverage.py [--sizes 10000,1000000] [--fleets 3,10,11,15,30,50]
[--repeat 3]``. Incidents are the seeded synthetic demo year resampled (half timed to the minute,
half to the month); vehicles are the shipped scenario plus the candidate sites (police stations
first, then hospitals), then seeded LSOA centroids, each on the shifts of one of the shipped units
in turn. One untimed warm-up run first (imports, the travel model's first call), then each fleet
``--repeat`` times: the median wall-clock seconds (and the median CPU seconds of this process, less
sensitive to a shared machine's load) per fleet, the 30-to-10-vehicle ratio of the medians (target
<= 3x), and the 1M-incident 10-vehicle median (target < 5 s). The machine's load average is printed
before each size. Then the approximation's error: the same fleets of 8-10 vehicles solved exactly
and by Larson's approximation (``method="approx"``) on 10,000 incidents.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402

from jru_geo.io.boundaries import load_lsoas  # noqa: E402
from jru_geo.io.demo import demo_incidents  # noqa: E402
from jru_geo.io.scenario import Base, Scenario, Vehicle  # noqa: E402
from jru_geo.io.scenario_files import load_default_scenario  # noqa: E402
from jru_geo.io.sites import default_candidates  # noqa: E402
from jru_geo.model.coverage.engine import compute_coverage  # noqa: E402
from jru_geo.model.coverage.gaps import coverage_gaps  # noqa: E402
from jru_geo.model.travel.factory import make_model  # noqa: E402


def _fleet(n: int, lsoas: gpd.GeoDataFrame) -> list[Vehicle]:
    """The shipped units, then candidate sites, then seeded LSOA centroids: ``n`` vehicles."""
    base = load_default_scenario().vehicles
    sites = default_candidates()
    sites = sites.iloc[np.argsort(sites["kind"] != "police_station", kind="stable")]
    points = [
        (float(e), float(no), str(name))
        for e, no, name in zip(sites["easting"], sites["northing"], sites["name"], strict=True)
    ]
    centres = lsoas.geometry.centroid
    rng = np.random.default_rng(11)
    for k in rng.permutation(len(lsoas)):
        points.append((float(centres.iloc[k].x), float(centres.iloc[k].y), str(lsoas["lsoa_code"].iloc[k])))
    out = list(base[:n])
    for k, (easting, northing, name) in enumerate(points[: max(n - len(base), 0)]):
        template = base[k % len(base)]
        out.append(
            template.model_copy(
                update={"id": f"X{k}", "name": name, "base": Base(easting=easting, northing=northing)}
            )
        )
    return out


def _incidents(demo: gpd.GeoDataFrame, size: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    out = demo.iloc[rng.integers(0, len(demo), size)].reset_index(drop=True)
    out["time_precision"] = np.where(np.arange(len(out)) % 2 == 0, "minute", "month")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--fleets", default="3,10,11,15,30,50")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per fleet and size (median)")
    parser.add_argument("--no-error", action="store_true", help="skip the exact-vs-approx comparison")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fleets = [int(s) for s in args.fleets.split(",")]
    lsoas = load_lsoas()
    demo = demo_incidents(lsoas, seed=1)
    model = make_model("calibrated")
    print(f"machine: {platform.machine()} {platform.processor() or ''} Python {platform.python_version()}")
    print(f"date:    {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    warm = Scenario(name="warm-up", vehicles=_fleet(max(fleets), lsoas))
    compute_coverage(_incidents(demo, 1_000), warm, model, lsoas=lsoas, demand_scale=0.2)
    for size in sizes:
        incidents = _incidents(demo, size)
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
        seconds: dict[int, float] = {}
        for n in fleets:
            scenario = Scenario(name=f"{n} vehicles", vehicles=_fleet(n, lsoas))
            wall, cpu = [], []
            for _ in range(max(args.repeat, 1)):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = compute_coverage(incidents, scenario, model, lsoas=lsoas, demand_scale=0.2)
                wall.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            mid = time.perf_counter()
            coverage_gaps(result, lsoas=lsoas)
            end = time.perf_counter()
            seconds[n] = statistics.median(wall)
            print(
                f"{size:>9,} incidents {n:>2} vehicles: compute_coverage {seconds[n]:6.2f} s "
                f"(median of {len(wall)}, {min(wall):.2f}-{max(wall):.2f}; "
                f"CPU {statistics.median(cpu):.2f} s), "
                f"coverage_gaps {end - mid:5.2f} s, method {result.method}; expected/in-hours/geographic "
                f"{result.coverage_expected:.4f}/{result.coverage_in_hours:.4f}/{result.coverage_geographic:.4f}"
            )
        if 10 in seconds and 30 in seconds:
            print(
                f"{size:>9,} incidents: 30-to-10-vehicle time ratio "
                f"{seconds[30] / seconds[10]:.2f}x (target <= 3x)"
            )
        if size == 1_000_000 and 10 in seconds:
            print(f"1,000,000 incidents, 10 vehicles: {seconds[10]:.2f} s (target < 5 s)")
    if not args.no_error:
        _approximation_error(_incidents(demo, 10_000), lsoas, model)


def _approximation_error(incidents: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame, model: object) -> None:
    """Print Larson's approximation against the exact model on fleets of 8, 9 and 10 vehicles."""
    for n in (8, 9, 10):
        scenario = Scenario(name=f"{n} vehicles", vehicles=_fleet(n, lsoas))
        timed: dict[str, float] = {}
        results = {}
        for method in ("exact", "approx"):
            start = time.perf_counter()
            results[method] = compute_coverage(
                incidents,
                scenario,
                model,
                lsoas=lsoas,
                demand_scale=0.2,
                method=method,  # type: ignore[arg-type]
            )
            timed[method] = time.perf_counter() - start
        exact, approx = results["exact"], results["approx"]
        busy = np.abs(approx.vehicles["busy_fraction"] - exact.vehicles["busy_fraction"]).max()
        per_incident = np.abs(
            approx.incidents["p_covered_expected"] - exact.incidents["p_covered_expected"]
        ).max()
        print(
            f"approximation, {n} vehicles: expected coverage exact {exact.coverage_expected:.5f} approx "
            f"{approx.coverage_expected:.5f} "
            f"(error {approx.coverage_expected - exact.coverage_expected:+.5f}); "
            f"max busy-fraction error {busy:.4f}; max per-incident error {per_incident:.4f}; "
            f"exact {timed['exact']:.2f} s, approx {timed['approx']:.2f} s"
        )


if __name__ == "__main__":
    main()
