"""Time coverage and recommend for the largest force, and weigh its page maps (issue 13, item 5).

Target: for the Metropolitan Police (about 4,800 LSOAs), 1,000,000 incidents a year, 10 units and
about 2,000 candidate sites, ``assign_areas``, ``compute_coverage`` and ``recommend_units --new 1``
(the default patterns and screen) each under 30 s on the development machine, and every map the
pages draw for that data under 1 MB of HTML.

Data: the Met area is built on first use (:func:`jru_geo.areas.area.area_settings`, outside the
timings); 1,000,000 demo incidents (:func:`jru_geo.io.demo.demo_incidents`, the area's parameters
with ``incidents_per_year=1_000_000``, seed 2025). The fleet: the area's acute hospitals, then LSOA
centroids picked farthest-first from the bases so far, 10 bases in all, every unit on every evening
18:00-02:00 (target 15 min, job 45 min). Candidates: the listed sites plus the grid inside the
outline, with the cell side chosen so that the total is about ``--sites`` (2,000). The travel model
is the calibrated one of the area.

Each step runs ``--repeat`` times in this process after one untimed warm-up of coverage (imports,
the travel model's first call); the median wall seconds are printed against 30 s as a ratio. Then
each page map is built as its page builds it by default (Coverage: cut-offs 10, 15, 20 min and the
ranked gaps; Heatmap: heat map and district rates, squares off, and with the 1 km squares ticked;
Overview: district rates; Planner: the area's listed sites, as the page draws them, and for scale
the 2,000 candidates, which no page draws; Tonight: every unit on shift, as on a Friday at 20:00,
and their catchments at their 15 min target) and rendered with
``m.get_root().render()``; its bytes are printed against 1 MB (10**6 bytes).

    python bench/bench_met.py [--incidents 1000000] [--units 10] [--sites 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
from _timing import machine_line  # noqa: E402

from jru_geo.areas.area import area_settings  # noqa: E402
from jru_geo.areas.counts import counts_by_area  # noqa: E402
from jru_geo.areas.join import assign_areas  # noqa: E402
from jru_geo.io import boundaries  # noqa: E402
from jru_geo.io.bases import resolve_bases  # noqa: E402
from jru_geo.io.demo import demo_incidents, demo_parameters  # noqa: E402
from jru_geo.io.scenario import Base, Scenario, Shift, Vehicle  # noqa: E402
from jru_geo.io.sites import default_candidates, town_labels  # noqa: E402
from jru_geo.model.coverage.engine import compute_coverage  # noqa: E402
from jru_geo.model.coverage.gaps import coverage_gaps, gaps_per_year  # noqa: E402
from jru_geo.model.patterns import parse_patterns  # noqa: E402
from jru_geo.model.travel.factory import make_model  # noqa: E402
from jru_geo.model.travel.isochrones import isochrones  # noqa: E402
from jru_geo.optimise.next_units import recommend_units  # noqa: E402
from jru_geo.optimise.planning import candidate_table  # noqa: E402
from jru_geo.viz import maps  # noqa: E402

TARGET_S = 30.0
MAP_BUDGET_BYTES = 1_000_000
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
T = TypeVar("T")


def _spread_bases(sites: pd.DataFrame, lsoas: gpd.GeoDataFrame, n: int) -> list[tuple[float, float, str]]:
    """The listed hospitals, then LSOA centroids farthest from the bases so far, ``n`` in all."""
    hospitals = sites[sites["kind"] == "acute_hospital"]
    points = [
        (float(e), float(no), str(name))
        for e, no, name in zip(hospitals["easting"], hospitals["northing"], hospitals["name"], strict=True)
    ][:n]
    xy = np.column_stack([lsoas["centroid_e"].to_numpy(float), lsoas["centroid_n"].to_numpy(float)])
    if not points:  # start from the LSOA nearest the middle of the area
        k = int(np.argmin(np.hypot(*(xy - xy.mean(axis=0)).T)))
        points.append((float(xy[k, 0]), float(xy[k, 1]), str(lsoas["lsoa_name"].iloc[k])))
    while len(points) < n:
        chosen = np.array([(e, no) for e, no, _ in points])
        far = np.min(
            np.hypot(xy[:, None, 0] - chosen[None, :, 0], xy[:, None, 1] - chosen[None, :, 1]), axis=1
        )
        k = int(np.argmax(far))
        points.append((float(xy[k, 0]), float(xy[k, 1]), str(lsoas["lsoa_name"].iloc[k])))
    return points


def _scenario(points: list[tuple[float, float, str]]) -> Scenario:
    evening = Shift(days=DAYS, start="18:00", end="02:00")  # type: ignore[arg-type]
    vehicles = [
        Vehicle(id=f"M{k + 1}", name=name, base=Base(easting=e, northing=no, label=name), shifts=[evening])
        for k, (e, no, name) in enumerate(points)
    ]
    return Scenario(name=f"Met bench, {len(vehicles)} evening units", area="metropolitan", vehicles=vehicles)


def _candidates(outline: gpd.GeoDataFrame, settings: object, n_sites: int) -> tuple[pd.DataFrame, float]:
    """Listed sites plus a grid whose cell side gives about ``n_sites`` candidates in all."""
    listed = len(default_candidates(settings=settings))  # type: ignore[arg-type]
    area_m2 = float(outline.geometry.area.sum())
    cell_m = math.sqrt(area_m2 / max(n_sites - listed, 1))
    return candidate_table("both", outline=outline, settings=settings, cell_m=cell_m), cell_m  # type: ignore[arg-type]


def _timed(label: str, repeat: int, fn: Callable[[], T]) -> T:
    wall: list[float] = []
    out: T | None = None
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        out = fn()
        wall.append(time.perf_counter() - start)
    mid = statistics.median(wall)
    verdict = "OK" if mid < TARGET_S else "MISSED"
    print(
        f"{label:<34} median {mid:7.2f} s over {len(wall)} ({min(wall):.2f}-{max(wall):.2f}); "
        f"ratio to 30 s {mid / TARGET_S:.2f} {verdict}",
        flush=True,
    )
    assert out is not None
    return out


def _weigh(label: str, build: Callable[[], object]) -> None:
    start = time.perf_counter()
    m = build()
    size = maps.map_html_size(m)  # type: ignore[arg-type]
    verdict = "OK" if size < MAP_BUDGET_BYTES else "MISSED"
    print(
        f"{label:<44} {size:>10,} bytes; ratio to 1 MB {size / MAP_BUDGET_BYTES:.2f} {verdict} "
        f"(built and rendered in {time.perf_counter() - start:.1f} s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--sites", type=int, default=2_000, help="candidate sites, about")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step (median)")
    parser.add_argument("--no-maps", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    settings = area_settings("metropolitan")
    lsoas = boundaries.load_lsoas(settings=settings)
    districts = boundaries.load_districts(settings=settings)
    outline = boundaries.load_outline(settings=settings)
    postcodes = boundaries.load_postcodes(settings=settings)
    model = make_model("calibrated", settings=settings)
    params = dataclasses.replace(demo_parameters(settings=settings), incidents_per_year=args.incidents)
    raw = demo_incidents(lsoas, params=params)
    sites = default_candidates(settings=settings)
    scenario = _scenario(_spread_bases(sites, lsoas, args.units))
    candidates, cell_m = _candidates(outline, settings, args.sites)
    print(machine_line())
    print(
        f"data: {settings.area_name}, {len(lsoas):,} LSOAs, {len(districts)} districts; {len(raw):,} demo "
        f"incidents; {len(scenario.vehicles)} units every evening 18:00-02:00; {len(candidates):,} "
        f"candidates ({len(sites)} listed sites + grid of {cell_m:.0f} m); travel {model.name} "
        f"(area, data and demo ready in {time.perf_counter() - start:.1f} s)",
        flush=True,
    )

    joined = _timed("assign_areas (join)", args.repeat, lambda: assign_areas(raw, districts, lsoas))
    inside = joined[joined["in_kent"].to_numpy(dtype=bool)]
    print(f"  joined {len(joined):,}, in the area {len(inside):,}")
    compute_coverage(inside.iloc[:1000], scenario, model, lsoas=lsoas, postcodes=postcodes)  # warm-up
    result = _timed(
        "compute_coverage",
        args.repeat,
        lambda: compute_coverage(inside, scenario, model, lsoas=lsoas, postcodes=postcodes),
    )
    print(
        f"  method {result.method}; coverage expected/in-hours/geographic "
        f"{result.coverage_expected:.4f}/{result.coverage_in_hours:.4f}/{result.coverage_geographic:.4f}"
    )
    bases = resolve_bases(scenario, postcodes=postcodes)
    plan = _timed(
        "recommend_units --new 1",
        args.repeat,
        lambda: recommend_units(
            inside,
            scenario,
            model,
            candidates,
            lsoas=lsoas,
            k=1,
            patterns=parse_patterns(None),
            bases=bases,
            postcodes=postcodes,
        ),
    )
    print(f"  picks {plan.picks.to_dict(orient='records')}")
    if not args.no_maps:
        _maps(settings, inside, districts, outline, lsoas, bases, scenario, model, result, candidates, sites)


def _maps(
    settings: object,
    inside: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    scenario: Scenario,
    model: object,
    result: object,
    candidates: pd.DataFrame,
    sites: pd.DataFrame,
) -> None:
    """Build each page's map on the Met data with the page's default options and print its bytes."""
    towns = town_labels(boundaries.load_candidate_sites(settings=settings))  # type: ignore[arg-type]
    rates = counts_by_area(inside, districts, level="district")
    iso = isochrones(model, bases, [10.0, 15.0, 20.0], clip=outline)  # type: ignore[arg-type]
    gaps = gaps_per_year(coverage_gaps(result, lsoas=lsoas)[1])  # type: ignore[arg-type]
    print(
        f"maps (tiles on, as the pages draw them by default); {len(iso)} catchments, {len(gaps):,} gap LSOAs"
    )
    common = {"outline": outline, "towns": towns}
    _weigh("Overview: overview_map", lambda: maps.overview_map(districts, bases, counts=rates, **common))
    _weigh("Heatmap: heatmap_map (squares off)", lambda: maps.heatmap_map(inside, districts, rates, **common))
    _weigh(
        "Heatmap: heatmap_map (squares ticked)",
        lambda: maps.heatmap_map(inside, districts, rates, squares=True, **common),
    )
    _weigh(
        "Coverage: coverage_map (10/15/20 min, gaps)",
        lambda: maps.coverage_map(bases, districts=districts, isochrones=iso, gaps=gaps, **common),
    )
    tonight = iso[iso["cutoff_min"].astype(float) == 15.0]
    _weigh(
        "Tonight: coverage_map (Fri 20:00, 15 min)",
        lambda: maps.coverage_map(bases, districts=districts, isochrones=tonight, **common),
    )
    plan_iso = tonight
    _weigh(
        f"Planner: planner_map ({len(sites)} listed sites)",
        lambda: _whole(
            maps.planner_map(bases, districts=districts, candidates=sites, isochrones=plan_iso, **common)
        ),
    )
    _weigh(
        f"not a page map: planner_map ({len(candidates):,} cand.)",
        lambda: _whole(
            maps.planner_map(bases, districts=districts, candidates=candidates, isochrones=plan_iso, **common)
        ),
    )


def _whole(parts: tuple[Any, Any]) -> Any:
    """The Planner's map with its plan layer on it, as the page shows them together."""
    m, plan = parts
    plan.add_to(m)
    return m


if __name__ == "__main__":
    main()
