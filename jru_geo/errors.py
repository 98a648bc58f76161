"""Errors raised by JRU Geo.

Every error the library raises on purpose is a :class:`JruGeoError`. Subclasses also inherit the
built-in exception that fits, so callers may catch either (``except ValueError`` keeps working
where it did). Messages say what is wrong, the value received and how to fix it.

Pydantic field validators in :mod:`jru_geo.io.scenario` still raise a plain :class:`ValueError`:
pydantic turns it into a validation error, which :func:`jru_geo.io.scenario_files.parse_scenario`
reports as a :class:`ScenarioError`.
"""

from __future__ import annotations

__all__ = [
    "JruGeoError",
    "DataFileError",
    "IncidentFileError",
    "ScenarioError",
    "CandidatesFileError",
    "TravelModelError",
    "SettingsError",
    "CrsError",
    "ColumnsError",
    "TimestampError",
    "FilterError",
    "AreasError",
    "DemoError",
    "QueueingError",
    "CoverageError",
    "BusinessCaseError",
    "PlacementError",
    "PlanningError",
    "MapError",
    "OutputFileError",
    "AreaError",
]


class JruGeoError(Exception):
    """Base class for every error JRU Geo raises on purpose."""


class DataFileError(FileNotFoundError, JruGeoError):
    """A committed data file is missing or unreadable (rebuild with scripts/build_data.py)."""


class IncidentFileError(ValueError, JruGeoError):
    """A file cannot be used as an incident file at all (empty, binary, wrong columns...)."""


class ScenarioError(ValueError, JruGeoError):
    """A scenario file is invalid; the message names the field."""


class CandidatesFileError(ValueError, JruGeoError):
    """A candidate-sites file is invalid; the message names the row and field."""


class TravelModelError(ValueError, JruGeoError):
    """A travel-time model cannot be built or used with the inputs given."""


class SettingsError(ValueError, JruGeoError):
    """A :class:`~jru_geo.settings.Settings` value is out of range."""


class CrsError(ValueError, JruGeoError):
    """A GeoDataFrame or GeoSeries has no CRS, so it cannot be put on the British National Grid."""


class ColumnsError(ValueError, JruGeoError):
    """A table lacks columns a function needs; the message names them and what was found."""


class TimestampError(TypeError, JruGeoError):
    """Times were expected (datetimes) but something else was given."""


class FilterError(ValueError, JruGeoError):
    """An incident filter (dates, days, hours) is inconsistent."""


class AreasError(ValueError, JruGeoError):
    """The district and LSOA tables given to the spatial join do not match each other."""


class DemoError(ValueError, JruGeoError):
    """The settings of the synthetic demo-year generator are invalid."""


class QueueingError(ValueError, JruGeoError):
    """The inputs to a queueing model (hypercube, schedule, simulation, MEXCLP) are inconsistent."""


class CoverageError(ValueError, JruGeoError):
    """The inputs to the coverage engine (targets, slots, demand, areas) are invalid."""


class BusinessCaseError(ValueError, JruGeoError):
    """A business-case or workload figure (costs, hours, jobs per shift) is invalid."""


class PlacementError(ValueError, JruGeoError):
    """The inputs to the next-unit optimiser are inconsistent (shapes, values, ``k``)."""


class PlanningError(ValueError, JruGeoError):
    """A planning request (a unit to add or move, the demand window) cannot be met."""


class MapError(ValueError, JruGeoError):
    """The inputs to a map or report builder are invalid (colours, cell sizes, columns)."""


class OutputFileError(ValueError, JruGeoError):
    """An output path cannot be used: it is one of the inputs or another output, or its columns clash."""


class AreaError(ValueError, JruGeoError):
    """An ``--area`` name (police force slug) is unknown, or the national LSOA table cannot be built."""
