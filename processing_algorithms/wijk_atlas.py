"""veerkracht:wijkatlas: a PDF atlas with an overview page per gemeente and a page per wijk."""

import re
from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
)

from ..veerkracht_plugin.compat import NO_THREADING, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm, maps_parameter
from .support.outputs import is_file_output


class WijkAtlasAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    GEMEENTE = "GEMEENTE"
    WIJKEN = "WIJKEN"
    MAPS = "MAPS"
    TEMPLATE = "TEMPLATE"
    TEMPLATE_OVERVIEW = "TEMPLATE_OVERVIEW"
    CHART = "CHART"
    OUTPUT = "OUTPUT"
    LAYOUT = "LAYOUT"
    LAYOUT_OVERVIEW = "LAYOUT_OVERVIEW"
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
        "Zonder wijklaag komen de wijken uit het GeoPackage van 'Open data ophalen' waar de buurtlaag uit komt "
        "(wijken_<jaar>); anders worden ze gemaakt door de buurten samen te voegen op de wijkcode in de buurtcode, "
        "met de wijknamen uit de buurtlaag (veld wijknaam) of anders gemeente en wijkcode als titel. Met een wijklaag komt een buurt in de wijk met zijn wijkcode; heeft de "
        "wijklaag die code niet (wijken van een ander jaar), dan in de wijk waarmee hij het meest overlapt. Het "
        "logboek zegt hoeveel buurten op code en hoeveel op ligging zijn ingedeeld.\n\n"
        "Heeft geen buurt een veerkracht signalering (bijvoorbeeld zonder kerncijfers van een beginjaar), dan "
        "toont het overzicht een kaart met gegevens en zegt het waarom.\n\n"
        "Gemeenten kiest u met hun code (GM0344) of hun naam zoals de laag die heeft, gescheiden door komma's; buurtcodes zonder "
        "gemeentedeel (BU0000...) weigert de atlas, want de gemeente is dan niet te bepalen.\n\n"
        "Zonder uitvoerbestand heet de PDF 'Veerkracht atlas <gemeente>.pdf' (in de tijdelijke map). Naast de PDF "
        "komt <naam>-wijken.gpkg met de gemeente en de wijken; de PDF en dat bestand verschijnen pas als de atlas "
        "helemaal klaar is (annuleren laat een eerdere atlas staan).\n\n"
        "In het project (Projectlay-outs) komen twee lay-outs, één per paginasoort: 'Veerkracht atlas <gemeente> – "
        "overzicht' en '... – wijken'. Ze lezen dat bestand, zodat u ze kunt aanpassen en opnieuw afdrukken, ook na "
        "opslaan en heropenen. Een lay-out van een eerdere atlas wordt vervangen zolang niemand hem heeft bewerkt; "
        "een bewerkte blijft staan en de nieuwe krijgt ' (2)' achter de naam (het logboek zegt het). Zonder project "
        "(qgis_process, scripts) wordt alleen de PDF gemaakt.\n\n"
        "De sjablonen resources/atlas_overzicht.qpt en resources/atlas_wijk.qpt kunt u in de lay-outontwerper "
        "opmaken ('Opslaan als sjabloon') en hier opgeven; houd de namen (ids) van de onderdelen aan. De teksten "
        "van de handelingsperspectieven staan in resources/handelingsperspectieven.json."
    )

    def flags(self):
        return super().flags() | NO_THREADING  # builds a layout in the project: main thread only

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)

        self.addParameter(
            QgsProcessingParameterVectorLayer(self.INPUT, self.tr("Laag met veerkrachtkaarten"), [POLYGON_SOURCE])
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.GEMEENTE, self.tr("Gemeentecode(s) (leeg: alle gemeenten)"), optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.WIJKEN,
                self.tr("Wijklaag (leeg: uit het GeoPackage of de buurtlaag)"),
                [POLYGON_SOURCE],
                optional=True,
            )
        )
        self.addParameter(maps_parameter(self.MAPS, self.tr("Kaarten")))
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE,
                self.tr("Lay-outsjabloon wijkpagina (leeg: het meegeleverde)"),
                extension="qpt",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE_OVERVIEW,
                self.tr("Lay-outsjabloon overzicht (leeg: het meegeleverde)"),
                extension="qpt",
                optional=True,
            )
        )
        self.add_parameter(
            QgsProcessingParameterFile(
                self.CHART,
                self.tr("Grafiek door de tijd als laatste pagina (PNG; leeg: geen)"),
                extension="png",
                optional=True,
            ),
            "Een PNG uit 'Veerkracht door de tijd'. Leeg: geen grafiekpagina.",
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("Atlas (PDF)"), self.tr("PDF (*.pdf)"))
        )
        self.addOutput(QgsProcessingOutputString(self.LAYOUT, self.tr("Lay-out van de wijkpagina's in het project")))
        self.addOutput(
            QgsProcessingOutputString(self.LAYOUT_OVERVIEW, self.tr("Lay-out van de overzichtspagina in het project"))
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, self.tr("Aantal pagina's")))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        problem = self._template_problem(parameters, context)
        if problem:  # before QGIS' own check, which only says "Incorrect parameter value for TEMPLATE"
            return False, problem
        return super().checkParameterValues(parameters, context)

    def _template_problem(self, parameters, context):
        from ..veerkracht_plugin.atlas import template_problem

        for name in (self.TEMPLATE, self.TEMPLATE_OVERVIEW):
            path = self.parameterAsFile(parameters, name, context)
            problem = template_problem(path) if path else ""
            if problem:
                return problem
        return ""

    def extra_outputs(self, parameters, context):
        from ..veerkracht_plugin.atlas import coverage_path

        if not is_file_output(parameters.get(self.OUTPUT)):
            return []
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        return [(coverage_path(pdf), self.tr("Wijken van de atlas (GeoPackage naast de PDF)"))]

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        """The base class runs ``process`` and moves the staged PDF and GeoPackage into place; then the layouts'
        coverage layer is pointed at the GeoPackage's final path."""
        from ..veerkracht_plugin.atlas import mark_as_made, point_coverage_at, remove_coverage

        self._done = None
        self._private_project = None
        try:
            results = super().processAlgorithm(parameters, context, feedback)
            if self._done is not None:
                project, layouts, coverage, path = self._done
                if not point_coverage_at(layouts, coverage, path):
                    feedback.pushWarning(self.tr("De lay-out kan {} niet openen; de PDF is wel gemaakt.").format(path))
                for layout in layouts:
                    mark_as_made(layout)  # a later run replaces it only while nobody edited it
            return results
        except BaseException:
            if self._done is not None:  # the run failed after the layouts were put in the project
                project, layouts, coverage, _ = self._done
                for layout in layouts:
                    project.layoutManager().removeLayout(layout)
                remove_coverage(project, coverage)
            raise
        finally:
            self._done = None
            self._private_project = None  # the layouts of a run without project go with it

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.atlas import (
            OVERVIEW_TEMPLATE_PATH,
            TEMPLATE_PATH,
            AtlasError,
            add_coverage,
            bind,
            build_coverage,
            coverage_path,
            export_pdf,
            keep_off_canvas,
            layer_in_project,
            load_template,
            place_layout,
            prepare_styles,
            remove_coverage,
            save_coverage,
        )
        from ..veerkracht_plugin.atlas.wijken import fetched_wijken
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
        if project is None:  # qgis_process, scripts: the layouts live in a project of their own, for this run only
            project = self._private_project = QgsProject()
        layer, added = layer_in_project(layer, project)
        gemeenten = [
            g.strip() for g in self.parameterAsString(parameters, self.GEMEENTE, context).split(",") if g.strip()
        ]
        wijken = self.parameterAsVectorLayer(parameters, self.WIJKEN, context)
        if wijken is None:
            wijken = fetched_wijken(layer)
            if wijken is not None:
                feedback.pushInfo(
                    self.tr(
                        "Geen wijklaag opgegeven: de wijken komen uit laag '{}' van {}, het GeoPackage van 'Open data "
                        "ophalen' waar de buurten van deze kaarten uit komen."
                    ).format(wijken.name(), wijken.source().split("|")[0])
                )
        maps = [MAP_IDS[i] for i in sorted(self.parameterAsEnums(parameters, self.MAPS, context))] or list(MAP_IDS)
        template = Path(self.parameterAsFile(parameters, self.TEMPLATE, context) or TEMPLATE_PATH)
        overview_template = Path(
            self.parameterAsFile(parameters, self.TEMPLATE_OVERVIEW, context) or OVERVIEW_TEMPLATE_PATH
        )
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context)).resolve()
        style_before = layer.styleManager().currentStyle()

        feedback.setProgressText(self.tr("Wijken en gemeente-overzicht voorbereiden"))
        coverage = None
        try:
            coverage = build_coverage(layer, gemeenten, wijken, feedback)
            names = sorted({f["naam"] for f in coverage.getFeatures() if f["niveau"] == "gemeente"})
            name = "Veerkracht atlas " + ", ".join(names)
            if not is_file_output(parameters.get(self.OUTPUT)):  # a temporary PDF is named after its gemeente
                pdf = pdf.with_name(file_name(name) + ".pdf")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            wijken_path = coverage_path(pdf)
            save_coverage(coverage, self.staged_path(wijken_path))
            add_coverage(project, coverage)
            prepare_styles(layer, project)
            keep_off_canvas(project, coverage)
            layouts = [
                load_template(project, f"{name} – overzicht", overview_template, 0, ("titel", "overzicht_kaart")),
                load_template(project, f"{name} – wijken", template, len(maps)),
            ]
            if self._private_project is not None:
                for layout in layouts:  # owned by the project, deleted before its layers
                    project.layoutManager().addLayout(layout)
            bind(
                zip(layouts, ("gemeente", "wijk")),
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
            chart = self.parameterAsFile(parameters, self.CHART, context)
            pictures = [(self.tr("Veerkracht door de tijd: buurten en inwoners per signaleringsklasse"), chart)]
            pages += bool(chart)
            if not export_pdf(layouts, staged_pdf, feedback, pictures if chart else ()):
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
            used = [place_layout(project, layout, feedback.pushWarning) for layout in layouts]
            self._done = (project, layouts, coverage, wijken_path)
            feedback.pushInfo(self.tr("Lay-outs '{}' en '{}' staan in het project.").format(*used))
        else:
            used = ["", ""]
            feedback.pushInfo(self.tr("Geen project: de lay-outs zijn alleen voor deze PDF gebruikt."))
        return {self.OUTPUT: str(staged_pdf), self.LAYOUT: used[1], self.LAYOUT_OVERVIEW: used[0], self.PAGES: pages}


def file_name(text):
    """``text`` without the characters Windows, macOS or Linux refuse in a file name."""
    return re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", text).strip(" .") or "Veerkracht atlas"
