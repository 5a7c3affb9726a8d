"""Writing a layer into a GeoPackage with QGIS' own writer, one place for the options."""

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
