"""veerkracht:computemaps: the nine veerkrachtkaarten from a joined buurt layer."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..veerkracht_plugin.compat import INTEGER, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm, counted
from .support.layer_io import frame_rows, output_fields, read_columns, write_features
from .support.map_results import post_processor


class ComputeMapsAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    INPUT_FIELD = "INPUT_FIELD"
    LBM_CLASS = "LBM_CLASS"
    AFW = "AFW"
    ONV_START = "ONV_START"
    ONV_END = "ONV_END"
    KWETSBAAR_START = "KWETSBAAR_START"
    KWETSBAAR_END = "KWETSBAAR_END"
    CORPORATIE = "CORPORATIE"
    INWONERS = "INWONERS"
    MIN_INWONERS = "MIN_INWONERS"
    OUTPUT = "OUTPUT"
    REFERENCE = "REFERENTIESET"
    ONLY_WITH_GEOMETRY = "ONLY_WITH_GEOMETRY"

    # parameter -> (canonical column in the core, Dutch description)
    FIELD_PARAMETERS = {
        LBM_CLASS: ("lbm_klasse", "Leefbaarometer-klasse 1-9 (officieel, gaat voor afw)"),
        AFW: ("afw", "Leefbaarometer afwijking (afw), eindjaar"),
        ONV_START: ("onv_t0", "Overlast en onveiligheid (onv), beginjaar"),
        ONV_END: ("onv_t1", "Overlast en onveiligheid (onv), eindjaar"),
        KWETSBAAR_START: ("kwetsbaar_t0", "Concentratie kwetsbare bewoners, beginjaar"),
        KWETSBAAR_END: ("kwetsbaar_t1", "Concentratie kwetsbare bewoners, eindjaar"),
        CORPORATIE: ("corporatie", "Percentage corporatiewoningen"),
        INWONERS: ("inwoners", "Aantal inwoners"),
    }

    NAME = "computemaps"
    DISPLAY_NAME = "Veerkrachtkaarten berekenen"
    HELP = (
        "Berekent de negen veerkrachtkaarten per buurt: leefbaarheid, overlast, ontwikkeling overlast, "
        "kwetsbare bewoners, ontwikkeling kwetsbare bewoners, corporatiebezit, signalering (absoluut en "
        "relatief) en de focuskaart.\n\n"
        "Elke kaart krijgt drie velden: <kaart>_waarde, <kaart>_klasse en <kaart>_label. Klasse 0 is "
        "'onvoldoende gegevens': ontbrekende invoer, of minder inwoners dan het minimum. Een kaart waarvan de "
        "invoer niet is opgegeven is overal klasse 0; het logboek zegt waarom.\n\n"
        "De referentieset (gemiddelde, standaardafwijking, percentielen) is elke buurt in de invoerlaag met alle "
        "invoer van die kaart: laad de hele gemeente, of het hele land, als referentie. Water-buurten "
        "(water = JA) doen niet mee.\n\n"
        "Drempels, labels en kleuren staan in resources/kaarten.json; de regels in docs/methode.md. De uitvoer is een "
        "GeoPackage (.gpkg) of een tijdelijke laag: een shapefile zou de veldnamen afkorten, dus een andere extensie "
        "wordt geweigerd."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Buurtlaag met indicatoren"), [POLYGON_SOURCE])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.INPUT_FIELD,
                self.tr("Buurtcodeveld (leeg: automatisch herkennen)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        for name, (_, description) in self.FIELD_PARAMETERS.items():
            self.addParameter(
                QgsProcessingParameterField(
                    name, self.tr(description), parentLayerParameterName=self.INPUT, optional=True
                )
            )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_INWONERS, self.tr("Minimum aantal inwoners (anders klasse 0)"), INTEGER, 50, minValue=0
            )
        )
        only = QgsProcessingParameterBoolean(
            self.ONLY_WITH_GEOMETRY,
            self.tr("Alleen buurten met geometrie schrijven"),
            defaultValue=False,
        )
        self.add_parameter(only, "Buurten zonder geometrie tellen dan alleen mee in de referentieset.", advanced=True)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Veerkrachtkaarten"), POLYGON_SOURCE))
        self.addOutput(QgsProcessingOutputString(self.REFERENCE, self.tr("Gebruikte referentieset")))

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS, field_names
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
        from ..veerkracht_plugin.core.maps import Settings, compute_maps
        from ..veerkracht_plugin.core.plausibility import check_columns, duplicate_codes

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        names = source.fields().names()
        code_field = self.parameterAsString(parameters, self.INPUT_FIELD, context)
        if code_field:
            self._check_exists(source, self.INPUT_FIELD, code_field)
        code_field = code_field or find_column(names, LAYER_KEY_CANDIDATES)
        columns = {"code": code_field, "water": find_column(names, ["water"])}
        for name, (canonical, _) in self.FIELD_PARAMETERS.items():
            field = self.parameterAsString(parameters, name, context)
            if field:
                self._check_numeric(source, name, field)
                columns[canonical] = field
        if code_field is None:
            feedback.pushWarning(
                self.tr(
                    "Geen buurtcodeveld gevonden: de relatieve signalering kan de gemeente niet "
                    "bepalen en wordt klasse 0."
                )
            )

        feedback.setProgressText(self.tr("Indicatoren lezen"))
        features, frame = read_columns(source, columns, feedback)
        frame, warnings, errors = check_columns(frame, columns)
        doubled = duplicate_codes(frame, source.sourceName())
        for warning in warnings + ([doubled] if doubled else []):
            feedback.pushWarning(warning)
        if errors:
            raise QgsProcessingException("\n".join(errors))
        settings = Settings(min_inwoners=self.parameterAsInt(parameters, self.MIN_INWONERS, context))
        feedback.setProgressText(self.tr("Kaarten berekenen"))
        result, reports = compute_maps(frame, settings)
        for report in reports:
            (feedback.pushInfo if report.reference_size else feedback.pushWarning)(report.describe())
        summary = self._reference_summary(reports, len(frame))
        feedback.pushInfo(summary)

        new_columns = []
        for map_id in MAP_IDS:
            waarde, klasse, label = field_names(map_id)
            new_columns += [(waarde, "float"), (klasse, "int"), (label, "text")]
        fields, kept = output_fields(source.fields(), new_columns, feedback)
        self._check_coordinates(source, features, frame.get("code"))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        feedback.setProgressText(self.tr("Schrijven"))
        rows = frame_rows(result[[n for n, _ in new_columns]])
        if self.parameterAsBool(parameters, self.ONLY_WITH_GEOMETRY, context):  # the national reference set
            kept_rows = [i for i, feature in enumerate(features) if feature.hasGeometry()]
            features = [features[i] for i in kept_rows]
            rows = [rows[i] for i in kept_rows]
        write_features(features, None, sink, fields, kept, rows, feedback)

        self._metadata = (summary, [r.describe() for r in reports])
        return {self.OUTPUT: dest_id, self.REFERENCE: summary}

    def after_commit(self, results, context):
        if context.willLoadLayerOnCompletion(results[self.OUTPUT]):
            post_processor(context, results[self.OUTPUT]).metadata = self._metadata

    def _check_coordinates(self, source, features, codes):
        """Refuse, in Dutch, to write what would be a GeoPackage without CRS (srs_id 0) or with inf coordinates
        (issue 24): 'Veerkrachtkaarten maken' repairs such a buurt layer, this algorithm only writes."""
        from .support.crs_guard import finite, unknown

        broken = [i for i, f in enumerate(features) if f.hasGeometry() and not finite(f.geometry().boundingBox())]
        if broken:
            shown = ", ".join(str(codes.iloc[i]) if codes is not None else f"object {i + 1}" for i in broken[:5])
            raise QgsProcessingException(
                self.tr(
                    "Laag '{}': {} buurten hebben coördinaten die geen getal zijn (inf of nan), zoals {}. De laag is "
                    "met een verkeerd coördinatenstelsel omgerekend: maak hem opnieuw of gebruik 'Veerkrachtkaarten "
                    "maken', dat het coördinatenstelsel controleert."
                ).format(source.sourceName(), len(broken), shown)
            )
        if any(f.hasGeometry() for f in features[:1]) and unknown(source.sourceCrs()):
            raise QgsProcessingException(
                self.tr(
                    "Laag '{}' heeft geen coördinatenstelsel: de kaarten zouden er ook geen krijgen. Stel het "
                    "coördinatenstelsel van de laag in (Eigenschappen > Bron) of gebruik 'Veerkrachtkaarten maken', "
                    "dat RD New herkent."
                ).format(source.sourceName())
            )

    def _check_exists(self, source, parameter, field):
        from ..veerkracht_plugin.core.join import column_list

        if source.fields().lookupField(field) < 0:
            label = self.parameterDefinition(parameter).description()
            raise QgsProcessingException(
                self.tr("'{}': veld '{}' bestaat niet in laag '{}'. {}").format(
                    label, field, source.sourceName(), column_list(source.fields().names(), field)
                )
            )

    def _check_numeric(self, source, parameter, field):
        self._check_exists(source, parameter, field)
        found = source.fields().field(field)
        if not found.isNumeric():
            raise QgsProcessingException(
                self.tr(
                    "'{}': veld '{}' in laag '{}' is geen getal maar {}. Koppel de tabel opnieuw met "
                    "'Indicatoren koppelen aan buurten', dat getallen herkent."
                ).format(
                    self.parameterDefinition(parameter).description(), field, source.sourceName(), found.typeName()
                )
            )

    @staticmethod
    def _reference_summary(reports, n_buurten):
        gemeenten = sorted({g for r in reports for g in r.gemeenten})
        sizes = ", ".join(f"{r.map_id} {r.reference_size}" for r in reports)
        shown = ", ".join(gemeenten[:20]) + (" ..." if len(gemeenten) > 20 else "")
        return (
            f"Referentieset: de {n_buurten} buurten van de invoerlaag in {counted(len(gemeenten), 'gemeente', 'gemeenten')} "
            f"({shown}); buurten per kaart: {sizes}."
        )
