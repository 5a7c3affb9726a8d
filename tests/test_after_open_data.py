"""'Veerkrachtkaarten maken' right after 'Open data ophalen', as a new user meets it in the dialog (issue 24):
the buurt layer chosen (the active layer), nothing typed; a progress bar that moves; a log without raw dicts,
layer URIs or '1 kolommen'."""

import re

import pytest
from qgis.core import QgsVectorLayer
from test_open_data import fetch

from helpers import RecordingFeedback, run

pytestmark = pytest.mark.usefixtures("provider")


class ProgressFeedback(RecordingFeedback):
    """Also keeps every progress value the algorithm reports (through the signal: setProgress is not virtual)."""

    def __init__(self):
        super().__init__()
        self.progress = []
        self.progressChanged.connect(self.progress.append)


@pytest.fixture
def fetched(services, tmp_path):
    return fetch(tmp_path)


def test_only_the_buurt_layer_given_takes_the_rest_from_its_geopackage(fetched, tmp_path):
    feedback = ProgressFeedback()
    params = {"INPUT": f"{fetched}|layername=buurten_2023", "OUTPUT": str(tmp_path / "kaarten.gpkg")}
    result = run("makemaps", params, feedback)
    maps = QgsVectorLayer(str(tmp_path / "kaarten.gpkg"), "kaarten", "ogr")
    assert maps.featureCount() == 21
    features = list(maps.getFeatures())
    for map_id in ("leefbaarheid", "overlast", "kwetsbaar_ontwikkeling", "signalering"):
        assert sum(f[f"{map_id}_klasse"] > 0 for f in features) >= 15, map_id
    assert "Leefbaarometer: de tabel 'leefbaarometer' uit hetzelfde GeoPackage" in feedback.log
    assert "buurten_2019" in feedback.log and "Kerncijfers 2019" in result["REFERENTIESET"]


def test_the_buurt_layer_as_leefbaarometer_too_is_the_dialogs_default_and_is_corrected(fetched, tmp_path):
    """The dialog puts the active layer in every required layer box: INPUT and LEEFBAAROMETER alike."""
    buurten = f"{fetched}|layername=buurten_2023"
    feedback = RecordingFeedback()
    run("makemaps", {"INPUT": buurten, "LEEFBAAROMETER": buurten, "OUTPUT": str(tmp_path / "k.gpkg")}, feedback)
    assert QgsVectorLayer(str(tmp_path / "k.gpkg"), "k", "ogr").featureCount() == 21
    assert "was 'buurten_2023', de buurtlaag zelf" in "\n".join(feedback.warnings)


def test_the_dialog_does_not_put_the_active_layer_in_the_leefbaarometer_box(provider):
    from qgis.core import QgsApplication

    from veerkracht.veerkracht_plugin.compat import OPTIONAL

    algorithm = QgsApplication.processingRegistry().algorithmById("veerkracht:makemaps")
    assert algorithm.parameterDefinition("LEEFBAAROMETER").flags() & OPTIONAL


def test_progress_moves_and_the_log_is_for_people(fetched, tmp_path):
    feedback = ProgressFeedback()
    params = {"INPUT": f"{fetched}|layername=buurten_2023", "OUTPUT": "TEMPORARY_OUTPUT"}
    run("makemaps", params, feedback)
    steps = sorted({int(p) for p in feedback.progress})
    assert len(steps) >= 6 and steps[-1] >= 90 and steps[0] < 20, steps
    log = "\n".join(feedback.infos[:-1] + feedback.warnings)  # the last line is the runner's (processing.run)
    assert "Resultaten" not in log and "Results:" not in log and "{'" not in log
    assert "field=" not in log and "memory:" not in log.lower()
    assert not re.search(r"\b1 kolommen\b", log)
    assert not re.search(r"\b1 (gebieden|gemeente\(n\))", log) and "in 1 gemeente (GM0308)" in feedback.log


def test_the_maps_layer_is_named_after_its_kerncijfers_editions_and_its_sources_name_both(fetched, tmp_path):
    """Issue 24: the layer said 2020-2024 (the Leefbaarometer years) for maps of the buurten of 2019 and 2023; the
    atlas' sources line named no kerncijfers year at all."""
    import processing
    from processing.tools import dataobjects
    from qgis.core import QgsApplication, QgsProcessingFeedback, QgsProcessingOutputLayerDefinition, QgsProject

    from veerkracht.veerkracht_plugin.atlas.bind import sources_text

    project, feedback = QgsProject(), QgsProcessingFeedback()
    context = dataobjects.createContext(feedback)
    context.setProject(project)
    output = str(tmp_path / "kaarten.gpkg")
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:makemaps")
    params = {
        "INPUT": f"{fetched}|layername=buurten_2023",
        "OUTPUT": QgsProcessingOutputLayerDefinition(output, project),
    }
    processing.run(algorithm, params, context=context, feedback=feedback)
    details = context.layerToLoadOnCompletionDetails(output)
    assert details.name == "Veerkrachtkaarten Baarn 2019-2023"
    layer = QgsVectorLayer(output, "kaarten", "ogr")
    editions = "Edities: Leefbaarometer 3.0 2020 en 2024; CBS Kerncijfers wijken en buurten 2019 en 2023."
    assert editions in layer.metadata().abstract().splitlines()  # as stored in the GeoPackage
    details.postProcessor().postProcessLayer(layer, context, feedback)
    assert layer.name() == "Veerkrachtkaarten Baarn 2019-2023"
    assert editions in layer.metadata().abstract().splitlines()  # as QGIS loads it
    line = sources_text(layer, layer.metadata().abstract().split("\n")[0])
    assert "Leefbaarometer 3.0, ministerie van BZK (2020, 2024)" in line
    assert "CBS Kerncijfers wijken en buurten (2019, 2023)" in line
    assert "Edities" not in line  # the years are said once, in the sources
