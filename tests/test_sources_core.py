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
    next_url,
    read_page,
    rename,
)


def test_the_shipped_sources_cover_every_year_with_the_year_in_the_url():
    sources = load_sources()
    assert sources.years("wijkenbuurten") == list(range(2018, 2025))
    assert sources.years("leefbaarometer") == [2020, 2022, 2024]
    for (name, year), edition in sources.editions.items():
        assert str(year) in edition.url or str(year)[2:] in "".join(edition.layers.values()), (name, year)
        assert edition.field_map and edition.licence


def test_another_sources_file_replaces_the_shipped_one(tmp_path, monkeypatch):
    data = json.loads(open(load_sources().path, encoding="utf-8").read())
    data["bronnen"]["wijkenbuurten"]["jaren"]["2023"]["url"] = "https://mirror.example/wb2023"
    path = tmp_path / "bronnen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("VEERKRACHT_BRONNEN", str(path))
    assert load_sources().edition("wijkenbuurten", 2023).url == "https://mirror.example/wb2023"


def test_a_broken_sources_file_is_named(tmp_path):
    path = tmp_path / "bronnen.json"
    path.write_text('{"bronnen": {"x": {"jaren": {"2020": {"protocol": "ftp"}}}}, "veldkaarten": {}}')
    with pytest.raises(SourcesError, match=r"bronnen.json.*'x' 2020.*ftp"):
        load_sources(path)
    with pytest.raises(SourcesError, match="Geen bron 'wijkenbuurten' voor 2030.*2018, 2019"):
        load_sources().edition("wijkenbuurten", 2030)


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


def test_requests_as_the_services_document_them():
    sources = load_sources()
    oapif = urlsplit(first_url(sources.edition("wijkenbuurten", 2023), "buurten", 1000, "GM0308"))
    assert oapif.path.endswith("/wijken-en-buurten-2023/ogc/v1/collections/buurten/items")
    assert parse_qs(oapif.query) == {"f": ["json"], "limit": ["1000"], "gemeentecode": ["GM0308"]}
    national = parse_qs(
        urlsplit(first_url(sources.edition("wijkenbuurten", 2023), "buurten", 1000, None, ["a", "b"])).query
    )
    assert national["skipGeometry"] == ["true"] and national["properties"] == ["a,b"]
    wfs = parse_qs(urlsplit(first_url(sources.edition("leefbaarometer", 2024), "scores", 500, "GM0308")).query)
    assert wfs["typeNames"] == ["lbm3:buurtscore24"] and wfs["outputFormat"] == ["application/json"]
    assert wfs["count"] == ["500"] and wfs["startIndex"] == ["0"]
    assert "<fes:PropertyIsLike" in wfs["filter"][0] and "BU0308*" in wfs["filter"][0]
    old = parse_qs(urlsplit(first_url(sources.edition("wijkenbuurten", 2019), "buurten", 500, "GM0308")).query)
    assert "<fes:ValueReference>gm_code</fes:ValueReference><fes:Literal>GM0308</fes:Literal>" in old["filter"][0]


def test_pages_follow_next_links_and_wfs_start_index():
    sources = load_sources()
    body = json.dumps({"type": "FeatureCollection", "features": [{}], "links": [{"rel": "next", "href": "N"}]})
    features, following, _, _ = read_page(body.encode())
    edition = sources.edition("wijkenbuurten", 2023)
    assert next_url(edition, "buurten", 1, "U", features, following, 1, None, "GM0308", None) == "N"
    wfs = sources.edition("wijkenbuurten", 2019)
    following = next_url(wfs, "buurten", 2, "U", [{}, {}], None, 2, 5, "GM0308", None)
    assert parse_qs(urlsplit(following).query)["startIndex"] == ["2"]
    assert next_url(wfs, "buurten", 2, "U", [{}], None, 3, None, "GM0308", None) is None  # a short page
    capped = next_url(wfs, "buurten", 1000, "U", [{}] * 5, None, 5, 21, "GM0308", None)  # the server caps count
    assert parse_qs(urlsplit(capped).query)["startIndex"] == ["5"]
    assert next_url(wfs, "buurten", 1000, "U", [{}], None, 21, 21, "GM0308", None) is None


@pytest.mark.parametrize("body", [b'{"type": "FeatureCollection", "feat', b"<html>Service Unavailable</html>", b"{}"])
def test_a_body_that_is_no_geojson_is_said(body):
    with pytest.raises(ResponseError):
        read_page(body)


def test_fields_renamed_and_unpublished_fields_found():
    field_map = {"aantal_inwoners": ["aant_inw"], "perc_corp": ["p_huurcorp", "p_wcorpw"], "wmo": ["a_wmo"]}
    assert rename({"aant_inw": 5, "p_wcorpw": 3, "other": 1}, field_map) == {
        "aantal_inwoners": 5,
        "perc_corp": 3,
        "other": 1,
    }
    features = [{"properties": {"aantal_inwoners": 5, "perc_corp": -99995}}, {"properties": {"perc_corp": -99995}}]
    assert field_report(features, field_map) == (["wmo"], ["perc_corp"])


def test_a_whole_file_is_filtered_to_the_gemeente_by_the_same_rule(tmp_path):
    from veerkracht.veerkracht_plugin.sources.requests import local_filter

    data = json.loads(open(load_sources().path, encoding="utf-8").read())
    data["bronnen"]["leefbaarometer"]["jaren"]["2024"].update(
        {"protocol": "bestand", "url": "https://x/lbm-2024.geojson"}
    )
    path = tmp_path / "bronnen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    edition = load_sources(path).edition("leefbaarometer", 2024)
    features = [{"properties": {"bu_code": code}} for code in ("BU03080000", "BU03440001", "BU03081234")]
    assert first_url(edition, "scores", 1000, "GM0308") == "https://x/lbm-2024.geojson"
    assert [f["properties"]["bu_code"] for f in local_filter(edition, "GM0308", features)] == [
        "BU03080000",
        "BU03081234",
    ]
    assert local_filter(edition, None, features) == features  # the whole country
