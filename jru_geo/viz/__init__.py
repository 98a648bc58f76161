"""Maps and reports.

:mod:`~jru_geo.viz.style` holds the colours and class breaks shared by both;
:mod:`~jru_geo.viz.leaflet` the Leaflet pieces (base map, legend, GeoJSON in WGS84);
:mod:`~jru_geo.viz.layers` the map layers; :mod:`~jru_geo.viz.maps` the page maps;
:mod:`~jru_geo.viz.report` the public summary and its PNG/CSV exports.
"""

__all__: list[str] = []
