"""The one travel-model factory: a mode name and its parameters to a travel model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo.errors import TravelModelError
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    pass

from jru_geo.model.travel.base import TRAVEL_MODES, TravelMode, TravelModel
from jru_geo.model.travel.calibrated import load_calibrated
from jru_geo.model.travel.straight import StraightLineModel

__all__ = ["make_model"]

# --------------------------------------------------------------------------- factory


def make_model(
    mode: TravelMode,
    *,
    speed_kmh: float | None = None,
    graph_path: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> TravelModel:
    """Build the travel model a user asked for.

    Parameters
    ----------
    mode
        ``"calibrated"`` (default offline model), ``"network"`` (needs a downloaded graph) or
        ``"straight"``.
    speed_kmh
        Speed for ``"straight"`` (default 48 km/h); an error for the other modes.
    graph_path
        GraphML file for ``"network"``; default :data:`jru_geo.roadnet.DEFAULT_GRAPH_PATH`.
    """
    if mode not in TRAVEL_MODES:
        raise TravelModelError(f"unknown travel mode {mode!r}; use one of {', '.join(TRAVEL_MODES)}")
    if speed_kmh is not None and mode != "straight":
        raise TravelModelError(
            f"speed_kmh={speed_kmh!r} applies only to the 'straight' travel mode, not {mode!r}; "
            "drop --speed-kmh or use --travel straight"
        )
    if mode == "straight":
        return StraightLineModel() if speed_kmh is None else StraightLineModel(speed_kmh=speed_kmh)
    if mode == "calibrated":
        return load_calibrated(settings=settings)
    from jru_geo.model.travel.network import DEFAULT_GRAPH_PATH, NetworkModel, load_graph

    return NetworkModel.from_graph(load_graph(graph_path or DEFAULT_GRAPH_PATH))
