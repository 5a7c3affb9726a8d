"""veerkracht:checksources: is every open data source of bronnen.json still where it was, with its fields?"""

from functools import partial

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..veerkracht_plugin.compat import ANY_VECTOR, FAST_INSERT, INTEGER, NO_GEOMETRY_WKB, make_field
from .base import VeerkrachtAlgorithm

FIELDS = (
    ("bron", "text"),
    ("jaar", "int32"),
    ("laag", "text"),
    ("bereikbaar", "int32"),
    ("objecten", "int32"),
    ("melding", "text"),
    ("velden_aanwezig", "text"),
    ("velden_ontbrekend", "text"),
    ("velden_niet_gepubliceerd", "text"),
    ("typenaam", "text"),
    ("velden_dienst", "text"),
    ("koppeling", "text"),
    ("gemeentefilter", "text"),
    ("url", "text"),
)


class CheckSourcesAlgorithm(VeerkrachtAlgorithm):
    GEMEENTE = "GEMEENTE"
    TIMEOUT = "TIMEOUT"
    OUTPUT = "OUTPUT"
    REPORT = "RAPPORT"

    NAME = "checksources"
    DISPLAY_NAME = "Bronnen controleren"
    GROUP_ID = "bronnen"
    GROUP = "Bronnen"
    HELP = (
        "Vraagt elke bron uit resources/bronnen.json (of VEERKRACHT_BRONNEN), voor elk jaar, om de buurten van één "
        "kleine gemeente en meldt per bron en jaar of de dienst antwoordt, welke laag en velden de dienst zelf noemt "
        "(GetCapabilities en DescribeFeatureType, of de collecties, queryables en één object van de OGC API), welke "
        "velden van de veldkaart daarop passen (de koppeling die 'Open data ophalen' gebruikt) en waarop de gemeente "
        "wordt gefilterd. "
        "Diensten verhuizen: werkt een bron niet meer, dan noemt de melding de regel in bronnen.json die u aanpast. "
        "Gebruikt de cache niet."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(
            QgsProcessingParameterString(self.GEMEENTE, "Gemeente om mee te testen", "Baarn"),
            "Een kleine gemeente houdt de verzoeken klein (naam of code).",
        )
        self.add_parameter(
            QgsProcessingParameterNumber(self.TIMEOUT, "Time-out per verzoek (seconden)", INTEGER, 30, minValue=1),
            "Zo lang wacht de plugin per bron op een antwoord; daarna telt de bron als niet bereikbaar.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, "Bronnen gecontroleerd", ANY_VECTOR),
            "Per bron, jaar en laag: bereikbaar of niet, de melding, de typenaam en velden van de dienst, en de koppeling "
            "naar de vaste namen.",
        )
        self.addOutput(QgsProcessingOutputString(self.REPORT, self.tr("Samenvatting")))

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.sources.catalogue import SourcesError, load_sources
        from ..veerkracht_plugin.sources.check import check_sources
        from ..veerkracht_plugin.sources.fetch import CancelledError
        from ..veerkracht_plugin.sources.gemeenten import find_gemeenten
        from ..veerkracht_plugin.sources.network import get

        try:
            sources = load_sources()
            found = find_gemeenten([self.parameterAsString(parameters, self.GEMEENTE, context)])
        except (SourcesError, ValueError) as error:
            raise QgsProcessingException(str(error)) from None
        if not found:
            raise QgsProcessingException(self.tr("Vul een gemeente in, zoals Baarn of GM0308."))
        timeout = self.parameterAsInt(parameters, self.TIMEOUT, context)
        fields = QgsFields()
        for name, kind in FIELDS:
            fields.append(make_field(name, kind))
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, NO_GEOMETRY_WKB, QgsCoordinateReferenceSystem()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        try:
            checks = check_sources(sources, found[0][0], partial(get, feedback=feedback, timeout=timeout), feedback)
        except CancelledError:
            return {}
        for check in checks:
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    check.source,
                    check.year,
                    check.layer,
                    int(check.reachable),
                    check.features,
                    check.message,
                    ", ".join(check.present),
                    ", ".join(check.absent),
                    ", ".join(check.unpublished),
                    check.type_name,
                    ", ".join(check.properties),
                    check.mapping_text(),
                    check.filter_on,
                    check.url,
                ]
            )
            sink.addFeature(feature, FAST_INSERT)
        working = sum(c.reachable for c in checks)
        report = f"{working} van {len(checks)} bronnen en jaren bereikbaar ({sources.path})."
        (feedback.pushInfo if working == len(checks) else feedback.pushWarning)(report)
        return {self.OUTPUT: dest, self.REPORT: report}
