"""The gemeente dock: pick a layer and gemeente(n), flip through the nine maps, read the class counts."""

from qgis.core import QgsApplication, QgsCoordinateTransform, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .core.catalogue import MAP_IDS, map_entry
from .dock_periods import PeriodPanel
from .dock_state import DockMemory, keeping_clean
from .layer_queries import (
    GemeenteIndex,
    class_expression,
    class_summary,
    combine,
    has_own_stock,
    hold_connection_pool,
    is_veerkracht_layer,
    own_stock_expression,
)
from .styling import apply_styles, style_name

ATLAS_ALGORITHM = "veerkracht:wijkatlas"
USER_ROLE = Qt.ItemDataRole.UserRole


class VeerkrachtDock(DockMemory, QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__("Veerkracht", parent)
        self.setObjectName("VeerkrachtDock")  # QGIS restores the dock's place by this name
        self.iface = iface
        self.project = QgsProject.instance()
        self.layer = None
        self.index = None
        self._pool = None  # keeps the OGR connection pool of the chosen layer's file (see hold_connection_pool)
        self._styles = None  # the chosen layer's style manager, followed when something else changes its style
        self._styling = False  # the dock itself is changing the layer's style
        self._build()
        self.project.layersAdded.connect(self.refresh_layers)
        self.project.layersRemoved.connect(self.refresh_layers)
        self.project.readProject.connect(self.restore)
        self.project.writeProject.connect(self._write)
        self.restore()  # a project read before the dock was made (QGIS started with a project) shows its choice

    # ---- widgets ----

    def _build(self):
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.layer_combo = QComboBox(body)
        self.layer_combo.setToolTip("Lagen met de velden van de negen veerkrachtkaarten")
        layout.addWidget(QLabel("Laag met veerkrachtkaarten"))
        layout.addWidget(self.layer_combo)

        layout.addWidget(QLabel("Gemeente(n)"))
        self.search = QLineEdit(body)
        self.search.setPlaceholderText("Typ om te zoeken, bijvoorbeeld Utrecht of GM0344")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.gemeente_list = QListWidget(body)
        self.gemeente_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.gemeente_list.setToolTip("Kies één of meer gemeenten (Ctrl of Shift voor meer)")
        self.gemeente_list.setMaximumHeight(110)
        layout.addWidget(self.gemeente_list)
        self.all_button = QPushButton("Alle gemeenten", body)
        layout.addWidget(self.all_button)
        self.own_only = QCheckBox("Alleen buurten met eigen bezit", body)
        self.own_only.setToolTip("Beschikbaar voor een laag uit 'Eigen bezit per buurt'")
        layout.addWidget(self.own_only)

        layout.addWidget(QLabel("Kaart"))
        self.map_combo = QComboBox(body)
        for map_id in MAP_IDS:
            self.map_combo.addItem(style_name(map_id), map_id)
        self.map_combo.setCurrentIndex(MAP_IDS.index("signalering"))
        for combo in (self.layer_combo, self.map_combo):  # long titles must not widen the dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        layout.addWidget(self.map_combo)
        self.periods = PeriodPanel(body)  # only for a 'Veerkracht door de tijd' layer
        self.periods.setVisible(False)
        layout.addWidget(self.periods)
        self.explanation = QLabel(body)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)

        self.summary = QTableWidget(0, 4, body)
        self.summary.setHorizontalHeaderLabels(["Klasse", "Buurten", "Inwoners", "Eigen vhe"])
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary.setToolTip("Klik op een klasse om die buurten te selecteren")
        self.summary.verticalHeader().setVisible(False)
        self.summary.setWordWrap(True)  # long labels ("... (voorlopige grenzen)") wrap instead of "zeer ..."
        self.summary.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.summary.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.setMinimumHeight(210)  # all classes of a five-class map without scrolling
        layout.addWidget(self.summary, 2)

        pressure_label = QLabel("Buurten met veerkracht onder druk (dubbelklik om te zoomen)")
        pressure_label.setWordWrap(True)
        layout.addWidget(pressure_label)
        self.pressure_list = QListWidget(body)
        self.pressure_list.setMaximumHeight(110)
        layout.addWidget(self.pressure_list, 1)

        buttons = QHBoxLayout()
        self.atlas_button = QPushButton("Atlas maken", body)
        buttons.addWidget(self.atlas_button)
        layout.addLayout(buttons)
        scroll = QScrollArea(self)  # small screens scroll instead of squeezing the class table
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(400)  # wide enough for the class table's four columns
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)

        self.layer_combo.currentIndexChanged.connect(self._layer_chosen)
        self.search.textChanged.connect(self._filter_list)
        self.gemeente_list.itemSelectionChanged.connect(self._gemeenten_chosen)
        self.all_button.clicked.connect(self.gemeente_list.clearSelection)
        self.own_only.toggled.connect(self._gemeenten_chosen)
        self.map_combo.currentIndexChanged.connect(self._map_chosen)
        self.periods.combo.currentIndexChanged.connect(self._gemeenten_chosen)
        self.summary.cellClicked.connect(self._class_clicked)
        self.pressure_list.itemDoubleClicked.connect(self._zoom_to_buurt)
        self.atlas_button.clicked.connect(self.make_atlas)
        self._update_atlas_button()

    # ---- choices ----

    def refresh_layers(self, *_args):
        current = self.layer.id() if self.layer is not None and not _is_deleted(self.layer) else None
        layers = [layer for layer in self.project.mapLayers().values() if is_veerkracht_layer(layer)]
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for layer in layers:
            self.layer_combo.addItem(layer.name(), layer.id())
        self.layer_combo.blockSignals(False)
        ids = [layer.id() for layer in layers]
        if current in ids:
            self.layer_combo.setCurrentIndex(ids.index(current))
        elif layers:
            self.layer_combo.setCurrentIndex(len(layers) - 1)  # the latest layer
            self._layer_chosen()
        else:
            self._follow_styles(None)
            self.layer, self.index, self._pool = None, None, None
            self.gemeente_list.clear()
            self.summary.setRowCount(0)
            self.pressure_list.clear()

    def _layer_chosen(self, *_args):
        layer_id = self.layer_combo.currentData()
        self.layer = self.project.mapLayer(layer_id) if layer_id else None
        self._follow_styles(self.layer)
        self._pool = hold_connection_pool(self.layer)  # before the first filter change on this layer
        self.gemeente_list.blockSignals(True)
        self.gemeente_list.clear()
        if self.layer is None:
            self.gemeente_list.blockSignals(False)
            return
        if style_name(MAP_IDS[0]) not in self.layer.styleManager().styles():
            self._styling = True
            try:
                apply_styles(self.layer, self.project, self.current_map())
            finally:
                self._styling = False
        self._show_map_of_style(self.layer.styleManager().currentStyle())  # the layer's map, as its legend shows
        self.index = GemeenteIndex(self.layer)
        self.periods.set_layer(self.layer)
        self._follow_selection(self.layer)
        own = has_own_stock(self.layer)
        self.own_only.setEnabled(own)
        if not own:
            self.own_only.setChecked(False)
        self.summary.setColumnHidden(3, not own)
        for gemeente in self.index.gemeenten():
            item = QListWidgetItem(gemeente.display)
            item.setData(USER_ROLE, gemeente)
            self.gemeente_list.addItem(item)
        self.gemeente_list.blockSignals(False)
        self._map_chosen()

    def _filter_list(self, text):
        text = text.strip().lower()
        for row in range(self.gemeente_list.count()):
            item = self.gemeente_list.item(row)
            item.setHidden(bool(text) and text not in item.text().lower())

    def chosen_gemeenten(self):
        return [item.data(USER_ROLE) for item in self.gemeente_list.selectedItems()]

    def select_gemeenten(self, codes):
        """Select gemeenten by code (as a user would click them) and apply the filter."""
        self.gemeente_list.blockSignals(True)
        self.gemeente_list.clearSelection()
        for row in range(self.gemeente_list.count()):
            item = self.gemeente_list.item(row)
            if item.data(USER_ROLE).code in codes:
                item.setSelected(True)
        self.gemeente_list.blockSignals(False)
        selected = self.gemeente_list.selectedItems()
        if selected:
            self.gemeente_list.scrollToItem(selected[0])
        self._gemeenten_chosen()

    def _gemeenten_chosen(self):
        if self.layer is None:
            return
        expression = combine(
            self.index.filter_expression(self.chosen_gemeenten()),
            own_stock_expression() if self.own_only.isChecked() else "",
            self.periods.filter_expression(),
        )
        with keeping_clean(self.project):  # browsing, not editing: the filter is the dock's view
            applied = self.layer.setSubsetString(expression)
        if not applied:
            self.iface.messageBar().pushWarning(
                "Veerkracht", f"Filter werkt niet op laag {self.layer.name()}: {expression}"
            )
            return
        self.zoom_to_layer()
        self._update_summary()

    def current_map(self):
        return self.map_combo.currentData()

    def _follow_selection(self, layer):
        """A buurt selected on a layer with periods shows its classes over the periods."""
        previous = getattr(self, "_selecting", None)
        if previous is not None and not _is_deleted(previous):
            try:
                previous.selectionChanged.disconnect(self._show_history)
            except TypeError:
                pass
        self._selecting = layer if self.periods.layer is not None else None
        if self._selecting is not None:
            self._selecting.selectionChanged.connect(self._show_history)

    def _show_history(self, *_args):
        if self.periods.layer is None or self.layer is None:
            return
        selected = self.layer.selectedFeatures()
        self.periods.show_buurt(selected[0] if selected else None, self.current_map())

    def _map_chosen(self, *_args):
        map_id = self.current_map()
        self.explanation.setText(map_entry(map_id)["uitleg"])
        if self.layer is not None:
            self._styling = True
            try:
                self.layer.styleManager().setCurrentStyle(style_name(map_id))
            finally:
                self._styling = False
            self.layer.triggerRepaint()
            self._update_summary()
            self._show_history()

    # ---- reading ----

    def _update_summary(self):
        rows = class_summary(self.layer, self.current_map())
        self.summary.setRowCount(len(rows))
        for position, row in enumerate(rows):
            label = QTableWidgetItem(row.label)
            label.setData(Qt.ItemDataRole.DecorationRole, QColor(row.colour))
            label.setData(USER_ROLE, row.code)
            label.setToolTip(row.label)
            self.summary.setItem(position, 0, label)
            self.summary.setItem(position, 1, QTableWidgetItem(str(row.buurten)))
            self.summary.setItem(position, 2, QTableWidgetItem(f"{row.inwoners:,}".replace(",", ".")))
            self.summary.setItem(position, 3, QTableWidgetItem(f"{row.eigen_vhe:,.0f}".replace(",", ".")))
        self._update_pressure_list()

    def _update_pressure_list(self):
        self.pressure_list.clear()
        name_field = next(
            (f for f in ("buurtnaam", "BU_NAAM", "statnaam", "regio") if self.layer.fields().lookupField(f) >= 0), None
        )
        for feature in self.layer.getFeatures(class_expression("signalering", 1)):
            text = str(feature[name_field]) if name_field else f"buurt {feature.id()}"
            item = QListWidgetItem(text)
            item.setData(USER_ROLE, feature.id())
            self.pressure_list.addItem(item)
        if self.pressure_list.count() == 0:
            empty = QListWidgetItem("Geen buurten met veerkracht onder druk in deze keuze.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.pressure_list.addItem(empty)

    def _class_clicked(self, row, _column):
        code = self.summary.item(row, 0).data(USER_ROLE)
        self.layer.selectByExpression(class_expression(self.current_map(), code))

    def _zoom_to_buurt(self, item):
        if item.data(USER_ROLE) is None:
            return
        feature = self.layer.getFeature(item.data(USER_ROLE))
        self._zoom_to(feature.geometry().boundingBox())

    def zoom_to_layer(self):
        self.layer.updateExtents()
        self._zoom_to(self.layer.extent())

    def _zoom_to(self, extent):
        canvas = self.iface.mapCanvas()
        transform = QgsCoordinateTransform(self.layer.crs(), canvas.mapSettings().destinationCrs(), self.project)
        extent = transform.transformBoundingBox(extent)
        extent.scale(1.05)
        canvas.setExtent(extent)
        canvas.refresh()

    # ---- atlas ----

    def _update_atlas_button(self):
        available = QgsApplication.processingRegistry().algorithmById(ATLAS_ALGORITHM) is not None
        self.atlas_button.setEnabled(available)
        self.atlas_button.setToolTip(
            "Maakt een atlas per wijk voor de gekozen gemeenten"
            if available
            else "Komt beschikbaar met het algoritme 'Atlas per wijk'"
        )

    def make_atlas(self):
        import processing

        processing.execAlgorithmDialog(
            ATLAS_ALGORITHM,
            {
                "INPUT": self.layer.id() if self.layer else None,
                "GEMEENTE": ",".join(g.code for g in self.chosen_gemeenten()),
            },
        )

    def disconnect_project(self):
        self._pool = None
        self._follow_styles(None)
        for signal, slot in (
            (self.project.layersAdded, self.refresh_layers),
            (self.project.layersRemoved, self.refresh_layers),
            (self.project.readProject, self.restore),
            (self.project.writeProject, self._write),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass


def _is_deleted(layer):
    from qgis.PyQt import sip

    return sip.isdeleted(layer)
