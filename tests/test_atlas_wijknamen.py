"""The titles of the atlas' wijk pages without a wijk layer (issue 24): the wijken of the open-data GeoPackage the
buurt layer came from, else the wijk names in the buurt layer, else gemeente and wijk code; never 'Wijk 00'."""

import re

import processing
import pytest
from qgis.core import QgsProject, QgsVectorLayer
from test_atlas import atlas_texts, utrecht_maps  # noqa: F401 (fixture)
from test_open_data import fetch

from helpers import RecordingFeedback, only_layer_in_project, run

pytestmark = pytest.mark.usefixtures("provider")


def wijk_titles(result):
    layout = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT"])
    return atlas_texts(layout, "titel")


def test_the_wijken_of_the_fetched_geopackage_name_the_pages(services, tmp_path):
    fetched = fetch(tmp_path)
    maps = tmp_path / "kaarten.gpkg"
    run("makemaps", {"INPUT": f"{fetched}|layername=buurten_2023", "OUTPUT": str(maps)})
    wijken = QgsVectorLayer(f"{fetched}|layername=wijken_2023", "w", "ogr")
    expected = [f["wijknaam"] for f in sorted(wijken.getFeatures(), key=lambda f: f["wijkcode"])]
    assert expected and not any(re.fullmatch(r"Wijk \d\d", name) for name in expected)
    with only_layer_in_project(maps, "Baarn") as layer:  # opened anew, as after reopening QGIS
        feedback = RecordingFeedback()
        result = run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": str(tmp_path / "a.pdf")}, feedback)
        assert wijk_titles(result) == expected
    assert "wijken_2023" in feedback.log and "open.gpkg" in feedback.log


def test_wijk_names_in_the_buurt_layer_name_the_pages(utrecht_maps, tmp_path):  # noqa: F811
    named = tmp_path / "met-wijknamen.gpkg"
    processing.run(
        "native:fieldcalculator",
        {
            "INPUT": str(utrecht_maps),
            "FIELD_NAME": "WijkNaam",  # any case
            "FIELD_TYPE": 2,
            "FORMULA": "'Wijknaam ' || substr(\"statcode\", 7, 2)",
            "OUTPUT": str(named),
        },
    )
    with only_layer_in_project(named, "Utrecht") as layer:
        feedback = RecordingFeedback()
        result = run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": str(tmp_path / "a.pdf")}, feedback)
        titles = wijk_titles(result)
    assert titles[:2] == ["Wijknaam 01", "Wijknaam 02"] and len(titles) == 10
    assert "WijkNaam" in feedback.log


def test_without_wijk_names_the_pages_say_gemeente_and_wijk_code(utrecht_maps, tmp_path):  # noqa: F811
    with only_layer_in_project(utrecht_maps, "Utrecht") as layer:
        feedback = RecordingFeedback()
        result = run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": str(tmp_path / "a.pdf")}, feedback)
        titles = wijk_titles(result)
    assert titles[0] == "Utrecht, wijk WK034401" and len(titles) == 10
    assert not any(re.fullmatch(r"Wijk \d\d", title) for title in titles)
    assert "geen wijknamen" in feedback.log.lower() and "wijklaag" in feedback.log.lower()
