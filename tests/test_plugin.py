"""The plugin loads, shows its entries, registers Processing and leaves nothing behind."""

import subprocess
import sys
import zipfile

import pytest
from qgis.core import QgsApplication, QgsSettings
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtWidgets import QToolBar

from conftest import REPO
from veerkracht.processing_algorithms.provider import algorithm_classes

EXPECTED_ALGORITHMS = {
    "joinindicators",
    "vulnerabilityindex",
    "computemaps",
    "makemaps",
    "applystyles",
    "exportgeopackage",
    "wijkatlas",
    "webkaart",
}


def test_provider_registered(provider):
    registered = QgsApplication.processingRegistry().providerById("veerkracht")
    assert registered is provider
    assert registered.name() == "Veerkracht"
    assert {alg.name() for alg in registered.algorithms()} >= EXPECTED_ALGORITHMS


def test_gui_entries_appear_and_disappear(veerkracht_plugin, qgis_iface, monkeypatch):
    added, removed = [], []
    monkeypatch.setattr(qgis_iface, "addPluginToMenu", lambda menu, action: added.append((menu, action)))
    monkeypatch.setattr(qgis_iface, "removePluginMenu", lambda menu, action: removed.append((menu, action)))
    registry = QgsApplication.processingRegistry()

    def our_toolbars():
        return [t for t in qgis_iface.mainWindow().findChildren(QToolBar) if t.objectName() == "VeerkrachtToolbar"]

    opened = []
    monkeypatch.setattr(
        type(veerkracht_plugin), "open_dialog", staticmethod(lambda alg_id, _checked=False: opened.append(alg_id))
    )
    try:
        veerkracht_plugin.initGui()
        n_algorithms = len(veerkracht_plugin.provider.algorithms())
        assert len(added) == n_algorithms + 1  # every algorithm and the dock
        assert all(menu == "&Veerkracht" for menu, _ in added)
        assert [a.text() for _, a in added[:-1]] == [
            alg.displayName() for alg in (cls() for cls in algorithm_classes())
        ]
        assert added[0][1].text() == "Veerkrachtkaarten maken"  # the one-step algorithm first
        assert added[-1][1].text().startswith("Veerkracht-dock")
        assert len(our_toolbars()) == 1
        buttons = our_toolbars()[0].actions()
        assert [b.objectName() for b in buttons] == ["veerkracht_dock", "veerkracht_makemaps", "veerkracht_wijkatlas"]
        for button in buttons:  # each button opens what its tooltip names
            assert button.toolTip().startswith(button.text().split(":")[0])
        dock_button = our_toolbars()[0].widgetForAction(buttons[0])
        assert dock_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        assert dock_button.text() == "Veerkracht"
        buttons[1].trigger()
        buttons[2].trigger()
        assert opened == ["veerkracht:makemaps", "veerkracht:wijkatlas"]
        images = {b.objectName(): b.icon().pixmap(32, 32).toImage() for b in buttons}
        assert len({bytes(image.constBits().asarray(image.sizeInBytes())) for image in images.values()}) == 3
        assert len(qgis_iface.mainWindow().findChildren(QgsDockWidget, "VeerkrachtDock")) == 1

        veerkracht_plugin.unload()
        QgsApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert [a for _, a in removed] == [a for _, a in added]
        assert registry.providerById("veerkracht") is None
        assert our_toolbars() == []
        assert qgis_iface.mainWindow().findChildren(QgsDockWidget, "VeerkrachtDock") == []
    finally:
        veerkracht_plugin.initProcessing()  # the other tests need the provider again
    assert registry.providerById("veerkracht") is veerkracht_plugin.provider


def test_a_fresh_install_opens_the_dock_once(veerkracht_plugin, qgis_iface):
    """13 clicks in the QA pass: a new user looked for the dock first. It opens by itself once after installing."""
    from veerkracht.veerkracht_plugin.plugin import DOCK_INTRODUCED

    QgsSettings().remove(DOCK_INTRODUCED)
    try:
        veerkracht_plugin.initGui()
        assert not veerkracht_plugin.dock.isHidden()
        assert QgsSettings().value(DOCK_INTRODUCED, False, type=bool)
        veerkracht_plugin.unload()
        veerkracht_plugin.initGui()  # the next start: as the user left it (QGIS restores docks by name)
        assert veerkracht_plugin.dock.isHidden()
        veerkracht_plugin.unload()
        QgsApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        veerkracht_plugin.initProcessing()


def test_import_does_not_load_pandas():
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "import veerkracht, veerkracht.veerkracht_plugin.plugin, veerkracht.processing_algorithms.provider; "
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(REPO / ".pytest_plugins")], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.fixture(scope="module")
def packaged_zip(tmp_path_factory):
    target = tmp_path_factory.mktemp("dist") / "veerkracht.zip"
    subprocess.run([sys.executable, str(REPO / "scripts" / "package.py"), str(target)], check=True)
    return target


def test_package_contents(packaged_zip):
    with zipfile.ZipFile(packaged_zip) as archive:
        names = archive.namelist()
    assert all(name.startswith("veerkracht/") for name in names)
    assert "veerkracht/__init__.py" in names
    assert "veerkracht/metadata.txt" in names
    assert "veerkracht/resources/icon.svg" in names
    assert not any(name.startswith(("veerkracht/tests/", "veerkracht/.venv/", "veerkracht/.git/")) for name in names)
    assert not any("__pycache__" in name for name in names)


def test_packaged_zip_loads_in_qgis(packaged_zip, tmp_path):
    """Unpack the zip as 'Install from ZIP' does and load it with qgis.utils in a fresh QGIS process."""
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(packaged_zip) as archive:
        archive.extractall(plugins)
    script = f"""
import sys
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
sys.path[:0] = [{str(plugins)!r}, QgsApplication.pkgDataPath() + '/python/plugins']
import qgis.utils
from processing.core.Processing import Processing
Processing.initialize()
qgis.utils.plugin_paths = [{str(plugins)!r}]
assert qgis.utils.loadPlugin('veerkracht'), 'loadPlugin failed'
assert qgis.utils.startProcessingPlugin('veerkracht'), 'startProcessingPlugin failed'
provider = QgsApplication.processingRegistry().providerById('veerkracht')
print('PROVIDER', provider.name() if provider else None)
print('FROM', sys.modules['veerkracht'].__file__)
print('PANDAS', 'pandas' in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["PROVIDER"] == "Veerkracht"
    assert lines["FROM"].startswith(str(plugins))
    assert lines["PANDAS"] == "False"
