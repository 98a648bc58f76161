"""The fleet as arrays: vehicles, bases, targets, reach and shifts of a scenario."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

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
) -> _Fleet:
    bases = resolve_bases(scenario, postcodes=postcodes)
    own = np.array([v.target_min for v in scenario.vehicles], dtype=np.float64)
    target = np.full(own.size, float(target_min)) if target_min is not None else own
    reach = np.full(own.size, float(reach_min)) if reach_min is not None else own
    minute_on, slot_on = _slot_on_shift(scenario, slot_min)
    return _Fleet(bases=bases, target=target, reach=reach, minute_on=minute_on, slot_on=slot_on)
