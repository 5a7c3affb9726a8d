"""veerkracht:applystyles: the nine styles as named styles on a layer, and one map theme per map."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterVectorLayer,
)

from ..veerkracht_plugin.compat import NO_THREADING, POLYGON_SOURCE
from .base import VeerkrachtAlgorithm, map_choice_parameter


class ApplyStylesAlgorithm(VeerkrachtAlgorithm):
    INPUT = "INPUT"
    ACTIVE = "ACTIVE"
    SAVE_IN_SOURCE = "SAVE_IN_SOURCE"
    OUTPUT = "OUTPUT"

    NAME = "applystyles"
    DISPLAY_NAME = "Veerkrachtstijlen toepassen"
    GROUP_ID = "kaarten"
    GROUP = "Kaarten maken en delen"
    HELP = (
        "Zet de negen veerkrachtstijlen op een laag met kaartvelden: één benoemde stijl per kaart in de "
        "stijlbeheerder van de laag (de gekozen kaart actief) en één kaartthema per kaart in het project, zodat "
        "wisselen tussen kaarten één klik is en printlay-outs thema's kunnen volgen.\n\n"
        "Met 'Opslaan in de GeoPackage' worden de stijlen ook in het bestand zelf bewaard (de actieve als "
        "standaard), zodat het overal gestileerd opent."
    )

    def flags(self):
        return super().flags() | NO_THREADING  # styles and themes touch the project: main thread only

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.addParameter(
            QgsProcessingParameterVectorLayer(self.INPUT, self.tr("Laag met veerkrachtkaarten"), [POLYGON_SOURCE])
        )
        self.addParameter(map_choice_parameter(self.ACTIVE, self.tr("Actieve kaart")))
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.SAVE_IN_SOURCE, self.tr("Stijlen ook opslaan in de GeoPackage van de laag"), defaultValue=False
            )
        )
        self.addOutput(QgsProcessingOutputVectorLayer(self.OUTPUT, self.tr("Gestileerde laag")))

    def process(self, parameters, context, feedback):
        from ..veerkracht_plugin.core.catalogue import MAP_IDS, field_names
        from ..veerkracht_plugin.styling import StyleError, apply_styles, store_styles_in_geopackage

        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        missing = [m for m in MAP_IDS if layer.fields().lookupField(field_names(m)[1]) < 0]
        if missing:
            raise QgsProcessingException(
                self.tr(
                    "Laag '{}' mist kaartvelden ({}): bereken eerst de kaarten met 'Veerkrachtkaarten berekenen'."
                ).format(layer.name(), ", ".join(field_names(m)[1] for m in missing))
            )
        active = MAP_IDS[self.parameterAsEnum(parameters, self.ACTIVE, context)]
        try:
            names = apply_styles(layer, context.project(), active)
            if self.parameterAsBoolean(parameters, self.SAVE_IN_SOURCE, context):
                if layer.providerType() != "ogr" or ".gpkg" not in layer.source().lower():
                    raise QgsProcessingException(
                        self.tr("Laag '{}' is geen GeoPackage: stijlen kunnen er niet in worden opgeslagen.").format(
                            layer.name()
                        )
                    )
                store_styles_in_geopackage(layer, active)
                feedback.pushInfo(self.tr("Negen stijlen opgeslagen in {}.").format(layer.source().split("|")[0]))
        except StyleError as error:
            raise QgsProcessingException(str(error)) from error
        feedback.pushInfo(self.tr("Stijlen en kaartthema's: {}").format(", ".join(names)))
        return {self.OUTPUT: layer.id()}
