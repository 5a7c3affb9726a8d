"""veerkracht:makemaps: buurt layer + Leefbaarometer + kerncijfers -> joined, computed, styled maps.

Only chains the other algorithms (join, index, compute, styles); it has no logic of its own.
"""

from qgis.core import (
    QgsDataProvider,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
)

from ..veerkracht_plugin.compat import ADVANCED, ANY_VECTOR, INTEGER, POLYGON_SOURCE
from .apply_styles import map_choice_parameter
from .base import VeerkrachtAlgorithm, year_parameter

CORPORATIE_LAYER_FIELDS = [
    "percentage_huurwoningen_in_bezit_woningcorporaties",
    "perc_huurwoningen_in_bezit_woningcorporaties",
    "P_HUURCORP",
    "p_wcorpw",
]
INWONERS_LAYER_FIELDS = ["aantal_inwoners", "AANT_INW", "a_inw"]
POOR_JOIN_SHARE = 0.5


class MakeMapsAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    LEEFBAAROMETER = "LEEFBAAROMETER"
    LBM_YEAR_START = "LBM_YEAR_START"
    LBM_YEAR_END = "LBM_YEAR_END"
    KERNCIJFERS_START = "KERNCIJFERS_START"
    KERNCIJFERS_END = "KERNCIJFERS_END"
    KWB_YEAR_START = "KWB_YEAR_START"
    KWB_YEAR_END = "KWB_YEAR_END"
    COUNTS = "COUNTS"
    SHARES = "SHARES"
    INWONERS_COLUMN = "INWONERS_COLUMN"
    CORPORATIE_COLUMN = "CORPORATIE_COLUMN"
    MIN_INWONERS = "MIN_INWONERS"
    ZEROS_AS_MISSING = "ZEROS_AS_MISSING"
    ACTIVE = "ACTIVE"
    OUTPUT = "OUTPUT"
    REFERENCE = "REFERENTIESET"

    NAME = "makemaps"
    DISPLAY_NAME = "Veerkrachtkaarten maken"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "In één stap van bronbestanden naar gestileerde veerkrachtkaarten: koppelt de Leefbaarometer (begin- en "
        "eindjaar) en de CBS Kerncijfers aan de buurtlaag, maakt de kwetsbaarheidsindex, berekent de negen kaarten "
        "en zet de stijlen en kaartthema's klaar.\n\n"
        "Kerncijfers: één bestand per jaar (kwb-2019.xlsx, kwb-2023.xlsx) of één lange tabel met een jaarkolom; "
        "geef dan de jaren op. Zonder kerncijfers van een beginjaar blijven de ontwikkeling van kwetsbare "
        "bewoners en beide signaleringskaarten klasse 0 (onvoldoende gegevens).\n\n"
        "Componenten van de kwetsbaarheidsindex: kolomnamen in de kerncijfers, gescheiden door komma's; aantallen "
        "worden per 1.000 inwoners gerekend. Corporatiebezit: een kolom in de kerncijfers, of leeg om het veld van "
        "de buurtlaag (PDOK) te gebruiken.\n\n"
        "Elke koppeling meldt eerst hoeveel buurten zij vond; vond een koppeling minder dan de helft, dan zegt het "
        "logboek dat aan het eind nog eens. Nullen die in een tabel los van de andere waarden staan (Excel maakt van "
        "CBS' '.' vaak 0) worden gemeld; met 'Verdachte nullen ... als ontbrekend behandelen' tellen ze niet mee."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Buurtlaag"), [POLYGON_SOURCE]))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.LEEFBAAROMETER, self.tr("Leefbaarometer-scores buurten (CSV)"), [ANY_VECTOR]
            )
        )
        self.addParameter(year_parameter(self.LBM_YEAR_START, self.tr("Leefbaarometer beginjaar"), default=2018))
        self.addParameter(year_parameter(self.LBM_YEAR_END, self.tr("Leefbaarometer eindjaar"), default=2024))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.KERNCIJFERS_END, self.tr("CBS Kerncijfers, eindjaar (of lange tabel)"), [ANY_VECTOR]
            )
        )
        self.addParameter(year_parameter(self.KWB_YEAR_END, self.tr("Kerncijfers eindjaar")))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.KERNCIJFERS_START,
                self.tr("CBS Kerncijfers, beginjaar (leeg: zelfde lange tabel)"),
                [ANY_VECTOR],
                optional=True,
            )
        )
        self.addParameter(
            year_parameter(
                self.KWB_YEAR_START,
                self.tr("Kerncijfers beginjaar (leeg: geen ontwikkeling van kwetsbare bewoners)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.COUNTS,
                self.tr("Componenten: aantallen (per 1.000 inwoners)"),
                defaultValue="a_soz_wb",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.SHARES, self.tr("Componenten: aandelen of percentages"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.INWONERS_COLUMN, self.tr("Kolom inwoners in de kerncijfers"), defaultValue="a_inw"
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.CORPORATIE_COLUMN,
                self.tr("Kolom % corporatiewoningen in de kerncijfers (leeg: uit de buurtlaag)"),
                defaultValue="p_wcorpw",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_INWONERS, self.tr("Minimum aantal inwoners (anders klasse 0)"), INTEGER, 50, minValue=0
            )
        )
        zeros = QgsProcessingParameterBoolean(
            self.ZEROS_AS_MISSING,
            self.tr("Verdachte nullen in de tabellen als ontbrekend behandelen (Excel maakt van CBS' '.' vaak 0)"),
            defaultValue=False,
        )
        zeros.setFlags(zeros.flags() | ADVANCED)
        self.addParameter(zeros)
        self.addParameter(map_choice_parameter(self.ACTIVE, self.tr("Actieve kaart")))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Veerkrachtkaarten"), POLYGON_SOURCE))
        self.addOutput(QgsProcessingOutputString(self.REFERENCE, self.tr("Gebruikte referentieset")))

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core.join import find_column

        def names(name):
            return [n.strip() for n in self.parameterAsString(parameters, name, context).split(",") if n.strip()]

        lbm_start = self.parameterAsInt(parameters, self.LBM_YEAR_START, context)  # defaults apply when omitted
        lbm_end = self.parameterAsInt(parameters, self.LBM_YEAR_END, context)
        kwb_end = self.parameterAsInt(parameters, self.KWB_YEAR_END, context)
        has_kwb_start = parameters.get(self.KWB_YEAR_START) not in (None, "")  # optional, no default
        kwb_start = self.parameterAsInt(parameters, self.KWB_YEAR_START, context) if has_kwb_start else None
        min_inwoners = self.parameterAsInt(parameters, self.MIN_INWONERS, context)
        table_end = parameters[self.KERNCIJFERS_END]
        table_start = (parameters.get(self.KERNCIJFERS_START) or table_end) if kwb_start else None
        if parameters.get(self.KERNCIJFERS_START) and not kwb_start:
            raise QgsProcessingException(self.tr("Kerncijfers voor een beginjaar opgegeven: geef ook KWB_YEAR_START."))
        counts, shares = names(self.COUNTS), names(self.SHARES)
        if not counts and not shares:
            raise QgsProcessingException(self.tr("Geef minstens één component (COUNTS of SHARES) voor de index."))
        inwoners = self.parameterAsString(parameters, self.INWONERS_COLUMN, context)
        corporatie = self.parameterAsString(parameters, self.CORPORATIE_COLUMN, context)
        source_fields = self.parameterAsSource(parameters, self.INPUT, context).fields().names()

        steps = 6 if table_start else 5
        multi = QgsProcessingMultiStepFeedback(steps, feedback)
        step = 0

        def child(algorithm, params, text):
            nonlocal step
            multi.setCurrentStep(step)
            multi.setProgressText(text)
            step += 1
            result = self._run(algorithm, params, context, multi)
            if multi.isCanceled():
                raise QgsProcessingException(self.tr("Geannuleerd."))
            return result

        zeros_as_missing = self.parameterAsBoolean(parameters, self.ZEROS_AS_MISSING, context)
        poor_joins = []

        def join(layer, table, year, prefix, fields, text):
            params = {
                "INPUT": layer,
                "TABLE": table,
                "PREFIX": prefix,
                "FIELDS": ",".join(fields),
                "ZEROS_AS_MISSING": zeros_as_missing,
                "OUTPUT": "TEMPORARY_OUTPUT",
            }
            if year:
                params["YEAR"] = year
            result = child("veerkracht:joinindicators", params, text)
            if result["MATCH_SHARE"] < POOR_JOIN_SHARE:
                poor_joins.append(f"{text}: {result['MATCH_SHARE']:.0%} gekoppeld")
            return result["OUTPUT"]

        lbm = parameters[self.LEEFBAAROMETER]
        layer = join(
            parameters[self.INPUT],
            lbm,
            lbm_start,
            f"lbm{lbm_start}_",
            ["onv"],
            self.tr("Leefbaarometer {} koppelen").format(lbm_start),
        )
        layer = join(
            layer, lbm, lbm_end, f"lbm{lbm_end}_", ["afw", "onv"], self.tr("Leefbaarometer {} koppelen").format(lbm_end)
        )
        end_tag, start_tag = f"kwb{kwb_end}_", f"kwb{kwb_start}_"
        layer = join(
            layer,
            table_end,
            kwb_end,
            end_tag,
            counts + shares + [inwoners] + ([corporatie] if corporatie else []),
            self.tr("Kerncijfers eindjaar koppelen"),
        )
        if table_start:
            layer = join(
                layer,
                table_start,
                kwb_start,
                start_tag,
                counts + shares + [inwoners],
                self.tr("Kerncijfers beginjaar koppelen"),
            )

        index = {
            "INPUT": layer,
            "YEAR_END": kwb_end,
            "COUNTS_END": [end_tag + c for c in counts],
            "SHARES_END": [end_tag + s for s in shares],
            "INWONERS_END": end_tag + inwoners,
            "MIN_INWONERS": min_inwoners,
            "OUTPUT": "TEMPORARY_OUTPUT",
        }
        if table_start:
            index.update(
                {
                    "YEAR_START": kwb_start,
                    "COUNTS_START": [start_tag + c for c in counts],
                    "SHARES_START": [start_tag + s for s in shares],
                    "INWONERS_START": start_tag + inwoners,
                }
            )
        layer = child("veerkracht:vulnerabilityindex", index, self.tr("Kwetsbaarheidsindex"))["OUTPUT"]

        maps = {
            "INPUT": layer,
            "AFW": f"lbm{lbm_end}_afw",
            "ONV_START": f"lbm{lbm_start}_onv",
            "ONV_END": f"lbm{lbm_end}_onv",
            "KWETSBAAR_END": f"kwetsbaar_{kwb_end}",
            "INWONERS": end_tag + inwoners,
            "MIN_INWONERS": min_inwoners,
            "OUTPUT": parameters[self.OUTPUT],
        }
        if table_start:
            maps["KWETSBAAR_START"] = f"kwetsbaar_{kwb_start}"
        maps["CORPORATIE"] = end_tag + corporatie if corporatie else find_column(source_fields, CORPORATIE_LAYER_FIELDS)
        if not maps["CORPORATIE"]:
            feedback.pushWarning(self.tr("Geen kolom met % corporatiewoningen: kaart 6 wordt klasse 0."))
            del maps["CORPORATIE"]
        result = child("veerkracht:computemaps", maps, self.tr("Negen kaarten berekenen"))
        if poor_joins:  # said again at the end, where the user looks: the maps are largely class 0
            feedback.pushWarning(
                self.tr(
                    "LET OP: deze kaarten rusten op koppelingen die minder dan de helft van de buurten vonden ({}). "
                    "Controleer buurtjaar, gemeente en codekolom van die bestanden."
                ).format("; ".join(poor_joins))
            )

        self._output = result["OUTPUT"]
        self._reference = result["REFERENTIESET"]
        self._active = self.parameterAsEnum(parameters, self.ACTIVE, context)
        if context.willLoadLayerOnCompletion(self._output):
            self._styler = StylePostProcessor(self._active)
            context.layerToLoadOnCompletionDetails(self._output).setPostProcessor(self._styler)
        return {self.OUTPUT: self._output, self.REFERENCE: result["REFERENTIESET"]}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 (QGIS API)
        """On the main thread: a GeoPackage output gets the nine styles stored inside, so it opens styled."""
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.styling import apply_styles, store_styles_in_geopackage

        output = getattr(self, "_output", None)
        if isinstance(output, str) and ".gpkg" in output.lower():
            layer = QgsVectorLayer(_with_layer_name(output), "veerkrachtkaarten", "ogr")
            if layer.isValid():
                apply_styles(layer, None, MAP_IDS[self._active])
                store_styles_in_geopackage(layer, MAP_IDS[self._active])
                feedback.pushInfo(self.tr("Stijlen opgeslagen in {}.").format(output.split("|")[0]))
                metadata = layer.metadata()
                metadata.setTitle("Veerkrachtkaarten")
                metadata.setAbstract(self._reference)
                layer.setMetadata(metadata)
                message, ok = layer.saveDefaultMetadata()
                if not ok:
                    feedback.pushWarning(self.tr("Metadata niet opgeslagen: {}").format(message))
        return {}

    @staticmethod
    def _run(algorithm, params, context, feedback):
        import processing

        return processing.run(algorithm, params, context=context, feedback=feedback, is_child_algorithm=True)


def _with_layer_name(uri):
    """GeoPackage uri with its layer name: saving metadata needs it."""
    if "|layername=" in uri:
        return uri
    probe = QgsVectorLayer(uri, "probe", "ogr")
    sublayers = probe.dataProvider().subLayers() if probe.isValid() else []
    if not sublayers:
        return uri
    return f"{uri}|layername={sublayers[0].split(QgsDataProvider.SUBLAYER_SEPARATOR)[1]}"


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies the nine styles and map themes when the result is loaded into the project."""

    def __init__(self, active_index):
        super().__init__()
        self.active_index = active_index

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.styling import apply_styles

        apply_styles(layer, context.project(), MAP_IDS[self.active_index])
