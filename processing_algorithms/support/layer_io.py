"""Moving attributes between QGIS features and pandas, shared by the algorithms that compute columns, and which
fields of a layer are filled (``filled_fields``, for makemaps to choose columns).

Features are read once (``read_columns``) and written back from that list, because PyQGIS' per-feature
calls, not the computing, are what costs time on national layers.
"""

from qgis.core import QgsFeatureRequest, QgsFields

from ...veerkracht_plugin.compat import FAST_INSERT, NO_GEOMETRY, SKIP_GEOMETRY_CHECKS, as_python, make_field


def read_columns(source, columns, feedback):
    """(features, DataFrame with one column per {canonical name: field name}).

    Only the wanted fields are turned into Python values: converting every attribute of every feature is what
    costs time on national layers. NULL becomes NaN in numeric columns (pandas' coercion) and 'NULL' text
    elsewhere, which the core treats as missing.
    """
    import pandas as pd

    names = {canonical: name for canonical, name in columns.items() if name}
    indices = [source.fields().lookupField(name) for name in names.values()]
    features, values = [], [[] for _ in indices]
    for feature in source.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS):
        if feedback.isCanceled():
            break
        features.append(feature)
        for column, index in zip(values, indices):
            column.append(feature.attribute(index))
    data = {}
    for canonical, index, column in zip(names, indices, values):
        field = source.fields().at(index)
        data[canonical] = (
            pd.to_numeric(pd.Series(column, dtype=object), errors="coerce")
            if field.isNumeric()
            else [None if as_python(v) is None else str(v) for v in column]
        )
    return features, pd.DataFrame(data, columns=list(names))


def read_features(source, columns, feedback):
    """(features, attribute lists, DataFrame): ``read_columns`` with every feature's attributes as well."""
    features, frame = read_columns(source, columns, feedback)
    return features, [feature.attributes() for feature in features], frame


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


def write_features(features, attributes, sink, fields, kept, rows, feedback):
    """Write each feature with its kept attributes plus ``rows[i]``; progress and cancelling included.

    When every attribute is kept, only the new values are set (no round trip of the old ones through Python);
    ``attributes`` (the features' attribute lists, or None to take them from the features) serve otherwise."""
    total = len(features) or 1
    first = len(kept)
    all_kept = kept == list(range(first)) and all(f.attributeCount() == first for f in features[:1])
    for current, feature in enumerate(features):
        if feedback.isCanceled():
            break
        if all_kept:
            feature.setFields(fields, False)
            feature.resizeAttributes(fields.count())
            for offset, value in enumerate(rows[current]):
                feature.setAttribute(first + offset, value)
        else:
            old = feature.attributes() if attributes is None else attributes[current]
            feature.setFields(fields, False)
            feature.setAttributes([old[i] for i in kept] + rows[current])
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


def filled_fields(source, share, only=None):
    """Numeric fields of ``source`` (of ``only``, when given) with a value (not NULL, not a CBS marker) in at least
    ``share`` of its features."""
    from ...veerkracht_plugin.core.tables import MISSING_NUMBERS

    fields = [f.name() for f in source.fields() if f.isNumeric() and (only is None or f.name() in only)]
    counts, total = dict.fromkeys(fields, 0), 0
    request = QgsFeatureRequest().setFlags(NO_GEOMETRY).setSubsetOfAttributes(fields, source.fields())
    for feature in source.getFeatures(request):
        total += 1
        for name in fields:
            value = as_python(feature[name])
            counts[name] += value is not None and value not in MISSING_NUMBERS
    return [name for name, n in counts.items() if total and n / total >= share]
