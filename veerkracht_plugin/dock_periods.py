"""The dock's part for a 'Veerkracht door de tijd' layer (one feature per buurt and period): choose the period
to show, and read the selected buurt's classes over all periods. Hidden for layers without a period field."""

from qgis.core import QgsExpression, QgsFeatureRequest, QgsVectorLayer
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .compat import NO_GEOMETRY, text_or_none
from .core.catalogue import class_labels, field_names
from .core.join import LAYER_KEY_CANDIDATES, find_column

PERIOD_FIELD = "periode"


class PeriodPanel(QWidget):
    """A period choice and a table 'periode | klasse' for the buurt selected on the map."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Periode (editie)"))
        self.combo = QComboBox(self)
        self.combo.setToolTip("Welke periode de kaart toont; de tijdsbalk van QGIS speelt ze na elkaar af")
        layout.addWidget(self.combo)
        self.caption = QLabel("Selecteer een buurt op de kaart om haar klassen door de tijd te zien.", self)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.history = QTableWidget(0, 2, self)
        self.history.setHorizontalHeaderLabels(["Periode", "Klasse"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history.setMaximumHeight(130)
        layout.addWidget(self.history)
        self.layer, self._all = None, None

    def set_layer(self, layer):
        """Show the panel only for a layer with periods; the last period is chosen."""
        has_periods = layer is not None and layer.fields().lookupField(PERIOD_FIELD) >= 0
        self.setVisible(has_periods)
        self.layer = layer if has_periods else None
        self.combo.blockSignals(True)
        self.combo.clear()
        self.history.setRowCount(0)
        if self.layer is not None:
            self._all = QgsVectorLayer(layer.source(), "alle perioden", layer.providerType())  # without the filter
            for period in sorted({text_or_none(v) for v in self._all.uniqueValues(self._field_index())} - {None}):
                self.combo.addItem(period, period)
            self.combo.setCurrentIndex(self.combo.count() - 1)
        self.combo.blockSignals(False)

    def _field_index(self):
        return self._all.fields().lookupField(PERIOD_FIELD)

    def chosen(self):
        """The period shown; None on a layer without periods."""
        return (self.combo.currentData() or None) if self.layer is not None else None

    def filter_expression(self):
        """The subset for the chosen period, '' when the layer has no periods."""
        period = self.chosen()
        if not period:
            return ""
        return f"{QgsExpression.quotedColumnRef(PERIOD_FIELD)} = {QgsExpression.quotedString(period)}"

    def show_buurt(self, feature, map_id):
        """The classes of ``feature``'s buurt in every period, for map ``map_id``."""
        self.history.setRowCount(0)
        if self.layer is None or feature is None:
            return
        code_field = find_column(self._all.fields().names(), LAYER_KEY_CANDIDATES)
        if code_field is None:
            return
        code, klasse = feature[code_field], field_names(map_id)[1]
        request = QgsFeatureRequest().setFlags(NO_GEOMETRY)
        request.setFilterExpression(f"{QgsExpression.quotedColumnRef(code_field)} = {QgsExpression.quotedString(code)}")
        labels = class_labels(map_id)
        rows = sorted((str(f[PERIOD_FIELD]), f[klasse]) for f in self._all.getFeatures(request))
        self.caption.setText(f"Buurt {code}: klassen door de tijd")
        self.history.setRowCount(len(rows))
        for position, (period, value) in enumerate(rows):
            self.history.setItem(position, 0, QTableWidgetItem(period))
            number = int(value) if text_or_none(value) is not None else 0
            self.history.setItem(position, 1, QTableWidgetItem(labels.get(number, str(value))))
