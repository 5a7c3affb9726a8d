"""One PDF from the atlas' layouts, one per page type: per gemeente its overview page, then its wijk pages, in
the coverage's order. QGIS' own exporter prints one layout's atlas; this prints the pages of several in turn on
one QPrinter, through QGIS' page renderer, as QgsLayoutExporter.exportToPdf does for one. Main thread only."""

from pathlib import Path

from qgis.core import Qgis, QgsExpression, QgsFeatureRequest, QgsLayoutExporter
from qgis.PyQt.QtCore import QMarginsF, QSizeF
from qgis.PyQt.QtGui import QPageLayout, QPageSize, QPainter
from qgis.PyQt.QtPrintSupport import QPrinter

from ..compat import LAYOUT_MM
from .template import AtlasError

DPI = 300


def _order(layout):
    """The 'volgorde' of each page of ``layout``'s atlas, in its page order (atlas sorted on 'volgorde')."""
    atlas = layout.atlas()
    request = QgsFeatureRequest()
    if atlas.filterFeatures() and atlas.filterExpression():
        request.setFilterExpression(atlas.filterExpression())
    request.addOrderBy(QgsExpression.quotedColumnRef("volgorde"))
    return [feature["volgorde"] for feature in atlas.coverageLayer().getFeatures(request)]


def atlas_pages(layouts):
    """[(layout, atlas page index)] of every layout's atlas, merged on the coverage's 'volgorde'."""
    pages = []
    for layout in layouts:
        pages += [(order, n, layout) for n, order in enumerate(_order(layout))]
    pages.sort(key=lambda page: page[0])
    return [(layout, n) for _, n, layout in pages]


def _page_layout(layout):
    size = layout.pageCollection().page(0).pageSize()
    mm = layout.renderContext().measurementConverter().convert(size, LAYOUT_MM)
    return QPageLayout(
        QPageSize(QSizeF(mm.width(), mm.height()), QPageSize.Unit.Millimeter),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
    )


def export_pdf(layouts, path, feedback=None, pictures=()):
    """Write the pages of ``layouts`` (print layouts with an atlas on one coverage) to the PDF ``path``, then one
    page per (title, PNG path) of ``pictures`` (the chart of 'Veerkracht door de tijd').

    False when ``feedback`` was cancelled (no file left at ``path``); AtlasError when QGIS cannot write it.
    """
    layouts = [layouts] if hasattr(layouts, "atlas") else list(layouts)
    path = Path(path)
    for layout in layouts:
        if not layout.atlas().beginRender():
            raise AtlasError(f"Lay-out '{layout.name()}' heeft geen atlaspagina's.")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setFullPage(True)
    printer.setResolution(DPI)
    printer.setColorMode(QPrinter.ColorMode.Color)
    painter = QPainter()
    pages = atlas_pages(layouts)
    try:
        for number, (layout, index) in enumerate(pages):
            if feedback is not None and feedback.isCanceled():
                return False
            layout.atlas().seekTo(index)
            layout.renderContext().setDpi(DPI)
            # text stays text (searchable); QGIS draws a table's text as outlines by default
            layout.renderContext().setTextRenderFormat(Qgis.TextRenderFormat.AlwaysText)
            printer.setPageLayout(_page_layout(layout))
            if number == 0:
                if not painter.begin(printer):
                    raise AtlasError(f"PDF-export naar {path} mislukt: het bestand kan niet worden geschreven.")
            else:
                printer.newPage()
            QgsLayoutExporter(layout).renderPage(painter, 0)
            if feedback is not None:
                feedback.setProgress(100 * (number + 1) / len(pages))
        for title, picture in pictures:
            printer.newPage()
            _picture_page(painter, title, picture)
        return True
    finally:
        if painter.isActive():
            painter.end()
        for layout in layouts:
            layout.atlas().endRender()
        if feedback is not None and feedback.isCanceled():
            path.unlink(missing_ok=True)


def _picture_page(painter, title, picture):
    """A page with a title and a picture scaled to fit, on the page size of the atlas' last page."""
    from qgis.PyQt.QtCore import QRectF, Qt
    from qgis.PyQt.QtGui import QFont, QImage

    image = QImage(str(picture))
    if image.isNull():
        raise AtlasError(f"Grafiek {picture} is geen leesbare afbeelding (PNG).")
    page = QRectF(painter.viewport())
    margin = page.width() * 0.03
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(page.height() * 0.025))
    font.setBold(True)
    painter.setFont(font)
    title_box = QRectF(margin, margin, page.width() - 2 * margin, page.height() * 0.06)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(title_box, int(flags), title)
    room = QRectF(margin, title_box.bottom() + margin / 2, page.width() - 2 * margin, 0)
    room.setBottom(page.height() - margin)
    scaled = image.size().scaled(room.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF(room.left(), room.top(), scaled.width(), scaled.height())
    painter.drawImage(target, image)
