"""The dock's 'Kaarten maken voor deze gemeente' against the local fake services: one click after the choice
gives a styled layer named after the gemeente in the project, and a failure is said in the dock."""

import time
import uuid

import pytest
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication

from helpers import logged_messages

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture(autouse=True)
def own_settings(monkeypatch):
    """Each test's remembered choice under a settings group of its own, removed afterwards."""
    from qgis.core import QgsSettings

    from veerkracht.veerkracht_plugin.dock import fetch as dock_fetch

    group = f"veerkracht-test/{uuid.uuid4().hex}"
    monkeypatch.setattr(dock_fetch, "SETTINGS_GROUP", group)
    yield group
    QgsSettings().remove(group)


@pytest.fixture
def section(services, tmp_path):
    from veerkracht.veerkracht_plugin.dock.fetch import FetchSection

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


def offered(combo):
    return [combo.itemData(i) for i in range(combo.count())]


def test_years_offered_from_the_catalogue_with_its_defaults(section):
    from veerkracht.veerkracht_plugin.sources.catalogue import load_sources

    widget, _ = section
    sources = load_sources()
    published = [year for year in sources.years("wijkenbuurten") if year != 2024]  # see the next test
    assert offered(widget.begin_year) == offered(widget.end_year) == published
    assert (widget.begin_year.currentData(), widget.end_year.currentData()) == sources.default_years == (2019, 2023)
    assert not widget.refresh.isChecked()


def test_a_year_that_cannot_pair_is_greyed_out(section):
    """QA pass: the end year offered years up to the begin year, the begin year the last year."""
    widget, _ = section

    def selectable(combo):
        return [combo.itemData(r) for r in range(combo.count()) if combo.model().item(r).isEnabled()]

    assert max(selectable(widget.begin_year)) < 2023 and min(selectable(widget.end_year)) > 2019
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2021))
    assert min(selectable(widget.end_year)) == 2022 and 2021 in selectable(widget.begin_year)
    widget.end_year.setCurrentIndex(widget.end_year.findData(2022))
    assert max(selectable(widget.begin_year)) == 2021


def test_the_chosen_years_are_fetched(section):
    widget, fake = section
    widget.choose("GM0308")
    widget.national.setChecked(False)
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2020))
    widget.end_year.setCurrentIndex(widget.end_year.findData(2022))
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is not None, widget.status.text()
    pdok = " ".join(path for _, path in fake.requests if "wijkenbuurten" in path or "wijken-en-buurten" in path)
    assert "wijkenbuurten/2020" in pdok and "wijken-en-buurten-2022" in pdok
    assert "2019" not in pdok and "2023" not in pdok


def test_a_begin_year_after_the_end_year_is_refused_before_anything_runs(section):
    widget, fake = section
    widget.choose("GM0308")
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2023))
    widget.end_year.setCurrentIndex(widget.end_year.findData(2020))
    widget.button.click()
    assert widget.running is None and not fake.requests
    assert "beginjaar" in widget.status.text().lower() and "2023" in widget.status.text()


def test_opnieuw_ophalen_ignores_what_was_fetched_before(section):
    """The log advises 'Opnieuw ophalen' after a bad answer: the dock offers it (REFRESH of opendata)."""
    widget, fake = section
    widget.choose("GM0308")
    widget.national.setChecked(False)
    asked = []
    for refresh in (False, False, True):
        widget.refresh.setChecked(refresh)
        before = len(fake.requests)
        widget.button.click()
        wait_until_done(widget)
        assert widget.added is not None, widget.status.text()
        asked.append(len(fake.requests) - before)
    assert asked[0] > 0 and asked[1] == 0 and asked[2] == asked[0]


LONG_URL = (
    "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&limit=1000"
    "&gemeentecode=GM0308&cursor=" + "A1b2C3d4" * 20
)


def failed_fetch(widget, error):
    from veerkracht.veerkracht_plugin.dock.fetch import KeptFeedback

    feedback = KeptFeedback()
    feedback.reportError(error)
    widget.running = (None, None, feedback)
    widget._fetched(False, {}, None, feedback)  # as the task reports a failed 'Open data ophalen'


def test_a_long_error_wraps_and_never_widens_the_dock(qgis_iface, services):
    """Found in the desktop: an error with a URL widened the dock's contents past its edge, so the button labels
    were cut off."""
    from qgis.PyQt.QtCore import QPoint, QRect, Qt
    from test_dock_state import drop, make_dock

    QgsProject.instance().clear()
    dock = make_dock(qgis_iface)
    try:
        dock.setFloating(True)
        dock.resize(430, 900)
        dock.show()
        QCoreApplication.processEvents()
        widget, viewport = dock.fetch_section, dock.widget().viewport()
        width = dock.widget().widget().minimumSizeHint().width()
        failed_fetch(widget, f"HTTP 500 bij {LONG_URL}: de server gaf een fout. Probeer 'Opnieuw ophalen'.")
        QCoreApplication.processEvents()
        assert LONG_URL[:40] in widget.status.text().replace("\u200b", "")
        assert dock.widget().widget().minimumSizeHint().width() <= width
        for button in (widget.button, dock.atlas_button):
            right = button.mapTo(viewport, QPoint(button.width(), 0)).x()
            assert right <= viewport.width(), f"'{button.text()}' loopt buiten het dock"
            assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())
        status = widget.status
        assert status.mapTo(viewport, QPoint(status.width(), 0)).x() <= viewport.width()
        assert status.height() > status.fontMetrics().height() * 2  # wrapped over lines
        needed = status.fontMetrics().boundingRect(
            QRect(0, 0, status.width(), 10000), Qt.TextFlag.TextWordWrap, status.text()
        )
        assert needed.width() <= status.width(), "the URL is cut off instead of wrapped"
    finally:
        drop(dock)


def test_an_old_error_goes_after_a_later_success(section):
    widget, fake = section
    fake.fail("wijken-en-buurten-2022", status=500, times=1000)  # only the 2022 edition fails
    widget.choose("GM0308")
    widget.national.setChecked(False)
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2022))
    widget.button.click()
    wait_until_done(widget)
    assert "mislukt" in widget.status.text()
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2019))
    widget.button.click()
    wait_until_done(widget)
    assert widget.status.text().startswith("Klaar") and "mislukt" not in widget.status.text()


def test_an_error_goes_when_maps_come_into_the_project_otherwise(section, shared_data, tmp_path):
    """The maps made in the toolbox after a failed one click: the dock no longer says the old failure."""
    from test_styles_and_sharing import baarn_job

    from helpers import run

    widget, _ = section
    failed_fetch(widget, "HTTP 500 bij https://example.invalid/buurten")
    assert "mislukt" in widget.status.text()
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / "k.gpkg")})
    QgsProject.instance().addMapLayer(QgsVectorLayer(str(tmp_path / "k.gpkg"), "Baarn", "ogr"))
    assert widget.status.text() == ""


def test_an_error_goes_when_another_gemeente_is_chosen(section):
    widget, _ = section
    failed_fetch(widget, "HTTP 500 bij https://example.invalid/buurten")
    widget.choose("GM0344")
    assert widget.status.text() == ""


def test_the_choice_is_remembered_after_a_restart(section):
    from veerkracht.veerkracht_plugin.dock.fetch import FetchSection

    widget, _ = section
    widget.choose("GM0344")
    widget.begin_year.setCurrentIndex(widget.begin_year.findData(2020))
    widget.end_year.setCurrentIndex(widget.end_year.findData(2022))
    widget.national.setChecked(False)
    widget.refresh.setChecked(True)
    sip.delete(widget)
    again = FetchSection()  # QGIS started again
    try:
        assert again.gemeente.currentText() == "Utrecht (GM0344)"
        assert (again.begin_year.currentData(), again.end_year.currentData()) == (2020, 2022)
        assert not again.national.isChecked()
        assert not again.refresh.isChecked()  # once, not for every later run
    finally:
        sip.delete(again)


def test_a_remembered_year_no_longer_offered_falls_back_to_the_default(section, own_settings):
    from qgis.core import QgsSettings

    from veerkracht.veerkracht_plugin.dock.fetch import FetchSection

    QgsSettings().setValue(f"{own_settings}/beginjaar", 1999)
    again = FetchSection()
    try:
        assert again.begin_year.currentData() == 2019
    finally:
        sip.delete(again)


# ---- issue 24, after the QA desktop pass ----


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def failing_step(widget, monkeypatch, how):
    """Let 'Veerkrachtkaarten maken' fail (``how`` = 'fail': an input that does not exist) or be cancelled
    ('cancel', as the cross in the task bar) after 'Open data ophalen' wrote its GeoPackage."""
    from veerkracht.veerkracht_plugin.dock import fetch as dock_fetch

    run = widget._run

    def run_then(algorithm_id, params, done, text):
        if algorithm_id == dock_fetch.MAKE and how == "fail":
            params = {**params, "INPUT": str(widget.files[0].with_name("bestaat-niet.gpkg"))}
        run(algorithm_id, params, done, text)
        if algorithm_id == dock_fetch.MAKE and how == "cancel":
            widget.running[0].cancel()

    monkeypatch.setattr(widget, "_run", run_then)


@pytest.mark.parametrize("how", ["fail", "cancel"])
def test_a_failed_or_cancelled_run_leaves_no_new_files(section, monkeypatch, how):
    """Found in the desktop (issue 24): every failed run left an open-data-<gemeente>-N.gpkg of ~5 MB behind."""
    widget, _ = section
    widget.choose("GM0308")
    widget.national.setChecked(False)
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is not None, widget.status.text()
    good = files_in(widget.folder)
    assert good == ["open-data-baarn.gpkg", "veerkrachtkaarten-baarn.gpkg"]
    widget.added = None
    failing_step(widget, monkeypatch, how)
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is None
    assert widget.status.text().startswith("Geannuleerd" if how == "cancel" else "Kaarten maken mislukt")
    assert files_in(widget.folder) == good  # the earlier good files stay, nothing new


def test_a_cancelled_fetch_leaves_no_files(section):
    widget, _ = section
    widget.choose("GM0308")
    widget.button.click()
    widget.running[0].cancel()
    wait_until_done(widget)
    assert files_in(widget.folder) == []


def test_opnieuw_ophalen_is_unticked_after_a_successful_run(section):
    """Found in the desktop (issue 24): the box stayed ticked, so every later run fetched everything again."""
    widget, fake = section
    widget.choose("GM0308")
    widget.national.setChecked(False)
    fake.fail("wijken-en-buurten", status=500, times=10)
    widget.refresh.setChecked(True)
    widget.button.click()
    wait_until_done(widget)
    assert "mislukt" in widget.status.text() and widget.refresh.isChecked()  # a failure keeps the choice
    fake._failures.clear()  # the service is back
    widget.button.click()
    wait_until_done(widget)
    assert widget.added is not None, widget.status.text()
    assert not widget.refresh.isChecked()


def test_an_old_status_goes_with_a_new_project(section):
    """Found in the desktop (issue 24): 'Klaar: ...' of the last run stayed after Project > Nieuw."""
    widget, _ = section
    widget._stop("Klaar: 'Veerkrachtkaarten Baarn' staat in de lagenlijst.")
    QgsProject.instance().clear()  # what File > New project does
    assert widget.status.text() == ""


def test_only_editions_with_kerncijfers_are_offered(section):
    """The 2024 kerncijfers are not yet published (-99995 everywhere, at PDOK and in the fake services):
    bronnen.json says so, and the dock does not offer 2024; the default end year is bronnen.json's."""
    import json
    import os

    widget, _ = section
    document = json.loads(open(os.environ["VEERKRACHT_BRONNEN"], encoding="utf-8").read())
    marker = document["bronnen"]["wijkenbuurten"]["jaren"]["2024"]["kerncijfers"]
    assert marker["gevuld"] is False and marker["bron"]
    assert 2024 not in offered(widget.end_year) and 2024 not in offered(widget.begin_year)
    assert offered(widget.end_year)[-1] == 2023 == widget.end_year.currentData()


def test_an_empty_edition_is_said_in_one_sentence_once(services, tmp_path, monkeypatch):
    """A bronnen.json without the marker (a mirror, an older copy): end year 2024 is offered and chosen. The run
    stops after fetching with one Dutch sentence naming the empty year and the year to choose, logged once, and
    leaves no file behind."""

    from veerkracht.veerkracht_plugin.dock.fetch import FetchSection

    unmarked = {"bronnen": {"wijkenbuurten": {"jaren": {"2024": {"kerncijfers": None}}}}}
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(services.write_bronnen(tmp_path / "spiegel.json", unmarked)))
    widget = FetchSection()
    widget.folder = tmp_path / "uit"
    try:
        with logged_messages() as logged:
            widget.choose("GM0308")
            widget.national.setChecked(False)
            assert 2024 in offered(widget.end_year)
            widget.end_year.setCurrentIndex(widget.end_year.findData(2024))
            widget.button.click()
            wait_until_done(widget)
            QCoreApplication.processEvents()
        status = widget.status.text().replace("\u200b", "")
        assert widget.added is None
        assert "2024" in status and "kies 2023" in status.lower(), status
        assert status.count(".") == 1 and status.endswith("."), status  # one sentence
        assert sum(status in message for message in logged) == 1, logged
        assert files_in(widget.folder) == []
    finally:
        sip.delete(widget)
        for layer in list(QgsProject.instance().mapLayers().values()):
            QgsProject.instance().removeMapLayer(layer)


def test_a_failure_is_logged_once(section):
    """Found in the desktop (issue 24): the error of a failed run stood twice in the log."""

    widget, fake = section
    fake.fail("wijken-en-buurten", status=500, times=10)
    with logged_messages() as logged:
        widget.choose("GM0308")
        widget.national.setChecked(False)
        widget.button.click()
        wait_until_done(widget)
        QCoreApplication.processEvents()
    error = widget.status.text().replace("\u200b", "").split(": ", 1)[1]
    assert sum(error in message for message in logged) == 1, [m for m in logged if error in m]
