"""Defaults for layer boxes, looked up when a dialog opens (each dialog makes a fresh algorithm): a layer of the
open project that fits the box, or nothing. A required box without a default gets QGIS' active layer, whatever it
is (the buurt layer as Leefbaarometer, one layer as both editions), so these boxes are optional and the algorithm
says in Dutch before running what is missing or does not fit."""

from qgis.core import QgsProject

from ...veerkracht_plugin.compat import POINT_GEOMETRY
from .series_layer import DATE_FIELDS


def _project_layers():
    """The vector layers of the open project as the layers panel lists them, top first."""
    root = QgsProject.instance().layerTreeRoot()
    return [node.layer() for node in root.findLayers() if node.layer() is not None and hasattr(node.layer(), "fields")]


def first_fitting(fits, skip=0, by_name=False):
    """The id of the ``skip``-th fitting layer (in the layers panel, or ``by_name``: 'Veerkrachtkaarten Baarn
    2014-2018' before '... 2019-2023'), or None: the box stays empty."""
    found = [layer for layer in _project_layers() if fits(layer)]
    if by_name:
        found.sort(key=lambda layer: layer.name())
    return found[skip].id() if len(found) > skip else None


def is_point_layer(layer):
    return layer.isSpatial() and layer.geometryType() == POINT_GEOMETRY


def is_own_output(layer):
    """A layer the atlas added, or a time series: made by the plugin, but not one edition of buurten."""
    from ...veerkracht_plugin.atlas.project import COVERAGE_ROLE, ROLE

    return layer.customProperty(ROLE) == COVERAGE_ROLE or DATE_FIELDS[0] in layer.fields().names()


def is_maps_layer(layer):
    """One edition of the nine maps, as 'Veerkrachtkaarten maken' writes it."""
    from ...veerkracht_plugin.layer_queries import is_veerkracht_layer

    return is_veerkracht_layer(layer) and not is_own_output(layer)


def is_buurt_layer(layer):
    """Buurt polygons with a code column, not maps already made, not the atlas' wijken."""
    from ...veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
    from ...veerkracht_plugin.layer_queries import is_veerkracht_layer

    if is_own_output(layer):
        return False
    names = layer.fields().names()
    spatial = layer.isSpatial() and layer.geometryType() != POINT_GEOMETRY
    return spatial and find_column(names, LAYER_KEY_CANDIDATES) is not None and not is_veerkracht_layer(layer)


def is_long_table(layer):
    """A table with a year column that is not the Leefbaarometer (which has onv): kerncijfers over the years."""
    from ...veerkracht_plugin.core.join import YEAR_CANDIDATES, find_column

    names = layer.fields().names()
    return find_column(names, YEAR_CANDIDATES) is not None and find_column(names, ["onv"]) is None
