"""The fake's OGC API Features (PDOK wijken-en-buurten-{year}/ogc/v1), answering as PDOK's server does.

Paging follows PDOK: the next page is the `links` entry rel "next", an absolute URL with an opaque `cursor`;
there is no `offset` and no numberMatched. A query parameter the API does not declare is a 400 (OGC API
Features, requirement /req/core/query-param-unknown): only f, limit, cursor, crs, datetime, bbox, bbox-crs,
filter, filter-crs, filter-lang, profile and the property filters configured per collection (here: 2023 and 2024
filter on gemeentecode, buurtcode and wijkcode; 2022 on nothing), listed in its `queryables`. No skipGeometry, no
properties. `limit` above 1000 is cut to 1000 silently; output in CRS84 unless `crs` asks otherwise.
`fake.misbehave` bends it: self_next (a next link to the page itself), rd_coordinates (RD New numbers without
saying so), null_geometry (an object without geometry).
"""

import base64
import json
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlencode

from fake_services_data import OGCAPI_FROM, PDOK_YEARS, pdok_layer, reproject

COLLECTIONS = ("buurten", "wijken", "gemeenten")
PROPERTY_FILTERS = {
    2022: (),
    2023: ("gemeentecode", "buurtcode", "wijkcode"),
    2024: ("gemeentecode", "buurtcode", "wijkcode"),
}
PARAMETERS = {"f", "limit", "cursor", "crs", "datetime", "bbox", "bbox-crs", "filter", "filter-crs", "filter-lang"}
PARAMETERS |= {"profile"}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# crs URI -> (EPSG code, latitude first)
CRS = {CRS84: (4326, False), "http://www.opengis.net/def/crs/EPSG/0/4326": (4326, True)}
CRS["http://www.opengis.net/def/crs/EPSG/0/28992"] = (28992, False)
DEFAULT_LIMIT, MAX_LIMIT = 10, 1000


class Response:
    def __init__(self, status, content_type, body, headers=None):
        self.status, self.content_type, self.body = status, content_type, body
        self.headers = headers or {}


def now():
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _json(document, status=200, content_type="application/json", headers=None):
    return Response(status, content_type, json.dumps(document, ensure_ascii=False).encode("utf-8"), headers)


def problem(status, detail):
    """An RFC 7807 problem as PDOK sends it, with the OGC code/description pair as well."""
    phrase = HTTPStatus(status).phrase
    document = {"code": phrase.title().replace(" ", ""), "description": detail, "title": phrase, "status": status}
    document.update(detail=detail, timeStamp=now())
    return _json(document, status, "application/problem+json")


def ogcapi(fake, year, segments, params):
    """Answer GET {base}/api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1/{segments...}."""
    if year not in PDOK_YEARS or year < OGCAPI_FROM:
        return problem(404, f"Geen API voor wijken-en-buurten-{year}")
    if params.get("f", "json") != "json":
        return problem(400, f"Formaat f={params['f']} wordt niet ondersteund (alleen f=json)")
    root = f"{fake.base}/api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
    if not segments:
        links = [_link(root, "self"), _link(f"{root}/conformance", "conformance"), _link(f"{root}/collections", "data")]
        return _json({"title": f"Wijken en Buurten {year}", "description": "CBS / Kadaster (fake)", "links": links})
    if segments == ["conformance"]:
        core = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
        classes = [core + c for c in ("core", "geojson", "oas30")] + [
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
        ]
        return _json({"conformsTo": classes})
    if segments == ["collections"]:
        metadata = [_collection(root, c) for c in COLLECTIONS]
        return _json({"links": [_link(f"{root}/collections", "self")], "collections": metadata})
    if segments[0] != "collections" or len(segments) > 3 or segments[1] not in COLLECTIONS:
        return problem(404, f"Niet gevonden: /{'/'.join(segments)}")
    collection = segments[1]
    if len(segments) == 2:
        return _json(_collection(root, collection))
    features = pdok_layer(year, collection)
    if segments[2] == "schema":
        return _json(_schema(collection, features), content_type="application/schema+json")
    if segments[2] == "queryables":
        return _json(_queryables(year, features), content_type="application/schema+json")
    if segments[2] != "items":
        return problem(404, f"Niet gevonden: /{'/'.join(segments)}")
    return _items(fake, f"{root}/collections/{collection}/items", features, params, PROPERTY_FILTERS.get(year, ()))


def _link(href, rel, media_type="application/json"):
    return {"rel": rel, "type": media_type, "title": rel, "href": href}


def _collection(root, collection):
    links = [_link(f"{root}/collections/{collection}", "self")]
    links.append(_link(f"{root}/collections/{collection}/items?f=json", "items", "application/geo+json"))
    links.append(_link(f"{root}/collections/{collection}/schema", "describedby", "application/schema+json"))
    extent = {"spatial": {"bbox": [[3.2, 50.7, 7.3, 53.6]], "crs": CRS84}}
    return {"id": collection, "title": collection.title(), "crs": list(CRS), "extent": extent, "links": links}


def _schema(collection, features):
    properties = {"geometry": {"format": "geometry-multipolygon", "x-ogc-role": "primary-geometry"}}
    properties.update({name: {"type": kind, "title": name} for name, kind in property_types(features).items()})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "title": collection,
        "properties": properties,
    }


def _queryables(year, features):
    kinds = property_types(features)
    properties = {name: {"title": name, "type": kinds.get(name, "string")} for name in PROPERTY_FILTERS.get(year, ())}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": properties}


def _items(fake, url, features, params, filters):
    names = set(features[0].properties)
    unknown = sorted(set(params) - PARAMETERS - (set(filters) & names))
    if unknown:
        return problem(400, f"Onbekende queryparameter(s): {', '.join(unknown)}")
    try:
        limit = int(params.get("limit", DEFAULT_LIMIT))
        offset = int(base64.urlsafe_b64decode(params["cursor"].encode()).decode()) if "cursor" in params else 0
    except ValueError:
        return problem(400, "Ongeldige limit of cursor")
    if limit < 1 or offset < 0:
        return problem(400, "limit moet minstens 1 zijn")
    crs = params.get("crs", CRS84)
    if crs not in CRS:
        return problem(400, f"Niet ondersteunde crs: {crs}")
    wanted = {name: params[name] for name in filters if name in params}
    national = "gemeentecode" not in wanted
    matches = [
        (number, feature)
        for number, feature in enumerate(features, start=1)
        if (national or not feature.national) and all(str(feature.properties.get(k)) == v for k, v in wanted.items())
    ]
    size = min(limit, MAX_LIMIT, fake.page_size_cap or MAX_LIMIT)
    page = matches[offset : offset + size]
    epsg, lat_first = CRS[crs]
    if "rd_coordinates" in fake.misbehaving:
        epsg, lat_first = 28992, False  # and still no word of it
    out = []
    for number, feature in page:
        geometry = reproject(feature.geometry, 4326, epsg)
        if "null_geometry" in fake.misbehaving and feature.geometry is not None and not out:
            geometry = None
        props = dict(feature.properties)
        out.append(
            {
                "type": "Feature",
                "geometry": _lat_first(geometry) if lat_first else geometry,
                "properties": props,
                "id": number,
            }
        )
    links = [_link(f"{url}?{urlencode(params)}", "self", "application/geo+json")]
    if offset + size < len(matches):
        cursor = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
        following = f"{url}?{urlencode({**params, 'cursor': cursor})}"
        if "self_next" in fake.misbehaving:
            following = f"{url}?{urlencode(params)}"
        links.append(_link(following, "next", "application/geo+json"))
    document = {
        "type": "FeatureCollection",
        "timeStamp": now(),
        "links": links,
        "features": out,
        "numberReturned": len(out),
    }
    return _json(document, content_type="application/geo+json", headers={"Content-Crs": f"<{crs}>"})


def property_types(features):
    """JSON Schema type per property name (string, integer or number), from the first rows."""
    types = {}
    for feature in features[:200]:
        for name, value in feature.properties.items():
            kind = "string" if isinstance(value, str) else "integer" if isinstance(value, int) else "number"
            types[name] = "number" if {types.get(name), kind} == {"integer", "number"} else kind
    return types


def _lat_first(geometry):
    def swap(coordinates):
        return [swap(c) for c in coordinates] if isinstance(coordinates[0], list) else [coordinates[1], coordinates[0]]

    return geometry and {**geometry, "coordinates": swap(geometry["coordinates"])}
