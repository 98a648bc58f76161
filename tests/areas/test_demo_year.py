"""Kent's committed demo year is the generator's, cell for cell, and is used only while it still is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from jru_geo.areas.demo_year import (
    DEMO_SEED,
    DEMO_YEAR,
    build_demo_year,
    committed_demo_year,
    demo_inputs,
    demo_year_path,
    write_demo_year,
)
from jru_geo.errors import DataFileError
from jru_geo.settings import BNG, DEFAULT_SETTINGS, Settings

REBUILD = "the committed demo year is stale: rebuild it with `PYTHONPATH=. python scripts/build_demo.py`"


@pytest.fixture(scope="module")
def generated() -> gpd.GeoDataFrame:
    return build_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, settings=DEFAULT_SETTINGS)


def _copy(tmp_path: Path) -> Settings:
    """A copy of the demo year's inputs and file, so that a test may change one."""
    here = Settings(data_dir=tmp_path)
    for src in (*demo_inputs(DEFAULT_SETTINGS), demo_year_path(DEFAULT_SETTINGS)):
        dst = tmp_path / src.relative_to(DEFAULT_SETTINGS.data_dir)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return here


def test_the_committed_year_is_the_generated_one_exactly(generated: gpd.GeoDataFrame) -> None:
    committed = committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="kent")
    assert committed is not None, REBUILD
    try:
        pd.testing.assert_frame_equal(committed, generated, check_exact=True)
    except AssertionError as exc:
        raise AssertionError(f"{REBUILD}\n{exc}") from None
    assert list(committed.dtypes.astype(str)) == list(generated.dtypes.astype(str)), REBUILD
    assert committed.crs == generated.crs == BNG and committed.geometry.name == generated.geometry.name
    assert committed.geometry.geom_equals_exact(generated.geometry, 0).all(), REBUILD
    assert len(committed) > 10_000


def test_another_seed_year_or_area_is_not_served() -> None:
    assert committed_demo_year(seed=DEMO_SEED + 1, year=DEMO_YEAR, area="kent") is None
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR - 1, area="kent") is None
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="surrey") is None


def test_a_changed_input_file_means_the_year_is_generated_again(tmp_path: Path) -> None:
    here = _copy(tmp_path)
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="kent", settings=here) is not None
    calibration = here.demo_dir / "demo_calibration.json"
    meta = json.loads(calibration.read_text(encoding="utf-8"))
    calibration.write_text(json.dumps({**meta, "shrink": 0.5}), encoding="utf-8")
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="kent", settings=here) is None
    calibration.unlink()
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="kent", settings=here) is None


def test_writing_is_byte_for_byte_repeatable(tmp_path: Path, generated: gpd.GeoDataFrame) -> None:
    here = _copy(tmp_path)
    demo_year_path(here).unlink()
    assert committed_demo_year(seed=DEMO_SEED, year=DEMO_YEAR, area="kent", settings=here) is None
    kw = {"seed": DEMO_SEED, "year": DEMO_YEAR, "area": "kent", "settings": here}
    first = write_demo_year(generated, **kw).read_bytes()  # type: ignore[arg-type]
    second = write_demo_year(generated, **kw).read_bytes()  # type: ignore[arg-type]
    assert first == second == demo_year_path(DEFAULT_SETTINGS).read_bytes()
    assert [p.name for p in demo_year_path(here).parent.iterdir() if p.suffix == ".tmp"] == []


def test_frames_that_cannot_round_trip_are_refused(tmp_path: Path) -> None:
    here = _copy(tmp_path)
    points = gpd.GeoDataFrame({"a": [1, 2]}, geometry=gpd.points_from_xy([1.0, 2.0], [3.0, 4.0]), crs=BNG)
    with pytest.raises(DataFileError, match="must be in EPSG:27700"):
        write_demo_year(points.to_crs(4326), seed=1, year=2025, area="kent", settings=here)
    lines = points.set_geometry([shapely.LineString([(0, 0), (1, 1)])] * 2, crs=BNG)
    with pytest.raises(DataFileError, match="must all be points"):
        write_demo_year(lines, seed=1, year=2025, area="kent", settings=here)
    mixed = points.assign(b=pd.Series([None, float("nan")], dtype=object))
    with pytest.raises(DataFileError, match="'b' mixes missing-value markers"):
        write_demo_year(mixed, seed=1, year=2025, area="kent", settings=here)
