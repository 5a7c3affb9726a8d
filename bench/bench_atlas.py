"""Seconds per page: veerkracht:wijkatlas against a plain QGIS atlas doing the same work (QgsLayoutAtlas +
QgsLayoutExporter: an overview layout with one map and legend, a wijk layout with nine maps following the map
themes, nine legends and the buurten table, both on the same layer and coverage, to PDF), for Baarn (21 buurten),
Utrecht (111) and Utrecht on the national layer (13,594), where the atlas must cost what it costs on a layer
holding Utrecht alone. Each run in a fresh process (cold), then warm runs; A and B alternated, medians. Times are
the probe process' CPU seconds (all its threads): on the shared two cores wall time mostly measures the others."""

import json
import statistics
import subprocess
import sys

from common import NL_BUURTEN, REPO, WORK, set_up

ROUNDS = 5  # fresh processes per variant, alternated
WARM = 2  # further runs per process

_PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.core import (QgsLayoutExporter, QgsLayoutFrame, QgsLayoutItemAttributeTable, QgsLayoutItemLabel,
                       QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutItemPage, QgsLayoutItemScaleBar,
                       QgsLayoutPoint, QgsLayoutSize, QgsLayoutTableColumn, QgsPrintLayout, QgsProject, QgsRectangle,
                       QgsUnitTypes, QgsVectorLayer)
mode, source, gemeente, runs, out = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
project = QgsProject.instance()
layer = QgsVectorLayer(source, "buurten", "ogr")
project.addMapLayer(layer)
MM = QgsUnitTypes.LayoutUnit.LayoutMillimeters

def place(item, x, y, w, h):
    item.attemptResize(QgsLayoutSize(w, h, MM))
    item.attemptMove(QgsLayoutPoint(x, y, MM))

def label(layout, text, x, y, w, h):
    item = QgsLayoutItemLabel(layout)
    layout.addLayoutItem(item)
    item.setText(text)
    place(item, x, y, w, h)

def map_cell(layout, theme, x, y, w, h, margin):
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)
    place(item, x, y, w, h)
    item.setCrs(layer.crs())
    item.zoomToExtent(QgsRectangle(155000, 463000, 155000 + w * 100, 463000 + h * 100))
    item.setFollowVisibilityPreset(True)
    item.setFollowVisibilityPresetName(theme)
    item.setAtlasDriven(True)
    item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    item.setAtlasMargin(margin)
    legend = QgsLayoutItemLegend(layout)
    layout.addLayoutItem(legend)
    legend.setLinkedMap(item)
    legend.setAutoUpdateModel(False)
    legend.model().rootGroup().removeAllChildren()
    legend.model().rootGroup().addLayer(layer)
    legend.setResizeToContents(False)
    return item, legend

def atlas_layout(level):
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.pageCollection().page(0).setPageSize("A3", QgsLayoutItemPage.Orientation.Landscape)
    label(layout, '[% "naam" %]', 10, 6, 400, 11)
    label(layout, '[% "ondertitel" %]', 10, 17, 400, 6)
    if level == "gemeente":
        item, legend = map_cell(layout, themes[0], 10, 25, 270, 228, 0.04)
        place(legend, 290, 25, 120, 105)
        label(layout, '[% "samenvatting" %]', 290, 135, 120, 118)
    else:
        for n, theme in enumerate(themes):
            row, col = divmod(n, 3)
            x, y = 10 + col * 90, 25 + row * 76
            label(layout, theme, x, y, 88, 5)
            cell, legend = map_cell(layout, theme, x, y + 5, 47, 68, 0.08)
            place(legend, x + 48, y + 5, 40, 70)
            item = item if n else cell
        table = QgsLayoutItemAttributeTable.create(layout)
        layout.addMultiFrame(table)
        frame = QgsLayoutFrame(layout, table)
        place(frame, 285, 25, 125, 118)
        table.addFrame(frame)
        table.setVectorLayer(layer)
        table.setMap(item)  # QGIS' own spatial filter: buurten in the first map
        table.setDisplayOnlyVisibleFeatures(True)
        table.setFilterFeatures(True)
        table.setFeatureFilter(f"array_contains(string_to_array(attribute(@atlas_feature, 'buurten'), ','), {code})")
        columns = []
        for attribute in (name, "signalering_label", "signalering_relatief_label"):
            column = QgsLayoutTableColumn()
            column.setAttribute(attribute)
            columns.append(column)
        table.setColumns(columns)
        table.setMaximumNumberOfFeatures(60)
        label(layout, '[% "perspectieven" %]', 285, 152, 125, 101)
    bar = QgsLayoutItemScaleBar(layout)
    layout.addLayoutItem(bar)
    bar.setLinkedMap(item)
    bar.setStyle("Single Box")
    bar.applyDefaultSize()
    place(bar, 10, 258, 70, 12)
    label(layout, "Bronnen", 85, 258, 300, 32)
    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(f"\"niveau\" = '{level}'")
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"volgorde"')
    return layout

if mode == "plain":  # set-up, not timed: the project a QGIS user would have (themes, coverage layer)
    from veerkracht.veerkracht_plugin.atlas.coverage import build_coverage
    from veerkracht.veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
    from veerkracht.veerkracht_plugin.styling import apply_styles
    names = layer.fields().names()
    code = find_column(names, LAYER_KEY_CANDIDATES)
    name = find_column(names, ["buurtnaam", "statnaam"]) or code
    coverage = build_coverage(layer, [gemeente])
    project.addMapLayer(coverage)
    themes = apply_styles(layer, project, "signalering")

times, pages = [], 0
for run in range(runs):
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what QGIS' event loop does between runs
    t0 = time.process_time()
    if mode == "ours":
        import processing
        pages = processing.run("veerkracht:wijkatlas", {"INPUT": layer, "GEMEENTE": gemeente,
                                                        "OUTPUT": f"{out}/ours.pdf"})["PAGES"]
    else:
        pages = 0
        for level in ("gemeente", "wijk"):
            layout = atlas_layout(level)
            status, error = QgsLayoutExporter.exportToPdf(layout.atlas(), f"{out}/plain-{level}.pdf",
                                                          QgsLayoutExporter.PdfExportSettings())
            assert status == QgsLayoutExporter.ExportResult.Success, (status, error)
            pages += layout.atlas().count()
    times.append((time.process_time() - t0) / pages)
print("RESULT", json.dumps({"times": times, "pages": pages}))
"""


def _probe(mode, layer, gemeente):
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(REPO / "scripts"), mode, str(layer), gemeente, str(1 + WARM), str(WORK)],
        capture_output=True,
        text=True,
    )
    line = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(line[-1][7:])


def compare(variants):
    """{name: (mode, layer, gemeente)} run alternately, ROUNDS fresh processes each: {name: cold, warm, pages}."""
    runs = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, variant in variants.items():
            runs[name].append(_probe(*variant))
    return {
        name: {
            "cold": statistics.median(r["times"][0] for r in results),
            "warm": statistics.median(t for r in results for t in r["times"][1:]),
            "pages": results[0]["pages"],
        }
        for name, results in runs.items()
    }


def sample_maps(name, job):
    """makemaps on a sample gemeente (set-up, not timed)."""
    target = WORK / f"atlas-{name}.gpkg"
    if target.exists():
        return target
    set_up("veerkracht:makemaps", {**job, "OUTPUT": str(target)})
    return target


def _line(label, ours, plain):
    print(
        f"[atlas] {label}, {ours['pages']} pagina's: veerkracht {ours['warm']:.3f} CPU-s per pagina "
        f"(eerste run {ours['cold']:.3f}) | gelijke kale QGIS-atlas {plain['warm']:.3f} s "
        f"(eerste run {plain['cold']:.3f}) | verhouding {ours['warm'] / plain['warm']:.2f} "
        f"(eerste run {ours['cold'] / plain['cold']:.2f}; doel <= 1.3)"
    )


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    data = REPO / "resources" / "sample_data"
    baarn = sample_maps(
        "baarn",
        {
            "INPUT": str(data / "baarn" / "buurten-2024-GM0308.geojson"),
            "LEEFBAAROMETER": str(data / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"),
            "KERNCIJFERS_END": str(data / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv"),
        },
    )
    utrecht = sample_maps(
        "utrecht",
        {
            "INPUT": str(data / "utrecht" / "buurten-2019-GM0344.geojson"),
            "LEEFBAAROMETER": str(data / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
            "KERNCIJFERS_END": str(data / "utrecht" / "kwb-2023-GM0344.xlsx"),
            "KWB_YEAR_END": 2023,
        },
    )
    per_page = {}
    for name, layer, gemeente in (("Baarn", baarn, "GM0308"), ("Utrecht", utrecht, "GM0344")):
        result = compare({"ours": ("ours", layer, gemeente), "plain": ("plain", layer, gemeente)})
        _line(f"{name} (eigen laag)", result["ours"], result["plain"])
        per_page[name] = result["ours"]["warm"]
    if not NL_BUURTEN.is_file():
        print(f"[atlas] landelijke laag overgeslagen: {NL_BUURTEN} ontbreekt (alleen naast deze checkout).")
    else:
        national, alone = national_layers()
        result = compare(
            {
                "ours": ("ours", national, "GM0344"),
                "plain": ("plain", national, "GM0344"),
                "alone": ("ours", alone, "GM0344"),
            }
        )
        _line("Utrecht op de landelijke laag (13.594 buurten)", result["ours"], result["plain"])
        ratio = result["ours"]["warm"] / result["alone"]["warm"]
        print(
            f"[atlas] Utrecht op de landelijke laag {result['ours']['warm']:.3f} s per pagina, op een laag met "
            f"alleen Utrecht {result['alone']['warm']:.3f} s (eerste run {result['ours']['cold']:.3f} tegen "
            f"{result['alone']['cold']:.3f}) | verhouding {ratio:.2f} (doel: gelijk, de buren op de landelijke "
            "laag worden wel getekend)"
        )
        per_page["NL"] = result["ours"]["warm"]
    print("[atlas] kosten per pagina: " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in per_page.items()))
    return per_page


def national_layers():
    """The national veerkracht layer of bench_dock and a copy holding Utrecht (GM0344) alone (set-up)."""
    from bench_dock import veerkracht_layer

    national = veerkracht_layer()
    alone = WORK / "veerkracht-utrecht-uit-nl.gpkg"
    if not alone.exists():
        expression = "statcode LIKE 'BU0344%'"
        set_up("native:extractbyexpression", {"INPUT": str(national), "EXPRESSION": expression, "OUTPUT": str(alone)})
    return national, alone
