"""veerkracht:joinindicators: a table (file or project layer) onto buurt/wijk polygons, on normalised codes."""

from qgis.core import (
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..veerkracht_plugin.compat import (
    ANY_VECTOR,
    FAST_INSERT,
    NO_GEOMETRY_WKB,
    POLYGON_SOURCE,
    SKIP_GEOMETRY_CHECKS,
    make_field,
)
from .base import VeerkrachtAlgorithm, counted, year_parameter
from .support.layer_codes import LayerCodes
from .support.outputs import conflict
from .support.table_input import read_table_value, table_path

MATCH_WARNING_SHARE = 0.9  # below this share of the layer matched, the log's first line is a warning
MATCH_ALARM_SHARE = 0.5  # below this, the warning says the output is mostly empty


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
    ZEROS_AS_MISSING = "ZEROS_AS_MISSING"
    MATCHED = "MATCHED"
    MATCH_SHARE = "MATCH_SHARE"

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
        "boven de kop worden gelezen zoals ze zijn (Excel: het werkblad dat opent, percentages zoals getoond); '.', 'x', '?', "
        "'n.v.t.', '<5', -99995, -99997 en -99999999 worden leeg (NULL), '-' (CBS: nihil) wordt 0.\n\n"
        "Een lange tabel (één regel per gebied en jaar) vraagt om een jaar; een tabel met de kolommen "
        "indicator en value wordt per indicator een kolom.\n\n"
        "Buurtcodes zonder gemeentedeel (0601, zoals gemeentelijke open data ze heeft) worden aangevuld met de "
        "gemeente van de laag (een gemeentecodeveld, of de ene gemeente van de buurtcodes). Een tabel op een "
        "ander niveau dan de laag (wijken op een buurtlaag) wordt geweigerd met uitleg.\n\n"
        "Getallen: 1.234 en 12.345,6 in een bestand met decimale komma zijn duizendtallen; een kolom met alleen "
        "waarden als 1.234 wordt gelezen zoals het logboek meldt. inf, NaN en 1e400 zijn geen getal: ze worden "
        "leeg, met een waarschuwing die kolom, regel en waarde noemt. Een groep nullen ver van de andere waarden "
        "(CBS schrijft '.', een Excel-export maakt er 0 van) wordt gemeld; kies 'Nullen ... als ontbrekend "
        "lezen' om ze leeg te maken.\n\n"
        "De invoer wordt nooit gewijzigd: het resultaat is een nieuwe laag. De eerste regel van het logboek zegt "
        "hoeveel gebieden van de laag gekoppeld zijn (uitvoer MATCHED en MATCH_SHARE), als waarschuwing onder "
        "90% (laag en tabel uit verschillende CBS-jaren of gemeenten?).\n\n"
        "De gekoppelde laag is een GeoPackage (.gpkg) of een tijdelijke laag; een andere extensie wordt geweigerd."
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
                self.FIELDS, self.tr("Kolommen om over te nemen (komma's; leeg: alle)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.PREFIX, self.tr("Voorvoegsel voor de nieuwe velden"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.ZEROS_AS_MISSING,
                self.tr("Nullen die ontbrekend lijken als ontbrekend lezen"),
                defaultValue=False,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Gekoppelde laag"), POLYGON_SOURCE))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.UNMATCHED, self.tr("Codes zonder partner"), ANY_VECTOR, optional=True, createByDefault=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.MATCHED, self.tr("Aantal gekoppelde gebieden van de laag")))
        self.addOutput(QgsProcessingOutputNumber(self.MATCH_SHARE, self.tr("Aandeel gekoppelde gebieden (0-1)")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """A table file is read by our own reader, so QGIS need not be able to open it as a layer."""
        if not table_path(parameters.get(self.TABLE)):
            return super().checkParameterValues(parameters, context)
        for definition in self.parameterDefinitions():
            name = definition.name()
            if name != self.TABLE and not definition.checkValueIsAcceptable(parameters.get(name), context):
                return False, self._dutch_check_message(parameters, f"for {name}")
        problem = conflict(self, parameters, context)
        return (False, problem) if problem else (True, "")

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core import VeerkrachtError
        from ..veerkracht_plugin.core.join import prepare_table

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        code_index, gemeente_index = self._code_fields(parameters, context, source)
        layer = LayerCodes(source, code_index, gemeente_index)

        table_name, frame = self._read_table(parameters, context, feedback)
        year = parameters.get(self.YEAR)
        year = self.parameterAsInt(parameters, self.YEAR, context) if year not in (None, "") else None
        fields = [f.strip() for f in self.parameterAsString(parameters, self.FIELDS, context).split(",") if f.strip()]
        try:
            table = prepare_table(
                frame,
                table_name,
                level=layer.level,
                key_column=self.parameterAsString(parameters, self.TABLE_FIELD, context) or None,
                year=year,
                fields=fields,
                prefix=self.parameterAsString(parameters, self.PREFIX, context),
                gemeente=layer.single_gemeente,
                zeros_as_missing=self.parameterAsBool(parameters, self.ZEROS_AS_MISSING, context),
            )
        except VeerkrachtError as error:
            raise QgsProcessingException(str(error)) from error
        out_fields, field_messages = QgsFields(source.fields()), []
        for name, kind in table.columns:
            out_name = name
            while out_fields.lookupField(out_name) >= 0:
                out_name += "_2"
            if out_name != name:
                field_messages.append(
                    self.tr("Veld '{}' bestaat al in de laag; nieuw veld heet '{}'.").format(name, out_name)
                )
            out_fields.append(make_field(out_name, kind))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, out_fields, source.wkbType(), source.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))

        feedback.setProgressText(self.tr("Koppelen"))
        first, width = source.fields().count(), out_fields.count()
        total = source.featureCount() or 1
        unmatched_layer = []
        # Attributes only: like QGIS' own attribute join, invalid geometries are passed on as they are.
        features = source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS)
        for current, feature in enumerate(features):
            if feedback.isCanceled():
                break
            raw = feature[code_index]
            code = layer.count(raw, feature[gemeente_index] if gemeente_index >= 0 else None)
            values = table.rows.get(code)
            feature.setFields(out_fields, False)
            feature.resizeAttributes(width)  # the new fields NULL; only a match's values are set
            if values is None:
                unmatched_layer.append((code, raw))
            else:
                for offset, value in enumerate(values):
                    feature.setAttribute(first + offset, value)
            sink.addFeature(feature, FAST_INSERT)
            if current % 500 == 0:
                feedback.setProgress(int(current * 100 / total))

        # Only now is the match known; it is the log's first line, before what the table reader noted.
        matched = layer.total - len(unmatched_layer)
        self._report_match(feedback, source.sourceName(), table_name, layer, table, matched)
        feedback.pushInfo(
            self.tr("Tabel '{}': codekolom '{}', {}, {}.").format(
                table_name,
                table.key_column,
                counted(len(table.rows), "gebied", "gebieden"),
                counted(len(table.columns), "kolom", "kolommen"),
            )
        )
        for note in table.notes:
            feedback.pushInfo(note)
        for warning in table.warnings:
            feedback.pushWarning(warning)
        for message in field_messages:
            feedback.pushWarning(message)
        unmatched_table = [code for code in table.rows if code not in layer.counts]
        results = {
            self.OUTPUT: dest_id,
            self.MATCHED: matched,
            self.MATCH_SHARE: matched / layer.total if layer.total else 0.0,
        }
        if parameters.get(self.UNMATCHED):
            results[self.UNMATCHED] = self._write_unmatched(
                parameters, context, unmatched_layer, unmatched_table, source.sourceName(), table_name
            )
        return results

    def _code_fields(self, parameters, context, source):
        """(index of the code field, index of a gemeente code field or -1); a wrong name lists the fields."""
        from ..veerkracht_plugin.core.codes import GEMEENTE_FIELD_CANDIDATES
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, column_list, find_column

        names = source.fields().names()
        input_field = self.parameterAsString(parameters, self.INPUT_FIELD, context)
        if not input_field:
            input_field = find_column(names, LAYER_KEY_CANDIDATES)
            if input_field is None:
                raise QgsProcessingException(
                    self.tr("Laag '{}': geen codeveld herkend (gezocht: {}). Kies het veld zelf. Velden: {}.").format(
                        source.sourceName(), ", ".join(LAYER_KEY_CANDIDATES), ", ".join(names)
                    )
                )
        code_index = source.fields().lookupField(input_field)
        if code_index < 0:
            raise QgsProcessingException(
                self.tr("Laag '{}': codeveld '{}' bestaat niet. {}").format(
                    source.sourceName(), input_field, column_list(names, input_field).replace("Kolommen:", "Velden:")
                )
            )
        others = [name for name in names if name != names[code_index]]
        gemeente_field = find_column(others, GEMEENTE_FIELD_CANDIDATES)
        return code_index, source.fields().lookupField(gemeente_field) if gemeente_field else -1

    def _read_table(self, parameters, context, feedback):
        """(name, DataFrame of text) from a file path, or from a table layer of the project."""
        sheet = self.parameterAsString(parameters, self.SHEET, context)
        return read_table_value(self, parameters, self.TABLE, context, feedback, sheet)

    def _report_match(self, feedback, layer_name, table_name, layer, table, matched):
        """The first line of the log: how much of the layer was matched; a warning under 90 %."""
        total = layer.total
        share = matched / total if total else 0.0
        percent = f"{share * 100:.1f}".replace(".", ",") + " %"
        counts = self.tr("{} van {} gebieden gekoppeld ({}), {} zonder partner in de tabel").format(
            matched, total, percent, total - matched
        )
        if share >= MATCH_WARNING_SHARE:
            feedback.pushInfo(self.tr("Laag '{}' + tabel '{}': {}.").format(layer_name, table_name, counts))
            return
        examples = ", ".join(sorted(code for code in layer.counts if code not in table.rows)[:3])
        table_examples = ", ".join(sorted(code for code in table.rows if code not in layer.counts)[:3])
        gemeenten, table_gemeenten = layer.gemeenten, table.gemeenten
        without_code = total - sum(layer.counts.values())
        if without_code:
            cause = self.tr(
                "{} gebieden van de laag hebben geen code (leeg of NULL) in veld '{}' en kunnen niet gekoppeld "
                "worden: vul de codes aan, of filter die gebieden weg."
            ).format(without_code, layer.field_name)
            if matched + without_code < total:
                cause += " " + self.tr(
                    "Voor de andere: komen laag en tabel uit verschillende CBS-jaren of gemeenten? Controleer ook "
                    "de codekolommen."
                )
        elif table.rows and gemeenten and table_gemeenten and not gemeenten & table_gemeenten:
            cause = self.tr(
                "De tabel hoort bij gemeente {}, de laag bij gemeente {}: kies de tabel of de laag van dezelfde gemeente."
            ).format(", ".join(sorted(table_gemeenten)[:5]), ", ".join(sorted(gemeenten)[:5]))
        else:
            cause = self.tr(
                "Laag en tabel komen waarschijnlijk uit verschillende CBS-jaren (gebiedsindelingen veranderen elk "
                "jaar): kies een laag van het jaar van de tabel, of controleer de codekolommen."
            )
        head = self.tr("LET OP, de uitvoer is grotendeels leeg: ") if share < MATCH_ALARM_SHARE else ""
        feedback.pushWarning(
            self.tr(
                "{}laag '{}' + tabel '{}': slechts {}. {} Zonder partner in de tabel: {}; in de tabel zonder partner in de laag: {}."
            ).format(head, layer_name, table_name, counts, cause, examples or "-", table_examples or "-")
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
