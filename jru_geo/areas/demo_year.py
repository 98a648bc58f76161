"""Kent's default demo year, generated and joined once by ``scripts/build_demo.py`` and committed.

The app opens on a synthetic year of Kent incidents (:func:`jru_geo.io.demo.demo_incidents`, seed
2025, year 2025), joined to districts and LSOAs (:func:`jru_geo.areas.join.assign_areas`).
Generating and joining it took about 0.75 s of every fresh server's first page; reading the
committed Parquet file takes a few hundredths of that. The file records what it was built from:
the seed, the year, the area and a SHA-256 of every input file the generator and the join read.
:func:`committed_demo_year` gives the frame only when the request is that one and the inputs on
disk still hash the same; otherwise None, and the caller generates as before. A test regenerates
the year and compares it with the file, cell for cell, so a change to the generator without a
rebuild fails the tests.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jru_geo.errors import DataFileError
from jru_geo.io._atomic import write_bytes_atomic
from jru_geo.settings import BNG, DEFAULT_SETTINGS, Settings

__all__ = [
    "DEMO_SEED",
    "DEMO_YEAR",
    "build_demo_year",
    "committed_demo_year",
    "demo_inputs",
    "demo_year_path",
    "write_demo_year",
]

DEMO_SEED = 2025
DEMO_YEAR = 2025
_KEY = b"jru_geo_demo_year"
_X, _Y = "_easting", "_northing"
_NULLS = {"NA": pd.NA, "nan": np.nan, "None": None}


def build_demo_year(
    *,
    seed: int = DEMO_SEED,
    year: int = DEMO_YEAR,
    settings: Settings = DEFAULT_SETTINGS,
    lsoas: gpd.GeoDataFrame | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Generate a demo year for the area and join it to its districts and LSOAs.

    Parameters
    ----------
    seed, year
        Of :func:`jru_geo.io.demo.demo_incidents`.
    settings
        The area (its LSOAs, districts and demo parameters).
    lsoas, districts
        The area's, when already loaded (:func:`jru_geo.io.boundaries.load_lsoas`, ``load_districts``).

    Returns
    -------
    GeoDataFrame
        :func:`jru_geo.areas.join.assign_areas` of the generated incidents.
    """
    from jru_geo.areas import join  # scipy.spatial: only when a year is generated
    from jru_geo.io import boundaries, demo

    lsoas = boundaries.load_lsoas(settings=settings)
    incidents = demo.demo_incidents(
        lsoas, seed=seed, year=year, params=demo.demo_parameters(settings=settings)
    )
    return join.assign_areas(incidents, boundaries.load_districts(settings=settings), lsoas)


def demo_year_path(settings: Settings = DEFAULT_SETTINGS) -> Path:
    """Path of the area's committed demo year (``data/demo/kent_demo_year.parquet`` for Kent)."""
    return settings.area_file("demo", "demo_year.parquet")


def demo_inputs(settings: Settings = DEFAULT_SETTINGS) -> list[Path]:
    """Files the demo year is made from: the LSOAs and districts (join), the demo's calibration."""
    return [
        settings.area_file("boundaries", "lsoas.geojson"),
        settings.area_file("boundaries", "districts.geojson"),
        settings.area_file("demo", "lsoa_demand_weights.csv"),
        settings.demo_dir / "demo_calibration.json",
    ]


def _digests(settings: Settings) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in demo_inputs(settings)}


def _null_kind(values: pd.Series, name: str) -> str | None:
    """How an object column marks a missing value (``NA``, ``nan`` or ``None``), None if it has none."""
    kinds = {
        "NA" if v is pd.NA else "None" if v is None else "nan"
        for v in values
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
    }
    if len(kinds) > 1:
        raise DataFileError(
            f"column {name!r} mixes missing-value markers {sorted(kinds)}; cannot store it exactly"
        )
    return kinds.pop() if kinds else None


def write_demo_year(
    frame: gpd.GeoDataFrame, *, seed: int, year: int, area: str, settings: Settings = DEFAULT_SETTINGS
) -> Path:
    """Write a joined demo year to :func:`demo_year_path`, atomically, with what it was built from.

    Parameters
    ----------
    frame
        The joined incidents (points, EPSG:27700, a plain ``RangeIndex``).
    seed, year, area
        What it was generated for.
    settings
        The area whose inputs are hashed and whose ``demo`` folder receives the file.

    Returns
    -------
    Path
        The file written (byte-identical for the same frame and inputs).

    Raises
    ------
    DataFileError
        A frame not in EPSG:27700, not all points, or with a column that cannot round-trip exactly.
    """
    if frame.crs is None or not frame.crs.equals(BNG):
        raise DataFileError(f"the demo year must be in {BNG}, got {frame.crs}")
    if not (frame.geometry.geom_type == "Point").all():
        raise DataFileError("the demo year's geometries must all be points")
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table[_X], table[_Y] = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    columns = {
        str(c): {
            "dtype": str(frame[c].dtype),
            "null": _null_kind(frame[c], str(c)) if frame[c].dtype == object else None,
        }
        for c in frame.columns
        if c != frame.geometry.name
    }
    meta = {
        "seed": int(seed),
        "year": int(year),
        "area": area,
        "inputs": _digests(settings),
        "columns": columns,
        "order": [str(c) for c in frame.columns],
        "geometry": str(frame.geometry.name),
    }
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({_KEY: json.dumps(meta, sort_keys=True).encode("utf-8")})
    buf = io.BytesIO()
    pq.write_table(arrow, buf, compression="zstd")
    path = demo_year_path(settings)
    write_bytes_atomic(buf.getvalue(), path)
    return path


def committed_demo_year(
    *, seed: int, year: int, area: str, settings: Settings = DEFAULT_SETTINGS
) -> gpd.GeoDataFrame | None:
    """Read the committed demo year when it is the one asked for and its inputs are unchanged.

    Parameters
    ----------
    seed, year, area
        The demo year wanted.
    settings
        The area's files.

    Returns
    -------
    GeoDataFrame or None
        Exactly the frame :func:`write_demo_year` was given (dtypes and missing values included), or
        None: no file, another seed, year or area, or an input file that no longer hashes the same.
    """
    path = demo_year_path(settings)
    if not path.is_file():
        return None
    raw = (pq.read_schema(path).metadata or {}).get(_KEY)
    if raw is None:
        return None
    meta = json.loads(raw)
    if (meta["seed"], meta["year"], meta["area"]) != (seed, year, area):
        return None
    try:
        if meta["inputs"] != _digests(settings):
            return None
    except OSError:
        return None
    table = pq.read_table(path).to_pandas()
    geometry = gpd.points_from_xy(table.pop(_X).to_numpy(), table.pop(_Y).to_numpy(), crs=BNG)
    for name, spec in meta["columns"].items():
        column = table[name].astype(spec["dtype"])
        if spec["null"] is not None:
            values = column.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = _NULLS[spec["null"]]
            column = pd.Series(values, index=column.index, dtype=object, name=name)
        table[name] = column
    table[meta["geometry"]] = geometry
    return gpd.GeoDataFrame(table[meta["order"]], geometry=meta["geometry"], crs=BNG)
