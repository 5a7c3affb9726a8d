"""Moving attributes between QGIS features and pandas, shared by the algorithms that compute columns."""

from qgis.core import QgsFeatureRequest, QgsFields

from ..veerkracht_plugin.compat import FAST_INSERT, NO_GEOMETRY, SKIP_GEOMETRY_CHECKS, make_field


def _python(value):
    return None if value is None or str(value) == "NULL" else value


def read_attributes(source, columns, feedback):
    """DataFrame with one column per {canonical name: field name}, in feature order; NULL becomes None."""
    import pandas as pd

    names = {canonical: name for canonical, name in columns.items() if name}
    indices = [source.fields().lookupField(name) for name in names.values()]
    request = QgsFeatureRequest().setFlags(NO_GEOMETRY).setSubsetOfAttributes(indices)
    rows = []
    for feature in source.getFeatures(request, SKIP_GEOMETRY_CHECKS):
        if feedback.isCanceled():
            break
        attributes = feature.attributes()
        rows.append([_python(attributes[i]) for i in indices])
    return pd.DataFrame(rows, columns=list(names))


def output_fields(source_fields, new_columns, feedback=None):
    """Source fields without any that the new columns replace, plus the new ones: (QgsFields, kept indices)."""
    new_names = {name for name, _ in new_columns}
    fields, kept = QgsFields(), []
    for index, field in enumerate(source_fields):
        if field.name() in new_names:
            if feedback is not None:
                feedback.pushInfo(f"Bestaand veld '{field.name()}' wordt vervangen door de nieuwe berekening.")
            continue
        fields.append(field)
        kept.append(index)
    for name, kind in new_columns:
        fields.append(make_field(name, kind))
    return fields, kept


def write_features(source, sink, fields, kept, rows, feedback):
    """Copy every feature with its kept attributes plus ``rows[i]``; progress and cancelling included."""
    total = source.featureCount() or 1
    for current, feature in enumerate(source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS)):
        if feedback.isCanceled():
            break
        attributes = feature.attributes()
        feature.setFields(fields, False)
        feature.setAttributes([attributes[i] for i in kept] + rows[current])
        sink.addFeature(feature, FAST_INSERT)
        if current % 500 == 0:
            feedback.setProgress(int(current * 100 / total))


def frame_rows(frame):
    """A DataFrame as lists of plain Python values (NaN -> None), for QgsFeature.setAttributes."""
    import numpy as np

    columns = []
    for name in frame.columns:
        values = frame[name].tolist()
        if np.issubdtype(frame[name].dtype, np.floating):
            values = [None if v != v else v for v in values]
        columns.append(values)
    return [list(row) for row in zip(*columns)]
