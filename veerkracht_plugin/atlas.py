"""The atlas per wijk: a layout template with named items (resources/atlas_wijk.qpt), a coverage layer with
the gemeente and its wijken, and the binding of both to a veerkracht layer. Main thread only."""

import json
import re
from collections import defaultdict

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpression,
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutObject,
    QgsLayoutTableColumn,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsPathResolver,
    QgsPrintLayout,
    QgsProperty,
    QgsReadWriteContext,
    QgsRuleBasedRenderer,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant
from qgis.PyQt.QtGui import QFont
from qgis.PyQt.QtXml import QDomDocument

from .compat import KILOMETERS, RD_NEW_AUTHID, SCALEBAR_FIT_WIDTH, as_python, rd_new, text_or_none
from .core.catalogue import class_labels, field_names
from .core.codes import gemeente_of, normalise_code, wijk_of
from .core.join import LAYER_KEY_CANDIDATES, find_column
from .layer_queries import GEMEENTE_NAME_FIELDS
from .paths import RESOURCES_DIR
from .rendering import add_label, place, set_legend_font_size
from .styling import apply_styles, style_name

TEMPLATE_PATH = RESOURCES_DIR / "atlas_wijk.qpt"
PERSPECTIVES_PATH = RESOURCES_DIR / "handelingsperspectieven.json"
ON_WIJK_PAGE = "attribute(@atlas_feature, 'niveau') = 'wijk'"
WIJK_NAME_FIELDS = ["wijknaam", "WK_NAAM", "statnaam"]
WIJK_CODE_FIELDS = ["wijkcode", "WK_CODE", "statcode"]
BUURT_NAME_FIELDS = ["buurtnaam", "BU_NAAM", "statnaam"]
NORTH_ARROW = "arrows/NorthArrow_02.svg"


class AtlasError(RuntimeError):
    """Input the atlas cannot use; the message says what to change."""


# ---- the template (scripts/make_atlas_template.py writes it; users may restyle it) ----


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


def load_template(project, name, path=TEMPLATE_PATH):
    layout = QgsPrintLayout(project)
    document = QDomDocument()
    parsed = document.setContent(path.read_text(encoding="utf-8"))
    if not (parsed[0] if isinstance(parsed, tuple) else parsed):
        raise AtlasError(f"Atlas-sjabloon {path} is geen geldig QGIS-sjabloon.")
    _, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not ok:
        raise AtlasError(f"Atlas-sjabloon {path} laadt niet.")
    layout.setName(name)
    return layout


# ---- the coverage: one feature for the gemeente, then one per wijk ----


def perspectives_text(classes, counts):
    data = json.loads(PERSPECTIVES_PATH.read_text(encoding="utf-8"))
    labels = class_labels("signalering")
    lines = []
    for code in sorted(c for c in classes if c):
        texts = data["klassen"].get(str(code), {})
        lines.append(f"{labels[code]} ({counts[code]} buurt{'en' if counts[code] != 1 else ''})")
        lines += [f"  • {strategy}: {texts[strategy]}" for strategy in data["strategieen"] if strategy in texts]
    return "\n".join(lines) if lines else "Geen buurten met een signaleringsklasse (onvoldoende gegevens)."


def build_coverage(layer, gemeenten=None, wijken=None, feedback=None):
    """A GeoPackage-ready memory layer (EPSG:28992): per gemeente one overview feature and one per wijk."""
    code_field = find_column(layer.fields().names(), LAYER_KEY_CANDIDATES)
    if code_field is None:
        raise AtlasError(f"Laag '{layer.name()}' heeft geen buurtcodeveld (zoals buurtcode of statcode).")
    gm_name_field = find_column(layer.fields().names(), GEMEENTE_NAME_FIELDS)
    rd = rd_new()
    to_rd = QgsCoordinateTransform(layer.crs(), rd, layer.transformContext())
    klasse = field_names("signalering")[1]
    wanted = {normalise_code(g, "GM") for g in gemeenten} if gemeenten else None

    geometries = defaultdict(list)
    classes = defaultdict(lambda: defaultdict(int))
    gemeente_names = {}
    buurten = defaultdict(int)
    for feature in layer.getFeatures():
        code = normalise_code(feature[code_field])
        gemeente = gemeente_of(code)
        if gemeente is None or (wanted and gemeente not in wanted):
            continue
        geometry = _valid(feature.geometry(), to_rd)
        wijk = wijk_of(code)
        geometries[wijk].append(geometry)
        value = as_python(feature[klasse])
        classes[wijk][0 if value is None else int(value)] += 1
        buurten[gemeente] += 1
        name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if name:
            gemeente_names[gemeente] = name
    if not geometries:
        chosen = ", ".join(sorted(wanted)) if wanted else "alle"
        raise AtlasError(f"Laag '{layer.name()}' heeft geen buurten in gemeente(n) {chosen}.")

    wijk_names, wijk_shapes, wijk_gemeenten = _wijken_from_layer(wijken, rd) if wijken is not None else ({}, {}, {})
    for gemeente, name in wijk_gemeenten.items():
        gemeente_names.setdefault(gemeente, name)

    coverage = QgsVectorLayer(f"MultiPolygon?crs={RD_NEW_AUTHID}", "Atlas-dekking", "memory")
    coverage.dataProvider().addAttributes(
        [
            QgsField("volgorde", QVariant.Int),
            QgsField("niveau", QVariant.String),
            QgsField("code", QVariant.String),
            QgsField("naam", QVariant.String),
            QgsField("ondertitel", QVariant.String),
            QgsField("gemeente", QVariant.String),
            QgsField("perspectieven", QVariant.String),
            QgsField("samenvatting", QVariant.String),
        ]
    )
    coverage.updateFields()
    features, order = [], 0
    labels = class_labels("signalering")
    for gemeente in sorted({gemeente_of(w) for w in geometries}):
        gemeente_name = gemeente_names.get(gemeente) or gemeente
        wijk_codes = sorted(w for w in geometries if gemeente_of(w) == gemeente)
        totals = defaultdict(int)
        for wijk in wijk_codes:
            for code, n in classes[wijk].items():
                totals[code] += n
        summary = [f"{buurten[gemeente]} buurten in {len(wijk_codes)} wijken.", "", "Veerkracht signalering:"]
        summary += [f"{labels[c]}: {totals[c]}" for c in sorted(totals, key=lambda c: (c == 0, c))]
        shape = QgsGeometry.unaryUnion([g for w in wijk_codes for g in geometries[w]])
        features.append(
            _coverage_feature(
                coverage,
                order,
                "gemeente",
                gemeente,
                gemeente_name,
                "Overzicht van de gemeente: veerkracht signalering per buurt, wijken omlijnd",
                gemeente,
                "",
                "\n".join(summary),
                shape,
            )
        )
        order += 1
        for wijk in wijk_codes:
            name = wijk_names.get(wijk) or _wijk_default_name(wijk)
            shape = wijk_shapes.get(wijk) or QgsGeometry.unaryUnion(geometries[wijk])
            n = sum(classes[wijk].values())
            features.append(
                _coverage_feature(
                    coverage,
                    order,
                    "wijk",
                    wijk,
                    name,
                    f"{gemeente_name} ({gemeente}) · wijk {wijk} · {n} buurten",
                    gemeente,
                    perspectives_text(classes[wijk].keys(), classes[wijk]),
                    "",
                    shape,
                )
            )
            order += 1
    coverage.dataProvider().addFeatures(features)
    coverage.setRenderer(_mask_renderer())
    coverage.setName("Atlas: gemeente en wijken")
    return coverage


def _valid(geometry, transform):
    """A copy in RD New, repaired when invalid: one self-intersecting buurt would empty a whole union."""
    geometry = QgsGeometry(geometry)
    geometry.transform(transform)
    if not geometry.isGeosValid():
        geometry = geometry.makeValid()
    return geometry


def _wijk_default_name(code):
    return f"Wijk {code[-2:]}"


def _wijken_from_layer(wijken, rd):
    code_field = find_column(wijken.fields().names(), WIJK_CODE_FIELDS)
    name_field = find_column(wijken.fields().names(), WIJK_NAME_FIELDS)
    if code_field is None:
        raise AtlasError(f"Wijklaag '{wijken.name()}' heeft geen wijkcodeveld (wijkcode, WK_CODE of statcode).")
    gm_name_field = find_column(wijken.fields().names(), GEMEENTE_NAME_FIELDS)
    to_rd = QgsCoordinateTransform(wijken.crs(), rd, wijken.transformContext())
    names, shapes, gemeente_names = {}, {}, {}
    for feature in wijken.getFeatures():
        code = normalise_code(feature[code_field], "WK")
        if not code or not code.startswith("WK"):
            continue
        name = text_or_none(feature[name_field]) if name_field else None
        if name:
            names[code] = name
        gemeente_name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if gemeente_name:
            gemeente_names[gemeente_of(code)] = gemeente_name
        shapes[code] = _valid(feature.geometry(), to_rd)
    return names, shapes, gemeente_names


def _coverage_feature(coverage, order, level, code, name, subtitle, gemeente, perspectives, summary, shape):
    feature = QgsFeature(coverage.fields())
    feature.setAttributes([order, level, code, name, subtitle, gemeente, perspectives, summary])
    feature.setGeometry(shape)
    return feature


def _mask_renderer():
    """On wijk pages: the wijk outlined and the other wijken faded; on the overview: all wijken outlined."""
    root = QgsRuleBasedRenderer.Rule(None)
    rules = [
        (
            "\"niveau\" = 'wijk' AND $id = @atlas_featureid",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.6"},
        ),
        (
            f"\"niveau\" = 'wijk' AND $id <> @atlas_featureid AND {ON_WIJK_PAGE}",
            {"color": "255,255,255,170", "outline_style": "no"},
        ),
        (
            f"\"niveau\" = 'wijk' AND NOT ({ON_WIJK_PAGE})",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.5"},
        ),
    ]
    for expression, properties in rules:
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(properties), 0, 0, expression))
    return QgsRuleBasedRenderer(root)


# ---- binding the template to the data ----


def sources_text(layer, reference):
    names = " ".join(layer.fields().names())
    lbm = sorted(set(re.findall(r"lbm(\d{4})_", names)))
    kwb = sorted(set(re.findall(r"kwb(\d{4})_", names)))
    parts = [
        "Bronnen: Leefbaarometer 3.0, ministerie van BZK" + (f" ({', '.join(lbm)})" if lbm else ""),
        "CBS Kerncijfers wijken en buurten" + (f" ({', '.join(kwb)})" if kwb else ""),
        "CBS / Kadaster wijk- en buurtkaart (CC-BY 4.0).",
    ]
    reference = reference.removeprefix("Referentieset: ")  # the layer metadata may say it already
    return (
        ", ".join(parts) + f"\nReferentieset: {reference}\n"
        "Indeling: Veerkracht-plugin (reconstructie van de Aedes-veerkrachtkaarten, zie docs/methode.md). "
        "Gemaakt op [% format_date(now(), 'dd-MM-yyyy') %]."
    )


def bind(layout, project, layer, coverage, map_ids, reference):
    """Point the template's items at the layer, the coverage and the chosen maps."""
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    atlas.setPageNameExpression('"naam"')
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"volgorde"')
    apply_styles(layer, project, "signalering")  # themes now include the coverage layer as mask

    overview = layout.itemById("overzicht_kaart")
    if overview is not None:
        overview.setFollowVisibilityPreset(True)
        overview.setFollowVisibilityPresetName(style_name("signalering"))
    legend = layout.itemById("overzicht_legenda")
    if legend is not None:
        _legend_for(legend, layer)
    for index in range(9):
        item, title, legend = (
            layout.itemById(f"{prefix}_{index + 1}") for prefix in ("kaart", "kaarttitel", "legenda")
        )
        if index >= len(map_ids):
            for unused in (item, title, legend):
                if unused is not None:
                    layout.removeLayoutItem(unused)
            continue
        map_id = map_ids[index]
        if item is not None:
            item.setFollowVisibilityPreset(True)
            item.setFollowVisibilityPresetName(style_name(map_id))
        if title is not None:
            title.setText(style_name(map_id))
        if legend is not None:
            _legend_for(legend, layer)
    _bind_table(layout, layer)
    label = layout.itemById("bronnen")
    if label is not None:
        label.setText(sources_text(layer, reference))
    arrow = layout.itemById("noordpijl")
    if arrow is not None:  # QGIS' own arrow, found on this machine's SVG paths (Linux, Windows, macOS)
        arrow.setPicturePath(QgsSymbolLayerUtils.svgSymbolNameToPath(NORTH_ARROW, QgsPathResolver()))


def _legend_for(legend, layer):
    """Only the veerkracht layer, without its name: the colours and labels of the linked map's theme."""
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    node = root.addLayer(layer)
    QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Style.Hidden)
    legend.updateLegend()


def _bind_table(layout, layer):
    frame = layout.itemById("tabel")
    if frame is None:
        return
    table = frame.multiFrame()
    table.setVectorLayer(layer)
    code_field = find_column(layer.fields().names(), LAYER_KEY_CANDIDATES)
    name_field = find_column(layer.fields().names(), BUURT_NAME_FIELDS)
    code = QgsExpression.quotedColumnRef(code_field)
    table.setFilterFeatures(True)
    table.setFeatureFilter(f"left(to_string({code}), 8) = 'BU' || substr(attribute(@atlas_feature, 'code'), 3, 6)")
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
    table.setColumns(columns)
    table.setMaximumNumberOfFeatures(60)
    _table_font(table, 7)
    table.refresh()


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


def export_pdf(layout, path, feedback=None):
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    result, error = QgsLayoutExporter.exportToPdf(layout.atlas(), str(path), settings, feedback)
    if result == QgsLayoutExporter.ExportResult.Canceled:
        return False
    if result != QgsLayoutExporter.ExportResult.Success:
        raise AtlasError(f"PDF-export naar {path} mislukt: {error or result}")
    return True
