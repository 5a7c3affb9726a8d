"""The dock's 'Kaarten maken voor deze gemeente': a gemeente from the national list, then in the background
'Open data ophalen' and 'Veerkrachtkaarten maken', and the styled maps added to the project. One click."""

from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsSettings,
)
from qgis.gui import QgsCollapsibleGroupBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QCompleter, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from ..geopackage import geopackage_tables
from ..layer_queries import is_veerkracht_layer
from ..sources.gemeenten import find_gemeenten, gemeenten, name_key
from .fetch_parts import breakable, discard, empty_edition, free_path, keep_years_apart, slug, year_row
from .sections import guard_wheel

FETCH = "veerkracht:opendata"
MAKE = "veerkracht:makemaps"
SETTINGS_GROUP = "veerkracht/dock"  # the choice kept in QGIS' settings: the same gemeente after a restart


class KeptFeedback(QgsProcessingFeedback):
    """Remembers the last error, to show it in the dock. An algorithm's exception is logged by the task that ran
    it (QgsProcessingAlgRunnerTask logs it, then reports it here): logging it again stood twice in the log."""

    def __init__(self):
        super().__init__()
        self.last_error = ""

    def reportError(self, error, fatalError=False):  # noqa: N802, N803 (QGIS API)
        self.last_error = error

    def log_error(self, error):
        """An error of the dock's own, logged (once) as Processing logs errors."""
        self.last_error = error
        super().reportError(error, False)


class FetchSection(QgsCollapsibleGroupBox):
    """Open at the top of the dock while the project has no veerkracht layer (the first thing a new user needs),
    folded away once it has one."""

    def __init__(self, parent=None, on_added=None):
        super().__init__("Kaarten maken uit open data", parent)
        self.on_added = on_added  # called with (layer, gemeente codes) when the maps are in the project
        self.folder = None  # where the files go; None: beside the project, else ~/Veerkrachtkaarten
        self.running = None  # (task, context, feedback) of the step that runs now
        self.added = None  # the layer the last run added
        self.code, self.files = None, ()  # the gemeente and (open data, maps) files of the run
        layout = QVBoxLayout(self)
        self.gemeente = QComboBox(self)
        self.gemeente.setEditable(True)
        self.gemeente.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # a long name in the list must not widen the dock beyond its scroll area
        self.gemeente.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.gemeente.setMinimumContentsLength(20)
        for code, name in sorted(gemeenten(), key=lambda pair: pair[1].lstrip("'").lower()):
            self.gemeente.addItem(f"{name} ({code})", code)
        completer = self.gemeente.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        years, self.begin_year, self.end_year, problem = year_row(self)
        self.national = QCheckBox("Vergelijken met heel Nederland", self)
        self.national.setChecked(True)
        self.national.setToolTip(
            "Aan (zoals Aedes): de klassen vergelijken elke buurt met alle buurten van het land (landelijke cijfers "
            "worden ook opgehaald). Uit: alleen met de buurten van deze gemeente."
        )
        self.refresh = QCheckBox("Opnieuw ophalen", self)
        self.refresh.setToolTip(
            "Haalt alles opnieuw bij de diensten op in plaats van eerder opgehaalde gegevens te gebruiken, "
            "bijvoorbeeld na een fout antwoord of als het logboek dit aanraadt."
        )
        self.button = QPushButton("Kaarten maken voor deze gemeente", self)
        self.button.setToolTip(
            "Haalt buurten, kerncijfers (PDOK) en Leefbaarometer op, berekent de negen kaarten en voegt ze gestileerd "
            "toe. Loopt op de achtergrond; annuleren kan in de takenbalk van QGIS."
        )
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        # never wider than the dock gives it (a long URL in an error used to push the buttons out of sight)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(1)
        layout.addWidget(self.gemeente)
        layout.addLayout(years)
        for widget in (self.national, self.refresh, self.button, self.status):
            layout.addWidget(widget)
        guard_wheel(self, self.gemeente, self.begin_year, self.end_year)
        self._say(problem)
        self._restore_choice()
        keep_years_apart(self.begin_year, self.end_year)
        self.button.clicked.connect(self.start)
        for combo in (self.gemeente, self.begin_year, self.end_year):
            combo.currentIndexChanged.connect(self._choice_changed)
        self.national.toggled.connect(self._choice_changed)
        QgsProject.instance().layersAdded.connect(self._layers_added)
        QgsProject.instance().cleared.connect(self._project_cleared)
        self.setCollapsed(any(is_veerkracht_layer(layer) for layer in QgsProject.instance().mapLayers().values()))

    # ---- the choice, kept across restarts of QGIS; the status line ----

    def _restore_choice(self):
        settings = QgsSettings()
        self.choose(settings.value(f"{SETTINGS_GROUP}/gemeente", "", type=str))
        for combo, key in ((self.begin_year, "beginjaar"), (self.end_year, "eindjaar")):
            index = combo.findData(settings.value(f"{SETTINGS_GROUP}/{key}", 0, type=int))
            if index >= 0:  # a year no longer in bronnen.json keeps the catalogue's default
                combo.setCurrentIndex(index)
        self.national.setChecked(settings.value(f"{SETTINGS_GROUP}/landelijk", True, type=bool))

    def _choice_changed(self, *_args):
        """Remember the choice, and forget a message about an earlier one."""
        settings = QgsSettings()
        if self.gemeente.currentData():
            settings.setValue(f"{SETTINGS_GROUP}/gemeente", self.gemeente.currentData())
        for combo, key in ((self.begin_year, "beginjaar"), (self.end_year, "eindjaar")):
            if combo.currentData():
                settings.setValue(f"{SETTINGS_GROUP}/{key}", combo.currentData())
        settings.setValue(f"{SETTINGS_GROUP}/landelijk", self.national.isChecked())
        keep_years_apart(self.begin_year, self.end_year)
        if not self.running:
            self._say("")

    def _layers_added(self, layers):
        """Maps made another way (the toolbox) after a failed run here: the old failure no longer holds."""
        if not self.running and any(is_veerkracht_layer(layer) for layer in layers):
            self._say("")

    def _project_cleared(self):
        """A new project (or another one opened): what the dock said about the last one no longer holds."""
        if not self.running:
            self._say("")

    def _say(self, text):
        self.status.setText(breakable(text))

    def disconnect_project(self):
        for signal, slot in (
            (QgsProject.instance().layersAdded, self._layers_added),
            (QgsProject.instance().cleared, self._project_cleared),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass

    def choose(self, code):
        index = self.gemeente.findData(code)
        if index >= 0:
            self.gemeente.setCurrentIndex(index)

    def chosen(self):
        """(code, name) of what the box shows, also when the user typed a name without picking it from the list;
        None when the text is no gemeente."""
        text = self.gemeente.currentText().strip()
        index = self.gemeente.findText(text)
        if index >= 0:
            return self.gemeente.itemData(index), text.rsplit(" (", 1)[0]
        key = name_key(text)  # the one entry the list offered for what was typed ("bosch")
        offered = [i for i in range(self.gemeente.count()) if key and key in name_key(self.gemeente.itemText(i))]
        if len(offered) == 1:
            return self.gemeente.itemData(offered[0]), self.gemeente.itemText(offered[0]).rsplit(" (", 1)[0]
        try:
            found = find_gemeenten([text.rsplit(" (", 1)[0]])
        except ValueError as error:
            self._say(str(error))
            return None
        return found[0] if len(found) == 1 and found[0][0] != found[0][1] else None

    def output_folder(self):
        """Where the files go (made if needed): the chosen folder, else beside the project, else ~/Veerkrachtkaarten."""
        folder = Path(self.folder or QgsProject.instance().homePath() or Path.home() / "Veerkrachtkaarten")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def start(self):
        if self.running:
            return
        chosen = self.chosen()
        if chosen is None:
            if not self.status.text().startswith("Onbekende"):
                self._say("Kies een gemeente uit de lijst (typ een deel van de naam).")
            return
        begin, end = self.begin_year.currentData(), self.end_year.currentData()
        if begin and end and begin >= end:
            self._say(f"Het beginjaar ({begin}) moet vóór het eindjaar ({end}) liggen. Kies andere jaren.")
            return
        code, name = chosen
        self.choose(code)
        self.code = code
        folder = self.output_folder()
        self.files = (
            free_path(folder / f"open-data-{slug(name)}.gpkg"),
            free_path(folder / f"veerkrachtkaarten-{slug(name)}.gpkg"),
        )
        params = {
            "GEMEENTEN": code,
            "NATIONAL": self.national.isChecked(),
            "REFRESH": self.refresh.isChecked(),
            "OUTPUT": str(self.files[0]),
        }
        if begin and end:  # else (bronnen.json unreadable) the algorithm's defaults, and its message
            params.update({"YEAR_START": begin, "YEAR_END": end})
        self._run(FETCH, params, self._fetched, f"Open data voor {name} ophalen ...")

    def _run(self, algorithm_id, params, done, text):
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        context, feedback = QgsProcessingContext(), KeptFeedback()
        context.setProject(QgsProject.instance())
        task = QgsProcessingAlgRunnerTask(algorithm, params, context, feedback)
        task.executed.connect(lambda ok, results: done(ok, results, context, feedback))
        self.running = (task, context, feedback)
        self.button.setEnabled(False)
        self._say(text)
        QgsApplication.taskManager().addTask(task)

    def _fetched(self, ok, results, context, feedback):
        if not ok:
            return self._stop(_failure("Ophalen mislukt", feedback))
        path = results["OUTPUT"]
        years = sorted(int(n.split("_")[1]) for n in geopackage_tables(path) if n.startswith("buurten_"))
        empty = empty_edition(path, years, (self.begin_year, self.end_year))
        if empty:  # the maps cannot be made: said here in one sentence, instead of makemaps' longer failure
            feedback.log_error(empty)
            return self._stop(empty)
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
            return self._stop(_failure("Kaarten maken mislukt", feedback))
        self.added = _load_results(MAKE, context, feedback, self.files[1])
        self.refresh.setChecked(False)  # fetched anew once; later runs use the cache again
        self._stop(
            f"Klaar: '{self.added.name()}' staat in de lagenlijst ({self.files[1]})." if self.added else "Klaar.",
            done=True,
        )
        if self.added is not None and self.on_added is not None:
            self.on_added(self.added, [self.code])

    def _stop(self, text, done=False):
        """End the run; unless ``done``, the files this run began are removed (an earlier good file keeps its
        name, as every run writes to a free name)."""
        self.running = None
        self.button.setEnabled(True)
        if not done:
            text += discard(self.files)
        self._say(text)


def _failure(what, feedback):
    if feedback.isCanceled():
        return "Geannuleerd: er is niets toegevoegd en geen eerder bestand veranderd."
    return f"{what}: " + (feedback.last_error or "zie het Processing-logboek.")


def _load_results(algorithm_id, context, feedback, path):
    """Load the outputs as a Processing dialog does (QGIS' own handler: results group, post-processors with our
    styles and name), and return the layer of ``path``."""
    from processing.gui.Postprocessing import handleAlgorithmResults

    project = context.project()
    before = set(project.mapLayers())
    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    handleAlgorithmResults(algorithm, context, feedback)
    for layer_id in set(project.mapLayers()) - before:
        layer = project.mapLayer(layer_id)
        if layer.source().split("|")[0] == str(path):
            layer.setName(_unique_name(project, layer))
            return layer
    return None


def _unique_name(project, layer):
    """A second Baarn run must be told apart from the first in the layer list and the dock."""
    taken = {other.name() for other in project.mapLayers().values() if other.id() != layer.id()}
    name = layer.name()
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate
