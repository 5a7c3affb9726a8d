"""Bad-input corpus, second round (issue 23): layers, parameters and outputs as a new user tries them. A buurt
code twice, a shapefile without .prj, upper-case Leefbaarometer columns, a typo in a column name, an index without
spread, outputs that cannot be written: a Dutch message before anything runs, or the right result; an earlier
output always survives."""

import hashlib
import shutil

import pytest
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from test_nothing_lost import leftovers, maps_gpkg  # noqa: F401 (module-scoped fixture: Baarn's maps)
from test_styles_and_sharing import baarn_job

from helpers import RecordingFeedback, run
from veerkracht.veerkracht_plugin.compat import make_field

pytestmark = [pytest.mark.usefixtures("provider"), pytest.mark.bad_input]

MAP_FIELDS = {
    "AFW": "lbm2024_afw",
    "ONV_START": "lbm2018_onv",
    "ONV_END": "lbm2024_onv",
    "KWETSBAAR_START": "kwetsbaar_2019",
    "KWETSBAAR_END": "kwetsbaar_2023",
    "INWONERS": "kwb2023_aantal_inwoners",
}


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(algorithm_id, parameters):
    """(ok, message) of the dialog's check before anything runs."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(f"veerkracht:{algorithm_id}")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return algorithm.checkParameterValues(parameters, context)


def refused(algorithm_id, parameters, *expected):
    """Refused by the dialog's check and by a run (models and scripts skip the check), with ``expected`` in both."""
    ok, message = check(algorithm_id, parameters)
    assert not ok
    with pytest.raises(QgsProcessingException) as raised:
        run(algorithm_id, parameters)
    for text in expected:
        assert text in message and text in str(raised.value), (text, message, str(raised.value))
    assert "Traceback" not in str(raised.value) and "Incorrect" not in message
    return message


def memory_copy(path, extra_fields=0, duplicate=None):
    """The layer at ``path`` in memory, with ``extra_fields`` more text fields, and feature ``duplicate`` twice."""
    source = QgsVectorLayer(str(path), "bron", "ogr")
    copy = QgsVectorLayer(f"MultiPolygon?crs={source.crs().authid()}", "kopie", "memory")
    fields = source.fields().toList() + [make_field(f"extra_{i}", "text") for i in range(extra_fields)]
    copy.dataProvider().addAttributes(fields)
    copy.updateFields()
    features = []
    for feature in source.getFeatures():
        new = QgsFeature(copy.fields())
        new.setGeometry(feature.geometry())
        new.setAttributes(feature.attributes() + [None] * extra_fields)
        features.append(new)
        if duplicate is not None and feature["buurtcode"] == duplicate:
            features.append(QgsFeature(new))
    copy.dataProvider().addFeatures(features)
    return copy


def klassen(layer, map_id):
    return {f["buurtcode"]: f[f"{map_id}_klasse"] for f in layer.getFeatures()}


# ---- a buurt layer with one code twice ----


def test_duplicate_buurtcode_counts_once_in_the_reference_set(maps_gpkg):  # noqa: F811
    victim = "BU03080001"
    feedback = RecordingFeedback()
    twice = run(
        "computemaps",
        {"INPUT": memory_copy(maps_gpkg, duplicate=victim), **MAP_FIELDS, "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback,
    )
    once = run("computemaps", {"INPUT": memory_copy(maps_gpkg), **MAP_FIELDS, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert twice["OUTPUT"].featureCount() == 22 and once["OUTPUT"].featureCount() == 21
    for map_id in ("overlast", "kwetsbaar", "signalering", "focus"):
        assert klassen(twice["OUTPUT"], map_id) == klassen(once["OUTPUT"], map_id), map_id
    message = next(w for w in feedback.warnings if victim in w)
    assert "2 keer" in message and "één keer" in message


# ---- a shapefile without .prj ----


def write_shapefile(layer, target):
    """``layer`` as a shapefile at ``target``, its .prj removed."""
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(target), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.WriterError.NoError
    target.with_suffix(".prj").unlink()
    assert not QgsVectorLayer(str(target), "zonder", "ogr").crs().isValid()
    return target


@pytest.fixture
def shapefile_without_prj(tmp_path, shared_data):
    """Baarn's buurten (longitude/latitude) as a shapefile whose .prj got lost."""
    layer = QgsVectorLayer(str(shared_data / "baarn" / "buurten-2024-GM0308.geojson"), "baarn", "ogr")
    return write_shapefile(layer, tmp_path / "buurten.shp")


def test_shapefile_without_prj_in_lon_lat_is_not_labelled_rd_new(shapefile_without_prj, tmp_path, shared_data):
    feedback = RecordingFeedback()
    target = tmp_path / "kaarten.gpkg"
    run("makemaps", {**baarn_job(shared_data), "INPUT": str(shapefile_without_prj), "OUTPUT": str(target)}, feedback)
    out = QgsVectorLayer(str(target), "uit", "ogr")
    assert out.crs().authid() == "EPSG:28992"
    extent = out.extent()
    assert 100_000 < extent.xMinimum() < 200_000 and 400_000 < extent.yMinimum() < 500_000
    assert any(".prj" in w and "lengte" in w for w in feedback.warnings)


def test_shapefile_without_prj_and_unknown_coordinates_is_refused(tmp_path, shared_data):
    layer = QgsVectorLayer("Polygon?crs=EPSG:3857", "elders", "memory")
    layer.dataProvider().addAttributes([make_field("buurtcode", "text")])
    layer.updateFields()
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((1e6 1e6, 1000100 1e6, 1000100 1000100, 1e6 1e6))"))
    feature.setAttributes(["BU03080001"])
    layer.dataProvider().addFeatures([feature])
    shapefile = write_shapefile(layer, tmp_path / "elders.shp")
    with pytest.raises(QgsProcessingException, match=r"geen coördinatenstelsel.*\.prj"):
        run("makemaps", {**baarn_job(shared_data), "INPUT": str(shapefile), "OUTPUT": str(tmp_path / "k.gpkg")})
    assert not (tmp_path / "k.gpkg").exists()


# ---- outputs: the product's format, folders that are not there ----


@pytest.mark.parametrize("name", ["kaarten.shp", "kaarten.geojson", "kaarten.csv"])
def test_map_output_in_another_format_is_refused_before_running(tmp_path, shared_data, name):
    message = refused("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / name)}, "GeoPackage", name)
    assert ".gpkg" in message
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_an_existing_folder_is_refused(tmp_path, shared_data):
    folder = tmp_path / "kaarten"
    folder.mkdir()
    refused("makemaps", {**baarn_job(shared_data), "OUTPUT": str(folder)}, "is een map", "kaarten")
    assert list(folder.iterdir()) == []


def test_output_without_extension_is_refused(tmp_path, shared_data):
    refused("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / "kaarten")}, "geen extensie", ".gpkg")
    assert list(tmp_path.iterdir()) == []


def test_output_in_a_folder_that_does_not_exist(tmp_path, shared_data):
    target = tmp_path / "bestaat-niet" / "kaarten.gpkg"
    refused("makemaps", {**baarn_job(shared_data), "OUTPUT": str(target)}, "bestaat niet", "bestaat-niet")


def test_output_in_a_folder_the_user_may_not_write(tmp_path, shared_data, monkeypatch):
    import os

    locked = tmp_path / "alleen-lezen"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if str(path) == str(locked) else real(path, mode))
    refused(
        "computemaps",
        {"INPUT": str(shared_data / "baarn" / "buurten-2024-GM0308.geojson"), "OUTPUT": str(locked / "k.gpkg")},
        "niet schrijven",
        "alleen-lezen",
    )


def test_join_output_as_shapefile_is_refused(tmp_path, shared_data):
    data = shared_data / "baarn"
    parameters = {
        "INPUT": str(data / "buurten-2024-GM0308.geojson"),
        "TABLE": str(data / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"),
        "YEAR": 2024,
        "OUTPUT": str(tmp_path / "gekoppeld.shp"),
    }
    refused("joinindicators", parameters, "GeoPackage", "gekoppeld.shp")


def test_atlas_output_must_be_a_pdf(maps_gpkg, tmp_path):  # noqa: F811
    refused("wijkatlas", {"INPUT": str(maps_gpkg), "OUTPUT": str(tmp_path / "atlas.png")}, "atlas.png", ".pdf")
    assert list(tmp_path.iterdir()) == []


def test_atlas_output_in_a_folder_that_does_not_exist(maps_gpkg, tmp_path):  # noqa: F811
    refused("wijkatlas", {"INPUT": str(maps_gpkg), "OUTPUT": str(tmp_path / "nergens" / "atlas.pdf")}, "bestaat niet")


def test_write_that_fails_halfway_keeps_the_earlier_output(maps_gpkg, tmp_path):  # noqa: F811
    """A layer with 1,990 fields: the GeoPackage table cannot be created (SQLite allows 2,000 columns)."""
    target = tmp_path / "kaarten.gpkg"
    shutil.copy(maps_gpkg, target)
    before = sha(target)
    wide = memory_copy(maps_gpkg, extra_fields=1990)
    with pytest.raises(QgsProcessingException) as raised:
        run("computemaps", {"INPUT": wide, **MAP_FIELDS, "OUTPUT": str(target)})
    message = str(raised.value)
    assert "kaarten.gpkg" in message and "niet geschreven" in message and "eerdere" in message
    assert sha(target) == before and leftovers(tmp_path) == []


# ---- MAPS left empty ----


@pytest.mark.parametrize("algorithm_id", ["wijkatlas", "compareeditions"])
def test_maps_left_empty_says_so_in_dutch(maps_gpkg, algorithm_id, tmp_path):  # noqa: F811
    parameters = {"INPUT": str(maps_gpkg), "MAPS": [], "OUTPUT": "TEMPORARY_OUTPUT"}
    if algorithm_id == "compareeditions":  # two editions: the same layer twice is refused for its own reason
        other = tmp_path / "editie-b.gpkg"
        shutil.copyfile(maps_gpkg, other)
        parameters.update(EDITION_A=str(maps_gpkg), EDITION_B=str(other))
    ok, message = check(algorithm_id, parameters)
    assert not ok and "Kaarten" in message and "minstens één" in message
    assert "Incorrect" not in message and "MAPS" not in message


# ---- the one-step dialog: columns and years ----


def test_upper_case_leefbaarometer_columns_are_recognised(maps_gpkg, tmp_path, shared_data):  # noqa: F811
    lbm = shared_data / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"
    lines = lbm.read_text(encoding="utf-8").splitlines()
    upper = tmp_path / "LBM.csv"
    upper.write_text("\n".join([lines[0].upper()] + lines[1:]) + "\n", encoding="utf-8")
    job = {**baarn_job(shared_data), "LEEFBAAROMETER": str(upper)}
    job.pop("LBM_YEAR_START"), job.pop("LBM_YEAR_END")
    target = tmp_path / "kaarten.gpkg"
    run("makemaps", {**job, "OUTPUT": str(target)})
    out, reference = QgsVectorLayer(str(target), "a", "ogr"), QgsVectorLayer(str(maps_gpkg), "b", "ogr")
    for map_id in ("leefbaarheid", "overlast", "overlast_ontwikkeling", "signalering"):
        assert klassen(out, map_id) == klassen(reference, map_id), map_id
    assert set(klassen(out, "overlast").values()) != {0}


def test_typo_in_counts_lists_the_columns(shared_data, tmp_path):
    job = {**baarn_job(shared_data), "COUNTS": "bijstandsontvanger"}
    job.pop("KWB_YEAR_START"), job.pop("KWB_YEAR_END")
    with pytest.raises(QgsProcessingException) as raised:
        run("makemaps", {**job, "OUTPUT": str(tmp_path / "k.gpkg")})
    message = str(raised.value)
    assert "'bijstandsontvanger'" in message and "Bedoelt u: bijstandsontvangers" in message
    assert "geen jaar" not in message


def test_lbm_year_end_not_in_the_file_lists_the_years(shared_data, tmp_path):
    with pytest.raises(QgsProcessingException) as raised:
        run("makemaps", {**baarn_job(shared_data), "LBM_YEAR_END": 2025, "OUTPUT": str(tmp_path / "k.gpkg")})
    message = str(raised.value)
    assert "2025" in message and "2018, 2020, 2022, 2024" in message


# ---- 'geen spreiding (0 waarden)': the cause ----


def index_layer(rows, fields=(("buurtcode", "text"), ("inw", "int"), ("p", "text"))):
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992", "buurten", "memory")
    layer.dataProvider().addAttributes([make_field(n, k) for n, k in fields])
    layer.updateFields()
    features = []
    for row in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes(list(row))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def vulnerability(layer, **parameters):
    return run("vulnerabilityindex", {"INPUT": layer, "YEAR_END": 2023, "OUTPUT": "TEMPORARY_OUTPUT", **parameters})


def test_no_spread_because_of_percent_signs_in_the_cells():
    layer = index_layer([(f"BU030800{i:02d}", 500, f"{10 + i}%") for i in range(6)])
    with pytest.raises(QgsProcessingException) as raised:
        vulnerability(layer, SHARES_END=["p"])
    message = str(raised.value)
    assert "'p'" in message and "tekst" in message and "'10%'" in message


def test_no_spread_because_the_layer_is_empty():
    with pytest.raises(QgsProcessingException, match=r"geen buurten"):
        vulnerability(index_layer([], (("buurtcode", "text"), ("inw", "int"), ("p", "float"))), SHARES_END=["p"])


def test_no_spread_because_min_inwoners_is_too_high():
    layer = index_layer(
        [(f"BU030800{i:02d}", 100 + 50 * i, 10.0 + i) for i in range(6)],
        (("buurtcode", "text"), ("inw", "int"), ("p", "float")),
    )
    with pytest.raises(QgsProcessingException) as raised:
        vulnerability(layer, SHARES_END=["p"], INWONERS_END="inw", MIN_INWONERS=1000)
    message = str(raised.value)
    assert "1000" in message and "inwoners" in message and "350" in message


def test_inhabitants_as_text_with_a_non_breaking_space():
    layer = index_layer(
        [(f"BU030800{i:02d}", f"1\u00a0{810 + i}", 10.0 + i, 5 + i) for i in range(6)],
        (("buurtcode", "text"), ("inw", "text"), ("p", "float"), ("n", "int")),
    )
    with pytest.raises(QgsProcessingException) as raised:
        vulnerability(layer, COUNTS_END=["n"], INWONERS_END="inw")
    message = str(raised.value)
    assert "'inw'" in message and "tekst" in message and "Indicatoren koppelen" in message


def test_a_table_output_may_be_csv_and_keeps_long_names(tmp_path, shared_data):
    """Tables (codes without a partner, transitions) are written faithfully as CSV: names are not cut."""
    data = shared_data / "baarn"
    target = tmp_path / "zonder-partner.csv"
    parameters = {
        "INPUT": str(data / "buurten-2024-GM0308.geojson"),
        "TABLE": str(shared_data / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
        "YEAR": 2024,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "UNMATCHED": str(target),
    }
    assert check("joinindicators", parameters) == (True, "")
    run("joinindicators", parameters)
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ["code", "bron", "oorspronkelijke_waarde"]
