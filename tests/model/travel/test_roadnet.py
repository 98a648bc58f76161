"""Tests for jru_geo.roadnet on a small hand-made graph (never downloads anything).

Hand-made graph, EPSG:27700 metres, speeds ``fast`` 60 km/h (1 min/km), ``slow`` 30 km/h (2 min/km)::

    D(1000,1000)
      ^    \\
      |     v                A -> B  slow 1000 m (2 min) and, in parallel, fast 1000 m (1 min)
      |      \\               B -> C  slow 1000 m (2 min)
    A(0,0) -> B(1000,0) -> C(2000,0)      A -> D  fast 1500 m (1.5 min)
      ^__________________________|        D -> C  fast 1000 m (1 min)
                                          C -> A  slow 2000 m (4 min)
    E(5000,5000): no edges (unreachable)

Shortest times (factor 1): A->B 1, A->C 2.5 (via D; via B would be 3), A->D 1.5, C->A 4,
B->A 6 (B->C->A), D->A 5 (D->C->A).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from jru_geo.errors import TravelModelError
from jru_geo.model.travel import network as roadnet
from jru_geo.model.travel.isochrones import isochrones
from jru_geo.model.travel.network import SPEEDS_KMH, NetworkModel, download_kent_graph, load_graph
from jru_geo.settings import BNG

SPEEDS = {"fast": 60.0, "slow": 30.0}
XY = {"A": (0.0, 0.0), "B": (1000.0, 0.0), "C": (2000.0, 0.0), "D": (1000.0, 1000.0), "E": (5000.0, 5000.0)}


def _graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(crs=BNG)
    for n, (x, y) in XY.items():
        g.add_node(n, x=x, y=y)
    g.add_edge("A", "B", length=1000.0, highway="slow")
    g.add_edge("A", "B", length=1000.0, highway="fast")
    g.add_edge("B", "C", length=1000.0, highway="slow")
    g.add_edge("A", "D", length=1500.0, highway="fast")
    g.add_edge("D", "C", length=1000.0, highway="fast")
    g.add_edge("C", "A", length=2000.0, highway="slow")
    return g


def _pts(*names: str) -> np.ndarray:
    return np.array([XY[n] for n in names])


def _model(**kwargs: float) -> NetworkModel:
    options: dict[str, float] = {"blue_light_factor": 1.0, "turnout_min": 0.0} | kwargs
    return NetworkModel.from_graph(_graph(), speeds_kmh=SPEEDS, **options)


def test_shortest_times_by_hand() -> None:
    got = _model().minutes(_pts("A", "B", "C", "D"), _pts("A", "B", "C", "D", "E"))
    expected = np.array(
        [
            [0.0, 1.0, 2.5, 1.5, np.inf],
            [6.0, 0.0, 2.0, 7.5, np.inf],
            [4.0, 5.0, 0.0, 5.5, np.inf],
            [5.0, 6.0, 1.0, 0.0, np.inf],
        ]
    )
    np.testing.assert_allclose(got, expected)
    assert got.dtype == np.float64


def test_blue_light_factor_and_turnout() -> None:
    got = _model(blue_light_factor=0.5, turnout_min=1.0).minutes(_pts("A"), _pts("C", "A"))
    np.testing.assert_allclose(got, [[1.0 + 0.5 * 2.5, 1.0]])


def test_points_snap_to_nearest_node_with_access_time() -> None:
    # 100 m from A and 200 m from C, at 20 km/h: 0.3 + 0.6 min on top of A->C 2.5 min
    got = _model().minutes(np.array([[0.0, -100.0]]), np.array([[2000.0, 200.0]]))
    assert got[0, 0] == pytest.approx(2.5 + 0.3 + 0.6)


def test_repeated_origins_share_one_dijkstra() -> None:
    got = _model().minutes(_pts("A", "A", "C"), _pts("C"))
    np.testing.assert_allclose(got[:, 0], [2.5, 2.5, 0.0])


def test_many_origins_few_destinations_searches_backwards_with_same_answer() -> None:
    model = _model()
    forward = model.minutes(_pts("A", "B", "C", "D"), _pts("A", "B", "C", "D", "E"))
    backward = model.minutes(_pts("A", "B", "C", "D", "E"), _pts("C", "A"))  # 5 origins, 2 destinations
    np.testing.assert_allclose(backward[:4], forward[:, [2, 0]])
    assert np.isinf(backward[4]).all()


def test_undirected_graph_is_driven_both_ways_and_unknown_class_uses_default() -> None:
    g = nx.Graph(crs=BNG)
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2, x=3000.0, y=4000.0)
    g.add_edge(1, 2, highway="cart_track")  # no length: straight 5 km; unknown class: 40 km/h
    model = NetworkModel.from_graph(g, blue_light_factor=1.0, turnout_min=0.0, default_speed_kmh=40.0)
    got = model.minutes(np.array([[0.0, 0.0], [3000.0, 4000.0]]), np.array([[3000.0, 4000.0], [0.0, 0.0]]))
    np.testing.assert_allclose(got, [[7.5, 0.0], [0.0, 7.5]])


def test_osm_list_of_classes_takes_the_fastest() -> None:
    g = nx.MultiDiGraph(crs=BNG)
    g.add_node(1, x=0.0, y=0.0)
    g.add_node(2, x=1000.0, y=0.0)
    g.add_edge(1, 2, length=11_000.0, highway=["residential", "motorway"])  # 11 km at 110 km/h = 6 min
    got = NetworkModel.from_graph(g, blue_light_factor=1.0, turnout_min=0.0).minutes(
        np.array([[0.0, 0.0]]), np.array([[1000.0, 0.0]])
    )
    assert got[0, 0] == pytest.approx(6.0)


def test_default_speed_table_is_documented_values() -> None:
    assert SPEEDS_KMH["motorway"] == 110.0 and SPEEDS_KMH["trunk"] == 90.0
    assert SPEEDS_KMH["primary"] == 70.0 and SPEEDS_KMH["secondary"] == 60.0
    assert SPEEDS_KMH["tertiary"] == 50.0 and SPEEDS_KMH["residential"] == 30.0


def test_lonlat_graph_is_projected_to_bng() -> None:
    to_ll = Transformer.from_crs(BNG, "EPSG:4326", always_xy=True)
    g = nx.MultiDiGraph(crs="epsg:4326")
    for n, (e, n_) in {1: (575_000.0, 165_000.0), 2: (576_000.0, 165_000.0)}.items():
        lon, lat = to_ll.transform(e, n_)
        g.add_node(n, x=lon, y=lat)
    g.add_edge(1, 2, length=1000.0, highway="residential")  # 1 km at 30 km/h = 2 min
    model = NetworkModel.from_graph(g, blue_light_factor=1.0, turnout_min=0.0)
    np.testing.assert_allclose(model.node_xy, [[575_000.0, 165_000.0], [576_000.0, 165_000.0]], atol=0.01)
    got = model.minutes(np.array([[575_000.0, 165_000.0]]), np.array([[576_000.0, 165_000.0]]))
    assert got[0, 0] == pytest.approx(2.0, abs=1e-4)


def test_network_isochrone_follows_the_roads() -> None:
    # From A within 1.6 min: A, B (1 min), D (1.5 min) reachable; C (2.5 min) not.
    bases = gpd.GeoDataFrame({"vehicle_id": ["jru"]}, geometry=[Point(0.0, 0.0)], crs=BNG)
    clip = gpd.GeoDataFrame(geometry=[box(-200, -200, 2200, 1200)], crs=BNG)
    iso = isochrones(_model(access_speed_kmh=1000.0), bases, [1.6], clip=clip, cell_m=100.0)
    geom = iso.geometry.iloc[0]
    assert geom.contains(Point(1000.0, 0.0)) and geom.contains(Point(1000.0, 1000.0))
    assert not geom.contains(Point(2000.0, 0.0))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g: g.graph.pop("crs"), "no 'crs' attribute"),
        (lambda g: g.nodes["A"].pop("x"), "needs 'x' and 'y'"),
    ],
)
def test_bad_graphs_are_rejected(mutate: object, message: str) -> None:
    g = _graph()
    mutate(g)  # type: ignore[operator]
    with pytest.raises(TravelModelError, match=message):
        NetworkModel.from_graph(g)


def test_bad_options_are_rejected() -> None:
    with pytest.raises(TravelModelError, match="blue_light_factor must be in"):
        NetworkModel.from_graph(_graph(), blue_light_factor=0.0)
    with pytest.raises(TravelModelError, match="every speed must be > 0"):
        NetworkModel.from_graph(_graph(), speeds_kmh={"fast": 0.0})
    with pytest.raises(TravelModelError, match="no nodes"):
        NetworkModel.from_graph(nx.MultiDiGraph(crs=BNG))


# ----------------------------------------------------------------------------- download (mocked)


def _fake_osm_graph() -> nx.MultiDiGraph:
    """What osmnx returns: lon/lat nodes, osmid keys, length in metres."""
    g = nx.MultiDiGraph(crs="epsg:4326")
    g.add_node(101, x=0.52, y=51.30, street_count=1)
    g.add_node(102, x=0.53, y=51.30, street_count=1)
    g.add_edge(101, 102, osmid=9, length=700.0, highway="primary", oneway=True, reversed=False)
    g.add_edge(102, 101, osmid=9, length=700.0, highway=["primary", "trunk"], oneway=False, reversed=True)
    return g


def test_download_saves_graphml_from_osmnx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, dict[str, object]]] = []

    def fake(polygon: object, **kwargs: object) -> nx.MultiDiGraph:
        calls.append((polygon, kwargs))
        return _fake_osm_graph()

    monkeypatch.setattr(ox, "graph_from_polygon", fake)
    out = download_kent_graph(tmp_path / "sub" / "kent.graphml")
    assert out == tmp_path / "sub" / "kent.graphml" and out.exists()
    polygon, kwargs = calls[0]
    assert kwargs["network_type"] == "drive"
    minx, miny, maxx, maxy = polygon.bounds  # type: ignore[attr-defined]
    assert -0.2 < minx < 0.2 and 1.4 < maxx < 1.6  # Kent in WGS84 degrees, grown by 5 km
    assert 50.8 < miny < 51.1 and 51.4 < maxy < 51.6

    model = NetworkModel.from_graph(load_graph(out), blue_light_factor=1.0, turnout_min=0.0)
    # primary 0.7 km at 70 km/h = 0.6 min one way; trunk (90 km/h) back = 0.4667 min
    a, b = model.node_xy
    got = model.minutes(np.array([a, b]), np.array([b, a]))
    np.testing.assert_allclose(got[0, 0], 0.6, rtol=1e-6)
    np.testing.assert_allclose(got[1, 1], 0.7 / 90 * 60, rtol=1e-6)


def test_download_wraps_connection_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(polygon: object, **kwargs: object) -> nx.MultiDiGraph:
        raise ConnectionError("no route to host")

    monkeypatch.setattr(ox, "graph_from_polygon", offline)
    outline = gpd.GeoDataFrame(geometry=[box(570_000, 160_000, 575_000, 165_000)], crs=BNG)
    with pytest.raises(TravelModelError, match="could not download the road graph"):
        download_kent_graph(tmp_path / "k.graphml", outline=outline, buffer_m=0.0)
    assert not (tmp_path / "k.graphml").exists()


def test_load_graph_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(TravelModelError, match="python -m jru_geo roads download"):
        load_graph(tmp_path / "missing.graphml")


def test_default_graph_path_is_outside_the_repo() -> None:
    assert "jru_geo" in str(roadnet.DEFAULT_GRAPH_PATH) and roadnet.DEFAULT_GRAPH_PATH.suffix == ".graphml"
    assert not str(roadnet.DEFAULT_GRAPH_PATH).startswith(str(Path(roadnet.__file__).parents[3]))
