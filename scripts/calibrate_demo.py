"""Calibrate the synthetic demo year against real police.uk Kent violence and public-order crime.

Run from the project root, with the real data kept beside the checkout (never in it)::

    python scripts/calibrate_demo.py [--shared ../shared/data]

Reads ``incidents/2025-0[1-3]-kent-street.csv`` (police.uk, OGL v3.0), keeps "Violence and sexual
offences" and "Public order", joins them to the embedded 2011 LSOAs with JRU Geo's own join and writes
only derived, compact figures (no incident):

* ``data/demo/kent_lsoa_demand_weights.csv``: ``lsoa_code, weight`` (shares summing to 1), the
  real LSOA shares shrunk towards the population model by the factor ``shrink`` that makes the
  calibrated demo's busiest-10% share equal the real one (chosen on a grid by simulation, seed 0);
* ``data/demo/demo_calibration.json``: ``shrink``, the month-to-month variation of the real daily
  rate (``month_rate_cv``), the real figures it was fitted to, and the sources.

:func:`jru_geo.io.demo.demo_incidents` uses them with ``realism="calibrated"``. Rerunning the script
on the same files writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from jru_geo.areas.join import assign_areas  # noqa: E402  (the script runs from a checkout)
from jru_geo.io.boundaries import load_districts, load_lsoas  # noqa: E402
from jru_geo.io.demo import DemoParameters, lsoa_weights, top_share  # noqa: E402

CRIME_TYPES = ("Violence and sexual offences", "Public order")
OUT = ROOT / "data" / "demo"
SHRINK_GRID = np.round(np.arange(0.0, 0.61, 0.02), 2)


def real_counts(shared: Path, lsoas: gpd.GeoDataFrame) -> tuple[np.ndarray, pd.Series, int]:
    """Per-LSOA counts (aligned to ``lsoas``), counts per month, and the rows read."""
    files = sorted((shared / "incidents").glob("2025-0[1-3]-kent-street.csv"))
    if len(files) != 3:
        raise SystemExit(f"expected the three Jan-Mar 2025 Kent files under {shared / 'incidents'}")
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    crimes = raw[raw["Crime type"].isin(CRIME_TYPES)]
    located = crimes[crimes["Longitude"].notna() & crimes["Latitude"].notna()]
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(located["Longitude"].astype(float), located["Latitude"].astype(float)),
        crs="EPSG:4326",
    )
    joined = assign_areas(pts, load_districts(), lsoas)
    counts = joined["lsoa_code"].value_counts().reindex(lsoas["lsoa_code"], fill_value=0).to_numpy()
    return counts, crimes["Month"].value_counts().sort_index(), len(crimes)


def simulated_top_share(weights: np.ndarray, n: int, *, draws: int = 20) -> float:
    """Mean busiest-10% share of ``n`` incidents drawn from ``weights`` (seed 0)."""
    rng = np.random.default_rng(0)
    return float(np.mean([top_share(rng.multinomial(n, weights)) for _ in range(draws)]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
    lsoas = load_lsoas()
    counts, months, n_rows = real_counts(args.shared, lsoas)
    real_share = counts / counts.sum()
    prior = lsoa_weights(lsoas, DemoParameters())
    n_year = int(DemoParameters().incidents_per_year)
    target = top_share(counts)
    fits = [
        (abs(simulated_top_share((1 - s) * real_share + s * prior, n_year) - target), s) for s in SHRINK_GRID
    ]
    shrink = float(min(fits)[1])
    weights = (1 - shrink) * real_share + shrink * prior

    days = np.array([pd.Period(m).days_in_month for m in months.index], dtype=float)
    rate = months.to_numpy(dtype=float) / days
    month_rate_cv = float(rate.std() / rate.mean())

    OUT.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "weight": np.round(weights, 8)}).to_csv(
        OUT / "kent_lsoa_demand_weights.csv", index=False
    )
    calibration = {
        "shrink": shrink,
        "month_rate_cv": round(month_rate_cv, 4),
        "fitted_to": {
            "crime_types": list(CRIME_TYPES),
            "months": {str(k): int(v) for k, v in months.items()},
            "rows": n_rows,
            "rows_in_an_lsoa": int(counts.sum()),
            "top10_share": round(float(target), 4),
        },
        "sources": "data.police.uk Kent street-level crime Jan-Mar 2025 (OGL v3.0), "
        "joined to ONS LSOA (2011) boundaries; only per-LSOA shares are kept",
    }
    (OUT / "demo_calibration.json").write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
    print(
        f"{n_rows:,} violence and public-order rows ({counts.sum():,} in an LSOA); real top-10% share "
        f"{target:.1%}; shrink {shrink}; daily-rate month CV {month_rate_cv:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
