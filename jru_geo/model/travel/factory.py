"""The one travel-model factory: a mode and its parameters, or a set of model assumptions, to a model.

:func:`make_model` builds every travel model; :func:`build_travel_model` is a thin wrapper of it
that reads the mode, speed and blue-light factor off a
:class:`jru_geo.model.assumptions.ModelAssumptions`. The road-network model
(:mod:`jru_geo.model.travel.network`) is imported only when a ``"network"`` model is asked for, so
importing this module does not import networkx or osmnx.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from jru_geo.errors import TravelModelError
from jru_geo.model.travel.base import TRAVEL_MODES, TravelMode, TravelModel
from jru_geo.model.travel.calibrated import CalibratedModel, load_calibrated
from jru_geo.model.travel.straight import StraightLineModel
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import networkx as nx

    from jru_geo.model.assumptions import ModelAssumptions

__all__ = ["default_calibrated", "make_model", "build_travel_model"]


def default_calibrated(*, settings: Settings = DEFAULT_SETTINGS) -> CalibratedModel:
    """Give the area's calibrated model: Kent's fitted on its own matrix, another area's the national fit.

    Kent keeps :func:`~jru_geo.model.travel.calibrated.load_calibrated` (its own LSOA-to-hospital
    matrix); a built area uses :func:`~jru_geo.model.travel.national_model.area_travel_model`.
    """
    if settings.is_kent:
        return load_calibrated(settings=settings)
    from jru_geo.model.travel.national_model import area_travel_model

    return area_travel_model(settings)


# --------------------------------------------------------------------------- factory


def make_model(
    mode: TravelMode,
    *,
    speed_kmh: float | None = None,
    blue_light_factor: float | None = None,
    calibrated: CalibratedModel | None = None,
    graph: nx.MultiDiGraph | None = None,
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
    blue_light_factor
        Blue-light driving time as a fraction of clear-road time for ``"calibrated"`` and
        ``"network"`` (default :data:`jru_geo.model.travel.base.BLUE_LIGHT_FACTOR`); an error for
        ``"straight"``, whose speed is already a blue-light speed.
    calibrated
        An already fitted calibrated model to reuse for ``"calibrated"`` (its blue-light factor is
        replaced when ``blue_light_factor`` is given); fitted from the committed matrix when omitted.
    graph
        An already loaded drive graph for ``"network"``; read from ``graph_path`` when omitted.
    graph_path
        GraphML file for ``"network"``; default
        :data:`jru_geo.model.travel.network.DEFAULT_GRAPH_PATH`.
    settings
        Where the committed data lives.

    Returns
    -------
    TravelModel
        A :class:`~jru_geo.model.travel.straight.StraightLineModel`,
        :class:`~jru_geo.model.travel.calibrated.CalibratedModel` or
        :class:`~jru_geo.model.travel.network.NetworkModel`.

    Raises
    ------
    TravelModelError
        An unknown mode, a parameter the mode does not take, or ``"network"`` without a graph file
        (download it with ``python -m jru_geo roads download``).
    """
    if mode not in TRAVEL_MODES:
        raise TravelModelError(f"unknown travel mode {mode!r}; use one of {', '.join(TRAVEL_MODES)}")
    if speed_kmh is not None and mode != "straight":
        raise TravelModelError(
            f"speed_kmh={speed_kmh!r} applies only to the 'straight' travel mode, not {mode!r}; "
            "drop --speed-kmh or use --travel straight"
        )
    if blue_light_factor is not None and mode == "straight":
        raise TravelModelError(
            f"blue_light_factor={blue_light_factor!r} does not apply to the 'straight' travel mode "
            "(its speed is the blue-light speed); set speed_kmh instead"
        )
    if mode == "straight":
        return StraightLineModel() if speed_kmh is None else StraightLineModel(speed_kmh=speed_kmh)
    if mode == "calibrated":
        fitted = calibrated if calibrated is not None else default_calibrated(settings=settings)
        if blue_light_factor is None:
            return fitted
        return dataclasses.replace(fitted, blue_light_factor=blue_light_factor)
    from jru_geo.model.travel.network import DEFAULT_GRAPH_PATH, NetworkModel, load_graph

    road = graph if graph is not None else load_graph(graph_path or DEFAULT_GRAPH_PATH)
    if blue_light_factor is None:
        return NetworkModel.from_graph(road)
    return NetworkModel.from_graph(road, blue_light_factor=blue_light_factor)


def build_travel_model(
    assumptions: ModelAssumptions,
    *,
    calibrated: CalibratedModel | None = None,
    graph: nx.MultiDiGraph | None = None,
    graph_path: Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> TravelModel:
    """Build the travel model a set of model assumptions describes, with :func:`make_model`.

    Parameters
    ----------
    assumptions
        Travel mode, speed and blue-light factor (the reach is the coverage engine's business).
    calibrated
        An already fitted calibrated model to reuse (its blue-light factor is replaced); fitted
        from the committed matrix when omitted.
    graph
        An already loaded drive graph for ``"network"``; read from ``graph_path`` (default
        :data:`jru_geo.model.travel.network.DEFAULT_GRAPH_PATH`) when omitted.
    graph_path
        GraphML file of the drive graph.
    settings
        Where the committed data lives.

    Returns
    -------
    TravelModel
        The straight-line model at ``assumptions.speed_kmh``, or the calibrated or network model at
        ``assumptions.blue_light_factor``.

    Raises
    ------
    TravelModelError
        ``"network"`` without a graph file (download it with ``python -m jru_geo roads download``).
    """
    straight = assumptions.travel_mode == "straight"
    return make_model(
        assumptions.travel_mode,
        speed_kmh=assumptions.speed_kmh if straight else None,
        blue_light_factor=None if straight else assumptions.blue_light_factor,
        calibrated=calibrated,
        graph=graph,
        graph_path=graph_path,
        settings=settings,
    )
