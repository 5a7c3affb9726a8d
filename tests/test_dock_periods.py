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
        assert QgsVectorLayer(layer.source().split("|")[0], "alle", "ogr").featureCount() == 21 * len(LABELS)
        assert layer.featureCount() == 21  # one period shown
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
    every = QgsVectorLayer(layer.source().split("|")[0], "alle", "ogr")  # every period, without the filter
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


def counts_in_table(widget):
    """{class label: (buurten, inwoners)} as the dock's class table shows them."""
    table = widget.summary
    return {
        table.item(r, 0).text(): (int(table.item(r, 1).text()), int(table.item(r, 2).text().replace(".", "")))
        for r in range(table.rowCount())
    }


def expected_counts(path, period, map_id):
    """{class label: (buurten, inwoners)} of ``period`` read from the file itself, zeros left out; the inhabitants
    of the period's own end year (inwoners_periode, as the chart), not those of the buurt layer's year."""
    from veerkracht.veerkracht_plugin.core.catalogue import class_labels, field_names

    every = QgsVectorLayer(str(path), "alle", "ogr")
    people = "inwoners_periode"
    found = {}
    for feature in every.getFeatures():
        if feature["periode"] != period:
            continue
        label = class_labels(map_id)[feature[field_names(map_id)[1]] or 0]
        buurten, inwoners = found.get(label, (0, 0))
        value = feature[people]
        found[label] = (buurten + 1, inwoners + (int(value) if value is not None and value > 0 else 0))
    return found


def test_every_number_in_the_table_is_of_the_chosen_period_alone(dock_on_series, series):  # noqa: F811
    """Found in the desktop: 'verbetering 27 buurten' in a gemeente of 21 (the periods added together)."""
    widget, _ = dock_on_series
    widget.select_gemeenten({"GM0308"})
    for map_id in ("signalering", "overlast", "kwetsbaar"):
        widget.map_combo.setCurrentIndex(widget.map_combo.findData(map_id))
        for index, period in enumerate(LABELS):
            widget.periods.combo.setCurrentIndex(index)
            shown = {label: pair for label, pair in counts_in_table(widget).items() if pair[0]}
            assert shown == expected_counts(series[0], period, map_id), (map_id, period)


def memory_copy(path, name):
    """The series as a temporary layer (what the toolbox loads for a TEMPORARY_OUTPUT)."""
    from qgis.core import QgsFeatureRequest

    layer = QgsVectorLayer(str(path), "reeks", "ogr").materialize(QgsFeatureRequest())
    layer.setName(name)
    return layer


@pytest.mark.parametrize("filtered_before", [False, True])
def test_periods_and_history_of_a_temporary_or_filtered_layer(qgis_iface, series, filtered_before):  # noqa: F811
    """Found in the desktop: the period choice and the buurt's history were empty on the toolbox's temporary
    layer; a layer filtered before the dock (a saved project) offered only the filtered period."""
    project = QgsProject.instance()
    project.clear()
    if filtered_before:
        layer = QgsVectorLayer(str(series[0]), "Baarn door de tijd", "ogr")
        layer.setSubsetString(f"\"periode\" = '{LABELS[0]}'")
    else:
        layer = memory_copy(series[0], "Baarn door de tijd")
    project.addMapLayer(layer)
    widget = make_dock(qgis_iface)
    try:
        offered = [widget.periods.combo.itemText(i) for i in range(widget.periods.combo.count())]
        assert offered == LABELS
        widget.select_gemeenten({"GM0308"})
        assert sum(n for n, _ in counts_in_table(widget).values()) == 21
        feature = next(layer.getFeatures())
        layer.selectByIds([feature.id()])
        history = widget.periods.history
        assert [history.item(r, 0).text() for r in range(history.rowCount())] == LABELS
    finally:
        drop(widget)
        project.clear()


def test_the_series_keeps_playing_one_period_at_a_time_in_the_dock(qgis_iface, series):  # noqa: F811
    """Found in the desktop: after the dock styled the series, its temporal properties were off and the periods
    drew over each other."""
    from veerkracht.processing_algorithms.support.series_layer import set_temporal

    project = QgsProject.instance()
    project.clear()
    layer = memory_copy(series[0], "Baarn door de tijd")
    set_temporal(layer)  # as the toolbox's post-processor leaves it
    project.addMapLayer(layer)
    widget = make_dock(qgis_iface)
    try:
        assert layer.temporalProperties().isActive()
        for map_id in ("overlast", "focus", "signalering"):
            widget.map_combo.setCurrentIndex(widget.map_combo.findData(map_id))
            properties = layer.temporalProperties()
            assert properties.isActive(), map_id
            assert (properties.startField(), properties.endField()) == ("geldig_van", "geldig_tot")
            assert layer.renderer().classAttribute() == f"{map_id}_klasse"
    finally:
        drop(widget)
        project.clear()


def test_from_the_toolbox_to_the_dock(qgis_iface, shared_data):
    """The desktop path: 'Veerkracht door de tijd' to a temporary layer, loaded as the Processing dialog loads it,
    then browsed in the dock: named after the whole range, temporal on, one period counted."""
    from processing.gui.Postprocessing import handleAlgorithmResults
    from processing.tools import dataobjects
    from qgis.core import QgsApplication, QgsProcessingOutputLayerDefinition
    from test_time_series import series_job

    from helpers import RecordingFeedback

    project = QgsProject.instance()
    project.clear()
    feedback = RecordingFeedback()
    context = dataobjects.createContext(feedback)
    context.setProject(project)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:timeseries")
    periods = "2018-2022/2017-2021; 2020-2024/2019-2023"
    parameters = {
        **series_job(shared_data, periods),
        "OUTPUT": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project),
    }
    results, ok = algorithm.run(parameters, context, feedback)
    assert ok, feedback.log
    handleAlgorithmResults(algorithm, context, feedback)
    (layer,) = project.mapLayers().values()
    assert layer.name() == "Veerkracht door de tijd 2018-2024"
    widget = make_dock(qgis_iface)
    try:
        assert widget.layer is layer and layer.temporalProperties().isActive()
        assert [widget.periods.combo.itemText(i) for i in range(widget.periods.combo.count())] == [
            "2018-2022",
            "2020-2024",
        ]
        widget.select_gemeenten({"GM0308"})
        assert sum(n for n, _ in counts_in_table(widget).values()) == 21
    finally:
        drop(widget)
        project.clear()


@pytest.mark.parametrize("temporary", [False, True])
def test_the_latest_period_alone_is_shown_on_first_choice(qgis_iface, series, temporary):  # noqa: F811
    """Found in the desktop (issue 24): on first choosing a series, before any period was picked by hand, the class
    counts added the periods together ('verbetering 27' in a gemeente of 21) and the map drew them over each other."""
    project = QgsProject.instance()
    project.clear()
    layer = memory_copy(series[0], "Baarn door de tijd") if temporary else QgsVectorLayer(str(series[0]), "r", "ogr")
    project.addMapLayer(layer)
    widget = make_dock(qgis_iface)
    try:
        assert widget.periods.combo.currentText() == LABELS[-1]
        assert {f["periode"] for f in layer.getFeatures()} == {LABELS[-1]}  # only that period draws
        assert layer.featureCount() == 21
        for map_id in ("signalering", "overlast"):
            widget.map_combo.setCurrentIndex(widget.map_combo.findData(map_id))
            shown = {label: pair for label, pair in counts_in_table(widget).items() if pair[0]}
            assert shown == expected_counts(series[0], LABELS[-1], map_id), map_id
    finally:
        drop(widget)
        project.clear()


def test_the_history_names_the_buurt(dock_on_series):
    """The selected buurt's history said only its code; a user knows buurten by name."""
    widget, layer = dock_on_series
    feature = next(layer.getFeatures())
    layer.selectByIds([feature.id()])
    caption = widget.periods.caption.text()
    assert f"{feature['buurtnaam']} ({feature['buurtcode']})" in caption, caption


def test_the_history_stays_when_another_period_is_chosen(dock_on_series):
    """QA pass: after switching period the heading still named the buurt but the history table was empty."""
    widget, layer = dock_on_series
    feature = next(layer.getFeatures())
    layer.selectByIds([feature.id()])
    rows = widget.periods.history.rowCount()
    assert rows >= 2
    combo = widget.periods.combo
    combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
    assert [f["buurtcode"] for f in layer.selectedFeatures()] == [feature["buurtcode"]]
    assert widget.periods.history.rowCount() == rows
