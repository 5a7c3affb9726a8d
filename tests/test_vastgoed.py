"""veerkracht:vastgoedperbuurt on file layers and on a real PostGIS database (issue: own vastgoed)."""

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)

from conftest import REPO
from helpers import RecordingFeedback, is_null, run

pytestmark = pytest.mark.usefixtures("provider")

DEMO = REPO / "resources" / "sample_data" / "vastgoed-demo.gpkg"
RD = QgsCoordinateReferenceSystem("EPSG:28992")


@pytest.fixture(scope="module")
def buurten(provider):
    """Baarn's nine maps (EPSG:4326, a web CRS) with the kerncijfers dwellings joined on."""
    from test_styles_and_sharing import baarn_job, utrecht_job

    from conftest import SHARED_DATA

    maps = run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    utrecht = SHARED_DATA / "utrecht"
    utrecht_maps = run(
        "makemaps",
        {**utrecht_job(SHARED_DATA), "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]
    utrecht_maps = run(
        "joinindicators",
        {
            "INPUT": utrecht_maps,
            "TABLE": str(utrecht / "kwb-2023-GM0344.xlsx"),
            "FIELDS": "a_woning",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    return {"baarn": maps, "utrecht": utrecht_maps}


def own_stock(buurten_layer, vastgoed, feedback=None, vhe_field="vhe"):
    params = {
        "INPUT": buurten_layer,
        "VASTGOED": vastgoed,
        "OUTPUT_BUURTEN": "TEMPORARY_OUTPUT",
        "OUTPUT_VASTGOED": "TEMPORARY_OUTPUT",
    }
    if vhe_field:
        params["VHE_FIELD"] = vhe_field
    return run("vastgoedperbuurt", params, feedback)


def points_layer():
    layer = QgsVectorLayer(f"{DEMO}|layername=vhe_punten", "vhe", "ogr")
    assert layer.isValid() and layer.crs().authid() == "EPSG:28992"
    return layer


def expected_units(buurt_layer, points, vhe=True):
    """Point-in-polygon by hand: sum of vhe per buurtcode."""
    to_rd = QgsCoordinateTransform(buurt_layer.crs(), RD, QgsProject.instance())
    shapes = []
    for feature in buurt_layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_rd)
        shapes.append(
            (
                feature["statcode"] if "statcode" in feature.fields().names() else feature["buurtcode"],
                geometry.makeValid(),
            )
        )
    totals = {}
    for point in points.getFeatures():
        for code, shape in shapes:
            if shape.contains(point.geometry()):
                totals[code] = totals.get(code, 0) + (point["vhe"] if vhe else 1)
                break
    return totals


@pytest.mark.parametrize("gemeente, code_field", [("utrecht", "statcode"), ("baarn", "buurtcode")])
def test_counts_per_buurt_and_crs_mix(buurten, gemeente, code_field):
    import processing

    # buurten as the web gives them (the maps themselves come out in RD New), vastgoed in RD New
    layer = processing.run(
        "native:reprojectlayer", {"INPUT": buurten[gemeente], "TARGET_CRS": "EPSG:4326", "OUTPUT": "TEMPORARY_OUTPUT"}
    )["OUTPUT"]
    points = points_layer()
    assert layer.crs().authid() == "EPSG:4326"
    feedback = RecordingFeedback()
    result = own_stock(layer, points, feedback)
    expected = expected_units(layer, points)
    assert expected, "de demo moet bezit in deze gemeente hebben"
    got = {f[code_field]: f["eigen_vhe"] for f in result["OUTPUT_BUURTEN"].getFeatures() if f["eigen_vhe"]}
    assert got == expected
    active = {f[code_field] for f in result["OUTPUT_BUURTEN"].getFeatures() if f["eigen_bezit_actief"] == 1}
    assert active == set(expected)
    vastgoed = result["OUTPUT_VASTGOED"]
    assert vastgoed.featureCount() == points.featureCount()  # nothing dropped
    assert "liggen buiten alle buurten" in feedback.log


def test_vastgoed_gets_buurt_classes_and_outside_point_is_kept(buurten):
    layer = buurten["baarn"]
    result = own_stock(layer, points_layer(), vhe_field=None)
    by_code = {f["buurtcode"]: f for f in layer.getFeatures()}
    outside = [f for f in result["OUTPUT_VASTGOED"].getFeatures() if f["complex"].startswith("Complex X-999")]
    assert len(outside) == 1 and is_null(outside[0]["buurtcode"]) and is_null(outside[0]["signalering_label"])
    inside = [f for f in result["OUTPUT_VASTGOED"].getFeatures() if not is_null(f["buurtcode"])]
    assert inside
    for feature in inside:
        buurt = by_code[feature["buurtcode"]]
        assert feature["buurtnaam"] == buurt["buurtnaam"]
        for map_id in ("signalering", "focus", "overlast"):
            assert feature[f"{map_id}_label"] == buurt[f"{map_id}_label"]
    counted = {f["buurtcode"]: f["eigen_vhe"] for f in result["OUTPUT_BUURTEN"].getFeatures() if f["eigen_vhe"]}
    assert sum(counted.values()) == sum(f["vhe"] for f in inside)  # without VHE_FIELD the field vhe counts


def without_vhe(layer):
    import processing

    return processing.run("native:deletecolumn", {"INPUT": layer, "COLUMN": ["vhe"], "OUTPUT": "TEMPORARY_OUTPUT"})[
        "OUTPUT"
    ]


@pytest.mark.parametrize("field_name", ["vhe", "Aantal_VHE"])
def test_a_vhe_field_counts_when_the_field_box_is_empty_also_picked_by_path(buurten, tmp_path, field_name):
    """Picked through '...' the field list may stay empty: a field vhe (any case) is used, and the log says so."""
    source = points_layer()
    path = tmp_path / "eigen.gpkg"
    from veerkracht.veerkracht_plugin.geopackage import write_layer

    assert write_layer(source, path, "eigen") == ""
    if field_name != "vhe":
        layer = QgsVectorLayer(str(path), "eigen", "ogr")
        layer.dataProvider().renameAttributes({layer.fields().lookupField("vhe"): field_name})
        del layer
    feedback = RecordingFeedback()
    result = own_stock(buurten["baarn"], str(path), feedback, vhe_field=None)
    expected = expected_units(buurten["baarn"], source)
    got = {f["buurtcode"]: f["eigen_vhe"] for f in result["OUTPUT_BUURTEN"].getFeatures() if f["eigen_vhe"]}
    assert got == expected and sum(got.values()) > len(expected)
    assert f"het veld '{field_name}' van 'eigen' geeft het aantal verhuureenheden" in feedback.log


def test_without_a_vhe_field_each_object_counts_1_and_the_log_says_so(buurten):
    feedback = RecordingFeedback()
    result = own_stock(buurten["baarn"], without_vhe(points_layer()), feedback, vhe_field=None)
    placed = [f for f in result["OUTPUT_VASTGOED"].getFeatures() if not is_null(f["buurtcode"])]
    assert sum(f["eigen_vhe"] for f in result["OUTPUT_BUURTEN"].getFeatures()) == len(placed)
    assert "elk object telt als 1 verhuureenheid" in feedback.log


def test_loaded_outputs_come_styled(buurten):
    from processing.tools import dataobjects
    from qgis.core import (
        QgsApplication,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsSingleSymbolRenderer,
    )

    from veerkracht.veerkracht_plugin.styling import style_name

    project = QgsProject()
    feedback = QgsProcessingFeedback()
    context = dataobjects.createContext(feedback)
    context.setProject(project)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:vastgoedperbuurt")
    params = {
        "INPUT": buurten["baarn"],
        "VASTGOED": points_layer(),
        "OUTPUT_BUURTEN": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project),
        "OUTPUT_VASTGOED": QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project),
    }
    results, ok = algorithm.run(params, context, feedback)
    assert ok
    styled = {}
    for key in ("OUTPUT_BUURTEN", "OUTPUT_VASTGOED"):
        layer = context.takeResultLayer(results[key])
        project.addMapLayer(layer)
        context.layerToLoadOnCompletionDetails(results[key]).postProcessor().postProcessLayer(layer, context, feedback)
        styled[key] = layer
    buurt_layer, vastgoed = styled["OUTPUT_BUURTEN"], styled["OUTPUT_VASTGOED"]
    assert buurt_layer.name() == "Eigen bezit per buurt"
    assert buurt_layer.styleManager().currentStyle() == style_name("signalering")
    assert buurt_layer.renderer().classAttribute() == "signalering_klasse"
    assert isinstance(vastgoed.renderer(), QgsSingleSymbolRenderer)
    assert vastgoed.renderer().symbol().color().name() == "#ffffff" and vastgoed.renderer().symbol().size() > 2
    project.clear()


def test_share_of_dwellings(buurten):
    layer = buurten["utrecht"]
    result = own_stock(layer, points_layer())
    checked = 0
    for feature in result["OUTPUT_BUURTEN"].getFeatures():
        if feature["eigen_vhe"] and not is_null(feature["a_woning"]) and feature["a_woning"] > 0:
            assert feature["aandeel_eigen_bezit"] == pytest.approx(
                100 * feature["eigen_vhe"] / feature["a_woning"], abs=0.05
            )
            checked += 1
    assert checked >= 5


def test_polygon_straddling_two_buurten_goes_to_the_larger_share(buurten):
    layer = buurten["baarn"]
    to_rd = QgsCoordinateTransform(layer.crs(), RD, QgsProject.instance())
    shapes = {}
    for feature in layer.getFeatures():
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_rd)
        shapes[feature["buurtcode"]] = geometry.makeValid()
    a, b = "BU03080000", "BU03080001"  # Centrum and Schoonoordpark share a border
    border = shapes[a].intersection(shapes[b])
    assert not border.isEmpty()
    middle = border.interpolate(border.length() / 2)
    towards_a = shapes[a].pointOnSurface().asPoint()
    p = middle.asPoint()
    dx, dy = towards_a.x() - p.x(), towards_a.y() - p.y()
    norm = (dx * dx + dy * dy) ** 0.5
    centre = QgsGeometry.fromPointXY(type(p)(p.x() + 12 * dx / norm, p.y() + 12 * dy / norm))
    square = centre.buffer(30, 1)
    share_a, share_b = square.intersection(shapes[a]).area(), square.intersection(shapes[b]).area()
    assert share_a > share_b > 0  # it really straddles, with more in A
    complexes = QgsVectorLayer("Polygon?crs=EPSG:28992&field=complex:string&field=vhe:integer", "c", "memory")
    feature = QgsFeature(complexes.fields())
    feature.setGeometry(square)
    feature.setAttributes(["Complex op de grens", 40])
    complexes.dataProvider().addFeature(feature)
    result = own_stock(layer, complexes)
    assert next(result["OUTPUT_VASTGOED"].getFeatures())["buurtcode"] == a
    units = {f["buurtcode"]: f["eigen_vhe"] for f in result["OUTPUT_BUURTEN"].getFeatures()}
    assert units[a] == 40 and units[b] == 0


def test_postgis_layer_gives_the_same_result(buurten):
    from postgis import Cluster

    layer = buurten["utrecht"]
    file_result = own_stock(layer, points_layer())
    with Cluster() as db:
        db.load(DEMO, "vhe_punten", "vastgoed")
        postgis = QgsVectorLayer(db.layer_uri("vastgoed"), "vastgoed (PostGIS)", "postgres")
        assert postgis.isValid(), "PostGIS-laag is niet geldig"
        assert postgis.providerType() == "postgres" and postgis.featureCount() == points_layer().featureCount()
        feedback = RecordingFeedback()
        db_result = own_stock(layer, postgis, feedback)
        db_units = {f["statcode"]: f["eigen_vhe"] for f in db_result["OUTPUT_BUURTEN"].getFeatures()}
        db_labels = sorted(
            (f["complex"], f["signalering_label"] or "") for f in db_result["OUTPUT_VASTGOED"].getFeatures()
        )
        del postgis
    file_units = {f["statcode"]: f["eigen_vhe"] for f in file_result["OUTPUT_BUURTEN"].getFeatures()}
    file_labels = sorted(
        (f["complex"], f["signalering_label"] or "") for f in file_result["OUTPUT_VASTGOED"].getFeatures()
    )
    assert db_units == file_units
    assert db_labels == file_labels
    assert db_units == {**{k: 0 for k in file_units}, **expected_units(layer, points_layer())}
    assert "liggen buiten alle buurten" in feedback.log


def test_dock_filters_to_own_stock(buurten, qgis_iface):
    from qgis.PyQt import sip

    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    result = own_stock(buurten["baarn"], points_layer())
    layer = result["OUTPUT_BUURTEN"]
    project = QgsProject.instance()
    project.clear()
    project.addMapLayer(layer)
    widget = VeerkrachtDock(qgis_iface, qgis_iface.mainWindow())
    try:
        assert widget.own_only.isEnabled() and not widget.summary.isColumnHidden(3)
        owning = sum(1 for f in layer.getFeatures() if f["eigen_vhe"] > 0)
        widget.own_only.setChecked(True)
        assert layer.featureCount() == owning
        total_units = sum(
            int(widget.summary.item(r, 3).text().replace(".", "")) for r in range(widget.summary.rowCount())
        )
        assert total_units == sum(f["eigen_vhe"] for f in layer.getFeatures())
        widget.own_only.setChecked(False)
        assert layer.featureCount() == 21
    finally:
        widget.disconnect_project()
        sip.delete(widget)
        project.clear()


def test_demo_vastgoed_is_generated_by_the_script(tmp_path):
    """The shipped file is what scripts/make_demo_vastgoed.py writes: same objects, same places."""
    import subprocess
    import sys

    target = tmp_path / "vastgoed.gpkg"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_demo_vastgoed.py"), str(target)], check=True, capture_output=True
    )
    for name in ("vhe_punten", "complexen"):
        shipped = QgsVectorLayer(f"{DEMO}|layername={name}", "a", "ogr")
        again = QgsVectorLayer(f"{target}|layername={name}", "b", "ogr")
        rows = [
            sorted((f["complex"], f["vhe"], f.geometry().asWkt(1)) for f in layer.getFeatures())
            for layer in (shipped, again)
        ]
        assert rows[0] == rows[1] and rows[0]
        assert all("fictief" in complex_name for complex_name, _, _ in rows[0])
