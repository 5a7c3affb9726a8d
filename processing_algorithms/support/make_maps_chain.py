"""The run of 'Veerkrachtkaarten maken' (make_maps.py holds its parameters and names and styles the result): the
plan first (make_maps_plan: years and columns as given, or found in the files), then the other algorithms chained
as child runs, each a step of the progress bar: the buurt layer's CRS fixed and the layer put in RD New, the
Leefbaarometer and kerncijfers joined, the vulnerability index and the nine maps computed."""

from qgis.core import QgsProcessingException, QgsProcessingMultiStepFeedback

from ...veerkracht_plugin.compat import RD_NEW_AUTHID
from .child import run_child
from .crs_guard import AS_RD, AS_WGS84, REPROJECT, assigned_crs

POOR_JOIN_SHARE = 0.5


def run_chain(alg, parameters, context, feedback):
    """(computemaps' result, the plan, the buurt layer as a GeoPackage table or ''); QgsProcessingException in
    Dutch naming the step that failed."""
    parameters, plan, buurt_source = _plan(alg, parameters, context, feedback)
    min_inwoners = alg.parameterAsInt(parameters, alg.MIN_INWONERS, context)
    zeros_as_missing = alg.parameterAsBoolean(parameters, alg.ZEROS_AS_MISSING, context)
    has_table = parameters.get(alg.KERNCIJFERS_END) not in (None, "")
    national = parameters.get(alg.REFERENTIE) not in (None, "")
    crs_action, crs_warning = _crs_plan(alg, parameters, context)
    if crs_warning:
        feedback.pushWarning(crs_warning)
    assign = crs_action in (AS_RD, AS_WGS84)
    reproject = national or crs_action in (REPROJECT, AS_WGS84)
    # step 0 was the plan; then one step per child: CRS, reprojection, two Leefbaarometer joins, the kerncijfers
    # joins, the index and the maps
    steps = 1 + assign + reproject + 2 + has_table + bool(plan.table_start) + 2
    multi = QgsProcessingMultiStepFeedback(steps, feedback)
    progress = {"step": 1}
    poor_joins = []

    def child(algorithm, params, text):
        multi.setCurrentStep(progress["step"])
        multi.setProgressText(text)
        progress["step"] += 1
        try:
            result = run_child(algorithm, params, context, multi)
        except QgsProcessingException as error:
            raise QgsProcessingException(alg.tr("Stap '{}' mislukt: {}").format(text, error)) from error
        if multi.isCanceled():
            raise QgsProcessingException(alg.tr("Geannuleerd."))
        return result

    def join(layer, table, year, prefix, fields, text, code_field):
        params = {
            "INPUT": layer,
            "TABLE": table,
            "PREFIX": prefix,
            "FIELDS": ",".join(fields),
            "ZEROS_AS_MISSING": zeros_as_missing,
            "OUTPUT": "TEMPORARY_OUTPUT",
        }
        params.update({k: v for k, v in (("YEAR", year), ("TABLE_FIELD", code_field)) if v})
        result = child("veerkracht:joinindicators", params, text)
        if result["MATCH_SHARE"] < POOR_JOIN_SHARE:
            poor_joins.append(f"{text}: {result['MATCH_SHARE']:.0%} gekoppeld")
        return result["OUTPUT"]

    buurten = parameters[alg.INPUT]
    if assign:
        buurten = child(
            "native:assignprojection",
            {"INPUT": buurten, "CRS": assigned_crs(crs_action), "OUTPUT": "TEMPORARY_OUTPUT"},
            alg.tr("Coördinatenstelsel van de buurtlaag vastleggen"),
        )["OUTPUT"]
    if reproject:
        reprojected = child(
            "native:reprojectlayer",
            {"INPUT": buurten, "TARGET_CRS": RD_NEW_AUTHID, "OUTPUT": "TEMPORARY_OUTPUT"},
            alg.tr("Buurtlaag naar RD New (EPSG:28992)"),
        )
        buurten = reprojected["OUTPUT"]  # Dutch maps in the Dutch CRS: not stretched, RD data asks nothing
    if national:
        from .national_reference import with_national_rows

        buurten, *plan.national = with_national_rows(alg, parameters, context, buurten, feedback)
    lbm, lbm_code = (
        parameters[alg.LEEFBAAROMETER],
        alg.parameterAsString(parameters, alg.LBM_CODE_FIELD, context),
    )
    kwb_code = alg.parameterAsString(parameters, alg.KWB_CODE_FIELD, context)
    layer = join(
        buurten,
        lbm,
        plan.lbm_start,
        f"lbm{plan.lbm_start}_",
        ["onv"],
        alg.tr("Leefbaarometer {} koppelen").format(plan.lbm_start),
        lbm_code,
    )
    layer = join(
        layer,
        lbm,
        plan.lbm_end,
        f"lbm{plan.lbm_end}_",
        ["afw", "onv"] + ([plan.lbm_class] if plan.lbm_class else []),
        alg.tr("Leefbaarometer {} koppelen").format(plan.lbm_end),
        lbm_code,
    )
    components = plan.counts + plan.shares
    end_tag = f"kwb{plan.kwb_end}_" if has_table else ""
    start_tag = f"kwb{plan.kwb_start}_"
    inwoners = plan.inwoners or plan.inwoners_layer
    if has_table:
        from_table = components + [c for c in (plan.inwoners, plan.corporatie) if c]
        layer = join(
            layer,
            parameters[alg.KERNCIJFERS_END],
            plan.kwb_end,
            end_tag,
            from_table,
            alg.tr("Kerncijfers {} koppelen").format(plan.kwb_end),
            kwb_code,
        )
    if plan.table_start:
        from_table = components + [plan.inwoners] if plan.inwoners else components
        layer = join(
            layer,
            plan.table_start,
            plan.kwb_start,
            start_tag,
            from_table,
            alg.tr("Kerncijfers {} koppelen").format(plan.kwb_start),
            kwb_code,
        )

    def tagged(tag, column, table_column):
        return (tag + column) if table_column else column

    index = {
        "INPUT": layer,
        "YEAR_END": plan.kwb_end,
        "MIN_INWONERS": min_inwoners,
        "OUTPUT": "TEMPORARY_OUTPUT",
        "COUNTS_END": [end_tag + c for c in plan.counts],
        "SHARES_END": [end_tag + s for s in plan.shares],
        "INWONERS_END": tagged(end_tag, inwoners, plan.inwoners),
    }
    if plan.table_start:
        index.update(
            {
                "YEAR_START": plan.kwb_start,
                "COUNTS_START": [start_tag + c for c in plan.counts],
                "SHARES_START": [start_tag + s for s in plan.shares],
                "INWONERS_START": tagged(start_tag, inwoners, plan.inwoners),
            }
        )
    if plan.start_layer:  # the index joins or carries over the start-year layer's own fields
        n = len(plan.counts)
        index.update(
            {
                "START_LAYER": plan.start_layer,
                "YEAR_START": plan.kwb_start,
                "COUNTS_START": plan.start_columns[:n],
                "SHARES_START": plan.start_columns[n:],
                "INWONERS_START": plan.start_inwoners,
            }
        )
    layer = child("veerkracht:vulnerabilityindex", index, alg.tr("Kwetsbaarheidsindex"))["OUTPUT"]

    maps = {
        "INPUT": layer,
        "AFW": f"lbm{plan.lbm_end}_afw",
        "ONV_START": f"lbm{plan.lbm_start}_onv",
        "ONV_END": f"lbm{plan.lbm_end}_onv",
        "KWETSBAAR_END": f"kwetsbaar_{plan.kwb_end}",
        "INWONERS": tagged(end_tag, inwoners, plan.inwoners),
        "MIN_INWONERS": min_inwoners,
        "ONLY_WITH_GEOMETRY": national,
        "OUTPUT": parameters[alg.OUTPUT],
    }
    if plan.lbm_class:  # the official classes replace the provisional afw thresholds of map 1
        maps["LBM_CLASS"] = f"lbm{plan.lbm_end}_{plan.lbm_class}"
    if plan.table_start or plan.start_layer:
        maps["KWETSBAAR_START"] = f"kwetsbaar_{plan.kwb_start}"
    if plan.corporatie or plan.corporatie_layer:
        maps["CORPORATIE"] = tagged(end_tag, plan.corporatie or plan.corporatie_layer, plan.corporatie)
    else:
        feedback.pushWarning(alg.tr("Geen kolom met % corporatiewoningen: kaart 6 wordt klasse 0."))
    result = child("veerkracht:computemaps", maps, alg.tr("Negen kaarten berekenen"))
    feedback.setProgress(100)
    if poor_joins:  # said again at the end, where the user looks: the maps are largely class 0
        feedback.pushWarning(
            alg.tr(
                "LET OP: deze kaarten rusten op koppelingen die minder dan de helft van de buurten vonden ({}). "
                "Controleer buurtjaar, gemeente en codekolom van die bestanden."
            ).format("; ".join(poor_joins))
        )
    return result, plan, buurt_source


def _plan(alg, parameters, context, feedback):
    """(the parameters with empty inputs taken from the buurt layer's GeoPackage, the plan, that GeoPackage's
    buurt table or ''), each choice said in the log."""
    from ...veerkracht_plugin.core import VeerkrachtError
    from .make_maps_plan import make_plan
    from .same_geopackage import fill_in, layer_in_geopackage

    feedback.setProgressText(alg.tr("Jaren en kolommen bepalen"))
    feedback.setProgress(1)
    try:
        parameters, notes, warnings = fill_in(alg, parameters, context)
    except VeerkrachtError as error:
        raise QgsProcessingException(str(error)) from error
    buurten = layer_in_geopackage(parameters[alg.INPUT], context)
    buurt_source = f"{buurten[0]}|layername={buurten[1]}" if buurten and buurten[1] else ""
    plan = make_plan(alg, parameters, context, feedback)
    plan.notes[:0], plan.warnings[:0] = notes, warnings
    for note in plan.notes:
        feedback.pushInfo(alg.tr("Gekozen: {}.").format(note))
    for warning in plan.warnings:
        feedback.pushWarning(warning)
    return parameters, plan, buurt_source


def _crs_plan(alg, parameters, context):
    """What the buurt layer's coordinates are (crs_guard), before anything is reprojected or written."""
    from .crs_guard import CrsError, crs_plan

    try:
        return crs_plan(alg.parameterAsSource(parameters, alg.INPUT, context), context.transformContext())
    except CrsError as problem:
        raise QgsProcessingException(str(problem)) from problem


def reference_text(reference, plan):
    """computemaps' words on the reference set, with what only makemaps knows: the national table, the start-year
    layer."""
    if plan.national:
        own, added, table = plan.national
        reference = (
            f"Referentieset Nederland: elke klasse vergelijkt met alle buurten van het land ({own} buurten van de "
            f"buurtlaag en {added} andere uit '{table}'); de kaart toont alleen de buurten van de buurtlaag. "
            + reference.removeprefix("Referentieset: ").replace(
                "buurten van de invoerlaag", "buurten van deze referentieset"
            )
        )
    if plan.start_layer:
        from .start_layer import MATCH_SHARE

        how = (
            "omgerekend naar de buurten van de buurtlaag (herindelen)"
            if plan.start_match < MATCH_SHARE
            else "op buurtcode gekoppeld"
        )
        reference += (
            f" Kerncijfers {plan.kwb_start} (ontwikkeling kwetsbare bewoners, signalering absoluut en relatief) "
            f"uit een buurtlaag van dat jaar: {plan.start_match:.0%} van de buurtcodes kwam overeen, {how}."
        )
    return reference
