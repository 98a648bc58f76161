"""Candidate sites for a new unit: the embedded Kent police stations and hospitals, or a user's CSV."""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jru_geo._crs import bng_to_lonlat, in_gb_grid, lonlat_to_bng
from jru_geo._validate import require_columns
from jru_geo.errors import CandidatesFileError
from jru_geo.io.bases import _lookup_postcode
from jru_geo.io.boundaries import load_candidate_sites, load_postcodes, normalise_postcode
from jru_geo.io.scenario_files import _read_source
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = ["read_candidates", "default_candidates", "town_labels", "MAX_CANDIDATES", "area_towns"]

MAX_CANDIDATES = 5000
"""Most rows a candidate-sites file may have (each is screened under every pattern)."""

# --------------------------------------------------------------------------------------------------
# Candidate sites

_CANDIDATE_COLUMNS = ["name", "lat", "lon", "easting", "northing", "kind"]
_COLUMN_ALIASES = {
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "x": "easting",
    "y": "northing",
    "site": "name",
}


def _number(text: str, *, name: str, row: int, field: str, example: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise CandidatesFileError(
            f"{name}: row {row} (line {row + 1}), field {field}: got {text!r}, not a number; "
            f"give a number, e.g. {example}"
        )
    return value


def _candidate_point(
    record: Mapping[str, str],
    *,
    mode: str,
    name: str,
    row: int,
    postcodes: pd.DataFrame | None,
) -> tuple[float, float, float, float]:
    """(easting, northing, lat, lon) of one CSV row."""
    where = f"{name}: row {row} (line {row + 1})"
    if mode == "latlon":
        lat = _number(record["lat"], name=name, row=row, field="lat", example="51.27")
        lon = _number(record["lon"], name=name, row=row, field="lon", example="0.52")
        if not -90 <= lat <= 90:
            raise CandidatesFileError(
                f"{where}, field lat: got {lat}, outside -90..90; give WGS84 degrees and check lat and lon "
                "are not swapped"
            )
        e_arr, n_arr = lonlat_to_bng(np.array([lon]), np.array([lat]))
        if not in_gb_grid(e_arr, n_arr)[0]:
            raise CandidatesFileError(
                f"{where}, fields lat/lon: got lat={lat}, lon={lon}, outside Great Britain; give WGS84 "
                "degrees in Great Britain (Kent is near lat 51.3, lon 0.9)"
            )
        return float(e_arr[0]), float(n_arr[0]), lat, lon
    if mode == "grid":
        e = _number(record["easting"], name=name, row=row, field="easting", example="577349")
        n = _number(record["northing"], name=name, row=row, field="northing", example="169462")
        if not in_gb_grid(np.array([e]), np.array([n]))[0]:
            raise CandidatesFileError(
                f"{where}, fields easting/northing: got {e}, {n}, outside Great Britain's National Grid "
                "(0-700000, 0-1300000 metres); give EPSG:27700 metres"
            )
        return (e, n, *_lat_lon(e, n))
    postcode = record["postcode"]
    point = _lookup_postcode(postcode, postcodes if postcodes is not None else load_postcodes())
    if point is None:
        raise CandidatesFileError(
            f"{where}, field postcode: got {postcode!r}, not in the area's postcode table; check it or give "
            "lat and lon instead"
        )
    return (*point, *_lat_lon(*point))


def _lat_lon(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = bng_to_lonlat(np.array([easting]), np.array([northing]))
    return round(float(lat[0]), 6), round(float(lon[0]), 6)


def _candidate_mode(columns: Sequence[str], name: str) -> str:
    if "lat" in columns and "lon" in columns:
        return "latlon"
    if "easting" in columns and "northing" in columns:
        return "grid"
    if "postcode" in columns:
        return "postcode"
    raise CandidatesFileError(
        f"{name}: no location columns (found {', '.join(columns) or 'none'}); give a header "
        "name,lat,lon (or name,easting,northing or name,postcode)"
    )


def read_candidates(
    source: str | os.PathLike[str] | tuple[str, bytes], *, postcodes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read a user's candidate sites for new bases.

    Parameters
    ----------
    source
        A path, or ``(file name, bytes)`` for an upload: CSV with a header ``name,lat,lon``
        (WGS84 degrees), or ``name,easting,northing`` (EPSG:27700), or ``name,postcode``. Header names
        are case-insensitive; ``latitude``/``longitude`` are accepted. An empty name becomes
        ``"candidate N"``.
    postcodes
        Postcode table for ``postcode`` files (loaded when needed if omitted).

    Returns
    -------
    DataFrame
        ``name, lat, lon, easting, northing, kind`` with ``kind == "user"``, one row per CSV row.

    Raises
    ------
    CandidatesFileError
        The file cannot be read, or a row has a bad value; the message names the file, the row (data
        rows count from 1, the header is line 1) and the field.
    """
    name, text = _read_source(source, error=CandidatesFileError)
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip("\r\n") else ""
    header = next(csv.reader([first_line]), [])
    raw_columns = [_COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in header]
    repeated = sorted({c for c in raw_columns if raw_columns.count(c) > 1})
    if repeated:
        raise CandidatesFileError(
            f"{name}: line 1 repeats the column(s) {', '.join(repeated)} (header {', '.join(header)}); "
            "give each column once, e.g. name,lat,lon"
        )
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise CandidatesFileError(
            f"{name}: not a readable CSV ({first_line}); give a header name,lat,lon"
        ) from None
    columns = [_COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in table.columns]
    table.columns = pd.Index(columns)
    if len(set(columns)) != len(columns):
        raise CandidatesFileError(f"{name}: repeated column names {columns}; give each column once")
    if "name" not in columns:
        raise CandidatesFileError(
            f"{name}: no name column (found {', '.join(columns)}); give a header name,lat,lon"
        )
    mode = _candidate_mode(columns, name)
    if table.empty:
        raise CandidatesFileError(f"{name}: no candidate rows under the header; add one site per line")
    if len(table) > MAX_CANDIDATES:
        raise CandidatesFileError(
            f"{name}: {len(table):,} candidate sites, over the limit of {MAX_CANDIDATES:,}; keep the "
            "likeliest sites (or use --sites grid for a 1 km grid over Kent)"
        )
    if mode == "postcode" and postcodes is None:
        postcodes = load_postcodes()
    points: list[tuple[float, float, float, float]] = []
    names: list[str] = []
    for row, record in enumerate(table.to_dict(orient="records"), start=1):
        clean = {str(k): str(v).strip() for k, v in record.items()}
        points.append(_candidate_point(clean, mode=mode, name=name, row=row, postcodes=postcodes))
        names.append(clean["name"] or f"candidate {row}")
    xy = np.array(points, dtype=float)
    return _candidate_frame(names, xy[:, 0], xy[:, 1], lat=xy[:, 2], lon=xy[:, 3], kind="user")


def _candidate_frame(
    names: Sequence[str],
    easting: np.ndarray,
    northing: np.ndarray,
    *,
    lat: np.ndarray,
    lon: np.ndarray,
    kind: str | Sequence[str],
) -> pd.DataFrame:
    kinds = [kind] * len(names) if isinstance(kind, str) else list(kind)
    return pd.DataFrame(
        {
            "name": pd.Series(list(names), dtype="string"),
            "lat": np.asarray(lat, float),
            "lon": np.asarray(lon, float),
            "easting": np.asarray(easting, float),
            "northing": np.asarray(northing, float),
            "kind": pd.Series(kinds, dtype="string"),
        }
    )


def default_candidates(*, in_kent_only: bool = True, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Load the shipped candidate bases: Kent police stations and acute hospitals.

    Parameters
    ----------
    in_kent_only
        Drop the hospitals outside the area (for Kent: Brighton, Worthing, ...) that the site table
        carries for travel-time context (column ``in_kent`` in Kent's table, ``in_area`` in a built
        area's).
    settings
        Where the data lives.

    Returns
    -------
    DataFrame
        ``name, lat, lon, easting, northing, kind, postcode``; ``kind`` is ``police_station`` or
        ``acute_hospital``.
    """
    sites = load_candidate_sites(settings=settings)
    if in_kent_only:
        inside = sites["in_area"] if "in_area" in sites.columns else sites["in_kent"]
        sites = sites[inside.astype(bool)]
    frame = _candidate_frame(
        sites["name"].astype(str).tolist(),
        sites["easting"].to_numpy(float),
        sites["northing"].to_numpy(float),
        lat=sites["lat"].to_numpy(float),
        lon=sites["lon"].to_numpy(float),
        kind=sites["kind"].astype(str).tolist(),
    )
    compact = normalise_postcode(sites["postcode"]).tolist()
    return frame.assign(postcode=pd.Series([f"{p[:-3]} {p[-3:]}" for p in compact], dtype="string"))


def town_labels(sites: pd.DataFrame) -> pd.DataFrame:
    """Town names and positions from the candidate-sites table (one per police station).

    ``"Ashford police station"`` gives ``"Ashford"``; a place in brackets wins:
    ``"Medway police station (Gillingham)"`` gives ``"Gillingham"``.

    Parameters
    ----------
    sites
        ``name, kind, easting, northing`` (:func:`jru_geo.io.boundaries.load_candidate_sites`).

    Returns
    -------
    DataFrame
        ``name, easting, northing``, one row per town, sorted by name.
    """
    require_columns(sites, ("name", "kind", "easting", "northing"), what="sites")
    stations = sites[sites["kind"].astype(str) == "police_station"]
    names = stations["name"].astype(str)
    bracket = names.str.extract(r"\(([^)]+)\)")[0]
    plain = names.str.replace(r"\s*police station.*$", "", regex=True, case=False).str.strip()
    town = bracket.fillna(plain)
    out = pd.DataFrame(
        {
            "name": town.to_numpy(),
            "easting": stations["easting"].to_numpy(float),
            "northing": stations["northing"].to_numpy(float),
        }
    )
    return out.drop_duplicates("name").sort_values("name").reset_index(drop=True)


def area_towns(*, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Town labels of the area's maps and site names: ``name, easting, northing``.

    Kent: its police stations' towns (:func:`town_labels`). A built area has no police stations
    (Kent's stay Kent's), so its folder carries ``sites/<key>_towns.csv``: each district's name at
    the centroid of its most populous LSOA (:mod:`jru_geo.io.area_files`).
    """
    path = settings.area_file("sites", "towns.csv")
    if not settings.is_kent and path.is_file():
        towns = pd.read_csv(path, dtype={"name": str})
        return towns[["name", "easting", "northing"]].sort_values("name").reset_index(drop=True)
    return town_labels(load_candidate_sites(settings=settings))
