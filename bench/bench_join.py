"""Benchmark: ``python -m jru_geo join`` on a 1,000,000-row generic CSV vs a minimal geopandas script.

Target (issue 2): the CLI takes at most 1.5x the time of the minimal script doing the same work
(read CSV, build points, reproject, sjoin to districts and LSOAs, write CSV), with peak memory under
2 GiB. Both run as separate processes in this one run, alternately, ``--repeats`` times each; the
ratio of the medians is printed. Peak memory is each process's maximum resident set size.

    python bench/bench_join.py [--rows 1000000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import ROOT, Run, print_pair, run  # noqa: E402

MINIMAL = """
import sys
import geopandas as gpd
import pandas as pd
src, out, districts, lsoas = sys.argv[1:5]
df = pd.read_csv(src)
pts = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326")
pts = pts.to_crs("EPSG:27700")
d = gpd.read_file(districts)[["district_code", "district_name", "geometry"]]
l = gpd.read_file(lsoas)[["lsoa_code", "geometry"]]
pts = gpd.sjoin(pts, d, how="left", predicate="intersects").drop(columns="index_right")
pts = gpd.sjoin(pts, l, how="left", predicate="intersects").drop(columns="index_right")
pts["easting"] = pts.geometry.x
pts["northing"] = pts.geometry.y
pd.DataFrame(pts.drop(columns="geometry")).to_csv(out, index=False)
"""


MAKE_INPUT = """
import sys
from jru_geo.io import boundaries, demo
out, rows = sys.argv[1], int(sys.argv[2])
params = demo.DemoParameters(incidents_per_year=rows)
gdf = demo.demo_incidents(boundaries.load_lsoas(), seed=1, params=params).head(rows)
demo.to_generic_csv(gdf).to_csv(out, index=False)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "incidents.csv"
        # The input is made in its own process: a child forked from a parent holding a large frame
        # would report the parent's pages in its peak RSS.
        subprocess.run([sys.executable, "-c", MAKE_INPUT, str(src), str(args.rows)], cwd=ROOT, check=True)
        rows = sum(1 for _ in src.open()) - 1
        print(f"input: {rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB generic CSV (synthetic demo)")
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL)
        bdir = ROOT / "data" / "boundaries"
        ours_cmd = [
            sys.executable,
            "-m",
            "jru_geo",
            "join",
            str(src),
            "-o",
            f"{tmp}/ours.csv",
            "--rejects",
            f"{tmp}/rejects.csv",
        ]
        base_cmd = [
            sys.executable,
            str(minimal),
            str(src),
            f"{tmp}/base.csv",
            str(bdir / "kent_districts.geojson"),
            str(bdir / "kent_lsoas.geojson"),
        ]
        ours: list[Run] = []
        base: list[Run] = []
        for _ in range(args.repeats):
            ours.append(run(ours_cmd))
            base.append(run(base_cmd))

    ratio, o_mem, _ = print_pair(ours, base, "jru_geo join", "minimal geopandas")
    print(
        f"time ratio (ours / minimal): {ratio:.2f}x  (target <= 1.5x)  {'OK' if ratio <= 1.5 else 'MISSED'}"
    )
    print(f"peak memory: {o_mem / 1024:.2f} GiB (target < 2 GiB)  {'OK' if o_mem < 2048 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
