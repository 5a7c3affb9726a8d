"""Test set-up: the repo root is the plugin folder, imported as the package 'veerkracht' as QGIS would."""

import hashlib
import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Real public extracts, copied into the repository (tests/data/README.md says from where)
SHARED_DATA = REPO / "tests" / "data"
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
        pytest.fail(f"De testdata ontbreekt: {SHARED_DATA}")
    return SHARED_DATA


def _input_files():
    """Every file a test may read: the shared data, the bundled sample data, the styles and the template."""
    roots = [SHARED_DATA, REPO.parent / "shared" / "data", REPO / "resources", REPO / "styles"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file())


def _digests():
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in _input_files()}


@pytest.fixture(scope="session", autouse=True)
def inputs_untouched():
    """Nothing is lost (issue 12.3): every input file has the same sha256 after the whole run as before."""
    before = _digests()
    yield
    after = _digests()
    changed = sorted(str(p) for p in before if after.get(p) != before[p])
    added = sorted(str(p) for p in after if p not in before)
    assert not changed and not added, f"Tests hebben invoer gewijzigd: {changed}; nieuw naast de invoer: {added}"


@pytest.fixture
def services(tmp_path, monkeypatch):
    """The local fake of PDOK and the Leefbaarometer (tests/fake_services.py), with the plugin pointed at it
    (VEERKRACHT_BRONNEN) and a cache of this test's own (VEERKRACHT_CACHE)."""
    from fake_services import FakeServices

    with FakeServices() as fake:
        monkeypatch.setenv("VEERKRACHT_BRONNEN", str(fake.write_bronnen(tmp_path / "bronnen.json")))
        monkeypatch.setenv("VEERKRACHT_CACHE", str(tmp_path / "cache"))
        yield fake
