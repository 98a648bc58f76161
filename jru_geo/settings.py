"""One frozen, typed settings object for JRU Geo.

All paths and tunable constants that are not part of a scenario live here. Build a variant with
``dataclasses.replace(DEFAULT_SETTINGS, snap_m=250)``; invalid values raise at construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jru_geo.errors import SettingsError

__all__ = ["Settings", "DEFAULT_SETTINGS", "PROJECT_ROOT", "BNG", "WGS84", "MAX_NEW_UNITS"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

BNG = "EPSG:27700"
"""British National Grid: the CRS used everywhere inside jru_geo (metres)."""

WGS84 = "EPSG:4326"
"""Longitude/latitude: used only at the map edge and for reading lon/lat inputs."""


@dataclass(frozen=True)
class Settings:
    """Paths and constants shared by the library.

    Parameters
    ----------
    data_dir
        Folder holding the committed data built by ``scripts/build_data.py``.
    snap_m
        Points outside every district but within this distance (metres) of one are reported with
        that district as the nearest (police.uk snaps a few points just over the border or coast).
    max_upload_mb
        Largest incident or scenario file the dashboard accepts, in megabytes.
    """

    data_dir: Path = field(default=PROJECT_ROOT / "data")
    snap_m: float = 500.0
    max_upload_mb: int = 200

    def __post_init__(self) -> None:
        """Check the settings (raise :class:`~jru_geo.errors.SettingsError` on a bad value)."""
        if self.snap_m < 0:
            raise SettingsError(f"snap_m must be >= 0 metres, got {self.snap_m!r}")
        if self.max_upload_mb <= 0:
            raise SettingsError(f"max_upload_mb must be > 0, got {self.max_upload_mb!r}")

    @property
    def boundaries_dir(self) -> Path:
        """Folder of the committed boundaries (LSOAs, districts, outline, postcodes)."""
        return self.data_dir / "boundaries"

    @property
    def sites_dir(self) -> Path:
        """Folder of the committed candidate sites."""
        return self.data_dir / "sites"

    @property
    def roads_dir(self) -> Path:
        """Folder of the committed road travel times."""
        return self.data_dir / "roads"

    @property
    def scenarios_dir(self) -> Path:
        """Folder of the committed shipped scenarios."""
        return self.data_dir / "scenarios"


DEFAULT_SETTINGS = Settings()

MAX_NEW_UNITS = 10
"""Most new units one recommendation places (each costs ``patterns x screen`` engine runs)."""
