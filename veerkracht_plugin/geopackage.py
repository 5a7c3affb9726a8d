"""Writing a layer into a GeoPackage with QGIS' own writer, one place for the options; reading which tables a
GeoPackage holds."""

import sqlite3
from pathlib import Path

from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter


def write_layer(layer, path, layer_name, overwrite_file=True):
    """Write ``layer`` as ``layer_name`` into the GeoPackage at ``path``; '' or QGIS' error message."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    if not overwrite_file:
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsCoordinateTransformContext(), options
    )
    return "" if error == QgsVectorFileWriter.WriterError.NoError else message or str(error)


def geopackage_tables(path):
    """The names of the layers and tables of a GeoPackage (its gpkg_contents), read only; [] when unreadable."""
    try:
        with sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True) as db:
            return [row[0] for row in db.execute("select table_name from gpkg_contents")]
    except sqlite3.Error:
        return []


def has_table(path, name):
    """Whether the GeoPackage (any SQLite file) at ``path`` has a table ``name``, registered or not; read only."""
    try:
        with sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True) as db:
            return (
                db.execute("select 1 from sqlite_master where type = 'table' and name = ?", (name,)).fetchone()
                is not None
            )
    except sqlite3.Error:
        return False
