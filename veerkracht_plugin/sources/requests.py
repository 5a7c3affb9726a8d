"""The requests each protocol needs (OGC API Features, WFS 2.0) and reading their pages. Pure Python: the
network itself is in network.py, so this can be checked without a server."""

import json
from urllib.parse import urlencode
from xml.sax.saxutils import escape

FES = "http://www.opengis.net/fes/2.0"


class ResponseError(ValueError):
    """A body that is not what the service documents (cut off, HTML, another format)."""


def gemeente_values(code):
    """What a gemeente filter template may use: {gemeentecode} = GM0308, {gemeentenummer} = 0308."""
    return {"gemeentecode": code, "gemeentenummer": code[2:]}


def first_url(edition, layer, page_size, gemeente=None, properties=None):
    """The first page's URL for ``layer`` of ``edition``; ``gemeente`` None = the whole country;
    ``properties`` = source field names to ask for without geometry (the national attribute tables)."""
    name = edition.layers[layer]
    if edition.protocol == "ogcapi":
        query = {"f": "json", "limit": page_size}
        if gemeente:
            rule = edition.gemeente_filter
            if "parameter" not in rule:
                raise ValueError(f"Het gemeentefilter van {edition.where()} mist 'parameter' (OGC API).")
            query[rule["parameter"]] = rule.get("gelijk_aan", "{gemeentecode}").format(**gemeente_values(gemeente))
        if properties is not None:
            query["skipGeometry"] = "true"
            query["properties"] = ",".join(properties)
        return f"{edition.url}/collections/{name}/items?{urlencode(query)}"
    if edition.protocol == "wfs":
        return wfs_page_url(edition, layer, page_size, 0, gemeente, properties)
    return edition.url.format(year=edition.year)


def wfs_page_url(edition, layer, page_size, start, gemeente=None, properties=None):
    query = {
        "service": "WFS",
        "version": "2.0.0",
        "request": "GetFeature",
        "typeNames": edition.layers[layer],
        "outputFormat": "application/json",
        "srsName": "EPSG:4326",
        "count": page_size,
        "startIndex": start,
    }
    if gemeente:
        query["filter"] = wfs_filter(edition, gemeente)
    if properties is not None:
        query["propertyName"] = ",".join(properties)
    return f"{edition.url}?{urlencode(query)}"


def wfs_filter(edition, gemeente):
    """An OGC FES 2.0 filter: CQL_FILTER is reported not to work on PDOK's WFS."""
    rule = edition.gemeente_filter
    values = gemeente_values(gemeente)
    field = escape(rule.get("veld", ""))
    if "begint_met" in rule:
        value = escape(rule["begint_met"].format(**values))
        test = (
            f'<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>{field}'
            f"</fes:ValueReference><fes:Literal>{value}*</fes:Literal></fes:PropertyIsLike>"
        )
    else:
        value = escape(rule.get("gelijk_aan", "{gemeentecode}").format(**values))
        test = (
            f"<fes:PropertyIsEqualTo><fes:ValueReference>{field}</fes:ValueReference><fes:Literal>{value}"
            f"</fes:Literal></fes:PropertyIsEqualTo>"
        )
    return f'<fes:Filter xmlns:fes="{FES}">{test}</fes:Filter>'


def local_filter(edition, gemeente, features):
    """A whole file ('bestand') filtered to one gemeente by the same rule a service applies."""
    if edition.protocol != "bestand" or not gemeente or not edition.gemeente_filter:
        return features
    rule, values = edition.gemeente_filter, gemeente_values(gemeente)
    field = rule.get("veld") or rule.get("parameter")
    if "begint_met" in rule:
        prefix = rule["begint_met"].format(**values)
        return [f for f in features if str((f.get("properties") or {}).get(field, "")).startswith(prefix)]
    wanted = rule.get("gelijk_aan", "{gemeentecode}").format(**values)
    return [f for f in features if str((f.get("properties") or {}).get(field, "")) == wanted]


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


def next_url(edition, layer, page_size, url, features, following, fetched, matched, gemeente, properties):
    """The next page's URL or None: OGC API by its 'next' link, WFS by startIndex until a short page."""
    if edition.protocol == "ogcapi":
        return following
    if edition.protocol == "wfs":  # a server may cap count below ours: numberMatched decides where it says it
        done = fetched >= matched if matched is not None else len(features) < page_size
        if done or not features:
            return None
        return wfs_page_url(edition, layer, page_size, fetched, gemeente, properties)
    return None


def canonical(features, field_map):
    """Features with their properties under the canonical names (see ``rename``), geometry as it came."""
    return [{**feature, "properties": rename(feature.get("properties") or {}, field_map)} for feature in features]


def rename(properties, field_map):
    """A feature's properties under the canonical names of the field map; other fields keep their own name."""
    renamed = dict(properties)
    for wanted, names in field_map.items():
        for name in names:
            if name in properties:
                if name != wanted:
                    renamed.pop(name, None)
                renamed[wanted] = properties[name]
                break
    return renamed


UNPUBLISHED = -99995  # CBS: "published in a later version of this edition"


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
