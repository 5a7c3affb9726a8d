"""The atlas as a GIS specialist edits and reads it (issue 14, points 9-14): one template per page type without
stacked items, legends whose texts fit, no side effects in the layer tree, an overview with data, wijken of
another year matched by overlap, a PDF named after its gemeente."""

import itertools
import math
import re

import pytest
from qgis.core import (
    QgsFeatureRequest,
    QgsLayoutItemLegend,
    QgsLayoutItemScaleBar,
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from test_atlas import colours_in, page_png
from test_atlas_safety import SAMPLE, UTRECHT_PAGES, WIJKEN, maps_gpkg  # noqa: F401 (fixture)

from conftest import REPO
from helpers import RecordingFeedback, only_layer_in_project, pdf_pages, run
from veerkracht.veerkracht_plugin.compat import LAYOUT_MM, make_field
from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

pytestmark = pytest.mark.usefixtures("provider")

TEMPLATES = {
    "atlas_overzicht.qpt": ["titel", "ondertitel", "overzicht_kaart", "overzicht_legenda", "overzicht_tekst"],
    "atlas_wijk.qpt": ["titel", "kaart_1", "kaart_9", "legenda_9", "tabel", "perspectieven"],
}
FOCUS = {"#e8e8e8", "#e4acac", "#c85a5a", "#b0d5df", "#ad9ea5", "#985356", "#64acbe", "#627f8c", "#574249"}


@pytest.fixture
def project_layer(maps_gpkg):  # noqa: F811
    with only_layer_in_project(maps_gpkg, "Utrecht") as layer:
        yield layer


def load(path):
    from qgis.PyQt.QtXml import QDomDocument

    document = QDomDocument()
    document.setContent(path.read_bytes())
    layout = QgsPrintLayout(QgsProject.instance())
    _, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    assert ok
    return layout


def rect_mm(item, written):
    """Position and size in mm; a scale bar without a map to measure has no size yet: the size in the .qpt."""
    position = item.positionWithUnits()
    size = item.sizeWithUnits()
    assert position.units() == size.units() == LAYOUT_MM
    width, height = size.width(), size.height()
    if math.isnan(width) or math.isnan(height):
        width, height = (float(v) for v in written[item.id()].split(",")[:2])
    return position.x(), position.y(), position.x() + width, position.y() + height


def written_sizes(path):
    """{item id: 'width,height,mm'} as the .qpt file writes them."""
    sizes = {}
    for tag in re.findall(r"<LayoutItem [^>]*>", path.read_text(encoding="utf-8")):
        item_id, size = re.search(r' id="([^"]*)"', tag), re.search(r' size="([^"]*)"', tag)
        if item_id and size:
            sizes[item_id.group(1)] = size.group(1)
    return sizes


# ---- point 9: one template per page type, nothing stacked, nothing hidden at export ----


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_items_do_not_overlap(name):
    layout = load(REPO / "resources" / name)
    written = written_sizes(REPO / "resources" / name)
    items = [i for i in layout.items() if hasattr(i, "uuid") and i.id()]
    ids = [item.id() for item in items]
    assert set(TEMPLATES[name]) <= set(ids)
    assert len(ids) == len(set(ids))
    assert sum(isinstance(i, QgsLayoutItemScaleBar) for i in items) == 1
    for item in items:
        hidden = item.dataDefinedProperties().property(QgsLayoutObject.DataDefinedProperty.ExcludeFromExports)
        assert not hidden.isActive(), f"{item.id()} is verborgen bij export"
        x0, y0, x1, y1 = rect_mm(item, written)
        assert 0 <= x0 < x1 <= 420 and 0 <= y0 < y1 <= 297, item.id()
    for a, b in itertools.combinations(items, 2):
        ax0, ay0, ax1, ay1 = rect_mm(a, written)
        bx0, by0, bx1, by1 = rect_mm(b, written)
        overlap = min(ax1, bx1) - max(ax0, bx0) > 0.01 and min(ay1, by1) - max(ay0, by0) > 0.01
        assert not overlap, f"{a.id()} en {b.id()} liggen over elkaar in {name}"


def test_rerun_keeps_an_edited_layout_and_says_so(project_layer, tmp_path):
    manager = QgsProject.instance().layoutManager()
    first = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "a.pdf")})
    edited = manager.layoutByName(first["LAYOUT"])
    edited.itemById("titel").attemptMove(QgsLayoutPoint(12, 8, LAYOUT_MM))  # the user moves the title

    feedback = RecordingFeedback()
    second = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "a.pdf")}, feedback)
    assert second["LAYOUT"] == first["LAYOUT"] + " (2)"
    assert second["LAYOUT_OVERVIEW"] == first["LAYOUT_OVERVIEW"]  # not edited: replaced
    kept = manager.layoutByName(first["LAYOUT"])
    assert kept is not None and kept.itemById("titel").positionWithUnits().x() == 12
    assert f"Lay-out '{first['LAYOUT']}' is na de vorige atlas bewerkt" in feedback.log
    assert f"De nieuwe atlas staat in lay-out '{second['LAYOUT']}'" in feedback.log

    third = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "a.pdf")})
    assert third["LAYOUT"] == second["LAYOUT"]  # the unedited '(2)' is replaced, no '(3)'
    assert sorted(layout.name() for layout in manager.printLayouts()) == sorted(
        [first["LAYOUT"], second["LAYOUT"], first["LAYOUT_OVERVIEW"]]
    )
    assert kept.atlas().coverageLayer().isValid()  # the edited layout still has its wijken


def test_unedited_layout_is_recognised_after_save_and_reopen(project_layer, tmp_path):
    from veerkracht.veerkracht_plugin.atlas import is_edited

    result = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "a.pdf")})
    project = QgsProject.instance()
    assert project.write(str(tmp_path / "p.qgz"))
    project.clear()
    assert project.read(str(tmp_path / "p.qgz"))
    for name in (result["LAYOUT"], result["LAYOUT_OVERVIEW"]):
        assert not is_edited(project.layoutManager().layoutByName(name)), name


def cell_rects(layout, n):
    """{item id: (x0, y0, x1, y1) in mm} of the map cells 1..n (title, map, legend) of a wijk page."""
    return {
        f"{prefix}_{k}": rect_mm(layout.itemById(f"{prefix}_{k}"), {})
        for prefix in ("kaarttitel", "kaart", "legenda")
        for k in range(1, n + 1)
    }


@pytest.mark.parametrize(("maps", "columns", "rows"), [([5], 1, 1), ([0, 2, 5, 8], 2, 2)])
def test_fewer_maps_are_enlarged_to_use_the_page(project_layer, tmp_path, maps, columns, rows):
    """QA: with one chosen map the wijk page showed it in its small grid cell (47 x 68 mm) beside empty space.
    The chosen maps share the area of the nine cells (270 x 228 mm left of the table) in a smaller grid; the maps
    take the room, legends keep their width."""
    result = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": maps, "OUTPUT": str(tmp_path / "a.pdf")})
    layout = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT"])
    rects = cell_rects(layout, len(maps))
    x0, y0, x1, y1 = rects["kaart_1"]
    assert x1 - x0 == pytest.approx(47 + 90 * (3 / columns - 1), abs=0.5)  # the map takes the room
    assert y1 - y0 == pytest.approx(68 + 76 * (3 / rows - 1), abs=0.5)
    legend = rects["legenda_1"]
    assert legend[2] - legend[0] == pytest.approx(40) and legend[0] > x1  # beside the map, as wide as before
    assert rects["kaarttitel_1"][3] - rects["kaarttitel_1"][1] == pytest.approx(5)  # titles keep their height
    for a, b in itertools.combinations(rects.values(), 2):
        assert min(a[2], b[2]) <= max(a[0], b[0]) + 0.01 or min(a[3], b[3]) <= max(a[1], b[1]) + 0.01
    table = rect_mm(layout.itemById("tabel"), {})
    assert all(
        10 - 0.01 <= r[0] and r[2] <= table[0] and 25 - 0.01 <= r[1] and r[3] <= 253 + 0.01 for r in rects.values()
    )
    problems, checked = legend_problems(layout, project_layer)
    assert checked and problems == []


def test_table_reads_the_buurten_of_its_first_map_and_legends_their_maps_labels(project_layer, tmp_path):
    """Issue 18: the table read every buurt of the layer on every page (13,594 on the national layer); QGIS'
    own spatial filter now reads only those in the first map. Each wijk page still lists all its buurten, and each
    legend shows the labels of its own map (read without switching the layer's style)."""
    from veerkracht.veerkracht_plugin.styling import style_name

    result = run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(tmp_path / "a.pdf")})
    layout = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT"])
    table = layout.itemById("tabel").multiFrame()
    assert table.map() is layout.itemById("kaart_1") and table.displayOnlyVisibleFeatures()
    shown_field = table.columns()[0].attribute().strip('"')  # the buurt name, or its code when the layer has none
    names = {f["statcode"]: str(f[shown_field]) for f in project_layer.getFeatures()}
    atlas = layout.atlas()
    atlas.beginRender()
    try:
        for page in range(atlas.count()):
            atlas.seekTo(page)
            listed = sorted(str(row[0]) for row in table.contents())
            members = layout.reportContext().feature()["buurten"].split(",")
            assert listed == sorted(names[code] for code in members), atlas.nameForPage(page)
    finally:
        atlas.endRender()
    manager = project_layer.styleManager()
    current = manager.currentStyle()
    for n in range(1, 10):
        legend = layout.itemById(f"legenda_{n}")
        theme = layout.itemById(f"kaart_{n}").followVisibilityPresetName()
        manager.setCurrentStyle(theme)
        expected = [item.label() for item in project_layer.renderer().legendSymbolItems()]
        node = legend.model().rootGroup().findLayer(project_layer)
        shown = [
            legend_node.data(Qt.ItemDataRole.DisplayRole).replace("\n", " ")
            for legend_node in legend.model().layerLegendNodes(node)
        ]
        assert shown == expected and theme == style_name(MAP_IDS[n - 1])
    manager.setCurrentStyle(current)


# ---- point 10: legend texts fit their frame ----


def legend_problems(layout, layer):
    """Texts wider than their legend's text column, and legends whose content is taller than their frame."""
    from qgis.core import QgsLegendRenderer

    from veerkracht.veerkracht_plugin.atlas.bind import legend_font, legend_text_width, text_width_mm

    manager = layer.styleManager()
    current = manager.currentStyle()
    problems, checked = [], 0
    try:
        for legend in [i for i in layout.items() if isinstance(i, QgsLayoutItemLegend)]:
            manager.setCurrentStyle(legend.linkedMap().followVisibilityPresetName())
            model = legend.model()
            node = model.rootGroup().findLayer(layer)
            model.refreshLayerLegend(node)
            width, font = legend_text_width(legend), legend_font(legend)
            for legend_node in model.layerLegendNodes(node):
                for line in legend_node.data(Qt.ItemDataRole.DisplayRole).split("\n"):
                    checked += 1
                    if text_width_mm(font, line) > width + 0.01:
                        problems.append(f"{legend.id()}: '{line}' {text_width_mm(font, line):.1f} > {width:.1f} mm")
            needed = QgsLegendRenderer(model, legend.legendSettings()).minimumSize()
            if needed.height() > legend.rect().height() + 0.01:
                problems.append(f"{legend.id()}: {needed.height():.1f} mm hoog in {legend.rect().height():.1f} mm")
    finally:
        manager.setCurrentStyle(current)
    return problems, checked


def test_legend_texts_fit_their_frames(project_layer, tmp_path):
    from veerkracht.veerkracht_plugin.atlas.template import WIJK_LEGEND_PT

    result = run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(tmp_path / "a.pdf")})
    manager = QgsProject.instance().layoutManager()
    for name, labels in ((result["LAYOUT"], 9 * 5), (result["LAYOUT_OVERVIEW"], 5)):
        problems, checked = legend_problems(manager.layoutByName(name), project_layer)
        assert checked > labels and problems == []
    # maps keep the template's size (an empty extent in a template made QGIS stretch the map over the sources)
    for name, item_id, size in (
        (result["LAYOUT_OVERVIEW"], "overzicht_kaart", (270, 228)),
        (result["LAYOUT"], "kaart_1", (47, 68)),
    ):
        item = manager.layoutByName(name).itemById(item_id)
        assert (item.sizeWithUnits().width(), item.sizeWithUnits().height()) == pytest.approx(size)
    assert WIJK_LEGEND_PT >= 6.5  # 2.3 mm on A3


def test_wrap_never_cuts_a_word():
    from qgis.PyQt.QtGui import QFont

    from veerkracht.veerkracht_plugin.atlas.bind import text_width_mm, wrap_legend_labels

    font = QFont("DejaVu Sans")
    font.setPointSizeF(6.5)
    text = "kwetsbaar hoog, overlast hoog (focus)"
    wrapped = wrap_legend_labels(text, font, 25)
    assert wrapped.replace("\n", " ") == text and "\n" in wrapped
    assert all(text_width_mm(font, line) <= 25 for line in wrapped.split("\n"))
    assert wrap_legend_labels("onvoldoende", font, 1) == "onvoldoende"


# ---- points 11 and 12: no side effects; an overview with data ----


def test_no_unlabelled_layer_and_an_overview_with_data(project_layer, tmp_path):
    from veerkracht.veerkracht_plugin.styling import style_name

    pdf = tmp_path / "a.pdf"
    result = run("wijkatlas", {"INPUT": project_layer.id(), "WIJKEN": str(WIJKEN), "OUTPUT": str(pdf)})
    project = QgsProject.instance()
    for node in project.layerTreeRoot().findLayers():
        layer = node.layer()
        if layer.id() == project_layer.id():
            continue
        assert layer.name() == "Atlas Utrecht: wijken"
        labels = [item.label() for item in layer.renderer().legendSymbolItems()]
        assert labels == ["Wijk van de pagina (omlijnd)", "Andere wijken (vervaagd)", "Wijkgrenzen"]

    # the Utrecht sample has no kerncijfers of a start year: no signalering; the overview shows the focus map
    overview = project.layoutManager().layoutByName(result["LAYOUT_OVERVIEW"])
    assert overview.itemById("overzicht_kaart").followVisibilityPresetName() == style_name("focus")
    coverage = overview.atlas().coverageLayer()
    gemeente = next(coverage.getFeatures(QgsFeatureRequest().setFilterExpression("\"niveau\" = 'gemeente'")))
    assert gemeente["ondertitel"] == f"Overzicht van de gemeente: {style_name('focus')} per buurt, wijken omlijnd"
    sentences = [line for line in gemeente["samenvatting"].split("\n") if "signalering" in line.lower()]
    assert sentences[0] == (
        "Geen veerkracht signalering, want de ontwikkeling van kwetsbare bewoners ontbreekt (kerncijfers van één "
        "jaar: geef bij het maken van de kaarten ook de kerncijfers van een beginjaar); daarom toont deze pagina "
        "9. Focuskaart."
    )
    page = page_png(pdf, 1, tmp_path)
    assert len(colours_in(page, 0.03, 0.1, 0.65, 0.85) & FOCUS) >= 5, "overzicht zonder focuskleuren"


def test_overview_shows_signalering_when_there_is_one(provider, tmp_path):
    from test_styles_and_sharing import baarn_job

    from conftest import SHARED_DATA
    from veerkracht.veerkracht_plugin.styling import style_name

    maps = tmp_path / "baarn.gpkg"
    run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": str(maps)})
    with only_layer_in_project(maps, "Baarn") as layer:
        result = run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": "TEMPORARY_OUTPUT"})
        overview = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT_OVERVIEW"])
        assert overview.itemById("overzicht_kaart").followVisibilityPresetName() == style_name("signalering")
        # point 14: a temporary PDF is named after its gemeente, the wijken file beside it
        pdf = result["OUTPUT"]
        assert pdf.endswith("/Veerkracht atlas Baarn.pdf") and pdf_pages(pdf) == 6
        assert QgsVectorLayer(pdf[: -len(".pdf")] + "-wijken.gpkg", "w", "ogr").featureCount() == 6


# ---- point 13: wijken of another year ----


def renumbered_wijken(tmp_path):
    """The 2024 wijken of Utrecht with codes that match no buurt code (WK034401 -> WK034451, ...)."""
    layer = QgsVectorLayer(str(WIJKEN), "wijken", "ogr")
    copy = layer.materialize(QgsFeatureRequest())
    copy.setName("wijken hernummerd")
    field = next(f for f in ("wijkcode", "statcode", "WK_CODE") if f in copy.fields().names())
    copy.startEditing()
    for feature in copy.getFeatures():
        feature[field] = feature[field][:6] + str(int(feature[field][6:]) + 50)
        copy.updateFeature(feature)
    assert copy.commitChanges()
    QgsProject.instance().addMapLayer(copy)
    return copy, field


def wijk_buurten(layout):
    coverage = layout.atlas().coverageLayer()
    request = QgsFeatureRequest().setFilterExpression("\"niveau\" = 'wijk'")
    return {feature["naam"]: feature["buurten"] for feature in coverage.getFeatures(request)}


def test_wijken_of_another_year_are_matched_by_overlap(project_layer, tmp_path):
    manager = QgsProject.instance().layoutManager()
    feedback = RecordingFeedback()
    by_code = run(
        "wijkatlas", {"INPUT": project_layer.id(), "WIJKEN": str(WIJKEN), "OUTPUT": str(tmp_path / "a.pdf")}, feedback
    )
    assert "111 van de 111 buurten op wijkcode, 0 op ligging" in feedback.log  # 2019 buurten, 2024 wijken
    expected = wijk_buurten(manager.layoutByName(by_code["LAYOUT"]))

    wijken, field = renumbered_wijken(tmp_path)
    feedback = RecordingFeedback()
    result = run(
        "wijkatlas", {"INPUT": project_layer.id(), "WIJKEN": wijken.id(), "OUTPUT": str(tmp_path / "b.pdf")}, feedback
    )
    assert "0 van de 111 buurten op wijkcode, 111 op ligging (de wijk met de grootste overlap" in feedback.log
    assert result["PAGES"] == UTRECHT_PAGES and pdf_pages(tmp_path / "b.pdf") == UTRECHT_PAGES
    layout = manager.layoutByName(result["LAYOUT"])
    assert wijk_buurten(layout) == expected  # every buurt in the same wijk as by code
    coverage = layout.atlas().coverageLayer()
    codes = sorted(f["code"] for f in coverage.getFeatures() if f["niveau"] == "wijk")
    assert codes == [f"WK0344{50 + n}" for n in range(1, 11)]
    table = layout.itemById("tabel").multiFrame()
    atlas = layout.atlas()
    atlas.beginRender()
    atlas.seekTo(0)
    table.refreshAttributes()
    rows = len(table.contents())
    atlas.endRender()
    assert rows == len(expected[layout.atlas().nameForPage(0)].split(","))


def test_assign_by_largest_overlap():
    from qgis.core import QgsGeometry

    from veerkracht.veerkracht_plugin.atlas.wijken import WijkLayer, assign

    def square(x0, x1):
        return QgsGeometry.fromWkt(f"POLYGON(({x0} 0,{x1} 0,{x1} 10,{x0} 10,{x0} 0))")

    wijken = WijkLayer(shapes={"WK999901": square(0, 10), "WK999902": square(10, 20), "WK034400": square(0, 1)})
    buurten = {
        "BU03440001": square(50, 60),  # its own wijk code is in the layer: by code, wherever it lies
        "BU99990501": square(2, 12),  # 8 in wijk 1, 2 in wijk 2
        "BU99990502": square(9, 19),  # 1 and 9
        "BU99990601": square(100, 110),  # in no wijk: keeps its own
    }
    result = assign(buurten, wijken)
    assert result.wijk == {
        "BU03440001": "WK034400",
        "BU99990501": "WK999901",
        "BU99990502": "WK999902",
        "BU99990601": "WK999906",
    }
    assert (result.by_code, result.by_overlap, result.unmatched) == (1, 2, ["BU99990601"])
    assert "1 van de 4 buurten op wijkcode, 2 op ligging" in result.message("w")
    assert "1 buurt ligt in geen wijk van de laag en houdt zijn eigen wijk (BU99990601)" in result.message("w")


def test_the_buurten_table_fits_inside_its_frame_and_the_page(project_layer, tmp_path):
    """Issue 24: the table ran past the right edge of the page; now fixed widths, long labels wrapped."""
    result = run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(tmp_path / "a.pdf")})
    layout = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT"])
    frame = layout.itemById("tabel")
    table = frame.multiFrame()
    page_width = layout.pageCollection().page(0).pageSize().width()
    assert frame.pos().x() + frame.rect().width() <= page_width - 5
    atlas = layout.atlas()
    atlas.beginRender()
    try:
        for page in range(atlas.count()):
            atlas.seekTo(page)
            table.refresh()
            assert table.totalWidth() <= frame.rect().width() + 0.01, atlas.nameForPage(page)
    finally:
        atlas.endRender()


def test_a_new_atlas_layout_opens_unmodified(project_layer, tmp_path):
    """Issue 24: the designer showed the layouts as edited. Loading the template left QGIS' item creations
    ('Create Label', 'Create Map', ...) on each layout's undo stack: Undo took the atlas apart."""
    project = QgsProject.instance()
    result = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [6], "OUTPUT": str(tmp_path / "a.pdf")})
    for name in (result["LAYOUT"], result["LAYOUT_OVERVIEW"]):
        stack = project.layoutManager().layoutByName(name).undoStack().stack()
        assert stack.count() == 0 and stack.isClean(), [stack.command(i).text() for i in range(stack.count())]
    assert project.write(str(tmp_path / "p.qgz")) and not project.isDirty()
    layout = project.layoutManager().layoutByName(result["LAYOUT"])
    layout.refresh()  # as the designer does when it opens the layout, then pages through the atlas
    layout.atlas().beginRender()
    layout.atlas().seekTo(1)
    layout.atlas().endRender()
    assert not project.isDirty() and layout.undoStack().stack().count() == 0


LONG_NAME = "Buurt met een heel lange naam aan de rand van de gemeente"


def test_a_long_buurt_name_shows_whole_in_the_table(maps_gpkg, tmp_path):  # noqa: F811
    """Issue 24: the buurten table cut long names off; wrapped inside the Buurt column, every word on the page as
    text (QGIS drew a table's text as outlines, which no PDF reader can search)."""
    import shutil
    import subprocess

    copy = tmp_path / "lang.gpkg"
    shutil.copy(maps_gpkg, copy)
    layer = QgsVectorLayer(str(copy), "lang", "ogr")
    layer.dataProvider().addAttributes([make_field("buurtnaam", "text")])
    layer.updateFields()
    feature = next(layer.getFeatures())
    index = layer.fields().lookupField("buurtnaam")
    assert layer.dataProvider().changeAttributeValues({feature.id(): {index: LONG_NAME}})
    del layer
    with only_layer_in_project(copy, "Utrecht") as layer:
        pdf = tmp_path / "a.pdf"
        run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": str(pdf)})
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = next(p for p in text.split("<page ")[1:] if ">heel<" in p)
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
    words = [(float(x0), float(x1), word) for x0, x1, word in boxes]
    left = next(x0 for x0, _, word in words if word == "Buurt")  # the column's heading
    right = next(x0 for x0, _, word in words if word == "Signalering")
    start = next(i for i, (_, _, word) in enumerate(words) if word == "met" and words[i - 1][2] == "Buurt")
    shown = words[start - 1 : start - 1 + len(LONG_NAME.split())]
    assert " ".join(word for _, _, word in shown) == LONG_NAME  # every word, none cut off
    assert all(left - 0.5 <= x0 and x1 < right for x0, x1, _ in shown), shown  # inside the Buurt column


def test_the_wijklaag_label_says_what_an_empty_box_does():
    """Issue 24: the label said 'leeg: wijken uit de buurtcodes' while an empty box first takes wijken_<jaar> from
    the buurt layer's GeoPackage (help text and code), and only then the wijkcodes and -namen of the buurt layer."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:wijkatlas")
    label = algorithm.parameterDefinition("WIJKEN").description()
    assert label == "Wijklaag (leeg: uit het GeoPackage of de buurtlaag)"  # short: the dialog is ~688 px wide
    assert "(wijken_<jaar>); anders worden ze gemaakt door de buurten samen te voegen" in shown_help(algorithm)


def shown_help(algorithm):
    """The help as QGIS' dialog shows it: each line a paragraph of HTML (so a bare '<jaar>' would vanish)."""
    from qgis.PyQt.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml("".join(f"<p>{line}</p>" for line in algorithm.shortHelpString().split("\n")))
    return document.toPlainText()


def test_the_help_beside_the_dialog_has_what_the_short_labels_leave_out():
    """QA: labels were shortened to fit the dialog; their details are in the help beside it, label by label."""
    from qgis.core import QgsApplication

    shown = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:makemaps")
    text = shown_help(shown)
    assert "Landelijke kerncijfers eindjaar (referentieset NL): De tabel referentie_<jaar> uit 'Open data" in text
    assert "Leeg: de referentieset is alleen de buurtlaag." in text
    assert "Verdachte nullen als ontbrekend behandelen: Nullen in de tabellen" in text
    atlas = shown_help(QgsApplication.processingRegistry().createAlgorithmById("veerkracht:wijkatlas"))
    assert "Grafiek door de tijd als laatste pagina (PNG; leeg: geen): Een PNG uit 'Veerkracht door de tijd'" in atlas
