"""The dock's 'Atlas maken' (issue 24): the atlas dialog opens with a PDF beside the dock's maps (a temporary PDF
was lost on closing QGIS), and no layer of the atlas is left drawing over the maps."""

import pytest
from qgis.core import QgsProject
from test_dock_state import dock_on

from helpers import run

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture
def baarn(qgis_iface, shared_data, tmp_path):
    from test_styles_and_sharing import baarn_job

    folder = tmp_path / "kaarten"
    folder.mkdir()
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(folder / "veerkrachtkaarten-baarn.gpkg")})
    with dock_on(qgis_iface, folder / "veerkrachtkaarten-baarn.gpkg", "Veerkrachtkaarten Baarn") as (widget, layer):
        widget.select_gemeenten({"GM0308"})
        yield widget, layer, folder


def test_atlas_goes_beside_the_maps_and_leaves_nothing_over_them(baarn, monkeypatch):
    import processing

    widget, layer, folder = baarn
    asked = []

    def dialog(algorithm_id, parameters):  # the user clicks 'Uitvoeren' without changing anything
        asked.append(dict(parameters))
        return processing.run(algorithm_id, parameters)

    monkeypatch.setattr(processing, "execAlgorithmDialog", dialog)
    widget.make_atlas()
    assert asked[0]["OUTPUT"] == str(folder / "atlas-baarn.pdf")
    assert asked[0]["INPUT"] == layer.id() and asked[0]["GEMEENTE"] == "GM0308"
    assert (folder / "atlas-baarn.pdf").stat().st_size > 0
    widget.make_atlas()
    assert asked[1]["OUTPUT"] == str(folder / "atlas-baarn-2.pdf")  # the first atlas is not overwritten
    project = QgsProject.instance()
    root = project.layerTreeRoot()
    drawn = [
        other.name()
        for other in project.mapLayers().values()
        if other.id() != layer.id()
        and root.findLayer(other.id()) is not None
        and root.findLayer(other.id()).isVisible()
    ]
    assert drawn == []  # nothing of the atlas draws over the maps
    assert root.findLayer(layer.id()).isVisible()
