"""Colours and class breaks shared by the maps and the report (Okabe-Ito, viridis)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

import numpy as np

from jru_geo.errors import MapError
from jru_geo.settings import PROJECT_ROOT

__all__ = ["OKABE_ITO", "VIRIDIS_PATH", "viridis_hex", "palette_json", "class_breaks"]

VIRIDIS_PATH = PROJECT_ROOT / "data" / "style" / "viridis.json"
"""matplotlib's viridis as 256 hex colours, written by ``scripts/build_palette.py``."""

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


def _hex(rgb: Sequence[float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(round(255 * c)) for c in rgb[:3]))


def palette_json() -> str:
    """Give the text of :data:`VIRIDIS_PATH` from the installed matplotlib (its 256 viridis colours)."""
    import matplotlib
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    colours = [_hex(cmap(i)) for i in range(cmap.N)]
    return (
        json.dumps(
            {"source": f"matplotlib {matplotlib.__version__} colormaps['viridis']", "colours": colours},
            indent=1,
        )
        + "\n"
    )


@functools.cache
def _viridis() -> tuple[str, ...]:
    try:
        colours = json.loads(VIRIDIS_PATH.read_text(encoding="utf-8"))["colours"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MapError(
            f"cannot read the viridis colours from {VIRIDIS_PATH} ({exc}); rebuild the file with "
            "PYTHONPATH=. python scripts/build_palette.py"
        ) from exc
    if not isinstance(colours, list) or len(colours) != 256:
        raise MapError(f"{VIRIDIS_PATH} must list 256 colours; rebuild it with scripts/build_palette.py")
    return tuple(str(c) for c in colours)


def viridis_hex(n: int) -> list[str]:
    """``n`` evenly spaced viridis colours as hex strings, dark (low) to yellow (high).

    The colours are matplotlib's (``colormaps["viridis"](s)`` at ``n`` stops from 0.05 to 0.95, or 0.5
    for one), read from :data:`VIRIDIS_PATH` so that drawing a map does not import matplotlib.
    """
    if n < 1:
        raise MapError(f"need at least one colour, got n={n}")
    colours = _viridis()
    stops = [0.5] if n == 1 else np.linspace(0.05, 0.95, n)
    # as matplotlib's Colormap looks a float up in its 256 colours: int(s * N), 1.0 on the last
    return [colours[min(int(float(s) * len(colours)), len(colours) - 1)] for s in stops]


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
