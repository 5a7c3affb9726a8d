"""Buurt shapes for the screen: in RD New, cut into shared arcs, simplified together with GEOS' topology
preserving simplifier (QgsGeometry.simplify), then in WGS 84 as small integers (TopoJSON's quantised deltas).

All arcs are simplified as one MultiLineString: the simplifier keeps each arc's end points (the junctions
where three buurten meet) and keeps arcs from crossing each other, so the buurten still tile the gemeente
without gaps or overlaps. Coverage simplification (QgsGeometry.simplifyCoverage) needs QGIS 3.38+ and GEOS
3.12; this works from 3.22 on.
"""

import struct
from array import array

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry

from . import arcs as arcs_module

GRID = 10  # topology on a grid of 10 cm in RD New: the same corner in two buurten becomes the same point
TOLERANCE_M = 3.0  # simplification in metres: at most a few pixels when zoomed in to one buurt
QUANTUM = 1e-5  # degrees on the page: about 1.1 m north-south and 0.7 m east-west in the Netherlands
WGS84 = "EPSG:4326"


class ShapeError(RuntimeError):
    """The simplifier returned another structure than it was given."""


def rings_of(geometry):
    """Polygons -> closed rings of integer grid points (``GRID`` per metre), repeated points removed."""
    polygons = geometry.asMultiPolygon() if geometry.isMultipart() else [geometry.asPolygon()]
    shapes = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            points = []
            for point in ring:
                grid = (round(point.x() * GRID), round(point.y() * GRID))
                if not points or points[-1] != grid:
                    points.append(grid)
            if len(points) >= 4 and points[0] == points[-1]:
                rings.append(points)
        if rings:
            shapes.append(rings)
    return shapes


def simplify_arcs(arcs, tolerance=TOLERANCE_M):
    """The arcs (grid points) simplified together in RD New metres, as one QgsGeometry (a MultiLineString)."""
    geometry = QgsGeometry()
    geometry.fromWkb(_multilinestring_wkb([[(x / GRID, y / GRID) for x, y in arc] for arc in arcs]))
    simplified = geometry.simplify(tolerance) if tolerance > 0 else geometry
    if simplified.isNull() or simplified.constGet().numGeometries() != len(arcs):
        raise ShapeError(f"Vereenvoudigen gaf geen {len(arcs)} grenslijnen terug: {simplified.lastError()}")
    return simplified


def to_wgs84(geometry, crs, transform_context):
    """A copy of ``geometry`` (in ``crs``) in WGS 84."""
    geometry = QgsGeometry(geometry)
    geometry.transform(QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem(WGS84), transform_context))
    return geometry


def encoded_arcs(geometry):
    """Per line of a WGS 84 MultiLineString: [x0, y0, dx1, dy1, ...] in ``QUANTUM`` steps (x = longitude);
    steps of zero length left out."""
    out = []
    for line in _lines_of_wkb(bytes(geometry.asWkb())):
        flat, last = [], None
        for i in range(0, len(line), 2):
            point = (round(line[i] / QUANTUM), round(line[i + 1] / QUANTUM))
            if point == last:
                continue
            flat += [point[0], point[1]] if last is None else [point[0] - last[0], point[1] - last[1]]
            last = point
        if len(flat) == 2:  # an arc shorter than one step: two equal points keep it a line
            flat += [0, 0]
        out.append(flat)
    return out


def quantised(point):
    """A WGS 84 QgsPointXY as [x, y] in ``QUANTUM`` steps."""
    return [round(point.x() / QUANTUM), round(point.y() / QUANTUM)]


def build_topology(rd_geometries, tolerance=TOLERANCE_M, feedback=None):
    """(Topology, encoded arcs) for buurt geometries in RD New."""
    features = []
    for geometry in rd_geometries:
        features.append(rings_of(geometry) if geometry is not None and not geometry.isEmpty() else [])
    topology = arcs_module.build(features)
    if feedback is not None:
        points = sum(len(arc) for arc in topology.arcs)
        feedback.pushInfo(f"Grenzen: {len(topology.arcs)} lijnen met {points} punten, vereenvoudigd op {tolerance} m.")
    simplified = simplify_arcs(topology.arcs, tolerance)
    return topology, simplified


def _multilinestring_wkb(lines):
    parts = [struct.pack("<BII", 1, 5, len(lines))]
    for line in lines:
        parts.append(struct.pack("<BII", 1, 2, len(line)))
        parts.append(array("d", [c for point in line for c in point]).tobytes())
    return b"".join(parts)


def _lines_of_wkb(wkb):
    """The coordinate arrays (x, y, x, y, ...) of a 2D little- or big-endian (Multi)LineString WKB."""
    order = "<" if wkb[0] == 1 else ">"
    kind, count = struct.unpack_from(order + "II", wkb, 1)
    if kind == 2:  # a single LineString
        return [_doubles(wkb, 9, count * 2, order)]
    lines, offset = [], 9
    for _ in range(count):
        order = "<" if wkb[offset] == 1 else ">"
        kind, points = struct.unpack_from(order + "II", wkb, offset + 1)
        if kind != 2:
            raise ShapeError(f"Onverwacht WKB-type {kind}: alleen 2D-lijnen worden verwacht.")
        lines.append(_doubles(wkb, offset + 9, points * 2, order))
        offset += 9 + points * 16
    return lines


def _doubles(wkb, offset, count, order):
    values = array("d")
    values.frombytes(wkb[offset : offset + count * 8])
    if order == ">":
        values.byteswap()
    return values
