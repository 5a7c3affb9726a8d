"""The atlas per wijk: a layout template with named items (``atlas_template``), a coverage layer with the
gemeente and its wijken (``atlas_coverage``), and here the binding of both to a veerkracht layer in a project,
the PDF export and the layout's place in the project. Main thread only."""

import re

from qgis.core import (
    QgsExpression,
    QgsExpressionContextUtils,
    QgsLayoutExporter,
    QgsLayoutTableColumn,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsPathResolver,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QFont

from .atlas_coverage import build_coverage, coverage_path, coverage_uri, perspectives_text, save_coverage
from .atlas_template import (
    NORTH_ARROW,
    ON_WIJK_PAGE,
    TEMPLATE_PATH,
    AtlasError,
    build_template,
    load_template,
    read_template,
    save_template,
    template_problem,
)
from .core.catalogue import field_names
from .core.join import LAYER_KEY_CANDIDATES, find_column
from .styling import apply_styles, style_name

__all__ = [
    "ON_WIJK_PAGE",
    "TEMPLATE_PATH",
    "AtlasError",
    "bind",
    "build_coverage",
    "build_template",
    "coverage_path",
    "coverage_uri",
    "export_pdf",
    "load_template",
    "perspectives_text",
    "read_template",
    "save_coverage",
    "save_template",
    "sources_text",
    "template_problem",
]

BUURT_NAME_FIELDS = ["buurtnaam", "BU_NAAM", "statnaam"]
SOURCES_VARIABLE = "veerkracht_bronnen"
SOURCES_LABEL = f"[% @{SOURCES_VARIABLE} %] Gemaakt op [% format_date(now(), 'dd-MM-yyyy') %]."
ROLE = "veerkracht/atlas"  # custom property on the layers the atlas adds to a project
INPUT_ROLE, COVERAGE_ROLE = "invoer", "dekking"


def sources_text(layer, reference):
    """The sources line as plain text; the label shows it through ``SOURCES_LABEL`` (names are never evaluated)."""
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
        "Indeling: Veerkracht-plugin (reconstructie van de Aedes-veerkrachtkaarten, zie docs/methode.md)."
    )


def bind(layout, project, layer, coverage, map_ids, reference):
    """Point the template's items at the layer, the coverage and the chosen maps (the template holds only the
    cells of the chosen maps: ``load_template(..., used_cells=len(map_ids))``).

    Text that comes from the user's data (layer name, metadata) reaches labels only through layout variables or
    coverage fields, so expression syntax in it (``Buurten [% 6*7 %]``) is printed as written.
    """
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
    for index, map_id in enumerate(map_ids):
        item, title, legend = (
            layout.itemById(f"{prefix}_{index + 1}") for prefix in ("kaart", "kaarttitel", "legenda")
        )
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
        QgsExpressionContextUtils.setLayoutVariable(layout, SOURCES_VARIABLE, sources_text(layer, reference))
        label.setText(SOURCES_LABEL)
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


# ---- the layout and its layers in a project ----


def layer_in_project(layer, project):
    """(layer, added now): ``layer`` when it is in ``project``; else the layer an earlier atlas added for the same
    source, or a new one added now (the layout's maps and table need their layer in the project)."""
    if project.mapLayer(layer.id()) is not None:
        return layer, False
    for candidate in project.mapLayers().values():
        if (
            candidate.customProperty(ROLE) == INPUT_ROLE
            and candidate.source() == layer.source()
            and candidate.providerType() == layer.providerType()
        ):
            return candidate, False
    added = QgsVectorLayer(layer.source(), layer.name(), layer.providerType())
    added.setCustomProperty(ROLE, INPUT_ROLE)
    project.addMapLayer(added)
    return added, True


def add_coverage(project, coverage):
    coverage.setCustomProperty(ROLE, COVERAGE_ROLE)
    project.addMapLayer(coverage)
    return coverage


def replace_layout(project, layout):
    """Put ``layout`` in the project's layouts, instead of an earlier one of that name (and its coverage layer)."""
    manager = project.layoutManager()
    existing = manager.layoutByName(layout.name())
    if existing is not None:
        old_coverage = existing.atlas().coverageLayer()
        manager.removeLayout(existing)  # deletes it: no Python reference to it or its items may remain
        if old_coverage is not None and old_coverage.customProperty(ROLE) == COVERAGE_ROLE:
            remove_coverage(project, old_coverage)
    if not manager.addLayout(layout):
        raise AtlasError(f"Lay-out '{layout.name()}' kan niet aan het project worden toegevoegd.")


def remove_coverage(project, coverage):
    """Remove an atlas coverage layer from the project unless another layout still uses it."""
    for other in project.layoutManager().printLayouts():
        used = other.atlas().coverageLayer()
        if used is not None and used.id() == coverage.id():
            return
    project.removeMapLayer(coverage.id())


def point_coverage_at(layout, coverage, path):
    """After the run: the coverage reads the GeoPackage at its final ``path`` (saved projects reopen with it)."""
    from qgis.core import QgsDataProvider

    renderer = coverage.renderer().clone()
    coverage.setDataSource(coverage_uri(path), coverage.name(), "ogr", QgsDataProvider.ProviderOptions())
    coverage.setRenderer(renderer)
    layout.atlas().setCoverageLayer(coverage)
    return coverage.isValid()
