"""The viridis colours the maps read from data/style/viridis.json are matplotlib's, and no map imports it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from matplotlib import colormaps

from jru_geo.errors import MapError
from jru_geo.settings import PROJECT_ROOT
from jru_geo.viz import style
from jru_geo.viz.style import VIRIDIS_PATH, palette_json, viridis_hex


def test_committed_palette_is_the_installed_matplotlibs() -> None:
    assert VIRIDIS_PATH.read_text(encoding="utf-8") == palette_json(), (
        "data/style/viridis.json differs from the installed matplotlib's viridis: rebuild it with "
        "PYTHONPATH=. python scripts/build_palette.py"
    )


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 10, 64, 255, 256, 300])
def test_viridis_hex_is_matplotlibs_colour_at_each_stop(n: int) -> None:
    cmap = colormaps["viridis"]
    stops = [0.5] if n == 1 else np.linspace(0.05, 0.95, n)
    want = ["#{:02x}{:02x}{:02x}".format(*(round(255 * c) for c in cmap(float(s))[:3])) for s in stops]
    assert viridis_hex(n) == want


def test_a_broken_palette_file_names_the_file_and_the_fix(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "viridis.json"
    bad.write_text(json.dumps({"colours": ["#000000"] * 3}), encoding="utf-8")
    monkeypatch.setattr(style, "VIRIDIS_PATH", bad)
    style._viridis.cache_clear()
    try:
        with pytest.raises(MapError, match="256 colours.*build_palette"):
            viridis_hex(2)
        monkeypatch.setattr(style, "VIRIDIS_PATH", tmp_path / "missing.json")
        style._viridis.cache_clear()
        with pytest.raises(MapError, match="missing.json.*build_palette"):
            viridis_hex(2)
    finally:
        style._viridis.cache_clear()


def test_drawing_the_page_maps_does_not_import_matplotlib() -> None:
    """Every page map colours classes with viridis; matplotlib (0.1-0.3 s to import) is for the exports."""
    code = textwrap.dedent(
        """
        import sys
        import geopandas as gpd, numpy as np
        from shapely.geometry import Point
        from jru_geo.io.boundaries import load_districts, load_outline
        from jru_geo.viz.maps import overview_map
        districts = load_districts()
        bases = gpd.GeoDataFrame({"vehicle_id": ["J1"], "name": ["JRU 1"]},
                                 geometry=[Point(577349, 169462)], crs="EPSG:27700")
        counts = districts[["district_code"]].assign(rate_per_1000=np.arange(13.0), incidents=np.arange(13))
        m = overview_map(districts, bases, outline=load_outline(), counts=counts, tiles=False)
        m.get_root().render()
        print("matplotlib" in sys.modules)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
