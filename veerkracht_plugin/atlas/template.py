"""The atlas' layout templates, one per page type (resources/atlas_overzicht.qpt for the overview of a gemeente,
resources/atlas_wijk.qpt for a wijk): built by scripts/make_atlas_template.py, restyled by users in QGIS' layout
designer, checked and loaded here. No item is hidden at export: what the designer shows is what is printed.
Main thread only."""

import math
from pathlib import Path

from qgis.core import (
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLegendStyle,
    QgsPathResolver,
    QgsPrintLayout,
    QgsReadWriteContext,
    QgsRectangle,
    QgsSymbolLayerUtils,
)
from qgis.PyQt.QtXml import QDomDocument

from ..compat import KILOMETERS, SCALEBAR_FIT_WIDTH, rd_new
from ..paths import RESOURCES_DIR
from ..rendering import add_label, place, set_legend_font_size

TEMPLATE_PATH = RESOURCES_DIR / "atlas_wijk.qpt"
OVERVIEW_TEMPLATE_PATH = RESOURCES_DIR / "atlas_overzicht.qpt"
ON_WIJK_PAGE = "coalesce(attribute(@atlas_feature, 'niveau'), '') = 'wijk'"
ON_OVERVIEW_PAGE = "coalesce(attribute(@atlas_feature, 'niveau'), '') = 'gemeente'"
WIJK_LEGEND_PT = 6.5  # legend text on a wijk page: 2.3 mm on A3, 1.6 mm printed on A4
NORTH_ARROW = "arrows/NorthArrow_02.svg"
CELLS = 9  # small maps on a wijk page: kaart_N, kaarttitel_N and legenda_N, N = 1..9
CELL_PREFIXES = ("kaart", "kaarttitel", "legenda")


class AtlasError(RuntimeError):
    """Input the atlas cannot use; the message says what to change."""


def _label(layout, item_id, text, x, y, w, h, size, bold=False):
    return add_label(layout, text, x, y, w, h, size, bold, item_id)


def _map(layout, item_id, x, y, w, h, margin=0.08):
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)
    item.setId(item_id)
    place(item, x, y, w, h)
    item.setCrs(rd_new())
    # an extent of the item's own shape: an empty one makes QGIS resize the map when the template is loaded
    item.zoomToExtent(QgsRectangle(155000, 463000, 155000 + w * 100, 463000 + h * 100))
    item.setAtlasDriven(True)
    item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    item.setAtlasMargin(margin)
    item.setFrameEnabled(True)
    return item


def _legend(layout, item_id, linked, x, y, w, h, size):
    """A legend of fixed size: ``atlas.bind`` wraps its texts to this width (issue 14, point 10)."""
    legend = QgsLayoutItemLegend(layout)
    layout.addLayoutItem(legend)
    legend.setId(item_id)
    legend.setLinkedMap(linked)
    legend.setAutoUpdateModel(False)  # an empty tree: binding adds the layer, nothing copies the project's tree
    legend.model().rootGroup().removeAllChildren()
    legend.setTitle("")
    legend.setSymbolWidth(size * 0.6)
    legend.setSymbolHeight(size * 0.4)
    legend.setResizeToContents(False)
    set_legend_font_size(legend, size)
    for part in (QgsLegendStyle.Style.Symbol, QgsLegendStyle.Style.SymbolLabel):
        legend.rstyle(part).setMargin(QgsLegendStyle.Side.Top, size * 0.2)  # 2.5 mm by default
    place(legend, x, y, w, h)
    return legend


def _scale_bar(layout, linked, x, y):
    """A kilometre bar that fits itself to each atlas page's scale."""
    bar = QgsLayoutItemScaleBar(layout)
    layout.addLayoutItem(bar)
    bar.setId("schaal")
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


def _page(project):
    """An A3 landscape layout with the title, subtitle, sources and north arrow every page type has."""
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize("A3", QgsLayoutItemPage.Orientation.Landscape)
    _label(layout, "titel", '[% "naam" %]', 10, 6, 400, 11, 20, bold=True)
    _label(layout, "ondertitel", '[% "ondertitel" %]', 10, 17, 400, 6, 10)
    _label(layout, "bronnen", "", 85, 258, 300, 32, 7)
    arrow = QgsLayoutItemPicture(layout)
    layout.addLayoutItem(arrow)
    arrow.setId("noordpijl")
    arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW, QgsPathResolver()))
    place(arrow, 395, 258, 15, 15)
    return layout


def build_overview_template(project):
    """The overview page (one per gemeente): a large map, its legend and a summary; no data."""
    layout = _page(project)
    overview = _map(layout, "overzicht_kaart", 10, 25, 270, 228, margin=0.04)
    _legend(layout, "overzicht_legenda", overview, 290, 25, 120, 105, 10)
    _label(layout, "overzicht_tekst", '[% "samenvatting" %]', 290, 135, 120, 118, 10)
    _scale_bar(layout, overview, 10, 258)
    return layout


def build_wijk_template(project):
    """The wijk page: nine small maps with their titles and legends, the buurten table, the perspectives."""
    layout = _page(project)
    cell_w, cell_h, map_w = 90, 76, 47
    for index in range(CELLS):
        row, col = divmod(index, 3)
        x, y = 10 + col * cell_w, 25 + row * cell_h
        _label(layout, f"kaarttitel_{index + 1}", "", x, y, cell_w - 2, 5, 8, bold=True)
        item = _map(layout, f"kaart_{index + 1}", x, y + 5, map_w, cell_h - 8)
        _legend(
            layout, f"legenda_{index + 1}", item, x + map_w + 1, y + 5, cell_w - map_w - 3, cell_h - 6, WIJK_LEGEND_PT
        )

    table = QgsLayoutItemAttributeTable.create(layout)
    layout.addMultiFrame(table)
    frame = QgsLayoutFrame(layout, table)
    frame.setId("tabel")
    place(frame, 285, 25, 125, 118)
    table.addFrame(frame)
    # QGIS' spatial filter: only buurten in the first map are read (on a national layer not all 13,594 a page)
    table.setMap(layout.itemById("kaart_1"))
    table.setDisplayOnlyVisibleFeatures(True)
    _label(
        layout,
        "perspectieven_kop",
        "Handelingsperspectieven (begin van het gesprek, geen advies uit de data)",
        285,
        146,
        125,
        5,
        8,
        bold=True,
    )
    _label(layout, "perspectieven", '[% "perspectieven" %]', 285, 152, 125, 101, 7)
    _scale_bar(layout, layout.itemById("kaart_1"), 10, 258)
    return layout


def build_template(project):
    """The wijk page template (resources/atlas_wijk.qpt); ``build_overview_template`` makes the overview's."""
    return build_wijk_template(project)


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


def _mm(element, attribute):
    """(a, b) of an item's "a,b,mm" position or size; None when missing or in other units."""
    parts = element.attribute(attribute).split(",")
    if len(parts) != 3 or parts[2] != "mm":
        return None
    return float(parts[0]), float(parts[1])


def _fit_cells(document, used):
    """Spread the first ``used`` cells over the area of all nine, in a grid of ceil(sqrt(used)) columns (QA: one
    chosen map stayed 47 x 68 mm beside empty space). The maps take the room the cells gain, titles get wider,
    legends taller; a template whose cells are no 3 x 3 grid in mm stays as it is."""
    elements = {}
    child = document.documentElement().firstChildElement("LayoutItem")
    while not child.isNull():
        elements[child.attribute("id")] = child
        child = child.nextSiblingElement("LayoutItem")
    corners = [elements.get(f"kaarttitel_{n}") for n in (1, 2, 4)]
    if not 0 < used < CELLS or None in corners or None in [_mm(c, "position") for c in corners]:
        return
    (x0, y0), (x2, _), (_, y4) = (_mm(c, "position") for c in corners)
    pitch_x, pitch_y = x2 - x0, y4 - y0
    columns = math.ceil(math.sqrt(used))
    rows = math.ceil(used / columns)
    wider, taller = pitch_x * (3 / columns - 1), pitch_y * (3 / rows - 1)
    grows = {"kaarttitel": (0, wider, 0), "kaart": (0, wider, taller), "legenda": (wider, 0, taller)}
    for n in range(1, used + 1):
        row, column = divmod(n - 1, 3)
        new_row, new_column = divmod(n - 1, columns)
        shift_x = new_column * (pitch_x + wider) - column * pitch_x
        shift_y = new_row * (pitch_y + taller) - row * pitch_y
        for prefix, (move, grow_x, grow_y) in grows.items():
            element = elements.get(f"{prefix}_{n}")
            position, size = (_mm(element, a) for a in ("position", "size")) if element else (None, None)
            if position is None or size is None:
                continue
            width, height = size[0] + grow_x, size[1] + grow_y
            element.setAttribute("position", f"{position[0] + shift_x + move:g},{position[1] + shift_y:g},mm")
            element.setAttribute("size", f"{width:g},{height:g},mm")
            _fit_extent(element.firstChildElement("Extent"), width / size[0], height / size[1])


def _fit_extent(extent, grow_x, grow_y):
    """A map's stored extent in the shape of its new size (QGIS stretches a map whose extent has another shape)."""
    if extent.isNull():
        return
    for low, high, grow in (("xmin", "xmax", grow_x), ("ymin", "ymax", grow_y)):
        start, end = float(extent.attribute(low)), float(extent.attribute(high))
        extent.setAttribute(high, f"{start + (end - start) * grow:.6f}")


def load_template(project, name, path=TEMPLATE_PATH, used_cells=CELLS, required=("titel", "kaart_1")):
    """A print layout from the template, named ``name``, with only the first ``used_cells`` map cells, enlarged to
    use the room of the others; AtlasError when it has none of the ``required`` item ids (then it is no template
    of this page type)."""
    shipped = OVERVIEW_TEMPLATE_PATH if "overzicht_kaart" in required else TEMPLATE_PATH
    document = read_template(path)
    _fit_cells(document, used_cells)
    _drop_cells(document, used_cells)
    layout = QgsPrintLayout(project)
    _, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not ok:
        raise AtlasError(f"Lay-outsjabloon {path} laadt niet in QGIS.")
    if not any(layout.itemById(i) for i in required):
        raise AtlasError(
            f"Lay-outsjabloon {path} heeft geen van de onderdelen van de atlas ({', '.join(required)}): begin met "
            f"resources/{shipped.name} en houd de namen (ids) van de onderdelen aan."
        )
    layout.setName(name)
    return layout
