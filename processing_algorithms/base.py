"""What every veerkracht algorithm shares: translation, instance creation, group and icon."""

from qgis.core import QgsProcessingAlgorithm, QgsProcessingParameterNumber
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..veerkracht_plugin.compat import INTEGER
from ..veerkracht_plugin.paths import ICON_PATH


class VeerkrachtAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY_NAME, GROUP_ID/GROUP and HELP (Dutch)."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP_ID = "veerkrachtkaarten"
    GROUP = "Veerkrachtkaarten"
    HELP = ""

    def tr(self, text):
        return QCoreApplication.translate("Veerkracht", text)

    def createInstance(self):  # noqa: N802 (QGIS API)
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr(self.GROUP)

    def groupId(self):  # noqa: N802 (QGIS API)
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802 (QGIS API)
        return self.tr(self.HELP)

    def shortDescription(self):  # noqa: N802 (QGIS API)
        return self.tr(self.HELP.split("\n", 1)[0])

    def icon(self):
        return QIcon(str(ICON_PATH))


def year_parameter(name, description, default=None, optional=False):
    """A year as an integer between 1900 and 2100."""
    return QgsProcessingParameterNumber(
        name, description, INTEGER, defaultValue=default, optional=optional, minValue=1900, maxValue=2100
    )
