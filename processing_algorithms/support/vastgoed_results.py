"""How the results of 'Eigen bezit per buurt' look when QGIS loads them: the buurten with the nine veerkracht
styles (signalering shown), the own vastgoed as white dots (or outlines) with a dark edge that stay readable on
every class colour. Main thread only."""

from collections import deque

from qgis.core import QgsProcessingLayerPostProcessorInterface

BUURTEN_NAME, VASTGOED_NAME = "Eigen bezit per buurt", "Eigen vastgoed met buurtklassen"


def attach_styles(context, buurten, vastgoed):
    """A post-processor for each output QGIS will load that has none yet (never replace one: QGIS crashes)."""
    for output, kind in ((buurten, "buurten"), (vastgoed, "vastgoed")):
        if output and context.willLoadLayerOnCompletion(output):
            details = context.layerToLoadOnCompletionDetails(output)
            if details.postProcessor() is None:
                details.setPostProcessor(VastgoedPostProcessor(kind))


def vastgoed_symbol(geometry_type):
    """White dots with a dark edge for points, a dark outline for complex polygons (vastgoed has no lines)."""
    from qgis.core import QgsFillSymbol, QgsMarkerSymbol

    from ...veerkracht_plugin.compat import POINT_GEOMETRY

    if geometry_type == POINT_GEOMETRY:
        return QgsMarkerSymbol.createSimple(
            {
                "name": "circle",
                "color": "255,255,255",
                "outline_color": "35,35,35",
                "outline_width": "0.5",
                "size": "2.8",
            }
        )
    return QgsFillSymbol.createSimple(
        {"color": "255,255,255,60", "outline_color": "35,35,35", "outline_width": "0.6", "style": "solid"}
    )


class VastgoedPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """The style and a name for one loaded output; QGIS does not own post-processors, so the last few stay here."""

    alive = deque(maxlen=32)

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        VastgoedPostProcessor.alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        from qgis.core import QgsSingleSymbolRenderer

        from ...veerkracht_plugin.styling import apply_styles

        if self.kind == "buurten":
            layer.setName(BUURTEN_NAME)
            apply_styles(layer, context.project(), "signalering")
        else:
            layer.setName(VASTGOED_NAME)
            layer.setRenderer(QgsSingleSymbolRenderer(vastgoed_symbol(layer.geometryType())))
        layer.triggerRepaint()
