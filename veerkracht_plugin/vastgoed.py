"""Which buurt a vastgoed feature lies in: points by containment, polygons by the largest shared area.

Everything is compared in EPSG:28992 (metres), whatever the layers' own CRSs, so areas are real areas.
"""

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsSpatialIndex,
)

from .compat import POINT_GEOMETRY, SKIP_GEOMETRY_CHECKS, rd_new

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
    """Spatial index over the buurten, in RD New, with prepared geometries for fast containment tests."""

    def __init__(self, buurten, context, feedback=None):
        to_rd = QgsCoordinateTransform(buurten.sourceCrs(), rd_new(), context)
        self.index = QgsSpatialIndex()
        self.geometries, self.engines = {}, {}
        for feature in buurten.getFeatures(QgsFeatureRequest(), SKIP_GEOMETRY_CHECKS):
            if feedback is not None and feedback.isCanceled():
                break
            geometry = QgsGeometry(feature.geometry())
            geometry.transform(to_rd)
            if not geometry.isGeosValid():
                geometry = geometry.makeValid()
            self.geometries[feature.id()] = geometry
            self.index.addFeature(feature.id(), geometry.boundingBox())

    def _engine(self, fid):
        engine = self.engines.get(fid)
        if engine is None:
            engine = QgsGeometry.createGeometryEngine(self.geometries[fid].constGet())
            engine.prepareGeometry()
            self.engines[fid] = engine
        return engine

    def locate(self, geometry):
        """The buurt feature id for a geometry in RD New, or None when it lies outside every buurt."""
        if geometry is None or geometry.isEmpty():
            return None
        candidates = self.index.intersects(geometry.boundingBox())
        if geometry.type() == POINT_GEOMETRY:
            point = geometry.constGet()
            for fid in candidates:
                if self._engine(fid).intersects(point):
                    return fid
            return None
        best, best_area = None, 0.0
        for fid in candidates:
            shared = self.geometries[fid].intersection(geometry)
            area = shared.area() if shared and not shared.isEmpty() else 0.0
            if area > best_area:
                best, best_area = fid, area
        return best
