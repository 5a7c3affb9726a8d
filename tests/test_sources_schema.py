"""Issue 22: names asked of the service, not assumed (capabilities, XML schema, queryables), matched without regard
to case and underscores; answers checked before anything is kept. Plain Python, no server."""

import pytest

from veerkracht.veerkracht_plugin.sources.catalogue import load_sources
from veerkracht.veerkracht_plugin.sources.requests import CRS84, RD
from veerkracht.veerkracht_plugin.sources.schema import (
    SchemaError,
    choose_name,
    gemeente_filter,
    match_fields,
    ogc_queryables,
    wfs_properties,
    wfs_type_names,
)
from veerkracht.veerkracht_plugin.sources.validate import AnswerError, check_geometries, new_codes

CBS = load_sources().edition("wijkenbuurten", 2019).field_map
LBM = load_sources().edition("leefbaarometer", 2024).field_map


def test_2021_camel_case_older_long_names_and_kwb_short_names_all_map():
    camel = match_fields(
        CBS,
        [
            "buurtcode",
            "gemeentecode",
            "aantalInwoners",
            "aantalHuishoudens",
            "percentageHuurwoningenInBezitWoningcorporaties",
        ],
    )
    assert camel["aantal_huishoudens"] == "aantalHuishoudens"
    assert camel["perc_huurwoningen_in_bezit_woningcorporaties"] == "percentageHuurwoningenInBezitWoningcorporaties"
    long = match_fields(CBS, ["buurtcode", "aantal_personen_met_een_algemene_bijstandsuitkering_totaal"])
    assert (
        long["aantal_personen_met_een_alg_bijstandsuitkering_tot"]
        == "aantal_personen_met_een_algemene_bijstandsuitkering_totaal"
    )
    short = match_fields(CBS, ["BU_CODE", "AANT_INW", "P_HUURCORP"])
    assert short == {
        "buurtcode": "BU_CODE",
        "aantal_inwoners": "AANT_INW",
        "perc_huurwoningen_in_bezit_woningcorporaties": "P_HUURCORP",
    }
    # a name cut at 50 characters still finds its canonical field, and only one service name per field
    cut = match_fields(CBS, ["aantal_personen_met_een_ao_uitkering_tota"])
    assert cut == {"aantal_personen_met_een_ao_uitkering_totaal": "aantal_personen_met_een_ao_uitkering_tota"}


def test_the_leefbaarometer_wfs_names_map_to_the_csv_names():
    names = ["gemeente", "name", "id", "scale", "year", "kscore", "kafw", "kfys", "konv", "afw", "onv"]
    mapping = match_fields(LBM, names)
    assert mapping["bu_code"] == "id" and mapping["bu_naam"] == "name" and mapping["kscore"] == "kscore"
    assert "lbm" not in mapping  # the WFS has no total score, only the classes and afw
    assert gemeente_filter("scores", mapping) == ("id", "BU")  # by prefix of the BU code


def test_a_feature_type_is_found_whatever_its_prefix_and_a_missing_one_lists_what_is_there():
    available = ["wijkenbuurten2020:cbs_buurten_2020", "wijkenbuurten2020:cbs_wijken_2020"]
    assert choose_name(["cbs_buurten_{jaar}", "buurten"], available, 2020, "x", "w", "u") == available[0]
    assert (
        choose_name(["wijkenbuurten:buurten", "cbs_buurten_{jaar}"], ["cbs_buurten_2021"], 2021, "x", "w", "u")
        == "cbs_buurten_2021"
    )
    with pytest.raises(
        SchemaError, match=r"geen laag 'buurten' onder de namen wijkenbuurten:buurten\. Wel: .*cbs_wijken_2020.*regel"
    ):
        choose_name(["wijkenbuurten:buurten"], available, 2020, "laag 'buurten'", "regel", "http://u")


def test_gemeente_filter_by_code_or_prefix_and_only_where_the_ogc_api_can():
    mapping = {"buurtcode": "buurtcode", "gemeentecode": "gemeentecode"}
    assert gemeente_filter("buurten", mapping) == ("gemeentecode", "")
    assert gemeente_filter("buurten", {"buurtcode": "bu_code"}) == ("bu_code", "BU")
    assert gemeente_filter("wijken", {"wijkcode": "wijkcode"}) == ("wijkcode", "WK")
    assert gemeente_filter("buurten", mapping, filterable=set()) == ("", "")  # OGC API without queryables: here
    assert gemeente_filter("buurten", mapping, filterable={"gemeentecode"}) == ("gemeentecode", "")


CAPABILITIES = b"""<?xml version="1.0"?><wfs:WFS_Capabilities xmlns:wfs="http://www.opengis.net/wfs/2.0">
<wfs:FeatureTypeList><wfs:FeatureType><wfs:Name>cbs_buurten_2021</wfs:Name></wfs:FeatureType>
<wfs:FeatureType><wfs:Name>cbs_wijken_2021</wfs:Name></wfs:FeatureType></wfs:FeatureTypeList></wfs:WFS_Capabilities>"""
SCHEMA = b"""<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="http://www.opengis.net/gml/3.2">
<xsd:complexType name="cbs_buurten_2021Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType"><xsd:sequence>
<xsd:element name="geom" type="gml:MultiSurfacePropertyType"/><xsd:element name="buurtcode" type="xsd:string"/>
<xsd:element name="aantalInwoners" type="xsd:int"/></xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>
<xsd:element name="cbs_buurten_2021" substitutionGroup="gml:AbstractFeature" type="x:cbs_buurten_2021Type"/></xsd:schema>"""


def test_capabilities_and_describe_feature_type_are_read():
    assert wfs_type_names(CAPABILITIES, "u") == ["cbs_buurten_2021", "cbs_wijken_2021"]
    assert wfs_properties(SCHEMA, "u", "cbs_buurten_2021") == (["buurtcode", "aantalInwoners"], "geom")
    report = b'<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception><ows:ExceptionText>kapot</ows:ExceptionText></ows:Exception></ows:ExceptionReport>'
    with pytest.raises(SchemaError, match="foutmelding: kapot"):
        wfs_type_names(report, "u")
    with pytest.raises(SchemaError, match=r"GetCapabilities van http://x is geen XML.*<html>"):
        wfs_type_names(b"<html><body>onderhoud", "http://x")
    assert ogc_queryables(b'{"properties": {"gemeentecode": {}, "geometry": {}}}', "u") == {"gemeentecode"}


def _feature(code, coordinates, kind="Polygon"):
    return {"properties": {"buurtcode": code}, "geometry": {"type": kind, "coordinates": coordinates}}


def test_geometry_outside_the_netherlands_in_the_promised_crs_is_refused_with_the_likely_cause():
    check_geometries([_feature("BU1", [[[5.3, 52.2], [5.4, 52.2], [5.3, 52.3]]])], CRS84, "buurtcode")
    check_geometries([_feature("BU1", [[[140000, 460000], [141000, 460000], [140000, 461000]]])], RD, "buurtcode")
    with pytest.raises(AnswerError, match=r"BU1: coördinaat \(140000, 460000\).*passen bij meters \(RD New"):
        check_geometries(
            [_feature("BU1", [[[140000, 460000], [141000, 460000], [140000, 461000]]])], CRS84, "buurtcode"
        )
    with pytest.raises(AnswerError, match="breedte en lengte lijken verwisseld"):
        check_geometries([_feature("BU2", [[[52.2, 5.3], [52.2, 5.4], [52.3, 5.3]]])], CRS84, "buurtcode")
    with pytest.raises(AnswerError, match="BU3 heeft geen geometrie"):
        check_geometries([{"properties": {"buurtcode": "BU3"}, "geometry": None}], CRS84, "buurtcode")
    with pytest.raises(AnswerError, match="BU4 heeft een coördinaat die geen eindig getal is"):
        check_geometries([_feature("BU4", [[[float("inf"), 52.2], [5.4, 52.2], [5.3, 52.3]]])], CRS84, "buurtcode")


def test_codes_once_per_layer_and_a_repeated_page_adds_nothing():
    seen = set()
    page = [{"properties": {"buurtcode": c}} for c in ("BU1", "BU2")]
    assert new_codes(page, "buurtcode", seen) == ["BU1", "BU2"]
    assert new_codes(page, "buurtcode", seen) == []  # the same page again: the caller stops paging
    with pytest.raises(AnswerError, match="buurtcode BU3 komt meer dan eens voor"):
        new_codes([{"properties": {"buurtcode": "BU3"}}] * 2, "buurtcode", set())
    with pytest.raises(AnswerError, match="buurtcode BU1 komt meer dan eens voor"):
        new_codes([{"properties": {"buurtcode": "BU1"}}, {"properties": {"buurtcode": "BU9"}}], "buurtcode", seen)
