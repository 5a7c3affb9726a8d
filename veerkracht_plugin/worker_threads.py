"""Keep QGIS' worker threads while the plugin is loaded.

A QGIS CRS (3.22 to 3.44 at least) holds the PROJ object of the thread that first made it. When a thread pool
retires that worker (idle for 30 s), the CRS loses it: every thread that had not used the CRS yet then gets no
transform (points come back unchanged) and no WKT (GeoPackages with srs_id 0, maps drawn nowhere). Processing
runs from the dock and the toolbox read their layers in pool threads, so a fresh session meets exactly this.
Workers that never retire keep every CRS usable; unloading gives the pools their own timeouts back.
"""

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QThreadPool

from .compat import task_manager_pool

NEVER = -1


def task_pools():
    """The pools Processing tasks and map rendering run in: Qt's global pool, and the task manager's own."""
    pools = [QThreadPool.globalInstance()]
    own = task_manager_pool(QgsApplication.taskManager())
    if own is not None and own not in pools:
        pools.append(own)
    return pools


class WorkerThreads:
    def __init__(self, pools=None):
        self.pools = pools
        self._before = []  # (pool, its expiry timeout)

    def keep(self):
        if self._before:
            return
        for pool in self.pools if self.pools is not None else task_pools():
            self._before.append((pool, pool.expiryTimeout()))
            pool.setExpiryTimeout(NEVER)

    def release(self):
        for pool, timeout in self._before:
            pool.setExpiryTimeout(timeout)
        self._before = []
