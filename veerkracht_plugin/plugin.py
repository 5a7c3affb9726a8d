"""The plugin object QGIS keeps while the plugin is loaded.

Processing is registered in ``initProcessing`` (also called by qgis_process, which has no GUI);
menu and toolbar entries only in ``initGui``. Nothing here touches ``iface`` before QGIS asks.
"""

from functools import partial

from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QAction

from ..processing_algorithms.provider import VeerkrachtProvider

MENU = "&Veerkracht"


class VeerkrachtPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []
        self.toolbar = None

    def initProcessing(self):  # noqa: N802 (QGIS API)
        if self.provider is None:
            self.provider = VeerkrachtProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API)
        self.initProcessing()
        self.toolbar = self.iface.addToolBar("Veerkracht")
        self.toolbar.setObjectName("VeerkrachtToolbar")
        for algorithm in self.provider.algorithms():
            action = QAction(algorithm.icon(), algorithm.displayName(), self.iface.mainWindow())
            action.setObjectName(f"veerkracht_{algorithm.name()}")
            action.setToolTip(algorithm.shortDescription() or algorithm.displayName())
            action.triggered.connect(partial(self.open_dialog, algorithm.id()))
            self.iface.addPluginToMenu(MENU, action)
            self.actions.append(action)
        if self.actions:
            self.toolbar.addAction(self.actions[0])

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.deleteLater()
        self.actions = []
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None

    @staticmethod
    def open_dialog(algorithm_id, _checked=False):
        import processing

        processing.execAlgorithmDialog(algorithm_id)
