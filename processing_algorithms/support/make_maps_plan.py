"""What 'Veerkrachtkaarten maken' will do, decided before anything runs: years and columns as the user gave
them, or else found in the files themselves (resources/kolommen.json says which names are looked for), and
each choice said in the log. Messages name the dialog's labels."""

from dataclasses import dataclass, field

from qgis.core import QgsProcessingException

from ...veerkracht_plugin.core import VeerkrachtError
from .layer_io import filled_fields
from .table_input import layer_label, read_table_value


@dataclass
class Plan:
    lbm_start: int
    lbm_end: int
    kwb_end: int
    kwb_start: int = None
    table_start: object = None  # the start-year table (the end table when it is a long table)
    counts: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    inwoners: str = None  # a column of the kerncijfers table
    inwoners_layer: str = None  # else a field of the buurt layer (PDOK)
    corporatie: str = None
    corporatie_layer: str = None
    notes: list = field(default_factory=list)
    start_layer: object = None  # a start-year buurt layer with its own kerncijfers (PDOK), see start_layer.py
    start_columns: list = field(default_factory=list)  # its fields, in the order of counts + shares
    start_inwoners: str = None
    start_match: float = 1.0  # share of the buurt layer's codes found in the start layer
    lbm_class: str = None  # the official Leefbaarometer class column (kscore), when the table has it
    national: tuple = None  # (own buurten, other buurten, table): classes computed on the whole country
    warnings: list = field(default_factory=list)  # said as warnings: a choice the user should look at


def make_plan(algorithm, parameters, context, feedback):
    """A Plan, or QgsProcessingException naming the dialog's label and what is in the file."""
    from .start_layer import add_start_layer

    try:
        plan = _plan(algorithm, parameters, context, feedback)
        if parameters.get(algorithm.BUURTEN_START) not in (None, ""):
            add_start_layer(algorithm, parameters, context, plan)
        if parameters.get(algorithm.REFERENTIE_START) not in (None, ""):
            from .national_reference import add_national_start

            add_national_start(algorithm, parameters, context, plan)
        return plan
    except VeerkrachtError as error:
        raise QgsProcessingException(str(error)) from error


def _given_int(algorithm, parameters, name, context):
    if parameters.get(name) in (None, ""):
        return None
    return algorithm.parameterAsInt(parameters, name, context)


def _names(algorithm, parameters, name, context):
    return [n.strip() for n in algorithm.parameterAsString(parameters, name, context).split(",") if n.strip()]


def _plan(alg, parameters, context, feedback):
    from ...veerkracht_plugin.core.detect import (
        choose_components,
        column_names,
        first_present,
        latest_year_with,
        pick_start,
        year_in_name,
    )

    names, spans = column_names(), column_names()["jaren"]
    layer_fields = alg.parameterAsSource(parameters, alg.INPUT, context).fields().names()
    notes = []

    lbm = _offer(alg, parameters, alg.LEEFBAAROMETER, context, feedback)
    lbm_end = _given_int(alg, parameters, alg.LBM_YEAR_END, context)
    lbm_end = _check_year(alg, lbm, alg.LBM_YEAR_END, lbm_end) or latest_year_with(
        lbm, ["afw", "onv"], alg.parameter_label(alg.LBM_YEAR_END)
    )
    lbm_start = _check_year(alg, lbm, alg.LBM_YEAR_START, _given_int(alg, parameters, alg.LBM_YEAR_START, context))
    if lbm_start is None:
        lbm_start = pick_start([y for y in lbm.years if lbm.has("onv", y)], lbm_end, spans["spanne_leefbaarometer"])
        notes.append(f"Leefbaarometer: jaren {lbm_start}-{lbm_end} gekozen uit {', '.join(map(str, lbm.years))}")
    if lbm_start is None:
        raise VeerkrachtError(
            f"'{alg.parameter_label(alg.LBM_YEAR_START)}': '{lbm.name}' heeft geen jaar vóór {lbm_end} met onv."
        )

    lbm_class = next((c for c in names["leefbaarometer_klasse"] if lbm.has(c, lbm_end)), None)
    if lbm_class:
        notes.append(f"Leefbaarometer {lbm_end}: de officiële klassen ({lbm_class}) voor kaart 1")
    if parameters.get(alg.KERNCIJFERS_END) in (None, ""):
        plan = _plan_from_layer(alg, parameters, context, layer_fields, lbm_start, lbm_end, notes)
        plan.lbm_class = lbm_class
        return plan

    end = _offer(alg, parameters, alg.KERNCIJFERS_END, context, feedback)
    counts, shares = _names(alg, parameters, alg.COUNTS, context), _names(alg, parameters, alg.SHARES, context)
    chosen = counts + shares
    if not chosen:
        found = choose_components(end)  # present in the table; the years are checked below
        chosen = found.counts + found.shares
    kwb_end = _check_year(alg, end, alg.KWB_YEAR_END, _given_int(alg, parameters, alg.KWB_YEAR_END, context))
    if kwb_end is None:
        kwb_end = latest_year_with(end, chosen, alg.parameter_label(alg.KWB_YEAR_END)) if end.years else None
        kwb_end = kwb_end or year_in_name(end.name) or lbm_end
        notes.append(
            f"kerncijfers eindjaar {kwb_end} ({'laatste jaar met ' + ', '.join(chosen) if end.years else 'uit de bestandsnaam of het Leefbaarometer-eindjaar'})"
        )

    table_start, kwb_start = None, _given_int(alg, parameters, alg.KWB_YEAR_START, context)
    if parameters.get(alg.KERNCIJFERS_START) not in (None, ""):
        start = _offer(alg, parameters, alg.KERNCIJFERS_START, context, feedback)
        table_start = parameters[alg.KERNCIJFERS_START]
        kwb_start = _check_year(alg, start, alg.KWB_YEAR_START, kwb_start)
        kwb_start = kwb_start or (start.years[-1] if len(start.years) == 1 else year_in_name(start.name))
        if kwb_start is None:
            raise VeerkrachtError(
                f"Vul '{alg.parameter_label(alg.KWB_YEAR_START)}' in: '{start.name}' noemt geen jaar "
                f"(jaren in het bestand: {', '.join(map(str, start.years)) or 'geen jaarkolom'})."
            )
    elif parameters.get(alg.BUURTEN_START) not in (None, ""):
        pass  # the start year comes from its own buurt layer (start_layer.py)
    elif end.years:
        kwb_start = _check_year(alg, end, alg.KWB_YEAR_START, kwb_start)
        if kwb_start is None:
            usable = [y for y in end.years if all(end.has(c, y) for c in chosen)]
            kwb_start = pick_start(usable, kwb_end, spans["spanne_kerncijfers"])
            if kwb_start:
                notes.append(
                    f"kerncijfers beginjaar {kwb_start} (dichtst bij {kwb_end} - {spans['spanne_kerncijfers']})"
                )
        table_start = parameters[alg.KERNCIJFERS_END] if kwb_start else None
    elif kwb_start:
        raise VeerkrachtError(
            f"'{alg.parameter_label(alg.KWB_YEAR_START)}' is {kwb_start}, maar '{end.name}' heeft maar één jaar: geef ook "
            f"'{alg.parameter_label(alg.KERNCIJFERS_START)}'."
        )
    if not counts and not shares:
        years = [y for y in (kwb_end, kwb_start) if y] if end.years else [None]
        found = choose_components(end, years)
        counts, shares = found.counts, found.shares
        notes += found.notes
        notes.append(f"componenten: {', '.join(counts + shares)}")

    inwoners = alg.parameterAsString(parameters, alg.INWONERS_COLUMN, context) or first_present(
        names["inwoners"], end.columns
    )
    inwoners_layer = None if inwoners else first_present(names["inwoners"], layer_fields)
    if not inwoners and not inwoners_layer:
        raise VeerkrachtError(
            f"Geen kolom met inwoners in '{end.name}' of in de buurtlaag (gezocht: {', '.join(names['inwoners'])}). "
            f"Vul '{alg.parameter_label(alg.INWONERS_COLUMN)}' in."
        )
    corporatie = alg.parameterAsString(parameters, alg.CORPORATIE_COLUMN, context)
    corporatie = corporatie or (first_present(names["corporatie"], end.filled.get(kwb_end if end.years else None, ())))
    corporatie_layer = None
    if not corporatie:
        present = [c for c in names["corporatie"] if first_present([c], layer_fields)]
        source = alg.parameterAsSource(parameters, alg.INPUT, context)
        corporatie_layer = first_present(names["corporatie"], filled_fields(source, names["gevuld"], present))
        if present and corporatie_layer is None:
            notes.append(
                f"corporatiebezit: veld {present[0]} van de buurtlaag is leeg (-99995: 'komt in een latere versie "
                "van deze editie'), kaart 6 wordt klasse 0"
            )
    if inwoners_layer:
        notes.append(f"inwoners uit de buurtlaag (veld {inwoners_layer})")
    if corporatie_layer:
        notes.append(f"corporatiebezit uit de buurtlaag (veld {corporatie_layer})")
    return Plan(
        lbm_start,
        lbm_end,
        kwb_end,
        kwb_start,
        table_start,
        counts,
        shares,
        inwoners,
        inwoners_layer,
        corporatie or None,
        corporatie_layer,
        notes,
        lbm_class=lbm_class,
    )


def _plan_from_layer(alg, parameters, context, layer_fields, lbm_start, lbm_end, notes):
    """No kerncijfers table: the buurt layer carries them itself (PDOK publishes them inside it)."""
    from ...veerkracht_plugin.core.detect import column_names, first_present

    names = column_names()
    source = alg.parameterAsSource(parameters, alg.INPUT, context)
    filled = filled_fields(source, names["gevuld"])
    counts = _names(alg, parameters, alg.COUNTS, context)
    shares = _names(alg, parameters, alg.SHARES, context)
    unfilled = []
    if not counts and not shares:
        for key, component in names["componenten"].items():
            if key == "toelichting":
                continue
            if column := first_present(component["kolommen"], filled):
                (counts if component["soort"] == "aantal" else shares).append(column)
            elif present := first_present(component["kolommen"], layer_fields):
                unfilled.append(f"{key} (veld {present})")
    inwoners = first_present(names["inwoners"], filled)
    if not (counts or shares) or inwoners is None:
        wanted = [c for comp in names["componenten"].values() if isinstance(comp, dict) for c in comp["kolommen"]]
        present = [c for c in wanted + names["inwoners"] if first_present([c], layer_fields)]
        raise VeerkrachtError(
            f"Geen kerncijfers opgegeven, en de buurtlaag '{source.sourceName()}' heeft ze niet gevuld "
            f"(aanwezig maar leeg of -99995, 'komt in een latere versie van deze editie': "
            f"{', '.join(present) or 'geen'}). Kies '{alg.parameter_label(alg.KERNCIJFERS_END)}', of een latere versie "
            "van deze buurtkaart."
        )
    kwb_end = _given_int(alg, parameters, alg.KWB_YEAR_END, context) or _layer_year(alg, parameters, context) or lbm_end
    notes.append(f"kerncijfers uit de buurtlaag zelf: {', '.join(counts + shares)}, inwoners {inwoners}")
    warnings = (
        [
            f"De kwetsbaarheidsindex mist component {', '.join(unfilled)}: in de buurtlaag niet gevuld (leeg, geheim "
            f"-99997 of 'komt later' -99995). De index rust nu alleen op {', '.join(counts + shares)}; een latere versie "
            "van deze editie, of een kerncijfersbestand, heeft het mogelijk wel."
        ]
        if unfilled
        else []
    )
    return Plan(
        lbm_start,
        lbm_end,
        kwb_end,
        counts=counts,
        shares=shares,
        inwoners_layer=inwoners,
        corporatie_layer=first_present(names["corporatie"], filled),
        notes=notes,
        warnings=warnings,
    )


def _layer_year(alg, parameters, context):
    """The year of a buurt layer that carries its kerncijfers: in its name (buurten_2023) or its 'jaar' field."""
    from ...veerkracht_plugin.compat import as_python
    from ...veerkracht_plugin.core.detect import year_in_name

    layer = alg.parameterAsVectorLayer(parameters, alg.INPUT, context)
    if layer is None:
        return None
    year = year_in_name(layer.name()) or year_in_name(layer_label(layer))
    if year is None and layer.fields().indexOf("jaar") >= 0:
        values = {as_python(v) for v in layer.uniqueValues(layer.fields().indexOf("jaar"), 2)}
        year = int(values.pop()) if len(values) == 1 and None not in values else None
    return year


def _offer(alg, parameters, name, context, feedback):
    """What the table of parameter ``name`` offers (years, filled columns)."""
    from ...veerkracht_plugin.core.detect import table_offer

    table_name, frame = read_table_value(alg, parameters, name, context, feedback)
    return table_offer(frame, table_name)


def _check_year(alg, offer, name, year):
    """``year`` when the table has it (or has no year column); VeerkrachtError listing the years otherwise."""
    if year is None or not offer.years or year in offer.years:
        return year
    raise VeerkrachtError(
        f"'{alg.parameter_label(name)}' is {year}, maar '{offer.name}' heeft de jaren {', '.join(map(str, offer.years))}."
    )
