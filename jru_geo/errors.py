"""Errors raised by JRU Geo.

Every error the library raises on purpose is a :class:`JruGeoError`. Subclasses also inherit the
built-in exception that fits, so callers may catch either. Messages say what is wrong, the value
received and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "JruGeoError",
    "DataFileError",
    "IncidentFileError",
    "ScenarioError",
    "CandidatesFileError",
    "TravelModelError",
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
