"""'Open data ophalen' against a local server that answers as PDOK and the Leefbaarometer do (tests/fake_services.py):
paging, a 500 then success, a timeout, a malformed body, a moved service, unknown gemeenten, apostrophes, the cache
with the server stopped. Nothing here touches the internet."""

import csv

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from helpers import RecordingFeedback, run, table

pytestmark = pytest.mark.usefixtures("provider")


def fetch(tmp_path, feedback=None, **parameters):
    parameters = {"GEMEENTEN": "Baarn", "NATIONAL": False, "OUTPUT": str(tmp_path / "open.gpkg"), **parameters}
    run("opendata", parameters, feedback)
    return tmp_path / "open.gpkg"


def layer(path, name):
    found = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    assert found.isValid(), f"{name} ontbreekt in {path}"
    return found


def test_baarn_by_name_gives_both_years_wijken_scores_and_sources(services, tmp_path, shared_data):
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback)  # the default years: 2019 (WFS, old field names) and 2023 (OGC API)
    end, start = layer(path, "buurten_2023"), layer(path, "buurten_2019")
    assert end.featureCount() == start.featureCount() == 21
    assert end.crs().authid() == start.crs().authid() == "EPSG:28992"
    for name in ("buurtcode", "aantal_inwoners", "aantal_personen_met_een_alg_bijstandsuitkering_tot"):
        assert start.fields().indexOf(name) >= 0, name  # renamed from bu_code, aant_inw, a_soz_wb
    with open(shared_data / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv", encoding="utf-8") as handle:
        expected = {
            r["buurtcode"]: float(r["value"])
            for r in csv.DictReader(handle)
            if r["indicator"] == "aantal_inwoners"
            and r["table_year"] == "2019"
            and r["value"]
            and r["buurtcode"].startswith("BU")
        }
    got = {f["buurtcode"]: f["aantal_inwoners"] for f in start.getFeatures()}
    assert {code: got[code] for code in expected} == pytest.approx(expected)
    assert layer(path, "wijken_2023").featureCount() >= 1
    scores = table(path, "leefbaarometer")
    assert {row["jaar"] for row in scores} == {2020, 2024}  # nearest to 2019 and 2023
    assert all(1 <= row["kscore"] <= 9 for row in scores) and "konv" in scores[0]
    assert len({row["bu_code"] for row in scores}) == 21
    sources = table(path, "bronnen")
    assert {(row["bron"], row["jaar"], row["laag"]) for row in sources} >= {
        ("wijkenbuurten", 2019, "buurten"),
        ("wijkenbuurten", 2023, "wijken"),
        ("leefbaarometer", 2024, "scores"),
    }
    assert all(row["url"].startswith(services.base) and row["licentie"] and row["opgehaald"] for row in sources)
    assert not any(row["uit_cache"] for row in sources)
    assert all(path.startswith("/") for _, path in services.requests)  # every request went to the local server


def test_many_pages_are_followed(services, tmp_path):
    services.page_size_cap = 5
    path = fetch(tmp_path)
    assert layer(path, "buurten_2023").featureCount() == 21
    assert layer(path, "buurten_2019").featureCount() == 21
    oapif = [
        p
        for _, p in services.requests
        if "wijken-en-buurten-2023/ogc/v1/collections/buurten/items?f=json&limit=1000" in p
    ]
    wfs = [
        p
        for _, p in services.requests
        if "wijkenbuurten/2019/wfs" in p and "GetFeature" in p and "cbs_buurten_2019&" in p
    ]
    assert len(oapif) == 5 and len(wfs) >= 5


def test_a_500_is_tried_once_more(services, tmp_path):
    services.fail("wijken-en-buurten-2023", status=500, times=1)
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback)
    assert layer(path, "buurten_2023").featureCount() == 21
    assert any("HTTP 500" in w and "nog één poging" in w for w in feedback.warnings)


def test_two_500s_stop_with_the_url_and_status(services, tmp_path):
    services.fail("wijken-en-buurten-2023", status=503, times=2)
    with pytest.raises(QgsProcessingException, match=r"wijken-en-buurten-2023.*HTTP 503.*later opnieuw"):
        fetch(tmp_path)
    assert not (tmp_path / "open.gpkg").exists()


def test_a_timeout_names_the_url(services, tmp_path):
    services.delay("buurtscore24", 4)
    with pytest.raises(QgsProcessingException, match=r"Geen antwoord van http://127\.0\.0\.1.*lbm3/ows.*binnen 1 s"):
        fetch(tmp_path, TIMEOUT=1)


def test_a_malformed_body_names_the_url_and_the_line_to_fix(services, tmp_path):
    services.malformed("wijken-en-buurten-2023/ogc/v1/collections/buurten/items?f=json&limit=1000")
    with pytest.raises(
        QgsProcessingException, match=r"onbruikbaar: geen geldige JSON.*'wijkenbuurten' -> 'jaren' -> '2023'"
    ):
        fetch(tmp_path)


def test_a_moved_service_names_the_status_and_the_line_to_fix(services, tmp_path, monkeypatch):
    moved = services.write_bronnen(
        tmp_path / "verhuisd.json",
        {"bronnen": {"wijkenbuurten": {"jaren": {"2023": {"url": f"{services.base}/api.pdok.nl/cbs/oud/ogc/v1"}}}}},
    )
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(moved))
    with pytest.raises(
        QgsProcessingException, match=r"HTTP 404.*'wijkenbuurten' -> 'jaren' -> '2023' in .*verhuisd\.json"
    ):
        fetch(tmp_path)


def test_unknown_gemeenten(services, tmp_path):
    with pytest.raises(QgsProcessingException, match=r"Onbekende gemeente: 'Barn' \(bedoelt u .*Baarn"):
        fetch(tmp_path, GEMEENTEN="Barn")
    with pytest.raises(QgsProcessingException, match=r"geen buurten voor GM9999"):
        fetch(tmp_path, GEMEENTEN="GM9999")


def test_a_name_with_an_apostrophe(services, tmp_path):
    path = fetch(tmp_path, GEMEENTEN="s-hertogenbosch, baarn")
    codes = {f["gemeentecode"] for f in layer(path, "buurten_2023").getFeatures()}
    assert codes == {"GM0796", "GM0308"}


def test_the_second_run_works_from_the_cache_with_the_server_stopped(services, tmp_path):
    fetch(tmp_path)
    services.stop()
    feedback = RecordingFeedback()
    path = fetch(tmp_path, feedback, OUTPUT=str(tmp_path / "tweede.gpkg"))
    assert layer(tmp_path / "tweede.gpkg", "buurten_2023").featureCount() == 21
    assert any("Uit de cache" in info for info in feedback.infos)
    assert all(row["uit_cache"] == 1 for row in table(path.parent / "tweede.gpkg", "bronnen"))


def test_a_field_not_yet_published_is_named(services, tmp_path):
    feedback = RecordingFeedback()
    fetch(tmp_path, feedback, YEAR_START=2022, YEAR_END=2024)
    assert any(
        "perc_huurwoningen_in_bezit_woningcorporaties" in w and "2024" in w and "latere versie" in w
        for w in feedback.warnings
    )


def test_the_national_reference_tables(services, tmp_path):
    path = fetch(tmp_path, NATIONAL=True)
    for year in (2019, 2023):
        rows = table(path, f"referentie_{year}")
        assert len(rows) > 13000 and len({row["buurtcode"] for row in rows}) == len(rows)
        assert {"buurtcode", "aantal_inwoners"} <= set(rows[0])
        assert sum(row["buurtcode"].startswith("BU0308") for row in rows) == 21
    national = table(path, "leefbaarometer_nl")
    assert {row["jaar"] for row in national} == {2020, 2024} and len(national) > 10000


def test_makemaps_runs_on_the_fetched_geopackage_with_its_defaults(services, tmp_path):
    """Item 5: the buurt layer with its kerncijfers, the start-year layer and the scores; no field typed."""
    path = fetch(tmp_path, YEAR_START=2020, YEAR_END=2023)
    feedback = RecordingFeedback()
    result = run(
        "makemaps",
        {
            "INPUT": f"{path}|layername=buurten_2023",
            "LEEFBAAROMETER": f"{path}|layername=leefbaarometer",
            "BUURTEN_START": f"{path}|layername=buurten_2020",
            "OUTPUT": str(tmp_path / "kaarten.gpkg"),
        },
        feedback,
    )
    maps = QgsVectorLayer(str(tmp_path / "kaarten.gpkg"), "kaarten", "ogr")
    assert maps.featureCount() == 21
    features = list(maps.getFeatures())
    assert not any("voorlopige" in f["leefbaarheid_label"] for f in features)  # the official classes (kscore)
    scores = {r["bu_code"]: r["kscore"] for r in table(path, "leefbaarometer") if r["jaar"] == 2024}
    assert all(f["leefbaarheid_klasse"] in (0, scores[f["buurtcode"]]) for f in features)
    for map_id in ("leefbaarheid", "overlast", "kwetsbaar", "kwetsbaar_ontwikkeling", "corporatiebezit"):
        assert sum(f[f"{map_id}_klasse"] > 0 for f in features) >= 15, map_id
    assert "Kerncijfers 2020" in result["REFERENTIESET"] and "op buurtcode gekoppeld" in result["REFERENTIESET"]


def test_makemaps_on_the_national_reference_set(services, tmp_path):
    """Item 6: classes compared with the whole country, only Baarn's buurten written, and the text says so."""
    path = fetch(tmp_path, NATIONAL=True)
    job = {
        "INPUT": f"{path}|layername=buurten_2023",
        "LEEFBAAROMETER": f"{path}|layername=leefbaarometer_nl",
        "REFERENTIE": f"{path}|layername=referentie_2023",
        "REFERENTIE_START": f"{path}|layername=referentie_2019",
    }
    national = run("makemaps", {**job, "OUTPUT": str(tmp_path / "nl.gpkg")})
    local = run(
        "makemaps",
        {
            "INPUT": job["INPUT"],
            "LEEFBAAROMETER": f"{path}|layername=leefbaarometer",
            "BUURTEN_START": f"{path}|layername=buurten_2019",
            "OUTPUT": str(tmp_path / "gemeente.gpkg"),
        },
    )
    assert "Referentieset Nederland" in national["REFERENTIESET"] and "referentie_2023" in national["REFERENTIESET"]
    assert "Referentieset Nederland" not in local["REFERENTIESET"]
    from veerkracht.veerkracht_plugin.atlas import sources_text

    nl_layer = QgsVectorLayer(str(tmp_path / "nl.gpkg"), "nl", "ogr")
    for text in (national["REFERENTIESET"], sources_text(nl_layer, national["REFERENTIESET"])):
        assert text.count("Referentieset") == 1, text  # the atlas footer said it three times (QA pass)
    on_nl = {f["buurtcode"]: f for f in QgsVectorLayer(str(tmp_path / "nl.gpkg"), "nl", "ogr").getFeatures()}
    on_baarn = {f["buurtcode"]: f for f in QgsVectorLayer(str(tmp_path / "gemeente.gpkg"), "b", "ogr").getFeatures()}
    assert set(on_nl) == set(on_baarn) and len(on_nl) == 21
    assert all(f.hasGeometry() for f in on_nl.values())
    differs = [c for c in on_nl if on_nl[c]["kwetsbaar_waarde"] != on_baarn[c]["kwetsbaar_waarde"]]
    assert differs  # z-scores against the country, not against Baarn alone
    assert sum(f["kwetsbaar_ontwikkeling_klasse"] > 0 for f in on_nl.values()) >= 15


def test_check_sources_names_what_moved_and_what_is_missing(services, tmp_path, monkeypatch):
    moved = services.write_bronnen(
        tmp_path / "deels.json",
        {"bronnen": {"wijkenbuurten": {"jaren": {"2021": {"url": f"{services.base}/service.pdok.nl/oud/wfs"}}}}},
    )
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(moved))
    feedback = RecordingFeedback()
    result = run("checksources", {"GEMEENTE": "GM0308", "OUTPUT": "TEMPORARY_OUTPUT"}, feedback)
    rows = {(f["bron"], f["jaar"], f["laag"]): f for f in result["OUTPUT"].getFeatures()}
    assert len(rows) == 17 and result["RAPPORT"].startswith("15 van 17")
    broken = rows[("wijkenbuurten", 2021, "buurten")]
    assert broken["bereikbaar"] == 0 and "HTTP" in broken["melding"] and "'2021'" in broken["melding"]
    fine = rows[("wijkenbuurten", 2023, "buurten")]
    assert fine["bereikbaar"] == 1 and "aantal_inwoners" in fine["velden_aanwezig"]
    assert fine["velden_ontbrekend"] == ""  # a buurt layer has no wijknaam: no news
    wijken = rows[("wijkenbuurten", 2023, "wijken")]
    assert "buurtcode" not in wijken["velden_ontbrekend"] and "buurtcode" not in wijken["velden_aanwezig"]
    assert "wijknaam" not in fine["velden_aanwezig"]
    assert (
        "perc_huurwoningen_in_bezit_woningcorporaties"
        in rows[("wijkenbuurten", 2024, "buurten")]["velden_niet_gepubliceerd"]
    )
    assert any("NIET bereikbaar" in w and "2021" in w for w in feedback.warnings)
    assert not any("cache" in info.lower() for info in feedback.infos)  # it asks the services themselves


class CancelAfter(RecordingFeedback):
    """Cancels once the log has shown ``pages`` pages: as a user pressing Annuleren during the fetch."""

    def __init__(self, pages):
        super().__init__()
        self.pages = pages

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        super().pushInfo(info)
        if sum("pagina" in line for line in self.infos) >= self.pages:
            self.cancel()


def test_cancel_between_requests_leaves_no_file_and_keeps_an_earlier_one(services, tmp_path):
    path = fetch(tmp_path)
    before, first_run = path.read_bytes(), len(services.requests)
    services.page_size_cap = 5
    with pytest.raises(QgsProcessingException, match="Geannuleerd"):
        fetch(tmp_path, CancelAfter(2), REFRESH=True)
    assert path.read_bytes() == before and not list(tmp_path.glob(".open.gpkg*"))
    pages = [p for _, p in services.requests[first_run:] if "GetFeature" in p or "items?f=json&limit=1000" in p]
    assert len(pages) == 2  # stopped after the page it was cancelled on


def test_cancel_between_layers_is_said_as_a_cancel(services, tmp_path):
    """Found in the desktop: a cancel after a whole layer was said as 'geen buurten voor Baarn'."""
    with pytest.raises(QgsProcessingException, match="Geannuleerd"):
        fetch(tmp_path, CancelAfter(1))


def test_an_empty_answer_is_not_kept_in_the_cache(services, tmp_path):
    with pytest.raises(QgsProcessingException):
        fetch(tmp_path, GEMEENTEN="GM9999")
    assert not any("GM9999" in p.name for p in (tmp_path / "cache").glob("*"))


def test_a_component_the_layer_does_not_fill_is_warned(services, tmp_path):
    """Utrecht's low-income field is secret (-99997) in every buurt: the index rests on bijstand alone, said aloud."""
    path = fetch(tmp_path, GEMEENTEN="Utrecht")
    feedback = RecordingFeedback()
    params = {
        "INPUT": f"{path}|layername=buurten_2023",
        "LEEFBAAROMETER": f"{path}|layername=leefbaarometer",
        "BUURTEN_START": f"{path}|layername=buurten_2019",
        "OUTPUT": "TEMPORARY_OUTPUT",
    }
    run("makemaps", params, feedback)
    assert any(
        "mist component laag_inkomen" in w and "percentage_huishoudens_met_laag_inkomen" in w for w in feedback.warnings
    )


@pytest.fixture
def qgis_proxy(services):
    """QGIS' own proxy setting (Instellingen > Opties > Netwerk) pointed at the fake services, as a corporation's
    proxy: the fake answers absolute-URI requests as a forwarding proxy would."""
    from qgis.core import QgsNetworkAccessManager, QgsSettings

    settings, keys = QgsSettings(), ("proxy/proxyEnabled", "proxy/proxyType", "proxy/proxyHost", "proxy/proxyPort")
    before = {key: settings.value(key) for key in keys}
    settings.setValue("proxy/proxyEnabled", True)
    settings.setValue("proxy/proxyType", "HttpProxy")
    settings.setValue("proxy/proxyHost", "127.0.0.1")
    settings.setValue("proxy/proxyPort", services.base.rsplit(":", 1)[1])
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()
    yield
    for key, value in before.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()


def test_the_proxy_set_in_qgis_is_used(services, qgis_proxy, tmp_path, monkeypatch):
    """Hosts that only the proxy knows: without QGIS' proxy setting these requests cannot succeed."""
    path = services.write_bronnen(tmp_path / "via-proxy.json")
    path.write_text(path.read_text(encoding="utf-8").replace(services.base, "http://alleen-via-proxy.invalid"))
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(path))
    result = fetch(tmp_path)
    assert layer(result, "buurten_2023").featureCount() == 21
    assert services.requests and all(
        target.startswith("http://alleen-via-proxy.invalid/") for _, target in services.requests
    )
