"""The dock's 'Kaarten maken voor deze gemeente' against the local fake services: one click after the choice
gives a styled layer named after the gemeente in the project, and a failure is said in the dock."""

import time

import pytest
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture
def section(services, tmp_path):
    from veerkracht.veerkracht_plugin.dock_fetch import FetchSection

    widget = FetchSection(on_added=lambda layer, codes: shown.append((layer.name(), codes)))
    widget.shown = shown = []
    widget.folder = tmp_path / "uit"
    yield widget, services
    for layer in list(QgsProject.instance().mapLayers().values()):
        QgsProject.instance().removeMapLayer(layer)


def wait_until_done(widget, seconds=120):
    deadline = time.monotonic() + seconds
    while (widget.running or QgsApplication.taskManager().countActiveTasks()) and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    QCoreApplication.processEvents()
    assert not widget.running, "de taak liep niet af"


def test_the_national_gemeente_list_with_search_by_part_of_the_name(section):
    widget, _ = section
    assert widget.gemeente.count() == 342
    widget.choose("GM0796")
    assert widget.gemeente.currentText() == "'s-Hertogenbosch (GM0796)"
    assert widget.national.isChecked()  # national by default, as Aedes' maps


@pytest.mark.parametrize("national", [False, True])
def test_one_click_gives_styled_maps_named_after_the_gemeente(section, national):
    widget, fake = section
    widget.choose("GM0308")
    widget.national.setChecked(national)
    widget.button.click()
    wait_until_done(widget)
    layer = widget.added
    assert layer is not None, widget.status.text()
    assert layer.name().startswith("Veerkrachtkaarten Baarn") and layer.featureCount() == 21
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.renderer().type() == "categorizedSymbol" and layer.renderer().classAttribute().endswith("_klasse")
    assert len(layer.styleManager().styles()) >= 9  # the nine named styles
    assert ("Referentieset Nederland" in layer.metadata().abstract()) == national
    assert widget.status.text().startswith("Klaar")
    assert widget.shown == [(layer.name(), ["GM0308"])]  # the dock browses what was just made
    from veerkracht.veerkracht_plugin.styling import uses_stand_in

    assert not uses_stand_in(layer)  # official classes: no "(voorlopige grenzen)" in the legend
    whole_country = ("items?f=json&limit=1000" in p and "gemeentecode=" not in p for _, p in fake.requests)
    assert any(whole_country) == national  # the national reference set: pages of the whole country


def test_a_failing_service_is_said_in_the_dock(section):
    widget, fake = section
    fake.fail("wijken-en-buurten", status=500, times=10)
    widget.choose("GM0308")
    widget.national.setChecked(False)
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is None
    assert widget.status.text().startswith("Ophalen mislukt") and "HTTP 500" in widget.status.text()
    assert widget.button.isEnabled()


def test_a_typed_name_not_picked_from_the_list_is_the_one_fetched(section):
    """Found in the desktop: 'bosch' typed, the suggestion not taken, and the earlier gemeente was fetched."""
    widget, fake = section
    widget.choose("GM1680")
    widget.national.setChecked(False)
    widget.gemeente.setEditText("bosch")  # the one entry the list offers for it, not picked
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is not None, widget.status.text()
    assert widget.added.name().startswith("Veerkrachtkaarten 's-Hertogenbosch")
    assert widget.files[0].name == "open-data-s-hertogenbosch.gpkg"
    assert not any("GM1680" in path for _, path in fake.requests)


def test_text_that_is_no_gemeente_fetches_nothing(section):
    widget, fake = section
    widget.gemeente.setEditText("xyz")
    widget.button.click()
    assert widget.running is None and not fake.requests
    assert widget.status.text().startswith("Onbekende gemeente: 'xyz'")


def test_a_second_run_is_told_apart(section):
    widget, _ = section
    widget.choose("GM0308")
    widget.national.setChecked(False)
    names = []
    for _ in range(2):
        widget.button.click()
        wait_until_done(widget)
        names.append(widget.added.name())
    assert names[1] == names[0] + " (2)"
    assert widget.files[1].name == "veerkrachtkaarten-baarn-2.gpkg"  # the first file is kept


def test_a_cancel_is_said_as_a_cancel(section):
    widget, _ = section
    widget.choose("GM0308")
    widget.button.click()
    widget.running[0].cancel()  # as the cross in QGIS' task bar
    wait_until_done(widget)
    assert widget.added is None
    assert widget.status.text().startswith("Geannuleerd") and "mislukt" not in widget.status.text()
