"""The binding of the templates (``template``) and the coverage layer (``coverage``) to a veerkracht layer in a
project: the map items' styles and themes, the legends, the table of buurten and the sources line. Main thread
only."""

from qgis.core import (
    QgsExpression,
    QgsExpressionContextUtils,
    QgsLayerTreeLayer,
    QgsLayoutTableColumn,
    QgsLayoutUtils,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapLayerLegendUtils,
    QgsPathResolver,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont

from ..core.catalogue import field_names
from ..core.join import LAYER_KEY_CANDIDATES, find_column
from ..layer_queries import edition_years
from ..styling import apply_styles, style_name
from .coverage import OVERVIEW_MAP_PROPERTY
from .template import NORTH_ARROW

BUURT_NAME_FIELDS = ["buurtnaam", "BU_NAAM", "statnaam"]
PAGE_MARGIN = 10  # mm, as the templates (template.py) place their items
SOURCES_VARIABLE = "veerkracht_bronnen"
SOURCES_LABEL = f"[% @{SOURCES_VARIABLE} %] Gemaakt op [% format_date(now(), 'dd-MM-yyyy') %]."


def sources_text(layer, reference):
    """The sources line as plain text; the label shows it through ``SOURCES_LABEL`` (names are never evaluated)."""
    years = edition_years(layer.fields().names())
    lbm, kwb = years.get("lbm"), years.get("kwb")
    parts = [
        "Bronnen: Leefbaarometer 3.0, ministerie van BZK" + (f" ({', '.join(lbm)})" if lbm else ""),
        "CBS Kerncijfers wijken en buurten" + (f" ({', '.join(kwb)})" if kwb else ""),
        "CBS / Kadaster wijk- en buurtkaart (CC-BY 4.0).",
    ]
    if not reference.startswith("Referentieset"):  # the layer metadata says it already ('Referentieset Nederland')
        reference = f"Referentieset: {reference}"
    return (
        ", ".join(parts) + f"\n{reference}\n"
        "Indeling: Veerkracht-plugin (reconstructie van de Aedes-veerkrachtkaarten, zie docs/methode.md)."
    )


def bind(layouts, project, layer, coverage, map_ids, reference):
    """Point the items of the atlas' layouts (overview and wijk page) at the layer, the coverage and the chosen
    maps (the wijk template holds only the cells of the chosen maps: ``load_template(..., used_cells=...)``).

    Text that comes from the user's data (layer name, metadata) reaches labels only through layout variables or
    coverage fields, so expression syntax in it (``Buurten [% 6*7 %]``) is printed as written. The layer's
    ``prepare_styles`` must have given the layer its styles and map themes.
    """
    for layout, level in layouts:
        atlas = layout.atlas()
        atlas.setCoverageLayer(coverage)
        atlas.setEnabled(True)
        atlas.setPageNameExpression('"naam"')
        atlas.setSortFeatures(True)
        atlas.setSortExpression('"volgorde"')
        atlas.setFilterFeatures(True)
        atlas.setFilterExpression(f"\"niveau\" = '{level}'")
        overview = coverage.customProperty(OVERVIEW_MAP_PROPERTY) or "signalering"
        labels = StyleLabels(layer)
        cells = [("overzicht_kaart", "overzicht_legenda", None, overview)] + [
            (f"kaart_{n + 1}", f"legenda_{n + 1}", f"kaarttitel_{n + 1}", map_id) for n, map_id in enumerate(map_ids)
        ]
        for map_item, legend_item, title_item, map_id in cells:
            item, legend, title = (layout.itemById(i) if i else None for i in (map_item, legend_item, title_item))
            if item is not None:
                item.setFollowVisibilityPreset(True)
                item.setFollowVisibilityPresetName(style_name(map_id))
            if title is not None:
                title.setText(style_name(map_id))
            if legend is not None:
                _legend_for(legend, layer, labels.of(map_id))
        _bind_table(layout, layer)
        label = layout.itemById("bronnen")
        if label is not None:
            QgsExpressionContextUtils.setLayoutVariable(layout, SOURCES_VARIABLE, sources_text(layer, reference))
            label.setText(SOURCES_LABEL)
        arrow = layout.itemById("noordpijl")
        if arrow is not None:  # QGIS' own arrow, found on this machine's SVG paths (Linux, Windows, macOS)
            arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW, QgsPathResolver()))


def prepare_styles(layer, project):
    """The nine styles and map themes, with the coverage layer (added before) in each as mask; the layer's current
    style is changed: the caller restores it. Before the layouts are loaded, as each switch of the layer's style
    rebuilds every legend that shows it."""
    apply_styles(layer, project, "signalering")


class StyleLabels:
    """The legend labels of each map's style, read from a scratch copy: switching the layer's own style would
    rebuild every legend listening to it (0.2 s a switch once the layouts exist)."""

    def __init__(self, layer):
        self.layer = layer
        self.scratch = QgsVectorLayer(f"Polygon?crs={layer.crs().authid()}", "legenda", "memory")
        self.scratch.dataProvider().addAttributes(layer.fields().toList())
        self.scratch.updateFields()

    def of(self, map_id):
        self.layer.styleManager().style(style_name(map_id)).writeToLayer(self.scratch)
        return [item.label() for item in self.scratch.renderer().legendSymbolItems()]


def _legend_for(legend, layer, labels):
    """Only the veerkracht layer, without its name: the colours of its map theme with ``labels`` (of that map's
    style, in the legend's order), wrapped to fit."""
    legend.setAutoUpdateModel(False)  # a no-op for the shipped templates, whose legends hold an empty tree
    root = legend.model().rootGroup()
    root.removeAllChildren()
    node = QgsLayerTreeLayer(layer)  # labels set before it joins the legend: its symbols are built once
    QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Style.Hidden)
    width = legend_text_width(legend)
    font = legend_font(legend)
    for index, label in enumerate(labels):
        QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, wrap_legend_labels(label, font, width))
    root.addChildNode(node)
    legend.updateLegend()


def legend_font(legend):
    """The font of the legend's item labels (text formats from QGIS 3.30 on, fonts before)."""
    style = legend.style(QgsLegendStyle.Style.SymbolLabel)
    if hasattr(style, "textFormat"):
        return style.textFormat().toQFont()
    return style.font()


def legend_text_width(legend):
    """Millimetres left for an item's text: the frame less box space, symbol and the space beside it."""
    symbol_space = legend.style(QgsLegendStyle.Style.Symbol).margin(QgsLegendStyle.Side.Right)
    label_space = legend.style(QgsLegendStyle.Style.SymbolLabel).margin(QgsLegendStyle.Side.Left)
    return legend.rect().width() - 2 * legend.boxSpace() - legend.symbolWidth() - symbol_space - label_space


def text_width_mm(font, text):
    return QgsLayoutUtils.textWidthMM(font, text)


def wrap_legend_labels(text, font, width):
    """``text`` with line breaks between words so that no line is wider than ``width`` mm in ``font`` (a word
    wider than that stands alone: it is never cut)."""
    lines = []
    for word in text.split():
        if lines and text_width_mm(font, f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _bind_table(layout, layer):
    frame = layout.itemById("tabel")
    if frame is None:
        return
    table = frame.multiFrame()
    first_map = layout.itemById("kaart_1")
    if table.map() is None and first_map is not None:  # a template of before issue 18
        table.setMap(first_map)
        table.setDisplayOnlyVisibleFeatures(True)
    table.setVectorLayer(layer)
    code_field = find_column(layer.fields().names(), LAYER_KEY_CANDIDATES)
    name_field = find_column(layer.fields().names(), BUURT_NAME_FIELDS)
    code = QgsExpression.quotedColumnRef(code_field)
    table.setFilterFeatures(True)
    table.setFeatureFilter(
        f"array_contains(string_to_array(attribute(@atlas_feature, 'buurten'), ','), to_string({code}))"
    )
    columns = []
    for attribute, heading in (
        (name_field or code_field, "Buurt"),
        (field_names("signalering")[2], "Signalering"),
        (field_names("signalering_relatief")[2], "Relatief (gemeente)"),
    ):
        column = QgsLayoutTableColumn()
        column.setAttribute(QgsExpression.quotedColumnRef(attribute))
        column.setHeading(heading)
        columns.append(column)
    # QGIS sizes a table's frame to the table: the room is what lies between the frame and the page's right margin
    page_width = layout.pageCollection().page(0).pageSize().width()
    room = page_width - PAGE_MARGIN - frame.pos().x()
    _fit_columns(table, columns, room, (0.3, 0.35, 0.35))
    table.setColumns(columns)
    table.setMaximumNumberOfFeatures(60)
    _table_font(table, 7)
    table.refresh()


def _fit_columns(table, columns, width, shares):
    """Fixed column widths that add up to the frame's width (cell margins and grid lines included), long labels
    wrapped onto more lines: the table never runs past the frame and the page's right edge."""
    from ..compat import TABLE_WRAP_TEXT

    margins = 2 * table.cellMargin() * len(columns)
    grid = table.gridStrokeWidth() * (len(columns) + 1) if table.showGrid() else 0.0
    free = max(width - margins - grid, 10.0) - 0.5  # half a mm spare for rounding
    for column, share in zip(columns, shares):
        column.setWidth(free * share)
    table.setWrapBehavior(TABLE_WRAP_TEXT)


def _table_font(table, size):
    """Content and header text: text formats from QGIS 3.16 on (fonts are deprecated), fonts before."""
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size)
    if hasattr(table, "setContentTextFormat"):
        from qgis.core import QgsTextFormat

        content = QgsTextFormat.fromQFont(font)
        content.setSize(size)
        table.setContentTextFormat(content)
        font.setBold(True)
        header = QgsTextFormat.fromQFont(font)
        header.setSize(size)
        table.setHeaderTextFormat(header)
    else:
        table.setContentFont(font)
        font.setBold(True)
        table.setHeaderFont(font)
