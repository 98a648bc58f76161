"""Colours and class breaks shared by the maps and the report (Okabe-Ito, viridis)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jru_geo.errors import MapError

__all__ = ["OKABE_ITO", "viridis_hex", "class_breaks"]

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
"""The Okabe-Ito colour-blind-safe palette for categorical marks."""

_LAND = "#f4f1ea"
_SEA = "#dde8f0"
_LINE = "#4d4d4d"
_HEAT_GRADIENT = {0.2: "#3b528b", 0.4: "#21918c", 0.6: "#5ec962", 0.8: "#c8e020", 1.0: "#fde725"}


def viridis_hex(n: int) -> list[str]:
    """``n`` evenly spaced viridis colours as hex strings, dark (low) to yellow (high)."""
    if n < 1:
        raise MapError(f"need at least one colour, got n={n}")
    from matplotlib import colormaps  # matplotlib only when colours are asked for

    cmap = colormaps["viridis"]
    stops = [0.5] if n == 1 else np.linspace(0.05, 0.95, n)
    return ["#{:02x}{:02x}{:02x}".format(*(int(round(255 * c)) for c in cmap(float(s))[:3])) for s in stops]


def class_breaks(values: Sequence[float] | np.ndarray, *, n_classes: int = 5) -> list[float]:
    """Upper bounds of ``n_classes`` equal-count (quantile) classes, rounded for a legend.

    Returns at most ``n_classes`` strictly increasing values; the last is the maximum. Empty or
    all-NaN input gives ``[0.0]``.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return [0.0]
    qs = np.quantile(arr, np.linspace(0, 1, n_classes + 1)[1:])
    span = float(arr.max() - arr.min()) or float(abs(arr.max())) or 1.0
    digits = max(0, int(np.ceil(-np.log10(span / 100))))
    rounded = [round(float(q), digits) for q in qs]
    rounded[-1] = max(rounded[-1], float(arr.max()))
    return sorted(set(rounded))


def _class_of(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    return np.minimum(np.searchsorted(np.asarray(breaks), values, side="left"), len(breaks) - 1)
