"""The gemeente dock: pick a layer and gemeente(n), flip through the nine maps, read the class counts.

A gemeente switch sets the layer's filter, zooms to figures read once per layer (figures.py) and lets QGIS draw;
it reads nothing else from the file.
"""

from qgis.core import QgsApplication, QgsCoordinateTransform, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QFrame, QListWidgetItem, QScrollArea, QStyle, QVBoxLayout, QWidget

from ..core.catalogue import MAP_IDS, map_entry
from ..layer_queries import (
    GemeenteIndex,
    class_expression,
    class_rows,
    combine,
    has_own_stock,
    hold_connection_pool,
    is_veerkracht_layer,
    own_stock_expression,
)
from ..styling import apply_styles, style_name
from .fetch import FetchSection
from .figures import GemeenteFigures, live_figures
from .outputs import beside, layer_folder
from .periods import PERIOD_FIELD
from .sections import USER_ROLE, DockSections
from .state import DockMemory, keeping_clean

ATLAS_ALGORITHM = "veerkracht:wijkatlas"
WEB_MAP_ALGORITHM = "veerkracht:webkaart"


class VeerkrachtDock(DockMemory, DockSections, QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__("Veerkracht", parent)
        self.setObjectName("VeerkrachtDock")  # QGIS restores the dock's place by this name
        self.iface = iface
        self.project = QgsProject.instance()
        self.layer = None
        self.index = None
        self.figures = None  # GemeenteFigures of the chosen layer: every gemeente's figures, read once
        self._shown = None  # Figures of the buurten the layer shows now; None: to be read again
        self._listening = (None, [])  # the layer whose signals the dock follows, and those connections
        self._pool = None  # keeps the OGR connection pool of the chosen layer's file (see hold_connection_pool)
        self._styles = None  # the chosen layer's style manager, followed when something else changes its style
        self._styling = False  # the dock itself is changing the layer's style
        self._build()
        self.project.layersAdded.connect(self.refresh_layers)
        self.project.layersRemoved.connect(self.refresh_layers)
        self.project.readProject.connect(self.restore)
        self.project.writeProject.connect(self._write)
        self.restore()  # a project read before the dock was made (QGIS started with a project) shows its choice

    def _build(self):
        body = QWidget(self)
        layout = QVBoxLayout(body)
        # The dock's sections, top to bottom (built in sections.py). A new section is one line here: a widget
        # from its own module added to ``layout``, reading the choice from self.layer and self.chosen_gemeenten().
        self.fetch_section = FetchSection(body, on_added=self.show_layer)  # any gemeente from open data (fetch.py)
        layout.addWidget(self.fetch_section)
        self._add_choice(body, layout)
        self._add_map(body, layout)
        self._add_reading(body, layout)
        self._add_actions(body, layout)
        scroll = QScrollArea(self)  # small screens scroll instead of squeezing the class table
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # wide enough for the class table's four columns and every label and button (with a larger font too):
        # the horizontal scroll bar is off, so anything wider would be cut off at the dock's edge
        bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        scroll.setMinimumWidth(max(400, body.minimumSizeHint().width() + bar + 2))
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
        self.web_map_button.clicked.connect(self.make_web_map)
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
            self._follow_layer(None)
            self.layer, self.index, self.figures, self._shown, self._pool = None, None, None, None, None
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
            self._follow_layer(None)
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
        self._read_figures()
        self.periods.set_periods(self.figures.periods)
        self._follow_layer(self.layer)
        own = has_own_stock(self.layer)
        self.own_only.setEnabled(own)
        if not own:
            self.own_only.setChecked(False)
        self.summary.setColumnHidden(3, not own)
        for gemeente in self.figures.gemeenten:
            item = QListWidgetItem(gemeente.display)
            item.setData(USER_ROLE, gemeente)
            self.gemeente_list.addItem(item)
        self.gemeente_list.blockSignals(False)
        if self.periods.layer is not None:  # one period at a time, from the start: never all of them added up
            self._apply_choice()
        self._map_chosen()

    def _filter_list(self, text):
        text = text.strip().lower()
        for row in range(self.gemeente_list.count()):
            item = self.gemeente_list.item(row)
            item.setHidden(bool(text) and text not in item.text().lower())

    def chosen_gemeenten(self):
        return [item.data(USER_ROLE) for item in self.gemeente_list.selectedItems()]

    def show_layer(self, layer, codes):
        """Browse ``layer`` (just added) on gemeenten ``codes``: what the user made is what the map shows."""
        self.refresh_layers()
        index = self.layer_combo.findData(layer.id())
        if index >= 0:
            self.layer_combo.setCurrentIndex(index)
            self.select_gemeenten(set(codes))

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
        if self.layer is None or not self._apply_choice():
            return
        self._update_summary()
        self._zoom_to(self._shown.extent())

    def _apply_choice(self):
        """Filter the layer to the dock's choice; False (and a warning) when the layer refuses the filter."""
        expression = self._choice_expression()
        buurten = self.periods.selected_codes() if self.periods.layer is not None else []
        with keeping_clean(self.project):  # browsing, not editing: the filter is the dock's view
            applied = self.layer.setSubsetString(expression)
        if buurten:  # another period: the same buurten stay selected, so their history stays shown
            self.periods.select_codes(buurten)
        if not applied:
            self.iface.messageBar().pushWarning(
                "Veerkracht", f"Filter werkt niet op laag {self.layer.name()}: {expression}"
            )
        return applied

    def _choice_expression(self):
        """The subset string of the choice in the dock ('' for everything)."""
        return combine(
            self.index.filter_expression(self.chosen_gemeenten()),
            own_stock_expression() if self.own_only.isChecked() else "",
            self.periods.filter_expression(),
        )

    def current_map(self):
        return self.map_combo.currentData()

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

    # ---- the chosen layer ----

    def _read_figures(self):
        """Every gemeente's figures, in one pass over the layer (its filter lifted for the moment)."""
        with keeping_clean(self.project):
            self.figures = GemeenteFigures(self.index, PERIOD_FIELD if self.periods.layer is not None else None)
        self._shown = None

    def _figures_now(self):
        """The figures of the buurten the layer shows: added up from those read once when the layer's filter is
        the dock's choice, else (the layer is being edited, someone else filtered it, or its codes are written
        otherwise than the filter asks) read as filtered."""
        if self.layer.isEditable() or self.layer.subsetString() != self._choice_expression():
            return live_figures(self.layer)
        if self.figures is None:
            self._read_figures()
        if not self.figures.trusted:
            return live_figures(self.layer)
        codes = {gemeente.code for gemeente in self.chosen_gemeenten()}
        return self.figures.choice(codes, self.own_only.isChecked(), self.periods.chosen())

    def _show_history(self, *_args):
        if self.periods.layer is None or self.layer is None:
            return
        if self.figures is None:
            self._read_figures()
        selected = self.layer.selectedFeatures()
        self.periods.show_buurt(selected[0] if selected else None, self.current_map(), self.figures.history)

    # ---- reading ----

    def _update_summary(self):
        if self._shown is None:
            self._shown = self._figures_now()
        map_id = self.current_map()
        self._show_reading(class_rows(self.layer, map_id, self._shown.classes[map_id]), self._shown.pressure)

    def _class_clicked(self, row, _column):
        code = self.summary.item(row, 0).data(USER_ROLE)
        self.layer.selectByExpression(class_expression(self.current_map(), code))

    def _zoom_to_buurt(self, item):
        if item.data(USER_ROLE) is None:
            return
        feature = self.layer.getFeature(item.data(USER_ROLE))
        self._zoom_to(feature.geometry().boundingBox())

    def _zoom_to(self, extent):
        """Show ``extent`` (in the layer's CRS) with a margin; None (no buurten in the choice) keeps the view."""
        canvas = self.iface.mapCanvas()
        if extent is not None:
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
        """The atlas' dialog for the layer and gemeenten shown, its PDF beside the maps (a temporary one is lost on
        closing QGIS)."""
        import processing

        processing.execAlgorithmDialog(
            ATLAS_ALGORITHM,
            {
                "INPUT": self.layer.id() if self.layer else None,
                "GEMEENTE": ",".join(g.code for g in self.chosen_gemeenten()),
                "OUTPUT": self._beside_the_maps("atlas", ".pdf"),
            },
        )

    def _beside_the_maps(self, kind, suffix):
        gemeenten = self.chosen_gemeenten()
        if not gemeenten and self.figures is not None and len(self.figures.gemeenten) == 1:
            gemeenten = self.figures.gemeenten
        folder = layer_folder(self.layer) or self.fetch_section.output_folder()
        return str(beside(folder, kind, suffix, gemeenten, self.layer.name() if self.layer else ""))

    def make_web_map(self):
        """The web map's dialog for the layer and gemeenten shown, the page beside the maps."""
        import processing

        processing.execAlgorithmDialog(
            WEB_MAP_ALGORITHM,
            {
                "INPUT": self.layer.id() if self.layer else None,
                "GEMEENTEN": ",".join(g.code for g in self.chosen_gemeenten()),
                "OUTPUT": self._beside_the_maps("webkaart", ".html"),
            },
        )

    def disconnect_project(self):
        self.fetch_section.disconnect_project()
        self._pool = None
        self._follow_styles(None)
        self._follow_layer(None)
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
