"""Issue 24, 'unexplained once', found: a QGIS CRS keeps the PROJ object of the thread that first made it. When a
thread pool retires that idle worker (after 30 s), threads that had not used the CRS yet get no transform (points
come back unchanged) and no WKT (GeoPackages with srs_id 0). In the desktop: a dock run reads and writes in a pool
thread, the main thread shows the result, the worker retires, and every later run writes GeoPackages without CRS.
The plugin keeps the pool workers while it is loaded. The sequence runs in a fresh process
(worker_threads_probe.py): a retired worker spoils PROJ state for the whole process."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QThreadPool

from veerkracht.veerkracht_plugin.worker_threads import task_pools

PROBE = Path(__file__).resolve().parent / "worker_threads_probe.py"
BAARN_X = 146987  # lon 5.27, lat 52.2 in RD New


def desktop_sequence(mode, shared_data, tmp_path):
    buurten = shared_data / "baarn" / "buurten-2024-GM0308.geojson"
    done = subprocess.run(
        [sys.executable, str(PROBE), mode, str(buurten), str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout + done.stderr
    return json.loads(lines[-1].split(" ", 1)[1])


def test_qgis_loses_the_crs_when_a_worker_retires(shared_data, tmp_path):
    """The QGIS behaviour the plugin guards against (3.22 and 3.40; on 3.40 not in every run)."""
    result = desktop_sequence("plain", shared_data, tmp_path)
    if result == {"srs_id": 28992, "x": pytest.approx(BAARN_X, abs=1)}:
        pytest.skip("Deze QGIS verloor in deze run geen CRS (3.40: niet in elke run).")
    assert result["srs_id"] in (0, 99999)  # no CRS: GDAL 3.9+ writes 'undefined' as 99999
    assert result["x"] == pytest.approx(5.27)


def test_with_the_workers_kept_the_second_run_writes_rd_new(shared_data, tmp_path):
    result = desktop_sequence("kept", shared_data, tmp_path)
    assert result == {"srs_id": 28992, "x": pytest.approx(BAARN_X, abs=1)}


def test_the_loaded_plugin_keeps_the_workers_of_processing_and_tasks(veerkracht_plugin):
    pools = task_pools()
    assert QThreadPool.globalInstance() in pools  # tasks up to QGIS 3.2x, map rendering always
    manager = QgsApplication.taskManager()
    if hasattr(manager, "threadPool"):
        assert manager.threadPool() in pools
    assert all(pool.expiryTimeout() == -1 for pool in pools)


def test_unload_gives_the_pools_their_timeout_back(qgis_iface, qgis_processing):
    import veerkracht

    pool = QThreadPool()
    pool.setExpiryTimeout(30000)
    plugin = veerkracht.classFactory(qgis_iface)
    plugin.worker_threads.pools = [pool]
    plugin.worker_threads.keep()  # as initProcessing does (a second provider would be refused here)
    assert pool.expiryTimeout() == -1
    plugin.unload()
    assert pool.expiryTimeout() == 30000
