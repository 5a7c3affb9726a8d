"""A table parameter as the pandas core reads it: a file on disk through our own reader (CSV, XLSX, ODS as they
come), or a table layer of the project; shared by the join and by the one-step algorithm that looks in the
tables for years and columns."""

import os

from qgis.core import QgsProcessingException

from ...veerkracht_plugin.compat import as_python

# Data sources QGIS opens as layers (a table in a GeoPackage such as 'Open data ophalen' writes): read through QGIS
LAYER_FORMATS = (".gpkg", ".sqlite", ".shp", ".dbf", ".geojson", ".fgb", ".gml")


def table_path(value):
    """The file path when a table parameter's value is a table file our own reader reads, else ''."""
    path = value.split("|")[0] if isinstance(value, str) else ""
    if path.lower().endswith(LAYER_FORMATS):
        return ""
    return path if path and os.path.isfile(path) else ""


def read_table_value(algorithm, parameters, name, context, feedback, sheet=""):
    """(table name, DataFrame of text) for parameter ``name``; QgsProcessingException in Dutch."""
    from ...veerkracht_plugin.core import VeerkrachtError
    from ...veerkracht_plugin.core.tables import read_table

    raw = parameters.get(name)
    path = table_path(raw)
    if path:
        feedback.setProgressText(algorithm.tr("Tabel '{}' lezen").format(os.path.basename(path)))
        try:
            return os.path.basename(path), read_table(path, sheet)
        except VeerkrachtError as error:
            raise QgsProcessingException(str(error)) from error
    layer = algorithm.parameterAsVectorLayer(parameters, name, context)
    if layer is None:
        raise QgsProcessingException(
            algorithm.tr("'{}': tabel '{}' niet gevonden: geen bestand en geen laag in het project.").format(
                algorithm.parameterDefinition(name).description(), raw
            )
        )
    return layer_label(layer), layer_as_text_frame(layer, feedback)


def layer_label(layer):
    """A table in a GeoPackage by its own name (referentie_2023, leefbaarometer), else the layer's name."""
    source = layer.source()
    return source.split("layername=")[-1].split("|")[0] if "layername=" in source else layer.name()


def layer_as_text_frame(layer, feedback):
    """A project table layer as the DataFrame of text the file reader gives, NULL as ''."""
    import pandas as pd

    names = layer.fields().names()
    rows = []
    for feature in layer.getFeatures():
        if feedback.isCanceled():
            break
        rows.append(["" if as_python(value) is None else str(value) for value in feature.attributes()])
    return pd.DataFrame(rows, columns=names, dtype=str)
