"""Daskin's MEXCLP: one fleet-wide busy fraction and the expected coverage it implies.

MEXCLP (Daskin 1983, *Transportation Science* 17:48-70): with one system-wide busy fraction ``q``, a
demand point covered by ``k`` vehicles is covered by a free one with probability ``1 - q**k``.
"""

from __future__ import annotations

import numpy as np

from jru_geo.errors import QueueingError
from jru_geo.model.queueing._checks import FloatArray

__all__ = ["mexclp_busy_fraction", "mexclp_coverage", "hypercube_adjusted_coverage"]

# --------------------------------------------------------------------------------------------------
# MEXCLP


def mexclp_busy_fraction(calls_per_hour: float, service_hours: float, n_vehicles: int) -> float:
    """Daskin's system-wide busy fraction ``q = calls_per_hour * service_hours / n_vehicles``, capped at 1.

    ``calls_per_hour`` is the demand the fleet would serve while on shift, ``service_hours`` the mean
    job plus travel time. 0 for an empty fleet.

    Examples
    --------
    >>> mexclp_busy_fraction(1.5, 1.0, 3)
    0.5
    """
    if calls_per_hour < 0 or service_hours < 0:
        raise QueueingError(
            f"calls_per_hour and service_hours must be >= 0, got {calls_per_hour} and {service_hours}"
        )
    if n_vehicles <= 0:
        return 0.0
    return float(min(calls_per_hour * service_hours / n_vehicles, 1.0))


def mexclp_coverage(n_covering: object, busy_fraction: float) -> FloatArray:
    """Daskin's expected coverage ``1 - q**k`` of demand covered by ``k`` vehicles.

    Examples
    --------
    >>> mexclp_coverage([0, 1, 2], 0.5).tolist()
    [0.0, 0.5, 0.75]
    """
    k = np.asarray(n_covering, dtype=np.float64)
    if (k < 0).any():
        raise QueueingError(f"n_covering must be >= 0, got {k[k < 0][:5].tolist()}")
    if not 0 <= busy_fraction <= 1:
        raise QueueingError(f"busy_fraction must be in [0, 1], got {busy_fraction!r}")
    return np.asarray(1.0 - busy_fraction**k, dtype=np.float64)


def hypercube_adjusted_coverage(covering: object, busy_probability: object) -> FloatArray:
    """Compute expected coverage with each vehicle's own busy probability: ``1 - prod(rho_i)``.

    Treats vehicles as independent (the MEXCLP assumption) but uses the hypercube's per-vehicle
    workloads instead of one system-wide ``q``.

    Parameters
    ----------
    covering
        ``(m, n)`` booleans: vehicle ``i`` covers demand point ``j``.
    busy_probability
        ``(n,)`` busy probabilities, e.g. :attr:`HypercubeResult.busy_probability`.

    Examples
    --------
    >>> hypercube_adjusted_coverage([[True, True], [False, True], [False, False]], [0.5, 0.2]).tolist()
    [0.9, 0.8, 0.0]
    """
    cover = np.asarray(covering, dtype=bool)
    rho = np.asarray(busy_probability, dtype=np.float64)
    if cover.ndim != 2 or cover.shape[1] != rho.size:
        raise QueueingError(f"covering must be (m, n={rho.size}), got shape {cover.shape}")
    if ((rho < 0) | (rho > 1)).any():
        raise QueueingError(f"busy_probability must be in [0, 1], got {rho.tolist()}")
    return np.asarray(1.0 - np.prod(np.where(cover, rho[None, :], 1.0), axis=1), dtype=np.float64)
