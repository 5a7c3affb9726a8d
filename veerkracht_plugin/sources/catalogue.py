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
    layers: dict
    field_map: dict
    gemeente_filter: dict
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
            for year, entry in source["jaren"].items():
                editions[(name, int(year))] = _edition(name, int(year), source, entry, field_maps, path)
        defaults = data.get("standaard", {})
        return Sources(
            path=path,
            page_size=int(data.get("pagina", 1000)),
            default_years=(int(defaults.get("beginjaar", 2019)), int(defaults.get("eindjaar", 2023))),
            editions=editions,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SourcesError(
            f"Bronnenbestand {path} heeft niet de verwachte vorm: {error!r} ontbreekt of klopt niet."
        ) from None


def _edition(name, year, source, entry, field_maps, path):
    protocol = entry["protocol"]
    if protocol not in PROTOCOLS:
        raise SourcesError(
            f"{path}: bron '{name}' {year} heeft protocol '{protocol}'; mogelijk: {', '.join(PROTOCOLS)}."
        )
    field_map = entry["velden"]
    if isinstance(field_map, str):
        field_map = field_maps[field_map]
    return Edition(
        source=name,
        year=year,
        title=source.get("titel", name),
        licence=source.get("licentie", ""),
        protocol=protocol,
        url=entry["url"].rstrip("/"),
        layers=dict(entry["lagen"]),
        field_map={k: list(v) for k, v in field_map.items() if k != "toelichting"},
        gemeente_filter=dict(entry.get("gemeentefilter", {})),
        path=path,
    )
