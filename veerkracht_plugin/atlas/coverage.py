"""The atlas' coverage layer: per gemeente an overview feature, then one feature per wijk, with the texts the
template shows (title, subtitle, summary, handelingsperspectieven)."""

import json
from collections import defaultdict

from qgis.core import (
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGeometry,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
)

from ..compat import NO_GEOMETRY, RD_NEW_AUTHID, as_python, make_field, rd_new, text_or_none
from ..core.catalogue import class_labels, field_names
from ..core.codes import code_level, gemeente_of, normalise_code, wijk_of
from ..core.join import LAYER_KEY_CANDIDATES, find_column
from ..geometry import rd_copy
from ..geopackage import write_layer
from ..layer_queries import GEMEENTE_NAME_FIELDS
from ..paths import RESOURCES_DIR
from ..sources.gemeenten import gemeenten as national_gemeenten
from ..styling import style_name
from .template import ON_OVERVIEW_PAGE, ON_WIJK_PAGE, AtlasError
from .wijken import BUURT_WIJK_NAME_FIELDS, assign, read_wijk_layer

PERSPECTIVES_PATH = RESOURCES_DIR / "handelingsperspectieven.json"
COVERAGE_FIELDS = [
    ("volgorde", "int32"),
    ("niveau", "text"),
    ("code", "text"),
    ("naam", "text"),
    ("ondertitel", "text"),
    ("gemeente", "text"),
    ("perspectieven", "text"),
    ("samenvatting", "text"),
    ("buurten", "text"),  # the buurt codes of the page, comma-separated: the table shows these
]
OVERVIEW_MAP_PROPERTY = "veerkracht/overzichtskaart"
# the overview page's map: signalering, or when no buurt has one the first of these with data
OVERVIEW_MAPS = ("signalering", "signalering_relatief", "focus", "leefbaarheid", "overlast", "kwetsbaar")
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
    wijk_name_field = find_column(layer.fields().names(), BUURT_WIJK_NAME_FIELDS) if wijken is None else None
    own_names = {}  # wijk code -> the wijk name in the buurt layer
    rd = rd_new()
    to_rd = QgsCoordinateTransform(layer.crs(), rd, layer.transformContext())
    klasse = field_names("signalering")[1]

    found = defaultdict(list)  # gemeente -> buurt codes, every gemeente of the layer
    other_levels = []  # codes that are no buurt code
    gemeente_names = {}
    features = []
    # shapes only of the chosen gemeenten, read below: a national layer has 13,594 buurten
    for feature in layer.getFeatures(QgsFeatureRequest().setFlags(NO_GEOMETRY)):
        code = normalise_code(feature[code_field])
        if code_level(code) != "BU" or len(code) != 10:
            other_levels.append(code)
            continue
        gemeente = gemeente_of(code)
        found[gemeente].append(code)
        name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if name:
            gemeente_names[gemeente] = name
        wijk_name = text_or_none(feature[wijk_name_field]) if wijk_name_field else None
        if wijk_name:
            own_names.setdefault(wijk_of(code), wijk_name)
        features.append((code, gemeente, feature))
    wanted = _chosen_gemeenten(layer, code_field, gemeenten, found, gemeente_names, other_levels)
    for gemeente, name in national_gemeenten():  # the CBS list names what the layer does not (a layer with codes only)
        if gemeente in wanted:
            gemeente_names.setdefault(gemeente, name)
    if other_levels and feedback is not None:
        feedback.pushWarning(
            f"{len(other_levels)} objecten van laag '{layer.name()}' hebben geen buurtcode in veld '{code_field}' "
            f"en staan niet in de atlas: {_examples(other_levels)}."
        )

    shapes, klassen = {}, {}
    chosen = {feature.id(): code for code, gemeente, feature in features if gemeente in wanted}
    for feature in layer.getFeatures(QgsFeatureRequest().setFilterFids(list(chosen)).setNoAttributes()):
        shapes[chosen[feature.id()]] = rd_copy(feature.geometry(), to_rd)
    for code, gemeente, feature in features:
        if gemeente in wanted:
            value = as_python(feature[klasse])
            klassen[code] = 0 if value is None else int(value)
    wijk_layer = read_wijk_layer(wijken, rd, rd_copy) if wijken is not None else None
    assignment = assign(shapes, wijk_layer)
    if wijk_layer is not None:
        if feedback is not None:
            feedback.pushInfo(assignment.message(wijken.name()))
        for gemeente, name in wijk_layer.gemeente_names.items():
            gemeente_names.setdefault(gemeente, name)
    elif feedback is not None:
        feedback.pushInfo(_wijk_names_said(layer, wijk_name_field, own_names))

    members = defaultdict(list)  # wijk -> buurt codes
    wijk_gemeente = {}
    for code in sorted(shapes):
        wijk = assignment.wijk[code]
        members[wijk].append(code)
        wijk_gemeente.setdefault(wijk, gemeente_of(code))  # the gemeente of its buurten, also for another year
    overview_map, reason = choose_overview_map(layer, [f for c, g, f in features if g in wanted])

    coverage = QgsVectorLayer(f"MultiPolygon?crs={RD_NEW_AUTHID}", "Atlas-dekking", "memory")
    coverage.dataProvider().addAttributes([make_field(name, kind) for name, kind in COVERAGE_FIELDS])
    coverage.updateFields()
    out, order = [], 0
    labels = class_labels("signalering")
    for gemeente in sorted(set(wijk_gemeente.values())):
        gemeente_name = gemeente_names.get(gemeente) or gemeente
        wijk_codes = sorted(w for w in members if wijk_gemeente[w] == gemeente)
        buurt_codes = [c for w in wijk_codes for c in members[w]]
        totals = defaultdict(int)
        for code in buurt_codes:
            totals[klassen[code]] += 1
        summary = [f"{len(buurt_codes)} buurten in {len(wijk_codes)} wijken.", ""]
        if reason:
            summary += [reason, ""]
        summary += ["Veerkracht signalering:"]
        summary += [f"{labels[c]}: {totals[c]}" for c in sorted(totals, key=lambda c: (c == 0, c))]
        shape = QgsGeometry.unaryUnion([shapes[c] for c in buurt_codes])
        title = style_name(overview_map)
        out.append(
            _coverage_feature(
                coverage,
                [
                    order,
                    "gemeente",
                    gemeente,
                    gemeente_name,
                    f"Overzicht van de gemeente: {title} per buurt, wijken omlijnd",
                    gemeente,
                    "",
                    "\n".join(summary),
                    ",".join(buurt_codes),
                ],
                shape,
            )
        )
        order += 1
        for wijk in wijk_codes:
            name = (wijk_layer.names if wijk_layer else own_names).get(wijk) or f"{gemeente_name}, wijk {wijk}"
            own = wijk_layer.shapes.get(wijk) if wijk_layer else None
            shape = own or QgsGeometry.unaryUnion([shapes[c] for c in members[wijk]])
            counts = defaultdict(int)
            for code in members[wijk]:
                counts[klassen[code]] += 1
            n = len(members[wijk])
            out.append(
                _coverage_feature(
                    coverage,
                    [
                        order,
                        "wijk",
                        wijk,
                        name,
                        f"{gemeente_name} ({gemeente}) · wijk {wijk} · {n} buurt{'en' if n != 1 else ''}",
                        gemeente,
                        perspectives_text(counts.keys(), counts),
                        "",
                        ",".join(members[wijk]),
                    ],
                    shape,
                )
            )
            order += 1
    coverage.dataProvider().addFeatures(out)
    coverage.setRenderer(_mask_renderer())
    coverage.setName(f"Atlas {', '.join(sorted({gemeente_names.get(g) or g for g in wijk_gemeente.values()}))}: wijken")
    coverage.setCustomProperty(OVERVIEW_MAP_PROPERTY, overview_map)
    return coverage


def choose_overview_map(layer, features):
    """(map id, sentence or ''): signalering, or when no buurt has a signalering class the first map of
    ``OVERVIEW_MAPS`` that has data, with one sentence why (issue 14, point 12)."""
    features = list(features)
    names = layer.fields().names()

    def has_data(map_id):
        klasse = field_names(map_id)[1]
        return klasse in names and any(as_python(f[klasse]) not in (None, 0) for f in features)

    if has_data(OVERVIEW_MAPS[0]) or not features:
        return OVERVIEW_MAPS[0], ""
    chosen = next((m for m in OVERVIEW_MAPS[1:] if has_data(m)), OVERVIEW_MAPS[0])
    if chosen == OVERVIEW_MAPS[0]:
        return chosen, "Geen enkele kaart heeft gegevens voor deze buurten: alle buurten 'onvoldoende gegevens'."
    why = (
        "de ontwikkeling van kwetsbare bewoners ontbreekt (kerncijfers van één jaar: geef bij het maken van de "
        "kaarten ook de kerncijfers van een beginjaar)"
        if not has_data("kwetsbaar_ontwikkeling")
        else "alle buurten hebben daar 'onvoldoende gegevens'"
    )
    return chosen, f"Geen veerkracht signalering, want {why}; daarom toont deze pagina {style_name(chosen)}."


def _wijk_names_said(layer, name_field, names):
    """Dutch, for the log of an atlas without wijk layer: where the titles of the wijk pages come from."""
    if names:
        return f"Wijknamen uit veld '{name_field}' van laag '{layer.name()}' ({len(names)} wijken)."
    return (
        f"Geen wijknamen: er is geen wijklaag en laag '{layer.name()}' heeft geen veld wijknaam. De wijkpagina's heten "
        "naar gemeente en wijkcode; geef voor de namen een wijklaag op (zoals wijken_<jaar> "
        "uit 'Open data ophalen')."
    )


def _coverage_feature(coverage, attributes, shape):
    feature = QgsFeature(coverage.fields())
    feature.setAttributes(attributes)
    feature.setGeometry(shape)
    return feature


def _mask_renderer():
    """On wijk pages the wijk outlined and the other wijken faded; on the overview page and in the map window
    every wijk outlined. Each rule has a legend label: the layer explains itself in the layer tree."""
    root = QgsRuleBasedRenderer.Rule(None)
    rules = [
        (
            "Wijk van de pagina (omlijnd)",
            f"\"niveau\" = 'wijk' AND $id = @atlas_featureid AND {ON_WIJK_PAGE}",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.6"},
        ),
        (
            "Andere wijken (vervaagd)",
            f"\"niveau\" = 'wijk' AND $id <> @atlas_featureid AND {ON_WIJK_PAGE}",
            {"color": "255,255,255,170", "outline_style": "no"},
        ),
        (
            "Wijkgrenzen",
            f"\"niveau\" = 'wijk' AND ({ON_OVERVIEW_PAGE} OR @atlas_feature IS NULL)",
            {"style": "no", "outline_color": "20,20,20,255", "outline_width": "0.5"},
        ),
    ]
    for label, expression, properties in rules:
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(properties), 0, 0, expression, label))
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
