"""The plain-Python parts of 'Open data ophalen': bronnen.json, gemeente names, requests and pages."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from veerkracht.veerkracht_plugin.sources.catalogue import SourcesError, load_sources
from veerkracht.veerkracht_plugin.sources.gemeenten import find_gemeenten, gemeenten
from veerkracht.veerkracht_plugin.sources.requests import (
    ResponseError,
    field_report,
    first_url,
    in_gemeente,
    next_url,
    read_page,
    rename,
)
from veerkracht.veerkracht_plugin.sources.schema import Schema


def test_the_shipped_sources_cover_every_year_with_the_year_in_the_url():
    sources = load_sources()
    assert sources.years("wijkenbuurten") == list(range(2018, 2025))
    assert sources.years("leefbaarometer") == [2020, 2022, 2024]
    for (name, year), edition in sources.editions.items():
        names = " ".join(n for names in edition.layers.values() for n in names)
        assert str(year) in edition.url or str(year)[2:] in names, (name, year)
        assert edition.field_map and edition.licence
    # issue 22: the WFS of 2018-2021 names its types cbs_buurten_<year>; 2022+ is the OGC API
    assert sources.edition("wijkenbuurten", 2019).layers["buurten"][0] == "cbs_buurten_{jaar}"
    assert sources.edition("wijkenbuurten", 2023).protocol == "ogcapi"


def test_another_sources_file_replaces_the_shipped_one(tmp_path, monkeypatch):
    data = json.loads(open(load_sources().path, encoding="utf-8").read())
    data["bronnen"]["wijkenbuurten"]["jaren"]["2023"]["url"] = "https://mirror.example/wb2023"
    path = tmp_path / "bronnen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(path))
    assert load_sources().edition("wijkenbuurten", 2023).url == "https://mirror.example/wb2023"


def test_a_broken_sources_file_is_named(tmp_path):
    path = tmp_path / "bronnen.json"
    path.write_text(
        '{"bronnen": {"x": {"jaren": {"2020": {"protocol": "ftp", "url": "u", "lagen": {}, "velden": {}}}}}, '
        '"veldkaarten": {}}'
    )
    with pytest.raises(SourcesError, match=r"bronnen.json.*'x' 2020.*ftp"):
        load_sources(path)
    with pytest.raises(SourcesError, match="Geen bron 'wijkenbuurten' voor 2030.*2018, 2019"):
        load_sources().edition("wijkenbuurten", 2030)


@pytest.mark.bad_input
def test_jaren_as_a_list_or_an_entry_without_url_is_said_not_a_traceback(tmp_path):
    """Issue 23: VEERKRACHT_BRONNEN with "jaren" as a list, or a year without "url"."""
    data = json.loads(open(load_sources().path, encoding="utf-8").read())
    data["bronnen"]["leefbaarometer"]["jaren"] = [data["bronnen"]["leefbaarometer"]["jaren"]["2024"]]
    path = tmp_path / "lijst.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourcesError, match=r"'bronnen' -> 'leefbaarometer' -> 'jaren' moet een object zijn.*geen list"):
        load_sources(path)
    data = json.loads(open(load_sources().path, encoding="utf-8").read())
    del data["bronnen"]["wijkenbuurten"]["jaren"]["2023"]["url"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourcesError, match=r"'wijkenbuurten' -> 'jaren' -> '2023' in .*lijst\.json mist 'url'"):
        load_sources(path)


def test_gemeenten_by_code_and_by_name_without_case_or_apostrophes():
    assert len(gemeenten()) == 342
    assert find_gemeenten(["GM0308", "baarn", "0344", "s-HERTOGENBOSCH", "’s-Gravenhage"]) == [
        ("GM0308", "Baarn"),
        ("GM0344", "Utrecht"),
        ("GM0796", "'s-Hertogenbosch"),
        ("GM0518", "'s-Gravenhage"),
    ]


def test_an_unknown_gemeente_gets_suggestions():
    with pytest.raises(ValueError, match=r"'Barn' \(bedoelt u .*Baarn"):
        find_gemeenten(["Barn"])
    with pytest.raises(ValueError, match=r"'bosch' \(bedoelt u 's-Hertogenbosch"):
        find_gemeenten(["bosch"])


def _schema(layer="buurten", **kw):
    mapping = {"buurtcode": "buurtcode", "gemeentecode": "gemeentecode", "aantal_inwoners": "aantalInwoners"}
    values = dict(type_name="cbs_buurten_2019", properties=list(mapping.values()) + ["x"], mapping=mapping)
    values.update(geometry="geom", filter_on="gemeentecode")
    values.update(kw)
    return Schema(**values)


def test_requests_ask_only_what_the_services_accept():
    sources = load_sources()
    oapif = urlsplit(first_url(sources.edition("wijkenbuurten", 2023), _schema(type_name="buurten"), 1000, "GM0308"))
    assert oapif.path.endswith("/wijken-en-buurten-2023/ogc/v1/collections/buurten/items")
    assert parse_qs(oapif.query) == {"f": ["json"], "limit": ["1000"], "gemeentecode": ["GM0308"]}
    # the national reference set: no skipGeometry, no properties (PDOK's OGC API answers 400 to both)
    national = parse_qs(
        urlsplit(
            first_url(sources.edition("wijkenbuurten", 2023), _schema(type_name="buurten"), 1000, None, True)
        ).query
    )
    assert national == {"f": ["json"], "limit": ["1000"]}
    # a collection that cannot filter on gemeente: no filter parameter at all
    unfiltered = first_url(
        sources.edition("wijkenbuurten", 2022), _schema(type_name="buurten", filter_on=""), 1000, "GM0308"
    )
    assert parse_qs(urlsplit(unfiltered).query) == {"f": ["json"], "limit": ["1000"]}
    wfs = parse_qs(urlsplit(first_url(sources.edition("wijkenbuurten", 2019), _schema(), 500, "GM0308")).query)
    assert wfs["typeNames"] == ["cbs_buurten_2019"] and wfs["outputFormat"] == ["application/json"]
    assert wfs["srsName"] == ["urn:ogc:def:crs:EPSG::28992"]  # never the ambiguous EPSG:4326
    assert wfs["count"] == ["500"] and wfs["startIndex"] == ["0"] and "propertyName" not in wfs
    assert "<fes:ValueReference>gemeentecode</fes:ValueReference><fes:Literal>GM0308</fes:Literal>" in wfs["filter"][0]
    attributes = parse_qs(urlsplit(first_url(sources.edition("wijkenbuurten", 2019), _schema(), 500, None, True)).query)
    assert attributes["propertyName"] == ["buurtcode,gemeentecode,aantalInwoners"] and "filter" not in attributes
    lbm = _schema(
        "scores", type_name="lbm3:buurtscore24", mapping={"bu_code": "id"}, filter_on="id", filter_prefix="BU"
    )
    query = parse_qs(urlsplit(first_url(sources.edition("leefbaarometer", 2024), lbm, 1000, "GM0308")).query)
    assert "<fes:PropertyIsLike" in query["filter"][0] and "<fes:Literal>BU0308*</fes:Literal>" in query["filter"][0]


def test_pages_follow_next_links_and_wfs_start_index():
    sources = load_sources()
    body = json.dumps({"type": "FeatureCollection", "features": [{}], "links": [{"rel": "next", "href": "N"}]})
    features, following, _, _ = read_page(body.encode())
    edition = sources.edition("wijkenbuurten", 2023)
    assert next_url(edition, _schema(), 1, following, 1, features, None, "GM0308", False) == "N"
    wfs = sources.edition("wijkenbuurten", 2019)
    following = next_url(wfs, _schema(), 2, None, 2, [{}, {}], 5, "GM0308", False)
    assert parse_qs(urlsplit(following).query)["startIndex"] == ["2"]
    assert next_url(wfs, _schema(), 2, None, 3, [{}], None, "GM0308", False) is None  # a short page
    capped = next_url(wfs, _schema(), 1000, None, 5, [{}] * 5, 21, "GM0308", False)  # the server caps count
    assert parse_qs(urlsplit(capped).query)["startIndex"] == ["5"]
    assert next_url(wfs, _schema(), 1000, None, 21, [{}], 21, "GM0308", False) is None


@pytest.mark.parametrize("body", [b'{"type": "FeatureCollection", "feat', b"<html>Service Unavailable</html>", b"{}"])
def test_a_body_that_is_no_geojson_is_said(body):
    with pytest.raises(ResponseError):
        read_page(body)


def test_fields_renamed_and_unpublished_fields_found():
    mapping = {"aantal_inwoners": "aant_inw", "perc_corp": "p_wcorpw"}
    assert rename({"aant_inw": 5, "p_wcorpw": 3, "other": 1}, mapping) == {
        "aantal_inwoners": 5,
        "perc_corp": 3,
        "other": 1,
    }
    field_map = {"aantal_inwoners": ["aant_inw"], "perc_corp": ["p_huurcorp", "p_wcorpw"], "wmo": ["a_wmo"]}
    features = [{"properties": {"aantal_inwoners": 5, "perc_corp": -99995}}, {"properties": {"perc_corp": -99995}}]
    assert field_report(features, field_map) == (["wmo"], ["perc_corp"])


def test_a_whole_file_is_filtered_to_the_gemeente_by_its_code():
    test = in_gemeente("scores", "GM0308")
    codes = [{"bu_code": code} for code in ("BU03080000", "BU03440001", "BU03081234")]
    assert [p["bu_code"] for p in codes if test(p)] == ["BU03080000", "BU03081234"]
    assert in_gemeente("buurten", "GM0308")({"gemeentecode": "GM0308", "buurtcode": "BU99990000"})
