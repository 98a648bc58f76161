"""Benchmark: ``python -m jru_geo join --area england-wales`` vs a minimal geopandas script.

Target (issue 13): the national CLI join takes at most 1.5x the time of a minimal script doing the
same work (read CSV, build points, reproject to EPSG:27700, one sjoin against the 34,753 LSOAs of
England and Wales, write CSV). The input is a synthetic police.uk street-level CSV of ``--rows``
rows whose points are drawn uniformly inside LSOAs picked at random from the national table
(:func:`jru_geo.io.national.load_national_lsoas`, fixed seed); its ``LSOA code`` column is the LSOA
each point was drawn in, so the outputs can be checked against it. Both programs run as separate
processes, alternately, ``--repeats`` times each; the ratio of the medians is printed. Peak memory is
each process's maximum resident set size.

    python bench/bench_national.py [--rows 500000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MINIMAL = """
import sys
import geopandas as gpd
import pandas as pd
src, out, lsoas = sys.argv[1:4]
df = pd.read_csv(src)
pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs="EPSG:4326")
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
import shapely
from pyproj import Transformer
from jru_geo.areas.registry import FORCES, force_for_falls_within
from jru_geo.io.national import load_national_lsoas
out, lsoa_out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
force = table["force"].to_numpy()[pick]
names = np.array([FORCES[f] for f in force], dtype=object)
types = np.array(["Violence and sexual offences", "Anti-social behaviour", "Criminal damage and arson",
                  "Vehicle crime", "Other theft", "Burglary", "Public order", "Shoplifting"], dtype=object)
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
    "LSOA code": table["lsoa_code"].to_numpy()[pick],
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
for path in sys.argv[1:]:
    df = pd.read_csv(path, usecols=["LSOA code", "lsoa_code"], dtype=str)
    same = (df["LSOA code"] == df["lsoa_code"]).sum()
    print(f"  {path.rsplit('/', 1)[-1]}: {len(df):,} output rows, {same:,} in the LSOA they were drawn in "
          f"({same / len(df):.4%}), {df['lsoa_code'].isna().sum():,} with no LSOA")
"""


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one child process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        _, _, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait()
        if proc.returncode:
            raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {err[-500:]}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read().decode().strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "incidents.csv"
        lsoas = Path(tmp) / "lsoas.parquet"
        # The input is made in its own process: a child forked from a parent holding a large frame
        # would report the parent's pages in its peak RSS.
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", MAKE_INPUT, str(src), str(lsoas), str(args.rows)], cwd=ROOT, check=True
        )
        rows = sum(1 for _ in src.open()) - 1
        print(
            f"input: {rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB police.uk CSV (synthetic, points "
            f"inside random LSOAs of England and Wales, seed 13; made in {time.perf_counter() - t0:.1f} s)"
        )
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL)
        ours_cmd = [
            sys.executable,
            "-m",
            "jru_geo",
            "join",
            str(src),
            "--area",
            "england-wales",
            "-o",
            f"{tmp}/ours.csv",
        ]
        base_cmd = [sys.executable, str(minimal), str(src), f"{tmp}/base.csv", str(lsoas)]
        ours, base = [], []
        for _ in range(args.repeats):
            ours.append(run(ours_cmd))
            base.append(run(base_cmd))
        print(f"jru_geo says: {ours[-1][2]}")
        print("check against the LSOA each point was drawn in:")
        check = [sys.executable, "-c", CHECK, f"{tmp}/ours.csv", f"{tmp}/base.csv"]
        subprocess.run(check, cwd=ROOT, check=True)

    o_s = statistics.median(s for s, _, _ in ours)
    b_s = statistics.median(s for s, _, _ in base)
    o_mem = max(m for _, m, _ in ours)
    b_mem = max(m for _, m, _ in base)
    load = os.getloadavg()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    print(f"jru_geo join --area: median {o_s:6.2f} s over {args.repeats}  peak RSS {o_mem:6.0f} MiB")
    print(f"minimal geopandas  : median {b_s:6.2f} s over {args.repeats}  peak RSS {b_mem:6.0f} MiB")
    ratio = o_s / b_s
    print(
        f"time ratio (ours / minimal): {ratio:.2f}x  (target <= 1.5x)  {'OK' if ratio <= 1.5 else 'MISSED'}"
    )
    print(f"peak memory: ours {o_mem / 1024:.2f} GiB, minimal {b_mem / 1024:.2f} GiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
