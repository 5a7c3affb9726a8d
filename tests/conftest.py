"""Test set-up: the repo root is the plugin folder, imported as the package 'veerkracht' as QGIS would."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from headless import plugin_import_path  # noqa: E402

plugin_import_path()


def pytest_report_header(config):
    from osgeo import gdal
    from qgis.core import Qgis
    from qgis.PyQt.QtCore import QT_VERSION_STR

    return f"QGIS {Qgis.version()}, Qt {QT_VERSION_STR}, GDAL {gdal.__version__}, Python {sys.version.split()[0]}"


@pytest.fixture(scope="session")
def veerkracht_plugin(qgis_iface, qgis_processing):
    """The plugin as QGIS loads it, with our provider registered in Processing."""
    import veerkracht

    plugin = veerkracht.classFactory(qgis_iface)
    plugin.initProcessing()
    yield plugin
    plugin.unload()


@pytest.fixture(scope="session")
def provider(veerkracht_plugin):
    return veerkracht_plugin.provider


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        pytest.fail(f"De gedeelde testdata ontbreekt: {SHARED_DATA}")
    return SHARED_DATA
