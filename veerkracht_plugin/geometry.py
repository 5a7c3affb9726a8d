"""Shapes compared in RD New with QGIS' own geometry engine: a valid copy in metres, and an index that tells
which polygon a point lies in or which polygon shares the most area with a shape (vastgoed per buurt, the
overlaps of herindelen, buurten onto wijken)."""

from qgis.core import QgsGeometry, QgsSpatialIndex

from .compat import POINT_GEOMETRY


def rd_copy(geometry, transform):
    """A copy in RD New (``transform`` goes there), repaired when invalid: one self-intersecting buurt would
    otherwise empty a union or an overlap."""
    geometry = QgsGeometry(geometry)
    if geometry.isEmpty():
        return geometry
    geometry.transform(transform)
    return geometry if geometry.isGeosValid() else geometry.makeValid()


class PolygonIndex:
    """Polygons by key, a spatial index over them and prepared geometries made when first needed."""

    def __init__(self, geometries):
        self.geometries = dict(geometries)
        self.index, self.engines, self.keys = QgsSpatialIndex(), {}, {}
        for number, (key, geometry) in enumerate(self.geometries.items()):
            if not geometry.isEmpty():
                self.keys[number] = key
                self.index.addFeature(number, geometry.boundingBox())

    def candidates(self, rectangle):
        """Keys of the polygons whose bounding box meets ``rectangle``."""
        return [self.keys[n] for n in self.index.intersects(rectangle)]

    def engine(self, key):
        engine = self.engines.get(key)
        if engine is None:
            engine = self.engines[key] = QgsGeometry.createGeometryEngine(self.geometries[key].constGet())
            engine.prepareGeometry()
        return engine

    def containing(self, point):
        """The key of the polygon ``point`` lies in (the first found when on a shared edge), or None."""
        for key in self.candidates(point.boundingBox()):
            if self.engine(key).intersects(point.constGet()):
                return key
        return None

    def largest_overlap(self, geometry):
        """The key of the polygon sharing the most area with ``geometry``, or None when none shares any."""
        if geometry is None or geometry.isEmpty():
            return None
        if geometry.type() == POINT_GEOMETRY:
            return self.containing(geometry)
        best, best_area = None, 0.0
        for key in self.candidates(geometry.boundingBox()):
            shared = self.geometries[key].intersection(geometry)
            area = shared.area() if shared and not shared.isEmpty() else 0.0
            if area > best_area:
                best, best_area = key, area
        return best
