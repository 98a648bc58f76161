"""Rebuild Kent's committed demo year, ``data/demo/kent_demo_year.parquet``.

Run from the project root::

    python scripts/build_demo.py

It generates the synthetic year the app opens on (:func:`jru_geo.io.demo.demo_incidents`, seed 2025,
year 2025, from the committed LSOAs and demo calibration), joins it to Kent's districts and LSOAs
(:func:`jru_geo.areas.join.assign_areas`) and writes it with the seed, the year and a SHA-256 of each
input (:mod:`jru_geo.areas.demo_year`). Rerun it after changing the generator, the join or any of those
files: the app then falls back to generating the year on first use, and ``tests/areas/test_demo_year.py``
fails until the file is rebuilt. The same inputs give a byte-identical file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from jru_geo.areas.demo_year import DEMO_SEED, DEMO_YEAR, build_demo_year, write_demo_year  # noqa: E402
from jru_geo.settings import DEFAULT_SETTINGS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Generate, join and write the demo year; print the file and its size."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.parse_args(argv)
    frame = build_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, settings=DEFAULT_SETTINGS)
    path = write_demo_year(frame, seed=DEMO_SEED, year=DEMO_YEAR, area="kent", settings=DEFAULT_SETTINGS)
    print(f"wrote {path.relative_to(ROOT)}: {len(frame):,} incidents, {path.stat().st_size / 1000:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
