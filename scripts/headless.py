"""Start QGIS without a screen and register the plugin's provider, for the demo and the benchmarks."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLUGIN_PATH = REPO / ".pytest_plugins"


def plugin_import_path():
    """Make the repo importable as the package 'veerkracht', as QGIS names the installed folder."""
    PLUGIN_PATH.mkdir(exist_ok=True)
    link = PLUGIN_PATH / "veerkracht"
    if not link.exists():
        link.symlink_to(REPO, target_is_directory=True)
    if str(PLUGIN_PATH) not in sys.path:
        sys.path.insert(0, str(PLUGIN_PATH))
    return PLUGIN_PATH


def start_qgis(with_plugin=True):
    """QgsApplication + Processing (+ our provider). Returns the application; keep a reference."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(QgsApplication.pkgDataPath() + "/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    if with_plugin:
        plugin_import_path()
        import veerkracht

        app.veerkracht_plugin = veerkracht.classFactory(None)
        app.veerkracht_plugin.initProcessing()
    return app
