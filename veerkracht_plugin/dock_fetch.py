"""The dock's 'Kaarten maken voor deze gemeente': a gemeente from the national list, then in the background
'Open data ophalen' and 'Veerkrachtkaarten maken', and the styled maps added to the project. One click."""

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingUtils,
    QgsProject,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QCompleter, QGroupBox, QLabel, QPushButton, QVBoxLayout

from .sources.gemeenten import gemeenten

FETCH = "veerkracht:opendata"
MAKE = "veerkracht:makemaps"


class KeptFeedback(QgsProcessingFeedback):
    """Remembers the last error, to show it in the dock."""

    def __init__(self):
        super().__init__()
        self.last_error = ""

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        self.last_error = error
        super().reportError(error, fatalError)


class FetchSection(QGroupBox):
    def __init__(self, parent=None):
        super().__init__("Kaarten maken voor een gemeente (open data)", parent)
        self.folder = None  # where the files go; None: beside the project, else ~/Veerkrachtkaarten
        self.running = None  # (task, context, feedback) of the step that runs now
        self.added = None  # the layer the last run added
        layout = QVBoxLayout(self)
        self.gemeente = QComboBox(self)
        self.gemeente.setEditable(True)
        self.gemeente.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, name in sorted(gemeenten(), key=lambda pair: pair[1].lstrip("'").lower()):
            self.gemeente.addItem(f"{name} ({code})", code)
        completer = self.gemeente.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.national = QCheckBox("Vergelijken met heel Nederland (zoals Aedes)", self)
        self.national.setChecked(True)
        self.national.setToolTip(
            "Aan: de klassen vergelijken elke buurt met alle buurten van het land (landelijke cijfers worden ook "
            "opgehaald). Uit: alleen met de buurten van deze gemeente."
        )
        self.button = QPushButton("Kaarten maken voor deze gemeente", self)
        self.button.setToolTip(
            "Haalt buurten, kerncijfers (PDOK) en Leefbaarometer op, berekent de negen kaarten en voegt ze gestileerd "
            "toe. Loopt op de achtergrond; annuleren kan in de takenbalk van QGIS."
        )
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        for widget in (self.gemeente, self.national, self.button, self.status):
            layout.addWidget(widget)
        self.button.clicked.connect(self.start)

    def choose(self, code):
        index = self.gemeente.findData(code)
        if index >= 0:
            self.gemeente.setCurrentIndex(index)

    def start(self):
        code = self.gemeente.currentData()
        if not code or self.running:
            return
        name = self.gemeente.currentText().rsplit(" (", 1)[0]
        folder = Path(self.folder or QgsProject.instance().homePath() or Path.home() / "Veerkrachtkaarten")
        folder.mkdir(parents=True, exist_ok=True)
        self.files = (
            _free(folder / f"open-data-{_slug(name)}.gpkg"),
            _free(folder / f"veerkrachtkaarten-{_slug(name)}.gpkg"),
        )
        params = {"GEMEENTEN": code, "NATIONAL": self.national.isChecked(), "OUTPUT": str(self.files[0])}
        self._run(FETCH, params, self._fetched, f"Open data voor {name} ophalen ...")

    def _run(self, algorithm_id, params, done, text):
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        context, feedback = QgsProcessingContext(), KeptFeedback()
        context.setProject(QgsProject.instance())
        task = QgsProcessingAlgRunnerTask(algorithm, params, context, feedback)
        task.executed.connect(lambda ok, results: done(ok, results, context, feedback))
        self.running = (task, context, feedback)
        self.button.setEnabled(False)
        self.status.setText(text)
        QgsApplication.taskManager().addTask(task)

    def _fetched(self, ok, results, context, feedback):
        if not ok:
            return self._stop("Ophalen mislukt: " + (feedback.last_error or "zie het Processing-logboek."))
        path = results["OUTPUT"]
        years = sorted(int(n.split("_")[1]) for n in _layer_names(path) if n.startswith("buurten_"))
        params = {"INPUT": f"{path}|layername=buurten_{years[-1]}"}
        if self.national.isChecked():
            params.update(
                {
                    "LEEFBAAROMETER": f"{path}|layername=leefbaarometer_nl",
                    "REFERENTIE": f"{path}|layername=referentie_{years[-1]}",
                    "REFERENTIE_START": f"{path}|layername=referentie_{years[0]}",
                }
            )
        else:
            params.update(
                {
                    "LEEFBAAROMETER": f"{path}|layername=leefbaarometer",
                    "BUURTEN_START": f"{path}|layername=buurten_{years[0]}",
                }
            )
        params["OUTPUT"] = QgsProcessingOutputLayerDefinition(str(self.files[1]), QgsProject.instance())
        self.running = None
        self._run(MAKE, params, self._made, "Kaarten berekenen ...")

    def _made(self, ok, results, context, feedback):
        if not ok:
            return self._stop("Kaarten maken mislukt: " + (feedback.last_error or "zie het Processing-logboek."))
        self.added = _load_results(context, feedback)
        self._stop(
            f"Klaar: '{self.added.name()}' staat in de lagenlijst ({self.files[1]})." if self.added else "Klaar."
        )

    def _stop(self, text):
        self.running = None
        self.button.setEnabled(True)
        self.status.setText(text)


def _load_results(context, feedback):
    """What Processing does after a dialog run: load the outputs and run their post-processors (styles, name)."""
    added = None
    for source, details in context.layersToLoadOnCompletion().items():
        layer = QgsProcessingUtils.mapLayerFromString(source, context)
        if layer is None:
            continue
        layer.setName(details.name or layer.name())
        details.project.addMapLayer(context.temporaryLayerStore().takeMapLayer(layer) or layer)
        if details.postProcessor() is not None:
            details.postProcessor().postProcessLayer(layer, context, feedback)
        added = layer
    return added


def _layer_names(path):
    import sqlite3

    with sqlite3.connect(str(path)) as db:
        return [row[0] for row in db.execute("select table_name from gpkg_contents")]


def _slug(name):
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()


def _free(path):
    """``path``, or with -2, -3 ... when a file of that name exists: an earlier result is never replaced."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate
