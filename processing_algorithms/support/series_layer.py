"""The series layer of veerkracht:timeseries: its date fields, the inhabitants of a period, and the temporal
settings that let QGIS' temporal controller play the periods, also when the toolbox loads the layer."""

import re

from qgis.core import QgsProcessingLayerPostProcessorInterface

from ...veerkracht_plugin.compat import TEMPORAL_FROM_FIELDS

DATE_FIELDS = ("periode_begin", "periode_eind", "geldig_van", "geldig_tot")


def date_fields():
    """Date fields made by QGIS itself (a memory layer's), so no QVariant/QMetaType type constant is needed."""
    from qgis.core import QgsVectorLayer

    spec = "&".join(f"field={name}:date" for name in DATE_FIELDS)
    scratch = QgsVectorLayer(f"None?{spec}", "datums", "memory")
    return [scratch.fields().field(name) for name in DATE_FIELDS]


def period_inwoners_field(names):
    """The inhabitants of the period's end year: kwbYYYY_<inwoners> with the highest year, else the layer's."""
    from ...veerkracht_plugin.core.detect import column_names
    from ...veerkracht_plugin.layer_queries import INWONERS_FIELDS

    wanted = {n.lower() for n in column_names()["inwoners"]} | {n.lower() for n in INWONERS_FIELDS}
    joined = [
        (int(m.group(1)), n) for n in names if (m := re.match(r"kwb(\d{4})_(.+)$", n)) and m.group(2).lower() in wanted
    ]
    if joined:
        return max(joined)[1]
    return next((n for n in names if n.lower() in wanted), None)


def set_temporal(layer):
    """Signalering style, and the temporal controller plays the periods (geldig_van until geldig_tot)."""
    from ...veerkracht_plugin.styling import load_style

    load_style(layer, "signalering")
    properties = layer.temporalProperties()
    properties.setMode(TEMPORAL_FROM_FIELDS)
    properties.setStartField("geldig_van")
    properties.setEndField("geldig_tot")
    properties.setIsActive(True)


class TemporalPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """When the series is loaded: its name, the signalering style and the temporal settings. QGIS does not own
    post-processors: the last few stay referenced here."""

    alive = []

    def __init__(self, name):
        super().__init__()
        self.name = name
        TemporalPostProcessor.alive = TemporalPostProcessor.alive[-31:] + [self]

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        layer.setName(self.name)
        set_temporal(layer)
