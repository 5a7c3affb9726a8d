"""Styles, one-step map making, the shared GeoPackage and qgis_process (issue: styles and sharing)."""

import os
import subprocess

import pytest
from qgis.core import QgsCategorizedSymbolRenderer, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QColor

from conftest import REPO
from helpers import RecordingFeedback, logged_messages, run

pytestmark = pytest.mark.usefixtures("provider")

BAARN_JOB = {
    "LBM_YEAR_START": 2018,
    "LBM_YEAR_END": 2024,
    "KWB_YEAR_START": 2019,
    "KWB_YEAR_END": 2023,
    "COUNTS": "bijstandsontvangers",
    "SHARES": "huishoudens_laag_inkomen",
    "INWONERS_COLUMN": "aantal_inwoners",
    "CORPORATIE_COLUMN": "",
}


def utrecht_job(shared_data):
    """Utrecht: Leefbaarometer 2018/2024 and only the 2023 kerncijfers (no change in vulnerable residents)."""
    data = shared_data / "utrecht"
    return {
        "INPUT": str(data / "buurten-2019-GM0344.geojson"),
        "LEEFBAAROMETER": str(data / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
        "KERNCIJFERS_END": str(data / "kwb-2023-GM0344.xlsx"),
        "KWB_YEAR_END": 2023,
    }


def baarn_job(shared_data):
    data = shared_data / "baarn"
    return {
        "INPUT": str(data / "buurten-2024-GM0308.geojson"),
        "LEEFBAAROMETER": str(data / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"),
        "KERNCIJFERS_END": str(data / "kerncijfers-GM0308-2016-2025-long.csv"),
        **BAARN_JOB,
    }


@pytest.fixture(scope="module")
def baarn_maps(provider, tmp_path_factory):
    from conftest import SHARED_DATA

    target = tmp_path_factory.mktemp("maps") / "baarn.gpkg"
    feedback = RecordingFeedback()
    result = run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": str(target)}, feedback)
    result = {key: value for key, value in result.items() if not isinstance(value, QgsVectorLayer)}
    layer = QgsVectorLayer(str(target), "Baarn", "ogr")
    assert layer.isValid() and layer.featureCount() == 21
    yield layer, result, feedback
    sip.delete(layer)  # close the GeoPackage while GDAL is alive; pytest drops fixtures after QGIS exits


def map_ids():
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    return MAP_IDS


@pytest.mark.parametrize("map_id", map_ids())
def test_qml_loads_and_matches_catalogue(map_id):
    from veerkracht.veerkracht_plugin.core.catalogue import class_labels, load_catalogue, map_entry
    from veerkracht.veerkracht_plugin.styling import load_style

    layer = QgsVectorLayer(f"Polygon?crs=EPSG:28992&field={map_id}_klasse:integer", "t", "memory")
    load_style(layer, map_id)  # raises when the ok flag is false
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    assert renderer.classAttribute() == f"{map_id}_klasse"
    categories = {int(c.value()): c for c in renderer.categories()}
    assert {code: c.label() for code, c in categories.items()} == class_labels(map_id)
    colours = {c["code"]: c["kleur"] for c in map_entry(map_id)["klassen"]}
    colours[0] = load_catalogue()["klasse_0"]["kleur"]
    for code, category in categories.items():
        assert category.symbol().symbolLayer(0).color().name() == colours[code]
        assert category.symbol().symbolLayer(0).strokeColor().name() == "#ffffff"
    assert categories[0].symbol().symbolLayerCount() == 2  # grey fill + hatch


def test_style_files_are_qgis_322_files():
    for map_id in map_ids():
        head = (REPO / "styles" / f"{map_id}.qml").read_text(encoding="utf-8")[:200]
        assert 'version="3.22' in head and 'styleCategories="Symbology"' in head


def image_colours(image):
    colours = set()
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            colours.add(QColor(image.pixel(x, y)).name())
    return colours


@pytest.mark.parametrize("map_id", map_ids())
def test_rendered_colours_are_the_classes_present(baarn_maps, map_id):
    from veerkracht.veerkracht_plugin.core.catalogue import load_catalogue, map_entry
    from veerkracht.veerkracht_plugin.rendering import render_image
    from veerkracht.veerkracht_plugin.styling import apply_styles

    layer, _, _ = baarn_maps
    apply_styles(layer, None, map_id)
    present = {f[f"{map_id}_klasse"] for f in layer.getFeatures()}
    colours = {c["code"]: c["kleur"] for c in map_entry(map_id)["klassen"]}
    colours[0] = load_catalogue()["klasse_0"]["kleur"]
    seen = image_colours(render_image(layer, map_id))
    for code, colour in colours.items():
        if code in present:
            assert colour in seen, f"klasse {code} ({colour}) ontbreekt in de kaart"
        elif colour not in {colours[c] for c in present}:
            assert colour not in seen, f"klasse {code} ({colour}) staat op de kaart maar niet in de gegevens"


def test_makemaps_log_and_classes(baarn_maps):
    layer, result, feedback = baarn_maps
    assert "GM0308" in result["REFERENTIESET"]
    counts = {}
    for feature in layer.getFeatures():
        counts[feature["signalering_klasse"]] = counts.get(feature["signalering_klasse"], 0) + 1
    assert sum(n for c, n in counts.items() if c) >= 15
    assert "Stijlen opgeslagen" in feedback.log
    # the GeoPackage opens styled on its own: default style is the active map (signalering)
    fresh = QgsVectorLayer(layer.source(), "opnieuw", "ogr")
    assert fresh.renderer().classAttribute() == "signalering_klasse"
    assert "Referentieset" in fresh.metadata().abstract() and "GM0308" in fresh.metadata().abstract()


def test_applystyles_adds_styles_and_themes(baarn_maps):
    from veerkracht.veerkracht_plugin.styling import style_name

    layer, _, _ = baarn_maps
    clone = QgsVectorLayer(layer.source(), "Baarn thema's", "ogr")
    project = QgsProject.instance()
    project.addMapLayer(clone)
    try:
        run("applystyles", {"INPUT": clone.id(), "ACTIVE": map_ids().index("focus")})
        names = [style_name(m) for m in map_ids()]
        assert set(names) <= set(clone.styleManager().styles())
        assert clone.styleManager().currentStyle() == style_name("focus")
        assert clone.renderer().classAttribute() == "focus_klasse"
        assert set(names) <= set(project.mapThemeCollection().mapThemes())
        record = project.mapThemeCollection().mapThemeState(style_name("overlast")).layerRecords()
        ours = [r for r in record if r.layer() == clone][0]
        assert ours.usingCurrentStyle and ours.currentStyle == style_name("overlast")
    finally:
        for name in [style_name(m) for m in map_ids()]:
            project.mapThemeCollection().removeMapTheme(name)
        project.removeMapLayer(clone.id())


def test_applystyles_refuses_layer_without_map_fields(tmp_path):
    from qgis.core import QgsProcessingException

    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=buurtcode:string", "kaal", "memory")
    QgsProject.instance().addMapLayer(layer)
    try:
        with pytest.raises(QgsProcessingException, match="mist kaartvelden.*leefbaarheid_klasse"):
            run("applystyles", {"INPUT": layer.id()})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_shared_geopackage_opens_in_a_fresh_project(baarn_maps, tmp_path):
    from veerkracht.processing_algorithms.export_geopackage import geopackage_project_uri
    from veerkracht.veerkracht_plugin.styling import style_name

    layer, _, _ = baarn_maps
    target = tmp_path / "delen.gpkg"
    run("exportgeopackage", {"INPUT": layer, "ACTIVE": map_ids().index("overlast"), "OUTPUT": str(target)})
    project = QgsProject()
    assert project.read(geopackage_project_uri(target))
    layers = list(project.mapLayers().values())
    assert len(layers) == 1 and layers[0].featureCount() == 21
    shared = layers[0]
    assert set(style_name(m) for m in map_ids()) <= set(shared.styleManager().styles())
    assert shared.renderer().classAttribute() == "overlast_klasse"
    assert len(project.mapThemeCollection().mapThemes()) == 9
    # without the project: the file's default style is the chosen map
    alone = QgsVectorLayer(f"{target}|layername=veerkrachtkaarten", "alleen", "ogr")
    assert alone.renderer().classAttribute() == "overlast_klasse"
    descriptions = alone.listStylesInDatabase()
    assert descriptions[0] >= 9


def test_makemaps_same_classes_in_qgis_process(baarn_maps, tmp_path, shared_data):
    layer, _, _ = baarn_maps
    target = tmp_path / "qgis_process.gpkg"
    env = dict(
        os.environ, HOME=str(tmp_path), QGIS_PLUGINPATH=str(REPO / ".pytest_plugins"), QT_QPA_PLATFORM="offscreen"
    )
    binary = "/usr/bin/qgis_process.bin"
    enable = subprocess.run(
        [binary, "plugins", "enable", "veerkracht"], env=env, capture_output=True, text=True, timeout=180
    )
    assert enable.returncode == 0 or "already enabled" in enable.stdout + enable.stderr, enable.stderr
    args = [f"{key}={value}" for key, value in {**baarn_job(shared_data), "OUTPUT": str(target)}.items()]
    proc = subprocess.run(
        [binary, "run", "veerkracht:makemaps", "--", *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    other = QgsVectorLayer(str(target), "qgis_process", "ogr")
    assert other.featureCount() == 21

    def classes(source):
        return {f["buurtcode"]: tuple(f[f"{m}_klasse"] for m in map_ids()) for f in source.getFeatures()}

    assert classes(other) == classes(layer)


@pytest.mark.parametrize("second_active", ["focus", "leefbaarheid", "signalering"])
def test_reapplying_styles_keeps_every_named_style(baarn_maps, second_active):
    """Issue 12.5: after applystyles runs again, '1. Leefbaarheid' must still draw leefbaarheid, not focus."""
    from veerkracht.veerkracht_plugin.styling import apply_styles, style_name

    layer = QgsVectorLayer(baarn_maps[0].source(), "opnieuw", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        apply_styles(layer, QgsProject.instance(), "focus")
        layer.styleManager().setCurrentStyle(style_name("overlast"))
        apply_styles(layer, QgsProject.instance(), second_active)
        apply_styles(layer, QgsProject.instance(), "leefbaarheid")
        manager = layer.styleManager()
        assert manager.currentStyle() == style_name("leefbaarheid")
        for map_id in map_ids():
            manager.setCurrentStyle(style_name(map_id))
            assert layer.renderer().classAttribute() == f"{map_id}_klasse", style_name(map_id)
        themes = QgsProject.instance().mapThemeCollection()
        for map_id in map_ids():
            record = [r for r in themes.mapThemeState(style_name(map_id)).layerRecords() if r.layer() == layer][0]
            assert record.currentStyle == style_name(map_id)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_storing_styles_in_a_new_geopackage_logs_no_warning(provider, shared_data, tmp_path):
    """QA pass: every dock run put QGIS' warning 'Geen stijlen beschikbaar in database' in the log, from asking a
    fresh GeoPackage which old styles to delete."""
    from qgis.core import QgsApplication

    with logged_messages() as messages:
        run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / "vers.gpkg")})
        QgsApplication.processEvents()
    assert "No styles available on DB" not in messages and not [m for m in messages if "Geen stijlen" in m]
