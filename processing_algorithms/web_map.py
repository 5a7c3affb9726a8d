"""veerkracht:webkaart: one self-contained HTML page with the maps, for partners without QGIS."""

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..veerkracht_plugin.compat import POLYGON_SOURCE
from .base import VeerkrachtAlgorithm, maps_parameter


class WebMapAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    GEMEENTEN = "GEMEENTEN"
    MAPS = "MAPS"
    TITLE = "TITLE"
    OUTPUT = "OUTPUT"
    BUURTEN = "BUURTEN"
    BYTES = "BYTES"

    NAME = "webkaart"
    DISPLAY_NAME = "Webkaart voor partners"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Maakt één HTML-bestand met de veerkrachtkaarten voor partners zonder QGIS (gemeente, zorg- en "
        "welzijnspartners, huurders): dubbelklikken opent het in elke browser, zonder server en zonder internet.\n\n"
        "In de pagina: de gekozen kaarten om tussen te wisselen, met legenda's in de kleuren en labels van de "
        "stijlen van de plugin; per buurt bij een klik de naam, de klasse, de cijfers erachter en het "
        "handelingsperspectief; wijk- en gemeentegrenzen; zoeken op buurtnaam; bronnen, edities en referentieset "
        "zoals in de metadata van de laag; een knop om de kaart af te drukken. Een achtergrondkaart (BRT-"
        "Achtergrondkaart van PDOK) staat uit en is aan te zetten; alleen die haalt iets van internet.\n\n"
        "De grenzen worden in RD New vereenvoudigd voor het scherm (gedeelde grenzen één keer, zodat buurten "
        "zonder gaten of overlap blijven aansluiten) en de coördinaten afgerond: een grote gemeente blijft een "
        "paar MB. Kaartbibliotheek Leaflet 1.9.4 zit in de pagina (BSD-licentie).\n\n"
        "Gemeenten kiest u met hun code (GM0344) of naam, gescheiden door komma's; leeg: alle gemeenten van de "
        "laag. Namen van buurten en de titel komen als tekst in de pagina, nooit als HTML."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(
            QgsProcessingParameterVectorLayer(self.INPUT, "Laag met veerkrachtkaarten", [POLYGON_SOURCE]),
            "Een laag uit 'Veerkrachtkaarten maken' of 'Veerkrachtkaarten berekenen' (met de velden "
            "<kaart>_klasse van de negen kaarten).",
        )
        self.add_parameter(
            QgsProcessingParameterString(self.GEMEENTEN, "Gemeenten (codes of namen; leeg: alle)", optional=True),
            "Codes of namen gescheiden door komma's, bijvoorbeeld GM0344 of Utrecht, Baarn. Leeg: alle gemeenten van "
            "de laag.",
        )
        self.add_parameter(maps_parameter(self.MAPS, "Kaarten"), "De kaarten in de pagina; standaard alle negen.")
        self.add_parameter(
            QgsProcessingParameterString(self.TITLE, "Titel (leeg: 'Veerkrachtkaarten <gemeente>')", optional=True),
            "Bovenaan de pagina en in de tab van de browser.",
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, "Webkaart (HTML)", "HTML (*.html *.htm)"),
            "Eén HTML-bestand. Het verschijnt pas als het helemaal klaar is; een eerdere webkaart blijft staan "
            "als het maken mislukt of wordt geannuleerd.",
        )
        self.addOutput(QgsProcessingOutputNumber(self.BUURTEN, self.tr("Aantal buurten")))
        self.addOutput(QgsProcessingOutputNumber(self.BYTES, self.tr("Grootte van de pagina (bytes)")))

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.layer_queries import is_veerkracht_layer
        from ..veerkracht_plugin.webmap import content, page

        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        if not is_veerkracht_layer(layer):
            raise QgsProcessingException(
                self.tr(
                    "Laag '{}' heeft niet de velden van de negen kaarten (zoals signalering_klasse): maak eerst de "
                    "kaarten met 'Veerkrachtkaarten maken'."
                ).format(layer.name())
            )
        wanted = [g.strip() for g in self.parameterAsString(parameters, self.GEMEENTEN, context).split(",")]
        maps = [MAP_IDS[i] for i in sorted(self.parameterAsEnums(parameters, self.MAPS, context))] or list(MAP_IDS)
        title = self.parameterAsString(parameters, self.TITLE, context).strip()
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context)).resolve()

        feedback.setProgressText(self.tr("Buurten, klassen en cijfers lezen"))
        try:
            data = page.page_data(layer, [g for g in wanted if g], maps, title, feedback=feedback)
        except content.ContentError as error:
            raise QgsProcessingException(str(error)) from error
        if data is None:
            return {}
        if not title:
            names = sorted(data["gemeenten"].values())
            shown = ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:2])} en {len(names) - 2} andere"
            data["titel"] = f"Veerkrachtkaarten {shown}"
        feedback.setProgress(90)
        feedback.setProgressText(self.tr("Pagina schrijven"))
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = self.staged_path(target)
        size = page.write(staged, data)
        count = len(data["buurten"]["code"])
        feedback.pushInfo(
            self.tr("Webkaart met {} buurten en {} kaarten: {} ({:.0f} kB).").format(
                count, len(data["kaarten"]), target, size / 1024
            )
        )
        feedback.setProgress(100)
        return {self.OUTPUT: str(staged), self.BUURTEN: count, self.BYTES: size}
