"""Input checks and array types shared by the queueing models."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from jru_geo.errors import QueueingError

__all__ = ["EXACT_MAX_VEHICLES", "Method", "check_preference"]

EXACT_MAX_VEHICLES = 10
"""Largest fleet (or, over a week of shifts, group of vehicles sharing calls) solved exactly (2**10 =
1,024 states); larger ones use Larson's approximation."""

Method = Literal["auto", "exact", "approx"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------------------------------------
# Input checks


def check_preference(preference: object, n_vehicles: int) -> IntArray:
    """Return ``preference`` as an ``(m, n)`` int64 array of vehicle indices padded with ``-1``.

    Raises
    ------
    ValueError
        Wrong shape, an index out of range, a repeated vehicle, or a ``-1`` before a vehicle.
    """
    pref = np.asarray(preference)
    if pref.ndim != 2 or (pref.size and pref.shape[1] > n_vehicles):
        raise QueueingError(
            f"preference must be an (m, k) integer array with k <= n_vehicles={n_vehicles} (vehicle "
            f"indices padded with -1), got shape {pref.shape}"
        )
    if pref.size and not np.issubdtype(pref.dtype, np.integer):
        raise QueueingError(f"preference must hold integer vehicle indices, got dtype {pref.dtype}")
    pref = pref.astype(np.int64).reshape(pref.shape[0], -1)
    if pref.size and ((pref < -1).any() or (pref >= n_vehicles).any()):
        raise QueueingError(
            f"preference holds vehicle indices outside -1..{n_vehicles - 1}: "
            f"{sorted(set(pref[(pref < -1) | (pref >= n_vehicles)].tolist()))}; use -1 for padding"
        )
    padded = pref < 0
    if (padded[:, :-1] & ~padded[:, 1:]).any():
        raise QueueingError("preference has a vehicle after a -1 pad in some row; put the -1 padding last")
    for row in pref:
        listed = row[row >= 0]
        if len(np.unique(listed)) != len(listed):
            raise QueueingError(
                f"preference row {row.tolist()} lists a vehicle twice; list each vehicle once"
            )
    return pref


def _check_rates(name: str, values: object, shape: tuple[int, ...]) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != shape:
        raise QueueingError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise QueueingError(f"{name} must be finite and >= 0 (per hour), got {arr.ravel()[:8].tolist()}...")
    return arr


def _check_service(service_rate_per_hour: object, n: int) -> FloatArray:
    mu = _check_rates("service_rate_per_hour", service_rate_per_hour, (n,))
    if (mu <= 0).any():
        raise QueueingError(
            f"service_rate_per_hour must be > 0 for every vehicle, got {mu.tolist()}; "
            "a rate is 1 / (mean job + travel hours)"
        )
    return mu


def _resolve_method(method: Method, n: int) -> Literal["exact", "approx"]:
    if method not in ("auto", "exact", "approx"):
        raise QueueingError(f"method must be 'auto', 'exact' or 'approx', got {method!r}")
    if method == "exact" and n > EXACT_MAX_VEHICLES:
        raise QueueingError(
            f"method='exact' supports at most {EXACT_MAX_VEHICLES} vehicles (2**n states), got {n}; "
            "use method='approx' or 'auto'"
        )
    if method == "auto":
        return "exact" if n <= EXACT_MAX_VEHICLES else "approx"
    return method
