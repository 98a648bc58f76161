"""From geodata to numbers for the optimiser: the candidate grid and the demand points.

:mod:`jru_geo.optimise.placement` works on a travel matrix and weights only; this module builds its
inputs from the Kent geography. The matrix between the two, demand points by candidate sites, is
:func:`jru_geo.model.travel.matrix.travel_matrix`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jru_geo._crs import to_bng
from jru_geo._validate import require_columns
from jru_geo.io.boundaries import load_candidate_sites, load_postcodes
from jru_geo.io.sites import town_labels
from jru_geo.optimise._objective import FloatArray, PlacementError
from jru_geo.settings import BNG

__all__ = ["NEAR_M", "candidate_grid", "demand_points", "grid_cells", "place_names"]

NEAR_M = 5000.0
"""A site is named after a postcode only when the postcode's centroid lies within this distance."""


# ---------------------------------------------------------------------------------------------
# geodata side


def place_names(
    easting: FloatArray,
    northing: FloatArray,
    *,
    towns: pd.DataFrame,
    postcodes: pd.DataFrame,
    near_m: float = NEAR_M,
) -> list[str]:
    """Name points by their nearest town and postcode, like ``"near Sittingbourne (ME10 3AB)"``.

    A point with no postcode centroid within ``near_m`` (or when either table is empty) keeps a
    grid name, ``"grid 551500 165500"``. Names are unique: a repeat gets ``" #2"``, ``" #3"``...

    Parameters
    ----------
    easting, northing
        The points, metres in EPSG:27700.
    towns
        ``name, easting, northing`` (the maps' town labels,
        :func:`jru_geo.io.sites.town_labels`).
    postcodes
        ``postcode, easting, northing`` (:func:`jru_geo.io.boundaries.load_postcodes`).
    near_m
        Farthest postcode centroid a name may use, metres.

    Returns
    -------
    list of str
        One unique name per point, in the order given.

    Examples
    --------
    >>> towns = pd.DataFrame({"name": ["Ashford"], "easting": [0.0], "northing": [0.0]})
    >>> pcs = pd.DataFrame({"postcode": ["TN23 1AB"], "easting": [10.0], "northing": [0.0]})
    >>> place_names(np.array([0.0, 5.0, 9e6]), np.array([0.0, 0.0, 0.0]), towns=towns, postcodes=pcs)
    ['near Ashford (TN23 1AB)', 'near Ashford (TN23 1AB) #2', 'grid 9000000 0']
    """
    require_columns(
        towns,
        ["name", "easting", "northing"],
        what="towns",
        fix="pass jru_geo.io.sites.town_labels(load_candidate_sites())",
        plural=True,
        error=PlacementError,
    )
    require_columns(
        postcodes,
        ["postcode", "easting", "northing"],
        what="postcodes",
        fix="pass jru_geo.io.boundaries.load_postcodes()",
        plural=True,
        error=PlacementError,
    )
    xy = np.column_stack([np.asarray(easting, dtype=float), np.asarray(northing, dtype=float)])
    names = [f"grid {x:.0f} {y:.0f}" for x, y in xy]
    if len(xy) and len(towns) and len(postcodes):
        from scipy.spatial import cKDTree  # 0.3 s to import: only when grid sites are named

        pc_dist, pc_at = cKDTree(postcodes[["easting", "northing"]].to_numpy(float)).query(xy)
        _, town_at = cKDTree(towns[["easting", "northing"]].to_numpy(float)).query(xy)
        pc_names = postcodes["postcode"].astype(str).to_numpy()
        town_names = towns["name"].astype(str).to_numpy()
        names = [
            f"near {town_names[t]} ({pc_names[p]})" if d <= near_m else g
            for g, d, p, t in zip(names, pc_dist, pc_at, town_at, strict=True)
        ]
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    """Make names unique, numbering each repeat ``" #2"``, ``" #3"``... in order."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def grid_cells(outline: gpd.GeoDataFrame, *, cell_m: float = 1000) -> tuple[FloatArray, FloatArray]:
    """Give the centres of the national-grid cells whose centre lies inside ``outline``.

    Parameters
    ----------
    outline
        Area to fill; reprojected to EPSG:27700 when in another CRS.
    cell_m
        Cell size in metres; cells are aligned to multiples of ``cell_m`` in EPSG:27700.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Eastings and northings (metres) of the centres, ordered by northing then easting.

    Raises
    ------
    PlacementError
        ``cell_m`` not a positive number, or an ``outline`` without a CRS or empty.
    """
    if not np.isfinite(cell_m) or cell_m <= 0:
        raise PlacementError(f"cell_m must be a positive number of metres, got {cell_m!r}")
    outline = to_bng(outline, what="outline", error=PlacementError)
    if outline.empty:
        raise PlacementError("outline is empty; pass the area to fill, e.g. load_outline()")
    area = shapely.union_all(outline.geometry.to_numpy())
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(np.floor(minx / cell_m), np.ceil(maxx / cell_m)) * cell_m + cell_m / 2
    ys = np.arange(np.floor(miny / cell_m), np.ceil(maxy / cell_m)) * cell_m + cell_m / 2
    mx, my = np.meshgrid(xs, ys)
    shapely.prepare(area)
    inside = shapely.contains_xy(area, mx.ravel(), my.ravel())
    return mx.ravel()[inside], my.ravel()[inside]


def candidate_grid(
    outline: gpd.GeoDataFrame,
    *,
    cell_m: float = 1000,
    towns: pd.DataFrame | None = None,
    postcodes: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Place candidate bases at the centres of the national-grid cells inside ``outline``.

    A cell is a candidate when its centre lies inside ``outline``. Each is named by its nearest
    town and postcode (:func:`place_names`).

    Parameters
    ----------
    outline
        Area to fill (for example :func:`jru_geo.io.boundaries.load_outline`); reprojected to
        EPSG:27700 when in another CRS.
    cell_m
        Cell size in metres; cells are aligned to multiples of ``cell_m`` in EPSG:27700.
    towns, postcodes
        Tables for :func:`place_names`; default the maps' town labels of the shipped police
        stations and the committed Kent postcodes.

    Returns
    -------
    GeoDataFrame
        ``name, easting, northing, geometry`` (points, EPSG:27700), ordered by northing then
        easting. ``name`` is like ``"near Sittingbourne (ME10 3AB)"``, or ``"grid 551500 165500"``
        with no postcode within :data:`NEAR_M`.

    Raises
    ------
    PlacementError
        ``cell_m`` not a positive number, or an ``outline`` without a CRS or empty.
    """
    gx, gy = grid_cells(outline, cell_m=cell_m)
    names = place_names(
        gx,
        gy,
        towns=town_labels(load_candidate_sites()) if towns is None else towns,
        postcodes=load_postcodes() if postcodes is None else postcodes,
    )
    return gpd.GeoDataFrame(
        {"name": names, "easting": gx, "northing": gy},
        geometry=gpd.points_from_xy(gx, gy),
        crs=BNG,
    )


def demand_points(
    lsoas: pd.DataFrame, *, incidents: pd.DataFrame | None = None
) -> tuple[FloatArray, FloatArray]:
    """Put demand points at LSOA centroids, weighted by incidents per LSOA (or by population).

    Parameters
    ----------
    lsoas
        One row per LSOA with ``lsoa_code, centroid_e, centroid_n`` (and ``population`` when
        ``incidents`` is None), as from :func:`jru_geo.io.boundaries.load_lsoas`.
    incidents
        Incidents with an ``lsoa_code`` column (joined to LSOAs). Incidents whose code is
        missing or not in ``lsoas`` are not counted. When None, weights are the population.

    Returns
    -------
    xy : ndarray
        ``(n_lsoa, 2)`` easting, northing in metres, in the order of ``lsoas``.
    weights : ndarray
        ``(n_lsoa,)`` incident count (or population) per LSOA, 0 where none.

    Raises
    ------
    PlacementError
        ``lsoas`` or ``incidents`` lack the columns needed.
    """
    need = ["lsoa_code", "centroid_e", "centroid_n"] + (["population"] if incidents is None else [])
    require_columns(
        lsoas,
        need,
        what="lsoas",
        fix=f"pass jru_geo.io.boundaries.load_lsoas() or a table with {need}",
        error=PlacementError,
    )
    xy = lsoas[["centroid_e", "centroid_n"]].to_numpy(dtype=np.float64)
    if incidents is None:
        weights = lsoas["population"].to_numpy(dtype=np.float64)
    else:
        if "lsoa_code" not in incidents.columns:
            raise PlacementError(
                f"incidents lack an 'lsoa_code' column (columns: {list(incidents.columns)}); "
                "join them to LSOAs first"
            )
        counts = incidents["lsoa_code"].value_counts()
        weights = lsoas["lsoa_code"].map(counts).fillna(0).to_numpy(dtype=np.float64)
    return xy, weights
