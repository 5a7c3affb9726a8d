"""What the web page shows, read from the layer and the packaged styles: per buurt its code, name, wijk,
gemeente, classes, values and the figures behind them; per map its title, legend labels and colours (from the
QML styles, so classes look as in QGIS); sources, editions and reference set from the layer."""

import json
import math
import re
from datetime import date

from qgis.core import QgsCoordinateTransform, QgsFeatureRequest, QgsVectorLayer

from ..compat import NO_GEOMETRY, as_python, rd_new, text_or_none
from ..core.catalogue import field_names, load_catalogue, map_entry
from ..core.codes import normalise_code, wijk_of
from ..core.join import LAYER_KEY_CANDIDATES, find_column
from ..geometry import rd_copy
from ..layer_queries import SOURCE_NAMES, GemeenteIndex, edition_years, inwoners_field, sort_gemeenten
from ..paths import RESOURCES_DIR
from ..sources.gemeenten import gemeenten as national_gemeenten
from ..sources.gemeenten import name_key
from ..styling import load_style, style_name, uses_stand_in

CSS_PX_PER_MM = 96 / 25.4
PERSPECTIVES_PATH = RESOURCES_DIR / "handelingsperspectieven.json"
BUURT_NAME_FIELDS = ["buurtnaam", "bu_naam", "BU_NAAM", "statnaam", "naam"]
WIJK_CODE_FIELDS = ["wijkcode", "wk_code", "WK_CODE"]
FIGURE_PATTERN = re.compile(r"^(?:(lbm|kwb)(\d{4})_(\w+)|kwetsbaar_(\d{4}))$", re.IGNORECASE)
INDICATOR_NAMES = {
    "lbm": "totaalscore (lbm)",
    "afw": "afwijking van het landelijk gemiddelde (afw)",
    "onv": "overlast en onveiligheid (onv)",
    "fys": "fysieke omgeving (fys)",
    "soc": "sociale samenhang (soc)",
    "vrz": "voorzieningen (vrz)",
    "won": "woningvoorraad (won)",
    "kscore": "officiële klasse (kscore)",
    "a_inw": "inwoners",
    "aantal_inwoners": "inwoners",
    "a_woning": "woningen",
    "p_wcorpw": "% corporatiewoningen",
    "a_soz_wb": "bijstandsuitkeringen",
    "a_soz_ao": "AO-uitkeringen",
    "p_hh_li": "% huishoudens met laag inkomen",
}
VALUE_NAMES = {
    "leefbaarheid": "afwijking Leefbaarometer (afw) of officiële klasse",
    "overlast": "overlast en onveiligheid (onv), eindjaar",
    "overlast_ontwikkeling": "verandering van onv",
    "kwetsbaar": "concentratie kwetsbare bewoners, eindjaar",
    "kwetsbaar_ontwikkeling": "verandering van de concentratie",
    "corporatiebezit": "% corporatiewoningen",
}  # signalering and focus: their class is their meaning, no value is shown


class ContentError(ValueError):
    """A Dutch message about the layer or the chosen gemeenten."""


def legend(layer, map_ids):
    """Per map: id, title, explanation and its classes [{code, label, kleur}] as the packaged style draws them
    (the QML loaded into a scratch layer, as 'Veerkrachtstijlen toepassen' does)."""
    scratch = QgsVectorLayer("Polygon?crs=EPSG:28992", "stijlen", "memory")
    scratch.dataProvider().addAttributes(layer.fields().toList())
    scratch.updateFields()
    stand_in = uses_stand_in(layer)
    maps = []
    for map_id in map_ids:
        load_style(scratch, map_id, stand_in)
        classes = [
            {"code": int(c.value()), "label": c.label(), "kleur": c.symbol().color().name(), **hatch(c.symbol())}
            for c in scratch.renderer().categories()
        ]
        classes.sort(key=lambda c: (c["code"] == 0, c["code"]))
        entry = map_entry(map_id)
        maps.append(
            {
                "id": map_id,
                "titel": style_name(map_id),
                "uitleg": entry["uitleg"],
                "waarde": VALUE_NAMES.get(map_id),
                "klassen": classes,
            }
        )
    return maps


def hatch(symbol):
    """{'arcering': {kleur, hoek, afstand, breedte}} for a symbol with a line pattern fill (class 0: grey, hatched),
    distance and width in CSS pixels (the styles give millimetres); {} for a plain fill."""
    for index in range(symbol.symbolLayerCount()):
        layer = symbol.symbolLayer(index)
        if layer.layerType() == "LinePatternFill":
            return {
                "arcering": {
                    "kleur": layer.color().name(),
                    "hoek": layer.lineAngle(),
                    "afstand": round(layer.distance() * CSS_PX_PER_MM, 2),
                    "breedte": round(layer.lineWidth() * CSS_PX_PER_MM, 2),
                }
            }
    return {}


def figure_fields(layer):
    """[(field, Dutch name)]: the inhabitants and the indicators the maps were computed from."""
    found = []
    inwoners = inwoners_field(layer)
    if inwoners:
        found.append((inwoners, "Inwoners"))
    for name in layer.fields().names():
        match = FIGURE_PATTERN.match(name)
        if not match or name == inwoners:
            continue
        source, year, indicator, kwetsbaar_year = match.groups()
        if kwetsbaar_year:
            found.append((name, f"Kwetsbare bewoners (index) {kwetsbaar_year}"))
        else:
            what = INDICATOR_NAMES.get(indicator.lower(), indicator)
            found.append((name, f"{SOURCE_NAMES[source.lower()].split(' wijken')[0]} {year}: {what}"))
    return found


def editions(layer):
    """['Leefbaarometer 3.0: 2018, 2024', ...] from the year in the fields' names (layer_queries)."""
    years = edition_years(layer.fields().names())
    return [
        f"{SOURCE_NAMES[source]}: {', '.join(found)}" for source, found in sorted(years.items(), key=lambda i: i[0])
    ]


def sources(layer):
    """The texts of the page's 'Bronnen' panel."""
    metadata = layer.metadata()
    lines = [line for line in metadata.abstract().splitlines() if line.strip()]
    return {
        "laag": layer.name(),
        "referentieset": lines[0] if lines else f"de buurten van laag {layer.name()}",
        "details": lines[1:],
        "edities": editions(layer),
        "gemaakt": date.today().isoformat(),
        "drempels": load_catalogue()["afw_drempels"]["bron"] if uses_stand_in(layer) else "",
    }


def perspectives():
    data = json.loads(PERSPECTIVES_PATH.read_text(encoding="utf-8"))
    return {"toelichting": data["toelichting"], "strategieen": data["strategieen"], "klassen": data["klassen"]}


def chosen_gemeenten(layer, wanted):
    """(GemeenteIndex of the layer, the gemeente keys to show, a filter expression selecting them or '' for all);
    ``wanted`` empty means all."""
    index = GemeenteIndex(layer)
    if not index.fields():
        raise ContentError(
            f"Laag '{layer.name()}' heeft geen buurtcode- of gemeenteveld (zoals buurtcode of statcode)."
        )
    request = QgsFeatureRequest().setFlags(NO_GEOMETRY).setSubsetOfAttributes(index.fields(), layer.fields())
    present = {}
    for feature in layer.getFeatures(request):
        gemeente = index.gemeente_of_feature(feature)
        if gemeente is not None:
            present[gemeente.code] = gemeente
    national = {name_key(name): code for code, name in national_gemeenten()}
    chosen = set()
    for given in wanted:
        code = normalise_code(given, "GM")
        match = (
            present.get(code)
            or next((g for g in present.values() if name_key(g.name) == name_key(given)), None)
            or present.get(national.get(name_key(given)))  # a layer with codes only, a gemeente by name
        )
        if match is None:
            shown = ", ".join(g.display for g in sort_gemeenten(present.values())[:10])
            raise ContentError(
                f"Gemeente '{given}' komt niet voor in laag '{layer.name()}'. Gevonden: {shown or 'geen enkele'}."
            )
        chosen.add(match.code)
    if not chosen or chosen == set(present):
        return index, set(present), ""
    # a filter the provider runs (SQL in a GeoPackage): one gemeente of a national layer reads only its buurten
    return index, chosen, index.filter_expression([present[code] for code in sorted(chosen)])


def collect(layer, wanted, map_ids, feedback=None):
    """(page data without shapes, buurt geometries in RD New) for the buurten of the chosen gemeenten."""
    index, chosen, expression = chosen_gemeenten(layer, wanted)
    names = layer.fields().names()
    code_field = find_column(names, LAYER_KEY_CANDIDATES)
    name_field = find_column(names, BUURT_NAME_FIELDS)
    wijk_field = find_column(names, WIJK_CODE_FIELDS)
    figures = figure_fields(layer)
    to_rd = QgsCoordinateTransform(layer.crs(), rd_new(), layer.transformContext())
    national = dict(national_gemeenten())
    buurten = {"code": [], "naam": [], "wijk": [], "gemeente": []}
    klasse = {m: [] for m in map_ids}
    waarde = {m: [] for m in map_ids}
    cijfers = [[] for _ in figures]
    gemeente_names, geometries, skipped = {}, [], 0
    total = max(layer.featureCount(), 1)
    request = QgsFeatureRequest()
    if expression:
        request.setFilterExpression(expression)
    for number, feature in enumerate(layer.getFeatures(request)):
        if feedback is not None:
            if feedback.isCanceled():
                return None, None
            feedback.setProgress(40 * number / total)
        gemeente = index.gemeente_of_feature(feature)
        if gemeente is None or gemeente.code not in chosen:
            continue
        if not feature.hasGeometry():
            skipped += 1
            continue
        code = normalise_code(feature[code_field]) if code_field else None
        buurten["code"].append(code or "")
        buurten["naam"].append(text_or_none(feature[name_field]) if name_field else None)
        wijk = text_or_none(feature[wijk_field]) if wijk_field else None
        buurten["wijk"].append(wijk or wijk_of(code) or gemeente.code)
        buurten["gemeente"].append(gemeente.code)
        gemeente_names[gemeente.code] = (
            national.get(gemeente.code, gemeente.name) if gemeente.name == gemeente.code else gemeente.name
        )
        for map_id in map_ids:
            waarde_field, klasse_field, _ = field_names(map_id)
            value = as_python(feature[klasse_field])
            klasse[map_id].append(int(value) if value is not None else 0)
            waarde[map_id].append(_short(feature[waarde_field]))
        for column, (field, _) in zip(cijfers, figures):
            column.append(_short(feature[field]))
        geometries.append(rd_copy(feature.geometry(), to_rd))
    if skipped and feedback is not None:
        feedback.pushWarning(
            f"{skipped} buurten van laag '{layer.name()}' hebben geen vorm en staan niet op de webkaart."
        )
    if not geometries:
        raise ContentError(f"Laag '{layer.name()}' heeft geen buurten met een vorm in de gekozen gemeente(n).")
    data = {
        "buurten": buurten,
        "klasse": klasse,
        "waarde": waarde,
        "cijfers": {"namen": [name for _, name in figures], "waarden": cijfers},
        "gemeenten": gemeente_names,
        "kaarten": legend(layer, map_ids),
        "klasse_0": load_catalogue()["klasse_0"]["label"],
        "perspectieven": perspectives(),
        "bronnen": sources(layer),
    }
    return data, geometries


def _short(value):
    """A number with three significant digits (what a popup shows), None for NULL or text."""
    value = as_python(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None
    return value if isinstance(value, int) else float(f"{value:.3g}")
