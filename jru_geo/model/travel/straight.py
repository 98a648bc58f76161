"""The straight-line travel model: distance over a constant speed, plus turn-out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from jru_geo.errors import TravelModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

from jru_geo.model.travel.base import TURNOUT_MIN, _check_factor, _pairwise_km, check_points

__all__ = ["StraightLineModel"]

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
        """Check the speed and turn-out time.

        Raises
        ------
        TravelModelError
            ``speed_kmh`` outside ``(0, 300]`` or ``turnout_min`` outside ``[0, 60)``.
        """
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
