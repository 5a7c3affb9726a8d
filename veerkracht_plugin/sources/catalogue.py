"""resources/bronnen.json (or the file named by VEERKRACHT_BRONNEN): every URL and field map in one place, so a
service that moved is a one-line fix. Pure Python: no Qt."""

import json
import os
from dataclasses import dataclass

from ..paths import RESOURCES_DIR

DEFAULT_PATH = RESOURCES_DIR / "bronnen.json"
ENV = "VEERKRACHT_BRONNEN"
PROTOCOLS = ("ogcapi", "wfs", "bestand")


class SourcesError(ValueError):
    """A Dutch message about bronnen.json itself."""


@dataclass
class Edition:
    """One source in one year: where and how to ask, and what its fields are called."""

    source: str
    year: int
    title: str
    licence: str
    protocol: str
    url: str
    layers: dict  # layer -> the names it may have at the service, in order of preference ('{jaar}' filled in)
    field_map: dict  # canonical name -> aliases, compared without regard to case and underscores
    path: str

    def where(self):
        """How the user finds the line to fix."""
        return f"'bronnen' -> '{self.source}' -> 'jaren' -> '{self.year}' in {self.path}"


@dataclass
class Sources:
    path: str
    page_size: int
    default_years: tuple
    editions: dict  # (source, year) -> Edition

    def years(self, source):
        return sorted(year for (name, year) in self.editions if name == source)

    def edition(self, source, year):
        found = self.editions.get((source, int(year)))
        if found is None:
            known = ", ".join(str(y) for y in self.years(source)) or "geen"
            raise SourcesError(
                f"Geen bron '{source}' voor {year} in {self.path}. Beschikbare jaren: {known}. Voeg het jaar toe "
                f"aan bronnen.json of kies een beschikbaar jaar."
            )
        return found

    def nearest_years(self, source, years, count=2):
        """The ``count`` available years nearest to the given years (one per given year where possible)."""
        available = self.years(source)
        chosen = []
        for wanted in years:
            options = [y for y in available if y not in chosen]
            if options:
                chosen.append(min(options, key=lambda y: (abs(y - wanted), -y)))
        return sorted(chosen[:count])


def sources_path():
    return os.environ.get(ENV) or str(DEFAULT_PATH)


def load_sources(path=None):
    path = str(path or sources_path())
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise SourcesError(f"Bronnenbestand {path} bestaat niet (zie de omgevingsvariabele {ENV}).") from None
    except (OSError, ValueError) as error:
        raise SourcesError(f"Bronnenbestand {path} is geen leesbare JSON: {error}.") from None
    try:
        field_maps = data["veldkaarten"]
        editions = {}
        for name, source in data["bronnen"].items():
            years = source.get("jaren") if isinstance(source, dict) else None
            if not isinstance(years, dict):
                raise SourcesError(
                    f"{path}: 'bronnen' -> '{name}' -> 'jaren' moet een object zijn met per jaar een regel "
                    f'(zoals "2023": {{"protocol": ..., "url": ...}}), geen {type(years).__name__}.'
                )
            for year, entry in years.items():
                editions[(name, int(year))] = _edition(name, int(year), source, entry, field_maps, path)
        defaults = data.get("standaard", {})
        return Sources(
            path=path,
            page_size=int(data.get("pagina", 1000)),
            default_years=(int(defaults.get("beginjaar", 2019)), int(defaults.get("eindjaar", 2023))),
            editions=editions,
        )
    except SourcesError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise SourcesError(
            f"Bronnenbestand {path} heeft niet de verwachte vorm: {error!r} ontbreekt of klopt niet."
        ) from None


def _edition(name, year, source, entry, field_maps, path):
    where = f"'bronnen' -> '{name}' -> 'jaren' -> '{year}' in {path}"
    missing = [key for key in ("protocol", "url", "lagen", "velden") if not isinstance(entry, dict) or key not in entry]
    if missing:
        raise SourcesError(f"{where} mist {', '.join(repr(k) for k in missing)}: vul aan zoals bij de andere jaren.")
    protocol = entry["protocol"]
    if protocol not in PROTOCOLS:
        raise SourcesError(
            f"{path}: bron '{name}' {year} heeft protocol '{protocol}'; mogelijk: {', '.join(PROTOCOLS)}."
        )
    field_map = entry["velden"]
    if isinstance(field_map, str):
        if field_map not in field_maps:
            raise SourcesError(f"{where}: veldkaart '{field_map}' staat niet onder 'veldkaarten'.")
        field_map = field_maps[field_map]
    layers = entry["lagen"]
    if not isinstance(layers, dict) or not isinstance(entry["url"], str):
        raise SourcesError(f"{where}: 'url' moet tekst zijn en 'lagen' een object (laag -> naam of namen).")
    return Edition(
        source=name,
        year=year,
        title=source.get("titel", name),
        licence=source.get("licentie", ""),
        protocol=protocol,
        url=entry["url"].rstrip("/"),
        layers={layer: [names] if isinstance(names, str) else list(names) for layer, names in layers.items()},
        field_map={k: [v] if isinstance(v, str) else list(v) for k, v in field_map.items() if k != "toelichting"},
        path=path,
    )
