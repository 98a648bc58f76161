"""Benchmark: ``python -m jru_geo join --area england-wales`` vs a minimal geopandas script.

Target (issue 13, item 5): the national CLI join takes at most 1.5x the time of a minimal script
doing the same work (read CSV, build points, reproject to EPSG:27700, one sjoin against the 34,753
LSOAs of England and Wales, write CSV), for a national month of police.uk rows (``--policeuk-rows``,
500,000) and a national year of generic CAD rows (``--generic-rows``, 6,000,000), with the CLI's peak
memory under 4 GiB at 6,000,000 rows.

Inputs are synthetic and written to a temporary folder (never committed): points drawn uniformly
inside LSOAs picked at random from the national table (:func:`jru_geo.io.national.load_national_lsoas`,
fixed seed; LSOAs hold about 1,500 people each, so this spreads the rows roughly by population). The
police.uk file's ``LSOA code`` column and the generic file's ``drawn_lsoa`` column name the LSOA each
point was drawn in, so both programs' outputs are checked against it. The generic file has
``incident_id, datetime, category, latitude, longitude, drawn_lsoa``, with times spread over 2025.

Both programs run as separate processes, alternately, ``--repeats`` times each; the ratio of the
medians is printed, and the ratio of peak memory (each process's maximum resident set size).

    python bench/bench_national.py [--policeuk-rows 500000] [--generic-rows 6000000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import ROOT, Run, print_pair, run  # noqa: E402

MINIMAL = """
import sys
import geopandas as gpd
import pandas as pd
src, out, lsoas, lon, lat = sys.argv[1:6]
df = pd.read_csv(src)
pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df[lon], df[lat]), crs="EPSG:4326")
pts = pts.to_crs("EPSG:27700")
l = gpd.read_parquet(lsoas)[["lsoa_code", "lsoa_name", "district_code", "district_name", "force", "geometry"]]
pts = gpd.sjoin(pts, l, how="left", predicate="intersects").drop(columns="index_right")
pts["easting"] = pts.geometry.x
pts["northing"] = pts.geometry.y
pd.DataFrame(pts.drop(columns="geometry")).to_csv(out, index=False)
"""

# The national table is loaded (and cached on first use, outside the timed runs) here; a copy is
# written for the minimal script, which reads the same GeoParquet format as the CLI's cache.
MAKE_INPUT = """
import sys
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely
from pyproj import Transformer
from jru_geo.areas.registry import FORCES, force_for_falls_within
from jru_geo.io.national import load_national_lsoas
out, lsoa_out, fmt, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
table = load_national_lsoas(force_for_falls_within)
table.to_parquet(lsoa_out, index=False)
rng = np.random.default_rng(13)
geoms = table.geometry.to_numpy()
shapely.prepare(geoms)
pick = rng.integers(0, len(table), rows)
box = shapely.bounds(geoms)[pick]
x = np.empty(rows)
y = np.empty(rows)
todo = np.arange(rows)
for _ in range(60):
    if not len(todo):
        break
    cx = box[todo, 0] + rng.random(len(todo)) * (box[todo, 2] - box[todo, 0])
    cy = box[todo, 1] + rng.random(len(todo)) * (box[todo, 3] - box[todo, 1])
    ok = shapely.contains_xy(geoms[pick[todo]], cx, cy)
    x[todo[ok]], y[todo[ok]] = cx[ok], cy[ok]
    todo = todo[~ok]
if len(todo):
    inner = shapely.point_on_surface(geoms[pick[todo]])
    x[todo], y[todo] = shapely.get_x(inner), shapely.get_y(inner)
lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(x, y)
lsoa = table["lsoa_code"].to_numpy()[pick]
if fmt == "generic":
    labels = np.array(["RTC", "Mental health", "Concern for welfare", "Assault", "Drunk male",
                       "Fall", "Sudden death", "Public order", "Self harm", "Collapse"], dtype=object)
    minute = np.datetime64("2025-01-01T00:00") + rng.integers(0, 365 * 24 * 60, rows).astype("timedelta64[m]")
    frame = pa.table({
        "incident_id": pa.array(np.arange(1, rows + 1).astype(str)),
        "datetime": pa.array(np.datetime_as_string(minute, unit="m")),
        "category": pa.array(labels[rng.integers(0, len(labels), rows)]),
        "latitude": pa.array(np.round(lat, 6)),
        "longitude": pa.array(np.round(lon, 6)),
        "drawn_lsoa": pa.array(lsoa),
    })
    pacsv.write_csv(frame, out, write_options=pacsv.WriteOptions(quoting_style="none"))
else:
    force = table["force"].to_numpy()[pick]
    names = np.array([FORCES[f] for f in force], dtype=object)
    types = np.array(["Violence and sexual offences", "Anti-social behaviour", "Criminal damage and arson",
                      "Vehicle crime", "Other theft", "Burglary", "Public order", "Shoplifting"],
                     dtype=object)
    outcomes = np.array(["Unable to prosecute suspect", "Investigation complete; no suspect identified",
                         "Under investigation", ""], dtype=object)
    ids = rng.integers(0, 2**63, size=(rows, 4), dtype=np.int64)
    pd.DataFrame({
        "Crime ID": [f"{a:016x}{b:016x}{c:016x}{d:016x}" for a, b, c, d in ids],
        "Month": "2025-01",
        "Reported by": names,
        "Falls within": names,
        "Longitude": np.round(lon, 6),
        "Latitude": np.round(lat, 6),
        "Location": "On or near High Street",
        "LSOA code": lsoa,
        "LSOA name": table["lsoa_name"].to_numpy()[pick],
        "Crime type": types[rng.integers(0, len(types), rows)],
        "Last outcome category": outcomes[rng.integers(0, len(outcomes), rows)],
        "Context": "",
    }).to_csv(out, index=False)
print(f"{len(todo)} of {rows} points placed by point_on_surface after 60 rounds")
"""

CHECK = """
import sys
import pandas as pd
drawn = sys.argv[1]
for path in sys.argv[2:]:
    df = pd.read_csv(path, usecols=[drawn, "lsoa_code"], dtype=str)
    same = (df[drawn] == df["lsoa_code"]).sum()
    print(f"  {path.rsplit('/', 1)[-1]}: {len(df):,} output rows, {same:,} in the LSOA they were drawn in "
          f"({same / len(df):.4%}), {df['lsoa_code'].isna().sum():,} with no LSOA")
"""

# format: (label, longitude column, latitude column, column naming the drawn LSOA, memory target MiB)
CASES = {
    "policeuk": ("police.uk month", "Longitude", "Latitude", "LSOA code", None),
    "generic": ("generic year", "longitude", "latitude", "drawn_lsoa", 4096),
}


def bench_case(tmp: Path, fmt: str, rows_wanted: int, repeats: int) -> tuple[float, float, float]:
    """Make one input, time both programs on it; return the time ratio and both peak RSS (MiB)."""
    label, lon, lat, drawn, mem_target = CASES[fmt]
    src = tmp / f"{fmt}.csv"
    lsoas = tmp / "lsoas.parquet"
    # The input is made in its own process: a child forked from a parent holding a large frame
    # would report the parent's pages in its peak RSS.
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", MAKE_INPUT, str(src), str(lsoas), fmt, str(rows_wanted)], cwd=ROOT, check=True
    )
    with src.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    print(
        f"{label} input: {rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB {fmt} CSV (synthetic, points "
        f"inside random LSOAs of England and Wales, seed 13; made in {time.perf_counter() - t0:.1f} s)"
    )
    minimal = tmp / "minimal.py"
    minimal.write_text(MINIMAL)
    ours_out, base_out = tmp / f"ours_{fmt}.csv", tmp / f"base_{fmt}.csv"
    ours_cmd = [
        sys.executable,
        "-m",
        "jru_geo",
        "join",
        str(src),
        "--area",
        "england-wales",
        "-o",
        str(ours_out),
    ]
    ours_cmd += ["--rejects", str(tmp / f"rejects_{fmt}.csv")]
    base_cmd = [sys.executable, str(minimal), str(src), str(base_out), str(lsoas), lon, lat]
    ours: list[Run] = []
    base: list[Run] = []
    for _ in range(repeats):
        ours.append(run(ours_cmd))
        base.append(run(base_cmd))
    print(f"jru_geo says: {ours[-1].stdout}")
    print("check against the LSOA each point was drawn in:")
    subprocess.run([sys.executable, "-c", CHECK, drawn, str(ours_out), str(base_out)], cwd=ROOT, check=True)
    src.unlink()
    ours_out.unlink()
    base_out.unlink()

    ratio, o_mem, b_mem = print_pair(ours, base, "jru_geo join --area", "minimal geopandas")
    print(
        f"{label}: time ratio (ours / minimal) {ratio:.2f}x (target <= 1.5x) "
        + ("OK" if ratio <= 1.5 else "MISSED")
    )
    verdict = (
        ""
        if mem_target is None
        else (f" (target < {mem_target / 1024:.0f} GiB) {'OK' if o_mem < mem_target else 'MISSED'}")
    )
    print(
        f"{label}: peak memory ours {o_mem / 1024:.2f} GiB{verdict}, minimal {b_mem / 1024:.2f} GiB, "
        f"ratio {o_mem / b_mem:.2f}x"
    )
    return ratio, o_mem, b_mem


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--policeuk-rows", type=int, default=500_000, help="0 skips the police.uk case")
    ap.add_argument("--generic-rows", type=int, default=6_000_000, help="0 skips the generic case")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for fmt, rows in (("policeuk", args.policeuk_rows), ("generic", args.generic_rows)):
            if rows > 0:
                bench_case(Path(tmp), fmt, rows, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
