"""veerkracht:timeseries: the nine maps for a series of periods in one layer, one feature per buurt and period,
with date fields and temporal settings so QGIS' temporal controller plays the series; and a chart per gemeente.

Each period is one 'Veerkrachtkaarten maken' run (child algorithm), so each period has its own reference set,
by the same rules as a single edition.
"""

from qgis.core import (
    QgsFeature,
    QgsFields,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QDate

from ..veerkracht_plugin.compat import ADVANCED, ANY_VECTOR, FAST_INSERT, INTEGER, POLYGON_SOURCE, make_field
from ..veerkracht_plugin.core.editions import parse_periods, shown_between
from .base import VeerkrachtAlgorithm
from .support.series_layer import TemporalPostProcessor, date_fields, period_inwoners_field, set_temporal

PASSED_ON = ("COUNTS", "SHARES", "INWONERS_COLUMN", "CORPORATIE_COLUMN")


class TimeSeriesAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    LEEFBAAROMETER = "LEEFBAAROMETER"
    KERNCIJFERS = "KERNCIJFERS"
    PERIODS = "PERIODS"
    MIN_INWONERS = "MIN_INWONERS"
    OUTPUT = "OUTPUT"
    CHARTS = "CHARTS"

    NAME = "timeseries"
    DISPLAY_NAME = "Veerkracht door de tijd"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Maakt de negen kaarten voor een reeks perioden (bijvoorbeeld Leefbaarometer 2018-2022 en 2020-2024, elk "
        "met de kerncijfersjaren die erbij horen) in één laag: één object per buurt en periode. Elke periode is "
        "een eigen run van 'Veerkrachtkaarten maken', met een eigen referentieset.\n\n"
        "Perioden: Leefbaarometer-jaren, met na een / de kerncijfersjaren, gescheiden door ';': "
        "'2018-2022/2017-2021; 2020-2024/2019-2023'. Zonder kerncijfersjaren kiest 'Veerkrachtkaarten maken' ze.\n\n"
        "De velden periode_begin en periode_eind zijn de jaren van de periode; de tijdsbalk van QGIS toont een "
        "periode vanaf 1 januari van zijn eindjaar tot het eindjaar van de volgende (velden geldig_van en "
        "geldig_tot), zodat perioden elkaar in de film opvolgen. Naast de uitvoer komt per gemeente een grafiek "
        "(PNG): buurten en inwoners per signaleringsklasse per periode."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        from .support.fitting_layers import first_fitting, is_buurt_layer, is_long_table

        # optional: a required box gets the active layer, whatever it is; checkParameterValues asks for them
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT,
                self.tr("Buurtlaag"),
                [POLYGON_SOURCE],
                defaultValue=first_fitting(is_buurt_layer),
                optional=True,
            )
        )
        self.add_parameter(
            QgsProcessingParameterVectorLayer(
                self.LEEFBAAROMETER,
                self.tr("Leefbaarometer-scores, alle jaren (leeg: uit het GeoPackage)"),
                [ANY_VECTOR],
                optional=True,
            ),
            "Leeg: de tabel 'leefbaarometer' naast de buurtlaag in het GeoPackage van 'Open data ophalen'.",
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.KERNCIJFERS,
                self.tr("CBS Kerncijfers, lange tabel met een jaarkolom"),
                [ANY_VECTOR],
                defaultValue=first_fitting(is_long_table),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.PERIODS, self.tr("Perioden (Leefbaarometer/kerncijfers, gescheiden door ';')")
            )
        )
        for name, label in zip(
            PASSED_ON,
            ("Componenten: aantallen", "Componenten: aandelen", "Kolom inwoners", "Kolom % corporatiewoningen"),
        ):
            parameter = QgsProcessingParameterString(name, self.tr(label + " (leeg: herkennen)"), optional=True)
            parameter.setFlags(parameter.flags() | ADVANCED)
            self.addParameter(parameter)
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_INWONERS, self.tr("Minimum aantal inwoners (anders klasse 0)"), INTEGER, 50, minValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Veerkracht door de tijd"), POLYGON_SOURCE)
        )
        self.addOutput(QgsProcessingOutputString(self.CHARTS, self.tr("Grafieken per gemeente (PNG)")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        problem = self._inputs_problem(parameters, context)
        if problem:
            return False, problem
        try:
            parse_periods(self.parameterAsString(parameters, self.PERIODS, context))
        except ValueError as error:
            return False, str(error)
        return super().checkParameterValues(parameters, context)

    def _inputs_problem(self, parameters, context):
        """The boxes that start empty (fitting_layers) said in Dutch: what is missing and what to choose."""
        from ..veerkracht_plugin.geopackage import geopackage_tables
        from .support.same_geopackage import LBM_TABLE, layer_in_geopackage

        needed = (
            (self.INPUT, "de buurten van het eindjaar van de laatste periode (PDOK of 'Open data ophalen')"),
            (self.KERNCIJFERS, "de kerncijfers van alle jaren in één tabel met een jaarkolom (StatLine-export)"),
        )
        for name, what in needed:
            if parameters.get(name) in (None, ""):
                return self.tr("Kies '{}': {}.").format(self.parameter_label(name), what)
        if parameters.get(self.LEEFBAAROMETER) in (None, ""):
            buurten = layer_in_geopackage(parameters.get(self.INPUT), context)
            if buurten is None or LBM_TABLE not in geopackage_tables(buurten[0]):
                return self.tr(
                    "Kies '{}': de buurtlaag komt niet uit een GeoPackage met een tabel '{}' ('Open data ophalen')."
                ).format(self.parameter_label(self.LEEFBAAROMETER), LBM_TABLE)
        return ""

    def process(self, parameters, context, feedback):
        problem = self._inputs_problem(parameters, context)
        if problem:  # models and scripts may skip checkParameterValues
            raise QgsProcessingException(problem)
        try:
            periods = parse_periods(self.parameterAsString(parameters, self.PERIODS, context))
        except ValueError as error:
            raise QgsProcessingException(str(error)) from error
        multi = QgsProcessingMultiStepFeedback(len(periods) + 2, feedback)
        layers = []
        for step, period in enumerate(periods):
            multi.setCurrentStep(step)
            text = self.tr("Periode {}-{}").format(period[0], period[1])
            multi.pushInfo(text)
            layers.append(self._maps(parameters, context, multi, period, text))
            if multi.isCanceled():
                raise QgsProcessingException(self.tr("Geannuleerd."))
        multi.setCurrentStep(len(periods))
        source = self.parameterAsSource(parameters, self.INPUT, context)
        dest, frame = self._merge(parameters, context, multi, source.fields().names(), periods, layers)
        multi.setCurrentStep(len(periods) + 1)
        charts = self._charts(parameters, frame, multi)
        self._name = f"Veerkracht door de tijd {periods[0][0]}-{periods[-1][1]}"  # the whole range
        return {self.OUTPUT: dest, self.CHARTS: "; ".join(charts)}

    def _maps(self, parameters, context, feedback, period, text):
        from .support.child import run_child

        lbm_start, lbm_end, kwb_start, kwb_end = period
        params = {
            "INPUT": parameters[self.INPUT],
            "LEEFBAAROMETER": parameters.get(self.LEEFBAAROMETER),  # empty: makemaps takes it beside the buurten
            "KERNCIJFERS_END": parameters[self.KERNCIJFERS],
            "LBM_YEAR_START": lbm_start,
            "LBM_YEAR_END": lbm_end,
            "MIN_INWONERS": self.parameterAsInt(parameters, self.MIN_INWONERS, context),
            "OUTPUT": "TEMPORARY_OUTPUT",
        }
        if kwb_start:
            params.update({"KWB_YEAR_START": kwb_start, "KWB_YEAR_END": kwb_end})
        for name in PASSED_ON:
            value = self.parameterAsString(parameters, name, context)
            if value:
                params[name] = value
        try:
            result = run_child("veerkracht:makemaps", params, context, feedback)
        except QgsProcessingException as error:
            raise QgsProcessingException(self.tr("{} mislukt: {}").format(text, error)) from error
        feedback.pushInfo(f"{text}: {result['REFERENTIESET']}")
        return QgsProcessingUtils.mapLayerFromString(result["OUTPUT"], context)

    def _merge(self, parameters, context, feedback, input_names, periods, layers):
        """One sink: the input's fields, the 27 map fields, the period fields; and a frame for the charts."""
        import pandas as pd

        from ..veerkracht_plugin.compat import text_or_none
        from ..veerkracht_plugin.core.catalogue import MAP_IDS, field_names
        from ..veerkracht_plugin.core.codes import gemeente_of, normalise_code
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
        from ..veerkracht_plugin.layer_queries import GEMEENTE_NAME_FIELDS

        first = layers[0].fields()
        map_fields = [name for m in MAP_IDS for name in field_names(m)]
        keep = [n for n in first.names() if n in input_names and n not in map_fields] + map_fields
        fields = QgsFields()
        for name in keep:
            fields.append(first.field(name))
        fields.append(make_field("periode", "text"))
        fields.append(make_field("inwoners_periode", "float"))
        for field in date_fields():
            fields.append(field)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, layers[0].wkbType(), layers[0].crs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        code_field = find_column(first.names(), LAYER_KEY_CANDIDATES)
        name_field = find_column(first.names(), GEMEENTE_NAME_FIELDS)
        rows, self._gemeente_names = [], {}
        for period, layer, (shown_from, shown_until) in zip(periods, layers, shown_between(periods)):
            label = f"{period[0]}-{period[1]}"
            inwoners = period_inwoners_field(layer.fields().names())
            feedback.pushInfo(self.tr("{}: inwoners voor de grafiek uit veld {}.").format(label, inwoners or "(geen)"))
            dates = [
                QDate(period[0], 1, 1),
                QDate(period[1], 12, 31),
                QDate(shown_from, 1, 1),
                QDate(shown_until, 1, 1),
            ]
            for feature in layer.getFeatures():
                if feedback.isCanceled():
                    raise QgsProcessingException(self.tr("Geannuleerd."))
                people = feature[inwoners] if inwoners else None
                people = None if people is None or str(people) == "NULL" else float(people)
                out = QgsFeature(fields)
                out.setGeometry(feature.geometry())
                out.setAttributes([feature[name] for name in keep] + [label, people] + dates)
                sink.addFeature(out, FAST_INSERT)
                code = normalise_code(feature[code_field]) if code_field else None
                gemeente = gemeente_of(code) or ""
                rows.append((gemeente, label, int(feature["signalering_klasse"] or 0), people))
                if name_field and text_or_none(feature[name_field]):
                    self._gemeente_names[gemeente] = text_or_none(feature[name_field])
        frame = pd.DataFrame(rows, columns=["gemeente", "periode", "klasse", "inwoners"])
        return dest, frame

    def _charts(self, parameters, frame, feedback):
        """A PNG per gemeente beside a file output (staged: it appears only when the run completes)."""
        from ..veerkracht_plugin.charts import signalering_chart
        from ..veerkracht_plugin.core.editions import signalering_counts
        from .support.outputs import _plain_path, _static, is_file_output

        counts = signalering_counts(frame)
        value = parameters.get(self.OUTPUT)
        if is_file_output(value):
            target = _plain_path(_static(value))
            folder, stem = target.parent, target.stem
        else:
            from pathlib import Path

            folder, stem = Path(QgsProcessingUtils.tempFolder()), "veerkracht-door-de-tijd"
        paths, gemeenten = [], sorted(counts["gemeente"].unique())
        for number, gemeente in enumerate(gemeenten):
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Geannuleerd."))
            name = self._gemeente_names.get(gemeente, gemeente)
            final = folder / f"{stem} signalering {name}.png"
            path = self.staged_path(final) if is_file_output(value) else final
            signalering_chart(counts[counts["gemeente"] == gemeente], name, path)
            paths.append(str(final))
            feedback.setProgress(100 * (number + 1) / len(gemeenten))
        feedback.pushInfo(self.tr("Grafieken: {}").format("; ".join(paths)))
        return paths

    def after_commit(self, results, context):
        output = results.get(self.OUTPUT)
        if output and context.willLoadLayerOnCompletion(output):
            details = context.layerToLoadOnCompletionDetails(output)
            details.name = self._name
            if details.postProcessor() is None:  # never replace one (QGIS crashes, see map_results)
                details.setPostProcessor(TemporalPostProcessor(self._name))
        self._output = output

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 (QGIS API)
        """On the main thread: a GeoPackage output stores the signalering style and the temporal settings as
        its default style, so it opens ready to play anywhere."""
        from qgis.core import QgsVectorLayer

        from ..veerkracht_plugin.compat import save_style_to_database

        output = getattr(self, "_output", None)
        if not (isinstance(output, str) and ".gpkg" in output.lower()):
            return {}
        layer = QgsVectorLayer(output, "reeks", "ogr")
        if layer.isValid():
            set_temporal(layer)
            error = save_style_to_database(layer, "veerkracht_tijd", "Signalering door de tijd", True)
            if error:
                feedback.pushWarning(self.tr("Stijl met tijdinstellingen niet opgeslagen: {}").format(error))
            else:
                feedback.pushInfo(
                    self.tr(
                        "Stijl en tijdinstellingen opgeslagen in {} als standaardstijl. Opent u het bestand later "
                        "opnieuw en staat de tijdsbalk niet aan: in Laageigenschappen de knop Stijl > Standaard herstellen (Restore Default)."
                    ).format(output.split("|")[0])
                )
        return {}
