"""The travel model that a set of model assumptions describes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo.model.travel.base import TravelModel
from jru_geo.model.travel.calibrated import CalibratedModel, load_calibrated
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import networkx as nx


from jru_geo.model.assumptions import ModelAssumptions

__all__ = ["build_travel_model"]


def build_travel_model(
    assumptions: ModelAssumptions,
    *,
    calibrated: CalibratedModel | None = None,
    graph: nx.MultiDiGraph | None = None,
    graph_path: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> TravelModel:
    """The travel model the assumptions describe.

    Parameters
    ----------
    assumptions
        Travel mode, speed and blue-light factor (the reach is the coverage engine's business).
    calibrated
        An already fitted calibrated model to reuse (its blue-light factor is replaced); fitted
        from the committed matrix when omitted.
    graph
        An already loaded drive graph for ``"network"``; read from ``graph_path`` (default
        :data:`jru_geo.roadnet.DEFAULT_GRAPH_PATH`) when omitted.
    graph_path
        GraphML file of the drive graph.
    settings
        Where the committed data lives.

    Raises
    ------
    TravelModelError
        ``"network"`` without a graph file (download it with ``python -m jru_geo roads download``).
    """
    if assumptions.travel_mode == "straight":
        return StraightLineModel(speed_kmh=assumptions.speed_kmh)
    if assumptions.travel_mode == "calibrated":
        fitted = calibrated if calibrated is not None else load_calibrated(settings=settings)
        return dataclasses.replace(fitted, blue_light_factor=assumptions.blue_light_factor)
    from jru_geo.model.travel.network import DEFAULT_GRAPH_PATH, NetworkModel, load_graph

    road = graph if graph is not None else load_graph(graph_path or DEFAULT_GRAPH_PATH)
    return NetworkModel.from_graph(road, blue_light_factor=assumptions.blue_light_factor)
