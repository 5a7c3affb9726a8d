"""veerkracht:opendata: a gemeente's buurten, wijken, kerncijfers and Leefbaarometer scores from the open
services listed in resources/bronnen.json, into one GeoPackage, through QGIS' network stack and a cache."""

from functools import partial
from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from ..veerkracht_plugin.compat import INTEGER
from .base import VeerkrachtAlgorithm, year_parameter


class OpenDataAlgorithm(VeerkrachtAlgorithm):
    GEMEENTEN = "GEMEENTEN"
    YEAR_START = "YEAR_START"
    YEAR_END = "YEAR_END"
    LBM_YEARS = "LBM_YEARS"
    NATIONAL = "NATIONAL"
    REFRESH = "REFRESH"
    TIMEOUT = "TIMEOUT"
    OUTPUT = "OUTPUT"

    NAME = "opendata"
    DISPLAY_NAME = "Open data ophalen"
    GROUP_ID = "bronnen"
    GROUP = "Bronnen"
    HELP = (
        "Haalt voor een of meer gemeenten op wat de veerkrachtkaarten nodig hebben: de CBS Wijk- en buurtkaart met "
        "kerncijfers (PDOK) van twee jaren (buurten en wijken), de Leefbaarometer-scores met de officiële klassen, en "
        "standaard ook de landelijke kerncijfers en Leefbaarometer-scores zonder geometrie (de referentieset: "
        "Nederland). Alles komt in één GeoPackage, met een tabel 'bronnen' (URL, editie, tijdstip, licentie).\n\n"
        "Het ophalen gaat via het netwerk van QGIS, dus met uw proxy- en authenticatie-instellingen. Wat eenmaal is "
        "opgehaald staat in een cache: een tweede keer werkt ook zonder internet (het logboek zegt dat). De "
        "adressen van de diensten staan in resources/bronnen.json (of het bestand in VEERKRACHT_BRONNEN). Daarna: "
        "'Veerkrachtkaarten maken' met de lagen uit dit GeoPackage."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(
            QgsProcessingParameterString(self.GEMEENTEN, "Gemeente(n)", defaultValue="Baarn"),
            "Namen of codes, gescheiden door komma's: Baarn, GM0344, 's-Hertogenbosch. Hoofdletters en apostrof "
            "maken niet uit.",
        )
        self.add_parameter(
            year_parameter(self.YEAR_START, "Beginjaar kerncijfers en buurten (leeg: standaard)", optional=True),
            "Leeg: het standaard beginjaar uit bronnen.json.",
        )
        self.add_parameter(
            year_parameter(self.YEAR_END, "Eindjaar kerncijfers en buurten (leeg: standaard)", optional=True),
            "Leeg: het standaard eindjaar uit bronnen.json (een editie die volledig gepubliceerd is).",
        )
        self.add_parameter(
            QgsProcessingParameterString(
                self.LBM_YEARS, "Leefbaarometer-jaren (leeg: de twee dichtstbij)", optional=True
            ),
            "Jaren gescheiden door komma's, bijvoorbeeld 2020, 2024. Leeg: de beschikbare jaren die het dichtst bij "
            "het begin- en eindjaar liggen.",
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(
                self.NATIONAL, "Ook landelijke cijfers ophalen (referentieset NL)", defaultValue=True
            ),
            "Aedes en het onderzoek vergelijken een buurt met heel Nederland. Zonder landelijke cijfers worden de "
            "klassen op de gekozen gemeenten alleen berekend: dat zijn andere kaarten.",
        )
        self.add_parameter(
            QgsProcessingParameterBoolean(self.REFRESH, "Opnieuw ophalen (cache negeren)", defaultValue=False),
            "Een editie krijgt soms nieuwe versies met meer gevulde velden; vink aan om de cache te vernieuwen.",
            True,
        )
        self.add_parameter(
            QgsProcessingParameterNumber(self.TIMEOUT, "Time-out per verzoek (seconden)", INTEGER, 60, minValue=1),
            "Zo lang wacht de plugin op een antwoord; daarna volgt een melding.",
            True,
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, "GeoPackage", "GeoPackage (*.gpkg)"),
            "Eén GeoPackage met de lagen buurten_<jaar>, wijken_<jaar>, leefbaarometer, bronnen (en referentie_<jaar>, "
            "leefbaarometer_nl).",
        )

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.sources.cache import default_cache
        from ..veerkracht_plugin.sources.catalogue import SourcesError, load_sources
        from ..veerkracht_plugin.sources.fetch import BadResponseError, CancelledError
        from ..veerkracht_plugin.sources.gemeenten import find_gemeenten
        from ..veerkracht_plugin.sources.job import OpenDataError, OpenDataJob
        from ..veerkracht_plugin.sources.network import FetchError, get
        from ..veerkracht_plugin.sources.schema import SchemaError

        try:
            sources = load_sources()
            gemeenten = find_gemeenten(self._list(parameters, self.GEMEENTEN, context))
            if not gemeenten:
                raise ValueError("Vul ten minste één gemeente in (naam of code, zoals Baarn of GM0308).")
            years = self._years(parameters, context, sources)
            lbm_years = self._lbm_years(parameters, context, sources, years)
        except (SourcesError, ValueError) as error:
            raise QgsProcessingException(str(error)) from None
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if target.suffix.lower() != ".gpkg":
            target = target.with_suffix(".gpkg")
        path = self.staged_path(target)
        timeout = self.parameterAsInt(parameters, self.TIMEOUT, context)
        national = self.parameterAsBool(parameters, self.NATIONAL, context)
        feedback.pushInfo(
            "Gemeenten: "
            + ", ".join(f"{name} ({code})" for code, name in gemeenten)
            + f"; kerncijfers en buurten {years[0]} en {years[1]}; Leefbaarometer {', '.join(map(str, lbm_years))}; "
            + ("met landelijke referentieset." if national else "zonder landelijke referentieset.")
        )
        job = OpenDataJob(
            sources,
            default_cache(),
            partial(get, feedback=feedback, timeout=timeout),
            feedback,
            QgsProcessingUtils.tempFolder(),
            refresh=self.parameterAsBool(parameters, self.REFRESH, context),
        )
        try:
            job.run(path, gemeenten, years, lbm_years, national)
        except CancelledError:
            return {}
        except (FetchError, BadResponseError, OpenDataError, SourcesError, SchemaError) as error:
            raise QgsProcessingException(str(error)) from None
        self.names = (gemeenten, years)
        return {self.OUTPUT: str(path)}

    def _list(self, parameters, name, context):
        text = self.parameterAsString(parameters, name, context) or ""
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]

    def _years(self, parameters, context, sources):
        start, end = sources.default_years
        if parameters.get(self.YEAR_START) not in (None, ""):
            start = self.parameterAsInt(parameters, self.YEAR_START, context)
        if parameters.get(self.YEAR_END) not in (None, ""):
            end = self.parameterAsInt(parameters, self.YEAR_END, context)
        if start >= end:
            raise ValueError(f"Het beginjaar ({start}) moet vóór het eindjaar ({end}) liggen.")
        for year in (start, end):
            sources.edition("wijkenbuurten", year)  # says which years exist when one does not
        return start, end

    def _lbm_years(self, parameters, context, sources, years):
        given = self._list(parameters, self.LBM_YEARS, context)
        if not given:
            chosen = sources.nearest_years("leefbaarometer", years)
            if not chosen:
                raise ValueError(f"Geen Leefbaarometer-jaren in {sources.path}.")
            return chosen
        try:
            chosen = sorted({int(year) for year in given})
        except ValueError:
            raise ValueError(f"Leefbaarometer-jaren: '{', '.join(given)}' zijn geen jaartallen.") from None
        for year in chosen:
            sources.edition("leefbaarometer", year)
        return chosen

    def after_commit(self, results, context):
        """The end year's buurten open in the project, named after the gemeenten."""
        if not results.get(self.OUTPUT) or context.project() is None:
            return
        gemeenten, years = self.names
        names = ", ".join(name for _, name in gemeenten)
        uri = f"{results[self.OUTPUT]}|layername=buurten_{years[1]}"
        details = QgsProcessingContext.LayerDetails(f"Buurten {names} {years[1]} (PDOK)", context.project(), "")
        context.addLayerToLoadOnCompletion(uri, details)
