"""What a service says it has, read from its own answers (WFS GetCapabilities and DescribeFeatureType, OGC API
collections, queryables and one item), and how our canonical names map onto it. Pure Python: no Qt, no network.

The names differ per edition (2019 long snake_case, 2021 camelCase, 2022+ truncated snake_case, the Leefbaarometer
WFS `id`/`name`), so names are compared without regard to case and underscores, never assumed."""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

# Canonical names that hold a gemeente's code, and per layer the code whose prefix is the gemeente
GEMEENTE_FIELD = "gemeentecode"
CODE_FIELDS = {"buurten": ("buurtcode", "BU"), "wijken": ("wijkcode", "WK"), "scores": ("bu_code", "BU")}
MIN_PREFIX = 24  # a truncated long name (shapefile, 50-character columns) still matches its full form


class SchemaError(ValueError):
    """Dutch: what the service has, and what we looked for."""


@dataclass
class Schema:
    """One layer of one edition as the service publishes it."""

    type_name: str  # the WFS feature type or OGC API collection
    properties: list  # every property name the service has, in its order
    mapping: dict  # canonical name -> the service's name
    geometry: str = ""  # the WFS geometry property ('' for OGC API: geometry is not a property there)
    filter_on: str = ""  # the service's property to filter the gemeente on ('' = filter here, after fetching)
    filter_prefix: str = ""  # '' = equal to the gemeente code; 'BU' = buurt codes starting with BU + number
    notes: list = field(default_factory=list)

    def gemeente_value(self, code):
        return f"{self.filter_prefix}{code[2:]}" if self.filter_prefix else code

    def source_names(self):
        """The service's names of the mapped fields (for a WFS propertyName list)."""
        return [name for name in self.properties if name in set(self.mapping.values())]

    def to_json(self):
        names = ("type_name", "properties", "mapping", "geometry", "filter_on", "filter_prefix")
        return {name: getattr(self, name) for name in names}

    @classmethod
    def from_json(cls, data):
        return cls(**data)


def normalise(name):
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def match_fields(field_map, names):
    """canonical -> service name: an alias equal without regard to case and underscores, else the one service
    name that starts with the alias (or that the alias starts with) when both are long (truncated names)."""
    by_normal = {}
    for name in names:
        by_normal.setdefault(normalise(name), name)
    mapping, taken = {}, set()
    for canonical, aliases in field_map.items():
        found = next((by_normal[normalise(a)] for a in aliases if normalise(a) in by_normal), None)
        if found is None:
            found = _prefix_match(aliases, by_normal, taken)
        if found is not None and found not in taken:
            mapping[canonical] = found
            taken.add(found)
    return mapping


def _prefix_match(aliases, by_normal, taken):
    for alias in aliases:
        short = normalise(alias)
        if len(short) < MIN_PREFIX:
            continue
        hits = [
            name
            for normal, name in by_normal.items()
            if name not in taken
            and len(normal) >= MIN_PREFIX
            and (normal.startswith(short) or short.startswith(normal))
        ]
        if len(hits) == 1:
            return hits[0]
    return None


def choose_name(candidates, available, year, what, where, url):
    """The first candidate (a type or collection name, '{jaar}' filled in) the service has, compared without its
    namespace prefix and case; SchemaError listing what the service has otherwise."""
    by_local = {}
    for name in available:
        by_local.setdefault(name.rpartition(":")[2].lower(), name)
        by_local.setdefault(name.lower(), name)
    for candidate in candidates:
        wanted = candidate.replace("{jaar}", str(year)).replace("{year}", str(year)).lower()
        if wanted in by_local:
            return by_local[wanted]
        if wanted.rpartition(":")[2] in by_local:
            return by_local[wanted.rpartition(":")[2]]
    shown = ", ".join(sorted(available)[:30]) or "geen"
    raise SchemaError(
        f"De dienst {url} heeft geen {what} onder de namen {', '.join(candidates)}. Wel: {shown}. Pas 'lagen' in "
        f"{where} aan."
    )


def gemeente_filter(layer, mapping, filterable=None):
    """(service property, prefix) to filter a gemeente on: its code when the layer has one, else the code of each
    object by prefix (BU0308...). ``filterable`` None = any property (WFS); a set = only these (OGC API)."""
    allowed = (lambda name: True) if filterable is None else (lambda name: name in filterable)
    if GEMEENTE_FIELD in mapping and allowed(mapping[GEMEENTE_FIELD]):
        return mapping[GEMEENTE_FIELD], ""
    code, prefix = CODE_FIELDS.get(layer, (None, ""))
    if filterable is None and code in mapping:
        return mapping[code], prefix
    return "", ""


def check_mapping(schema, layer, field_map, url, where):
    """The code field must be there; SchemaError listing the service's properties otherwise."""
    code = CODE_FIELDS.get(layer, (None,))[0]
    if code and code not in schema.mapping:
        raise SchemaError(
            f"{url}: laag {schema.type_name} heeft geen veld voor '{code}' (gezocht: "
            f"{', '.join(field_map.get(code, [code]))}). De dienst heeft: {', '.join(schema.properties) or 'geen velden'}. "
            f"Vul de veldkaart in {where} aan."
        )


# --- WFS answers ---------------------------------------------------------------------------------------------


def _local(tag):
    return tag.rpartition("}")[2]


def _xml(body, url, what):
    try:
        return ET.fromstring(bytes(body))
    except ET.ParseError as error:
        start = bytes(body[:80]).decode("utf-8", "replace").strip()
        raise SchemaError(f"{what} van {url} is geen XML ({error}); het antwoord begint met '{start}'.") from None


def wfs_type_names(body, url):
    """Feature type names of a WFS GetCapabilities document."""
    root = _xml(body, url, "GetCapabilities")
    if _local(root.tag) == "ExceptionReport":
        raise SchemaError(f"GetCapabilities van {url} gaf een foutmelding: {_exception_text(root)}")
    names = [
        (element.text or "").strip()
        for feature_type in root.iter()
        if _local(feature_type.tag) == "FeatureType"
        for element in feature_type
        if _local(element.tag) == "Name"
    ]
    if not names:
        raise SchemaError(f"GetCapabilities van {url} noemt geen enkele laag (FeatureType).")
    return names


def wfs_properties(body, url, type_name):
    """(property names, geometry property) of a DescribeFeatureType XML schema (GeoServer and MapServer)."""
    root = _xml(body, url, "DescribeFeatureType")
    if _local(root.tag) == "ExceptionReport":
        raise SchemaError(
            f"DescribeFeatureType van {url} voor {type_name} gaf een foutmelding: {_exception_text(root)}"
        )
    names, geometry = [], ""
    for element in root.iter():
        if _local(element.tag) != "element" or not element.get("name"):
            continue
        kind = element.get("type") or ""
        if element.get("substitutionGroup") or element.get("name") == type_name.rpartition(":")[2]:
            continue  # the feature type's own element, not one of its properties
        if "gml:" in kind and ("Geometry" in kind or "Surface" in kind or "Polygon" in kind or "Point" in kind):
            geometry = geometry or element.get("name")
            continue
        names.append(element.get("name"))
    if not names:
        raise SchemaError(f"DescribeFeatureType van {url} voor {type_name} noemt geen velden.")
    return names, geometry


def _exception_text(root):
    texts = [(e.text or "").strip() for e in root.iter() if _local(e.tag) == "ExceptionText"]
    return "; ".join(t for t in texts if t) or "onbekende fout"


# --- OGC API answers -----------------------------------------------------------------------------------------


def _json(body, url, what):
    try:
        return json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        start = bytes(body[:80]).decode("utf-8", "replace").strip()
        raise SchemaError(f"{what} van {url} is geen JSON; het antwoord begint met '{start}'.") from None


def ogc_collection_ids(body, url):
    document = _json(body, url, "De lijst met collecties")
    ids = [c.get("id") for c in (document.get("collections") or []) if isinstance(c, dict) and c.get("id")]
    if not ids:
        raise SchemaError(f"{url} noemt geen enkele collectie.")
    return ids


def ogc_queryables(body, url):
    """Names a collection's queryables document lists (the properties it can filter on)."""
    document = _json(body, url, "De queryables")
    return set((document.get("properties") or {}).keys()) - {"geometry"}


def ogc_item_properties(body, url):
    """Property names of the first item of a GeoJSON page."""
    document = _json(body, url, "Het voorbeeldobject")
    features = document.get("features") if isinstance(document, dict) else None
    if not features:
        raise SchemaError(f"{url} gaf geen enkel object terug; de collectie is leeg of de URL klopt niet.")
    return list((features[0].get("properties") or {}).keys())
