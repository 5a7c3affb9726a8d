"""Buurt rings cut into arcs, the boundaries between junctions, each stored once (as TopoJSON does).

Two neighbouring buurten share their boundary as one arc: simplified once, it stays shared, so no gaps or
overlaps appear between buurten however far it is simplified, and the page carries each boundary once. The
owners of each arc give the wijk and gemeente outlines without dissolving anything: an arc is on a wijk
outline when the buurten on its two sides lie in different wijken (or only one buurt has it).

Plain Python on integer coordinates (a point is a tuple ``(x, y)``); rings are closed (first point repeated
at the end) without repeated consecutive points.
"""

from dataclasses import dataclass, field


@dataclass
class Topology:
    arcs: list = field(default_factory=list)  # [[(x, y), ...]]: open arcs run junction to junction
    shapes: list = field(default_factory=list)  # per feature: polygons -> rings -> arc refs (i, or ~i reversed)
    owners: list = field(default_factory=list)  # per arc: the features whose rings use it


def junctions(rings):
    """Points where a boundary meets another: the point occurs with different neighbours in different places."""
    neighbours, found = {}, set()
    for ring in rings:
        points = ring[:-1]
        count = len(points)
        for i, point in enumerate(points):
            before, after = points[i - 1], points[(i + 1) % count]
            pair = (before, after) if before <= after else (after, before)
            seen = neighbours.setdefault(point, pair)
            if seen != pair:
                found.add(point)
    return found


def build(features):
    """A Topology of ``features``: per feature a list of polygons, per polygon a list of closed rings."""
    rings = [ring for polygons in features for polygon in polygons for ring in polygon]
    joints = junctions(rings)
    topology = Topology()
    index = {}  # key of an arc in its stored direction -> arc number
    for number, polygons in enumerate(features):
        shape = []
        for polygon in polygons:
            shape.append(
                [[_ref(piece, index, topology, number) for piece in _pieces(ring, joints)] for ring in polygon]
            )
        topology.shapes.append(shape)
    return topology


def _pieces(ring, joints):
    """The ring cut at its junctions (each piece from one junction to the next, both included); a ring without
    junctions is one closed piece, turned to start at its smallest point."""
    points = ring[:-1]
    cuts = [i for i, point in enumerate(points) if point in joints]
    if not cuts:
        start = points.index(min(points))
        turned = points[start:] + points[:start]
        return [turned + [turned[0]]]
    start = cuts[0]
    turned = points[start:] + points[:start] + [points[start]]
    cuts = [i - start for i in cuts] + [len(points)]
    return [turned[a : b + 1] for a, b in zip(cuts, cuts[1:])]


def _ref(piece, index, topology, owner):
    """The arc number of ``piece`` (~number when stored the other way round), stored first if new."""
    closed = piece[0] == piece[-1] and len(piece) > 2
    forward = ("ring", piece[0], piece[1]) if closed else (piece[0], piece[1], piece[-1])
    backward = ("ring", piece[0], piece[-2]) if closed else (piece[-1], piece[-2], piece[0])
    if forward in index:
        ref = arc = index[forward]
    elif backward in index:
        arc = index[backward]
        ref = ~arc
    else:
        ref = arc = len(topology.arcs)
        index[forward] = arc
        topology.arcs.append(piece)
        topology.owners.append(set())
    topology.owners[arc].add(owner)
    return ref


def outline(topology, group_of):
    """The arcs on the outline of the groups (``group_of[feature]``, e.g. its wijk code): used by one feature
    only, or by features of different groups."""
    return [
        arc
        for arc, owners in enumerate(topology.owners)
        if len(owners) == 1 or len({group_of[owner] for owner in owners}) > 1
    ]
