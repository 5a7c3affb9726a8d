"""What 'Open data ophalen' does, step by step: per year the buurten and wijken of the chosen gemeenten, the
Leefbaarometer scores, optionally the national attribute tables (the reference set), and a 'bronnen' table."""

from .discover import Discovery
from .fetch import CancelledError, describe, fetch_layer
from .layers import write_features
from .requests import field_report

NATIONAL_LBM = "leefbaarometer_nl"
LICENCE_NOTE = "Herkomst en licentie per rij; vermeld de bron bij elk gebruik van de kaarten."


class OpenDataError(Exception):
    """Dutch, for the user."""


class OpenDataJob:
    def __init__(self, sources, cache, get, feedback, temp_folder, refresh=False):
        self.sources, self.cache, self.get, self.feedback = sources, cache, get, feedback
        self.temp_folder, self.refresh = temp_folder, refresh
        self.discovery = Discovery(get)
        self.rows = []  # the 'bronnen' table
        self._described = set()
        self.steps_done, self.steps = 0, 1

    def run(self, path, gemeenten, years, lbm_years, national):
        codes = [code for code, _ in gemeenten]
        self.steps = len(years) * (2 * len(codes) + national) + len(lbm_years) * (len(codes) + national)
        for year in years:
            edition = self.sources.edition("wijkenbuurten", year)
            for layer in ("buurten", "wijken"):
                features, crs = [], None
                for code, name in gemeenten:
                    found, crs = self._fetch(edition, layer, code)
                    if layer == "buurten" and not found:
                        raise OpenDataError(
                            f"{edition.title} {year} heeft geen buurten voor {name} ({code}). Bestond de gemeente in "
                            f"{year} al onder deze code? Na een herindeling heeft een gemeente een nieuwe code; "
                            f"kies dan een later jaar."
                        )
                    features += found
                self._report_fields(edition, features, layer)
                self._write(features, path, f"{layer}_{year}", crs=crs)
                if layer == "buurten" and national:
                    self._national_table(edition, path)
        lbm, national_lbm = [], []
        for year in lbm_years:
            edition = self.sources.edition("leefbaarometer", year)
            for code, name in gemeenten:
                found, _ = self._fetch(edition, "scores", code, attributes_only=True)
                if not found:
                    self.feedback.pushWarning(f"Leefbaarometer {year}: geen scores voor {name} ({code}).")
                lbm += _with_year(found, year)
            if national:
                national_lbm += _with_year(self._fetch(edition, "scores", None, attributes_only=True)[0], year)
        self._write(lbm, path, "leefbaarometer", geometry=False)
        if national:
            self._write(national_lbm, path, NATIONAL_LBM, geometry=False)
        self._write([{"properties": row} for row in self.rows], path, "bronnen", geometry=False)

    def _fetch(self, edition, layer, gemeente, attributes_only=False):
        """(canonical features, the CRS of their coordinates)."""
        if self.feedback.isCanceled():
            raise CancelledError()
        cached, from_cache = fetch_layer(
            edition,
            layer,
            gemeente,
            self.get,
            self.cache,
            self.sources.page_size,
            self.feedback,
            self.discovery,
            attributes_only,
            self.refresh,
        )
        area = gemeente or "heel Nederland"
        if from_cache and not self.refresh:  # after a failed refresh the warning already said it
            self.feedback.pushInfo(
                f"Uit de cache (opgehaald {cached.fetched_at}): {edition.title} {edition.year}, {layer}, {area}. "
                f"Kies 'Opnieuw ophalen' voor de nieuwste versie van de dienst."
            )
        self.rows.append(
            {
                "bron": edition.source,
                "titel": edition.title,
                "jaar": edition.year,
                "laag": layer,
                "gebied": area,
                "url": cached.url,
                "typenaam": (cached.schema or {}).get("type_name", ""),
                "editie": cached.service_time or f"{edition.title} {edition.year}",
                "opgehaald": cached.fetched_at,
                "uit_cache": 1 if from_cache else 0,
                "objecten": len(cached.features),
                "licentie": edition.licence,
            }
        )
        if cached.schema and (edition.source, edition.year, layer) not in self._described:
            self._described.add((edition.source, edition.year, layer))
            self.feedback.pushInfo(f"{edition.title} {edition.year}, {layer}: {describe(cached.schema)}.")
        self.steps_done += 1
        self.feedback.setProgress(100 * self.steps_done / max(self.steps, 1))
        return cached.features, cached.crs

    def _national_table(self, edition, path):
        features, _ = self._fetch(edition, "buurten", None, attributes_only=True)
        self._report_fields(edition, features, "buurten (heel Nederland)")
        self._write(features, path, f"referentie_{edition.year}", geometry=False)

    def _report_fields(self, edition, features, layer):
        absent, unpublished = field_report(features, edition.field_map, layer)
        for name in unpublished:
            self.feedback.pushWarning(
                f"{edition.title} {edition.year}, {layer}: veld '{name}' is in deze versie van de editie nog niet "
                f"gepubliceerd (overal -99995). Een latere versie van de editie heeft het mogelijk: haal dan opnieuw "
                f"op met 'Opnieuw ophalen'."
            )
        if absent and layer == "buurten":
            self.feedback.pushInfo(
                f"{edition.title} {edition.year}: niet in deze editie: {', '.join(absent)} (veldkaart in "
                f"{edition.path})."
            )

    def _write(self, features, path, name, geometry=True, crs="OGC:CRS84"):
        if self.feedback.isCanceled():
            raise CancelledError()
        error = write_features(features, path, name, self.temp_folder, geometry=geometry, crs=crs)
        if error:
            raise OpenDataError(f"Kan laag '{name}' niet in {path} schrijven: {error}")


def _with_year(features, year):
    return [{**f, "properties": {**(f.get("properties") or {}), "jaar": year}} for f in features]
