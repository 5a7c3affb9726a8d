"""Fetched pages kept per source, edition, layer and gemeente, so a second run works offline. Pure Python."""

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ENV = "VEERKRACHT_CACHE"


@dataclass
class Cached:
    features: list  # under the canonical names
    url: str
    fetched_at: str
    service_time: str
    crs: str = "OGC:CRS84"  # what the coordinates are in
    schema: dict = field(default_factory=dict)  # the service's schema they came with (schema.Schema.to_json)


class Cache:
    """One GeoJSON file per request series; its key holds a hash of the bronnen.json line, so a changed line
    never answers from the old service's data. A cache that cannot be written is said, never fatal."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def key(self, edition, layer, scope, line):
        digest = hashlib.sha1(line.encode("utf-8")).hexdigest()[:10]
        return f"{edition.source}-{edition.year}-{layer}-{scope}-{digest}"

    def read(self, key):
        path = self.folder / f"{key}.geojson"
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            meta = data["veerkracht"]
            return Cached(
                data["features"],
                meta["url"],
                meta["opgehaald"],
                meta.get("tijdstempel") or "",
                meta["crs"],
                meta["schema"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, damaged or of an older format: fetch again

    def write(self, key, cached):
        """'' or a Dutch warning: the data is fetched; only keeping it failed."""
        path = self.folder / f"{key}.geojson"
        partial = path.with_suffix(f".{os.getpid()}.part")
        data = {
            "type": "FeatureCollection",
            "veerkracht": {
                "url": cached.url,
                "opgehaald": cached.fetched_at,
                "tijdstempel": cached.service_time,
                "crs": cached.crs,
                "schema": cached.schema,
            },
            "features": cached.features,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data))  # dumps uses the C encoder, dump(handle) the slow Python one
            os.replace(partial, path)  # a cancelled run never leaves half a cache file
        except OSError as error:
            try:
                partial.unlink()
            except OSError:
                pass
            return (
                f"De cache {self.folder} is niet te schrijven ({error.strerror or error}); er wordt zonder cache "
                f"verder gewerkt: een volgende keer wordt opnieuw opgehaald. Kies een andere map met de "
                f"omgevingsvariabele {ENV}, of maak deze map schrijfbaar."
            )
        return ""


def default_cache():
    """VEERKRACHT_CACHE, else a folder in the user's QGIS profile (kept between sessions)."""
    if os.environ.get(ENV):
        return Cache(os.environ[ENV])
    from qgis.core import QgsApplication  # only here: the rest of this module is plain Python

    return Cache(Path(QgsApplication.qgisSettingsDirPath()) / "cache" / "veerkracht")
