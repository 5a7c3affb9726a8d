"""The dock and the project (issue 14 point 7): gemeenten from the buurt code, the choice back after a reload,
the legend's labels in the class table, browsing without modifying the project, and following the layer's style.

On the Utrecht sample maps: a layer with only `statcode` (no gemeentecode, no gemeente name) and leefbaarheid
classes on the stand-in afw thresholds, so its labels end with " (voorlopige grenzen)".
"""

from contextlib import contextmanager

import pytest
from qgis.core import QgsProject
from qgis.PyQt import sip

from helpers import only_layer_in_project, run

pytestmark = pytest.mark.usefixtures("provider")

UTRECHT_BUURTEN = 111


@pytest.fixture(scope="module")
def utrecht_maps(provider, tmp_path_factory):
    from test_styles_and_sharing import utrecht_job

    from conftest import SHARED_DATA

    path = tmp_path_factory.mktemp("dock_state") / "utrecht.gpkg"
    run("makemaps", {**utrecht_job(SHARED_DATA), "OUTPUT": str(path)})
    return path


def make_dock(iface):
    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    return VeerkrachtDock(iface, iface.mainWindow())


def drop(widget):
    widget.disconnect_project()
    sip.delete(widget)


@contextmanager
def dock_on(iface, path, name):
    """A dock on a project that holds only the layer at ``path``."""
    with only_layer_in_project(path, name) as layer:
        assert layer.isValid()
        widget = make_dock(iface)
        try:
            yield widget, layer
        finally:
            if not sip.isdeleted(widget):
                drop(widget)


@pytest.fixture
def utrecht(qgis_iface, utrecht_maps):
    with dock_on(qgis_iface, utrecht_maps, "Utrecht") as (widget, layer):
        assert "gemeentecode" not in layer.fields().names() and "statcode" in layer.fields().names()
        yield widget, layer


def listed(widget):
    return [widget.gemeente_list.item(i).text() for i in range(widget.gemeente_list.count())]


def selected(widget):
    return [item.text() for item in widget.gemeente_list.selectedItems()]


def table_labels(widget):
    return {
        widget.summary.item(row, 0).data(0x0100): widget.summary.item(row, 0).text()
        for row in range(widget.summary.rowCount())
    }


def test_gemeente_from_the_buurt_code(utrecht):
    widget, layer = utrecht
    assert listed(widget) == ["GM0344"]
    widget.select_gemeenten({"GM0344"})
    assert layer.subsetString() and layer.featureCount() == UTRECHT_BUURTEN
    assert selected(widget) == ["GM0344"]


def test_choice_shown_again_after_reload(utrecht, qgis_iface, tmp_path):
    widget, layer = utrecht
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("kwetsbaar"))
    widget.select_gemeenten({"GM0344"})
    path = tmp_path / "utrecht.qgs"
    project = QgsProject.instance()
    assert project.write(str(path))
    assert "GM0344" in path.read_text(encoding="utf-8")

    # the dock that was open when the project was read again
    project.clear()
    assert widget.gemeente_list.count() == 0
    assert project.read(str(path))
    assert selected(widget) == ["GM0344"]
    assert widget.current_map() == "kwetsbaar"
    assert widget.layer.featureCount() == UTRECHT_BUURTEN

    # a dock made after the project was read (QGIS started with the project, plugin loaded afterwards)
    drop(widget)
    project.clear()
    assert project.read(str(path))
    later = make_dock(qgis_iface)
    try:
        assert selected(later) == ["GM0344"]
        assert later.current_map() == "kwetsbaar"
        assert later.layer.renderer().classAttribute() == "kwetsbaar_klasse"
    finally:
        drop(later)


def test_class_table_shows_the_legend_labels(utrecht):
    from veerkracht.veerkracht_plugin.core.catalogue import class_labels, load_catalogue

    widget, layer = utrecht
    note = load_catalogue()["afw_drempels"]["label_toevoeging"]
    assert note == " (voorlopige grenzen)"
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("leefbaarheid"))
    legend = {int(category.value()): category.label() for category in layer.renderer().categories()}
    shown = table_labels(widget)
    assert shown == legend
    assert all(label.endswith(note) for code, label in shown.items() if code != 0)
    assert shown[0] == "onvoldoende gegevens"  # class 0 is no class of the stand-in thresholds
    values = {f["leefbaarheid_label"] for f in layer.getFeatures() if f["leefbaarheid_klasse"] != 0}
    assert values <= set(shown.values())  # the labels in the data, the legend and the table agree

    widget.map_combo.setCurrentIndex(widget.map_combo.findData("overlast"))  # no note on the other maps
    assert table_labels(widget) == class_labels("overlast")


def test_browsing_does_not_modify_the_project(utrecht, tmp_path):
    widget, layer = utrecht
    project = QgsProject.instance()
    path = tmp_path / "browse.qgs"
    assert project.write(str(path)) and not project.isDirty()
    for map_id in ("leefbaarheid", "focus", "signalering_relatief"):
        widget.map_combo.setCurrentIndex(widget.map_combo.findData(map_id))
        assert not project.isDirty(), map_id
    widget.select_gemeenten({"GM0344"})
    assert not project.isDirty()
    widget.all_button.click()
    assert not project.isDirty()
    widget.search.setText("0344")
    widget.gemeente_list.item(0).setSelected(True)  # as a click does
    assert layer.subsetString() and not project.isDirty()
    widget._class_clicked(0, 0)
    assert not project.isDirty()
    assert project.readEntry("veerkracht", "map", "")[0] == "signalering"  # as first saved: nothing written since

    assert project.write(str(path)) and not project.isDirty()  # written when saved
    assert project.readEntry("veerkracht", "map", "")[0] == "signalering_relatief"
    assert project.readListEntry("veerkracht", "gemeenten", [])[0] == ["GM0344"]
    assert project.readEntry("veerkracht", "layer", "")[0] == layer.id()


def test_real_edits_still_mark_the_project(utrecht, tmp_path):
    widget, layer = utrecht
    project = QgsProject.instance()
    assert project.write(str(tmp_path / "edit.qgs")) and not project.isDirty()
    widget.select_gemeenten({"GM0344"})
    layer.setName("Utrecht hernoemd")  # the user's own change, not the dock's
    assert project.isDirty()


def test_dock_follows_the_layers_style(utrecht):
    import processing

    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, class_labels
    from veerkracht.veerkracht_plugin.styling import style_name

    widget, layer = utrecht
    widget.select_gemeenten({"GM0344"})
    layer.styleManager().setCurrentStyle(style_name("focus"))  # the layer's style menu, a map theme
    assert widget.current_map() == "focus"
    assert widget.map_combo.currentText() == style_name("focus")
    assert table_labels(widget) == class_labels("focus")
    assert widget.explanation.text()

    processing.run("veerkracht:applystyles", {"INPUT": layer, "ACTIVE": MAP_IDS.index("overlast")})
    assert layer.styleManager().currentStyle() == style_name("overlast")
    assert widget.current_map() == "overlast"
    assert layer.renderer().classAttribute() == "overlast_klasse"
    assert table_labels(widget) == class_labels("overlast")
    counted = sum(int(widget.summary.item(row, 1).text()) for row in range(widget.summary.rowCount()))
    assert counted == UTRECHT_BUURTEN

    widget.map_combo.setCurrentIndex(widget.map_combo.findData("kwetsbaar"))  # and the dock still drives it
    assert layer.styleManager().currentStyle() == style_name("kwetsbaar")


def wheel(widget, steps=-1):
    """A mouse wheel turn over ``widget`` (negative: towards the user), as the desktop sends it."""
    from qgis.PyQt.QtCore import QPoint, QPointF, Qt
    from qgis.PyQt.QtGui import QWheelEvent
    from qgis.PyQt.QtWidgets import QApplication

    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_the_map_choice_scrolls_the_dock(utrecht):
    """Found in the desktop (issue 24): scrolling the dock with the mouse over 'Kaart' changed the map, and the
    layer was left on another style than the combo showed."""
    from qgis.PyQt.QtCore import QCoreApplication

    from veerkracht.veerkracht_plugin.styling import style_name

    widget, layer = utrecht
    widget.setFloating(True)
    widget.resize(420, 300)  # small: the dock's contents scroll
    widget.show()
    QCoreApplication.processEvents()
    bar = widget.widget().verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)
    before, scrolled = widget.current_map(), bar.value()
    assert not widget.map_combo.hasFocus()
    for combo in (widget.map_combo, widget.layer_combo, widget.fetch_section.end_year):
        wheel(combo)
    QCoreApplication.processEvents()
    assert widget.current_map() == before
    assert layer.styleManager().currentStyle() == style_name(before)
    assert bar.value() > scrolled  # the wheel went to the dock
