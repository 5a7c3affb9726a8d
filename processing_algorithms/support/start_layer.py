"""The start year from a buurt layer of its own year, with the kerncijfers PDOK publishes inside it: its fields
are matched to the end year's components by what they measure (resources/kolommen.json), and its buurt codes
are compared with the buurt layer's: under MATCH_SHARE the figures are carried onto the buurt layer with
'herindelen' instead of joined by code."""

from ...veerkracht_plugin.core import VeerkrachtError

MATCH_SHARE = 0.9


def add_start_layer(alg, parameters, context, plan):
    """Fill in the Plan's start-layer part; VeerkrachtError naming the labels when it cannot be used."""
    from ...veerkracht_plugin.core.detect import column_names, first_present, year_in_name
    from .layer_io import filled_fields

    if plan.table_start:
        raise VeerkrachtError(
            f"Kies óf '{alg.parameter_label(alg.BUURTEN_START)}' óf kerncijfers van een beginjaar, niet allebei."
        )
    start = alg.parameterAsSource(parameters, alg.BUURTEN_START, context)
    names = column_names()
    filled = filled_fields(start, names["gevuld"])
    columns, notes = [], []
    for column in plan.counts + plan.shares:
        found = _same_measure(column, filled, names["componenten"])
        if found is None:
            raise VeerkrachtError(
                f"'{alg.parameter_label(alg.BUURTEN_START)}' ({start.sourceName()}) heeft geen gevuld veld voor component "
                f"'{column}' (of het is -99995: 'komt in een latere versie'). Gevulde velden: "
                f"{', '.join(filled[:15]) or 'geen'}."
            )
        columns.append(found)
    inwoners = first_present(names["inwoners"], filled)
    if inwoners is None:
        raise VeerkrachtError(f"'{alg.parameter_label(alg.BUURTEN_START)}' heeft geen gevuld veld met inwoners.")
    year = plan.kwb_start or year_in_name(start.sourceName()) or year_in_name(str(parameters[alg.BUURTEN_START]))
    if year is None:
        raise VeerkrachtError(
            f"Vul '{alg.parameter_label(alg.KWB_YEAR_START)}' in: de naam van '{start.sourceName()}' noemt geen jaar."
        )
    plan.start_layer, plan.start_columns, plan.start_inwoners = parameters[alg.BUURTEN_START], columns, inwoners
    plan.kwb_start = year
    plan.start_match = _code_match(alg.parameterAsSource(parameters, alg.INPUT, context), start)
    how = "op buurtcode gekoppeld" if plan.start_match >= MATCH_SHARE else "omgerekend naar de buurten (herindelen)"
    plan.notes.append(
        f"kerncijfers {year} uit '{start.sourceName()}' ({', '.join(columns)}, inwoners {inwoners}); "
        f"{plan.start_match:.0%} van de buurtcodes komt overeen: {how}"
    )
    plan.notes += notes


def _same_measure(column, fields, components):
    """``column`` itself, or the field of ``fields`` that measures the same component."""
    from ...veerkracht_plugin.core.detect import first_present

    if first_present([column], fields):
        return first_present([column], fields)
    for component in components.values():
        if isinstance(component, dict) and first_present([column], component["kolommen"]):
            return first_present(component["kolommen"], fields)
    return None


def share_spec(shares, fields):
    """herindelen's SHARES text: each share with its denominator (resources/kolommen.json) where ``fields`` has
    one, e.g. 'percentage_huishoudens_met_laag_inkomen:aantal_huishoudens'."""
    from ...veerkracht_plugin.core.detect import column_names, first_present

    specs = []
    for column in shares:
        denominator = None
        for component in column_names()["componenten"].values():
            if isinstance(component, dict) and first_present([column], component["kolommen"]):
                denominator = first_present(component.get("noemer", []), fields)
        specs.append(f"{column}:{denominator}" if denominator else column)
    return ",".join(specs)


def _code_match(buurten, start):
    """Share of the buurt layer's codes that the start layer has too."""
    ours, theirs = _buurt_codes(buurten), _buurt_codes(start)
    return len(ours & theirs) / len(ours) if ours else 0.0


def _buurt_codes(source):
    from qgis.core import QgsFeatureRequest

    from ...veerkracht_plugin.compat import NO_GEOMETRY, SKIP_GEOMETRY_CHECKS
    from ...veerkracht_plugin.core.codes import normalise_code
    from ...veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column

    field = find_column(source.fields().names(), LAYER_KEY_CANDIDATES)
    if field is None:
        return set()
    request = QgsFeatureRequest().setFlags(NO_GEOMETRY).setSubsetOfAttributes([field], source.fields())
    # codes only: a self-intersecting buurt (generalised boundaries) must not stop the comparison of codes
    return {normalise_code(f[field]) for f in source.getFeatures(request, SKIP_GEOMETRY_CHECKS)} - {None}


def start_frame(alg, start_value, buurten_value, codes, columns, shares, context, feedback):
    """A DataFrame (one row per code of ``codes``, in that order) of ``columns`` from a start-year layer: joined
    by code when MATCH_SHARE of the codes match, else carried over with herindelen; and a Dutch note saying which.
    """
    import pandas as pd

    from ...veerkracht_plugin.core.codes import normalise_code
    from ...veerkracht_plugin.core.join import LAYER_KEY_CANDIDATES, find_column
    from .child import run_child
    from .layer_io import read_features

    start_source = _source(start_value, context)
    buurten_source = _source(buurten_value, context)
    match = _code_match(buurten_source, start_source)
    if match >= MATCH_SHARE:
        table, note = start_value, f"{match:.0%} van de buurtcodes komt overeen: op buurtcode gekoppeld"
    else:
        code = find_column(buurten_source.fields().names(), LAYER_KEY_CANDIDATES)
        codes_only = run_child(
            "native:retainfields",
            {"INPUT": buurten_value, "FIELDS": [code], "OUTPUT": "TEMPORARY_OUTPUT"},
            context,
            feedback,
        )["OUTPUT"]
        params = {"INPUT": start_value, "TARGET": codes_only, "FIELDS": columns, "SHARES": shares}
        table = run_child("veerkracht:herindelen", {**params, "OUTPUT": "TEMPORARY_OUTPUT"}, context, feedback)[
            "OUTPUT"
        ]
        note = f"{match:.0%} van de buurtcodes komt overeen: omgerekend naar de buurten (herindelen)"
    source = _source(table, context)
    key = find_column(source.fields().names(), LAYER_KEY_CANDIDATES)
    _, _, frame = read_features(source, {"code": key, **{c: c for c in columns}}, feedback)
    frame["code"] = frame["code"].map(normalise_code)
    frame = frame.drop_duplicates("code").set_index("code")
    return frame.reindex(pd.Index(codes)).reset_index(drop=True), note


def _source(value, context):
    """A processing feature source for a layer, layer id or path."""
    from qgis.core import QgsProcessingFeatureSource, QgsProcessingUtils

    layer = value if hasattr(value, "getFeatures") else QgsProcessingUtils.mapLayerFromString(str(value), context)
    if layer is None:
        raise VeerkrachtError(f"Laag '{value}' kan niet worden geopend.")
    return QgsProcessingFeatureSource(layer, context, False)
