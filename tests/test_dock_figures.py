"""The dock's figures read once per layer (issue 18 point 5): a gemeente switch reads nothing from the file, and
shows what the layer's filter shows: the same count, extent, class counts on every map and buurten under pressure
as a query on the filtered layer; read as filtered while the layer is edited, filtered by someone else, or when
its codes are written otherwise than the filter asks."""

import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsRectangle, QgsVectorLayer
from test_dock import dock, map_fields, two_gemeenten  # noqa: F401 (fixtures: Utrecht and Baarn in one GeoPackage)
from test_dock_periods import dock_on_series  # noqa: F401 (fixture)
from test_dock_state import drop, make_dock
from test_time_series import LABELS, series  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("provider")


def live(layer):
    from veerkracht.veerkracht_plugin.dock.figures import live_figures

    return live_figures(layer)


def described(figures):
    """Everything the dock shows from figures, comparable with ==."""
    classes = {
        map_id: (counts.buurten, {c: round(v, 6) for c, v in counts.people.items()}, counts.units)
        for map_id, counts in figures.classes.items()
    }
    return figures.count, classes, figures.pressure


def same_extent(a, b):
    """Equal to 0.1 m: without a filter a GeoPackage gives the extent of its spatial index, in 32-bit floats."""
    return all(
        abs(x - y) < 0.1
        for x, y in zip(
            (a.xMinimum(), a.yMinimum(), a.xMaximum(), a.yMaximum()),
            (b.xMinimum(), b.yMinimum(), b.xMaximum(), b.yMaximum()),
        )
    )


@pytest.fixture
def nothing_read(monkeypatch):
    """Fails the test when the dock reads the filtered layer instead of adding up what it read once."""

    def refuse(layer):
        raise AssertionError(f"the dock read {layer.name()} as filtered")

    monkeypatch.setattr("veerkracht.veerkracht_plugin.dock.widget.live_figures", refuse)


def table(widget):
    return {
        widget.summary.item(row, 0).data(0x0100): tuple(widget.summary.item(row, column).text() for column in (1, 2, 3))
        for row in range(widget.summary.rowCount())
    }


def test_switches_add_up_what_was_read_once(dock, nothing_read):  # noqa: F811
    widget, layer = dock
    assert widget.figures.trusted
    for codes, buurten in (({"GM0344"}, 111), ({"GM0308"}, 21), ({"GM0308", "GM0344"}, 132), (set(), 132)):
        widget.select_gemeenten(codes)
        shown = widget._shown
        assert described(shown) == described(live(layer)), codes
        assert shown.count == layer.featureCount() == buurten
        layer.updateExtents()
        assert same_extent(shown.extent(), layer.extent()), codes
        for map_id in ("overlast", "signalering", "focus"):  # a map switch reads nothing either
            widget.map_combo.setCurrentIndex(widget.map_combo.findData(map_id))
            buurten = {code: int(row[0]) for code, row in table(widget).items()}
            assert buurten == {code: shown.classes[map_id].buurten.get(code, 0) for code in buurten}
    pressure = [widget.pressure_list.item(i).data(0x0100) for i in range(widget.pressure_list.count())]
    expected = [f.id() for f in layer.getFeatures() if f["signalering_klasse"] == 1]
    assert pressure == expected or (not expected and pressure == [None])


def test_each_period_adds_up_its_own_buurten(dock_on_series, nothing_read):  # noqa: F811
    widget, layer = dock_on_series
    widget.select_gemeenten({"GM0308"})
    for index in range(len(LABELS)):
        widget.periods.combo.setCurrentIndex(index)
        assert layer.featureCount() == 21
        assert described(widget._shown) == described(live(layer)), LABELS[index]


def test_a_filter_set_by_someone_else_is_counted_as_it_is(dock):  # noqa: F811
    widget, layer = dock
    widget.all_button.click()
    layer.setSubsetString("\"buurtcode\" LIKE 'BU0308%'")  # the layer's properties, not the dock
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("overlast"))
    assert sum(int(row[0]) for row in table(widget).values()) == 21


def square_layer(rows):
    """A memory layer of 100 m squares in a row: (gemeentecode, eigen_vhe or None, signalering class) each."""
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, field_names

    kinds = {name: "integer" if name.endswith("klasse") else "string" for name in map_fields()}
    uri = "Polygon?crs=EPSG:28992&field=gemeentecode:string&field=aantal_inwoners:integer&field=eigen_vhe:double"
    layer = QgsVectorLayer(uri + "".join(f"&field={n}:{k}" for n, k in kinds.items()), "eigen bezit", "memory")
    for number, (code, units, signalering) in enumerate(rows):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(number * 100, 0, number * 100 + 100, 100)))
        feature["gemeentecode"], feature["aantal_inwoners"] = code, 10 * (number + 1)
        if units is not None:
            feature["eigen_vhe"] = units
        for map_id in MAP_IDS:
            feature[field_names(map_id)[1]] = 2
        feature["signalering_klasse"] = signalering
        layer.dataProvider().addFeature(feature)
    QgsProject.instance().addMapLayer(layer)
    return layer


@pytest.fixture
def on_squares(qgis_iface):
    """A dock on the project of one square layer, made by the test."""
    project = QgsProject.instance()
    project.clear()
    made = []

    def make(rows):
        layer = square_layer(rows)
        made.append(make_dock(qgis_iface))
        return made[-1], layer

    yield make
    for widget in made:
        drop(widget)
    project.clear()


def test_own_stock_only_and_a_choice_without_buurten(on_squares, qgis_iface, nothing_read):
    widget, layer = on_squares([("GM0001", 5.0, 1), ("GM0001", 0.0, 2), ("GM0001", None, 1), ("GM0002", 0.0, 1)])
    assert widget.own_only.isEnabled() and widget.figures.trusted
    widget.own_only.setChecked(True)
    widget.select_gemeenten({"GM0001"})
    assert layer.featureCount() == 1
    assert described(widget._shown) == described(live(layer))
    assert table(widget)[1] == ("1", "10", "5")
    view = qgis_iface.mapCanvas().extent()
    widget.select_gemeenten({"GM0002"})  # no buurt with own stock: nothing to zoom to, the view stays
    assert layer.featureCount() == 0 and widget._shown.count == 0
    assert qgis_iface.mapCanvas().extent() == view
    assert widget.pressure_list.item(0).text().startswith("Geen buurten")


def test_edits_are_counted_and_read_again_when_saved(on_squares, qgis_iface):
    widget, layer = on_squares([("GM0001", None, 1), ("GM0001", None, 2), ("GM0002", None, 2)])
    widget.select_gemeenten({"GM0001"})
    assert table(widget)[1][0] == "1"
    assert layer.startEditing()
    second = sorted(f.id() for f in layer.getFeatures())[1]
    assert layer.changeAttributeValue(second, layer.fields().lookupField("signalering_klasse"), 1)
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("focus"))  # QGIS keeps the filter while editing
    widget.map_combo.setCurrentIndex(widget.map_combo.findData("signalering"))
    assert table(widget)[1][0] == "2" and widget.pressure_list.count() == 2  # the edit buffer, as the map shows
    assert layer.commitChanges()
    assert widget.figures is None  # what was read once is out of date
    widget.select_gemeenten({"GM0002"})
    widget.select_gemeenten({"GM0001"})
    assert widget.figures.trusted and table(widget)[1][0] == "2"
    assert described(widget._shown) == described(live(layer))


def test_codes_the_filter_does_not_match_are_counted_as_filtered(on_squares):
    widget, layer = on_squares([("GM0001", None, 1), ("gm0001", None, 1), ("GM0002", None, 2)])
    assert [widget.gemeente_list.item(i).text() for i in range(widget.gemeente_list.count())] == ["GM0001", "GM0002"]
    assert not widget.figures.trusted  # listed as GM0001, but '"gemeentecode" IN ('GM0001')' leaves it out
    widget.select_gemeenten({"GM0001"})
    assert layer.featureCount() == 1
    assert table(widget)[1][0] == "1" and widget._shown.count == 1
