"""The 'veerkracht' Processing provider: the toolbox, models, batch mode and qgis_process see these."""

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..veerkracht_plugin.paths import ICON_PATH


class VeerkrachtProvider(QgsProcessingProvider):
    def id(self):
        return "veerkracht"

    def name(self):
        return "Veerkracht"

    def longName(self):  # noqa: N802 (QGIS API)
        return "Veerkrachtkaarten voor woningcorporaties"

    def icon(self):
        return QIcon(str(ICON_PATH))

    def loadAlgorithms(self):  # noqa: N802 (QGIS API)
        for algorithm_class in algorithm_classes():
            self.addAlgorithm(algorithm_class())


def algorithm_classes():
    """All algorithm classes, in the order the menu shows them."""
    from .apply_styles import ApplyStylesAlgorithm
    from .check_sources import CheckSourcesAlgorithm
    from .compare_editions import CompareEditionsAlgorithm
    from .compute_maps import ComputeMapsAlgorithm
    from .export_geopackage import ExportGeoPackageAlgorithm
    from .join_indicators import JoinIndicatorsAlgorithm
    from .make_maps import MakeMapsAlgorithm
    from .open_data import OpenDataAlgorithm
    from .reallocate import ReallocateAlgorithm
    from .time_series import TimeSeriesAlgorithm
    from .vastgoed_per_buurt import VastgoedPerBuurtAlgorithm
    from .vulnerability_index import VulnerabilityIndexAlgorithm
    from .web_map import WebMapAlgorithm
    from .wijk_atlas import WijkAtlasAlgorithm

    return [
        MakeMapsAlgorithm,
        OpenDataAlgorithm,
        CheckSourcesAlgorithm,
        JoinIndicatorsAlgorithm,
        ReallocateAlgorithm,
        VulnerabilityIndexAlgorithm,
        ComputeMapsAlgorithm,
        ApplyStylesAlgorithm,
        ExportGeoPackageAlgorithm,
        WijkAtlasAlgorithm,
        WebMapAlgorithm,
        VastgoedPerBuurtAlgorithm,
        CompareEditionsAlgorithm,
        TimeSeriesAlgorithm,
    ]
