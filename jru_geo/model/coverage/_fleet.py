"""The fleet as arrays: vehicles, bases, targets, reach and shifts of a scenario."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from jru_geo.errors import CoverageError
from jru_geo.io.bases import resolve_bases
from jru_geo.io.scenario import Scenario
from jru_geo.model.coverage.result import BoolArray, FloatArray
from jru_geo.model.coverage.timing import _slot_on_shift

__all__ = []

# --------------------------------------------------------------------------------------------------
# Main computation


@dataclass(frozen=True)
class _Fleet:
    bases: gpd.GeoDataFrame
    target: FloatArray
    reach: FloatArray
    minute_on: BoolArray
    slot_on: BoolArray


def _fleet(
    scenario: Scenario,
    postcodes: pd.DataFrame | None,
    target_min: float | None,
    reach_min: float | None,
    slot_min: int,
    bases: gpd.GeoDataFrame | None = None,
) -> _Fleet:
    """Resolve the fleet's bases (unless given) and put its targets, reach and shifts in arrays."""
    bases = resolve_bases(scenario, postcodes=postcodes) if bases is None else _check_bases(bases, scenario)
    own = np.array([v.target_min for v in scenario.vehicles], dtype=np.float64)
    target = np.full(own.size, float(target_min)) if target_min is not None else own
    reach = np.full(own.size, float(reach_min)) if reach_min is not None else own
    minute_on, slot_on = _slot_on_shift(scenario, slot_min)
    return _Fleet(bases=bases, target=target, reach=reach, minute_on=minute_on, slot_on=slot_on)


def _check_bases(bases: gpd.GeoDataFrame, scenario: Scenario) -> gpd.GeoDataFrame:
    """Return injected ``bases`` when they are one row per vehicle of ``scenario``, in its order."""
    ids = [v.id for v in scenario.vehicles]
    if not isinstance(bases, gpd.GeoDataFrame) or len(bases) != len(ids):
        got = f"{len(bases)} rows" if isinstance(bases, gpd.GeoDataFrame) else type(bases).__name__
        raise CoverageError(
            f"bases must be a GeoDataFrame with one row per vehicle of scenario {scenario.name!r} "
            f"({len(ids)}), got {got}; pass jru_geo.io.bases.resolve_bases(scenario) or leave bases=None"
        )
    if "vehicle_id" not in bases.columns or bases["vehicle_id"].astype(str).tolist() != ids:
        have = bases["vehicle_id"].astype(str).tolist() if "vehicle_id" in bases.columns else None
        raise CoverageError(
            f"bases' vehicle_id column must list scenario {scenario.name!r}'s vehicles in order {ids}, "
            f"got {have}; pass jru_geo.io.bases.resolve_bases(scenario) or leave bases=None"
        )
    return bases
