"""What the dock and the atlas ask of a veerkracht layer: its gemeenten, a safe filter, class counts.

Filters are built with QgsExpression's quoting (never by pasting text), so 's-Gravenhage works, and only
with operators every provider understands (=, IN, LIKE, OR), so they work as subset strings on GeoPackage,
GeoJSON, shapefile, PostGIS and memory layers alike.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from qgis.core import QgsDataProvider, QgsExpression, QgsFeatureRequest, QgsProviderRegistry

from .compat import NO_GEOMETRY, as_python, text_or_none
from .core.catalogue import MAP_IDS, class_labels, field_names, load_catalogue, map_entry
from .core.codes import gemeente_of, normalise_code
from .core.join import LAYER_KEY_CANDIDATES, find_column
from .styling import uses_stand_in

GEMEENTE_CODE_FIELDS = ["gemeentecode", "GM_CODE", "gm_code"]
GEMEENTE_NAME_FIELDS = ["gemeentenaam", "GM_NAAM", "gm_naam"]
INWONERS_FIELDS = ["aantal_inwoners", "AANT_INW", "a_inw"]
SOURCE_NAMES = {"lbm": "Leefbaarometer 3.0", "kwb": "CBS Kerncijfers wijken en buurten"}
EDITIONS_PREFIX = "Edities: "
_YEAR_FIELD = re.compile(r"^(?:(lbm|kwb)(\d{4})_\w+|kwetsbaar_(\d{4}))$", re.IGNORECASE)


def is_veerkracht_layer(layer):
    """A vector layer with the class fields of all nine maps."""
    return getattr(layer, "fields", None) is not None and is_veerkracht_fields(layer.fields())


def is_veerkracht_fields(fields):
    names = set(fields.names())
    return all(field_names(map_id)[1] in names for map_id in MAP_IDS)


def inwoners_field(layer):
    """The inhabitants field: a PDOK/kwb name, or a joined one such as kwb2023_a_inw."""
    names = layer.fields().names()
    found = find_column(names, INWONERS_FIELDS)
    if found:
        return found
    return next((n for n in names if n.lower().endswith(("_a_inw", "_aantal_inwoners"))), None)


def edition_years(names):
    """{'lbm': ['2020', '2024'], 'kwb': ['2019', '2023']} from the years in the field names: joined fields
    (``lbm2024_onv``, ``kwb2023_a_inw``) and the index of each kerncijfers edition (``kwetsbaar_2019``), which is
    there also when the kerncijfers came from buurt layers rather than tables."""
    years = {}
    for name in names:
        match = _YEAR_FIELD.match(name)
        if match:
            source, year = ("kwb", match.group(3)) if match.group(3) else (match.group(1).lower(), match.group(2))
            years.setdefault(source, set()).add(year)
    return {source: sorted(found) for source, found in sorted(years.items(), key=lambda item: item[0] != "lbm")}


def editions_line(names):
    """'Edities: Leefbaarometer 3.0 2020 en 2024; CBS Kerncijfers wijken en buurten 2019 en 2023.', or '' without
    years: the line of the maps' metadata that says what they were made from."""
    years = edition_years(names)
    parts = [
        f"{SOURCE_NAMES[source]} {' en '.join([', '.join(found[:-1]), found[-1]] if found[1:] else found)}"
        for source, found in years.items()
    ]
    return f"{EDITIONS_PREFIX}{'; '.join(parts)}." if parts else ""


def gemeente_names(source):
    """The gemeenten of a layer or feature source, by name where it has names, else by code (from the buurt code)."""
    names = source.fields().names()
    name_field = find_column(names, GEMEENTE_NAME_FIELDS)
    code_field = find_column(names, GEMEENTE_CODE_FIELDS) or find_column(names, LAYER_KEY_CANDIDATES)
    fields = [f for f in (name_field, code_field) if f]
    if not fields:
        return set()
    request = QgsFeatureRequest().setFlags(NO_GEOMETRY).setSubsetOfAttributes(fields, source.fields())
    found = set()
    for feature in source.getFeatures(request):
        name = text_or_none(feature[name_field]) if name_field else None
        code = normalise_code(feature[code_field]) if code_field else None
        found.add(name or (gemeente_of(code) if code and not code.startswith("GM") else code))
    return found - {None}


@dataclass(frozen=True)
class Gemeente:
    code: str
    name: str

    @property
    def display(self):
        return f"{self.name} ({self.code})" if self.name != self.code else self.code


class GemeenteIndex:
    """How gemeenten are told apart in one layer: a code field, the buurt code, or a name field."""

    def __init__(self, layer):
        self.layer = layer
        names = layer.fields().names()
        self.code_field = find_column(names, GEMEENTE_CODE_FIELDS)
        self.name_field = find_column(names, GEMEENTE_NAME_FIELDS)
        self.buurt_field = find_column(names, LAYER_KEY_CANDIDATES)

    def fields(self):
        """The fields that tell a feature's gemeente."""
        return [f for f in (self.code_field, self.name_field, self.buurt_field) if f]

    def gemeente_of_feature(self, feature):
        """The gemeente a feature is listed under; None when its fields tell none."""
        code = None
        if self.code_field:
            code = normalise_code(feature[self.code_field], "GM")
        elif self.buurt_field:
            code = gemeente_of(normalise_code(feature[self.buurt_field]))
        name = text_or_none(feature[self.name_field]) if self.name_field else None
        key = code or name
        return Gemeente(key, name or code) if key else None

    def filters_alike(self, feature, gemeente):
        """Whether filter_expression([gemeente]) selects this feature listed under ``gemeente``; False where the
        list tidied its code (lower case, spaces, a number), which the filter does not."""
        if self.code_field:
            return feature[self.code_field] == gemeente.code
        if self.buurt_field:
            value = feature[self.buurt_field]
            return value.__class__ is str and value.startswith("BU" + gemeente.code[2:])
        return feature[self.name_field] == gemeente.code

    def filter_expression(self, gemeenten):
        """A subset string selecting these gemeenten; '' for all."""
        if not gemeenten:
            return ""
        if self.code_field:
            return _in(self.code_field, [g.code for g in gemeenten])
        if self.buurt_field:
            column = QgsExpression.quotedColumnRef(self.buurt_field)
            return " OR ".join(
                f"{column} LIKE {QgsExpression.quotedString('BU' + g.code[2:] + '%')}" for g in gemeenten
            )
        return _in(self.name_field, [g.name for g in gemeenten])


def sort_gemeenten(gemeenten):
    """As CBS lists them: by name, 's-Gravenhage under S."""
    return sorted(gemeenten, key=lambda g: (g.name.lstrip("'").lower(), g.code))


@contextmanager
def unfiltered(layer):
    """Every feature of the layer inside the block, not only those its filter shows now."""
    subset = layer.subsetString()
    if subset:
        layer.setSubsetString("")
    try:
        yield layer
    finally:
        if subset:
            layer.setSubsetString(subset)


def _in(field, values):
    quoted = ", ".join(QgsExpression.quotedString(v) for v in values)
    return f"{QgsExpression.quotedColumnRef(field)} IN ({quoted})"


OWN_UNITS_FIELD = "eigen_vhe"


def has_own_stock(layer):
    """A buurt layer made by 'Eigen bezit per buurt'."""
    return layer is not None and layer.fields().lookupField(OWN_UNITS_FIELD) >= 0


def own_stock_expression():
    return f"{QgsExpression.quotedColumnRef(OWN_UNITS_FIELD)} > 0"


def combine(*expressions):
    """AND of the non-empty expressions, each in brackets."""
    parts = [f"({e})" for e in expressions if e]
    return " AND ".join(parts)


@dataclass
class ClassRow:
    code: int
    label: str
    colour: str
    buurten: int
    inwoners: int
    eigen_vhe: float = 0.0


def legend_labels(layer, map_id):
    """{code: label} as the layer's legend shows them for ``map_id``: the labels of its styled categories when
    the layer is drawn in that map's style, else the catalogue's with the "(voorlopige grenzen)" note where the
    style adds it (leefbaarheid on stand-in afw thresholds)."""
    labels = class_labels(map_id)
    renderer = layer.renderer()
    if getattr(renderer, "classAttribute", None) and renderer.classAttribute() == field_names(map_id)[1]:
        for category in renderer.categories():
            code = as_python(category.value())
            if code is not None and int(code) in labels:
                labels[int(code)] = category.label()
        return labels
    suffix = load_catalogue()["afw_drempels"].get("label_toevoeging", "")
    if map_id == "leefbaarheid" and uses_stand_in(layer):
        labels = {
            code: label if code == 0 or label.endswith(suffix) else label + suffix for code, label in labels.items()
        }
    return labels


def class_rows(layer, map_id, counts):
    """The class table of ``map_id`` from ``counts``: every class listed, with the labels of the layer's legend."""
    colours = {c["code"]: c["kleur"] for c in map_entry(map_id)["klassen"]}
    colours[0] = load_catalogue()["klasse_0"]["kleur"]
    return [
        ClassRow(
            code,
            label,
            colours[code],
            counts.buurten.get(code, 0),
            int(counts.people.get(code, 0)),
            counts.units.get(code, 0.0),
        )
        for code, label in sorted(legend_labels(layer, map_id).items(), key=lambda item: (item[0] == 0, item[0]))
    ]


def hold_connection_pool(layer):
    """A bare provider on the layer's file, kept while the layer is filtered over and over; None if not needed.

    QGIS 3.22's OGR provider drops its reference on the file's connection pool each time the subset string
    changes. With no other reference left, the pool, holding the dataset the last read opened, is only freed by
    a deleteLater, so every filter change followed by a read opens one more GDAL dataset (about 0.45 MB and two
    file handles on a GeoPackage) that lives until Qt's event loop turns again. A script, the Python console
    or a long loop of gemeente switches grows by that much per switch. This second reference on the same pool
    keeps it alive, and the reads reuse its dataset.
    """
    if layer is None or layer.providerType() != "ogr":
        return None
    registry = QgsProviderRegistry.instance()
    parts = registry.decodeUri("ogr", layer.source())
    parts.pop("subset", None)
    options = QgsDataProvider.ProviderOptions()
    options.transformContext = layer.transformContext()
    provider = registry.createProvider("ogr", registry.encodeUri("ogr", parts), options)
    return provider if provider is not None and provider.isValid() else None


def class_expression(map_id, code):
    return f"{QgsExpression.quotedColumnRef(field_names(map_id)[1])} = {int(code)}"
