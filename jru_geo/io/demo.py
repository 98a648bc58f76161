"""A seeded, synthetic year of joint police-ambulance incidents for Kent.

SYNTHETIC DATA. The dashboard opens on it so that it works with no file; every screen that shows it
says so. All parameters live in :class:`DemoParameters`, and their grounds are:

* **Volume**: about 15,000 a year county-wide: the two services call each other about 15,000 times
  a year (SECAmb / Kent Police, public record).
* **Where**: each LSOA's share is its 2011 Census population times a night-time-economy uplift that
  grows with population density (town centres are dense): ``weight = population * (1 + uplift *
  min(density / density_ref, cap))``. Points are placed uniformly at random inside the LSOA polygon.
* **What**: a category mix led by assaults, road traffic collisions and alcohol-related calls, with
  sudden deaths, welfare/mental-health concerns and injuries (the JRU's published case mix). The
  shares are assumptions, not measurements.
* **When**: days uniform over the year; hours from two weekly profiles. Violence and alcohol follow
  a night-time-economy profile that peaks on Friday and Saturday evenings 18:00-02:00; the other
  categories follow a daytime profile with a commuting-hours bump (collisions) and a gentle evening.

``realism="calibrated"`` (opt-in; the app and the command line keep the population model) replaces
the *where* and adds month-to-month variation, from figures derived by ``scripts/calibrate_demo.py``
from real police.uk Kent violence and public-order crime, Jan-Mar 2025 (OGL v3.0), and committed as
``data/demo/``: each LSOA's share is the real LSOA share shrunk towards the population model (by the
fitted ``shrink``), and each month's daily rate is scaled by a seeded log-normal factor whose spread is
the real month-to-month spread of the daily rate. The volume, category mix and weekly time profile
are unchanged. It is still synthetic: no real incident is reproduced, only per-LSOA shares are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jru_geo._crs import to_bng, to_wgs84
from jru_geo.demand_profile import NIGHT_CATEGORIES, _day_profile, _night_profile
from jru_geo.errors import DataFileError, DemoError
from jru_geo.io.categories import CATEGORIES
from jru_geo.settings import BNG, DEFAULT_SETTINGS, Settings

__all__ = [
    "DemoCalibration",
    "DemoParameters",
    "Realism",
    "demo_incidents",
    "demo_parameters",
    "load_demo_calibration",
    "lsoa_weights",
    "top_share",
    "to_generic_csv",
]

Realism = Literal["population", "calibrated"]
"""How the demo places incidents: the population model, or calibrated to real crime."""


@dataclass(frozen=True)
class DemoParameters:
    """Every assumption of the demo generator, in one place.

    Parameters
    ----------
    incidents_per_year
        Expected county-wide total (the realised total is Poisson around it).
    category_shares
        Share of each category code in :data:`jru_geo.io.categories.CATEGORIES`; must sum to 1.
    night_uplift
        Extra weight for dense (town-centre) LSOAs: ``1 + night_uplift * min(density / density_ref, cap)``.
    density_ref_per_km2
        Density at which the uplift reaches ``night_uplift`` (about a busy town centre).
    uplift_cap
        Upper bound of ``density / density_ref``.
    """

    incidents_per_year: float = 15_000
    category_shares: dict[str, float] = field(
        default_factory=lambda: {
            "violence": 0.30,
            "rtc": 0.17,
            "alcohol": 0.20,
            "welfare": 0.14,
            "sudden_death": 0.06,
            "injury_other": 0.13,
        }
    )
    night_uplift: float = 1.5
    density_ref_per_km2: float = 5_000.0
    uplift_cap: float = 2.0

    def __post_init__(self) -> None:
        """Check the shares and rates; raise :class:`~jru_geo.errors.DemoError` if one is invalid."""
        unknown = set(self.category_shares) - set(CATEGORIES)
        if unknown:
            raise DemoError(f"unknown categories {sorted(unknown)}; use codes from {list(CATEGORIES)}")
        total = sum(self.category_shares.values())
        if not np.isclose(total, 1.0):
            raise DemoError(f"category_shares must sum to 1, got {total:.4f}")
        if self.incidents_per_year < 0 or self.night_uplift < 0 or self.density_ref_per_km2 <= 0:
            raise DemoError("incidents_per_year and night_uplift must be >= 0 and density_ref_per_km2 > 0")


def lsoa_weights(lsoas: pd.DataFrame, params: DemoParameters) -> np.ndarray:
    """Share of demand per LSOA: population times the density-driven night-time uplift."""
    density = lsoas["density_per_km2"].to_numpy(dtype=float)
    uplift = 1.0 + params.night_uplift * np.minimum(density / params.density_ref_per_km2, params.uplift_cap)
    w = lsoas["population"].to_numpy(dtype=float) * uplift
    return w / w.sum()


@dataclass(frozen=True)
class DemoCalibration:
    """Figures derived from real crime by ``scripts/calibrate_demo.py`` (``data/demo/``).

    Parameters
    ----------
    weights
        Each LSOA's share of demand, indexed by 2011 LSOA code, summing to 1.
    shrink
        Weight of the population model in ``weights`` (the rest is the real LSOA share).
    month_rate_cv
        Month-to-month coefficient of variation of the real daily rate.
    """

    weights: pd.Series
    shrink: float
    month_rate_cv: float


def load_demo_calibration(*, settings: Settings = DEFAULT_SETTINGS) -> DemoCalibration:
    """Load the committed demo calibration (``data/demo/``).

    Raises
    ------
    DataFileError
        A file is missing: rerun ``python scripts/calibrate_demo.py`` beside ``../shared/data``.
    """
    paths = (
        settings.area_file("demo", "lsoa_demand_weights.csv"),
        settings.demo_dir / "demo_calibration.json",
    )
    for path in paths:
        if not path.exists():
            raise DataFileError(f"{path} is missing: rebuild it with `python scripts/calibrate_demo.py`")
    weights = pd.read_csv(paths[0], dtype={"lsoa_code": str}).set_index("lsoa_code")["weight"]
    meta = json.loads(paths[1].read_text(encoding="utf-8"))
    return DemoCalibration(
        weights=weights / weights.sum(),
        shrink=float(meta["shrink"]),
        month_rate_cv=float(meta["month_rate_cv"]),
    )


def demo_parameters(*, settings: Settings = DEFAULT_SETTINGS) -> DemoParameters:
    """Return the demo's assumptions for the area: Kent's defaults, the yearly total scaled by population.

    A built area's ``demo/demo_calibration.json`` carries ``incidents_per_year`` (Kent's 15,000
    scaled by the area's Census 2011 population, :mod:`jru_geo.io.area_files`); Kent's has none and
    keeps :class:`DemoParameters`' defaults.
    """
    path = settings.demo_dir / "demo_calibration.json"
    if settings.is_kent or not path.is_file():
        return DemoParameters()
    meta = json.loads(path.read_text(encoding="utf-8"))
    total = meta.get("incidents_per_year")
    return DemoParameters() if total is None else DemoParameters(incidents_per_year=float(total))


def top_share(counts: np.ndarray, *, fraction: float = 0.1) -> float:
    """Share of the total held by the busiest ``fraction`` of areas (rounded to whole areas).

    Examples
    --------
    >>> top_share(np.array([5, 1, 1, 1, 1, 1, 0, 0, 0, 0]))
    0.5
    """
    ordered = np.sort(np.asarray(counts, dtype=float))[::-1]
    k = max(1, int(round(len(ordered) * fraction)))
    total = ordered.sum()
    return float(ordered[:k].sum() / total) if total > 0 else 0.0


def _calibrated_weights(lsoas: pd.DataFrame, calibration: DemoCalibration) -> np.ndarray:
    """Return the calibrated shares of ``lsoas`` (renormalised); raise naming LSOAs without one."""
    codes = lsoas["lsoa_code"].astype(str)
    w = calibration.weights.reindex(codes.to_numpy())
    if w.isna().any():
        missing = codes[w.isna().to_numpy()].tolist()
        raise DemoError(
            f"no calibrated weight for LSOAs {missing[:5]} ({len(missing)} in all); "
            'use the embedded Kent LSOAs or realism="population"'
        )
    arr = w.to_numpy(dtype=float)
    return arr / arr.sum()


def _day_weights(rng: np.random.Generator, start: pd.Timestamp, n_days: int, cv: float) -> np.ndarray:
    """Probability of each day of the year: a seeded log-normal factor per month, mean 1."""
    sigma = float(np.sqrt(np.log1p(cv**2)))
    factor = np.exp(rng.normal(0.0, sigma, size=12) - sigma**2 / 2)
    months = (start + pd.to_timedelta(np.arange(n_days), unit="D")).month.to_numpy() - 1
    w = factor[months]
    return w / w.sum()


def demo_incidents(
    lsoas: gpd.GeoDataFrame,
    *,
    seed: int = 2025,
    year: int = 2025,
    params: DemoParameters | None = None,
    realism: Realism = "population",
    calibration: DemoCalibration | None = None,
) -> gpd.GeoDataFrame:
    """Generate one synthetic year of joint-response incidents.

    Parameters
    ----------
    lsoas
        LSOAs with ``population``, ``density_per_km2`` and polygons
        (:func:`jru_geo.io.boundaries.load_lsoas`).
    seed
        Random seed: the same seed, year and parameters always give the same incidents.
    year
        Calendar year of the incident times.
    params
        Generator assumptions; defaults to :class:`DemoParameters`.
    realism
        ``"population"`` (the default, and the app's): population times a density uplift.
        ``"calibrated"``: LSOA shares and month-to-month variation calibrated to real Kent violence
        and public-order crime (see the module notes); ``lsoas`` must be the embedded Kent LSOAs.
    calibration
        The calibrated figures; loaded from ``data/demo/`` when needed and omitted.

    Returns
    -------
    GeoDataFrame
        The incident schema of :mod:`jru_geo.io.incidents` (``incident_id, time, time_precision,
        category, category_original, source_category, source, file, row, geometry``) in EPSG:27700, with
        ``source == "demo"``, sorted by time.

    Raises
    ------
    DemoError
        ``realism`` is unknown, or calibrated weights are missing for some of ``lsoas``.
    """
    if realism not in ("population", "calibrated"):
        raise DemoError(f'realism must be "population" or "calibrated", got {realism!r}')
    params = params or DemoParameters()
    rng = np.random.default_rng(seed)
    lsoas = to_bng(lsoas, what="lsoas")
    n = int(rng.poisson(params.incidents_per_year))
    start = pd.Timestamp(year=year, month=1, day=1)
    n_days = (pd.Timestamp(year=year + 1, month=1, day=1) - start).days
    day_weights: np.ndarray | None = None
    if realism == "calibrated":
        calibration = calibration or load_demo_calibration()
        weights = _calibrated_weights(lsoas, calibration)
        day_weights = _day_weights(rng, start, n_days, calibration.month_rate_cv)
    else:
        weights = lsoa_weights(lsoas, params)

    per_lsoa = rng.multinomial(n, weights)
    points = lsoas.geometry.sample_points(size=per_lsoa, rng=rng)
    xy = shapely.get_coordinates(points[per_lsoa > 0].to_numpy())
    rng.shuffle(xy)

    codes = list(params.category_shares)
    category = rng.choice(codes, size=n, p=[params.category_shares[c] for c in codes])
    times = np.empty(n, dtype="datetime64[s]")
    for is_night in (True, False):
        mask = np.isin(category, NIGHT_CATEGORIES) == is_night
        profile = _night_profile() if is_night else _day_profile()
        times[mask] = _sample_times(rng, int(mask.sum()), profile, start, n_days, day_weights)

    order = np.argsort(times, kind="stable")
    gdf = gpd.GeoDataFrame(
        {
            "incident_id": [f"DEMO-{year}-{i + 1:06d}" for i in range(n)],
            "time": pd.to_datetime(times[order]),
            "time_precision": "minute",
            "category": category[order],
            "category_original": [CATEGORIES[c] for c in category[order]],
            "source_category": [CATEGORIES[c] for c in category[order]],
            "source": "demo",
            "file": f"demo (synthetic, seed {seed})"
            if realism == "population"
            else f"demo (synthetic, calibrated, seed {seed})",
            "row": np.arange(2, n + 2),
        },
        geometry=gpd.points_from_xy(xy[order, 0], xy[order, 1]),
        crs=BNG,
    )
    return gdf


def _sample_times(
    rng: np.random.Generator,
    n: int,
    profile: np.ndarray,
    start: pd.Timestamp,
    n_days: int,
    day_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Draw ``n`` minute-resolution times in the year following ``profile`` over the week.

    Days are uniform, or drawn with ``day_weights`` (one probability per day of the year).
    """
    if day_weights is None:
        day = rng.integers(0, n_days, size=n)
    else:
        day = rng.choice(n_days, size=n, p=day_weights)
    day_start = np.datetime64(start.to_datetime64(), "D") + day
    weekday = (day_start.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    hour = np.empty(n, dtype=np.int64)
    for d in range(7):
        m = weekday == d
        p = profile[d * 24 : d * 24 + 24]
        hour[m] = rng.choice(24, size=int(m.sum()), p=p / p.sum())
    minute = rng.integers(0, 60, size=n)
    return day_start.astype("datetime64[s]") + (hour * 3600 + minute * 60).astype("timedelta64[s]")


def to_generic_csv(incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Lay the demo incidents out as JRU Geo's generic CAD CSV.

    Returns
    -------
    DataFrame
        ``incident_id, datetime (YYYY-MM-DD HH:MM), category (label), latitude, longitude``
        (WGS84, 6 decimals, about 0.1 m), which :func:`jru_geo.io.incidents.read_incidents` reads back.
    """
    wgs = to_wgs84(incidents.geometry, what="incidents")
    return pd.DataFrame(
        {
            "incident_id": incidents["incident_id"].to_numpy(),
            "datetime": pd.to_datetime(incidents["time"]).dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "category": incidents["category_original"].to_numpy(),
            "latitude": np.round(wgs.y.to_numpy(), 6),
            "longitude": np.round(wgs.x.to_numpy(), 6),
        }
    )
