"""makemaps against the whole country: the chosen gemeenten's buurten (with geometry) plus every other buurt of
the country from a national attribute table (no geometry), so each class compares a buurt with all of the
Netherlands as Aedes' maps do; computemaps then writes only the buurten with geometry."""

from qgis.core import QgsFeature, QgsFeatureRequest, QgsProcessingException, QgsProcessingUtils, QgsVectorLayer

from ...veerkracht_plugin.compat import NO_GEOMETRY, RD_NEW_AUTHID
from .table_input import layer_label


def add_national_start(alg, parameters, context, plan):
    """The national start-year table joined by buurtcode, like a start-year kerncijfers table with the buurt
    layer's own field names (both come from PDOK editions through 'Open data ophalen')."""
    from ...veerkracht_plugin.core.detect import year_in_name

    table = alg.parameterAsVectorLayer(parameters, alg.REFERENTIE_START, context)
    if table is None:
        raise QgsProcessingException(alg.unusable_input_message(parameters, alg.REFERENTIE_START))
    given = parameters.get(alg.KWB_YEAR_START)
    year = alg.parameterAsInt(parameters, alg.KWB_YEAR_START, context) if given not in (None, "") else None
    year = year or year_in_name(layer_label(table))
    if year is None:
        raise QgsProcessingException(
            f"Vul '{alg.parameterDefinition(alg.KWB_YEAR_START).description()}' in: het jaar van "
            f"'{table.name()}' staat niet in de naam."
        )
    missing = [c for c in plan.counts + plan.shares + [plan.inwoners_layer] if table.fields().indexOf(c) < 0]
    if missing:
        raise QgsProcessingException(
            f"'{alg.parameterDefinition(alg.REFERENTIE_START).description()}' ('{table.name()}') mist de velden "
            f"{', '.join(missing)} die de buurtlaag heeft. Haal beide jaren op met 'Open data ophalen'."
        )
    plan.table_start, plan.kwb_start, plan.inwoners = parameters[alg.REFERENTIE_START], year, plan.inwoners_layer
    plan.notes.append(f"kerncijfers {year} van heel Nederland uit '{layer_label(table)}', op buurtcode gekoppeld")


def with_national_rows(alg, parameters, context, buurten, feedback):
    """A memory layer (id in the context's temporary store): the buurt layer in RD New plus, without geometry,
    every buurt of the national table whose code it lacks."""
    from ...veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column

    own = QgsProcessingUtils.mapLayerFromString(buurten, context) if isinstance(buurten, str) else buurten
    national = alg.parameterAsVectorLayer(parameters, alg.REFERENTIE, context)
    if own is None or national is None:
        raise QgsProcessingException(alg.unusable_input_message(parameters, alg.REFERENTIE))
    own_code = find_column(own.fields().names(), LAYER_KEY_CANDIDATES)
    national_code = find_column(national.fields().names(), LAYER_KEY_CANDIDATES)
    if own_code is None or national_code is None:
        raise QgsProcessingException(
            f"Geen buurtcodeveld in '{own.name() if own_code is None else national.name()}' (gezocht: "
            f"{', '.join(LAYER_KEY_CANDIDATES)})."
        )
    combined = QgsVectorLayer(f"MultiPolygon?crs={RD_NEW_AUTHID}", "referentieset Nederland", "memory")
    fields = [f for f in own.fields() if f.name().lower() != "fid"]
    combined.dataProvider().addAttributes(fields)
    combined.updateFields()
    names = [f.name() for f in fields]
    features, codes = [], set()
    for feature in own.getFeatures():
        copy = QgsFeature(combined.fields())
        copy.setGeometry(feature.geometry())
        copy.setAttributes([feature[name] for name in names])
        features.append(copy)
        codes.add(feature[own_code])
    positions = [(i, national.fields().indexOf(name)) for i, name in enumerate(names)]
    positions = [(i, j) for i, j in positions if j >= 0]
    added = 0
    for feature in national.getFeatures(QgsFeatureRequest().setFlags(NO_GEOMETRY)):
        if feedback.isCanceled():
            break
        if feature[national_code] in codes:
            continue
        values = [None] * len(names)
        attributes = feature.attributes()
        for i, j in positions:
            values[i] = attributes[j]
        copy = QgsFeature(combined.fields())
        copy.setAttributes(values)
        features.append(copy)
        added += 1
    combined.dataProvider().addFeatures(features)
    context.temporaryLayerStore().addMapLayer(combined)
    feedback.pushInfo(
        f"Referentieset Nederland: {len(codes)} buurten van '{own.name()}' plus {added} buurten uit "
        f"'{layer_label(national)}' (zonder geometrie; alleen om mee te vergelijken)."
    )
    return combined.id(), len(codes), added, layer_label(national)
