"""Rebuild static/leaflet/ (the Leaflet copy the app serves itself, so maps work with no internet).

Sources, both from registries (no other downloads):

* npm package ``leaflet`` 1.9.4: ``dist/leaflet.js``, ``dist/leaflet.css``, ``dist/images/*`` and ``LICENSE``
  (BSD 2-Clause), fetched with ``npm pack``;
* the pinned folium wheel (requirements.txt): ``folium/templates/leaflet_heat.min.js``
  (Leaflet.heat, BSD 2-Clause).

Every file written is checked against the SHA-256 below, so a rebuild gives exactly the committed bytes.

    python scripts/vendor_leaflet.py
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "leaflet"
LEAFLET = "leaflet@1.9.4"
FOLIUM_VERSION = "0.20.0"

# target file -> (source inside the npm tarball, or "folium:<path>" inside the folium package), sha256
FILES = {
    "leaflet.js": (
        "package/dist/leaflet.js",
        "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    ),
    "leaflet.css": (
        "package/dist/leaflet.css",
        "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    ),
    "LICENSE-leaflet.txt": (
        "package/LICENSE",
        "53e8dc25862014e4324741ca18fbe3611e11d42ef69f59f86ea8c5389647d4cb",
    ),
    "images/layers.png": (
        "package/dist/images/layers.png",
        "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    ),
    "images/layers-2x.png": (
        "package/dist/images/layers-2x.png",
        "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    ),
    "images/marker-icon.png": (
        "package/dist/images/marker-icon.png",
        "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
    ),
    "images/marker-icon-2x.png": (
        "package/dist/images/marker-icon-2x.png",
        "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
    ),
    "images/marker-shadow.png": (
        "package/dist/images/marker-shadow.png",
        "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
    ),
    "leaflet-heat.js": (
        "folium:templates/leaflet_heat.min.js",
        "7378c428ff2318ec48e7e73c0d46061f938aa75551c519c74cd790b044dfa0fa",
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    installed = importlib.metadata.version("folium")
    if installed != FOLIUM_VERSION:
        raise SystemExit(f"folium {installed} is installed; install the pinned {FOLIUM_VERSION} first")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", LEAFLET, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("leaflet-*.tgz")
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        for target, (source, digest) in FILES.items():
            if source.startswith("folium:"):
                src = Path(str(importlib.resources.files("folium") / source.removeprefix("folium:")))
            else:
                src = Path(tmp) / source
            dest = OUT / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            if sha256(dest) != digest:
                raise SystemExit(f"{dest}: sha256 {sha256(dest)} does not match the pinned {digest}")
    print(f"wrote {len(FILES)} files to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
