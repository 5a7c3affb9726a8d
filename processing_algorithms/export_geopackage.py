"""veerkracht:exportgeopackage: one GeoPackage with the layer, its nine styles and a QGIS project inside."""

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterVectorLayer,
    QgsProject,
    QgsVectorLayer,
)

from ..veerkracht_plugin.compat import NO_THREADING, POLYGON_SOURCE
from ..veerkracht_plugin.geopackage import write_layer
from .base import VeerkrachtAlgorithm, map_choice_parameter

LAYER_NAME = "veerkrachtkaarten"
PROJECT_NAME = "Veerkrachtkaarten"


def geopackage_project_uri(path):
    return f"geopackage:{path}?projectName={PROJECT_NAME}"


class ExportGeoPackageAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    ACTIVE = "ACTIVE"
    OUTPUT = "OUTPUT"

    NAME = "exportgeopackage"
    DISPLAY_NAME = "Delen als GeoPackage"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Schrijft de veerkrachtkaarten naar één GeoPackage om te delen met gemeente, zorgpartners en huurders: "
        "de laag, de negen stijlen (de gekozen kaart als standaard) en een QGIS-project met een kaartthema per "
        "kaart, allemaal in hetzelfde bestand.\n\n"
        "Wie het bestand in QGIS opent (ook zonder deze plugin) ziet de gestileerde kaart; via Project > Openen "
        "vanuit > GeoPackage opent het project met alle negen kaarten."
    )

    def flags(self):
        return super().flags() | NO_THREADING  # builds a project: main thread only

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.INPUT, self.tr("Laag met veerkrachtkaarten"), [POLYGON_SOURCE])
        )
        self.addParameter(map_choice_parameter(self.ACTIVE, self.tr("Kaart die standaard wordt getoond")))
        self.addParameter(
            QgsProcessingParameterFileDestination(self.OUTPUT, self.tr("GeoPackage"), self.tr("GeoPackage (*.gpkg)"))
        )

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS
        from ..veerkracht_plugin.styling import StyleError, apply_styles, store_styles_in_geopackage

        source = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        target = Path(self.parameterAsFileOutput(parameters, self.OUTPUT, context))
        if target.suffix.lower() != ".gpkg":
            target = target.with_suffix(".gpkg")
        path = self.staged_path(target)  # a fresh file, moved over an earlier export only when complete
        active = MAP_IDS[self.parameterAsEnum(parameters, self.ACTIVE, context)]

        feedback.setProgressText(self.tr("Laag schrijven"))
        error = write_layer(source, path, LAYER_NAME)
        if error:
            raise QgsProcessingException(self.tr("Kan {} niet schrijven: {}").format(target, error))
        feedback.setProgress(40)
        if feedback.isCanceled():
            return {}  # the base class discards the staged file

        layer = QgsVectorLayer(f"{path}|layername={LAYER_NAME}", source.name() or LAYER_NAME, "ogr")
        layer.setMetadata(source.metadata())
        project = QgsProject()
        project.setTitle(f"{PROJECT_NAME}: {source.name()}")
        project.setCrs(source.crs())
        project.addMapLayer(layer)
        feedback.setProgressText(self.tr("Stijlen en project opslaan"))
        try:
            apply_styles(layer, project, active)
            store_styles_in_geopackage(layer, active)
        except StyleError as error:
            raise QgsProcessingException(str(error)) from error
        feedback.setProgress(80)
        if not project.write(geopackage_project_uri(path)):
            raise QgsProcessingException(
                self.tr("Kan het project niet in {} opslaan: {}").format(path, project.error())
            )
        del layer, project  # close the GeoPackage before it is moved into place
        feedback.pushInfo(
            self.tr("Gedeeld: {} (laag '{}', negen stijlen, project '{}').").format(target, LAYER_NAME, PROJECT_NAME)
        )
        return {self.OUTPUT: str(path)}
