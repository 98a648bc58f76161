"""JRU Geo: joint-response (police + paramedic) coverage planning for Kent.

The library is pure and typed, works in EPSG:27700 metres and never imports streamlit.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
