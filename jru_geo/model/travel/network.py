"""Road-network travel model on an OpenStreetMap drive graph.

``download_kent_graph`` fetches Kent's drive network once with osmnx (needs internet) and saves it
as GraphML; ``NetworkModel.from_graph`` turns any graph into a :class:`jru_geo.model.travel.base.TravelModel`:
edge minutes are length / highway-class speed (:data:`SPEEDS_KMH`) times the blue-light factor,
points snap to the nearest graph node, and one Dijkstra runs per distinct origin node (origins
are vehicles, so few), or backwards per destination node when there are fewer destinations.

Command line (wired in ``jru_geo.__main__``): ``python -m jru_geo roads download [--out PATH]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from jru_geo._crs import to_bng, to_wgs84, xy_to_bng
from jru_geo.errors import TravelModelError
from jru_geo.io.boundaries import load_outline
from jru_geo.model.travel.base import BLUE_LIGHT_FACTOR, TURNOUT_MIN, check_points
from jru_geo.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray
    from scipy.spatial import cKDTree


__all__ = [
    "SPEEDS_KMH",
    "DEFAULT_SPEED_KMH",
    "ACCESS_SPEED_KMH",
    "DEFAULT_GRAPH_PATH",
    "NetworkModel",
    "download_kent_graph",
    "load_graph",
]

SPEEDS_KMH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 110.0,
        "motorway_link": 60.0,
        "trunk": 90.0,
        "trunk_link": 50.0,
        "primary": 70.0,
        "primary_link": 45.0,
        "secondary": 60.0,
        "secondary_link": 40.0,
        "tertiary": 50.0,
        "tertiary_link": 35.0,
        "unclassified": 40.0,
        "residential": 30.0,
        "living_street": 15.0,
        "service": 20.0,
        "road": 40.0,
        "busway": 30.0,
    }
)
"""Normal (not blue-light) free-flow driving speed by OSM ``highway`` class, km/h."""

DEFAULT_SPEED_KMH = 40.0
"""Speed for a ``highway`` class missing from the speed table."""

ACCESS_SPEED_KMH = 20.0
"""Speed over the straight gap between a point and the graph node it snaps to."""

DEFAULT_GRAPH_PATH = Path.home() / ".cache" / "jru_geo" / "kent_drive.graphml"
"""Where ``python -m jru_geo roads download`` saves the graph by default (kept out of the repo)."""


def _edge_speed_kmh(highway: object, speeds: Mapping[str, float], default_kmh: float) -> float:
    """Fastest speed among the edge's highway classes (simplified OSM edges may carry a list)."""
    classes = highway if isinstance(highway, list | tuple) else [highway]
    known = [speeds[str(c)] for c in classes if str(c) in speeds]
    return max(known) if known else default_kmh


def _node_xy_bng(graph: nx.MultiDiGraph | nx.DiGraph | nx.Graph, nodes: list[object]) -> NDArray[np.float64]:
    crs = graph.graph.get("crs")
    if crs is None:
        raise TravelModelError(
            "graph has no 'crs' attribute; set graph.graph['crs'] (osmnx graphs use 'epsg:4326') "
            "before building"
        )
    try:
        x = np.array([graph.nodes[n]["x"] for n in nodes], dtype=np.float64)
        y = np.array([graph.nodes[n]["y"] for n in nodes], dtype=np.float64)
    except KeyError as err:
        raise TravelModelError(f"every graph node needs 'x' and 'y' coordinates; one lacks {err}") from err
    east, north = xy_to_bng(x, y, crs=crs)
    return np.column_stack([east, north])


@dataclass(frozen=True, eq=False)
class NetworkModel:
    """Blue-light response minutes along the shortest drive path.

    ``minutes = turnout_min + access + path`` where ``path`` is the least-time path between the
    nodes nearest each point (edge minutes = length / class speed * ``blue_light_factor``), and
    ``access`` covers the straight gaps from the points to those nodes at
    :data:`ACCESS_SPEED_KMH`. Paths respect one-way streets (origin to destination).
    Unreachable destinations get ``inf``. Build with :meth:`from_graph`.
    """

    node_xy: NDArray[np.float64]
    adjacency: csr_matrix
    turnout_min: float = TURNOUT_MIN
    blue_light_factor: float = BLUE_LIGHT_FACTOR
    access_speed_kmh: float = ACCESS_SPEED_KMH
    name: str = field(default="network", init=False)
    _tree: cKDTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Check the graph has nodes and build the nearest-node tree.

        Raises
        ------
        TravelModelError
            A graph without nodes, or an access speed not above 0.
        """
        if len(self.node_xy) == 0:
            raise TravelModelError(
                "the road graph has no nodes; download it again with `python -m jru_geo roads download`"
            )
        if not (self.access_speed_kmh > 0):
            raise TravelModelError(f"access_speed_kmh must be > 0, got {self.access_speed_kmh!r}")
        from scipy.spatial import cKDTree  # only when the network model is used

        object.__setattr__(self, "_tree", cKDTree(self.node_xy))

    @classmethod
    def from_graph(
        cls,
        graph: nx.MultiDiGraph | nx.DiGraph | nx.Graph,
        *,
        blue_light_factor: float = BLUE_LIGHT_FACTOR,
        speeds_kmh: Mapping[str, float] = SPEEDS_KMH,
        default_speed_kmh: float = DEFAULT_SPEED_KMH,
        turnout_min: float = TURNOUT_MIN,
        access_speed_kmh: float = ACCESS_SPEED_KMH,
    ) -> NetworkModel:
        """Build from an osmnx/networkx graph.

        Parameters
        ----------
        graph
            Nodes with ``x, y`` in ``graph.graph["crs"]`` (osmnx: lon/lat); edges with ``length``
            (metres; the straight node-to-node distance when absent) and ``highway``. An
            undirected graph is driven both ways. Parallel edges keep the quickest.
        blue_light_factor
            Blue-light time as a fraction of normal driving time at ``speeds_kmh``.
        speeds_kmh
            Normal driving speed by OSM ``highway`` class (:data:`SPEEDS_KMH`).
        default_speed_kmh
            Speed for a class missing from ``speeds_kmh``.
        turnout_min
            Minutes added to every response.
        access_speed_kmh
            Speed over the gaps between points and their nearest nodes.
        """
        if not (0 < blue_light_factor <= 2):
            raise TravelModelError(f"blue_light_factor must be in (0, 2], got {blue_light_factor!r}")
        if any(not (v > 0) for v in speeds_kmh.values()) or not (default_speed_kmh > 0):
            raise TravelModelError(
                f"every speed must be > 0 km/h, got {dict(speeds_kmh)} / {default_speed_kmh!r}"
            )
        nodes = list(graph.nodes)
        index = {n: i for i, n in enumerate(nodes)}
        xy = _node_xy_bng(graph, nodes)
        rows: list[int] = []
        cols: list[int] = []
        weights: list[float] = []
        directed = graph.is_directed()
        for u, v, data in graph.edges(data=True):
            i, j = index[u], index[v]
            length_m = data.get("length")
            if length_m is None:
                length_m = float(np.hypot(*(xy[i] - xy[j])))
            speed = _edge_speed_kmh(data.get("highway"), speeds_kmh, default_speed_kmh)
            minutes = float(length_m) / 1000.0 / speed * 60.0 * blue_light_factor
            pairs = [(i, j)] if directed else [(i, j), (j, i)]
            for a, b in pairs:
                if a != b:
                    rows.append(a)
                    cols.append(b)
                    weights.append(max(minutes, 1e-9))  # explicit zeros would read as "no edge"
        adjacency = _min_csr(
            np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(weights), len(nodes)
        )
        return cls(
            node_xy=xy,
            adjacency=adjacency,
            turnout_min=turnout_min,
            blue_light_factor=blue_light_factor,
            access_speed_kmh=access_speed_kmh,
        )

    def minutes(
        self, origins_xy: NDArray[np.float64], destinations_xy: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Response minutes, ``(n, m)``; ``inf`` where no path exists."""
        o = check_points(origins_xy, what="origins_xy")
        d = check_points(destinations_xy, what="destinations_xy")
        if len(o) == 0 or len(d) == 0:
            return np.zeros((len(o), len(d)))
        o_gap, o_node = self._tree.query(o)
        d_gap, d_node = self._tree.query(d)
        o_nodes, o_inv = np.unique(o_node, return_inverse=True)
        d_nodes, d_inv = np.unique(d_node, return_inverse=True)
        if len(o_nodes) <= len(d_nodes):  # one Dijkstra per distinct origin node
            path = np.asarray(dijkstra(self.adjacency, directed=True, indices=o_nodes), dtype=np.float64)
            path_min = path.reshape(len(o_nodes), -1)[o_inv][:, d_node]
        else:  # fewer destinations (many candidate bases, one incident): search backwards from them
            back = np.asarray(
                dijkstra(self.adjacency.T.tocsr(), directed=True, indices=d_nodes), dtype=np.float64
            )
            path_min = back.reshape(len(d_nodes), -1)[d_inv][:, o_node].T
        per_m = 60.0 / (self.access_speed_kmh * 1000.0)
        return self.turnout_min + path_min + (np.asarray(o_gap)[:, None] + np.asarray(d_gap)[None, :]) * per_m


def _min_csr(
    rows: NDArray[np.int64], cols: NDArray[np.int64], weights: NDArray[np.float64], n: int
) -> csr_matrix:
    """Sparse adjacency keeping the smallest weight of parallel edges (csr would sum them)."""
    if len(rows) == 0:
        return csr_matrix((n, n))
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return csr_matrix((weights[first], (rows[first], cols[first])), shape=(n, n))


def load_graph(path: Path) -> nx.MultiDiGraph:
    """Read a GraphML drive graph saved by :func:`download_kent_graph`."""
    if not Path(path).exists():
        raise TravelModelError(
            f"road graph {path} not found; download it once (needs internet) with "
            "`python -m jru_geo roads download`, or use --travel calibrated"
        )
    import xml.etree.ElementTree as ET

    import networkx as nx
    import osmnx as ox

    try:
        return ox.load_graphml(filepath=path)
    except (ET.ParseError, nx.NetworkXError, KeyError, ValueError, TypeError, UnicodeDecodeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise TravelModelError(
            f"road graph {path} is not a GraphML drive graph ({first}); download it again with "
            "`python -m jru_geo roads download`, or use --travel calibrated"
        ) from None


def download_kent_graph(
    path: Path = DEFAULT_GRAPH_PATH,
    *,
    outline: gpd.GeoDataFrame | None = None,
    buffer_m: float = 5000.0,
    settings: Settings = DEFAULT_SETTINGS,
) -> Path:
    """Download Kent's OpenStreetMap drive graph with osmnx and save it as GraphML.

    Needs internet (Overpass API) and takes several minutes; never run in tests.

    Parameters
    ----------
    path
        GraphML file to write (parent folders are created).
    outline
        Area to fetch; default the Kent and Medway outline (:func:`jru_geo.io.boundaries.load_outline`).
    buffer_m
        The outline is grown by this much first, so routes that leave Kent briefly (M25, A21
        through Sussex) stay in the graph.

    Returns
    -------
    Path
        ``path``, once written.
    """
    if buffer_m < 0:
        raise TravelModelError(f"buffer_m must be >= 0 metres, got {buffer_m!r}")
    area = load_outline(settings=settings) if outline is None else outline
    buffered = to_bng(area, what="outline", error=TravelModelError).buffer(buffer_m)
    polygon = to_wgs84(buffered, what="outline").union_all()
    import osmnx as ox

    try:
        graph = ox.graph_from_polygon(polygon, network_type="drive", retain_all=False, truncate_by_edge=True)
    except OSError as err:  # requests' connection errors are OSErrors
        raise TravelModelError(
            f"could not download the road graph from OpenStreetMap ({err}); check the internet connection "
            "or use --travel calibrated"
        ) from err
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.save_graphml(graph, filepath=path)
    return path
