"""Nothing is lost (issue 12, points 1 and 2): no output on an input or on another output, and outputs appear
only when the run completed; an earlier good output survives a cancelled or failed run."""

import hashlib
import shutil
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from test_styles_and_sharing import baarn_job

from conftest import REPO
from helpers import run

pytestmark = [pytest.mark.usefixtures("provider"), pytest.mark.bad_input]

SAMPLE = REPO / "resources" / "sample_data"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if "wordt-geschreven" in p.name)


@pytest.fixture
def baarn_copy(tmp_path, shared_data):
    """The Baarn job with every input copied into tmp_path, so outputs can be pointed at them."""
    job = baarn_job(shared_data)
    for key in ("INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END"):
        job[key] = str(shutil.copy(job[key], tmp_path))
    return job


@pytest.fixture(scope="module")
def maps_gpkg(provider, tmp_path_factory):
    from conftest import SHARED_DATA

    target = tmp_path_factory.mktemp("lost") / "baarn-kaarten.gpkg"
    run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": str(target)})
    return target


@pytest.mark.parametrize("key", ["INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END"])
def test_makemaps_refuses_output_on_an_input(baarn_copy, key):
    victim = baarn_copy[key]
    before = sha(Path(victim))
    with pytest.raises(QgsProcessingException, match=r"is ook invoer") as raised:
        run("makemaps", {**baarn_copy, "OUTPUT": victim})
    assert victim in str(raised.value)
    assert sha(Path(victim)) == before


def test_exportgeopackage_refuses_its_input_and_keeps_it(maps_gpkg, tmp_path):
    copy = tmp_path / "kaarten.gpkg"
    shutil.copy(maps_gpkg, copy)
    before = sha(copy)
    layer = QgsVectorLayer(str(copy), "kaarten", "ogr")
    with pytest.raises(QgsProcessingException, match=r"Uitvoer 'GeoPackage' .* is ook invoer"):
        run("exportgeopackage", {"INPUT": str(copy), "OUTPUT": str(copy)})
    assert sha(copy) == before and layer.featureCount() == 21
    sip.delete(layer)


def test_input_as_project_layer_is_recognised_by_its_file(maps_gpkg, tmp_path):
    copy = tmp_path / "kaarten.gpkg"
    shutil.copy(maps_gpkg, copy)
    layer = QgsVectorLayer(f"{copy}|layername=baarn-kaarten", "kaarten in project", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    try:
        with pytest.raises(QgsProcessingException, match=r"is ook invoer \('Laag met veerkrachtkaarten'\)"):
            run("exportgeopackage", {"INPUT": layer.id(), "OUTPUT": str(copy)})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_joinindicators_refuses_output_on_its_table(tmp_path, shared_data):
    table = shutil.copy(shared_data / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv", tmp_path)
    before = sha(Path(table))
    with pytest.raises(QgsProcessingException, match=r"is ook invoer"):
        run(
            "joinindicators",
            {"INPUT": str(shared_data / "baarn" / "buurten-2024-GM0308.geojson"), "TABLE": table, "OUTPUT": table},
        )
    assert sha(Path(table)) == before


def test_vastgoed_refuses_two_outputs_on_one_file(maps_gpkg, tmp_path):
    target = str(tmp_path / "beide.gpkg")
    with pytest.raises(QgsProcessingException, match=r"staan allebei op .*beide\.gpkg"):
        run(
            "vastgoedperbuurt",
            {
                "INPUT": str(maps_gpkg),
                "VASTGOED": str(SAMPLE / "vastgoed-demo.gpkg") + "|layername=vhe_punten",
                "OUTPUT_BUURTEN": target,
                "OUTPUT_VASTGOED": target,
            },
        )
    assert not (tmp_path / "beide.gpkg").exists()


def test_vastgoed_refuses_output_on_the_vastgoed(maps_gpkg, tmp_path):
    vastgoed = tmp_path / "vastgoed.gpkg"
    shutil.copy(SAMPLE / "vastgoed-demo.gpkg", vastgoed)
    before = sha(vastgoed)
    with pytest.raises(QgsProcessingException, match=r"is ook invoer \('Eigen vastgoed"):
        run(
            "vastgoedperbuurt",
            {
                "INPUT": str(maps_gpkg),
                "VASTGOED": f"{vastgoed}|layername=vhe_punten",
                "OUTPUT_BUURTEN": str(tmp_path / "b.gpkg"),
                "OUTPUT_VASTGOED": str(vastgoed),
            },
        )
    assert sha(vastgoed) == before


def test_dialog_says_it_before_running(baarn_copy):
    from qgis.core import QgsApplication, QgsProcessingContext

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:makemaps")
    context = QgsProcessingContext()
    ok, message = algorithm.checkParameterValues({**baarn_copy, "OUTPUT": baarn_copy["INPUT"]}, context)
    assert not ok and "is ook invoer" in message and baarn_copy["INPUT"] in message


def test_cancelled_run_keeps_the_earlier_output(maps_gpkg, tmp_path):
    target = tmp_path / "kaarten.gpkg"
    shutil.copy(maps_gpkg, target)
    before = sha(target)
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="Geannuleerd: er is geen uitvoer geschreven"):
        run("computemaps", {"INPUT": str(maps_gpkg), "OUTPUT": str(target)}, feedback)
    assert sha(target) == before
    assert leftovers(tmp_path) == []


def test_failed_run_keeps_the_earlier_output_and_leaves_nothing(baarn_copy, maps_gpkg, tmp_path):
    target = tmp_path / "kaarten.gpkg"
    shutil.copy(maps_gpkg, target)
    before = sha(target)
    with pytest.raises(QgsProcessingException, match="Stap 'Kerncijfers 2023 koppelen' mislukt.*bestaat_niet"):
        run("makemaps", {**baarn_copy, "INWONERS_COLUMN": "bestaat_niet", "OUTPUT": str(target)})
    assert sha(target) == before
    assert leftovers(tmp_path) == []


def test_complete_output_replaces_the_earlier_one(maps_gpkg, tmp_path):
    target = tmp_path / "gedeeld.gpkg"
    target.write_text("een oude, kapotte versie")
    result = run("exportgeopackage", {"INPUT": str(maps_gpkg), "OUTPUT": str(target)})
    assert result["OUTPUT"].source().split("|")[0] == str(target)
    shared = QgsVectorLayer(f"{target}|layername=veerkrachtkaarten", "gedeeld", "ogr")
    assert shared.isValid() and shared.featureCount() == 21
    assert leftovers(tmp_path) == []
    sip.delete(shared)


def test_sink_output_keeps_the_target_layer_name(maps_gpkg, tmp_path):
    target = tmp_path / "eigen-naam.gpkg"
    result = run("computemaps", {"INPUT": str(maps_gpkg), "OUTPUT": str(target)})
    layer = result["OUTPUT"]
    assert layer.source().split("|")[0] == str(target)
    assert QgsVectorLayer(f"{target}|layername=eigen-naam", "t", "ogr").featureCount() == 21
    assert leftovers(tmp_path) == []
