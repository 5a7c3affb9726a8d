"""The atlas' coverage layer: per gemeente an overview feature, then one feature per wijk, with the texts the
template shows (title, subtitle, summary, handelingsperspectieven)."""

import json
from collections import defaultdict

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
)

from .atlas_template import ON_WIJK_PAGE, AtlasError
from .compat import RD_NEW_AUTHID, as_python, make_field, rd_new, text_or_none
from .core.catalogue import class_labels, field_names
from .core.codes import code_level, gemeente_of, normalise_code, wijk_of
from .core.join import LAYER_KEY_CANDIDATES, find_column
from .geopackage import write_layer
from .layer_queries import GEMEENTE_NAME_FIELDS
from .paths import RESOURCES_DIR

PERSPECTIVES_PATH = RESOURCES_DIR / "handelingsperspectieven.json"
WIJK_NAME_FIELDS = ["wijknaam", "WK_NAAM", "statnaam"]
WIJK_CODE_FIELDS = ["wijkcode", "WK_CODE", "statcode"]
COVERAGE_LAYER_NAME = "atlas_dekking"
UNKNOWN_GEMEENTE = "GM0000"  # a buurt code without its gemeente part: BU00000601


def perspectives_text(classes, counts):
    data = json.loads(PERSPECTIVES_PATH.read_text(encoding="utf-8"))
    labels = class_labels("signalering")
    lines = []
    for code in sorted(c for c in classes if c):
        texts = data["klassen"].get(str(code), {})
        lines.append(f"{labels[code]} ({counts[code]} buurt{'en' if counts[code] != 1 else ''})")
        lines += [f"  • {strategy}: {texts[strategy]}" for strategy in data["strategieen"] if strategy in texts]
    return "\n".join(lines) if lines else "Geen buurten met een signaleringsklasse (onvoldoende gegevens)."


def build_coverage(layer, gemeenten=None, wijken=None, feedback=None):
    """A GeoPackage-ready memory layer (EPSG:28992): per gemeente one overview feature and one per wijk.

    ``gemeenten`` are GM codes (or names as the layer has them); AtlasError when one of them is not in the layer,
    or when the gemeente of the buurten cannot be told from their codes (BU0000xxxx).
    """
    code_field = find_column(layer.fields().names(), LAYER_KEY_CANDIDATES)
    if code_field is None:
        raise AtlasError(f"Laag '{layer.name()}' heeft geen buurtcodeveld (zoals buurtcode of statcode).")
    gm_name_field = find_column(layer.fields().names(), GEMEENTE_NAME_FIELDS)
    rd = rd_new()
    to_rd = QgsCoordinateTransform(layer.crs(), rd, layer.transformContext())
    klasse = field_names("signalering")[1]

    found = defaultdict(list)  # gemeente -> buurt codes, every gemeente of the layer
    other_levels = []  # codes that are no buurt code
    gemeente_names = {}
    features = []
    for feature in layer.getFeatures():
        code = normalise_code(feature[code_field])
        if code_level(code) != "BU" or len(code) != 10:
            other_levels.append(code)
            continue
        gemeente = gemeente_of(code)
        found[gemeente].append(code)
        name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if name:
            gemeente_names[gemeente] = name
        features.append((code, gemeente, feature))
    wanted = _chosen_gemeenten(layer, code_field, gemeenten, found, gemeente_names, other_levels)
    if other_levels and feedback is not None:
        feedback.pushWarning(
            f"{len(other_levels)} objecten van laag '{layer.name()}' hebben geen buurtcode in veld '{code_field}' "
            f"en staan niet in de atlas: {_examples(other_levels)}."
        )

    geometries = defaultdict(list)
    classes = defaultdict(lambda: defaultdict(int))
    buurten = defaultdict(int)
    for code, gemeente, feature in features:
        if gemeente not in wanted:
            continue
        wijk = wijk_of(code)
        geometries[wijk].append(_valid(feature.geometry(), to_rd))
        value = as_python(feature[klasse])
        classes[wijk][0 if value is None else int(value)] += 1
        buurten[gemeente] += 1

    wijk_names, wijk_shapes, wijk_gemeenten = _wijken_from_layer(wijken, rd) if wijken is not None else ({}, {}, {})
    for gemeente, name in wijk_gemeenten.items():
        gemeente_names.setdefault(gemeente, name)

    coverage = QgsVectorLayer(f"MultiPolygon?crs={RD_NEW_AUTHID}", "Atlas-dekking", "memory")
    coverage.dataProvider().addAttributes(
        [
            make_field("volgorde", "int32"),
            make_field("niveau", "text"),
            make_field("code", "text"),
            make_field("naam", "text"),
            make_field("ondertitel", "text"),
            make_field("gemeente", "text"),
            make_field("perspectieven", "text"),
            make_field("samenvatting", "text"),
        ]
    )
    coverage.updateFields()
    features, order = [], 0
    labels = class_labels("signalering")
    for gemeente in sorted({gemeente_of(w) for w in geometries}):
        gemeente_name = gemeente_names.get(gemeente) or gemeente
        wijk_codes = sorted(w for w in geometries if gemeente_of(w) == gemeente)
        totals = defaultdict(int)
        for wijk in wijk_codes:
            for code, n in classes[wijk].items():
                totals[code] += n
        summary = [f"{buurten[gemeente]} buurten in {len(wijk_codes)} wijken.", "", "Veerkracht signalering:"]
        summary += [f"{labels[c]}: {totals[c]}" for c in sorted(totals, key=lambda c: (c == 0, c))]
        shape = QgsGeometry.unaryUnion([g for w in wijk_codes for g in geometries[w]])
        features.append(
            _coverage_feature(
                coverage,
                order,
                "gemeente",
                gemeente,
                gemeente_name,
                "Overzicht van de gemeente: veerkracht signalering per buurt, wijken omlijnd",
                gemeente,
                "",
                "\n".join(summary),
                shape,
            )
        )
        order += 1
        for wijk in wijk_codes:
            name = wijk_names.get(wijk) or _wijk_default_name(wijk)
            shape = wijk_shapes.get(wijk) or QgsGeometry.unaryUnion(geometries[wijk])
            n = sum(classes[wijk].values())
            features.append(
                _coverage_feature(
                    coverage,
                    order,
                    "wijk",
                    wijk,
                    name,
                    f"{gemeente_name} ({gemeente}) · wijk {wijk} · {n} buurten",
                    gemeente,
                    perspectives_text(classes[wijk].keys(), classes[wijk]),
                    "",
                    shape,
                )
            )
            order += 1
    coverage.dataProvider().addFeatures(features)
    coverage.setRenderer(_mask_renderer())
    coverage.setName("Atlas: gemeente en wijken")
    return coverage


def _valid(geometry, transform):
    """A copy in RD New, repaired when invalid: one self-intersecting buurt would empty a whole union."""
    geometry = QgsGeometry(geometry)
    geometry.transform(transform)
    if not geometry.isGeosValid():
        geometry = geometry.makeValid()
    return geometry


def _wijk_default_name(code):
    return f"Wijk {code[-2:]}"


def _wijken_from_layer(wijken, rd):
    code_field = find_column(wijken.fields().names(), WIJK_CODE_FIELDS)
    name_field = find_column(wijken.fields().names(), WIJK_NAME_FIELDS)
    if code_field is None:
        raise AtlasError(f"Wijklaag '{wijken.name()}' heeft geen wijkcodeveld (wijkcode, WK_CODE of statcode).")
    gm_name_field = find_column(wijken.fields().names(), GEMEENTE_NAME_FIELDS)
    to_rd = QgsCoordinateTransform(wijken.crs(), rd, wijken.transformContext())
    names, shapes, gemeente_names = {}, {}, {}
    for feature in wijken.getFeatures():
        code = normalise_code(feature[code_field], "WK")
        if not code or not code.startswith("WK"):
            continue
        name = text_or_none(feature[name_field]) if name_field else None
        if name:
            names[code] = name
        gemeente_name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if gemeente_name:
            gemeente_names[gemeente_of(code)] = gemeente_name
        shapes[code] = _valid(feature.geometry(), to_rd)
    return names, shapes, gemeente_names


def _coverage_feature(coverage, order, level, code, name, subtitle, gemeente, perspectives, summary, shape):
    feature = QgsFeature(coverage.fields())
    feature.setAttributes([order, level, code, name, subtitle, gemeente, perspectives, summary])
    feature.setGeometry(shape)
    return feature


def _mask_renderer():
    """On wijk pages: the wijk outlined and the other wijken faded; on the overview: all wijken outlined."""
    root = QgsRuleBasedRenderer.Rule(None)
    rules = [
        (
            "\"niveau\" = 'wijk' AND $id = @atlas_featureid",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.6"},
        ),
        (
            f"\"niveau\" = 'wijk' AND $id <> @atlas_featureid AND {ON_WIJK_PAGE}",
            {"color": "255,255,255,170", "outline_style": "no"},
        ),
        (
            f"\"niveau\" = 'wijk' AND NOT ({ON_WIJK_PAGE})",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.5"},
        ),
    ]
    for expression, properties in rules:
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(properties), 0, 0, expression))
    return QgsRuleBasedRenderer(root)


def _examples(codes, n=5):
    shown = ", ".join(str(c) for c in list(codes)[:n])
    return shown + (f" en {len(codes) - n} meer" if len(codes) > n else "")


def _found_text(found, names):
    """'GM0344 (Utrecht), GM0308 (Baarn)': what the layer has, for messages."""
    parts = [f"{g} ({names[g]})" if g in names else g for g in sorted(found) if g != UNKNOWN_GEMEENTE]
    return _examples(parts, 10) if parts else "geen enkele gemeente"


def _chosen_gemeenten(layer, code_field, gemeenten, found, names, other_levels):
    """The GM codes to print; AtlasError naming what the layer has when a chosen or found one is unusable."""
    if not found:
        seen = f": gevonden {_examples(other_levels)}" if other_levels else ""
        raise AtlasError(
            f"Laag '{layer.name()}' heeft geen buurtcodes (BU + 8 tekens) in veld '{code_field}'{seen}. De atlas "
            "maakt de wijkpagina's uit buurten: gebruik een buurtlaag."
        )
    by_name = {name.strip().lower(): code for code, name in names.items()}
    wanted = set()
    for given in gemeenten or []:
        code = normalise_code(given, "GM")
        code = code if code in found else by_name.get(given.strip().lower(), code)
        if code not in found:
            raise AtlasError(
                f"Gemeente '{given}' komt niet voor in laag '{layer.name()}' (veld '{code_field}'). "
                f"Gevonden: {_found_text(found, names)}."
            )
        wanted.add(code)
    wanted = wanted or set(found)
    if UNKNOWN_GEMEENTE in wanted:
        codes = found[UNKNOWN_GEMEENTE]
        raise AtlasError(
            f"De gemeente van {len(codes)} buurten van laag '{layer.name()}' is niet te bepalen: hun codes in veld "
            f"'{code_field}' hebben geen gemeentedeel ({_examples(codes)}), dus gemeente {UNKNOWN_GEMEENTE}. "
            "Vul de buurtcodes aan met de gemeentecode (zoals BU03440111 voor buurt 0111 in GM0344) en maak de "
            f"kaarten opnieuw, of kies een gemeente. Andere gemeenten in de laag: {_found_text(found, names)}."
        )
    return wanted


def coverage_path(pdf):
    """The GeoPackage with the coverage, beside the PDF: the project's layout reads it after reopening."""
    return pdf.with_name(pdf.stem + "-wijken.gpkg")


def coverage_uri(path):
    return f"{path}|layername={COVERAGE_LAYER_NAME}"


def save_coverage(coverage, path):
    """Write the coverage to a GeoPackage at ``path``; AtlasError naming the path when that fails."""
    error = write_layer(coverage, path, COVERAGE_LAYER_NAME)
    if error:
        raise AtlasError(f"Kan {path} niet schrijven: {error}")
