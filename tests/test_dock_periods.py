"""The dock on a 'Veerkracht door de tijd' layer (issue 17, point 4): choose the period to show, and read a
selected buurt's classes over the periods."""

import pytest
from qgis.core import QgsProject, QgsVectorLayer
from test_dock_state import dock_on, drop, make_dock
from test_time_series import LABELS, series  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture
def dock_on_series(qgis_iface, series):  # noqa: F811
    with dock_on(qgis_iface, series[0], "Baarn door de tijd") as (widget, layer):
        assert layer.featureCount() == 21 * len(LABELS)
        yield widget, layer


def test_periods_are_offered_and_filter_the_map(dock_on_series):
    widget, layer = dock_on_series
    assert not widget.periods.isHidden()
    offered = [widget.periods.combo.itemText(i) for i in range(widget.periods.combo.count())]
    assert offered == LABELS
    assert widget.periods.combo.currentText() == LABELS[-1]
    widget.select_gemeenten({"GM0308"})
    assert layer.featureCount() == 21 and {f["periode"] for f in layer.getFeatures()} == {LABELS[-1]}
    widget.periods.combo.setCurrentIndex(0)
    assert layer.featureCount() == 21 and {f["periode"] for f in layer.getFeatures()} == {LABELS[0]}
    assert sum(int(widget.summary.item(r, 1).text()) for r in range(widget.summary.rowCount())) == 21


def test_selected_buurt_shows_its_classes_over_the_periods(dock_on_series):
    from veerkracht.veerkracht_plugin.core.catalogue import class_labels

    widget, layer = dock_on_series
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("overlast"))
    widget.periods.combo.setCurrentIndex(len(LABELS) - 1)
    feature = next(layer.getFeatures())
    layer.selectByIds([feature.id()])
    every = QgsVectorLayer(layer.source(), "alle", "ogr")
    expected = {
        f["periode"]: class_labels("overlast")[f["overlast_klasse"]]
        for f in every.getFeatures()
        if f["buurtcode"] == feature["buurtcode"]
    }
    history = widget.periods.history
    shown = {history.item(r, 0).text(): history.item(r, 1).text() for r in range(history.rowCount())}
    assert shown == expected and len(shown) == len(LABELS)
    assert feature["buurtcode"] in widget.periods.caption.text()


def test_panel_hidden_for_a_layer_without_periods(qgis_iface, tmp_path, shared_data):
    from test_styles_and_sharing import baarn_job

    from helpers import run

    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / "k.gpkg")})
    project = QgsProject.instance()
    project.clear()
    project.addMapLayer(QgsVectorLayer(str(tmp_path / "k.gpkg"), "Baarn", "ogr"))
    widget = make_dock(qgis_iface)
    try:
        assert widget.periods.isHidden() and widget.periods.filter_expression() == ""
    finally:
        drop(widget)
        project.clear()
