"""Rendering the maps without a screen: a plain image for pixel checks, a page with legend for people."""

from qgis.core import (
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPrintLayout,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QFont

from .compat import LAYOUT_MM, MAP_ANTIALIASING, rd_new
from .core.catalogue import map_entry
from .styling import style_name

SOURCES = "Bronnen: CBS / Kadaster (CC-BY 4.0); Leefbaarometer 3.0, ministerie van BZK. Indeling: Veerkracht-plugin."


def show_map(layer, map_id):
    """Make ``map_id`` the layer's current style (styles must have been applied)."""
    layer.styleManager().setCurrentStyle(style_name(map_id))


def extent_in_rd(layer, margin=0.03):
    from qgis.core import QgsCoordinateTransform, QgsProject

    extent = QgsCoordinateTransform(layer.crs(), rd_new(), QgsProject.instance()).transformBoundingBox(layer.extent())
    extent.scale(1 + margin)
    return extent


def render_image(layer, map_id, width=600, height=600, antialiasing=False):
    """The map alone as a QImage (no antialiasing by default, so each class shows its exact colour)."""
    show_map(layer, map_id)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(rd_new())
    settings.setOutputSize(QSize(width, height))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(extent_in_rd(layer))
    settings.setFlag(MAP_ANTIALIASING, antialiasing)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def place(item, x, y, w, h):
    """Size and position in millimetres; resize first: moving an unsized map empties its extent (3.22)."""
    item.attemptResize(QgsLayoutSize(w, h, LAYOUT_MM))
    item.attemptMove(QgsLayoutPoint(x, y, LAYOUT_MM))


def add_label(layout, text, x, y, w, h, size, bold=False, item_id=None):
    label = QgsLayoutItemLabel(layout)
    layout.addLayoutItem(label)
    if item_id:
        label.setId(item_id)
    label.setText(text)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    label.setFont(font)
    place(label, x, y, w, h)
    return label


def map_page(project, layer, map_id, subtitle=""):
    """An A4 landscape layout: title, the map, its legend, explanation and sources."""
    entry = map_entry(map_id)
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(f"Veerkracht {entry['nummer']}: {entry['titel']}")
    layout.pageCollection().page(0).setPageSize("A4", QgsLayoutItemPage.Orientation.Landscape)
    add_label(
        layout,
        f"{entry['nummer']}. {entry['titel']}" + (f" – {subtitle}" if subtitle else ""),
        10,
        6,
        277,
        10,
        18,
        bold=True,
    )
    add_label(layout, entry["uitleg"], 10, 16, 277, 8, 10)

    show_map(layer, map_id)
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)  # before sizing: the item needs its layout to convert units
    place(item, 10, 26, 172, 170)
    item.setCrs(rd_new())
    item.setLayers([layer])
    item.setFrameEnabled(True)
    item.zoomToExtent(QgsRectangle(extent_in_rd(layer)))

    legend = QgsLayoutItemLegend(layout)
    layout.addLayoutItem(legend)
    legend.setTitle("Legenda")
    legend.setLinkedMap(item)
    legend.setAutoUpdateModel(True)
    legend.attemptMove(QgsLayoutPoint(188, 26, LAYOUT_MM))  # legends size themselves
    set_legend_font_size(legend, 10)
    add_label(layout, SOURCES, 10, 199, 277, 6, 8)
    return layout


def set_legend_font_size(legend, size):
    """Legend labels at ``size`` points: text formats from QGIS 3.30 on, fonts before."""
    from qgis.core import QgsLegendStyle

    for part in (QgsLegendStyle.Style.SymbolLabel, QgsLegendStyle.Style.Subgroup, QgsLegendStyle.Style.Group):
        style = legend.rstyle(part)
        if hasattr(style, "setTextFormat"):
            text_format = style.textFormat()
            text_format.setSize(size)
            style.setTextFormat(text_format)
        else:
            font = QFont("DejaVu Sans")
            font.setPointSizeF(size)
            style.setFont(font)


def export_png(layout, path, dpi=110):
    """Export a layout's first page to PNG; raises RuntimeError with the path when QGIS fails."""
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    settings.exportMetadata = False
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")  # QGIS 3.22 tries to georeference PNGs in place; GDAL refuses
    try:
        result = QgsLayoutExporter(layout).exportToImage(str(path), settings)
    finally:
        gdal.PopErrorHandler()
    if result != QgsLayoutExporter.ExportResult.Success:
        raise RuntimeError(f"PNG-export mislukt ({result}): {path}")
    return path
