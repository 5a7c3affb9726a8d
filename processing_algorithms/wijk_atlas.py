"""veerkracht:wijkatlas: a PDF atlas with an overview page per gemeente and a page per wijk."""

from pathlib import Path

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from ..veerkracht_plugin.compat import NO_THREADING, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm


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
        "De lay-out komt in het project (Projectlay-outs), zodat u hem kunt aanpassen en opnieuw afdrukken. Het "
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

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.atlas import TEMPLATE_PATH, AtlasError, bind, build_coverage, export_pdf, load_template
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.layer_queries import is_veerkracht_layer

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
        if project.mapLayer(layer.id()) is None:  # a file path: the layout needs the layer in the project
            layer = QgsVectorLayer(layer.source(), layer.name(), layer.providerType())
            project.addMapLayer(layer)
        gemeenten = [
            g.strip() for g in self.parameterAsString(parameters, self.GEMEENTE, context).split(",") if g.strip()
        ]
        wijken = self.parameterAsVectorLayer(parameters, self.WIJKEN, context)
        maps = [MAP_IDS[i] for i in sorted(self.parameterAsEnums(parameters, self.MAPS, context))] or list(MAP_IDS)
        template = Path(self.parameterAsFile(parameters, self.TEMPLATE, context) or TEMPLATE_PATH)
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))

        feedback.setProgressText(self.tr("Wijken en gemeente-overzicht voorbereiden"))
        try:
            coverage = self._saved_coverage(build_coverage(layer, gemeenten, wijken), pdf)
            project.addMapLayer(coverage)
            names = sorted({f["naam"] for f in coverage.getFeatures() if f["niveau"] == "gemeente"})
            name = "Veerkracht atlas " + ", ".join(names)
            manager = project.layoutManager()
            existing = manager.layoutByName(name)
            if existing is not None:
                manager.removeLayout(existing)
            layout = load_template(project, name, template)
            bind(
                layout,
                project,
                layer,
                coverage,
                maps,
                layer.metadata().abstract().split("\n")[0] or f"de buurten van laag {layer.name()}",
            )
            manager.addLayout(layout)
            pages = coverage.featureCount()
            feedback.pushInfo(
                self.tr("Lay-out '{}' in het project: {} pagina's ({} wijken).").format(name, pages, pages - len(names))
            )
            feedback.setProgressText(self.tr("PDF maken"))
            if not export_pdf(layout, pdf, feedback):
                raise QgsProcessingException(self.tr("Geannuleerd: de atlas is niet (volledig) gemaakt."))
        except AtlasError as error:
            raise QgsProcessingException(str(error)) from error
        return {self.OUTPUT: str(pdf), self.LAYOUT: name, self.PAGES: pages}

    def _saved_coverage(self, coverage, pdf):
        """Keep the coverage next to the PDF, so the project's layout still works after saving and reopening."""
        path = pdf.with_name(pdf.stem + "-wijken.gpkg")
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = "atlas_dekking"
        error, message, _, _ = QgsVectorFileWriter.writeAsVectorFormatV3(
            coverage, str(path), QgsCoordinateTransformContext(), options
        )
        if error != QgsVectorFileWriter.WriterError.NoError:
            raise QgsProcessingException(self.tr("Kan {} niet schrijven: {}").format(path, message))
        saved = QgsVectorLayer(f"{path}|layername=atlas_dekking", coverage.name(), "ogr")
        saved.setRenderer(coverage.renderer().clone())
        return saved
