"""Rebuild ``data/style/viridis.json``: matplotlib's viridis colour map as 256 hex colours.

The maps colour their classes with viridis (:func:`jru_geo.viz.style.viridis_hex`). Reading the
256 colours from this file instead of importing matplotlib keeps matplotlib (0.1-0.3 s to import)
off every map page; matplotlib stays the source of the colours, and only the PNG and PDF exports
import it. ``tests/viz/test_style.py`` fails, naming this command, when the file and the installed
matplotlib disagree.

    PYTHONPATH=. python scripts/build_palette.py
"""

from __future__ import annotations

from jru_geo.viz.style import VIRIDIS_PATH, palette_json


def main() -> None:
    """Write the file (atomically; byte-identical on a rebuild with the same matplotlib)."""
    from jru_geo.io._atomic import write_bytes_atomic

    write_bytes_atomic(palette_json().encode("utf-8"), VIRIDIS_PATH)
    print(f"wrote {VIRIDIS_PATH}")


if __name__ == "__main__":
    main()
