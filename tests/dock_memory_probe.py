"""Run by test_dock_memory in a fresh process: switch gemeente in the dock many times, print memory as JSON.

Usage: python dock_memory_probe.py LAYER WARM MORE

The switches run one after another without returning to Qt's event loop, as a script, the Python console or
a benchmark drives the dock. Prints RESULT {"rss_warm": MB, "rss_after": MB, "handles_warm": n, ...}.
"""

import gc
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from headless import plugin_import_path, start_qgis  # noqa: E402


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def open_handles(path):
    """File descriptors open on the layer's file or its -wal/-shm companions."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(path))
    return count


class Iface:
    """The two things the dock asks of QGIS' interface."""

    def __init__(self):
        from qgis.gui import QgsMapCanvas

        self.canvas = QgsMapCanvas()
        self.canvas.resize(800, 800)

    def mapCanvas(self):  # noqa: N802 (QGIS API)
        return self.canvas

    def messageBar(self):  # noqa: N802 (QGIS API)
        raise RuntimeError("the dock warned: a filter failed")


def main(path, warm, more):
    app = start_qgis(with_plugin=False)
    plugin_import_path()
    from qgis.core import QgsProject, QgsVectorLayer

    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    layer = QgsVectorLayer(str(path), "Utrecht en Baarn", "ogr")
    assert layer.isValid(), path
    QgsProject.instance().addMapLayer(layer)
    dock = VeerkrachtDock(Iface())
    codes = [dock.gemeente_list.item(i).data(0x0100).code for i in range(dock.gemeente_list.count())]
    assert len(codes) >= 2, codes

    def switch(number):
        dock.select_gemeenten({codes[number % len(codes)]})
        assert dock.summary.rowCount() > 0

    for number in range(warm):
        switch(number)
    gc.collect()
    rss_warm, handles_warm = rss_mb(), open_handles(path)
    for number in range(warm, warm + more):
        switch(number)
    gc.collect()
    result = {
        "gemeenten": codes,
        "switches": warm + more,
        "rss_warm": rss_warm,
        "rss_after": rss_mb(),
        "handles_warm": handles_warm,
        "handles_after": open_handles(path),
    }
    print("RESULT " + json.dumps(result), flush=True)
    dock.disconnect_project()
    QgsProject.instance().clear()
    del app


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), int(sys.argv[2]), int(sys.argv[3]))
