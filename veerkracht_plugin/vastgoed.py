"""Which buurt a vastgoed feature lies in: points by containment, polygons by the largest shared area.

Everything is compared in EPSG:28992 (metres), whatever the layers' own CRSs, so areas are real areas.
"""

from qgis.core import QgsCoordinateTransform, QgsFeatureRequest

from .compat import SKIP_GEOMETRY_CHECKS, rd_new
from .geometry import PolygonIndex, rd_copy

DWELLING_FIELDS = ["aantal_woningen", "woningvoorraad", "WONINGEN", "a_woning"]


def dwellings_field(fields):
    """The dwellings field of a buurt layer, also when joined with a prefix (kwb2023_a_woning)."""
    names = fields.names()
    lower = {n.lower(): n for n in names}
    for candidate in DWELLING_FIELDS:
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return next((n for n in names if n.lower().endswith(("_a_woning", "_aantal_woningen"))), None)


class BuurtLocator:
    """The buurten in RD New: points by containment, polygons by the largest shared area."""

    def __init__(self, buurten, context, feedback=None):
        to_rd = QgsCoordinateTransform(buurten.sourceCrs(), rd_new(), context)
        geometries = {}
        for feature in buurten.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS):
            if feedback is not None and feedback.isCanceled():
                break
            geometries[feature.id()] = rd_copy(feature.geometry(), to_rd)
        self.polygons = PolygonIndex(geometries)

    def locate(self, geometry):
        """The buurt feature id for a geometry in RD New, or None when it lies outside every buurt."""
        return self.polygons.largest_overlap(geometry)
