"""The fake's WFS 2.0 (GeoServer behind PDOK's wijkenbuurten 2018-2021 and the Leefbaarometer lbm3/ows).

As PDOK and the Leefbaarometer (issue 22): feature types cbs_buurten_<year> / cbs_wijken_<year> for 2018-2021
(2018-2020 with the prefix wijkenbuurten<year>, 2021 without one), lbm3:buurtscoreYY; keys case-insensitive;
GeoJSON with totalFeatures/numberMatched/numberReturned and ids like "cbs_buurten_2019.12"; paging only with
count/startIndex (at most 1000 per request whatever COUNT says); only an OGC FES filter (CQL_FILTER is ignored);
the native CRS EPSG:28992 unless srsName asks for EPSG:4326, which in WFS 2.0 means latitude first; one property
name it does not know is a 400 ows:ExceptionReport. DescribeFeatureType answers an XML schema (JSON on request).
Only GeoJSON features; only KVP GET. `fake.misbehave` bends it (ignore_start: startIndex ignored with a huge
numberMatched).
"""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable, Dict
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape, quoteattr

from fake_services_data import pdok_layer, reproject
from fake_services_lbm import LBM_YEARS, lbm_layer
from fake_services_ogcapi import Response, now, property_types

JSON_FORMATS = {"application/json", "json", "application/json;subtype=geojson", "application/geo+json"}
MAX_COUNT = 1000
GEOMETRY = "geom"


@dataclass
class WfsService:
    title: str
    prefix: str
    namespace: str
    types: Dict[str, Callable]  # local type name -> features (built on first use)


def pdok_wfs(year):
    layers = {
        f"cbs_{name}_{year}": (lambda name=name: pdok_layer(year, name)) for name in ("buurten", "wijken", "gemeenten")
    }
    prefix = "" if year == 2021 else f"wijkenbuurten{year}"
    return WfsService(f"CBS Wijken en Buurten {year}", prefix, "http://wijkenbuurten.cbs.nl", layers)


def lbm_wfs():
    layers = {f"buurtscore{year % 100}": (lambda year=year: lbm_layer(year)) for year in LBM_YEARS}
    return WfsService("Leefbaarometer 3.0", "lbm3", "http://leefbaarometer.nl/lbm3", layers)


class WfsError(Exception):
    def __init__(self, code, locator, text):
        super().__init__(text)
        self.code, self.locator = code, locator


def exception_report(code, locator, text, status=400):
    locator_attribute = f" locator={quoteattr(locator)}" if locator else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"'
        f' version="2.0.0">\n  <ows:Exception exceptionCode="{code}"{locator_attribute}>\n'
        f"    <ows:ExceptionText>{escape(text)}</ows:ExceptionText>\n  </ows:Exception>\n</ows:ExceptionReport>\n"
    )
    return Response(status, "application/xml", body.encode("utf-8"))


def wfs(fake, service, query):
    """Answer a KVP GET on the service; query is the raw query string."""
    params = {key.lower(): value for key, value in parse_qsl(query, keep_blank_values=True)}
    try:
        if params.get("service", "").upper() != "WFS":
            raise WfsError(
                "MissingParameterValue" if "service" not in params else "InvalidParameterValue",
                "service",
                "service=WFS ontbreekt",
            )
        request = params.get("request", "")
        if request.lower() == "getcapabilities":
            return _capabilities(service)
        if request.lower() == "describefeaturetype":
            return _describe(service, params)
        if request.lower() == "getfeature":
            return _get_feature(service, params, fake.page_size_cap or MAX_COUNT, fake.misbehaving)
        raise WfsError(
            "OperationNotSupported" if request else "MissingParameterValue", "request", f"Onbekend request: {request}"
        )
    except WfsError as error:
        return exception_report(error.code, error.locator, str(error))


def _type(service, params):
    names = params.get("typenames") or params.get("typename")
    if not names:
        raise WfsError("MissingParameterValue", "typeName", "typeNames ontbreekt")
    prefix, _, local = names.rpartition(":")
    if prefix not in ("", service.prefix) or local not in service.types:
        raise WfsError("InvalidParameterValue", "typeName", f"Feature type {names} unknown")
    return local, service.types[local]()


def _get_feature(service, params, cap, misbehaving=()):
    local, features = _type(service, params)
    names = set(features[0].properties)
    if params.get("outputformat", "").replace(" ", "").lower() not in JSON_FORMATS:
        raise WfsError(
            "InvalidParameterValue", "outputFormat", "Alleen outputFormat=application/json in deze nepdienst"
        )
    try:
        count = int(params.get("count") or params.get("maxfeatures") or MAX_COUNT)
        start = int(params.get("startindex") or 0)
    except ValueError as error:
        raise WfsError("InvalidParameterValue", "count", str(error)) from error
    epsg = _srs(params.get("srsname"))
    selected = [n.rpartition(":")[2] for n in params.get("propertyname", "").split(",") if n]
    if set(selected) - names - {GEOMETRY}:
        raise WfsError(
            "InvalidParameterValue",
            "propertyName",
            f"Illegal property name: {sorted(set(selected) - names - {GEOMETRY})[0]}",
        )
    with_geometry = not selected or GEOMETRY in selected
    test = parse_filter(params["filter"], names) if params.get("filter") else None
    national = test is None or not with_geometry
    matches = [
        (number, f)
        for number, f in enumerate(features, start=1)
        if (national or not f.national) and (test is None or test(f.properties))
    ]
    size = min(count, MAX_COUNT, cap)
    if "ignore_start" in misbehaving:
        start = 0
    lat_first = epsg == 4326
    out = [
        {
            "type": "Feature",
            "id": f"{local}.{number}",
            "geometry": _swapped(reproject(f.geometry, 4326, epsg), lat_first) if with_geometry else None,
            "geometry_name": GEOMETRY,
            "properties": {k: v for k, v in f.properties.items() if not selected or k in selected},
        }
        for number, f in matches[start : start + size]
    ]
    document = {
        "type": "FeatureCollection",
        "features": out,
        "totalFeatures": len(matches),
        "numberMatched": 10**6 if "ignore_start" in misbehaving else len(matches),
    }
    document.update(
        numberReturned=len(out),
        timeStamp=now(),
        crs={"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
    )
    return Response(200, "application/json;charset=UTF-8", json.dumps(document, ensure_ascii=False).encode("utf-8"))


def _swapped(geometry, lat_first):
    """WFS 2.0 with EPSG:4326: latitude first (the axis order of the CRS), as GeoServer and MapServer send it."""
    if not geometry or not lat_first:
        return geometry

    def swap(coordinates):
        return [swap(c) for c in coordinates] if isinstance(coordinates[0], list) else [coordinates[1], coordinates[0]]

    return {**geometry, "coordinates": swap(geometry["coordinates"])}


def _srs(name):
    if not name:
        return 28992
    match = re.search(r"EPSG(?::|::|/0/)(\d+)$", name, re.IGNORECASE)
    if not match or int(match.group(1)) not in (4326, 28992):
        raise WfsError("InvalidParameterValue", "srsName", f"Niet ondersteunde srsName: {name}")
    return int(match.group(1))


def _local(tag):
    return tag.rpartition("}")[2]


def parse_filter(text, names):
    """An OGC Filter (FES 2.0 or Filter 1.1, or without namespace) as a test on a feature's properties."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise WfsError("InvalidParameterValue", "filter", f"Filter is geen geldige XML: {error}") from error
    if _local(root.tag) != "Filter" or len(root) != 1:
        raise WfsError("InvalidParameterValue", "filter", "Verwacht één operator in een Filter")
    return _operator(root[0], names)


def _operator(element, names):
    name = _local(element.tag)
    if name in ("And", "Or") and len(element) >= 2:
        parts = [_operator(child, names) for child in element]
        combine = all if name == "And" else any
        return lambda props: combine(part(props) for part in parts)
    if name == "Not" and len(element) == 1:
        part = _operator(element[0], names)
        return lambda props: not part(props)
    if name not in ("PropertyIsEqualTo", "PropertyIsNotEqualTo", "PropertyIsLike"):
        raise WfsError("InvalidParameterValue", "filter", f"Operator {name} wordt niet ondersteund")
    operands = {_local(child.tag): (child.text or "").strip() for child in element}
    prop = (operands.get("ValueReference") or operands.get("PropertyName") or "").rpartition(":")[2]
    if prop not in names or "Literal" not in operands:
        raise WfsError("InvalidParameterValue", "filter", f"Illegal property name: {prop}")
    literal = operands["Literal"]
    match_case = element.get("matchCase", "true") != "false"
    if name == "PropertyIsLike":
        pattern = _like(element, literal, match_case)
        return lambda props: props.get(prop) is not None and pattern.fullmatch(str(props[prop])) is not None
    wanted = name == "PropertyIsEqualTo"
    return lambda props: _equal(props.get(prop), literal, match_case) == wanted


def _like(element, literal, match_case):
    wild, single = element.get("wildCard"), element.get("singleChar")
    escape_char = element.get("escapeChar") or element.get("escape")
    if not (wild and single and escape_char):
        raise WfsError("InvalidParameterValue", "filter", "PropertyIsLike vraagt wildCard, singleChar en escapeChar")
    regex, escaped = "", False
    for char in literal:
        if escaped:
            regex, escaped = regex + re.escape(char), False
        elif char == escape_char:
            escaped = True
        else:
            regex += ".*" if char == wild else "." if char == single else re.escape(char)
    return re.compile(regex, 0 if match_case else re.IGNORECASE)


def _equal(value, literal, match_case):
    if value is None:
        return False
    if isinstance(value, (int, float)):
        try:
            return float(literal) == value
        except ValueError:
            return False
    return str(value) == literal if match_case else str(value).lower() == literal.lower()


def _capabilities(service):
    qualified = (lambda name: f"{service.prefix}:{name}") if service.prefix else (lambda name: name)
    types = "".join(
        f"<wfs:FeatureType><wfs:Name>{qualified(name)}</wfs:Name><wfs:Title>{name}</wfs:Title>"
        "<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::28992</wfs:DefaultCRS><wfs:OtherCRS>urn:ogc:def:crs:EPSG::4326</wfs:OtherCRS>"
        "<wfs:OutputFormats><wfs:Format>application/json</wfs:Format></wfs:OutputFormats></wfs:FeatureType>"
        for name in service.types
    )
    operations = "".join(
        f'<ows:Operation name="{op}"/>' for op in ("GetCapabilities", "DescribeFeatureType", "GetFeature")
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"'
        f' xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:{service.prefix or "ns"}={quoteattr(service.namespace)}>'
        f"<ows:ServiceIdentification><ows:Title>{escape(service.title)}</ows:Title><ows:ServiceType>WFS</ows:ServiceType>"
        "<ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>"
        f'<ows:OperationsMetadata>{operations}<ows:Constraint name="CountDefault"><ows:DefaultValue>{MAX_COUNT}'
        f"</ows:DefaultValue></ows:Constraint></ows:OperationsMetadata><wfs:FeatureTypeList>{types}</wfs:FeatureTypeList>"
        "</wfs:WFS_Capabilities>\n"
    )
    return Response(200, "application/xml", body.encode("utf-8"))


def _describe(service, params):
    """DescribeFeatureType: an XML schema (the default of GeoServer and MapServer), GeoServer's JSON on request."""
    local, features = _type(service, params)
    if params.get("outputformat", "").lower() not in JSON_FORMATS:
        return _schema_xml(service, local, features)
    properties = [
        {
            "name": GEOMETRY,
            "maxOccurs": 1,
            "minOccurs": 0,
            "nillable": True,
            "type": "gml:MultiSurface",
            "localType": "MultiSurface",
        }
    ]
    for name, kind in property_types(features).items():
        kind = {"integer": "int", "number": "double"}.get(kind, kind)
        properties.append(
            {"name": name, "maxOccurs": 1, "minOccurs": 0, "nillable": True, "type": f"xsd:{kind}", "localType": kind}
        )
    document = {"elementFormDefault": "qualified", "targetNamespace": service.namespace, "targetPrefix": service.prefix}
    document["featureTypes"] = [{"typeName": local, "properties": properties}]
    return Response(200, "application/json;charset=UTF-8", json.dumps(document, ensure_ascii=False).encode("utf-8"))


def _schema_xml(service, local, features):
    kinds = {"integer": "xsd:int", "number": "xsd:double", "string": "xsd:string"}
    elements = (
        '<xsd:element maxOccurs="1" minOccurs="0" name="geom" nillable="true" type="gml:MultiSurfacePropertyType"/>'
    )
    elements += "".join(
        f'<xsd:element maxOccurs="1" minOccurs="0" name="{name}" nillable="true" type="{kinds[kind]}"/>'
        for name, kind in property_types(features).items()
    )
    prefix = service.prefix or "ns"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        f' xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:{prefix}={quoteattr(service.namespace)}'
        f' elementFormDefault="qualified" targetNamespace={quoteattr(service.namespace)}>'
        '<xsd:import namespace="http://www.opengis.net/gml/3.2" schemaLocation="http://schemas.opengis.net/gml/3.2.1/gml.xsd"/>'
        f'<xsd:complexType name="{local}Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType">'
        f"<xsd:sequence>{elements}</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>"
        f'<xsd:element name="{local}" substitutionGroup="gml:AbstractFeature" type="{prefix}:{local}Type"/>'
        "</xsd:schema>\n"
    )
    return Response(200, "application/gml+xml; version=3.2", body.encode("utf-8"))
