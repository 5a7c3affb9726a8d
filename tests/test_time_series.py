"""veerkracht:timeseries on Baarn: three real periods in one layer, one feature per buurt and period, temporal
settings QGIS' temporal controller can play, and a chart per gemeente that is not blank."""

from collections import Counter

import pytest
from qgis.core import QgsDateTimeRange, QgsProcessingException, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QDate, QDateTime, QTime
from qgis.PyQt.QtGui import QImage
from test_styles_and_sharing import BAARN_JOB, baarn_job

from helpers import RecordingFeedback, run

pytestmark = pytest.mark.usefixtures("provider")

PERIODS = "2018-2020/2016-2019; 2018-2022/2017-2021; 2020-2024/2019-2023"
LABELS = ["2018-2020", "2018-2022", "2020-2024"]


def series_job(shared_data, periods=PERIODS):
    job = baarn_job(shared_data)
    return {
        "INPUT": job["INPUT"],
        "LEEFBAAROMETER": job["LEEFBAAROMETER"],
        "KERNCIJFERS": job["KERNCIJFERS_END"],
        "PERIODS": periods,
        **{key: BAARN_JOB[key] for key in ("COUNTS", "SHARES", "INWONERS_COLUMN")},
    }


@pytest.fixture(scope="module")
def series(provider, tmp_path_factory):
    from conftest import SHARED_DATA

    target = tmp_path_factory.mktemp("reeks") / "baarn-reeks.gpkg"
    feedback = RecordingFeedback()
    result = run("timeseries", {**series_job(SHARED_DATA), "OUTPUT": str(target)}, feedback)
    sip.delete(result["OUTPUT"])
    return target, result, feedback


def date_time(value):
    return QDateTime(value, QTime(0, 0)) if isinstance(value, QDate) else value


def shown_at(layer, day):
    """The periods the temporal controller draws on ``day`` (QGIS' own filter for that moment)."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayerTemporalContext

    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    moment = QgsDateTimeRange(date_time(day), date_time(day.addDays(1)))
    expression = layer.temporalProperties().createFilterString(context, moment)
    found = Counter(f["periode"] for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(expression)))
    assert set(found.values()) <= {21}, "every buurt once"
    return set(found)


def test_one_feature_per_buurt_and_period(series):
    target, _, _ = series
    layer = QgsVectorLayer(str(target), "reeks", "ogr")
    pairs = Counter((f["buurtcode"], f["periode"]) for f in layer.getFeatures())
    assert len(pairs) == 21 * 3 == layer.featureCount()
    assert set(pairs.values()) == {1}
    assert sorted({p for _, p in pairs}) == LABELS
    assert all(f["signalering_klasse"] is not None for f in layer.getFeatures())
    sip.delete(layer)


def test_each_period_has_its_own_maps(series, tmp_path):
    """The series' classes of a period are those of 'Veerkrachtkaarten maken' for that period alone."""
    from conftest import SHARED_DATA

    target, _, _ = series
    single = tmp_path / "los.gpkg"
    job = {**baarn_job(SHARED_DATA), "LBM_YEAR_START": 2018, "LBM_YEAR_END": 2022}
    run("makemaps", {**job, "KWB_YEAR_START": 2017, "KWB_YEAR_END": 2021, "OUTPUT": str(single)})
    alone = QgsVectorLayer(str(single), "los", "ogr")
    expected = {f["buurtcode"]: f["signalering_klasse"] for f in alone.getFeatures()}
    layer = QgsVectorLayer(str(target), "reeks", "ogr")
    found = {f["buurtcode"]: f["signalering_klasse"] for f in layer.getFeatures() if f["periode"] == "2018-2022"}
    assert found == expected
    sip.delete(alone)
    sip.delete(layer)


def test_temporal_settings_and_a_range_per_feature(series):
    """Stored as the GeoPackage's default style; QGIS 3.22 resets 'active' when it opens a file, so loaded
    again here as 'Restore default' does."""
    target, _, _ = series
    layer = QgsVectorLayer(str(target), "reeks", "ogr")
    layer.loadDefaultStyle()
    properties = layer.temporalProperties()
    assert properties.isActive()
    assert (properties.startField(), properties.endField()) == ("geldig_van", "geldig_tot")
    assert layer.renderer().classAttribute() == "signalering_klasse"
    by_buurt = {}
    for feature in layer.getFeatures():
        shown = QgsDateTimeRange(date_time(feature["geldig_van"]), date_time(feature["geldig_tot"]), True, False)
        assert shown.begin().isValid() and shown.end().isValid() and not shown.isEmpty()
        assert date_time(feature["periode_begin"]) < date_time(feature["periode_eind"])
        by_buurt.setdefault(feature["buurtcode"], []).append(shown)
    for ranges in by_buurt.values():  # the periods follow each other: one picture per moment
        ranges.sort(key=lambda r: r.begin())
        assert all(a.end() == b.begin() for a, b in zip(ranges, ranges[1:]))
    for day, period in (
        (QDate(2023, 6, 1), "2018-2022"),
        (QDate(2024, 3, 1), "2020-2024"),
        (QDate(2021, 1, 1), "2018-2020"),
        (QDate(2019, 6, 1), None),
    ):
        assert shown_at(layer, day) == ({period} if period else set())
    sip.delete(layer)


def test_post_processor_sets_temporal_properties(series):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from veerkracht.processing_algorithms.support.series_layer import TemporalPostProcessor

    target, _, _ = series
    layer = QgsVectorLayer(str(target), "reeks", "ogr")
    TemporalPostProcessor("Veerkracht door de tijd").postProcessLayer(
        layer, QgsProcessingContext(), QgsProcessingFeedback()
    )
    assert layer.temporalProperties().isActive() and layer.name() == "Veerkracht door de tijd"
    assert layer.temporalProperties().startField() == "geldig_van"
    sip.delete(layer)


def test_the_log_says_each_period_in_words_not_as_raw_results(series):
    """QA pass: each period's inner run logged "Resultaten: {'OUTPUT': 'Veerkrachtkaarten_25440f6e...'}"."""
    _, _, feedback = series
    raw = [line for line in feedback.log.splitlines() if "'REFERENTIESET'" in line]  # the outer run's own is QGIS'
    assert raw == []
    assert sum(line.startswith("Periode ") and "referentieset" in line.lower() for line in feedback.infos) >= 2


def test_chart_beside_the_output_is_not_blank(series):
    target, result, feedback = series
    chart = target.parent / "baarn-reeks signalering Baarn.png"
    assert result["CHARTS"] == str(chart) and chart.is_file()
    image = QImage(str(chart))
    assert not image.isNull() and image.width() > 500
    colours = Counter(
        image.pixelColor(x, y).name() for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
    )
    from veerkracht.veerkracht_plugin.core.catalogue import map_entry

    signalering = {c["kleur"] for c in map_entry("signalering")["klassen"]}
    assert len(signalering & set(colours)) >= 3, "the class colours are drawn"
    assert len([c for c, n in colours.items() if n > 20]) >= 6
    assert "inwoners voor de grafiek uit veld kwb2021_aantal_inwoners" in feedback.log
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "no staging folder left"


def test_periods_are_parsed_and_sorted():
    from veerkracht.veerkracht_plugin.core.editions import parse_periods, shown_between

    periods = parse_periods("2020-2024/2019-2023;2014-2018 ; 2018-2022/2017-2021")
    assert periods == [(2014, 2018, None, None), (2018, 2022, 2017, 2021), (2020, 2024, 2019, 2023)]
    assert shown_between(periods) == [(2018, 2022), (2022, 2024), (2024, 2025)]


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "periods,message",
    [
        ("2018-2022", "minstens twee perioden"),
        ("2018-2022; 2020-2022", "hetzelfde eindjaar"),
        ("2022-2018; 2020-2024", "beginjaar moet vóór"),
        ("2018 tot 2022; 2020-2024", "niet begrepen"),
    ],
)
def test_bad_periods_are_refused_before_anything_runs(periods, message, tmp_path):
    from conftest import SHARED_DATA

    target = tmp_path / "reeks.gpkg"
    with pytest.raises(QgsProcessingException, match=message):
        run("timeseries", {**series_job(SHARED_DATA, periods), "OUTPUT": str(target)})
    assert not target.exists() and not list(tmp_path.iterdir())


@pytest.mark.bad_input
def test_a_year_missing_from_the_files_names_the_period(tmp_path):
    from conftest import SHARED_DATA

    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException, match="Periode 2012-2018.*mislukt"):
        run(
            "timeseries",
            {**series_job(SHARED_DATA, "2012-2018; 2020-2024/2019-2023"), "OUTPUT": str(tmp_path / "r.gpkg")},
            feedback,
        )
    assert not list(tmp_path.iterdir()), "no output, no chart, no staging folder"
