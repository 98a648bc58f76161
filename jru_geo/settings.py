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
    area
        The area's key: ``"kent"`` (the committed data) or the key of an area built by
        :func:`jru_geo.areas.area.area_settings` (``"surrey"``, ``"kent_surrey_sussex"``). The
        geography's file names start with it (``surrey_lsoas.geojson``).
    geo_dir
        Folder of the area's geography (boundaries, sites, roads, demo), laid out like ``data/``;
        None means ``data_dir``. Shipped scenarios and the units' history always come from
        ``data_dir``.
    area_name
        The area in words (``"Kent and Medway"``, ``"Surrey"``), for titles and reports.
    """

    data_dir: Path = field(default=PROJECT_ROOT / "data")
    snap_m: float = 500.0
    max_upload_mb: int = 200
    area: str = "kent"
    geo_dir: Path | None = None
    area_name: str = "Kent and Medway"

    def __post_init__(self) -> None:
        """Check the settings (raise :class:`~jru_geo.errors.SettingsError` on a bad value)."""
        if self.snap_m < 0:
            raise SettingsError(f"snap_m must be >= 0 metres, got {self.snap_m!r}")
        if self.max_upload_mb <= 0:
            raise SettingsError(f"max_upload_mb must be > 0, got {self.max_upload_mb!r}")
        if not self.area or not all(c.isalnum() or c in "-_" for c in self.area):
            raise SettingsError(f"area must be a key of letters, digits, '-' and '_', got {self.area!r}")

    @property
    def geography_dir(self) -> Path:
        """Folder of the area's geography: ``geo_dir``, or ``data_dir`` for the committed Kent data."""
        return self.data_dir if self.geo_dir is None else self.geo_dir

    @property
    def is_kent(self) -> bool:
        """True for the committed Kent data (the default area)."""
        return self.area == "kent" and self.geo_dir is None

    @property
    def area_label(self) -> str:
        """The area's short name for titles: ``"Kent"`` for the committed data, else ``area_name``."""
        return "Kent" if self.is_kent else self.area_name

    def area_file(self, folder: str, suffix: str) -> Path:
        """Path of one of the area's files: ``area_file("boundaries", "lsoas.geojson")``."""
        return self.geography_dir / folder / f"{self.area}_{suffix}"

    @property
    def boundaries_dir(self) -> Path:
        """Folder of the committed boundaries (LSOAs, districts, outline, postcodes)."""
        return self.geography_dir / "boundaries"

    @property
    def sites_dir(self) -> Path:
        """Folder of the committed candidate sites."""
        return self.geography_dir / "sites"

    @property
    def roads_dir(self) -> Path:
        """Folder of the committed road travel times."""
        return self.geography_dir / "roads"

    @property
    def demo_dir(self) -> Path:
        """Folder of the demo generator's calibration."""
        return self.geography_dir / "demo"

    @property
    def scenarios_dir(self) -> Path:
        """Folder of the committed shipped scenarios."""
        return self.data_dir / "scenarios"


DEFAULT_SETTINGS = Settings()

MAX_NEW_UNITS = 10
"""Most new units one recommendation places (each costs ``patterns x screen`` engine runs)."""
