"""JSON for the command line: plain Python values, each float rounded to what it means.

A share (``coverage_*``, ``*_fraction``, ``*_share``, ``*_probability``) keeps 5 decimals (0.001
percentage points), minutes and hours 2, calls and incidents a year 1, degrees 6 and metres 1;
anything else 4. A key that means nothing (a vehicle id) keeps the digits of the key above it.
Rounding is by key name, so one table serves every command.

Examples
--------
>>> rounded({"coverage_expected": 0.153775178, "gain_per_year": 733.03349, "lat": 51.2712345678})
{'coverage_expected': 0.15378, 'gain_per_year': 733.0, 'lat': 51.271235}
"""

from __future__ import annotations

import json
import math

__all__ = ["rounded", "dumps"]

_RULES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("lat", "lon"), 6),
    (("easting", "northing"), 1),
    (("coverage", "fraction", "share", "probability", "_pp"), 5),
    (("per_crew_hour", "per_hour"), 4),
    (("per_year", "calls", "incidents", "population", "money", "cost", "net"), 1),
    (("_min", "hours", "jobs", "weeks", "years"), 2),
)


def _digits(key: str) -> int | None:
    lowered = key.lower()
    if lowered in ("lat", "lon"):
        return 6
    for needles, digits in _RULES:
        if any(n in lowered for n in needles if n not in ("lat", "lon")):
            return digits
    return None


def rounded(value: object, key: str = "") -> object:
    """Give ``value`` with numpy scalars made plain and every float rounded for its key.

    Parameters
    ----------
    value
        A dict, list, tuple or scalar (numpy scalars included).
    key
        The key ``value`` sits under (sets the digits of a float).

    Returns
    -------
    object
        The same structure; non-finite floats become ``None`` (JSON has no NaN).
    """
    if isinstance(value, dict):
        # a key that means nothing (a vehicle id) keeps the digits of the key above it
        return {str(k): rounded(v, str(k) if _digits(str(k)) is not None else key) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, key) for v in value]
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        value = value.item()  # a numpy scalar
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        digits = _digits(key)
        return round(value, 4 if digits is None else digits)
    return str(value)


def dumps(value: object) -> str:
    """Give ``value`` as indented JSON after :func:`rounded`."""
    return json.dumps(rounded(value), indent=2, ensure_ascii=False)
