"""The placement objective (MCLP or MEXCLP), its value and the gain of each pick."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from jru_geo.errors import PlacementError

__all__ = ["PlacementError", "Objective"]

Objective = Literal["mclp", "mexclp"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# ---------------------------------------------------------------------------------------------
# the objective on cover counts


def _value(counts: NDArray[np.int64], objective: Objective, q: float) -> FloatArray:
    """Per-demand value ``f(count)``: covered at all (MCLP) or ``1 - q**count`` (MEXCLP)."""
    if objective == "mclp":
        return (counts > 0).astype(np.float64)
    return 1.0 - np.power(q, counts.astype(np.float64))


def _total(w: FloatArray, counts: NDArray[np.int64], objective: Objective, q: float) -> float:
    return float(w @ _value(counts, objective, q))


def _gains(
    cover_f: FloatArray, w: FloatArray, counts: NDArray[np.int64], objective: Objective, q: float
) -> FloatArray:
    """Gain of adding each candidate to vehicles with per-demand cover ``counts``."""
    step = w * (_value(counts + 1, objective, q) - _value(counts, objective, q))
    return step @ cover_f  # type: ignore[no-any-return]


def _counts_with(
    cover_i: NDArray[np.int64], counts0: NDArray[np.int64], picks: list[int]
) -> NDArray[np.int64]:
    return counts0 + cover_i[:, picks].sum(axis=1) if picks else counts0.copy()
