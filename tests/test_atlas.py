"""veerkracht:wijkatlas on the Utrecht sample (issue: an atlas per wijk)."""

import subprocess

import pytest
from qgis.core import QgsLayoutItemLabel, QgsProcessingException, QgsProcessingFeedback, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QColor, QImage

from helpers import only_layer_in_project, pdf_pages, run

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture(scope="module")
def utrecht_maps(provider, tmp_path_factory):
    from test_styles_and_sharing import utrecht_job

    from conftest import SHARED_DATA

    target = tmp_path_factory.mktemp("atlas") / "utrecht.gpkg"
    run(
        "makemaps",
        {**utrecht_job(SHARED_DATA), "OUTPUT": str(target)},
    )
    return target


@pytest.fixture
def project_layer(utrecht_maps):
    with only_layer_in_project(utrecht_maps, "Utrecht") as layer:
        yield layer


def page_png(pdf, page, tmp_path, dpi=40):
    prefix = tmp_path / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    image = QImage(str(prefix) + ".png")
    assert not image.isNull()
    return image


def colours_in(image, x0, y0, x1, y1):
    """Colours in a rectangle given as fractions of the page."""
    found = set()
    for y in range(int(y0 * image.height()), int(y1 * image.height()), 2):
        for x in range(int(x0 * image.width()), int(x1 * image.width()), 2):
            found.add(QColor(image.pixel(x, y)).name())
    return found


def atlas_texts(layout, item_id):
    """The text of item ``item_id`` on every page of the layout's atlas."""
    atlas = layout.atlas()
    atlas.beginRender()
    texts = []
    for index in range(atlas.count()):
        atlas.seekTo(index)
        texts.append(layout.itemById(item_id).currentText())
    atlas.endRender()
    return texts


def test_utrecht_atlas_with_wijk_layer(project_layer, tmp_path, shared_data):
    from conftest import REPO

    pdf = tmp_path / "atlas.pdf"
    wijken = REPO / "resources" / "sample_data" / "utrecht" / "wijken-2024-GM0344.geojson"
    result = run(
        "wijkatlas", {"INPUT": project_layer.id(), "GEMEENTE": "GM0344", "WIJKEN": str(wijken), "OUTPUT": str(pdf)}
    )
    assert result["PAGES"] == 11
    assert pdf_pages(pdf) == 1 + 10

    manager = QgsProject.instance().layoutManager()
    overview = manager.layoutByName("Veerkracht atlas Utrecht – overzicht")
    layout = manager.layoutByName("Veerkracht atlas Utrecht – wijken")
    assert overview is not None and overview.name() == result["LAYOUT_OVERVIEW"]
    assert layout is not None and layout.name() == result["LAYOUT"]
    assert atlas_texts(overview, "titel") == ["Utrecht"]
    titles = atlas_texts(layout, "titel")
    assert titles == [
        "Wijk 01 West",
        "Wijk 02 Noordwest",
        "Wijk 03 Overvecht",
        "Wijk 04 Noordoost",
        "Wijk 05 Oost",
        "Wijk 06 Binnenstad",
        "Wijk 07 Zuid",
        "Wijk 08 Zuidwest",
        "Wijk 09 Leidsche Rijn",
        "Wijk 10 Vleuten-De Meern",
    ]
    assert layout.itemById("kaarttitel_9").text() == "9. Focuskaart"
    sources = layout.itemById("bronnen").currentText()  # the names come in through a layout variable
    assert "Leefbaarometer 3.0, ministerie van BZK (2018, 2024)" in sources
    assert "CBS Kerncijfers wijken en buurten (2023)" in sources
    assert sources.count("Referentieset:") == 1 and "GM0344" in sources
    assert layout.itemById("kaart_4").followVisibilityPresetName() == "4. Concentratie kwetsbare bewoners"

    # every page has ink; the first small map of a wijk page shows map colours, the overview the hatch grey
    for page in (1, 2, 11):
        image = page_png(pdf, page, tmp_path)
        assert len(colours_in(image, 0, 0, 1, 1)) > 20, f"pagina {page} is leeg"
    wijk_page = page_png(pdf, 4, tmp_path)
    kwetsbaar = {"#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"}
    # map 4 sits in the second row, first column (x 10-60 mm, y 108-178 mm of 420 x 297 mm)
    cell = colours_in(wijk_page, 10 / 420, 108 / 297, 60 / 420, 178 / 297)
    assert cell & kwetsbaar, "geen klassekleuren van kaart 4 op de wijkpagina"
    overview = page_png(pdf, 1, tmp_path)
    assert colours_in(overview, 0.05, 0.2, 0.6, 0.8) - {"#ffffff"}, "overzichtskaart is leeg"


def test_wijken_from_buurt_codes_get_titles(project_layer, tmp_path):
    pdf = tmp_path / "zonder-wijklaag.pdf"
    result = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [6, 7, 8], "OUTPUT": str(pdf)})
    assert pdf_pages(pdf) == result["PAGES"] == 11  # 10 wijken from the buurt codes
    layout = QgsProject.instance().layoutManager().layoutByName(result["LAYOUT"])
    labels = [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    assert layout.itemById("kaart_4") is None  # three maps chosen: six cells removed
    assert layout.itemById("kaarttitel_1").text() == "7. Veerkracht signalering (absoluut)"
    assert atlas_texts(layout, "titel")[0] == "Utrecht, wijk WK034401"
    assert labels


def test_cancel_stops_between_pages(project_layer, tmp_path):
    feedback = QgsProcessingFeedback()
    progress = []

    def cancel_after_first_page(value):  # setProgress is not virtual: listen to the signal
        progress.append(value)
        if value > 0:
            feedback.cancel()

    feedback.progressChanged.connect(cancel_after_first_page)
    pdf = tmp_path / "geannuleerd.pdf"
    with pytest.raises(QgsProcessingException, match="Geannuleerd"):
        run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(pdf)}, feedback)
    assert progress and max(progress) < 100
    assert not pdf.exists()  # not a 1-of-11-page PDF (issue 12)


def test_layer_without_maps_is_refused(tmp_path):
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=buurtcode:string", "kaal", "memory")
    QgsProject.instance().addMapLayer(layer)
    try:
        with pytest.raises(QgsProcessingException, match="niet de velden van de negen kaarten"):
            run("wijkatlas", {"INPUT": layer.id(), "OUTPUT": str(tmp_path / "x.pdf")})
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_dock_atlas_button_enabled(qgis_iface):
    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    widget = VeerkrachtDock(qgis_iface, qgis_iface.mainWindow())
    try:
        assert widget.atlas_button.isEnabled()
    finally:
        widget.disconnect_project()
        sip.delete(widget)
