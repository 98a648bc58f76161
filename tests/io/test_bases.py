"""Resolving bases: postcodes looked up in a table read once per version of its file."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from jru_geo.errors import ScenarioError
from jru_geo.io import bases
from jru_geo.io.bases import _default_postcodes, resolve_bases
from jru_geo.io.scenario_files import parse_scenario
from jru_geo.settings import Settings

SHIFT = [{"days": ["Mon"], "start": "08:00", "end": "16:00"}]


def _settings(tmp_path: Path, rows: str) -> tuple[Settings, Path]:
    settings = Settings(data_dir=tmp_path)
    settings.sites_dir.mkdir(parents=True, exist_ok=True)
    path = settings.sites_dir / "kent_postcodes.csv"
    path.write_text("postcode,easting,northing,district_code\n" + rows, encoding="utf-8")
    return settings, path


def test_the_table_is_read_once_and_each_caller_gets_its_own_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = _settings(tmp_path, "ME7 1NE,577000,168000,E06000035\n")
    reads: list[Settings] = []
    real = bases.load_postcodes

    def counting(*, settings: Settings) -> pd.DataFrame:
        reads.append(settings)
        return real(settings=settings)

    monkeypatch.setattr(bases, "load_postcodes", counting)
    first = _default_postcodes(settings)
    first.loc["ME71NE", "easting"] = 0
    first["district_code"] = "changed"
    second = _default_postcodes(settings)
    assert len(reads) == 1
    assert second.loc["ME71NE", "easting"] == 577000
    assert second.loc["ME71NE", "district_code"] == "E06000035"


def test_a_rebuilt_table_is_read_again(tmp_path: Path) -> None:
    settings, path = _settings(tmp_path, "ME7 1NE,577000,168000,E06000035\n")
    assert _default_postcodes(settings).loc["ME71NE", "northing"] == 168000
    path.write_text(
        "postcode,easting,northing,district_code\nME7 1NE,577000,169999,E06000035\n", encoding="utf-8"
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _default_postcodes(settings).loc["ME71NE", "northing"] == 169999


def test_postcode_and_coordinate_bases_resolve_in_vehicle_order() -> None:
    table = pd.DataFrame(
        {"postcode": ["ME7 1NE", "CT1 3JQ"], "easting": [577000, 615000], "northing": [168000, 157000]},
        index=pd.Index(["ME71NE", "CT13JQ"], name="key"),
    )
    scenario = parse_scenario(
        {
            "name": "mixed",
            "vehicles": [
                {"id": "A", "name": "A", "base": {"postcode": "ct1 3jq"}, "shifts": SHIFT},
                {"id": "B", "name": "B", "base": {"easting": 600001, "northing": 150002}, "shifts": SHIFT},
                {"id": "C", "name": "C", "base": {"postcode": "ME7 1NE"}, "shifts": SHIFT},
            ],
        }
    )
    got = resolve_bases(scenario, postcodes=table)
    assert list(zip(got.geometry.x, got.geometry.y, strict=True)) == [
        (615000.0, 157000.0),
        (600001.0, 150002.0),
        (577000.0, 168000.0),
    ]


def test_an_unknown_postcode_names_the_vehicle() -> None:
    table = pd.DataFrame(
        {"postcode": ["ME7 1NE"], "easting": [577000], "northing": [168000]},
        index=pd.Index(["ME71NE"], name="key"),
    )
    scenario = parse_scenario(
        {
            "name": "one",
            "vehicles": [
                {"id": "A", "name": "Alpha", "base": {"postcode": "ME7 1NE"}, "shifts": SHIFT},
                {"id": "B", "name": "Bravo", "base": {"postcode": "TN1 1AA"}, "shifts": SHIFT},
            ],
        }
    )
    with pytest.raises(ScenarioError, match=r"vehicle 'B' \(Bravo\): postcode 'TN1 1AA' is not in"):
        resolve_bases(scenario, postcodes=table)
