"""The model's key assumptions a planner may change: travel model, blue-light factor, reach, demand.

Three assumptions move the coverage figures most:

* **Travel model** (``travel_mode``): the calibrated road model (default), straight-line distance at
  ``speed_kmh``, or shortest paths on a downloaded OpenStreetMap graph.
* **Blue-light factor** (``blue_light_factor``): blue-light driving time as a fraction of clear-road
  car time, for the calibrated and network models. The largest single uncertainty of the travel
  model (docs/travel_calibration.md).
* **Dispatch reach** (``dispatch_reach_min``): how far, in minutes, a unit is sent to a call. By
  default each unit's own response target; a larger reach sends units to more calls, so they are
  busier (on the demo year a 40-minute reach gives 3.9-4.4 jobs per 8 hours per unit, against the
  published ~7 in an 8-hour shift; :mod:`jru_geo.optimise.calibrate` fits reach and share to the
  record).
* **Share of incidents that are JRU calls** (``demand_share``): the part of the loaded incidents
  that needs a police officer and a paramedic together. 1 for the demo data and a joint-call log;
  far less for police.uk street crime (about 180,000 Kent rows a year against about 15,000 calls a
  year between the two services: roughly 0.08). It scales the calls the units take, so their
  workload and expected coverage; where the incidents are and which are in reach do not change.

:class:`ModelAssumptions` holds them; :func:`jru_geo.model.travel.factory.build_travel_model` turns
them into a :class:`jru_geo.model.travel.base.TravelModel`, and
:func:`jru_geo.model.coverage.workload.unit_workload` sets each unit's busy fraction and jobs per
shift beside the published figures (:data:`PUBLISHED_JOBS_PER_SHIFT` in
:data:`PUBLISHED_SHIFT_HOURS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jru_geo.errors import TravelModelError
from jru_geo.model.coverage.business import BusinessAssumptions
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TRAVEL_MODES, TravelMode
from jru_geo.model.travel.straight import StraightLineModel

__all__ = [
    "ModelAssumptions",
    "DEFAULT_ASSUMPTIONS",
    "STRAIGHT_SPEED_KMH",
    "PUBLISHED_JOBS_PER_SHIFT",
    "PUBLISHED_SHIFT_HOURS",
    "TRAVEL_LABELS",
]

STRAIGHT_SPEED_KMH = StraightLineModel.speed_kmh
"""Default speed of the straight-line model (km/h)."""

PUBLISHED_JOBS_PER_SHIFT = BusinessAssumptions.jobs_per_shift
"""Published JRU workload: about 7 jobs in a shift (:class:`BusinessAssumptions`)."""

PUBLISHED_SHIFT_HOURS = BusinessAssumptions.shift_hours
"""Length of the shift the published figure refers to: 8 hours."""

TRAVEL_LABELS: dict[TravelMode, str] = {
    "calibrated": "calibrated road model",
    "straight": "straight line",
    "network": "road network (OpenStreetMap)",
}
"""Plain-words names of the travel modes."""


@dataclass(frozen=True)
class ModelAssumptions:
    """The travel model, blue-light factor and dispatch reach in force.

    Parameters
    ----------
    travel_mode
        ``"calibrated"`` (default), ``"straight"`` or ``"network"``.
    speed_kmh
        Speed of the straight-line model, km/h (used only when ``travel_mode == "straight"``).
    blue_light_factor
        Blue-light driving time as a fraction of clear-road time (calibrated and network models).
    dispatch_reach_min
        Units are sent to calls up to this many minutes away; ``None`` = each unit's own target.
    demand_share
        Share (0-1] of the incidents that are joint-response calls
        (:func:`jru_geo.model.coverage.engine.compute_coverage`'s ``demand_scale``).

    Examples
    --------
    >>> ModelAssumptions().describe(targets_min=[15.0])
    'Calibrated road model, blue-light factor 0.80; units sent within their target (15 min).'
    >>> ModelAssumptions("straight", speed_kmh=40.0, dispatch_reach_min=40.0).describe()
    'Straight line at 40 km/h; units sent to calls up to 40 min away.'
    >>> ModelAssumptions(demand_share=0.1).describe(targets_min=[15.0]).split("; ")[-1]
    '10% of incidents are JRU calls.'
    """

    travel_mode: TravelMode = "calibrated"
    speed_kmh: float = STRAIGHT_SPEED_KMH
    blue_light_factor: float = BLUE_LIGHT_FACTOR
    dispatch_reach_min: float | None = None
    demand_share: float = 1.0

    def __post_init__(self) -> None:
        """Check every assumption is in range.

        Raises
        ------
        TravelModelError
            An unknown travel mode, or a speed, factor, share or reach out of range.
        """
        if self.travel_mode not in TRAVEL_MODES:
            raise TravelModelError(
                f"unknown travel mode {self.travel_mode!r}; use one of {', '.join(TRAVEL_MODES)}"
            )
        if not (np.isfinite(self.speed_kmh) and 0 < self.speed_kmh <= 300):
            raise TravelModelError(f"speed_kmh must be in (0, 300] km/h, got {self.speed_kmh!r}")
        if not (np.isfinite(self.blue_light_factor) and 0 < self.blue_light_factor <= 2):
            raise TravelModelError(
                "blue_light_factor must be in (0, 2] (fraction of clear-road driving time), "
                f"got {self.blue_light_factor!r}"
            )
        if not (np.isfinite(self.demand_share) and 0 < self.demand_share <= 1):
            raise TravelModelError(
                "demand_share must be in (0, 1] (share of incidents that are JRU calls), "
                f"got {self.demand_share!r}"
            )
        reach = self.dispatch_reach_min
        if reach is not None and not (np.isfinite(reach) and reach > 0):
            raise TravelModelError(
                f"dispatch_reach_min must be a positive number of minutes or None (each unit's "
                f"target), got {reach!r}"
            )

    def normalised(self) -> ModelAssumptions:
        """Put the settings the travel mode ignores back to their defaults.

        Two choices that give the same figures then compare and hash equal.

        Returns
        -------
        ModelAssumptions
            A copy with ``speed_kmh`` (not straight) or ``blue_light_factor`` (straight) reset.
        """
        straight = self.travel_mode == "straight"
        return dataclasses.replace(
            self,
            speed_kmh=self.speed_kmh if straight else STRAIGHT_SPEED_KMH,
            blue_light_factor=BLUE_LIGHT_FACTOR if straight else self.blue_light_factor,
        )

    def travel_only(self) -> ModelAssumptions:
        """Keep the travel assumptions alone, with reach and demand share back to their defaults.

        The key of a travel model or catchment, which do not depend on dispatch.

        Returns
        -------
        ModelAssumptions
            The :meth:`normalised` copy with ``dispatch_reach_min=None`` and ``demand_share=1.0``.
        """
        return dataclasses.replace(self.normalised(), dispatch_reach_min=None, demand_share=1.0)

    def reach_note(self, *, targets_min: Sequence[float] = ()) -> str:
        """Say how far units are sent, e.g. ``"within their target (15 min)"``.

        Parameters
        ----------
        targets_min
            The fleet's response targets, to name the default reach.
        """
        if self.dispatch_reach_min is None:
            unique = sorted({float(t) for t in targets_min})
            which = f" ({'/'.join(f'{t:g}' for t in unique)} min)" if unique else ""
            return f"within their target{which}"
        return f"to calls up to {self.dispatch_reach_min:g} min away"

    def describe(self, *, targets_min: Sequence[float] = ()) -> str:
        """One sentence naming the assumptions, for a caption or a footer.

        Parameters
        ----------
        targets_min
            The fleet's response targets, to name the default reach (``"(15 min)"``).
        """
        if self.travel_mode == "straight":
            travel = f"Straight line at {self.speed_kmh:g} km/h"
        else:
            label = TRAVEL_LABELS[self.travel_mode]
            travel = f"{label[0].upper()}{label[1:]}, blue-light factor {self.blue_light_factor:.2f}"
        reach = f"units sent {self.reach_note(targets_min=targets_min)}"
        share = f"; {self.demand_share:.0%} of incidents are JRU calls" if self.demand_share < 1 else ""
        return f"{travel}; {reach}{share}."


DEFAULT_ASSUMPTIONS = ModelAssumptions()
"""The calibrated model at the documented blue-light factor, units sent within their own target."""
