"""Run by test_worker_threads in a fresh process (a retired worker leaves PROJ state behind for the whole
process): the desktop sequence of issue 24 with pool workers that retire after 50 ms instead of QGIS' 30 s.

Usage: python worker_threads_probe.py plain|kept BUURTEN.geojson FOLDER

A run in a pool thread writes a GeoPackage in RD New; the main thread reads it, as the canvas does; the worker
retires; a second run in a pool thread writes again. Prints RESULT {"srs_id": ..., "x": ...}: the second
GeoPackage's srs_id and Baarn's x in RD New as a pool thread computes it.
"""

import json
import sqlite3
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from headless import plugin_import_path, start_qgis  # noqa: E402

RETIRE_MS = 50


def main(mode, buurten, folder):
    app = start_qgis(with_plugin=False)  # noqa: F841 (kept alive)
    plugin_import_path()
    import processing
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsCoordinateTransformContext,
        QgsPointXY,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QRunnable, QThreadPool

    from veerkracht.veerkracht_plugin.worker_threads import WorkerThreads

    class Job(QRunnable):
        def __init__(self, work):
            super().__init__()
            self.setAutoDelete(False)
            self.work, self.done, self.result = work, threading.Event(), None

        def run(self):
            self.result = self.work()
            self.done.set()

    pool = QThreadPool.globalInstance()
    pool.setExpiryTimeout(RETIRE_MS)
    if mode == "kept":
        WorkerThreads().keep()

    def in_pool(work):
        job = Job(work)
        pool.start(job)
        job.done.wait(60)
        return job.result

    def reproject(name):
        target = Path(folder) / name
        processing.run("native:reprojectlayer", {"INPUT": buurten, "TARGET_CRS": "EPSG:28992", "OUTPUT": str(target)})
        return str(target)

    def x_in_rd():
        transform = QgsCoordinateTransform(
            QgsCoordinateReferenceSystem("EPSG:4326"),
            QgsVectorLayer(first, "", "ogr").crs(),
            QgsCoordinateTransformContext(),
        )
        return transform.transform(QgsPointXY(5.27, 52.2)).x()

    first = in_pool(lambda: reproject("eerste.gpkg"))
    shown = QgsVectorLayer(first, "eerste", "ogr")
    assert shown.crs().authid() == "EPSG:28992" and x_in_rd() > 100000  # the main thread, as the canvas
    time.sleep(RETIRE_MS * 6 / 1000)
    second = in_pool(lambda: reproject("tweede.gpkg"))
    with sqlite3.connect(second) as db:
        srs_id = db.execute("select srs_id from gpkg_geometry_columns").fetchone()[0]
    print("RESULT " + json.dumps({"srs_id": srs_id, "x": in_pool(x_in_rd)}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
