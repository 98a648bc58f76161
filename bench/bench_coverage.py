"""Time compute_coverage on 100,000 incidents with 3 and 10 vehicles (one run, prints seconds).

Run: ``python bench/bench_coverage.py``. Incidents are the seeded synthetic demo year resampled to
100,000 (half timed to the minute, half to the month); vehicles are the shipped scenario plus
police stations from the candidate-site table, all on the scenario's shifts.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jru_geo.io.boundaries import load_lsoas
from jru_geo.io.demo import demo_incidents
from jru_geo.io.scenario import Base, Scenario
from jru_geo.io.scenario_files import load_default_scenario
from jru_geo.io.sites import default_candidates
from jru_geo.model.coverage.engine import compute_coverage
from jru_geo.model.coverage.gaps import coverage_gaps
from jru_geo.model.travel.factory import make_model


def main() -> None:
    lsoas = load_lsoas()
    demo = demo_incidents(lsoas, seed=1)
    rng = np.random.default_rng(0)
    incidents = demo.iloc[rng.integers(0, len(demo), 100_000)].reset_index(drop=True)
    incidents["time_precision"] = np.where(np.arange(len(incidents)) % 2 == 0, "minute", "month")
    model = make_model("calibrated")
    base = load_default_scenario()
    sites = default_candidates()
    stations = sites[sites["kind"] == "police_station"].head(7)
    extra = [
        base.vehicles[0].model_copy(
            update={
                "id": f"X{k}",
                "name": str(row.name),
                "base": Base(easting=row.easting, northing=row.northing),
            }
        )
        for k, row in enumerate(stations.itertuples())
    ]
    for label, fleet in (("3 vehicles", base.vehicles), ("10 vehicles", [*base.vehicles, *extra])):
        scenario = Scenario(name=label, vehicles=list(fleet))
        start = time.perf_counter()
        result = compute_coverage(incidents, scenario, model, lsoas=lsoas, demand_scale=0.2)
        mid = time.perf_counter()
        coverage_gaps(result, lsoas=lsoas)
        end = time.perf_counter()
        print(
            f"{label}: compute_coverage {mid - start:.2f} s, coverage_gaps {end - mid:.2f} s "
            f"({len(incidents):,} incidents, method {result.method}); expected/in-hours/geographic "
            f"{result.coverage_expected:.3f}/{result.coverage_in_hours:.3f}/{result.coverage_geographic:.3f}"
        )


if __name__ == "__main__":
    main()
