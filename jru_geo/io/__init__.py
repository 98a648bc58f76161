"""Reading JRU Geo's inputs, all in British National Grid (EPSG:27700).

Modules
-------
boundaries
    The embedded Kent geography (districts, LSOAs, outline), postcodes and candidate-site tables.
incidents
    :func:`~jru_geo.io.incidents.read_incidents`: police.uk, STATS19 and generic CAD files into one
    schema, with every unusable row accounted for; helped by the private ``_table`` (bytes to a text
    table), ``_formats`` (column plans), ``_values`` (ids, numbers, times) and ``_locate``
    (coordinates and postcodes to points).
categories
    The JRU incident categories and the mapping of source labels onto them.
scenario
    The fleet scenario schema (vehicles, bases, shifts); ``scenario_files`` reads and writes it as
    JSON or YAML, ``_scenario_errors`` words its validation errors, ``bases`` resolves each base
    to a point.
sites
    Candidate sites for a new unit.
demo
    The seeded synthetic demo year of incidents.
"""

__all__: list[str] = []
