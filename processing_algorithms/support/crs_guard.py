"""The buurt layer's coordinate reference system checked against its coordinates before makemaps reprojects it
(issue 24, 'unexplained once'). A GeoPackage without CRS (srs_id 0), or RD metres that QGIS gave EPSG:4326 (a
layer without CRS takes the project's or the default CRS), reprojected to RD New gave inf coordinates and every
file written from it no CRS. Here such a layer is read as what its coordinates are, said in the log, or refused."""

import math

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCsException, QgsRectangle

from ...veerkracht_plugin.compat import RD_NEW_AUTHID, rd_new

RD_AREA = QgsRectangle(-10_000, 290_000, 310_000, 630_000)  # the Netherlands in RD metres (EPSG:28992's area)
WGS84_AREA = QgsRectangle(2.5, 50.5, 7.5, 54.0)  # the Netherlands in degrees
KEEP, REPROJECT, AS_RD, AS_WGS84 = "keep", "reproject", "as_rd", "as_wgs84"


class CrsError(ValueError):
    """Coordinates that fit no CRS the plugin can tell; the message (Dutch) says what to do."""


def finite(box):
    return all(math.isfinite(v) for v in (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()))


def inside(box, area):
    """A null rectangle (a transform that failed) is inside nothing: QGIS 3.40's null rectangle spans the
    largest numbers inverted, which ``contains`` takes for inside."""
    return not box.isNull() and finite(box) and area.contains(box)


def _shown(box):
    return f"x {box.xMinimum():.6g} tot {box.xMaximum():.6g}, y {box.yMinimum():.6g} tot {box.yMaximum():.6g}"


def crs_plan(source, transform_context):
    """(action, Dutch warning or ''): KEEP (RD New), REPROJECT (a CRS that fits its coordinates), AS_RD or
    AS_WGS84 (read the coordinates as that CRS, then go on to RD New). CrsError when nothing fits."""
    name, crs, extent = source.sourceName(), source.sourceCrs(), source.sourceExtent()
    if extent.isNull() or extent.isEmpty():
        return (KEEP if crs.authid() == RD_NEW_AUTHID else REPROJECT), ""  # no geometry to check
    if not finite(extent):
        raise CrsError(
            f"Laag '{name}' heeft coördinaten die geen getal zijn (inf of nan): hij is eerder met een verkeerd "
            "coördinatenstelsel omgerekend. Maak de buurtlaag opnieuw (bijvoorbeeld met 'Open data ophalen') of "
            "neem het origineel."
        )
    if not unknown(crs):
        if crs.authid() == RD_NEW_AUTHID and inside(extent, RD_AREA):
            return KEEP, ""
        if crs.authid() != RD_NEW_AUTHID and inside(_in_rd(extent, crs, transform_context), RD_AREA):
            return REPROJECT, ""
        said = f"heeft coördinatenstelsel {crs.authid() or crs.description()}, maar zijn coördinaten ({_shown(extent)})"
    else:
        said = (
            f"heeft geen coördinatenstelsel (ontbreekt het .prj-bestand naast een .shp? QGIS: "
            f"'{crs.description() or 'onbekend'}', zoals bij een GeoPackage met srs_id 0); zijn coördinaten "
            f"({_shown(extent)})"
        )
    advice = "Klopt dat niet, stel dan het coördinatenstelsel van de laag in (Eigenschappen > Bron)."
    if inside(extent, RD_AREA) and not (crs.isValid() and crs.authid() == RD_NEW_AUTHID):
        return AS_RD, f"Laag '{name}' {said} zijn RD New-meters in Nederland: gelezen als RD New (EPSG:28992). {advice}"
    if inside(extent, WGS84_AREA) and unknown(crs):
        return (
            AS_WGS84,
            f"Laag '{name}' {said} zijn lengte- en breedtegraden in Nederland: gelezen als WGS 84 (EPSG:4326). {advice}",
        )
    raise CrsError(
        f"Laag '{name}' {said} liggen niet in Nederland, in geen enkel coördinatenstelsel dat de plugin kent (RD "
        "New, WGS 84). Stel het juiste coördinatenstelsel van de laag in (Eigenschappen > Bron) of neem de "
        "originele buurtlaag."
    )


def unknown(crs):
    """No CRS, or GDAL's stand-in for none: a GeoPackage with srs_id 0 opens as a valid geographic CRS without
    authority ('Undefined geographic SRS'), so RD metres were taken for degrees."""
    return not crs.isValid() or (not crs.authid() and "undefined" in crs.description().lower())


def _in_rd(extent, crs, transform_context):
    """``extent`` in RD New through the run's transform context; an empty rectangle when QGIS cannot."""
    try:
        return QgsCoordinateTransform(crs, rd_new(), transform_context).transformBoundingBox(extent)
    except QgsCsException:
        return QgsRectangle()


def assigned_crs(action):
    return rd_new() if action == AS_RD else QgsCoordinateReferenceSystem("EPSG:4326")
