"""The gemeente dock with qgis_iface on the sample data (issue: the gemeente dock)."""

import pytest
from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt import sip

from helpers import run

pytestmark = pytest.mark.usefixtures("provider")


def map_fields():
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, field_names

    return [name for map_id in MAP_IDS for name in field_names(map_id)]


@pytest.fixture(scope="module")
def two_gemeenten(provider, tmp_path_factory):
    """Utrecht (statcode only, 2019) and Baarn (PDOK 2024) maps in one GeoPackage with a common buurtcode."""
    from test_styles_and_sharing import baarn_job, utrecht_job

    from conftest import SHARED_DATA

    folder = tmp_path_factory.mktemp("dock")
    results = [
        run(
            "makemaps",
            {**utrecht_job(SHARED_DATA), "OUTPUT": "TEMPORARY_OUTPUT"},
        )["OUTPUT"],
        run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"],
    ]
    from veerkracht.veerkracht_plugin.compat import make_field

    merged = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "twee gemeenten", "memory")
    fields = [make_field("buurtcode", "text"), make_field("aantal_inwoners", "int32")]
    fields += [
        make_field(n, "float" if n.endswith("waarde") else "int32" if n.endswith("klasse") else "text")
        for n in map_fields()
    ]
    merged.dataProvider().addAttributes(fields)
    merged.updateFields()
    for layer, code_field, people in (
        (results[0], "statcode", "kwb2023_a_inw"),
        (results[1], "buurtcode", "kwb2023_aantal_inwoners"),
    ):
        for feature in layer.getFeatures():
            out = QgsFeature(merged.fields())
            out.setGeometry(feature.geometry())
            out.setAttributes([feature[code_field], feature[people]] + [feature[n] for n in map_fields()])
            merged.dataProvider().addFeature(out)
    path = folder / "twee.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV3(merged, str(path), QgsProject.instance().transformContext(), options)
    return path


@pytest.fixture
def dock(qgis_iface, two_gemeenten):
    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    project = QgsProject.instance()
    project.clear()
    layer = QgsVectorLayer(str(two_gemeenten), "Utrecht en Baarn", "ogr")
    project.addMapLayer(layer)
    widget = VeerkrachtDock(qgis_iface, qgis_iface.mainWindow())
    yield widget, layer
    widget.disconnect_project()
    widget.deleteLater()
    project.clear()


def codes_in_list(widget):
    return [widget.gemeente_list.item(i).text() for i in range(widget.gemeente_list.count())]


def test_picking_utrecht_filters_and_zooms(dock, qgis_iface):
    widget, layer = dock
    assert widget.layer is layer
    assert codes_in_list(widget) == ["Baarn (GM0308)", "Utrecht (GM0344)"] or codes_in_list(widget) == [
        "GM0308",
        "GM0344",
    ]
    widget.select_gemeenten({"GM0344"})
    assert layer.featureCount() == 111
    assert all(f["buurtcode"].startswith("BU0344") for f in layer.getFeatures())
    canvas = qgis_iface.mapCanvas()
    transform = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    utrecht_extent = transform.transformBoundingBox(layer.extent())
    assert canvas.extent().contains(utrecht_extent)
    utrecht_view = canvas.extent()

    widget.select_gemeenten({"GM0344", "GM0308"})
    assert layer.featureCount() == 132
    both = transform.transformBoundingBox(layer.extent())
    assert not utrecht_view.contains(both)  # the Utrecht view left Baarn out
    assert canvas.extent().contains(both)
    widget.all_button.click()
    assert layer.subsetString() == "" and layer.featureCount() == 132


def test_search_filters_the_list(dock):
    widget, _ = dock
    widget.search.setText("0308")
    visible = [
        widget.gemeente_list.item(i).text()
        for i in range(widget.gemeente_list.count())
        if not widget.gemeente_list.item(i).isHidden()
    ]
    assert visible == ["GM0308"]


def test_switching_map_changes_renderer_and_counts(dock):
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, class_labels

    widget, layer = dock
    widget.select_gemeenten({"GM0308"})
    widget.map_combo.setCurrentIndex(MAP_IDS.index("focus"))
    assert layer.renderer().classAttribute() == "focus_klasse"
    widget.map_combo.setCurrentIndex(MAP_IDS.index("overlast"))
    assert layer.renderer().classAttribute() == "overlast_klasse"

    expected_buurten, expected_people = {}, {}
    for feature in layer.getFeatures():
        code = feature["overlast_klasse"]
        expected_buurten[code] = expected_buurten.get(code, 0) + 1
        expected_people[code] = expected_people.get(code, 0) + max(feature["aantal_inwoners"] or 0, 0)
    table = widget.summary
    assert table.rowCount() == len(class_labels("overlast"))
    for row in range(table.rowCount()):
        code = table.item(row, 0).data(0x0100)
        assert table.item(row, 0).text() == class_labels("overlast")[code]
        assert int(table.item(row, 1).text()) == expected_buurten.get(code, 0)
        assert int(table.item(row, 2).text().replace(".", "")) == expected_people.get(code, 0)

    row = next(r for r in range(table.rowCount()) if int(table.item(r, 1).text()) > 0)
    widget._class_clicked(row, 0)
    assert layer.selectedFeatureCount() == int(table.item(row, 1).text())


def test_pressure_list_names_signalering_class_one(dock):
    widget, layer = dock
    widget.select_gemeenten({"GM0308"})
    expected = sum(1 for f in layer.getFeatures() if f["signalering_klasse"] == 1)
    listed = [widget.pressure_list.item(i) for i in range(widget.pressure_list.count())]
    assert len([i for i in listed if i.data(0x0100) is not None]) == expected
    if not expected:
        assert listed[0].text().startswith("Geen buurten")


def test_choice_is_restored_from_the_project(dock, tmp_path):
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    widget, layer = dock
    widget.map_combo.setCurrentIndex(MAP_IDS.index("kwetsbaar"))
    widget.select_gemeenten({"GM0308"})
    path = tmp_path / "project.qgz"
    assert QgsProject.instance().write(str(path))
    QgsProject.instance().clear()
    widget.map_combo.setCurrentIndex(0)
    assert QgsProject.instance().read(str(path))  # readProject -> dock.restore
    assert widget.current_map() == "kwetsbaar"
    assert [g.code for g in widget.chosen_gemeenten()] == ["GM0308"]
    assert widget.layer.featureCount() == 21


def test_gemeente_names_with_apostrophes(qgis_iface):
    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    project = QgsProject.instance()
    project.clear()
    fields = "&".join(f"field={n}:{'integer' if n.endswith('klasse') else 'string'}" for n in map_fields())
    for with_codes in (True, False):
        uri = "Polygon?crs=EPSG:28992&field=gemeentenaam:string" + ("&field=gemeentecode:string" if with_codes else "")
        layer = QgsVectorLayer(f"{uri}&{fields}", "randstad", "memory")
        for name, code in (("'s-Gravenhage", "GM0518"), ("'s-Hertogenbosch", "GM0796"), ("Delft", "GM0503")):
            feature = QgsFeature(layer.fields())
            feature["gemeentenaam"] = name
            if with_codes:
                feature["gemeentecode"] = code
            layer.dataProvider().addFeature(feature)
        project.addMapLayer(layer)
        widget = VeerkrachtDock(qgis_iface, qgis_iface.mainWindow())
        try:
            shown = codes_in_list(widget)
            assert ("'s-Gravenhage (GM0518)" if with_codes else "'s-Gravenhage") in shown
            assert shown.index("Delft (GM0503)" if with_codes else "Delft") == 0  # sorted as CBS does: under S
            key = "GM0518" if with_codes else "'s-Gravenhage"
            widget.select_gemeenten({key})
            assert layer.featureCount() == 1, layer.subsetString()
            assert next(layer.getFeatures())["gemeentenaam"] == "'s-Gravenhage"
        finally:
            widget.disconnect_project()
            sip.delete(widget)
            project.clear()
