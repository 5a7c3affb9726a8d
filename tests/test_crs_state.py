"""Issue 24, 'unexplained once': GeoPackages without CRS (srs_id 0) and makemaps writing inf coordinates after a
desktop session. The states that give that, set up here; makemaps must write RD New (srs_id 28992 in
gpkg_geometry_columns) with finite Dutch coordinates, or refuse in Dutch, and say what it repaired."""

import math
import sqlite3

import processing
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)
from test_styles_and_sharing import baarn_job

from helpers import RecordingFeedback, run

pytestmark = pytest.mark.usefixtures("provider")
RD_X, RD_Y = (100_000, 200_000), (420_000, 520_000)  # Baarn lies around (145000, 465000)


def srs_id(gpkg):
    with sqlite3.connect(gpkg) as db:
        return db.execute("select srs_id from gpkg_geometry_columns").fetchone()[0]


def assert_dutch_maps(gpkg, count=None):
    assert srs_id(gpkg) == 28992
    layer = QgsVectorLayer(str(gpkg), "kaarten", "ogr")
    assert layer.crs().authid() == "EPSG:28992"
    boxes = [f.geometry().boundingBox() for f in layer.getFeatures()]
    assert boxes and (count is None or len(boxes) == count)
    for box in boxes:
        values = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
        assert all(math.isfinite(v) for v in values), values
        assert RD_X[0] < box.xMinimum() < RD_X[1] and RD_Y[0] < box.yMinimum() < RD_Y[1], values


def rd_buurten_without_crs(shared_data, tmp_path):
    """Baarn's buurten in RD New written as a GeoPackage that has no CRS (srs_id 0), as seen in that session."""
    rd = processing.run(
        "native:reprojectlayer",
        {"INPUT": baarn_job(shared_data)["INPUT"], "TARGET_CRS": "EPSG:28992", "OUTPUT": "TEMPORARY_OUTPUT"},
    )["OUTPUT"]
    processing.run(
        "native:assignprojection",
        {"INPUT": rd, "CRS": QgsCoordinateReferenceSystem(), "OUTPUT": str(tmp_path / "zonder-crs.gpkg")},
    )["OUTPUT"]
    gpkg = tmp_path / "zonder-crs.gpkg"
    with sqlite3.connect(gpkg) as db:  # GDAL 3.9+ writes "no CRS" as srs_id 99999: make it the 0 seen that day
        db.execute("update gpkg_geometry_columns set srs_id = 0")
        db.execute("update gpkg_contents set srs_id = 0")
    assert srs_id(gpkg) == 0
    return gpkg


def test_a_buurt_layer_without_crs_is_read_as_rd_new_and_said(shared_data, tmp_path):
    source = rd_buurten_without_crs(shared_data, tmp_path)
    feedback = RecordingFeedback()
    out = tmp_path / "kaarten.gpkg"
    run("makemaps", {**baarn_job(shared_data), "INPUT": str(source), "OUTPUT": str(out)}, feedback)
    assert_dutch_maps(out, 21)
    assert "geen coördinatenstelsel" in feedback.log and "Undefined geographic SRS" in feedback.log
    assert "gelezen als RD New (EPSG:28992)" in feedback.log


def test_rd_coordinates_in_a_layer_the_project_gave_wgs84_are_not_reprojected_to_inf(shared_data, tmp_path):
    """QGIS gives a layer without CRS the project's or the default CRS (often EPSG:4326): RD metres read as
    degrees, reprojected to RD New, gave inf."""
    layer = QgsVectorLayer(str(rd_buurten_without_crs(shared_data, tmp_path)), "buurten", "ogr")
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    QgsProject.instance().addMapLayer(layer)
    try:
        feedback = RecordingFeedback()
        out = tmp_path / "kaarten.gpkg"
        run("makemaps", {**baarn_job(shared_data), "INPUT": layer.id(), "OUTPUT": str(out)}, feedback)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert_dutch_maps(out, 21)
    assert "EPSG:4326" in feedback.log and "RD New" in feedback.log


def test_a_failing_datum_transformation_chosen_for_the_project_is_not_used(shared_data, tmp_path):
    """A transformation picked in QGIS' dialog (say one that needs a grid that is not installed) stays in the
    project's transform context: every reprojection of a later run used it."""
    project = QgsProject.instance()
    before = project.transformContext()
    context = QgsCoordinateTransformContext()
    wgs84, rd = QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:28992")
    broken = "+proj=pipeline +step +proj=hgridshift +grids=niet_geinstalleerd_rdtrans.tif +step +proj=sterea"
    context.addCoordinateOperation(wgs84, rd, broken, False)
    project.setTransformContext(context)
    try:
        feedback = RecordingFeedback()
        out = tmp_path / "kaarten.gpkg"
        run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(out)}, feedback)
    finally:
        project.setTransformContext(before)
    assert_dutch_maps(out, 21)  # QGIS 3.22 falls back to an operation that works: this state is not the cause


def test_coordinates_that_fit_no_crs_are_refused_in_dutch(shared_data, tmp_path):
    moved = processing.run(
        "native:translategeometry",
        {"INPUT": baarn_job(shared_data)["INPUT"], "DELTA_X": 40, "OUTPUT": str(tmp_path / "verschoven.gpkg")},
    )["OUTPUT"]  # degrees east of the Netherlands, as EPSG:4326: valid, but no Dutch buurt lies there
    with pytest.raises(QgsProcessingException, match="liggen niet in Nederland"):
        run("makemaps", {**baarn_job(shared_data), "INPUT": moved, "OUTPUT": str(tmp_path / "k.gpkg")})
    assert not (tmp_path / "k.gpkg").exists()


def test_computemaps_refuses_to_write_inf_coordinates_or_no_crs(shared_data, tmp_path):
    """What the desktop session wrote: buurten reprojected to inf, and a layer that became a GeoPackage with
    srs_id 0. computemaps only writes, so it refuses both instead of passing them on."""
    wrong = QgsVectorLayer(str(rd_buurten_without_crs(shared_data, tmp_path)), "buurten", "ogr")
    wrong.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    QgsProject.instance().addMapLayer(wrong)
    try:
        inf = processing.run(
            "native:reprojectlayer",
            {"INPUT": wrong.id(), "TARGET_CRS": "EPSG:28992", "OUTPUT": str(tmp_path / "omgerekend.gpkg")},
        )["OUTPUT"]
    finally:
        QgsProject.instance().removeMapLayer(wrong.id())
    with pytest.raises(QgsProcessingException, match=r"21 buurten hebben coördinaten .* zoals BU0308"):
        run("computemaps", {"INPUT": inf, "OUTPUT": str(tmp_path / "inf.gpkg")})
    with pytest.raises(QgsProcessingException, match="heeft geen coördinatenstelsel"):
        run("computemaps", {"INPUT": str(tmp_path / "zonder-crs.gpkg"), "OUTPUT": str(tmp_path / "geen.gpkg")})
    assert not (tmp_path / "inf.gpkg").exists() and not (tmp_path / "geen.gpkg").exists()
