"""The plugin object QGIS keeps while the plugin is loaded.

Processing is registered in ``initProcessing`` (also called by qgis_process, which has no GUI);
menu and toolbar entries only in ``initGui``. Nothing here touches ``iface`` before QGIS asks.
"""

from functools import partial

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtWidgets import QAction

from ..processing_algorithms.provider import VeerkrachtProvider
from .worker_threads import WorkerThreads

MENU = "&Veerkracht"
DOCK_INTRODUCED = "veerkracht/dock_introduced"  # set once the dock opened by itself after installing


class VeerkrachtPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []
        self.toolbar = None
        self.dock = None
        self.worker_threads = WorkerThreads()

    def initProcessing(self):  # noqa: N802 (QGIS API)
        self.worker_threads.keep()  # before any run: a CRS made in a retired worker is lost to other threads
        if self.provider is None:
            self.provider = VeerkrachtProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API)
        """Menu: every algorithm, the one-step one first; toolbar: make maps, the dock, the atlas."""
        from qgis.PyQt.QtGui import QIcon

        from ..processing_algorithms.provider import algorithm_classes
        from .paths import ATLAS_ICON_PATH

        self.initProcessing()
        self.toolbar = self.iface.addToolBar("Veerkracht")
        self.toolbar.setObjectName("VeerkrachtToolbar")
        by_name = {}
        for algorithm_class in algorithm_classes():
            algorithm = self.provider.algorithm(algorithm_class.NAME)
            icon = QIcon(str(ATLAS_ICON_PATH)) if algorithm.name() == "wijkatlas" else algorithm.icon()
            action = QAction(icon, algorithm.displayName(), self.toolbar)  # deleted with the toolbar
            action.setObjectName(f"veerkracht_{algorithm.name()}")
            action.setToolTip(algorithm.displayName() + ": " + (algorithm.shortDescription() or ""))
            action.triggered.connect(partial(self.open_dialog, algorithm.id()))
            self.iface.addPluginToMenu(MENU, action)
            self.actions.append(action)
            by_name[algorithm.name()] = action
        self._add_dock()  # first and with its name: the one-click way in for a new user
        self.toolbar.addAction(by_name["makemaps"])
        self.toolbar.addAction(by_name["wijkatlas"])

    def _add_dock(self):
        from qgis.PyQt.QtCore import Qt
        from qgis.PyQt.QtGui import QIcon

        from .dock import VeerkrachtDock
        from .paths import DOCK_ICON_PATH

        self.dock = VeerkrachtDock(self.iface, self.iface.mainWindow())
        area = Qt.DockWidgetArea.RightDockWidgetArea
        if hasattr(self.iface, "addTabifiedDockWidget"):  # full height on the right, as a tab beside what is there
            self.iface.addTabifiedDockWidget(area, self.dock, [], True)
        else:  # test stand-ins of iface
            self.iface.addDockWidget(area, self.dock)
        self.dock.hide()
        action = self.dock.toggleViewAction()
        action.setText("Veerkracht-dock: gemeente en kaarten")
        action.setIconText("Veerkracht")
        action.setToolTip("Veerkracht-dock: kies gemeente(n), blader door de negen kaarten, maak de atlas")
        action.setIcon(QIcon(str(DOCK_ICON_PATH)))
        action.setObjectName("veerkracht_dock")
        self.iface.addPluginToMenu(MENU, action)
        self.toolbar.addAction(action)
        self.toolbar.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.actions.append(action)
        settings = QgsSettings()
        if not settings.value(DOCK_INTRODUCED, False, type=bool):  # a fresh install opens where the work starts
            settings.setValue(DOCK_INTRODUCED, True)
            self.dock.show()

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
        self.actions = []
        if self.dock is not None:
            self.dock.disconnect_project()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()  # also deletes its toggle action
            self.dock = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        self.worker_threads.release()

    @staticmethod
    def open_dialog(algorithm_id, _checked=False):
        import processing

        processing.execAlgorithmDialog(algorithm_id)
