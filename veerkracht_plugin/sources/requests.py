"""The requests each protocol needs (OGC API Features, WFS 2.0) and reading their pages. Pure Python: the
network itself is in network.py, so this can be checked without a server."""

import json
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from .schema import CODE_FIELDS, GEMEENTE_FIELD

FES = "http://www.opengis.net/fes/2.0"


class ResponseError(ValueError):
    """A body that is not what the service documents (cut off, HTML, another format)."""


RD_NEW = "urn:ogc:def:crs:EPSG::28992"  # WFS 2.0: unambiguous, x = easting (EPSG:4326 would mean lat/lon)
CRS84, RD = "OGC:CRS84", "EPSG:28992"  # the CRS an answer's coordinates are in


def answer_crs(edition):
    """OGC API and plain GeoJSON files answer in CRS84 (we never ask for another); WFS in RD New (we ask it)."""
    return RD if edition.protocol == "wfs" else CRS84


def capabilities_url(edition):
    return f"{edition.url}?{urlencode({'service': 'WFS', 'version': '2.0.0', 'request': 'GetCapabilities'})}"


def describe_url(edition, type_name):
    query = {"service": "WFS", "version": "2.0.0", "request": "DescribeFeatureType", "typeNames": type_name}
    return f"{edition.url}?{urlencode(query)}"


def collections_url(edition):
    return f"{edition.url}/collections?f=json"


def queryables_url(edition, collection):
    return f"{edition.url}/collections/{collection}/queryables?f=json"


def sample_url(edition, collection):
    return f"{edition.url}/collections/{collection}/items?{urlencode({'f': 'json', 'limit': 1})}"


def first_url(edition, schema, page_size, gemeente=None, attributes_only=False):
    """The first page's URL for the layer ``schema`` describes; ``gemeente`` None = the whole country. Only
    parameters the service accepts: PDOK's OGC API refuses unknown ones (no skipGeometry, no properties)."""
    if edition.protocol == "ogcapi":
        query = {"f": "json", "limit": page_size}
        if gemeente and schema.filter_on:
            query[schema.filter_on] = schema.gemeente_value(gemeente)
        return f"{edition.url}/collections/{schema.type_name}/items?{urlencode(query)}"
    if edition.protocol == "wfs":
        return wfs_page_url(edition, schema, page_size, 0, gemeente, attributes_only)
    return edition.url.format(year=edition.year, jaar=edition.year)


def wfs_page_url(edition, schema, page_size, start, gemeente=None, attributes_only=False):
    query = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": schema.type_name,
        "outputFormat": "application/json",
        "srsName": RD_NEW,
        "count": page_size,
        "startIndex": start,
    }
    if gemeente:
        query["filter"] = wfs_filter(schema, gemeente)
    if attributes_only:  # names from DescribeFeatureType: one unknown name makes the whole request fail
        query["propertyName"] = ",".join(schema.source_names())
    return f"{edition.url}?{urlencode(query)}"


def wfs_filter(schema, gemeente):
    """An OGC FES 2.0 filter: PDOK's WFS ignores CQL_FILTER."""
    field = escape(schema.filter_on)
    value = escape(schema.gemeente_value(gemeente))
    if schema.filter_prefix:
        test = (
            f'<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>{field}'
            f"</fes:ValueReference><fes:Literal>{value}*</fes:Literal></fes:PropertyIsLike>"
        )
    else:
        test = (
            f"<fes:PropertyIsEqualTo><fes:ValueReference>{field}</fes:ValueReference><fes:Literal>{value}"
            f"</fes:Literal></fes:PropertyIsEqualTo>"
        )
    return f'<fes:Filter xmlns:fes="{FES}">{test}</fes:Filter>'


def in_gemeente(layer, gemeente):
    """A test on canonical properties, for answers the service could not filter (a whole file, an OGC API
    collection without a gemeente filter)."""
    code_field, prefix = CODE_FIELDS.get(layer, (None, ""))
    number = gemeente[2:]

    def test(properties):
        if properties.get(GEMEENTE_FIELD) not in (None, ""):
            return str(properties[GEMEENTE_FIELD]).strip() == gemeente
        return str(properties.get(code_field) or "").strip().startswith(prefix + number)

    return test


def read_page(body):
    """(features, next link or None, numberMatched or None, timeStamp or None) of a GeoJSON page."""
    try:
        page = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        start = bytes(body[:80]).decode("utf-8", "replace").strip()
        raise ResponseError(f"geen geldige JSON ({error}); het antwoord begint met '{start}'") from None
    if not isinstance(page, dict) or page.get("type") != "FeatureCollection" or "features" not in page:
        raise ResponseError("geen GeoJSON FeatureCollection (ander formaat of een foutmelding van de dienst)")
    following = next(
        (link.get("href") for link in page.get("links") or [] if isinstance(link, dict) and link.get("rel") == "next"),
        None,
    )
    matched = page.get("numberMatched", page.get("totalFeatures"))
    return page["features"], following, matched if isinstance(matched, int) else None, page.get("timeStamp")


def next_url(edition, schema, page_size, following, fetched, page, matched, gemeente, attributes_only):
    """The next page's URL or None: OGC API by its 'next' link, WFS by startIndex until numberMatched (a server
    may cap count below ours) or, without it, a short page."""
    if edition.protocol == "ogcapi":
        return following
    if edition.protocol == "wfs":
        done = fetched >= matched if matched is not None else len(page) < page_size
        if done or not page:
            return None
        return wfs_page_url(edition, schema, page_size, fetched, gemeente, attributes_only)
    return None


def canonical(features, mapping):
    """Features with their properties under the canonical names (mapping: canonical -> the service's name);
    other properties keep their own name."""
    return [{**feature, "properties": rename(feature.get("properties") or {}, mapping)} for feature in features]


def rename(properties, mapping):
    renamed = dict(properties)
    for wanted, name in mapping.items():
        if name in properties:
            if name != wanted:
                renamed.pop(name, None)
            renamed[wanted] = properties[name]
    return renamed


UNPUBLISHED = -99995  # CBS: "published in a later version of this edition"; -99997 secret, -99991 no longer
# published, -99998 (some editions) not applicable: the core reads all of them as missing


# Canonical fields a layer never has, so their absence is no news: a buurt layer names its wijk only by code,
# a wijk layer has no buurt fields
NOT_EXPECTED = {"buurten": {"wijknaam"}, "wijken": {"buurtcode", "buurtnaam"}}


def field_report(features, field_map, layer=None):
    """(absent, unpublished): canonical fields of the map that no feature has (except those ``layer`` never has),
    and those whose every value is CBS' -99995 (a later version of the edition may have them)."""
    present, filled = set(), set()
    for feature in features:
        properties = feature.get("properties") or {}
        present.update(properties)
        filled.update(k for k, v in properties.items() if v is not None and v != UNPUBLISHED)
    absent = [name for name in field_map if name not in present and name not in NOT_EXPECTED.get(layer, ())]
    unpublished = [name for name in field_map if name in present and name not in filled]
    return absent, unpublished
