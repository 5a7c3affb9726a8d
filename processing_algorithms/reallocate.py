"""veerkracht:herindelen: figures of one buurt indeling carried onto another (another year's buurten or wijken).

QGIS' geometry engine measures the overlaps in RD New; the rules live in core/reallocation.py.
"""

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ..veerkracht_plugin.compat import (
    ANY_GEOMETRY_SOURCE,
    DOUBLE,
    FAST_INSERT,
    POINT_GEOMETRY,
    POLYGON_SOURCE,
    SKIP_GEOMETRY_CHECKS,
    as_python,
    make_field,
    parameter_as_fields,
    rd_new,
)
from ..veerkracht_plugin.geometry import PolygonIndex, rd_copy
from .base import VeerkrachtAlgorithm

EXTRA_FIELDS = [("dekking", "float"), ("bronnen", "text"), ("herindeling_opmerking", "text")]


class ReallocateAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    TARGET = "TARGET"
    FIELDS = "FIELDS"
    SHARES = "SHARES"
    WEIGHTS = "WEIGHTS"
    WEIGHT_FIELD = "WEIGHT_FIELD"
    MIN_COVERAGE = "MIN_COVERAGE"
    OUTPUT = "OUTPUT"

    NAME = "herindelen"
    DISPLAY_NAME = "Naar een andere buurtindeling omrekenen"
    GROUP_ID = "gegevens"
    GROUP = "Gegevens voorbereiden"
    HELP = (
        "Rekent cijfers van de buurten van het ene jaar om naar de buurten (of wijken) van een ander jaar, zodat "
        "twee jaren in één indeling vergeleken kunnen worden.\n\n"
        "Gewicht van een overlap: de oppervlakte van bron ∩ doel in RD New (EPSG:28992), of met een puntenlaag "
        "(adressen, woningen) de som van de punten (of hun gewichtveld) die in beide liggen. Een aantal wordt "
        "verdeeld naar rato: aantal(doel) = Σ aantal(bron) × overlap / bron. Een aandeel of percentage (noem het "
        "bij 'Aandelen', eventueel met zijn noemer: percentage_huishoudens_met_laag_inkomen:aantal_huishoudens) "
        "wordt gewogen gemiddeld met noemer × overlap / bron als gewicht. Overlappingen kleiner dan 1% van het "
        "kleinste gebied zijn snippers van gegeneraliseerde grenzen en tellen niet mee.\n\n"
        "Alleen bronnen met een waarde doen mee (CBS' -99995, -99997 en -99999999 zijn geen waarde); water-buurten "
        "(water = JA) doen nooit mee. Dekt de bron met waarde minder dan de minimale dekking van een doelgebied, "
        "dan blijft die waarde leeg, met de reden in 'herindeling_opmerking'. Het veld 'dekking' zegt welk deel van "
        "het doelgebied door bronnen bedekt is, 'bronnen' welke bronnen meetellen: per bron het aandeel van het "
        "doelgebied en (tussen haakjes) het deel van de bron. Gelijke indelingen geven precies de invoer terug.\n\n"
        "Velden van het doel met dezelfde naam blijven staan; het omgerekende veld krijgt dan '_2' erachter."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Buurten met cijfers (bron)"), [POLYGON_SOURCE])
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.TARGET, self.tr("Doelindeling (buurten of wijken)"), [POLYGON_SOURCE]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Velden om om te rekenen (leeg: alle numerieke velden)"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.SHARES,
                self.tr("Aandelen/percentages (komma's; eventueel veld:noemer)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.WEIGHTS,
                self.tr("Puntenlaag als gewicht (leeg: oppervlakte)"),
                [ANY_GEOMETRY_SOURCE],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.WEIGHT_FIELD,
                self.tr("Gewichtveld van de punten (leeg: elk punt telt 1)"),
                parentLayerParameterName=self.WEIGHTS,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MIN_COVERAGE, self.tr("Minimale dekking (0-1)"), DOUBLE, defaultValue=0.9, minValue=0, maxValue=1
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Omgerekend"), POLYGON_SOURCE))

    def process(self, parameters, context, feedback):
        import pandas as pd

        from ..veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
        from ..veerkracht_plugin.core.reallocation import reallocate

        source, target = (self._source(parameters, name, context) for name in (self.INPUT, self.TARGET))
        fields, shares = self._fields(parameters, context, source, feedback)
        columns = list(dict.fromkeys(fields + [d for d in shares.values() if d]))
        feedback.setProgressText(self.tr("Gebieden lezen"))
        code = find_column(source.fields().names(), LAYER_KEY_CANDIDATES)
        water = find_column(source.fields().names(), ["water"])
        read = list(dict.fromkeys(columns + [c for c in (code, water) if c]))
        s_geoms, rows = self._polygons(source, context, feedback, read)
        frame = pd.DataFrame(rows, columns=read)
        labels = frame[code].astype(str) if code else pd.Series([f"bron {i + 1}" for i in range(len(frame))])
        excluded = frame.index[frame[water].astype(str).str.strip().str.upper() == "JA"] if water else []
        t_geoms, t_features = self._polygons(source=target, context=context, feedback=feedback)
        feedback.setProgress(10)
        feedback.setProgressText(self.tr("Overlappingen meten"))
        if parameters.get(self.WEIGHTS):
            overlaps, w_s, w_t, how = self._point_weights(parameters, context, feedback, s_geoms, t_geoms)
        else:
            overlaps, w_s, w_t = self._area_weights(s_geoms, t_geoms, feedback)
            how = self.tr("oppervlakte in RD New (EPSG:28992)")
        if feedback.isCanceled():
            return {}
        result = reallocate(
            frame[columns],
            overlaps,
            w_s,
            w_t,
            shares,
            self.parameterAsDouble(parameters, self.MIN_COVERAGE, context),
            excluded,
            labels,
            fields,
        )
        feedback.pushInfo(
            self.tr("'{}' ({} gebieden, {} water) omgerekend naar '{}' ({} gebieden); gewicht: {}.").format(
                source.sourceName(), len(s_geoms), len(excluded), target.sourceName(), len(t_geoms), how
            )
        )
        for note in result.notes:
            feedback.pushInfo(note)
        t_code = find_column(target.fields().names(), LAYER_KEY_CANDIDATES)
        for line in result.log_lines(
            [as_python(f[t_code]) if t_code else f"doel {i + 1}" for i, f in enumerate(t_features)]
        ):
            feedback.pushInfo(line)
        feedback.setProgress(85)

        out_fields = QgsFields(target.fields())
        for name, kind in [(f, "float") for f in fields] + EXTRA_FIELDS:
            out_name = name
            while out_fields.lookupField(out_name) >= 0:
                out_name += "_2"
            if out_name != name:
                feedback.pushWarning(
                    self.tr("Veld '{}' bestaat al in het doel; het omgerekende veld heet '{}'.").format(name, out_name)
                )
            out_fields.append(make_field(out_name, kind))
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, out_fields, target.wkbType(), target.sourceCrs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        table = result.values.assign(dekking=result.coverage, bronnen=result.sources, opmerking=result.remarks)
        table = table.astype(object).where(table.notna(), None)
        low = int(result.values.isna().any(axis=1).sum())
        if low:
            feedback.pushWarning(
                self.tr(
                    "{} van {} doelgebieden hebben lege waarden; de reden staat in 'herindeling_opmerking'."
                ).format(low, len(t_features))
            )
        for i, (feature, values) in enumerate(zip(t_features, table.itertuples(index=False, name=None))):
            if feedback.isCanceled():
                break
            attributes = feature.attributes()
            feature.setFields(out_fields, False)
            feature.setAttributes(attributes + list(values))
            sink.addFeature(feature, FAST_INSERT)
            if i % 500 == 0:
                feedback.setProgress(85 + int(15 * i / max(len(t_features), 1)))
        return {self.OUTPUT: dest_id}

    def _source(self, parameters, name, context):
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, name))
        return source

    def _fields(self, parameters, context, source, feedback):
        """(fields to carry, {share: denominator or None}), checked against the source's numeric fields."""
        from ..veerkracht_plugin.core.join import column_list
        from ..veerkracht_plugin.core.reallocation import parse_shares
        from ..veerkracht_plugin.core.zeros import is_share_column

        all_fields = source.fields()
        numeric = [f.name() for f in all_fields if f.isNumeric()]
        fields = list(parameter_as_fields(self, parameters, self.FIELDS, context)) or numeric
        shares = parse_shares(self.parameterAsString(parameters, self.SHARES, context))
        fields += [name for name in shares if name not in fields]
        for name in fields + [d for d in shares.values() if d]:
            if all_fields.lookupField(name) < 0:
                raise QgsProcessingException(
                    self.tr("Bron '{}': veld '{}' bestaat niet. {}").format(
                        source.sourceName(), name, column_list(all_fields.names(), name).replace("Kolommen:", "Velden:")
                    )
                )
            if name not in numeric:
                raise QgsProcessingException(
                    self.tr("Bron '{}': veld '{}' is geen getal en kan niet worden omgerekend.").format(
                        source.sourceName(), name
                    )
                )
        if not fields:
            raise QgsProcessingException(
                self.tr("Bron '{}' heeft geen numerieke velden om om te rekenen.").format(source.sourceName())
            )
        look_like_shares = [name for name in fields if is_share_column(name) and name not in shares]
        if look_like_shares:
            feedback.pushWarning(
                self.tr(
                    "Deze velden lijken aandelen maar worden als aantallen verdeeld: {}. Noem ze bij 'Aandelen'."
                ).format(", ".join(look_like_shares[:10]) + (" ..." if len(look_like_shares) > 10 else ""))
            )
        return fields, shares

    def _polygons(self, source, context, feedback, columns=None):
        """(geometries in RD New, made valid, [attribute rows of ``columns``] or, without columns, the features)."""
        transform = QgsCoordinateTransform(source.sourceCrs(), rd_new(), context.transformContext())
        indices = [source.fields().lookupField(c) for c in columns or []]
        geometries, rows = [], []
        for feature in source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS):
            if feedback.isCanceled():
                break
            geometries.append(rd_copy(feature.geometry(), transform))
            attributes = feature.attributes()
            rows.append([as_python(attributes[i]) for i in indices] if columns else feature)
        return geometries, rows

    def _area_weights(self, s_geoms, t_geoms, feedback):
        """(overlaps, w_s, w_t) with areas from QGIS' geometry engine (GEOS)."""
        import pandas as pd

        targets = PolygonIndex(enumerate(t_geoms))
        pairs = []
        for i, geometry in enumerate(s_geoms):
            if feedback.isCanceled():
                break
            if geometry.isEmpty():
                continue
            engine = QgsGeometry.createGeometryEngine(geometry.constGet())
            engine.prepareGeometry()
            for j in targets.candidates(geometry.boundingBox()):
                if engine.intersects(t_geoms[j].constGet()):
                    pairs.append((i, j, geometry.intersection(t_geoms[j]).area()))
            if i % 200 == 0:
                feedback.setProgress(10 + int(75 * i / len(s_geoms)))
        areas = [pd.Series([g.area() for g in geoms], dtype=float) for geoms in (s_geoms, t_geoms)]
        return pd.DataFrame(pairs, columns=["source", "target", "weight"]), areas[0], areas[1]

    def _point_weights(self, parameters, context, feedback, s_geoms, t_geoms):
        """(overlaps, w_s, w_t, description): each point (or its weight field) counts for the source and the
        target it lies in; a point on a shared edge belongs to the first one found."""
        import pandas as pd

        points = self._source(parameters, self.WEIGHTS, context)
        if QgsWkbTypes.geometryType(points.wkbType()) != POINT_GEOMETRY:
            raise QgsProcessingException(self.tr("Gewichtslaag '{}' is geen puntenlaag.").format(points.sourceName()))
        weight_field = self.parameterAsString(parameters, self.WEIGHT_FIELD, context)
        index = points.fields().lookupField(weight_field) if weight_field else -1
        transform = QgsCoordinateTransform(points.sourceCrs(), rd_new(), context.transformContext())
        find_source = PolygonIndex(enumerate(s_geoms)).containing
        find_target = PolygonIndex(enumerate(t_geoms)).containing
        pairs, w_s, w_t = {}, [0.0] * len(s_geoms), [0.0] * len(t_geoms)
        skipped, total = 0, points.featureCount() or 1
        for n, feature in enumerate(points.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS)):
            if feedback.isCanceled():
                break
            weight = as_python(feature.attributes()[index]) if index >= 0 else 1.0
            if not isinstance(weight, (int, float)) or not weight >= 0 or feature.geometry().isEmpty():
                skipped += 1
                continue
            point = QgsGeometry(feature.geometry())
            point.transform(transform)
            i, j = find_source(point), find_target(point)
            if i is not None:
                w_s[i] += weight
            if j is not None:
                w_t[j] += weight
            if i is not None and j is not None:
                pairs[i, j] = pairs.get((i, j), 0.0) + weight
            if n % 1000 == 0:
                feedback.setProgress(10 + int(75 * n / total))
        if skipped:
            feedback.pushWarning(
                self.tr("{} punten zonder (geldig) gewicht of plaats tellen niet mee.").format(skipped)
            )
        overlaps = pd.DataFrame([(i, j, w) for (i, j), w in pairs.items()], columns=["source", "target", "weight"])
        how = self.tr("punten van '{}'").format(points.sourceName()) + (f" ({weight_field})" if weight_field else "")
        return overlaps, pd.Series(w_s), pd.Series(w_t), how
