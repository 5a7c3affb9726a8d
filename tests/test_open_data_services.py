"""Issue 22: 'Open data ophalen' against a local server that answers exactly as PDOK and the Leefbaarometer do
(type names per year, camelCase 2021, the Leefbaarometer's id/name, 400 on unknown parameters, 1000 a page, CRS84
and lat/lon), and against each way a real service misbehaves: a Dutch message naming the URL, no cache entry,
no output file."""

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from helpers import RecordingFeedback, run
from helpers import table as rows
from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

pytestmark = pytest.mark.usefixtures("provider")
MISSING = (-99995, -99997, -99991, -99998, None)


def fetch(tmp_path, feedback=None, **parameters):
    parameters = {"GEMEENTEN": "Baarn", "NATIONAL": False, "OUTPUT": str(tmp_path / "open.gpkg"), **parameters}
    run("opendata", parameters, feedback)
    return tmp_path / "open.gpkg"


def make_maps(path, tmp_path, national):
    """As the dock's one click does after a fetch with the default years (2019 and 2023)."""
    if national:
        job = {
            "LEEFBAAROMETER": f"{path}|layername=leefbaarometer_nl",
            "REFERENTIE": f"{path}|layername=referentie_2023",
            "REFERENTIE_START": f"{path}|layername=referentie_2019",
        }
    else:
        job = {"LEEFBAAROMETER": f"{path}|layername=leefbaarometer", "BUURTEN_START": f"{path}|layername=buurten_2019"}
    out = tmp_path / "kaarten.gpkg"
    run("makemaps", {"INPUT": f"{path}|layername=buurten_2023", **job, "OUTPUT": str(out)})
    return {f["buurtcode"]: f for f in QgsVectorLayer(str(out), "kaarten", "ogr").getFeatures()}


def has_values(path, code):
    """Every input of the nine maps present for this buurt: inhabitants (>= 50), bijstand and corporation share
    in both years, Leefbaarometer onv in both years and kscore in the end year."""
    for year in (2019, 2023):
        buurt = next(r for r in rows(path, f"buurten_{year}") if r["buurtcode"] == code)
        for name in ("aantal_inwoners", "aantal_personen_met_een_alg_bijstandsuitkering_tot"):
            if buurt.get(name) in MISSING:
                return False
        if buurt["aantal_inwoners"] < 50 or buurt["perc_huurwoningen_in_bezit_woningcorporaties"] in MISSING:
            return False
    low = "percentage_huishoudens_met_laag_inkomen"  # a component of the index, unless secret everywhere
    for year in (2019, 2023):
        layer = rows(path, f"buurten_{year}")
        if (
            any(r[low] not in MISSING for r in layer)
            and next(r for r in layer if r["buurtcode"] == code)[low] in MISSING
        ):
            return False
    scores = {r["jaar"]: r for r in rows(path, "leefbaarometer") if r["bu_code"] == code}
    return set(scores) == {2020, 2024} and all(s["onv"] is not None for s in scores.values())


@pytest.mark.parametrize(
    "gemeente, national", [("Baarn", False), ("Baarn", True), ("Utrecht", False), ("Utrecht", True)]
)
def test_the_defaults_complete_and_every_buurt_with_values_gets_a_class_on_all_nine_maps(
    services, tmp_path, gemeente, national
):
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback, GEMEENTEN=gemeente, NATIONAL=national)  # begin year 2019: the WFS
    log = "\n".join(feedback.infos)
    assert (
        "cbs_buurten_2019: " in log
        and "aantal_personen_met_een_alg_bijstandsuitkering_tot <- aantal_personen_met_een_algemene_bijstandsuitkering_totaal"
        in log
    )
    assert "lbm3:buurtscore24: " in log and "bu_code <- id" in log
    maps = make_maps(path, tmp_path, national)
    assert len(maps) == (21 if gemeente == "Baarn" else 111)
    scores = {r["bu_code"]: r["kscore"] for r in rows(path, "leefbaarometer") if r["jaar"] == 2024}
    people = {r["buurtcode"]: r["aantal_inwoners"] for r in rows(path, "buurten_2023")}
    expected = {code: scores[code] if (people[code] or 0) >= 50 else 0 for code in maps if code in scores}
    assert {code: maps[code]["leefbaarheid_klasse"] for code in expected} == expected  # the official kscore
    complete = [code for code in maps if has_values(path, code)]
    assert len(complete) >= (15 if gemeente == "Baarn" else 80)
    for code in complete:
        assert all(maps[code][f"{name}_klasse"] > 0 for name in MAP_IDS), (
            code,
            [n for n in MAP_IDS if not maps[code][f"{n}_klasse"]],
        )


def test_2021_camel_case_and_2022_without_a_gemeente_filter(services, tmp_path):
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback, YEAR_START=2021, YEAR_END=2022)
    start = QgsVectorLayer(f"{path}|layername=buurten_2021", "b", "ogr")
    end = QgsVectorLayer(f"{path}|layername=buurten_2022", "b", "ogr")
    assert start.featureCount() == end.featureCount() == 21
    assert start.fields().indexOf("aantal_huishoudens") >= 0 and start.fields().indexOf("aantalHuishoudens") < 0
    assert end.crs().authid() == start.crs().authid() == "EPSG:28992"
    x = end.extent().center().x()
    assert 140000 < x < 155000 and 140000 < start.extent().center().x() < 155000  # Baarn, in RD New
    assert any("kan niet op gemeente filteren" in line and "heel Nederland" in line for line in feedback.infos)
    requests = [p for _, p in services.requests]
    assert not any("skipGeometry" in p or "properties=" in p or "EPSG%3A4326" in p for p in requests)


def _no_trace(tmp_path):
    assert not (tmp_path / "open.gpkg").exists() and not list(tmp_path.glob(".open.gpkg*"))
    cached = [p.name for p in (tmp_path / "cache").glob("*.geojson")] if (tmp_path / "cache").exists() else []
    return cached


@pytest.mark.parametrize(
    "kind, where, message",
    [
        ("self_next", "wijken-en-buurten-2023", r"pagina die al is opgehaald"),
        ("rd_coordinates", "wijken-en-buurten-2023", r"passen bij meters \(RD New"),
        ("null_geometry", "wijken-en-buurten-2023", r"heeft geen geometrie"),
        ("ignore_start", "wijkenbuurten/2019", r"meldt 1000000 objecten \(numberMatched\)"),
        ("html_200", "collections/buurten/items?f=json&limit=1000", r"geen geldige JSON.*<!DOCTYPE html>"),
    ],
)
def test_a_misbehaving_answer_is_said_with_its_url_and_nothing_is_kept(services, tmp_path, kind, where, message):
    services.page_size_cap = 5
    services.misbehave(kind, where)
    with pytest.raises(QgsProcessingException, match=message) as raised:
        fetch(tmp_path)
    assert services.base in str(raised.value)  # the URL
    cached = _no_trace(tmp_path)
    layer = "2023-buurten" if "2023" in where or "items" in where else "2019-buurten"
    assert not [name for name in cached if layer in name], cached


def test_429_with_retry_after_is_waited_for_and_tried_again(services, tmp_path):
    services.fail("collections/buurten/items?f=json&limit=1000", status=429, retry_after=1)
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback)
    assert QgsVectorLayer(f"{path}|layername=buurten_2023", "b", "ogr").featureCount() == 21
    assert any("HTTP 429" in w and "1 s te wachten" in w for w in feedback.warnings)


def test_a_retry_after_of_an_hour_is_said_not_slept(services, tmp_path):
    services.fail("collections/buurten/items?f=json&limit=1000", status=503, retry_after=3600, times=3)
    with pytest.raises(QgsProcessingException, match=r"druk \(HTTP 503\) en vraagt 3600 s te wachten"):
        fetch(tmp_path)
    _no_trace(tmp_path)


@pytest.mark.parametrize("kind", ["trickle", "redirect_loop"])
def test_a_trickling_body_or_a_redirect_loop_stops_at_the_time_limit(services, tmp_path, kind):
    services.misbehave(kind, "buurtscore24")
    with pytest.raises(
        QgsProcessingException, match=r"Geen antwoord van http://127\.0\.0\.1.*buurtscore24.*binnen 2 s"
    ):
        fetch(tmp_path, TIMEOUT=2)
    assert not [name for name in _no_trace(tmp_path) if "leefbaarometer-2024" in name]


def test_a_cache_that_cannot_be_written_is_a_warning_not_a_failure(services, tmp_path, monkeypatch):
    """Issue 23: VEERKRACHT_CACHE that is a file gave a traceback after a successful download."""
    blocker = tmp_path / "geen-map"
    blocker.write_text("een bestand, geen map")
    monkeypatch.setenv("VEERKRACHT_CACHE", str(blocker))
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback)
    assert QgsVectorLayer(f"{path}|layername=buurten_2023", "b", "ogr").featureCount() == 21
    assert any("De cache" in w and "geen-map" in w and "zonder cache" in w for w in feedback.warnings)


def test_check_sources_shows_the_schemas_found_and_the_mapping_used(services, tmp_path):
    feedback = RecordingFeedback()
    result = run("checksources", {"GEMEENTE": "GM0308", "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)
    found = {(f["bron"], f["jaar"], f["laag"]): f for f in result["OUTPUT"].getFeatures()}
    assert result["RAPPORT"].startswith("17 van 17")
    old = found[("wijkenbuurten", 2020, "buurten")]
    assert old["typenaam"] == "wijkenbuurten2020:cbs_buurten_2020" and "aantal_inwoners" in old["velden_dienst"]
    assert old["gemeentefilter"] == "gemeentecode"
    camel = found[("wijkenbuurten", 2021, "buurten")]
    assert "aantal_huishoudens <- aantalHuishoudens" in camel["koppeling"]
    lbm = found[("leefbaarometer", 2024, "scores")]
    assert (
        lbm["typenaam"] == "lbm3:buurtscore24" and "bu_code <- id" in lbm["koppeling"] and lbm["gemeentefilter"] == "id"
    )
    assert found[("wijkenbuurten", 2022, "buurten")]["gemeentefilter"] == ""
    assert any("laag cbs_buurten_2021; velden van de dienst: " in line for line in feedback.infos)
