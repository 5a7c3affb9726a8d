"""The dock's part for a 'Veerkracht door de tijd' layer (one feature per buurt and period): choose the period
to show, and read the selected buurt's classes over all periods. Hidden for layers without a period field."""

from qgis.core import QgsExpression
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

from ..compat import text_or_none
from ..core.catalogue import class_labels
from ..core.join import LAYER_KEY_CANDIDATES, find_column
from .figures import NAME_FIELDS

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
        self.layer = None

    def set_layer(self, layer):
        """Show the panel only for a layer with periods; the periods come with set_periods."""
        has_periods = layer is not None and layer.fields().lookupField(PERIOD_FIELD) >= 0
        self.setVisible(has_periods)
        self.layer = layer if has_periods else None
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.blockSignals(False)
        self.history.setRowCount(0)

    def set_periods(self, periods):
        """The periods of the whole layer (read by the dock with its filter lifted: a temporary layer cannot be
        opened a second time, and a filtered one would offer only what its filter shows); the last is chosen."""
        if self.layer is None:
            return
        self.combo.blockSignals(True)
        self.combo.clear()
        for period in periods:
            self.combo.addItem(period, period)
        self.combo.setCurrentIndex(self.combo.count() - 1)
        self.combo.blockSignals(False)

    def chosen(self):
        """The period shown; None on a layer without periods."""
        return (self.combo.currentData() or None) if self.layer is not None else None

    def filter_expression(self):
        """The subset for the chosen period, '' when the layer has no periods."""
        period = self.chosen()
        if not period:
            return ""
        return f"{QgsExpression.quotedColumnRef(PERIOD_FIELD)} = {QgsExpression.quotedString(period)}"

    def selected_codes(self):
        """The codes of the selected buurten of the layer."""
        code_field = find_column(self.layer.fields().names(), LAYER_KEY_CANDIDATES)
        if code_field is None:
            return []
        return [code for f in self.layer.selectedFeatures() if (code := text_or_none(f[code_field]))]

    def select_codes(self, codes):
        """Select the features of these buurt codes among those the layer shows now (its period)."""
        code_field = find_column(self.layer.fields().names(), LAYER_KEY_CANDIDATES)
        values = ", ".join(QgsExpression.quotedValue(code) for code in codes)
        self.layer.selectByExpression(f"{QgsExpression.quotedColumnRef(code_field)} IN ({values})")

    def show_buurt(self, feature, map_id, history):
        """The classes of ``feature``'s buurt in every period, for map ``map_id``; ``history`` as
        GemeenteFigures.history (buurt code -> [(period, {map id: class code})])."""
        self.history.setRowCount(0)
        if self.layer is None or feature is None:
            return
        code_field = find_column(self.layer.fields().names(), LAYER_KEY_CANDIDATES)
        if code_field is None:
            return
        code = text_or_none(feature[code_field])
        name_field = find_column(self.layer.fields().names(), NAME_FIELDS)
        name = text_or_none(feature[name_field]) if name_field else None
        labels = class_labels(map_id)
        rows = sorted((period or "", classes.get(map_id, 0)) for period, classes in history.get(code, []))
        self.caption.setText(
            f"{name} ({code}): klassen door de tijd" if name else f"Buurt {code}: klassen door de tijd"
        )
        self.history.setRowCount(len(rows))
        for position, (period, number) in enumerate(rows):
            self.history.setItem(position, 0, QTableWidgetItem(period))
            self.history.setItem(position, 1, QTableWidgetItem(labels.get(number, str(number))))
