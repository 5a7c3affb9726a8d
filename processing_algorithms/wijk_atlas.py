"""veerkracht:wijkatlas: a PDF atlas with an overview page per gemeente and a page per wijk."""

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
)

from ..veerkracht_plugin.compat import NO_THREADING, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm
from .outputs import is_file_output


class WijkAtlasAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    GEMEENTE = "GEMEENTE"
    WIJKEN = "WIJKEN"
    MAPS = "MAPS"
    TEMPLATE = "TEMPLATE"
    OUTPUT = "OUTPUT"
    LAYOUT = "LAYOUT"
    PAGES = "PAGES"

    NAME = "wijkatlas"
    DISPLAY_NAME = "Atlas per wijk"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Maakt een PDF-atlas voor prestatieafspraken en wijkgesprekken: eerst een overzicht van de gemeente "
        "(signalering, wijken omlijnd), dan per wijk een pagina met de gekozen kaarten naast elkaar (zoomend op de "
        "wijk, de buren vervaagd), een tabel van de buurten met hun signalering, de handelingsperspectieven voor de "
        "klassen die voorkomen, bronnen, referentieset, datum, schaalstok en noordpijl.\n\n"
        "Zonder wijklaag worden wijken gemaakt door de buurten samen te voegen op de wijkcode in de buurtcode; "
        "namen komen dan uit de wijklaag als die er is, anders 'Wijk 01' enzovoort.\n\n"
        "Gemeenten kiest u met hun code (GM0344) of hun naam zoals de laag die heeft; buurtcodes zonder "
        "gemeentedeel (BU0000...) weigert de atlas, want de gemeente is dan niet te bepalen.\n\n"
        "Naast de PDF komt <naam>-wijken.gpkg met de gemeente en de wijken; de PDF en dat bestand verschijnen pas "
        "als de atlas helemaal klaar is (annuleren laat een eerdere atlas staan). De lay-out komt in het project "
        "(Projectlay-outs) en leest dat bestand, zodat u hem kunt aanpassen en opnieuw afdrukken, ook na opslaan en "
        "heropenen; een eerdere lay-out met dezelfde naam wordt vervangen. Zonder project (qgis_process, scripts) "
        "wordt alleen de PDF gemaakt. Het "
        "sjabloon resources/atlas_wijk.qpt kunt u zelf opmaken; houd de namen (ids) van de onderdelen aan. De "
        "teksten van de handelingsperspectieven staan in resources/handelingsperspectieven.json."
    )

    def flags(self):
        return super().flags() | NO_THREADING  # builds a layout in the project: main thread only

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.styling import style_name

        self.addParameter(
            QgsProcessingParameterVectorLayer(self.INPUT, self.tr("Laag met veerkrachtkaarten"), [POLYGON_SOURCE])
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.GEMEENTE, self.tr("Gemeentecode(s), gescheiden door komma's (leeg: alle gemeenten)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.WIJKEN, self.tr("Wijklaag (leeg: wijken uit de buurtcodes)"), [POLYGON_SOURCE], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.MAPS,
                self.tr("Kaarten"),
                [style_name(m) for m in MAP_IDS],
                allowMultiple=True,
                defaultValue=list(range(len(MAP_IDS))),
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE, self.tr("Lay-outsjabloon (leeg: het meegeleverde)"), extension="qpt", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Atlas (PDF)"), self.tr("PDF (*.pdf)"))
        )
        self.addOutput(QgsProcessingOutputString(self.LAYOUT, self.tr("Naam van de lay-out in het project")))
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, self.tr("Aantal pagina's")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        problem = self._template_problem(parameters, context)
        if problem:  # before QGIS' own check, which only says "Incorrect parameter value for TEMPLATE"
            return False, problem
        return super().checkParameterValues(parameters, context)

    def _template_problem(self, parameters, context):
        from ..veerkracht_plugin.atlas import template_problem

        path = self.parameterAsFile(parameters, self.TEMPLATE, context)
        return template_problem(path) if path else ""

    def extra_outputs(self, parameters, context):
        from ..veerkracht_plugin.atlas import coverage_path

        if not is_file_output(parameters.get(self.OUTPUT)):
            return []
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        return [(coverage_path(pdf), self.tr("Wijken van de atlas (GeoPackage naast de PDF)"))]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        """The base class runs ``process`` and moves the staged PDF and GeoPackage into place; then the layout's
        coverage layer is pointed at the GeoPackage's final path."""
        from ..veerkracht_plugin.atlas import point_coverage_at, remove_coverage

        self._done = None
        self._private_project = None
        try:
            results = super().processAlgorithm(parameters, context, feedback)
            if self._done is not None:
                project, layout, coverage, path = self._done
                if not point_coverage_at(layout, coverage, path):
                    feedback.pushWarning(self.tr("De lay-out kan {} niet openen; de PDF is wel gemaakt.").format(path))
            return results
        except BaseException:
            if self._done is not None:  # the run failed after the layout was put in the project
                project, layout, coverage, _ = self._done
                project.layoutManager().removeLayout(layout)
                remove_coverage(project, coverage)
            raise
        finally:
            self._done = None
            self._private_project = None  # the layout of a run without project goes with it

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.atlas import (
            TEMPLATE_PATH,
            AtlasError,
            add_coverage,
            bind,
            build_coverage,
            coverage_path,
            export_pdf,
            layer_in_project,
            load_template,
            remove_coverage,
            replace_layout,
            save_coverage,
        )
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.layer_queries import is_veerkracht_layer

        problem = self._template_problem(parameters, context)
        if problem:  # models and scripts may skip checkParameterValues
            raise QgsProcessingException(problem)
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        if not is_veerkracht_layer(layer):
            raise QgsProcessingException(
                self.tr("Laag '{}' heeft niet de velden van de negen kaarten: maak eerst de kaarten.").format(
                    layer.name()
                )
            )
        project = context.project()
        if project is None:  # qgis_process, scripts: the layout lives in a project of its own, for this run only
            project = self._private_project = QgsProject()
        layer, added = layer_in_project(layer, project)
        gemeenten = [
            g.strip() for g in self.parameterAsString(parameters, self.GEMEENTE, context).split(",") if g.strip()
        ]
        wijken = self.parameterAsVectorLayer(parameters, self.WIJKEN, context)
        maps = [MAP_IDS[i] for i in sorted(self.parameterAsEnums(parameters, self.MAPS, context))] or list(MAP_IDS)
        template = Path(self.parameterAsFile(parameters, self.TEMPLATE, context) or TEMPLATE_PATH)
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context)).resolve()
        pdf.parent.mkdir(parents=True, exist_ok=True)
        wijken_path = coverage_path(pdf)
        style_before = layer.styleManager().currentStyle()

        feedback.setProgressText(self.tr("Wijken en gemeente-overzicht voorbereiden"))
        coverage = None
        try:
            coverage = build_coverage(layer, gemeenten, wijken, feedback)
            save_coverage(coverage, self.staged_path(wijken_path))
            add_coverage(project, coverage)
            names = sorted({f["naam"] for f in coverage.getFeatures() if f["niveau"] == "gemeente"})
            name = "Veerkracht atlas " + ", ".join(names)
            layout = load_template(project, name, template, len(maps))
            if self._private_project is not None:
                project.layoutManager().addLayout(layout)  # owned by the project, deleted before its layers
            bind(
                layout,
                project,
                layer,
                coverage,
                maps,
                layer.metadata().abstract().split("\n")[0] or f"de buurten van laag {layer.name()}",
            )
            pages = coverage.featureCount()
            feedback.pushInfo(
                self.tr("Atlas van {}: {} pagina's ({} wijken).").format(", ".join(names), pages, pages - len(names))
            )
            feedback.setProgressText(self.tr("PDF maken"))
            staged_pdf = self.staged_path(pdf)
            if not export_pdf(layout, staged_pdf, feedback):
                raise QgsProcessingException(
                    self.tr("Geannuleerd: er is geen atlas geschreven; een eerdere atlas op {} is bewaard.").format(pdf)
                )
        except BaseException as error:
            if coverage is not None and project.mapLayer(coverage.id()) is not None:
                remove_coverage(project, coverage)
            if added and self._private_project is None:  # a failed run leaves the user's project as it was
                project.removeMapLayer(layer.id())
                layer = None
            if isinstance(error, AtlasError):
                raise QgsProcessingException(str(error)) from error
            raise
        finally:
            if layer is not None and style_before in layer.styleManager().styles():
                layer.styleManager().setCurrentStyle(style_before)  # the user's layer shows what it showed

        if self._private_project is None:
            replace_layout(project, layout)
            self._done = (project, layout, coverage, wijken_path)
            feedback.pushInfo(self.tr("Lay-out '{}' staat in het project.").format(name))
        else:
            name = ""
            feedback.pushInfo(self.tr("Geen project: de lay-out is alleen voor deze PDF gebruikt."))
        return {self.OUTPUT: str(staged_pdf), self.LAYOUT: name, self.PAGES: pages}
