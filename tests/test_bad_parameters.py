"""Bad parameters and implausible columns (issue 12, points 9, 11, 13, 17): a Dutch message that names the
label, field, value or codes; never a traceback, never a map that looks fine but is wrong."""

from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer
from test_compute_maps import joined
from test_styles_and_sharing import baarn_maps  # noqa: F401, F811 (fixture)

from conftest import REPO
from helpers import RecordingFeedback, run

pytestmark = [pytest.mark.usefixtures("provider"), pytest.mark.bad_input]

VASTGOED = str(REPO / "resources" / "sample_data" / "vastgoed-demo.gpkg") + "|layername=vhe_punten"


@pytest.fixture(scope="module")
def lbm_layer(provider, tmp_path_factory):
    """Baarn's buurten with the Leefbaarometer 2018 and 2024 (lbm total, afw, onv), as a GeoPackage path."""
    from conftest import SHARED_DATA

    data = SHARED_DATA / "baarn"
    lbm = data / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"
    layer = joined(str(data / "buurten-2024-GM0308.geojson"), [(lbm, 2018, "lbm18_", "lbm,onv")])
    target = tmp_path_factory.mktemp("lbm") / "baarn-lbm.gpkg"
    params = {"INPUT": layer, "TABLE": str(lbm), "YEAR": 2024, "PREFIX": "lbm24_", "FIELDS": "lbm,afw,onv"}
    run("joinindicators", {**params, "OUTPUT": str(target)})
    return str(target)


def memory_copy(path):
    layer = QgsVectorLayer(path, "bron", "ogr")
    copy = QgsVectorLayer(f"Polygon?crs={layer.crs().authid()}", "kopie", "memory")
    copy.dataProvider().addAttributes(layer.fields().toList())
    copy.updateFields()
    copy.dataProvider().addFeatures(list(layer.getFeatures()))
    return copy


def classes(layer, map_id):
    return {f["buurtcode"]: f[f"{map_id}_klasse"] for f in layer.getFeatures()}


def test_code_field_that_does_not_exist(lbm_layer):
    with pytest.raises(QgsProcessingException, match=r"veld 'buurt_code' bestaat niet.*Bedoelt u: buurtcode"):
        run("computemaps", {"INPUT": lbm_layer, "INPUT_FIELD": "buurt_code", "OUTPUT": "TEMPORARY_OUTPUT"})


def test_indicator_field_that_does_not_exist(lbm_layer):
    with pytest.raises(QgsProcessingException, match=r"'Leefbaarometer afwijking \(afw\), eindjaar': veld 'afw'"):
        run("computemaps", {"INPUT": lbm_layer, "AFW": "afw", "OUTPUT": "TEMPORARY_OUTPUT"})


def test_total_score_given_as_deviation_is_refused(lbm_layer):
    """Issue 12.13: lbm (around 4) as AFW made every buurt class 9 'uitstekend'."""
    with pytest.raises(QgsProcessingException, match=r"Veld 'lbm24_lbm' kan niet de Leefbaarometer-afwijking.*afw"):
        run("computemaps", {"INPUT": lbm_layer, "AFW": "lbm24_lbm", "OUTPUT": "TEMPORARY_OUTPUT"})


def test_total_score_given_as_overlast_is_refused(lbm_layer):
    with pytest.raises(QgsProcessingException, match=r"Veld 'lbm18_lbm' kan niet de dimensie overlast"):
        run(
            "computemaps",
            {
                "INPUT": lbm_layer,
                "ONV_START": "lbm18_lbm",
                "ONV_END": "lbm24_onv",
                "OUTPUT": "TEMPORARY_OUTPUT",
            },
        )


def test_count_given_as_corporation_share_is_refused(lbm_layer):
    with pytest.raises(QgsProcessingException, match=r"Veld 'aantal_inwoners' kan niet een percentage"):
        run(
            "computemaps",
            {"INPUT": lbm_layer, "CORPORATIE": "aantal_inwoners", "OUTPUT": "TEMPORARY_OUTPUT"},
        )


def test_right_columns_pass(lbm_layer):
    result = run(
        "computemaps",
        {
            "INPUT": lbm_layer,
            "AFW": "lbm24_afw",
            "ONV_START": "lbm18_onv",
            "ONV_END": "lbm24_onv",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )["OUTPUT"]
    assert set(classes(result, "leefbaarheid").values()) != {9}


def test_infinite_value_is_missing_and_named(lbm_layer):
    """Issue 12.9: one inf moved every other buurt of the overlast map to class 3."""
    params = {"AFW": "lbm24_afw", "ONV_START": "lbm18_onv", "ONV_END": "lbm24_onv", "OUTPUT": "TEMPORARY_OUTPUT"}
    broken, missing = memory_copy(lbm_layer), memory_copy(lbm_layer)
    victim = next(broken.getFeatures())
    index = broken.fields().lookupField("lbm24_onv")
    broken.dataProvider().changeAttributeValues({victim.id(): {index: float("inf")}})
    missing.dataProvider().changeAttributeValues({victim.id(): {index: None}})
    feedback = RecordingFeedback()
    with_inf = run("computemaps", {"INPUT": broken, **params}, feedback)["OUTPUT"]
    with_null = run("computemaps", {"INPUT": missing, **params})["OUTPUT"]
    assert classes(with_inf, "overlast") == classes(with_null, "overlast")
    assert classes(with_inf, "overlast")[victim["buurtcode"]] == 0
    assert len(set(classes(with_inf, "overlast").values())) > 2
    assert any("lbm24_onv" in w and victim["buurtcode"] in w and "inf" in w for w in feedback.warnings)


def test_vhe_field_that_does_not_exist(baarn_maps):  # noqa: F811
    with pytest.raises(
        QgsProcessingException, match=r"veld 'aantal_vhe' bestaat niet.*Kolommen: fid, complex, vhe, bron"
    ):
        run(
            "vastgoedperbuurt",
            {
                "INPUT": baarn_maps[0].source(),
                "VASTGOED": VASTGOED,
                "VHE_FIELD": "aantal_vhe",
                "OUTPUT_BUURTEN": "TEMPORARY_OUTPUT",
                "OUTPUT_VASTGOED": "TEMPORARY_OUTPUT",
            },
        )


@pytest.mark.parametrize("prefix", ["", "postgres://"])
def test_database_down_never_shows_the_password(baarn_maps, prefix):  # noqa: F811
    uri = (
        "dbname='corporatie' host=127.0.0.1 port=9 user='gis' password='Geheim!123' sslmode=disable key='id' "
        'srid=28992 type=Point table="public"."vastgoed" (geom)'
    )
    with pytest.raises(QgsProcessingException) as raised:
        run(
            "vastgoedperbuurt",
            {
                "INPUT": baarn_maps[0].source(),
                "VASTGOED": prefix + uri,
                "OUTPUT_BUURTEN": "TEMPORARY_OUTPUT",
                "OUTPUT_VASTGOED": "TEMPORARY_OUTPUT",
            },
        )
    message = str(raised.value)
    assert "Geheim!123" not in message
    assert "Invoer 'Eigen vastgoed (punten of vlakken)' kan niet worden geopend" in message
    assert "password=***" in message


def test_missing_input_file_is_named(tmp_path):
    missing = tmp_path / "buurten-2023.gpkg"
    with pytest.raises(QgsProcessingException, match=r"Invoer 'Buurtlaag met indicatoren' kan niet worden geopend"):
        run("computemaps", {"INPUT": str(missing), "OUTPUT": "TEMPORARY_OUTPUT"})


def test_password_hidden_in_both_spellings():
    from veerkracht.processing_algorithms.base import hide_passwords

    assert hide_passwords("host=h password='a b' user=u") == "host=h password=*** user=u"
    assert hide_passwords("postgresql://gis:Geheim@host/db") == "postgresql://gis:***@host/db"


def test_makemaps_on_another_gemeentes_leefbaarometer_says_so_last_too(shared_data, tmp_path):
    """Issue 12.15: a join that matches under half of the layer is never a quiet success, also in the chain."""
    from test_styles_and_sharing import baarn_job

    job = baarn_job(shared_data)
    job["LEEFBAAROMETER"] = str(shared_data / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv")
    feedback = RecordingFeedback()
    run("makemaps", {**job, "OUTPUT": str(tmp_path / "baarn.gpkg")}, feedback)
    assert "LET OP: deze kaarten rusten op koppelingen" in feedback.warnings[-1]
    assert "Leefbaarometer 2018 koppelen: 0% gekoppeld" in feedback.warnings[-1]


def test_makemaps_passes_zeros_as_missing_to_the_kerncijfers(shared_data, tmp_path):
    """Issue 12.12 through the one-step dialog: zeros an Excel export made of CBS' '.' are named, and dropped
    on request."""
    from test_styles_and_sharing import baarn_job

    job = baarn_job(shared_data)
    # CBS keeps the inhabitants of tiny buurten secret ('.'); an Excel export makes 0 of it
    zeroed = {"BU03080501", "BU03080109", "BU03080500", "BU03080400"}  # 75, 145, 215 and 250 inhabitants
    lines = Path(job["KERNCIJFERS_END"]).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] in zeroed and cells[3] == "aantal_inwoners" and cells[4] == "2023":
            lines[index] = ",".join(cells[:5] + ["0"])
    table = tmp_path / "kerncijfers-met-nullen.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    job["KERNCIJFERS_END"] = str(table)
    field = "kwb2023_aantal_inwoners"

    plain = RecordingFeedback()
    run("makemaps", {**job, "OUTPUT": str(tmp_path / "gewoon.gpkg")}, plain)
    assert any("precies 0" in w and "aantal_inwoners" in w for w in plain.warnings), plain.warnings
    run("makemaps", {**job, "ZEROS_AS_MISSING": True, "OUTPUT": str(tmp_path / "zonder-nullen.gpkg")})
    kept = {f["buurtcode"]: f[field] for f in QgsVectorLayer(str(tmp_path / "gewoon.gpkg"), "a", "ogr").getFeatures()}
    dropped = {
        f["buurtcode"]: f[field] for f in QgsVectorLayer(str(tmp_path / "zonder-nullen.gpkg"), "b", "ogr").getFeatures()
    }
    assert all(kept[code] == 0 for code in zeroed)
    assert all(dropped[code] is None or str(dropped[code]) == "NULL" for code in zeroed)
    assert dropped["BU03080001"] == kept["BU03080001"] == 1015


@pytest.mark.parametrize("as_same_path", [True, False])
def test_buurt_layer_refused_as_vastgoed(tmp_path, shared_data, as_same_path):
    """Issue 14.8: the buurt layer itself (or a copy with the same map fields) is not own stock."""
    from test_styles_and_sharing import baarn_job

    maps = tmp_path / "kaarten.gpkg"
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(maps)})
    vastgoed = str(maps)
    if not as_same_path:
        vastgoed = str(tmp_path / "kopie.gpkg")
        run("computemaps", {"INPUT": str(maps), "OUTPUT": vastgoed})
    with pytest.raises(QgsProcessingException, match=r"is de buurtlaag zelf"):
        run(
            "vastgoedperbuurt",
            {
                "INPUT": str(maps),
                "VASTGOED": vastgoed,
                "OUTPUT_BUURTEN": "TEMPORARY_OUTPUT",
                "OUTPUT_VASTGOED": "TEMPORARY_OUTPUT",
            },
        )


def test_vastgoed_dialog_offers_a_point_layer():
    from qgis.core import QgsApplication, QgsProject

    project = QgsProject.instance()
    polygons = QgsVectorLayer("Polygon?crs=EPSG:28992", "buurten", "memory")
    points = QgsVectorLayer(VASTGOED, "vhe_punten", "ogr")
    project.addMapLayers([polygons, points])
    try:
        algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:vastgoedperbuurt")
        assert algorithm.parameterDefinition("VASTGOED").defaultValue() == points.id()
    finally:
        project.removeAllMapLayers()
