"""Incidents and areas: the spatial join, filters, and counts per area.

Modules
-------
join
    :func:`~jru_geo.areas.join.assign_areas`: each incident's district and LSOA, and whether it is
    in Kent.
filters
    :class:`~jru_geo.areas.filters.IncidentFilter` and :func:`~jru_geo.areas.filters.apply_filter`:
    the subset every page shows.
counts
    Counts of joined incidents by area (and rates per 1,000 residents), category, month and hour of
    the week.
"""

__all__: list[str] = []
