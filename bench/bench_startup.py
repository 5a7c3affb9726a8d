"""What loading the plugin adds to QGIS start-up, against QGIS' own Processing start, in fresh processes."""

import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 7

_PROBE = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis, plugin_import_path
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
sys.path.append(QgsApplication.pkgDataPath() + '/python/plugins')
t0 = time.perf_counter()
from processing.core.Processing import Processing
Processing.initialize()
t1 = time.perf_counter()
plugin_import_path()
import veerkracht
plugin = veerkracht.classFactory(None)
plugin.initProcessing()
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def run():
    qgis_ms, plugin_ms = [], []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE, str(REPO / "scripts")], capture_output=True, text=True, check=True
        ).stdout.split()
        qgis_ms.append(float(out[-2]))
        plugin_ms.append(float(out[-1]))
    ours, theirs = statistics.median(plugin_ms), statistics.median(qgis_ms)
    print(f"[start-up] plugin laden (import + initProcessing), mediaan van {RUNS}: {ours:.1f} ms (doel < 50 ms)")
    print(f"[start-up] QGIS Processing.initialize() ter vergelijking: {theirs:.1f} ms; verhouding {ours / theirs:.3f}")
