"""Fetched pages kept per source, edition, layer and gemeente, so a second run works offline. Pure Python."""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

ENV = "VEERKRACHT_CACHE"


@dataclass
class Cached:
    features: list
    url: str
    fetched_at: str
    service_time: str


class Cache:
    """One GeoJSON file per request series; its key holds the first URL's hash, so a changed line of
    bronnen.json never answers from the old service's data."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def key(self, edition, layer, scope, url):
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
        return f"{edition.source}-{edition.year}-{layer}-{scope}-{digest}"

    def read(self, key):
        path = self.folder / f"{key}.geojson"
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            meta = data["veerkracht"]
            return Cached(data["features"], meta["url"], meta["opgehaald"], meta.get("tijdstempel") or "")
        except (OSError, ValueError, KeyError):
            return None  # absent or damaged: fetch again

    def write(self, key, cached):
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.geojson"
        partial = path.with_suffix(f".{os.getpid()}.part")
        data = {
            "type": "FeatureCollection",
            "veerkracht": {"url": cached.url, "opgehaald": cached.fetched_at, "tijdstempel": cached.service_time},
            "features": cached.features,
        }
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data))  # dumps uses the C encoder, dump(handle) the slow Python one
        os.replace(partial, path)  # a cancelled run never leaves half a cache file


def default_cache():
    """VEERKRACHT_CACHE, else a folder in the user's QGIS profile (kept between sessions)."""
    if os.environ.get(ENV):
        return Cache(os.environ[ENV])
    from qgis.core import QgsApplication  # only here: the rest of this module is plain Python

    return Cache(Path(QgsApplication.qgisSettingsDirPath()) / "cache" / "veerkracht")
