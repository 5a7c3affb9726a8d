"""veerkracht:compareeditions: two editions of the maps, per buurt and map the class then and now and whether
that is better, worse, higher, lower or different (core/editions.py), plus the transition counts."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFields,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
)

from ..veerkracht_plugin.compat import FAST_INSERT, NO_GEOMETRY_WKB, POLYGON_SOURCE, make_field, rd_new
from .base import VeerkrachtAlgorithm, maps_parameter
from .support.layer_io import output_fields, read_features, write_features

SHIFT_STYLE = "verschuiving"


class CompareEditionsAlgorithm(VeerkrachtAlgorithm):
    EDITION_A = "EDITION_A"
    EDITION_B = "EDITION_B"
    MAPS = "MAPS"
    OUTPUT = "OUTPUT"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    BY_CODE = "BY_CODE"
    BY_OVERLAP = "BY_OVERLAP"

    NAME = "compareeditions"
    DISPLAY_NAME = "Edities vergelijken"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Vergelijkt twee edities van de veerkrachtkaarten (bijvoorbeeld 2014-2018 en 2018-2022): per buurt en "
        "kaart de klasse in editie A, in editie B en de verschuiving.\n\n"
        "Beter, gelijk of slechter voor leefbaarheid, overlast, ontwikkeling overlast en de signalering (daar is "
        "'veerkrachtig' even goed als 'stabiel'); hoger of lager voor kwetsbare bewoners en corporatiebezit (meer "
        "concentratie is niet 'slechter'); anders of gelijk voor de focuskaart. Klasse 0 (onvoldoende gegevens) "
        "aan een van beide kanten is 'niet te vergelijken', nooit een verandering.\n\n"
        "Buurten worden op buurtcode gekoppeld; een buurt van editie B waarvan de code niet in editie A staat "
        "(andere buurtindeling) krijgt de klasse van de buurt van A waarmee hij het meest overlapt (oppervlakte "
        "in RD New); het logboek zegt hoeveel buurten zo gekoppeld zijn. De tabel telt per kaart de overgangen "
        "klasse A -> klasse B; het logboek ook.\n\n"
        "Beide edities zijn nodig, ook al noemt QGIS de vakken optioneel: ze beginnen met de eerste twee lagen met "
        "veerkrachtkaarten van het project (op naam) of leeg, nooit met de actieve laag in beide; een leeg vak "
        "wordt gemeld voordat er iets draait."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        from .support.fitting_layers import first_fitting, is_maps_layer

        # optional, so the dialog does not put the active layer in both boxes; checkParameterValues asks for both.
        # By default the project's first two maps layers by name: 'Veerkrachtkaarten Baarn 2014-2018' is A.
        for index, (name, label) in enumerate(
            (
                (self.EDITION_A, "Editie A (eerder, veerkrachtkaarten)"),
                (self.EDITION_B, "Editie B (later, veerkrachtkaarten)"),
            )
        ):
            default = first_fitting(is_maps_layer, skip=index, by_name=True)
            self.addParameter(
                QgsProcessingParameterFeatureSource(
                    name, self.tr(label), [POLYGON_SOURCE], defaultValue=default, optional=True
                )
            )
        self.addParameter(maps_parameter(self.MAPS, self.tr("Kaarten")))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Verschuiving"), POLYGON_SOURCE))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_TABLE, self.tr("Overgangen per kaart")))
        self.addOutput(QgsProcessingOutputNumber(self.BY_CODE, self.tr("Buurten op code gekoppeld")))
        self.addOutput(QgsProcessingOutputNumber(self.BY_OVERLAP, self.tr("Buurten op overlap gekoppeld")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        """Both editions given, and two different ones: said in the dialog before anything runs."""
        problem = self._editions_problem(parameters, context)
        return (False, problem) if problem else super().checkParameterValues(parameters, context)

    def _editions_problem(self, parameters, context):
        from .support.outputs import file_of

        labels = [self.parameterDefinition(name).description() for name in (self.EDITION_A, self.EDITION_B)]
        values = [parameters.get(self.EDITION_A), parameters.get(self.EDITION_B)]
        for label, value in zip(labels, values):
            if value in (None, ""):
                return self.tr("Kies '{}': een laag met veerkrachtkaarten.").format(label)
        same = str(values[0]) == str(values[1])
        files = [file_of(value, context) for value in values]
        if not same and files[0] is not None and files[0] == files[1]:
            names = [self.parameterAsSource(parameters, name, context) for name in (self.EDITION_A, self.EDITION_B)]
            same = None not in names and names[0].sourceName() == names[1].sourceName()
        if same:
            return self.tr(
                "'{}' en '{}' zijn dezelfde laag: kies twee verschillende edities (bijvoorbeeld de kaarten van "
                "2014-2018 en die van 2018-2022)."
            ).format(*labels)
        return ""

    def process(self, parameters, context, feedback):
        problem = self._editions_problem(parameters, context)
        if problem:  # models and scripts may skip checkParameterValues
            raise QgsProcessingException(problem)
        from ..veerkracht_plugin.core.catalogue import MAP_IDS, field_names
        from ..veerkracht_plugin.core.editions import compare, shift_fields, shift_summary, transition_lines
        from ..veerkracht_plugin.core.editions import transitions as transition_table

        chosen = self.parameterAsEnums(parameters, self.MAPS, context)
        map_ids = [MAP_IDS[i] for i in sorted(chosen)] or list(MAP_IDS)
        sources = {}
        for name in (self.EDITION_A, self.EDITION_B):
            source = self.parameterAsSource(parameters, name, context)
            if source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, name))
            sources[name] = (source, self._fields_of(source, name, map_ids))
        (source_a, columns_a), (source_b, columns_b) = sources[self.EDITION_A], sources[self.EDITION_B]

        feedback.setProgressText(self.tr("Editie A lezen"))
        _, _, frame_a = read_features(source_a, columns_a, feedback)
        shapes_a = self._shapes(source_a, context, feedback)
        feedback.setProgressText(self.tr("Editie B lezen"))
        features, attributes, frame_b = read_features(source_b, columns_b, feedback)
        if feedback.isCanceled():
            return {}

        feedback.setProgressText(self.tr("Buurten koppelen"))
        rows_a, by_code, by_overlap, unmatched = self._match(frame_a, shapes_a, frame_b, features, source_b, context)
        feedback.pushInfo(
            self.tr(
                "Koppeling: {} van de {} buurten van editie B op buurtcode, {} op de grootste overlap met een buurt "
                "van editie A (andere buurtindeling; oppervlakte in RD New), {} zonder buurt in editie A (niet te "
                "vergelijken)."
            ).format(by_code, len(frame_b), len(by_overlap), unmatched)
        )
        if by_overlap:
            shown = ", ".join(f"{b} <- {a}" for b, a in by_overlap[:10])
            feedback.pushInfo(self.tr("Op overlap: {}{}.").format(shown, " ..." if len(by_overlap) > 10 else ""))
        klassen = [field_names(m)[1] for m in map_ids]
        classes_a = frame_a.reindex(rows_a)[klassen].reset_index(drop=True)
        compared = compare(classes_a, frame_b[klassen], map_ids)
        table = transition_table(compared, map_ids)
        for line in shift_summary(compared, map_ids):
            feedback.pushInfo(line)
        for map_id in map_ids:
            feedback.pushInfo(transition_lines(table, map_id))

        new_columns = []
        for map_id in map_ids:
            fa, fb, fs = shift_fields(map_id)
            new_columns += [(fa, "int32"), (fb, "int32"), (fs, "text")]
        fields, kept = output_fields(source_b.fields(), new_columns, feedback)
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, fields, source_b.wkbType(), source_b.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        values = compared[[name for name, _ in new_columns]].astype(object)
        rows = values.where(values.notna(), None).values.tolist()
        feedback.setProgressText(self.tr("Schrijven"))
        write_features(features, attributes, sink, fields, kept, rows, feedback)
        table_dest = self._write_table(parameters, context, table)
        self._map_ids = map_ids
        self._names = (source_a.sourceName(), source_b.sourceName())
        return {
            self.OUTPUT: dest,
            self.OUTPUT_TABLE: table_dest,
            self.BY_CODE: by_code,
            self.BY_OVERLAP: len(by_overlap),
        }

    def _fields_of(self, source, parameter, map_ids):
        """{canonical: field}: the code field and every chosen map's class field, or a Dutch refusal."""
        from ..veerkracht_plugin.core.catalogue import field_names
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column

        names = source.fields().names()
        label = self.parameterDefinition(parameter).description()
        missing = [field_names(m)[1] for m in map_ids if field_names(m)[1] not in names]
        if missing:
            raise QgsProcessingException(
                self.tr(
                    "'{}' ({}) mist de klassevelden {}: kies een uitvoer van 'Veerkrachtkaarten maken', of laat die "
                    "kaarten weg bij 'Kaarten'."
                ).format(label, source.sourceName(), ", ".join(missing))
            )
        code = find_column(names, LAYER_KEY_CANDIDATES)
        if code is None:
            raise QgsProcessingException(
                self.tr("'{}' ({}) heeft geen buurtcodeveld (buurtcode, statcode, BU_CODE, ...).").format(
                    label, source.sourceName()
                )
            )
        columns = {"code": code}
        columns.update({field_names(m)[1]: field_names(m)[1] for m in map_ids})
        return columns

    @staticmethod
    def _shapes(source, context, feedback):
        """{row: geometry in RD New} of a source, rows in read_features' order."""
        from qgis.core import QgsFeatureRequest

        from ..veerkracht_plugin.compat import SKIP_GEOMETRY_CHECKS
        from ..veerkracht_plugin.geometry import rd_copy

        transform = QgsCoordinateTransform(source.sourceCrs(), rd_new(), context.transformContext())
        shapes = {}
        for row, feature in enumerate(source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS)):
            if feedback.isCanceled():
                break
            if feature.hasGeometry():
                shapes[row] = rd_copy(feature.geometry(), transform)
        return shapes

    def _match(self, frame_a, shapes_a, frame_b, features_b, source_b, context):
        """Row of A per row of B (None: no counterpart): by code, else by the largest overlap in RD New."""
        from ..veerkracht_plugin.core.codes import normalise_code
        from ..veerkracht_plugin.geometry import PolygonIndex, rd_copy

        codes_a = [normalise_code(c) for c in frame_a["code"]]
        row_of = {code: row for row, code in enumerate(codes_a) if code}
        index = PolygonIndex(shapes_a)
        transform = QgsCoordinateTransform(source_b.sourceCrs(), rd_new(), context.transformContext())
        rows, by_code, by_overlap, unmatched = [], 0, [], 0
        for code, feature in zip(frame_b["code"], features_b):
            code = normalise_code(code)
            if code in row_of:
                rows.append(row_of[code])
                by_code += 1
                continue
            best = index.largest_overlap(rd_copy(feature.geometry(), transform)) if feature.hasGeometry() else None
            rows.append(best)
            if best is None:
                unmatched += 1
            else:
                by_overlap.append((code, codes_a[best]))
        return rows, by_code, by_overlap, unmatched

    def _write_table(self, parameters, context, table):
        fields = QgsFields()
        kinds = {"klasse_a": "int32", "klasse_b": "int32", "aantal": "int32"}
        for column in table.columns:
            fields.append(make_field(column, kinds.get(column, "text")))
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT_TABLE, context, fields, NO_GEOMETRY_WKB, QgsCoordinateReferenceSystem()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_TABLE))
        values = table.astype(object)
        for row in values.where(values.notna(), None).values.tolist():
            feature = QgsFeature(fields)
            feature.setAttributes(row)
            sink.addFeature(feature, FAST_INSERT)
        return dest

    def after_commit(self, results, context):
        output = results.get(self.OUTPUT)
        if not output or not context.willLoadLayerOnCompletion(output):
            return
        details = context.layerToLoadOnCompletionDetails(output)
        if details.postProcessor() is not None:  # never replace one (QGIS crashes, see map_results)
            return
        shown = "signalering" if "signalering" in self._map_ids else self._map_ids[0]
        details.setPostProcessor(ShiftStylePostProcessor(shown, *shift_texts(shown, *self._names, self._map_ids)))


class ShiftStylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """When the comparison is loaded: the shift style on one map's shift field, a name saying which map and
    editions it shows, and the same in the layer's metadata.

    QGIS does not own post-processors: the last few stay referenced here."""

    alive = []

    def __init__(self, map_id, name, abstract=""):
        super().__init__()
        self.map_id, self.name, self.abstract = map_id, name, abstract
        ShiftStylePostProcessor.alive = ShiftStylePostProcessor.alive[-31:] + [self]

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        layer.setName(self.name)
        metadata = layer.metadata()
        metadata.setTitle(self.name)
        if self.abstract:
            metadata.setAbstract(self.abstract)
        layer.setMetadata(metadata)
        apply_shift_style(layer, self.map_id)


def shift_texts(map_id, edition_a, edition_b, map_ids=None):
    """(layer name, metadata abstract) of a comparison shown on ``map_id``'s shift."""
    from ..veerkracht_plugin.core.catalogue import map_entry

    title = map_entry(map_id)["titel"]
    name = f"Verschuiving {title}: {edition_a} -> {edition_b}"
    abstract = (
        f"Verschuiving per buurt tussen editie A '{edition_a}' en editie B '{edition_b}' van de veerkrachtkaarten; "
        f"getoond: {title} (veld {map_id}_verschuiving). Vergeleken kaarten: {', '.join(map_ids or [map_id])}."
    )
    return name, abstract


def shift_renderer(map_id="signalering"):
    """Categorised renderer on ``<map>_verschuiving``: one colour per shift, 'niet te vergelijken' hatched grey."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory

    from ..veerkracht_plugin.core.editions import NIET_TE_VERGELIJKEN, SHIFT_COLOURS, shift_fields
    from ..veerkracht_plugin.styling import class_symbol

    categories = [
        QgsRendererCategory(shift, class_symbol(colour, hatched=shift == NIET_TE_VERGELIJKEN), shift)
        for shift, colour in SHIFT_COLOURS.items()
    ]
    return QgsCategorizedSymbolRenderer(shift_fields(map_id)[2], categories)


def apply_shift_style(layer, map_id):
    """The packaged styles/verschuiving.qml, pointed at ``map_id``'s shift field."""
    from ..veerkracht_plugin.core.editions import shift_fields
    from ..veerkracht_plugin.styling import load_style

    load_style(layer, SHIFT_STYLE)
    layer.renderer().setClassAttribute(shift_fields(map_id)[2])
    layer.triggerRepaint()
