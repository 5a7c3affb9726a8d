"""Seconds per page: the Utrecht wijkatlas against a bare QGIS atlas (one map) of the same layer and coverage."""

import json
import subprocess
import sys

from common import REPO, WORK

_PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
import processing
from qgis.core import (QgsLayoutExporter, QgsLayoutItemMap, QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout,
                       QgsProject, QgsUnitTypes, QgsVectorLayer)
sample, work = sys.argv[2], sys.argv[3]
maps = work + "/utrecht-bench.gpkg"
processing.run("veerkracht:makemaps", {
    "INPUT": sample + "/buurten-2019-GM0344.geojson",
    "LEEFBAAROMETER": sample + "/leefbaarometer-scores-buurten-GM0344-2018-2024.csv",
    "KERNCIJFERS_END": sample + "/kwb-2023-GM0344.xlsx", "KWB_YEAR_END": 2023, "OUTPUT": maps})
project = QgsProject.instance()
layer = QgsVectorLayer(maps, "Utrecht", "ogr")
project.addMapLayer(layer)
t0 = time.perf_counter()
result = processing.run("veerkracht:wijkatlas", {"INPUT": layer, "WIJKEN": sample + "/wijken-2024-GM0344.geojson",
                                                  "OUTPUT": work + "/atlas-bench.pdf"})
ours = (time.perf_counter() - t0) / result["PAGES"]

coverage = QgsVectorLayer(work + "/atlas-bench-wijken.gpkg|layername=atlas_dekking", "dekking", "ogr")
layout = QgsPrintLayout(project)
layout.initializeDefaults()
item = QgsLayoutItemMap(layout)
layout.addLayoutItem(item)
item.attemptResize(QgsLayoutSize(270, 190, QgsUnitTypes.LayoutMillimeters))
item.attemptMove(QgsLayoutPoint(10, 10, QgsUnitTypes.LayoutMillimeters))
item.setLayers([layer])
item.setCrs(coverage.crs())
item.setAtlasDriven(True)
layout.atlas().setCoverageLayer(coverage)
layout.atlas().setEnabled(True)
t0 = time.perf_counter()
status, error = QgsLayoutExporter.exportToPdf(layout.atlas(), work + "/bare-bench.pdf", QgsLayoutExporter.PdfExportSettings())
assert status == QgsLayoutExporter.ExportResult.Success, (status, error)
bare = (time.perf_counter() - t0) / coverage.featureCount()
import subprocess
pages = int([l for l in subprocess.run(["pdfinfo", work + "/bare-bench.pdf"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Pages")][0].split()[-1])
assert pages == coverage.featureCount(), (pages, coverage.featureCount(), coverage.isValid())
print("RESULT", json.dumps({"ours": ours, "bare": bare, "pages": result["PAGES"]}))
"""


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    sample = REPO / "resources" / "sample_data" / "utrecht"
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(REPO / "scripts"), str(sample), str(WORK)], capture_output=True, text=True
    )
    line = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(proc.stderr[-3000:])
    result = json.loads(line[-1][7:])
    print(
        f"[atlas] Utrecht, {result['pages']} pagina's: veerkracht {result['ours']:.2f} s per pagina (negen kaarten, "
        f"legenda's, tabel, teksten) | kale QGIS-atlas met één kaart {result['bare']:.2f} s per pagina | "
        f"verhouding {result['ours'] / result['bare']:.1f}"
    )
