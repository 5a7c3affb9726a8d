"""What the algorithm dialogs put in their layer boxes when they open (issue 24): a layer that fits the box or
nothing, never QGIS' active layer whatever it is; an empty or unfitting box is said in Dutch before running."""

import pytest
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsVectorLayer

pytestmark = pytest.mark.usefixtures("provider")


def memory(kind, name, fields):
    uri = (
        f"{kind}?crs=EPSG:28992&" + "&".join(f"field={f}" for f in fields)
        if kind != "None"
        else "None?" + "&".join(f"field={f}" for f in fields)
    )
    layer = QgsVectorLayer(uri, name, "memory")
    assert layer.isValid(), uri
    return layer


def maps_layer(name):
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, field_names

    fields = ["buurtcode:string"] + [f"{n}:string" for m in MAP_IDS for n in field_names(m)]
    return memory("Polygon", name, fields)


@pytest.fixture
def project(qgis_iface, monkeypatch):
    """A project as after 'Open data ophalen' and the maps: buurten (active), tables, vastgoed, two editions."""
    from qgis.gui import QgsBrowserGuiModel

    layers = {
        "buurten": memory("Polygon", "buurten_2023", ["buurtcode:string", "aantal_inwoners:integer"]),
        "lbm": memory("None", "leefbaarometer", ["bu_code:string", "jaar:integer", "onv:double"]),
        "kwb": memory("None", "kerncijfers-lang", ["buurtcode:string", "table_year:integer", "value:double"]),
        "vastgoed": memory("Point", "complexen", ["vhe:integer"]),
        "b": maps_layer("Veerkrachtkaarten Baarn 2019-2023"),
        "a": maps_layer("Veerkrachtkaarten Baarn 2017-2021"),
    }
    QgsProject.instance().addMapLayers(list(layers.values()))
    model = QgsBrowserGuiModel()
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: model, raising=False)
    monkeypatch.setattr(qgis_iface, "activeLayer", lambda: layers["buurten"], raising=False)
    yield layers
    QgsProject.instance().removeAllMapLayers()


def dialog_values(algorithm_id):
    """{parameter: value} as the dialog shows them when it opens."""
    from processing.gui.AlgorithmDialog import AlgorithmDialog

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    dialog = AlgorithmDialog(algorithm, False, None)
    values = {name: wrapper.parameterValue() for name, wrapper in dialog.mainWidget().wrappers.items()}
    dialog.deleteLater()
    return values


def test_each_box_gets_a_fitting_layer(project):
    ids = {key: layer.id() for key, layer in project.items()}
    series = dialog_values("veerkracht:timeseries")
    assert series["INPUT"] == ids["buurten"]
    assert series["LEEFBAAROMETER"] in (None, ids["lbm"])  # empty: the table leefbaarometer beside the buurten
    assert series["KERNCIJFERS"] == ids["kwb"]
    vastgoed = dialog_values("veerkracht:vastgoedperbuurt")
    assert vastgoed["INPUT"] in (ids["a"], ids["b"]) and vastgoed["VASTGOED"] == ids["vastgoed"]
    editions = dialog_values("veerkracht:compareeditions")
    assert (editions["EDITION_A"], editions["EDITION_B"]) == (ids["a"], ids["b"])


def test_the_atlas_wijken_and_a_time_series_are_not_offered_as_inputs(project):
    """QA pass: with an atlas made, timeseries took 'Atlas Baarn: wijken' as buurt layer; with a time series in
    the project, vastgoedperbuurt took it as the maps layer. Both are placed above the others, as QGIS adds them."""
    root = QgsProject.instance().layerTreeRoot()
    wijken = memory("MultiPolygon", "Atlas Baarn: wijken", ["volgorde:integer", "niveau:string", "code:string"])
    wijken.setCustomProperty("veerkracht/atlas", "dekking")
    series = maps_layer("Veerkracht door de tijd 2018-2024")
    series.dataProvider().addAttributes(memory("None", "d", ["periode_begin:date"]).fields().toList())
    series.updateFields()
    for layer in (wijken, series):
        QgsProject.instance().addMapLayer(layer, False)
        root.insertLayer(0, layer)
    ids = {key: layer.id() for key, layer in project.items()}
    assert dialog_values("veerkracht:timeseries")["INPUT"] == ids["buurten"]
    assert dialog_values("veerkracht:vastgoedperbuurt")["INPUT"] in (ids["a"], ids["b"])
    editions = dialog_values("veerkracht:compareeditions")
    assert (editions["EDITION_A"], editions["EDITION_B"]) == (ids["a"], ids["b"])


def test_without_a_fitting_layer_the_box_stays_empty(project):
    for key in ("kwb", "vastgoed", "a", "b"):
        QgsProject.instance().removeMapLayer(project[key].id())
    series = dialog_values("veerkracht:timeseries")
    assert series["KERNCIJFERS"] is None and series["LEEFBAAROMETER"] is None
    vastgoed = dialog_values("veerkracht:vastgoedperbuurt")
    assert vastgoed["INPUT"] is None and vastgoed["VASTGOED"] is None
    editions = dialog_values("veerkracht:compareeditions")
    assert editions["EDITION_A"] is None and editions["EDITION_B"] is None


@pytest.mark.bad_input
def test_an_empty_or_unfitting_box_is_said_in_dutch_before_running(project):
    registry = QgsApplication.processingRegistry()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    ids = {key: layer.id() for key, layer in project.items()}

    series = registry.createAlgorithmById("veerkracht:timeseries")
    params = {"INPUT": ids["buurten"], "PERIODS": "2018-2022; 2020-2024", "OUTPUT": "TEMPORARY_OUTPUT"}
    ok, message = series.checkParameterValues(params, context)
    assert not ok and message.startswith("Kies 'CBS Kerncijfers, lange tabel met een jaarkolom'")
    ok, message = series.checkParameterValues({**params, "KERNCIJFERS": ids["kwb"], "INPUT": None}, context)
    assert not ok and message.startswith("Kies 'Buurtlaag'")

    vastgoed = registry.createAlgorithmById("veerkracht:vastgoedperbuurt")
    params = {"VASTGOED": ids["vastgoed"], "OUTPUT_BUURTEN": "TEMPORARY_OUTPUT", "OUTPUT_VASTGOED": "TEMPORARY_OUTPUT"}
    ok, message = vastgoed.checkParameterValues(params, context)
    assert not ok and message.startswith("Kies 'Laag met veerkrachtkaarten'")
    ok, message = vastgoed.checkParameterValues({**params, "INPUT": ids["buurten"]}, context)
    assert not ok and "'buurten_2023' heeft niet de velden van de negen kaarten" in message
    assert vastgoed.checkParameterValues({**params, "INPUT": ids["a"]}, context)[0]


def test_every_parameter_label_fits_the_dialog(provider):
    """QA: dialogs open about 688 px wide; a label over 60 characters wraps badly. Details go in the help text."""
    too_long = [
        f"{algorithm.name()}.{parameter.name()} ({len(parameter.description())}): {parameter.description()}"
        for algorithm in provider.algorithms()
        for parameter in algorithm.parameterDefinitions()
        if len(parameter.description()) > 60
    ]
    assert not too_long, "\n".join(too_long)
