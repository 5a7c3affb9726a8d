"""The dock's gemeente switch, drawn once on a map canvas, against QGIS doing the same filter, zoom and drawing.

On three layers of the same national veerkracht layer: Baarn (21 buurten), Utrecht (111) and all NL (13,594).
A switch is timed from the click (select_gemeenten) until the canvas has drawn the new view; QGIS' own work is
setting the same subset string, zooming to the layer's extent and drawing once on the same canvas. Both are
measured in one fresh process per layer, alternated (A B, B A, ...), each after the same untimed switch to
another view (another gemeente on NL, all buurten on a one-gemeente layer). Medians.
"""

import json
import subprocess
import sys

from bench_maps import indicator_layer, indicator_table

from common import REPO, WORK, set_up

GEMEENTEN = {"Baarn": "GM0308", "Utrecht": "GM0344"}  # extracted from the NL layer: same fields, same figures
NL_SWITCHES, GEMEENTE_SWITCHES = 30, 20

_PROBE = r"""
import json, random, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsVectorLayer
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import QEventLoop, QTimer
from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

class Iface:  # the two things the dock asks of QGIS' interface
    def __init__(self):
        self.canvas = QgsMapCanvas()
        self.canvas.resize(800, 800)
        self.canvas.show()
    def mapCanvas(self):
        return self.canvas
    def messageBar(self):
        raise RuntimeError("unexpected warning")

project = QgsProject.instance()
wanted, switches = sys.argv[3], int(sys.argv[4])
project.setCrs(QgsCoordinateReferenceSystem("EPSG:28992"))  # as makemaps sets an empty project
layer = QgsVectorLayer(sys.argv[2], "veerkracht", "ogr")
assert layer.isValid(), sys.argv[2]
buurten = layer.featureCount()
project.addMapLayer(layer)
iface = Iface()
canvas = iface.canvas
canvas.setDestinationCrs(project.crs())
canvas.setLayers([layer])
t0 = time.perf_counter()
dock = VeerkrachtDock(iface)
opening = time.perf_counter() - t0
app.processEvents()

def drawn():
    # until the canvas has drawn what was asked of it (its refresh runs from Qt's event loop)
    loop, timeout = QEventLoop(), QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    canvas.mapCanvasRefreshed.connect(loop.quit)
    timeout.start(20000)
    loop.exec()
    canvas.mapCanvasRefreshed.disconnect(loop.quit)
    assert timeout.isActive(), "the canvas did not draw"

gemeenten = [dock.gemeente_list.item(i).data(0x0100) for i in range(dock.gemeente_list.count())]
rng = random.Random(3)
if wanted == "*":
    picks = [rng.choice(gemeenten) for _ in range(switches)]
else:
    picks = [g for g in gemeenten if g.code == wanted] * switches
    assert picks, wanted

def elsewhere(gemeente):  # the untimed view before each timed switch
    others = [g for g in gemeenten if g != gemeente]
    dock.select_gemeenten({rng.choice(others).code} if others else set())
    drawn()

def by_dock(gemeente):
    t0 = time.perf_counter()
    dock.select_gemeenten({gemeente.code})
    times["dock itself"].append(time.perf_counter() - t0)  # the dock's own part: filter, figures, zoom
    drawn()
    return time.perf_counter() - t0

def by_qgis(gemeente):
    # QGIS' own: the same subset string, zoom to the layer as filtered, draw
    expression = dock.index.filter_expression([gemeente])
    t0 = time.perf_counter()
    layer.setSubsetString(expression)
    layer.updateExtents()
    extent = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), project).transformBoundingBox(
        layer.extent())
    extent.scale(1.05)
    canvas.setExtent(extent)
    canvas.refresh()
    drawn()
    return time.perf_counter() - t0

times = {"dock": [], "qgis": [], "dock itself": []}
for switch in (by_dock, by_qgis):  # untimed: the first drawing in a process sets up symbols and caches
    elsewhere(picks[0])
    switch(picks[0])
for values in times.values():
    values.clear()
for number, gemeente in enumerate(picks):
    for name, switch in (("dock", by_dock), ("qgis", by_qgis))[:: 1 if number % 2 == 0 else -1]:
        elsewhere(gemeente)
        times[name].append(switch(gemeente))
print("RESULT", json.dumps({"buurten": buurten, "gemeenten": len(gemeenten),
                            "opening": opening, "switches": len(picks),
                            **{name: statistics.median(values) for name, values in times.items()}}))
"""


def veerkracht_layer():
    target = WORK / "veerkracht-nl.gpkg"
    if target.exists():
        return target
    table = indicator_table(WORK / "indicatoren-nl.csv")
    source = WORK / "indicatoren-nl.gpkg"
    if source.exists():
        source.unlink()
    indicator_layer(table, source)
    set_up(
        "veerkracht:computemaps",
        {
            "INPUT": str(source),
            "AFW": "afw",
            "ONV_START": "onv_t0",
            "ONV_END": "onv_t1",
            "KWETSBAAR_START": "kwetsbaar_t0",
            "KWETSBAAR_END": "kwetsbaar_t1",
            "CORPORATIE": "corporatie",
            "INWONERS": "inwoners",
            "OUTPUT": str(target),
        },
    )
    return target


def gemeente_layer(national, name):
    """One gemeente's buurten of the national veerkracht layer, as its own GeoPackage (set-up, not timed)."""
    target = WORK / f"veerkracht-{name.lower()}.gpkg"
    if target.exists():
        return target
    expression = f"\"statcode\" LIKE 'BU{GEMEENTEN[name][2:]}%'"
    set_up("native:extractbyexpression", {"INPUT": str(national), "EXPRESSION": expression, "OUTPUT": str(target)})
    return target


def switch_times(layer, gemeente, switches, scripts=REPO / "scripts"):
    """The probe in a fresh process: medians in seconds of the dock's switch to ``gemeente`` ('*': a random one
    each time) and of QGIS' own. ``scripts``: another checkout's, to measure its dock the same way."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(scripts), str(layer), gemeente, str(switches)],
        capture_output=True,
        text=True,
    )
    line = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(line[-1][7:])


def report(layer_name, target, result):
    dock, qgis, itself = (result[key] * 1000 for key in ("dock", "qgis", "dock itself"))
    goal = (
        f" (doel < 100 ms: {'gehaald' if dock < 100 else 'NIET gehaald'})" if target == "willekeurige gemeente" else ""
    )
    print(
        f"[dock] {layer_name} ({result['buurten']} buurten) -> {target}: wisselen tot de kaart getekend is "
        f"{dock:.1f} ms{goal}, waarvan de dock zelf {itself:.1f} ms | QGIS zelf (zelfde filter, zoom naar laag, "
        f"tekenen) {qgis:.1f} ms | verhouding {dock / qgis:.2f} | mediaan van {result['switches']}, afgewisseld"
    )


def run():
    """Print the switch on a Baarn, a Utrecht and the NL layer; return the dock's median switch in seconds on each
    (on NL to a random gemeente each time)."""
    WORK.mkdir(parents=True, exist_ok=True)
    national = veerkracht_layer()
    seconds, openings = {}, {}
    for name, code in GEMEENTEN.items():
        result = switch_times(gemeente_layer(national, name), code, GEMEENTE_SWITCHES)
        report(f"{name}-laag", name, result)
        seconds[name], openings[name] = result["dock"], result["opening"]
    for name, code in GEMEENTEN.items():
        report("NL-laag", name, switch_times(national, code, GEMEENTE_SWITCHES))
    result = switch_times(national, "*", NL_SWITCHES)
    report("NL-laag", "willekeurige gemeente", result)
    seconds["NL"], openings["NL"] = result["dock"], result["opening"]
    print(
        "[dock] dock openen (leest elke buurt één keer): "
        + ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in openings.items())
    )
    return seconds
