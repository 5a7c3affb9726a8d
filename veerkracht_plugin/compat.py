"""Differences between QGIS 3.22 (Qt5) and QGIS 3.36+/4 (Qt6), in one place.

QGIS 3.36 moved many enums onto ``Qgis`` and QGIS 4 drops the old spellings; 3.22 only has the old ones.
"""

from qgis.core import (
    Qgis,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsLayoutTable,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingFeatureSource,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterNumber,
    QgsVectorLayerTemporalProperties,
    QgsWkbTypes,
)

NEW_ENUMS = hasattr(Qgis, "ProcessingSourceType")

if Qgis.versionInt() >= 33800:
    from qgis.PyQt.QtCore import QMetaType

    _TYPES = {
        "int": QMetaType.Type.LongLong,
        "int32": QMetaType.Type.Int,
        "float": QMetaType.Type.Double,
        "text": QMetaType.Type.QString,
    }
else:
    from qgis.PyQt.QtCore import QVariant

    _TYPES = {"int": QVariant.LongLong, "int32": QVariant.Int, "float": QVariant.Double, "text": QVariant.String}

if NEW_ENUMS:
    POLYGON_SOURCE = Qgis.ProcessingSourceType.VectorPolygon
    ANY_GEOMETRY_SOURCE = Qgis.ProcessingSourceType.VectorAnyGeometry
    ANY_VECTOR = Qgis.ProcessingSourceType.Vector
    INTEGER = Qgis.ProcessingNumberParameterType.Integer
    DOUBLE = Qgis.ProcessingNumberParameterType.Double
    NO_GEOMETRY = Qgis.FeatureRequestFlag.NoGeometry
    NO_GEOMETRY_WKB = Qgis.WkbType.NoGeometry
    MULTIPOLYGON_WKB = Qgis.WkbType.MultiPolygon
    SKIP_GEOMETRY_CHECKS = Qgis.ProcessingFeatureSourceFlag.SkipGeometryValidityChecks
    NO_THREADING = Qgis.ProcessingAlgorithmFlag.NoThreading
    ADVANCED = Qgis.ProcessingParameterFlag.Advanced
    OPTIONAL = Qgis.ProcessingParameterFlag.Optional
else:
    POLYGON_SOURCE = QgsProcessing.SourceType.TypeVectorPolygon
    ANY_GEOMETRY_SOURCE = QgsProcessing.SourceType.TypeVectorAnyGeometry
    ANY_VECTOR = QgsProcessing.SourceType.TypeVector
    INTEGER = QgsProcessingParameterNumber.Type.Integer
    DOUBLE = QgsProcessingParameterNumber.Type.Double
    NO_GEOMETRY = QgsFeatureRequest.Flag.NoGeometry
    NO_GEOMETRY_WKB = QgsWkbTypes.Type.NoGeometry
    MULTIPOLYGON_WKB = QgsWkbTypes.Type.MultiPolygon
    SKIP_GEOMETRY_CHECKS = QgsProcessingFeatureSource.Flag.FlagSkipGeometryValidityChecks
    NO_THREADING = QgsProcessingAlgorithm.Flag.FlagNoThreading
    ADVANCED = QgsProcessingParameterDefinition.Flag.FlagAdvanced
    OPTIONAL = QgsProcessingParameterDefinition.Flag.FlagOptional

FAST_INSERT = QgsFeatureSink.Flag.FastInsert
TABLE_WRAP_TEXT = getattr(Qgis, "LayoutTableWrapBehavior", None)
TABLE_WRAP_TEXT = TABLE_WRAP_TEXT.WrapText if TABLE_WRAP_TEXT else QgsLayoutTable.WrapBehavior.WrapText


def make_field(name, kind):
    """A QgsField for kind 'int' (64 bit), 'int32', 'float' or 'text'."""
    return QgsField(name, _TYPES[kind])


def parameter_as_fields(algorithm, parameters, name, context):
    """Field names of a multiple field parameter: parameterAsStrings from QGIS 3.32 on (parameterAsFields is
    deprecated there), parameterAsFields before."""
    method = getattr(algorithm, "parameterAsStrings", None) or algorithm.parameterAsFields
    return method(parameters, name, context)


def save_style_to_database(layer, name, description, use_as_default):
    """Store the layer's current style in its data source; '' or the error. saveStyleToDatabaseV2 where QGIS has
    it (its predecessor is deprecated there)."""
    if hasattr(layer, "saveStyleToDatabaseV2"):
        _, error = layer.saveStyleToDatabaseV2(name, description, use_as_default, "")
        return error
    return layer.saveStyleToDatabase(name, description, use_as_default, "")


def _moved(new_enum, member, old):
    """``Qgis.<new_enum>.<member>`` where QGIS has it (3.36+, 4), else the 3.22 spelling ``old``."""
    enum = getattr(Qgis, new_enum, None)
    return getattr(enum, member) if enum is not None else old


def _layout_enums():
    from qgis.core import QgsMapSettings, QgsScaleBarSettings, QgsUnitTypes

    return (
        _moved("LayoutUnit", "Millimeters", QgsUnitTypes.LayoutUnit.LayoutMillimeters),
        _moved("DistanceUnit", "Kilometers", QgsUnitTypes.DistanceUnit.DistanceKilometers),
        _moved("ScaleBarSegmentSizeMode", "FitWidth", QgsScaleBarSettings.SegmentSizeMode.SegmentSizeFitWidth),
        _moved("GeometryType", "Point", QgsWkbTypes.GeometryType.PointGeometry),
        _moved("MapSettingsFlag", "Antialiasing", QgsMapSettings.Flag.Antialiasing),
    )


LAYOUT_MM, KILOMETERS, SCALEBAR_FIT_WIDTH, POINT_GEOMETRY, MAP_ANTIALIASING = _layout_enums()


def as_python(value):
    """An attribute value with QGIS' NULL (a QVariant under Qt5, None under Qt6) as None."""
    return None if value is None or str(value) == "NULL" else value


def text_or_none(value):
    """An attribute as text, or None when it is NULL or empty."""
    value = as_python(value)
    return None if value is None or str(value) == "" else str(value)


# a layer's features start and end at dates in two fields: Qgis.VectorTemporalMode from QGIS 3.36 on
_TEMPORAL_MODE = getattr(Qgis, "VectorTemporalMode", None)
TEMPORAL_FROM_FIELDS = (
    _TEMPORAL_MODE.FeatureDateTimeStartAndEndFromFields
    if _TEMPORAL_MODE is not None
    else QgsVectorLayerTemporalProperties.TemporalMode.ModeFeatureDateTimeStartAndEndFromFields
)

RD_NEW_AUTHID = "EPSG:28992"


def rd_new():
    """RD New, the Dutch CRS all areas and maps are computed in; made when needed, not at import."""
    from qgis.core import QgsCoordinateReferenceSystem

    return QgsCoordinateReferenceSystem(RD_NEW_AUTHID)


def task_manager_pool(manager):
    """The task manager's own thread pool (QGIS 3.3x on); None where tasks run in Qt's global pool (3.22)."""
    return manager.threadPool() if hasattr(manager, "threadPool") else None


def set_transfer_timeout(request, seconds):
    """Abort a request that receives nothing for ``seconds`` (Qt 5.15+); older Qt: QGIS' own network timeout."""
    if hasattr(request, "setTransferTimeout"):
        request.setTransferTimeout(int(seconds * 1000))
