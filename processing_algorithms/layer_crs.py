"""A buurt layer without a coordinate reference system (a shapefile whose .prj got lost): recognised by its
coordinates (longitude/latitude of the Netherlands, or RD New), said in the log and assigned, so the maps are
never labelled RD New while they lie at 5.3/52.2; anything else is refused with what to do."""

from qgis.core import QgsProcessingException

# (authid, Dutch name, x range, y range): where Dutch buurten lie in each system, with a margin
KNOWN_EXTENTS = (
    ("EPSG:4326", "lengte- en breedtegraden (WGS 84)", (2.5, 7.6), (50.5, 53.8)),
    ("EPSG:28992", "RD New (meters)", (-10_000, 300_000), (280_000, 640_000)),
)


def crs_of_extent(extent):
    """(authid, name) of the system whose Dutch range holds ``extent``, or None."""
    for authid, name, (x0, x1), (y0, y1) in KNOWN_EXTENTS:
        if x0 <= extent.xMinimum() and extent.xMaximum() <= x1 and y0 <= extent.yMinimum() and extent.yMaximum() <= y1:
            return authid, name
    return None


def with_known_crs(algorithm, value, source, label, context, feedback):
    """(layer value, authid): ``value`` itself when its CRS is known, else a copy with the CRS its coordinates
    show (a warning says so); QgsProcessingException in Dutch when they show none."""
    import processing

    if source.sourceCrs().isValid():
        return value, source.sourceCrs().authid()
    extent = source.sourceExtent()
    found = crs_of_extent(extent)
    if found is None:
        raise QgsProcessingException(
            f"'{label}' ({source.sourceName()}) heeft geen coördinatenstelsel (ontbreekt het .prj-bestand naast de "
            f".shp?) en de coördinaten ({extent.xMinimum():.6g}, {extent.yMinimum():.6g}) passen niet bij Nederland "
            "in RD New of in lengte- en breedtegraden. Zet het stelsel in QGIS (Laageigenschappen > Bron) of lever "
            "het .prj-bestand mee."
        )
    authid, name = found
    feedback.pushWarning(
        f"'{label}' ({source.sourceName()}) heeft geen coördinatenstelsel (ontbreekt het .prj-bestand?); de "
        f"coördinaten zijn {name}, dus gelezen als {authid}. Klopt dat niet, zet het stelsel dan zelf."
    )
    assigned = processing.run(
        "native:assignprojection",
        {"INPUT": value, "CRS": authid, "OUTPUT": "TEMPORARY_OUTPUT"},
        context=context,
        feedback=feedback,
        is_child_algorithm=True,
    )["OUTPUT"]
    return assigned, authid
