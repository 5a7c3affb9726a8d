"""Fetched GeoJSON features into GeoPackage layers under the canonical field names, through OGR and QGIS'
writer (RD New for layers with geometry)."""

import json
import uuid
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from ..compat import MULTIPOLYGON_WKB, NO_GEOMETRY_WKB, rd_new

RD_URN = "urn:ogc:def:crs:EPSG::28992"


def write_features(features, path, layer_name, temp_folder, geometry=True, crs="OGC:CRS84"):
    """Write ``features`` (GeoJSON dicts, canonical names, coordinates in ``crs``: OGC:CRS84 or EPSG:28992) as
    ``layer_name`` into the GeoPackage ``path``, in RD New; '' or the error."""
    plain = [
        {"type": "Feature", "geometry": f.get("geometry") if geometry else None, "properties": f.get("properties")}
        for f in features
    ]
    scratch = Path(temp_folder) / f"{layer_name}-{uuid.uuid4().hex[:8]}.geojson"
    with open(scratch, "w", encoding="utf-8") as handle:
        document = {"type": "FeatureCollection", "features": plain}
        if crs == "EPSG:28992":  # said in the file, so OGR reads it as RD New (GeoJSON's default is CRS84)
            document["crs"] = {"type": "name", "properties": {"name": RD_URN}}
        handle.write(json.dumps(document))  # dumps: the C encoder
    try:
        return _write(scratch, path, layer_name, geometry)
    finally:
        scratch.unlink(missing_ok=True)


def _write(scratch, path, layer_name, geometry):
    source = QgsVectorLayer(str(scratch), layer_name, "ogr")
    if not source.isValid():
        return f"de opgehaalde gegevens van laag {layer_name} zijn geen leesbare GeoJSON"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer_name
    if Path(path).exists():
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    if geometry:  # services mix Polygon and MultiPolygon
        options.overrideGeometryType = MULTIPOLYGON_WKB
        options.forceMulti = True
        if source.crs().authid() != "EPSG:28992":
            options.ct = QgsCoordinateTransform(
                QgsCoordinateReferenceSystem("EPSG:4326"), rd_new(), QgsCoordinateTransformContext()
            )
    else:
        options.overrideGeometryType = NO_GEOMETRY_WKB
    error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
        source, str(path), QgsCoordinateTransformContext(), options
    )
    return "" if error == QgsVectorFileWriter.WriterError.NoError else message or str(error)
