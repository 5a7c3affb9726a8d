"""The atlas layout template (resources/atlas_wijk.qpt): built by scripts/make_atlas_template.py, restyled by
users in QGIS' layout designer, checked and loaded here. Main thread only."""

from pathlib import Path

from qgis.core import (
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutObject,
    QgsPathResolver,
    QgsPrintLayout,
    QgsProperty,
    QgsReadWriteContext,
    QgsSymbolLayerUtils,
)
from qgis.PyQt.QtXml import QDomDocument

from .compat import KILOMETERS, SCALEBAR_FIT_WIDTH, rd_new
from .paths import RESOURCES_DIR
from .rendering import add_label, place, set_legend_font_size

TEMPLATE_PATH = RESOURCES_DIR / "atlas_wijk.qpt"
ON_WIJK_PAGE = "attribute(@atlas_feature, 'niveau') = 'wijk'"
NORTH_ARROW = "arrows/NorthArrow_02.svg"
CELLS = 9  # small maps on a wijk page: kaart_N, kaarttitel_N and legenda_N, N = 1..9
CELL_PREFIXES = ("kaart", "kaarttitel", "legenda")


class AtlasError(RuntimeError):
    """Input the atlas cannot use; the message says what to change."""


def _label(layout, item_id, text, x, y, w, h, size, bold=False):
    return add_label(layout, text, x, y, w, h, size, bold, item_id)


def _only_on(item, wijk_page):
    expression = f"NOT ({ON_WIJK_PAGE})" if wijk_page else ON_WIJK_PAGE
    item.dataDefinedProperties().setProperty(
        QgsLayoutObject.DataDefinedProperty.ExcludeFromExports, QgsProperty.fromExpression(expression)
    )


def _map(layout, item_id, x, y, w, h, margin=0.08):
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)
    item.setId(item_id)
    place(item, x, y, w, h)
    item.setCrs(rd_new())
    item.setAtlasDriven(True)
    item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    item.setAtlasMargin(margin)
    item.setFrameEnabled(True)
    return item


def _legend(layout, item_id, linked, x, y, w, h, size):
    legend = QgsLayoutItemLegend(layout)
    layout.addLayoutItem(legend)
    legend.setId(item_id)
    legend.setLinkedMap(linked)
    legend.setTitle("")
    legend.setSymbolWidth(size * 0.6)
    legend.setSymbolHeight(size * 0.4)
    legend.setResizeToContents(False)
    set_legend_font_size(legend, size)
    place(legend, x, y, w, h)
    return legend


def _scale_bar(layout, item_id, linked, x, y):
    """A kilometre bar that fits itself to each atlas page's scale."""
    bar = QgsLayoutItemScaleBar(layout)
    layout.addLayoutItem(bar)
    bar.setId(item_id)
    bar.setLinkedMap(linked)
    bar.setStyle("Single Box")
    bar.setUnits(KILOMETERS)
    bar.setUnitLabel("km")
    bar.setNumberOfSegmentsLeft(0)
    bar.setNumberOfSegments(2)
    bar.setSegmentSizeMode(SCALEBAR_FIT_WIDTH)
    bar.setMinimumBarWidth(20)
    bar.setMaximumBarWidth(50)
    bar.setHeight(2)
    place(bar, x, y, 70, 12)
    return bar


def build_template(project):
    """The A3 landscape atlas layout with named items and no data; write it with ``save_template``."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize("A3", QgsLayoutItemPage.Orientation.Landscape)
    _label(layout, "titel", '[% "naam" %]', 10, 6, 400, 11, 20, bold=True)
    _label(layout, "ondertitel", '[% "ondertitel" %]', 10, 17, 400, 6, 10)

    overview = _map(layout, "overzicht_kaart", 10, 25, 270, 230, margin=0.04)
    _only_on(overview, wijk_page=False)
    legend = _legend(layout, "overzicht_legenda", overview, 290, 25, 120, 80, 10)
    _only_on(legend, wijk_page=False)
    summary = _label(layout, "overzicht_tekst", '[% "samenvatting" %]', 290, 110, 120, 140, 9)
    _only_on(summary, wijk_page=False)
    _only_on(_scale_bar(layout, "overzicht_schaal", overview, 10, 258), wijk_page=False)

    cell_w, cell_h, map_w = 90, 78, 50
    for index in range(9):
        row, col = divmod(index, 3)
        x, y = 10 + col * cell_w, 25 + row * cell_h
        title = _label(layout, f"kaarttitel_{index + 1}", "", x, y, cell_w - 2, 5, 8, bold=True)
        _only_on(title, wijk_page=True)
        item = _map(layout, f"kaart_{index + 1}", x, y + 5, map_w, cell_h - 8)
        _only_on(item, wijk_page=True)
        legend = _legend(
            layout, f"legenda_{index + 1}", item, x + map_w + 1, y + 5, cell_w - map_w - 3, cell_h - 8, 5.5
        )
        _only_on(legend, wijk_page=True)

    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    frame = QgsLayoutFrame(layout, table)
    frame.setId("tabel")
    place(frame, 285, 25, 125, 120)
    table.addFrame(frame)
    _only_on(frame, wijk_page=True)
    _label(
        layout,
        "perspectieven_kop",
        "Handelingsperspectieven (begin van het gesprek, geen advies uit de data)",
        285,
        148,
        125,
        5,
        8,
        bold=True,
    )
    _only_on(layout.itemById("perspectieven_kop"), wijk_page=True)
    perspectives = _label(layout, "perspectieven", '[% "perspectieven" %]', 285, 154, 125, 100, 7)
    _only_on(perspectives, wijk_page=True)

    _label(layout, "bronnen", "", 100, 262, 250, 30, 7)
    _only_on(_scale_bar(layout, "schaal", layout.itemById("kaart_1"), 10, 262), wijk_page=True)
    arrow = QgsLayoutItemPicture(layout)
    layout.addLayoutItem(arrow)
    arrow.setId("noordpijl")
    arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW, QgsPathResolver()))
    place(arrow, 395, 262, 15, 15)
    return layout


def save_template(layout, path=TEMPLATE_PATH):
    if not layout.saveAsTemplate(str(path), QgsReadWriteContext()):
        raise AtlasError(f"Kan het atlas-sjabloon niet schrijven: {path}")
    return path


def template_problem(path):
    """A Dutch message naming ``path`` when it is not a readable QGIS layout template (.qpt); '' when it is."""
    try:
        read_template(path)
    except AtlasError as error:
        return str(error)
    return ""


def read_template(path):
    """The template as a QDomDocument; AtlasError (naming the path) when it is missing or not a layout."""
    path = Path(path)
    if not path.exists():
        raise AtlasError(f"Lay-outsjabloon {path} bestaat niet. Kies een .qpt-bestand of laat het veld leeg.")
    if path.is_dir():
        raise AtlasError(f"Lay-outsjabloon {path} is een map, geen .qpt-bestand.")
    if path.suffix.lower() != ".qpt":
        raise AtlasError(
            f"Lay-outsjabloon {path} is geen QGIS-lay-outsjabloon (.qpt). Sla een lay-out op met "
            "'Opslaan als sjabloon' in de lay-outontwerper, of laat het veld leeg."
        )
    try:
        content = path.read_bytes()
    except OSError as error:
        raise AtlasError(f"Lay-outsjabloon {path} is niet te lezen: {error.strerror or error}.") from error
    document = QDomDocument()
    parsed = document.setContent(content)
    if not (parsed[0] if isinstance(parsed, tuple) else parsed):
        raise AtlasError(f"Lay-outsjabloon {path} is geen geldig QGIS-sjabloon (geen leesbare XML).")
    root = document.documentElement().tagName()
    if root != "Layout":
        raise AtlasError(
            f"Lay-outsjabloon {path} is geen QGIS-lay-outsjabloon: het hoofdelement is <{root}>, geen <Layout>."
        )
    return document


def _drop_cells(document, used):
    """Remove the XML of the cells after the first ``used``: unused items are never created.

    Removing them after loading (``removeLayoutItem``) leaves them alive until Qt's event loop deletes them, still
    listening to the layer's legend and asking a deleted layout for its scale: the crash of issue 12, point 4.
    """
    unused = {f"{prefix}_{n}" for prefix in CELL_PREFIXES for n in range(used + 1, CELLS + 1)}
    root = document.documentElement()
    child = root.firstChildElement("LayoutItem")
    while not child.isNull():
        following = child.nextSiblingElement("LayoutItem")
        if child.attribute("id") in unused:
            root.removeChild(child)
        child = following


def load_template(project, name, path=TEMPLATE_PATH, used_cells=CELLS):
    """A print layout from the template, named ``name``, with only the first ``used_cells`` map cells."""
    document = read_template(path)
    _drop_cells(document, used_cells)
    layout = QgsPrintLayout(project)
    _, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not ok:
        raise AtlasError(f"Lay-outsjabloon {path} laadt niet in QGIS.")
    if not any(layout.itemById(i) for i in ("titel", "overzicht_kaart", "kaart_1")):
        raise AtlasError(
            f"Lay-outsjabloon {path} heeft geen van de onderdelen van de atlas (titel, overzicht_kaart, kaart_1): "
            "begin met resources/atlas_wijk.qpt en houd de namen (ids) van de onderdelen aan."
        )
    layout.setName(name)
    return layout
