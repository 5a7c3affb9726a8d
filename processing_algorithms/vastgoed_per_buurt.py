"""veerkracht:vastgoedperbuurt: the corporation's own stock joined to the buurten and their nine maps."""

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)

from ..veerkracht_plugin.compat import (
    ANY_GEOMETRY_SOURCE,
    FAST_INSERT,
    NO_GEOMETRY,
    POLYGON_SOURCE,
    SKIP_GEOMETRY_CHECKS,
    as_python,
    make_field,
)
from .base import VeerkrachtAlgorithm

OWN_FIELDS = [("eigen_vhe", "float"), ("aandeel_eigen_bezit", "float"), ("eigen_bezit_actief", "int")]
VHE_FIELDS = ["vhe", "aantal_vhe", "verhuureenheden", "aantal_verhuureenheden"]  # lower case


class VastgoedPerBuurtAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    VASTGOED = "VASTGOED"
    VHE_FIELD = "VHE_FIELD"
    OUTPUT_BUURTEN = "OUTPUT_BUURTEN"
    OUTPUT_VASTGOED = "OUTPUT_VASTGOED"

    NAME = "vastgoedperbuurt"
    DISPLAY_NAME = "Eigen bezit per buurt"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Waar hebben wij woningen in buurten waar de veerkracht onder druk staat? Koppelt het eigen vastgoed "
        "(punten per verhuureenheid of complex, of complexvlakken; ook uit PostGIS) aan de buurten.\n\n"
        "Buurten: eigen_vhe (aantal eigen verhuureenheden), aandeel_eigen_bezit (eigen vhe als % van de woningen, "
        "als de laag een woningenveld heeft) en eigen_bezit_actief (1 als er eigen bezit is).\n\n"
        "Vastgoed: elk object met de buurtcode, buurtnaam en de klassen van de negen kaarten van zijn buurt. Een "
        "vlak hoort bij de buurt waarin het grootste deel ligt. Objecten buiten alle buurten blijven behouden "
        "(lege klassen) en worden in het logboek geteld. Verschillende coördinatenstelsels worden omgerekend."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        from .support.fitting_layers import first_fitting, is_maps_layer, is_point_layer

        # optional: a required box gets the active layer, whatever it is; checkParameterValues asks for them
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT,
                self.tr("Laag met veerkrachtkaarten (buurten)"),
                [POLYGON_SOURCE],
                defaultValue=first_fitting(is_maps_layer),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.VASTGOED,
                self.tr("Eigen vastgoed (punten of vlakken)"),
                [ANY_GEOMETRY_SOURCE],
                defaultValue=first_fitting(is_point_layer),
                optional=True,
            )
        )
        self.add_parameter(
            QgsProcessingParameterField(
                self.VHE_FIELD,
                self.tr("Veld met aantal verhuureenheden (leeg: vhe, anders 1)"),
                parentLayerParameterName=self.VASTGOED,
                optional=True,
            ),
            "Leeg: het veld vhe als de vastgoedlaag dat heeft, anders telt elk object als 1 verhuureenheid.",
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_BUURTEN, self.tr("Buurten met eigen bezit"), POLYGON_SOURCE)
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT_VASTGOED, self.tr("Vastgoed met buurtklassen")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        problem = self._inputs_problem(parameters, context)
        return (False, problem) if problem else super().checkParameterValues(parameters, context)

    def _inputs_problem(self, parameters, context):
        """The boxes that start empty (fitting_layers), and a buurt layer without the maps, said in Dutch."""
        from ..veerkracht_plugin.layer_queries import is_veerkracht_fields

        needed = (
            (self.INPUT, "de laag die 'Veerkrachtkaarten maken' schreef"),
            (self.VASTGOED, "uw eigen vastgoed, punten per verhuureenheid of complex, of complexvlakken"),
        )
        for name, what in needed:
            if parameters.get(name) in (None, ""):
                return self.tr("Kies '{}': {}.").format(self.parameter_label(name), what)
        buurten = self.parameterAsSource(parameters, self.INPUT, context)
        if buurten is not None and not is_veerkracht_fields(buurten.fields()):
            return self.tr(
                "'{}' heeft niet de velden van de negen kaarten (zoals signalering_klasse): kies bij '{}' de laag die "
                "'Veerkrachtkaarten maken' schreef."
            ).format(buurten.sourceName(), self.parameter_label(self.INPUT))
        return ""

    def process(self, parameters, context, feedback):
        problem = self._inputs_problem(parameters, context)
        if problem:  # models and scripts may skip checkParameterValues
            raise QgsProcessingException(problem)
        from ..veerkracht_plugin.compat import rd_new
        from ..veerkracht_plugin.core.catalogue import MAP_IDS, field_names
        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, column_list, find_column
        from ..veerkracht_plugin.layer_queries import is_veerkracht_fields
        from ..veerkracht_plugin.vastgoed import BuurtLocator, dwellings_field

        buurten = self.parameterAsSource(parameters, self.INPUT, context)
        if buurten is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        vastgoed = self.parameterAsSource(parameters, self.VASTGOED, context)
        if vastgoed is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.VASTGOED))
        if _same_source(buurten, vastgoed, parameters, self, context) or is_veerkracht_fields(vastgoed.fields()):
            raise QgsProcessingException(
                self.tr(
                    "'{}' is de buurtlaag zelf (of een laag met dezelfde veerkrachtvelden): kies de laag met uw "
                    "eigen vastgoed, punten per verhuureenheid of complex, of complexvlakken."
                ).format(vastgoed.sourceName())
            )
        vhe_field = self.parameterAsString(parameters, self.VHE_FIELD, context)
        label = self.parameterDefinition(self.VHE_FIELD).description()
        if vhe_field and vastgoed.fields().lookupField(vhe_field) < 0:
            raise QgsProcessingException(
                self.tr("'{}': veld '{}' bestaat niet in laag '{}'. {}").format(
                    label, vhe_field, vastgoed.sourceName(), column_list(vastgoed.fields().names(), vhe_field)
                )
            )
        if vhe_field and not vastgoed.fields().field(vhe_field).isNumeric():
            raise QgsProcessingException(
                self.tr("'{}': veld '{}' in laag '{}' is geen getal.").format(label, vhe_field, vastgoed.sourceName())
            )
        if not vhe_field:
            vhe_field = self._default_vhe_field(vastgoed, label, feedback)
        names = buurten.fields().names()
        code_field = find_column(names, LAYER_KEY_CANDIDATES)
        name_field = find_column(names, ["buurtnaam", "BU_NAAM", "statnaam"])
        label_fields = [field_names(m)[2] for m in MAP_IDS if field_names(m)[2] in names]
        dwellings = dwellings_field(buurten.fields())

        feedback.setProgressText(self.tr("Ruimtelijke index van de buurten"))
        locator = BuurtLocator(buurten, context.transformContext(), feedback)
        buurt_rows = {
            f.id(): f.attributes()
            for f in buurten.getFeatures(QgsFeatureRequest().setFlags(NO_GEOMETRY), SKIP_GEOMETRY_CHECKS)
        }

        out_fields = QgsFields(vastgoed.fields())
        added = [("buurtcode", "text"), ("buurtnaam", "text")] + [(name, "text") for name in label_fields]
        for name, kind in added:
            out_fields.append(make_field(_free(out_fields, name), kind))
        sink_v, dest_v = self.parameterAsSink(
            parameters, self.OUTPUT_VASTGOED, context, out_fields, vastgoed.wkbType(), vastgoed.sourceCrs()
        )
        if sink_v is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_VASTGOED))

        feedback.setProgressText(self.tr("Vastgoed aan buurten koppelen"))
        to_rd = QgsCoordinateTransform(vastgoed.sourceCrs(), rd_new(), context.transformContext())
        units, outside, total = {}, 0, vastgoed.featureCount() or 1
        code_index = buurten.fields().lookupField(code_field) if code_field else -1
        name_index = buurten.fields().lookupField(name_field) if name_field else -1
        label_indices = [buurten.fields().lookupField(n) for n in label_fields]
        for current, feature in enumerate(vastgoed.getFeatures()):
            if feedback.isCanceled():
                break
            geometry = feature.geometry()
            rd = None
            if geometry is not None and not geometry.isEmpty():
                rd = QgsGeometry(geometry)
                rd.transform(to_rd)
            fid = locator.locate(rd)
            if fid is None:
                outside += 1
                extra = [None] * len(added)
            else:
                row = buurt_rows[fid]
                count = as_python(feature[vhe_field]) if vhe_field else 1
                count = 0.0 if count is None else float(count)
                units[fid] = units.get(fid, 0.0) + count
                extra = [row[code_index] if code_index >= 0 else None, row[name_index] if name_index >= 0 else None]
                extra += [row[i] for i in label_indices]
            out = QgsFeature(out_fields)
            out.setGeometry(geometry)
            out.setAttributes(feature.attributes() + extra)
            sink_v.addFeature(out, FAST_INSERT)
            feedback.setProgress(int(current * 80 / total))

        buurt_fields = QgsFields(buurten.fields())
        for name, kind in OWN_FIELDS:
            if buurt_fields.lookupField(name) < 0:
                buurt_fields.append(make_field(name, kind))
        replace = [buurten.fields().lookupField(name) for name, _ in OWN_FIELDS]
        sink_b, dest_b = self.parameterAsSink(
            parameters, self.OUTPUT_BUURTEN, context, buurt_fields, buurten.wkbType(), buurten.sourceCrs()
        )
        if sink_b is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT_BUURTEN))
        dwelling_index = buurten.fields().lookupField(dwellings) if dwellings else -1
        # geometries are passed on as they are; only locating uses repaired copies
        for feature in buurten.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS):
            own = units.get(feature.id(), 0.0)
            homes = as_python(feature.attributes()[dwelling_index]) if dwelling_index >= 0 else None
            homes = float(homes) if homes is not None and float(homes) > 0 else None
            values = [own, round(100 * own / homes, 1) if homes else None, 1 if own > 0 else 0]
            attributes = feature.attributes()
            for position, value in zip(replace, values):
                if position >= 0:
                    attributes[position] = value
            attributes += [v for position, v in zip(replace, values) if position < 0]
            out = QgsFeature(buurt_fields)
            out.setGeometry(feature.geometry())
            out.setAttributes(attributes)
            sink_b.addFeature(out, FAST_INSERT)

        placed = vastgoed.featureCount() - outside
        feedback.pushInfo(
            self.tr("{} van {} vastgoedobjecten liggen in een buurt; {} eigen vhe in {} buurten.").format(
                placed, vastgoed.featureCount(), f"{sum(units.values()):g}", len(units)
            )
        )
        if outside:
            feedback.pushWarning(
                self.tr("{} vastgoedobjecten liggen buiten alle buurten: behouden met lege klassen.").format(outside)
            )
        if dwellings is None:
            feedback.pushInfo(self.tr("Geen woningenveld in de buurtlaag: aandeel_eigen_bezit blijft leeg."))
        return {self.OUTPUT_BUURTEN: dest_b, self.OUTPUT_VASTGOED: dest_v}

    def _default_vhe_field(self, vastgoed, label, feedback):
        """A field named like VHE_FIELDS when the parameter is empty (said in the log), else '' (said loudly)."""
        by_lower = {field.name().lower(): field for field in vastgoed.fields()}
        found = next((by_lower[name] for name in VHE_FIELDS if name in by_lower), None)
        if found is not None and found.isNumeric():
            feedback.pushInfo(
                self.tr(
                    "'{}' is leeg: het veld '{}' van '{}' geeft het aantal verhuureenheden per object. Elk object als "
                    "1 tellen? Kies dan een laag zonder dat veld."
                ).format(label, found.name(), vastgoed.sourceName())
            )
            return found.name()
        if found is not None:
            feedback.pushWarning(
                self.tr(
                    "LET OP: veld '{}' van '{}' is geen getal; elk object telt als 1 verhuureenheid. Kies bij '{}' "
                    "een getalveld met het aantal verhuureenheden."
                ).format(found.name(), vastgoed.sourceName(), label)
            )
        else:
            feedback.pushInfo(
                self.tr("'{}' is leeg en '{}' heeft geen veld vhe: elk object telt als 1 verhuureenheid.").format(
                    label, vastgoed.sourceName()
                )
            )
        return ""

    def after_commit(self, results, context):
        """Loaded results come styled: the buurten with the nine maps (signalering shown), the vastgoed on top."""
        from .support.vastgoed_results import attach_styles

        attach_styles(context, results.get(self.OUTPUT_BUURTEN), results.get(self.OUTPUT_VASTGOED))


def _same_source(buurten, vastgoed, parameters, algorithm, context):
    """Both parameters point at one layer: the same file and layer, or the same object."""
    from .support.outputs import file_of

    a = file_of(parameters.get(algorithm.INPUT), context)
    b = file_of(parameters.get(algorithm.VASTGOED), context)
    return (a is not None and a == b and buurten.sourceName() == vastgoed.sourceName()) or (
        parameters.get(algorithm.INPUT) is parameters.get(algorithm.VASTGOED)
    )


def _free(fields, name):
    """``name``, or ``name_2`` ... when the vastgoed layer already has such a field."""
    candidate = name
    while fields.lookupField(candidate) >= 0:
        candidate += "_2"
    return candidate
