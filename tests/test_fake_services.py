"""The fake open data services answer as the real ones do (issues 16 and 22); checked with urllib."""

import csv
import json
import socket
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from fake_services import FakeServices
from fake_services_lbm import AFW_BOUNDS

from conftest import REPO, SHARED_DATA

OGC = "/api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
PDOK_WFS = "/service.pdok.nl/cbs/wijkenbuurten/{year}/wfs/v1_0"
LBM_WFS = "/geo.leefbaarometer.nl/lbm3/ows"
OWS = "{http://www.opengis.net/ows/1.1}"
FES_EQUAL = (
    '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
    "<fes:ValueReference>{name}</fes:ValueReference><fes:Literal>{value}</fes:Literal>"
    "</fes:PropertyIsEqualTo></fes:Filter>"
)
OGC_LIKE = (
    '<ogc:PropertyIsLike xmlns:ogc="http://www.opengis.net/ogc" wildCard="*" singleChar="." escapeChar="!">'
    "<ogc:PropertyName>{name}</ogc:PropertyName><ogc:Literal>{value}</ogc:Literal></ogc:PropertyIsLike>"
)


@pytest.fixture
def fake():
    with FakeServices() as services:
        yield services


def get(url, timeout=30):
    """(status, content type, body) without raising on an HTTP error status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def items(fake, year, collection="buurten", **params):
    return f"{fake.base}{OGC.format(year=year)}/collections/{collection}/items?{urlencode({'f': 'json', **params})}"


def wfs(fake, path, **params):
    return f"{fake.base}{path}?{urlencode({'service': 'WFS', 'version': '2.0.0', **params})}"


def get_feature(fake, path, type_name, **params):
    status, _, body = get(
        wfs(fake, path, request="GetFeature", typeNames=type_name, outputFormat="application/json", **params)
    )
    assert status == 200, body
    return json.loads(body)


def all_pages(url):
    """Every feature, following the next links; and the number of pages."""
    features, pages = [], 0
    while url:
        status, content_type, body = get(url)
        assert (status, content_type) == (200, "application/geo+json"), body
        document = json.loads(body)
        assert document["numberReturned"] == len(document["features"])
        features += document["features"]
        pages += 1
        url = next((link["href"] for link in document["links"] if link["rel"] == "next"), None)
    return features, pages


def exception(body):
    element = ET.fromstring(body).find(f"{OWS}Exception")
    return element.get("exceptionCode"), element.get("locator"), element.find(f"{OWS}ExceptionText").text


def baarn_2024():
    return json.loads((SHARED_DATA / "baarn" / "buurten-2024-GM0308.geojson").read_text(encoding="utf-8"))["features"]


def test_ogcapi_pages_through_next_links_and_serves_the_real_2024_file(fake):
    fake.page_size_cap = 4
    features, pages = all_pages(items(fake, 2024, limit=1000, gemeentecode="GM0308"))
    assert pages == 6  # 21 buurten, 4 a page
    assert len(fake.requests) == 6 and all("cursor=" in path for _, path in fake.requests[1:])
    real = baarn_2024()
    assert [f["properties"] for f in features] == [f["properties"] for f in real]
    assert [f["geometry"] for f in features] == [f["geometry"] for f in real]
    assert len({f["id"] for f in features}) == 21
    assert features[0]["properties"]["perc_huurwoningen_in_bezit_woningcorporaties"] == -99995


def test_ogcapi_limit_default_and_maximum(fake):
    document = json.loads(get(items(fake, 2024, gemeentecode="GM0308"))[2])
    assert document["numberReturned"] == 10
    document = json.loads(get(items(fake, 2023, limit=5000))[2])
    assert document["numberReturned"] == 1000  # cut to 1000 silently


def test_ogcapi_refuses_what_pdok_refuses_and_answers_in_crs84(fake):
    for params in ({"skipGeometry": "true"}, {"properties": "buurtcode"}, {"offset": 10}):
        status, _, body = get(items(fake, 2023, limit=5, **params))
        assert status == 400 and list(params)[0] in json.loads(body)["description"]
    status, _, body = get(items(fake, 2022, gemeentecode="GM0308"))  # 2022 filters on nothing
    assert status == 400 and "gemeentecode" in json.loads(body)["description"]
    root = fake.base + OGC.format(year=2022)
    assert json.loads(get(root + "/collections/buurten/queryables")[2])["properties"] == {}
    queryables = json.loads(get(fake.base + OGC.format(year=2024) + "/collections/buurten/queryables")[2])
    assert "gemeentecode" in queryables["properties"]
    lon, lat = json.loads(get(items(fake, 2024, limit=1))[2])["features"][0]["geometry"]["coordinates"][0][0]
    assert 5.1 < lon < 5.4 and 52.1 < lat < 52.3  # CRS84 unless crs is given
    rd = json.loads(get(items(fake, 2024, limit=1, crs="http://www.opengis.net/def/crs/EPSG/0/28992"))[2])
    x, y = rd["features"][0]["geometry"]["coordinates"][0][0]
    assert 140000 < x < 155000 and 460000 < y < 475000  # Baarn in RD New


def test_ogcapi_errors_as_pdok_sends_them(fake):
    status, _, body = get(items(fake, 2024, gemeentecode="GM9999"))
    document = json.loads(body)
    assert status == 200 and document["features"] == [] and [link["rel"] for link in document["links"]] == ["self"]
    for url in (items(fake, 2024, "bestaat_niet"), items(fake, 2021), items(fake, 2017)):
        status, content_type, body = get(url)
        assert (status, content_type, json.loads(body)["code"]) == (404, "application/problem+json", "NotFound")
    status, _, body = get(items(fake, 2024, offset=10))
    assert status == 400 and "offset" in json.loads(body)["description"]


def test_ogcapi_metadata_and_landing_page(fake):
    root = fake.base + OGC.format(year=2023)
    landing = json.loads(get(root)[2])
    assert {link["rel"] for link in landing["links"]} >= {"self", "data", "conformance"}
    collection = json.loads(get(root + "/collections/wijken")[2])
    assert collection["id"] == "wijken" and any(link["rel"] == "items" for link in collection["links"])
    schema = json.loads(get(root + "/collections/buurten/schema")[2])
    assert schema["properties"]["percentage_huishoudens_met_laag_inkomen"]["type"] == "number"


def test_national_rows_without_geometry_only_without_a_gemeente_filter(fake):
    fake.page_size_cap = 1000
    national, pages = all_pages(items(fake, 2023, limit=1000))
    codes = [row["statcode"] for row in csv.DictReader((SHARED_DATA / "nl" / "buurtcodes-2019.csv").open())]
    den_bosch = [c for c in codes if c.startswith("BU0796")]
    assert len(national) == len(codes) - len(den_bosch) + 3 and pages == 14
    synthetic = [f["properties"]["aantal_inwoners"] for f in national if f["properties"]["buurtcode"][2:6] != "0344"]
    assert 0 < sum(0 <= v < 50 for v in synthetic) and max(synthetic) <= 5500
    with_geometry = json.loads(get(items(fake, 2023, gemeentecode="GM0003"))[2])
    assert with_geometry["features"] == []


def test_baarn_and_utrecht_values_per_year(fake):
    buurten = {
        f["properties"]["buurtcode"]: f["properties"]
        for f in all_pages(items(fake, 2023, limit=200, gemeentecode="GM0344"))[0]
    }
    lombok = buurten["BU03440121"]
    assert (lombok["aantal_inwoners"], lombok["aantal_personen_met_een_alg_bijstandsuitkering_tot"]) == (2220, 70)
    assert lombok["percentage_huishoudens_met_laag_inkomen"] == -99997  # "." in the kwb file
    old = get_feature(
        fake,
        PDOK_WFS.format(year=2019),
        "cbs_buurten_2019",
        filter=FES_EQUAL.format(name="buurtcode", value="BU03440121"),
    )
    assert old["features"][0]["properties"]["aantal_inwoners"] == round(2220 * 0.95)
    centrum = get_feature(
        fake,
        PDOK_WFS.format(year=2019),
        "wijkenbuurten2019:cbs_buurten_2019",
        filter=FES_EQUAL.format(name="buurtcode", value="BU03080000"),
    )
    props = centrum["features"][0]["properties"]
    assert (props["aantal_inwoners"], props["aantal_personen_met_een_algemene_bijstandsuitkering_totaal"]) == (1750, 30)
    assert (props["percentage_huishoudens_met_laag_inkomen"], props["aantal_huishoudens"]) == (6.7, round(1750 / 2.2))
    assert 0 <= props["percentage_huurwoningen_in_bezit_woningcorporaties"] <= 60 and "aant_inw" not in props
    camel = get_feature(
        fake,
        PDOK_WFS.format(year=2021),
        "cbs_buurten_2021",
        filter=FES_EQUAL.format(name="buurtcode", value="BU03080000"),
    )["features"][0]["properties"]
    assert "aantalHuishoudens" in camel and "gemeentecode" in camel and "aantal_huishoudens" not in camel


def test_wijken_and_gemeenten_are_the_dissolved_buurten(fake):
    buurten = baarn_2024()
    wijken, _ = all_pages(items(fake, 2024, "wijken", limit=100, gemeentecode="GM0308"))
    assert sorted(w["properties"]["wijkcode"] for w in wijken) == sorted({b["properties"]["wijkcode"] for b in buurten})
    per_wijk = {}
    for b in buurten:
        per_wijk[b["properties"]["wijkcode"]] = (
            per_wijk.get(b["properties"]["wijkcode"], 0) + b["properties"]["aantal_inwoners"]
        )
    assert {w["properties"]["wijkcode"]: w["properties"]["aantal_inwoners"] for w in wijken} == per_wijk
    assert wijken[0]["properties"]["wijknaam"] == "Wijk 00 Baarn"
    gemeenten = json.loads(get(items(fake, 2024, "gemeenten", gemeentecode="GM0308"))[2])["features"]
    assert len(gemeenten) == 1 and gemeenten[0]["properties"]["aantal_inwoners"] == sum(per_wijk.values())


def test_wfs_filters(fake):
    path = PDOK_WFS.format(year=2019)
    either = f'<Filter xmlns="http://www.opengis.net/ogc"><Or>{OGC_LIKE.format(name="buurtcode", value="BU0308*")}'
    either += f"{OGC_LIKE.format(name='wijkenbuurten2019:buurtcode', value='BU0344011.')}</Or></Filter>"
    found = get_feature(fake, path, "cbs_buurten_2019", filter=either)["features"]
    codes = {f["properties"]["buurtcode"] for f in found}
    assert len([c for c in codes if c.startswith("BU0308")]) == 21 and {c for c in codes if c.startswith("BU0344")} == {
        "BU03440111",
        "BU03440112",
        "BU03440113",
        "BU03440114",
    }
    apostrophe = FES_EQUAL.format(name="gemeentenaam", value="'s-Hertogenbosch")
    assert get_feature(fake, path, "cbs_buurten_2019", filter=apostrophe)["numberMatched"] == 3
    like = "<Filter>" + OGC_LIKE + "</Filter>"
    assert (
        get_feature(fake, path, "cbs_buurten_2019", filter=like.format(name="gemeentenaam", value="Baar*"))[
            "numberMatched"
        ]
        == 21
    )
    assert (
        get_feature(fake, path, "cbs_buurten_2019", filter=like.format(name="gemeentenaam", value="Baar!*"))[
            "numberMatched"
        ]
        == 0
    )
    status, _, body = get(
        wfs(fake, path, request="GetFeature", typeNames="wijkenbuurten:buurten", outputFormat="application/json")
    )
    assert status == 400 and exception(body)[2] == "Feature type wijkenbuurten:buurten unknown"  # the 2022+ name


def test_wfs_paging_ids_and_crs(fake):
    fake.page_size_cap = 5
    path, only_baarn = PDOK_WFS.format(year=2020), FES_EQUAL.format(name="gemeentecode", value="GM0308")
    name = "wijkenbuurten2020:cbs_buurten_2020"
    pages = [get_feature(fake, path, name, filter=only_baarn, count=100, startIndex=start) for start in range(0, 25, 5)]
    assert [p["numberReturned"] for p in pages] == [5, 5, 5, 5, 1] and {p["totalFeatures"] for p in pages} == {21}
    ids = [f["id"] for p in pages for f in p["features"]]
    assert len(set(ids)) == 21 and ids[0] == "cbs_buurten_2020.1"
    x, _ = pages[0]["features"][0]["geometry"]["coordinates"][0][0]
    assert 140000 < x < 155000 and pages[0]["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::28992"
    latlon = get_feature(fake, path, name, filter=only_baarn, srsName="EPSG:4326", propertyName="buurtcode,geom")
    lat, lon = latlon["features"][0]["geometry"]["coordinates"][0][0]  # WFS 2.0: EPSG:4326 is latitude first
    assert 5.1 < lon < 5.4 and 52.1 < lat < 52.3 and set(latlon["features"][0]["properties"]) == {"buurtcode"}
    schema = get(wfs(fake, path, request="DescribeFeatureType", typeNames=name))[2]
    assert b"<xsd:schema" in schema and b'name="aantal_inwoners"' in schema and b"MultiSurfacePropertyType" in schema


def test_wfs_errors_are_exception_reports(fake):
    lbm = LBM_WFS
    status, _, body = get(
        wfs(fake, lbm, request="GetFeature", typeNames="lbm3:buurtscore19", outputFormat="application/json")
    )
    assert status == 400 and exception(body) == (
        "InvalidParameterValue",
        "typeName",
        "Feature type lbm3:buurtscore19 unknown",
    )
    status, _, body = get(
        wfs(
            fake,
            lbm,
            request="GetFeature",
            typeNames="lbm3:buurtscore20",
            outputFormat="application/json",
            filter="<Filter><And>",
        )
    )
    assert status == 400 and exception(body)[:2] == ("InvalidParameterValue", "filter")
    status, _, body = get(
        wfs(
            fake,
            lbm,
            request="GetFeature",
            typeNames="lbm3:buurtscore20",
            outputFormat="application/json",
            propertyName="kleur",
        )
    )
    assert status == 400 and exception(body)[1] == "propertyName"
    status, _, body = get(f"{fake.base}{lbm}?SERVICE=WFS&REQUEST=GetCapabilities")
    names = [e.text for e in ET.fromstring(body).iter("{http://www.opengis.net/wfs/2.0}Name")]
    assert status == 200 and names == ["lbm3:buurtscore20", "lbm3:buurtscore22", "lbm3:buurtscore24"]
    status, _, body = get(f"{fake.base}{PDOK_WFS.format(year=2021)}?service=WFS&request=GetCapabilities")
    names = [e.text for e in ET.fromstring(body).iter("{http://www.opengis.net/wfs/2.0}Name")]
    assert names == ["cbs_buurten_2021", "cbs_wijken_2021", "cbs_gemeenten_2021"]  # 2021: no prefix
    assert get(f"{fake.base}{PDOK_WFS.format(year=2023)}?service=WFS&request=GetCapabilities")[0] == 404


def test_leefbaarometer_real_scores_and_classes(fake):
    kaarten = json.loads((REPO / "resources" / "kaarten.json").read_text(encoding="utf-8"))
    assert list(AFW_BOUNDS) == kaarten["afw_drempels"]["grenzen"]
    like = f"<Filter>{OGC_LIKE.format(name='id', value='BU0308*')}</Filter>"
    scores = {
        f["properties"]["id"]: f for f in get_feature(fake, LBM_WFS, "lbm3:buurtscore22", filter=like)["features"]
    }
    with (SHARED_DATA / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv").open() as f:
        real = {r["bu_code"]: r for r in csv.DictReader(f) if r["jaar"] == "2022"}
    assert set(scores) == set(real)
    for code, feature in scores.items():
        props = feature["properties"]
        assert props["afw"] == float(real[code]["afw"]) and props["won"] == float(real[code]["won"])
        assert props["kscore"] == 1 + sum(props["afw"] >= bound for bound in AFW_BOUNDS)
        assert props["konv"] == 1 + sum(props["onv"] >= bound / 2 for bound in AFW_BOUNDS)
        assert feature["geometry"] is not None and props["gemeente"] == "Baarn" and props["year"] == 2022
        assert not {"bu_code", "bu_naam", "lbm"} & set(props)  # the CSV's names, not the WFS'
    national = get_feature(fake, LBM_WFS, "buurtscore24", count=10, propertyName="id,kscore")
    assert national["numberMatched"] > 13000 and national["numberReturned"] == 10


def test_fail_delay_and_malformed(fake):
    fake.fail("wijken-en-buurten-2024", status=503, times=2)
    fake.fail("buurtscore20", status=500)
    assert [get(items(fake, 2024))[0] for _ in range(3)] == [503, 503, 200]
    status, content_type, body = get(
        wfs(fake, LBM_WFS, request="GetFeature", typeNames="lbm3:buurtscore20", outputFormat="application/json")
    )
    assert (status, content_type, exception(body)[0]) == (500, "application/xml", "NoApplicableCode")
    fake.malformed("collections/wijken")
    status, _, body = get(items(fake, 2024, "wijken"))
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert status == 200 and json.loads(get(items(fake, 2024, "wijken"))[2])["numberReturned"] == 5
    fake.delay("collections/gemeenten", 30)
    with pytest.raises((socket.timeout, urllib.error.URLError)):
        get(items(fake, 2024, "gemeenten"), timeout=0.5)
    expected = ["buurten"] * 3 + ["buurtscore20"] + ["wijken"] * 2 + ["gemeenten"]
    assert [method for method, _ in fake.requests] == ["GET"] * 7
    assert len(fake.requests) == len(expected)
    assert all(part in path for part, (_, path) in zip(expected, fake.requests))


def test_write_bronnen_points_every_url_at_the_fake(fake, tmp_path):
    changes = {"bronnen": {"wijkenbuurten": {"jaren": {"2023": {"url": fake.base + "/api.pdok.nl/verhuisd"}}}}}
    written = json.loads((fake.write_bronnen(tmp_path / "bronnen.json", changes)).read_text(encoding="utf-8"))
    original = json.loads((REPO / "resources" / "bronnen.json").read_text(encoding="utf-8"))
    assert "https://" not in json.dumps(written)
    for name, source in written["bronnen"].items():
        assert set(source["jaren"]) == set(original["bronnen"][name]["jaren"])
        for year, edition in source["jaren"].items():
            real = original["bronnen"][name]["jaren"][year]["url"]
            if (name, year) == ("wijkenbuurten", "2023"):
                assert get(edition["url"])[0] == 404
                continue
            assert edition["url"] == fake.base + "/" + real.split("://", 1)[1]
            probe = (
                edition["url"]
                if edition["protocol"] == "ogcapi"
                else edition["url"] + "?service=WFS&request=GetCapabilities"
            )
            assert get(probe)[0] == 200, probe
    assert written["veldkaarten"] == original["veldkaarten"]


def test_stopped_server_refuses(fake):
    url = items(fake, 2024)
    fake.stop()
    with pytest.raises(urllib.error.URLError):
        get(url, timeout=5)
