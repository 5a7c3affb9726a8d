"""The dock's widgets, section by section, and how the reading section shows figures (mixed into VeerkrachtDock,
which lays the sections out in its _build)."""

from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from ..core.catalogue import MAP_IDS
from ..styling import style_name
from .periods import PeriodPanel

USER_ROLE = Qt.ItemDataRole.UserRole


class WheelGuard(QObject):
    """Passes a wheel turn over a combo box without focus on to the scroll area around it: scrolling down the dock
    must not change the map (or layer, or year) the mouse happens to pass."""

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():
            return False
        area = watched.parent()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parent()
        if area is not None:  # to the dock's scroll bar, as if the combo were not there
            QCoreApplication.sendEvent(area.verticalScrollBar(), event)
        return True


def guard_wheel(owner, *combos):
    """Combos change by the wheel only after a click or Tab gave them focus (the wheel alone gives none)."""
    guard = WheelGuard(owner)
    for combo in combos:
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        combo.installEventFilter(guard)
    return guard


class DockSections:
    """Each method adds one section's widgets to the dock's layout and keeps them as attributes of the dock."""

    def _add_choice(self, body, layout):
        """Layer and gemeente(n)."""
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

    def _add_map(self, body, layout):
        """Which of the nine maps, and (on a layer with periods) which period."""
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
        guard_wheel(body, self.layer_combo, self.map_combo, self.periods.combo)
        self.explanation = QLabel(body)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)

    def _add_reading(self, body, layout):
        """The class table and the buurten under pressure."""
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

    def _add_actions(self, body, layout):
        buttons = QHBoxLayout()
        self.atlas_button = QPushButton("Atlas maken", body)
        buttons.addWidget(self.atlas_button)
        self.web_map_button = QPushButton("Webkaart", body)
        self.web_map_button.setToolTip("Maakt één HTML-bestand met de kaarten van de gekozen gemeenten, voor partners")
        buttons.addWidget(self.web_map_button)
        layout.addLayout(buttons)

    def _show_reading(self, rows, pressure):
        """The class table (ClassRow's) and the buurten under pressure ((feature id, name) pairs)."""
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
        self.pressure_list.clear()
        for feature_id, name in pressure:
            item = QListWidgetItem(name)
            item.setData(USER_ROLE, feature_id)
            self.pressure_list.addItem(item)
        if self.pressure_list.count() == 0:
            empty = QListWidgetItem("Geen buurten met veerkracht onder druk in deze keuze.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.pressure_list.addItem(empty)
