"""veerkracht:joinindicators: a table (file or project layer) onto buurt/wijk polygons, on normalised codes."""

import os

from qgis.core import (
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
)

from ..veerkracht_plugin.compat import (
    ANY_VECTOR,
    FAST_INSERT,
    NO_GEOMETRY,
    NO_GEOMETRY_WKB,
    POLYGON_SOURCE,
    SKIP_GEOMETRY_CHECKS,
    as_python,
    make_field,
)
from .base import VeerkrachtAlgorithm, year_parameter

MATCH_WARNING_SHARE = 0.9


class JoinIndicatorsAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    INPUT_FIELD = "INPUT_FIELD"
    TABLE = "TABLE"
    SHEET = "SHEET"
    TABLE_FIELD = "TABLE_FIELD"
    YEAR = "YEAR"
    FIELDS = "FIELDS"
    PREFIX = "PREFIX"
    OUTPUT = "OUTPUT"
    UNMATCHED = "UNMATCHED"

    NAME = "joinindicators"
    DISPLAY_NAME = "Indicatoren koppelen aan buurten"
    GROUP_ID = "gegevens"
    GROUP = "Gegevens voorbereiden"
    HELP = (
        "Koppelt een tabel met indicatoren (CBS Kerncijfers, Leefbaarometer, Aedes- of eigen tabel) aan een "
        "buurt- of wijklaag.\n\n"
        "Codes worden eerst gelijkgetrokken: BU03440111, 03440111, 3440111 (een getal dat zijn voorloopnullen "
        "kwijt is) en bu03440111 horen bij dezelfde buurt. Regels van een ander niveau (gemeente, wijk) worden "
        "overgeslagen. CSV met ; of , en decimale komma, UTF-8 of Windows-1252, en Excel/ODS met titelregels "
        "boven de kop worden gelezen zoals ze zijn; '.', 'x', -99995, -99997 en -99999999 worden leeg (NULL).\n\n"
        "Een lange tabel (één regel per gebied en jaar) vraagt om een jaar; een tabel met de kolommen "
        "indicator en value wordt per indicator een kolom.\n\n"
        "De invoer wordt nooit gewijzigd: het resultaat is een nieuwe laag. Het logboek meldt hoeveel codes aan "
        "beide kanten gevonden zijn, en waarschuwt onder 90% (laag en tabel uit verschillende CBS-jaren?)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Buurt- of wijklaag"), [POLYGON_SOURCE])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.INPUT_FIELD,
                self.tr("Codeveld in de laag (leeg: automatisch herkennen)"),
                parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.TABLE, self.tr("Tabel (CSV, TXT, XLSX, ODS of een tabel uit het project)"), [ANY_VECTOR]
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.SHEET, self.tr("Werkblad (Excel/ODS; leeg: het eerste)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.TABLE_FIELD, self.tr("Codekolom in de tabel (leeg: automatisch herkennen)"), optional=True
            )
        )
        self.addParameter(
            year_parameter(
                self.YEAR, self.tr("Jaar (voor lange tabellen met één regel per gebied en jaar)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.FIELDS, self.tr("Kolommen om over te nemen, gescheiden door komma's (leeg: alle)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.PREFIX, self.tr("Voorvoegsel voor de nieuwe velden"), optional=True)
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Gekoppelde laag"), POLYGON_SOURCE))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.UNMATCHED, self.tr("Codes zonder partner"), ANY_VECTOR, optional=True, createByDefault=False
            )
        )

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """A table file is read by our own reader, so QGIS need not be able to open it as a layer."""
        if not _table_path(parameters.get(self.TABLE)):
            return super().checkParameterValues(parameters, context)
        for definition in self.parameterDefinitions():
            name = definition.name()
            if name != self.TABLE and not definition.checkValueIsAcceptable(parameters.get(name), context):
                return False, self.tr("Ongeldige waarde voor parameter {}").format(name)
        return True, ""

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core import VeerkrachtError
        from ..veerkracht_plugin.core.codes import dominant_level, normalise_code
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column, prepare_table

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        input_field = self.parameterAsString(parameters, self.INPUT_FIELD, context)
        if not input_field:
            input_field = find_column(source.fields().names(), LAYER_KEY_CANDIDATES)
            if input_field is None:
                raise QgsProcessingException(
                    self.tr("Laag '{}': geen codeveld herkend (gezocht: {}). Kies het veld zelf. Velden: {}.").format(
                        source.sourceName(), ", ".join(LAYER_KEY_CANDIDATES), ", ".join(source.fields().names())
                    )
                )
        code_index = source.fields().lookupField(input_field)

        sample = QgsFeatureRequest().setFlags(NO_GEOMETRY)
        sample.setSubsetOfAttributes([code_index]).setLimit(500)
        level = dominant_level(normalise_code(f[code_index]) for f in source.getFeatures(sample, SKIP_GEOMETRY_CHECKS))
        layer_codes = {}

        table_name, frame = self._read_table(parameters, context, feedback)
        year = parameters.get(self.YEAR)
        year = self.parameterAsInt(parameters, self.YEAR, context) if year not in (None, "") else None
        fields = [f.strip() for f in self.parameterAsString(parameters, self.FIELDS, context).split(",") if f.strip()]
        try:
            table = prepare_table(
                frame,
                table_name,
                level=level,
                key_column=self.parameterAsString(parameters, self.TABLE_FIELD, context) or None,
                year=year,
                fields=fields,
                prefix=self.parameterAsString(parameters, self.PREFIX, context),
            )
        except VeerkrachtError as error:
            raise QgsProcessingException(str(error)) from error
        feedback.pushInfo(
            self.tr("Tabel '{}': codekolom '{}', {} gebieden, {} kolommen.").format(
                table_name, table.key_column, len(table.rows), len(table.columns)
            )
        )
        for note in table.notes:
            feedback.pushInfo(note)

        out_fields = QgsFields(source.fields())
        for name, kind in table.columns:
            out_name = name
            while out_fields.lookupField(out_name) >= 0:
                out_name += "_2"
            if out_name != name:
                feedback.pushWarning(
                    self.tr("Veld '{}' bestaat al in de laag; nieuw veld heet '{}'.").format(name, out_name)
                )
            out_fields.append(make_field(out_name, kind))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, out_fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))

        feedback.setProgressText(self.tr("Koppelen"))
        empty = [None] * len(table.columns)
        total = source.featureCount() or 1
        matched_codes, unmatched_layer = set(), []
        # Attributes only: like QGIS' own attribute join, invalid geometries are passed on as they are.
        features = source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS)
        for current, feature in enumerate(features):
            if feedback.isCanceled():
                break
            raw = feature[code_index]
            code = layer_codes.get(raw)
            if code is None:
                code = layer_codes[raw] = normalise_code(raw, level)
            values = table.rows.get(code)
            if values is None:
                unmatched_layer.append((code, raw))
                values = empty
            else:
                matched_codes.add(code)
            attributes = feature.attributes()
            feature.setFields(out_fields, False)
            feature.setAttributes(attributes + list(values))
            sink.addFeature(feature, FAST_INSERT)
            if current % 500 == 0:
                feedback.setProgress(int(current * 100 / total))

        unmatched_table = [code for code in table.rows if code not in matched_codes]
        self._report(feedback, source, total, unmatched_layer, len(table.rows), unmatched_table)
        results = {self.OUTPUT: dest_id}
        if parameters.get(self.UNMATCHED):
            results[self.UNMATCHED] = self._write_unmatched(
                parameters, context, unmatched_layer, unmatched_table, source.sourceName(), table_name
            )
        return results

    def _read_table(self, parameters, context, feedback):
        """(name, DataFrame of text) from a file path, or from a table layer of the project."""
        from ..veerkracht_plugin.core import VeerkrachtError
        from ..veerkracht_plugin.core.tables import read_table

        raw = parameters.get(self.TABLE)
        path = _table_path(raw)
        if path:
            feedback.setProgressText(self.tr("Tabel '{}' lezen").format(os.path.basename(path)))
            try:
                return os.path.basename(path), read_table(path, self.parameterAsString(parameters, self.SHEET, context))
            except VeerkrachtError as error:
                raise QgsProcessingException(str(error)) from error
        layer = self.parameterAsVectorLayer(parameters, self.TABLE, context)
        if layer is None:
            raise QgsProcessingException(
                self.tr("Tabel '{}' niet gevonden: geen bestand en geen laag in het project.").format(raw)
            )
        return layer.name(), layer_as_text_frame(layer, feedback)

    def _report(self, feedback, source, total, unmatched_layer, n_table, unmatched_table):
        matched = total - len(unmatched_layer) if source.featureCount() else 0
        feedback.pushInfo(
            self.tr("Laag: {} van {} gebieden gekoppeld ({:.1%}), {} zonder partner in de tabel.").format(
                matched, total, matched / total, len(unmatched_layer)
            )
        )
        feedback.pushInfo(
            self.tr("Tabel: {} van {} gebieden gekoppeld, {} zonder partner in de laag.").format(
                n_table - len(unmatched_table), n_table, len(unmatched_table)
            )
        )
        if unmatched_layer:
            examples = ", ".join(str(code or raw) for code, raw in unmatched_layer[:5])
            feedback.pushInfo(self.tr("Voorbeelden zonder partner in de tabel: {}").format(examples))
        if matched / total < MATCH_WARNING_SHARE:
            feedback.pushWarning(
                self.tr(
                    "Slechts {:.1%} van de gebieden in de laag is gekoppeld: de tabel en de laag komen waarschijnlijk "
                    "uit verschillende CBS-jaren (gebiedsindelingen veranderen elk jaar), of uit andere gemeenten."
                ).format(matched / total)
            )

    def _write_unmatched(self, parameters, context, unmatched_layer, unmatched_table, layer_name, table_name):
        fields = QgsFields()
        for name in ("code", "bron", "oorspronkelijke_waarde"):
            fields.append(make_field(name, "text"))
        sink, dest_id = self.parameterAsSink(parameters, self.UNMATCHED, context, fields, NO_GEOMETRY_WKB)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.UNMATCHED))
        rows = [(code, f"laag {layer_name}", raw) for code, raw in unmatched_layer]
        rows += [(code, f"tabel {table_name}", code) for code in unmatched_table]
        for code, side, raw in rows:
            feature = QgsFeature(fields)
            feature.setAttributes([code, side, None if raw is None else str(raw)])
            sink.addFeature(feature, FAST_INSERT)
        return dest_id


def _table_path(value):
    """The file path when the TABLE value is a file on disk, else ''."""
    path = value.split("|")[0] if isinstance(value, str) else ""
    return path if path and os.path.isfile(path) else ""


def layer_as_text_frame(layer: QgsVectorLayer, feedback):
    """A project table layer as the DataFrame of text the file reader gives, NULL as ''."""
    import pandas as pd

    names = layer.fields().names()
    rows = []
    for feature in layer.getFeatures():
        if feedback.isCanceled():
            break
        rows.append(["" if as_python(value) is None else str(value) for value in feature.attributes()])
    return pd.DataFrame(rows, columns=names, dtype=str)
