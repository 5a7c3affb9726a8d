"""Turn a user's table into one row per area code, ready to join: codes without their gemeente part
completed, rows of other levels dropped (a table of another level than the layer refused), the right year
taken, long indicator tables pivoted, duplicates refused, numbers recognised (``numbers``)."""

import difflib
from dataclasses import dataclass, field

import pandas as pd

from . import VeerkrachtError
from .codes import (
    GEMEENTE_FIELD_CANDIDATES,
    LEVEL_NAMES,
    LEVELS,
    NO_GEMEENTE,
    code_level,
    complete_code,
    gemeente_of,
    normalise_code,
    short_code,
)
from .columns import convert_columns

TABLE_KEY_CANDIDATES = [
    "bu_code",
    "gwb_code_10",
    "buurtcode",
    "wk_code",
    "wijkcode",
    "gm_code",
    "gemeentecode",
    "statcode",
    "gwb_code",
    "gwb_code_8",
    "regiocode",
    "code",
]
LAYER_KEY_CANDIDATES = ["buurtcode", "bu_code", "statcode", "wijkcode", "wk_code", "gemeentecode", "gm_code", "code"]
YEAR_CANDIDATES = ["jaar", "table_year", "perioden", "year", "peiljaar"]
LEVEL_COLUMN = "recs"
RECS_BY_LEVEL = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}
INDICATOR_COLUMNS = ("indicator", "onderwerp")
VALUE_COLUMNS = ("value", "waarde")


def find_column(columns, candidates):
    """The first candidate present, compared without case; None when none is."""
    lower = {str(c).lower(): c for c in columns}
    for candidate in candidates:
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return None


def column_list(columns, wanted=None, shown=25):
    """'Kolommen: a, b, ...' for messages, with close matches to ``wanted`` first and long lists cut."""
    columns = [str(c) for c in columns]
    close = difflib.get_close_matches(str(wanted), columns, n=3, cutoff=0.6) if wanted else []
    hint = f"Bedoelt u: {', '.join(close)}? " if close else ""
    listed = ", ".join(columns[:shown]) + (f", ... ({len(columns)} kolommen)" if len(columns) > shown else "")
    return f"{hint}Kolommen: {listed}."


@dataclass
class PreparedTable:
    """One row per normalised code: ``columns`` are (output name, 'int'|'float'|'text').

    ``notes`` are for the log, ``warnings`` must be seen (numbers that are no numbers, suspect zeros, an
    ambiguous reading). ``gemeenten``: the GM codes the table's codes belong to (for hints on a poor match)."""

    columns: list
    rows: dict
    key_column: str
    year_column: str = None
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    gemeenten: set = field(default_factory=set)


def prepare_table(
    frame,
    name,
    level="BU",
    key_column=None,
    year=None,
    fields=None,
    prefix="",
    gemeente=None,
    zeros_as_missing=False,
):
    """Everything the join needs from a table read by ``tables.read_table``.

    ``level`` is the layer's level ('BU' or 'WK'). ``gemeente`` is the layer's one gemeente (GM0758), or a
    function that returns it, used to complete codes written without their gemeente part ('0601').
    ``zeros_as_missing`` turns the zeros that ``zeros.suspect_zeros`` finds into missing values. A table with
    no row of the layer's level is refused with both levels named (``level_mismatch``).
    """
    notes, warnings = list(frame.attrs.get("notes", [])), []
    key_column = _key_column(frame, name, key_column)
    word, first = frame.attrs.get("row_word", "rij"), frame.attrs.get("first_row", 1)
    codes = _codes(frame, name, key_column, level, gemeente, notes)

    keep = codes.notna()
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} regels zonder code in kolom '{key_column}' overgeslagen.")
    level_of = {code: code_level(code) for code in set(codes.tolist())}  # a long table repeats each code
    levels = pd.Series([level_of[code] for code in codes.tolist()], index=codes.index, dtype=object)
    if keep.any() and levels[keep].isna().all():
        raise VeerkrachtError(not_cbs_codes(name, key_column, frame[key_column][keep]))
    other_level = keep & (levels != level)
    recs_column = find_column(frame.columns, [LEVEL_COLUMN])
    if recs_column is not None:
        recs = frame[recs_column].astype(str).str.strip().str.lower()
        other_level |= keep & recs.isin(set(RECS_BY_LEVEL.values()) - {RECS_BY_LEVEL[level]})
    if other_level.any():
        if not (keep & ~other_level).any():
            raise VeerkrachtError(level_mismatch(name, key_column, codes[other_level], level))
        notes.append(
            f"{int(other_level.sum())} regels van een ander niveau dan {LEVEL_NAMES[level]} genegeerd "
            f"(bijvoorbeeld {codes[other_level].iloc[0]})."
        )
    keep &= ~other_level
    frame, codes = frame[keep], codes[keep]

    year_column = find_column(frame.columns, YEAR_CANDIDATES)
    frame, codes = _select_year(frame, codes, name, year_column, year, notes)
    frame, codes, value_columns = _pivot_indicators(frame, codes, name, key_column)

    def row_label(index):  # as the user finds the row: 'regel 7 (BU03440111)'; the reader's index skips blanks
        return str(codes[index]) if value_columns is not None else f"{word} {first + index} ({codes[index]})"

    _refuse_duplicates(codes, name, key_column, year_column)

    excluded = {key_column, year_column, recs_column} - {None}
    available = value_columns if value_columns is not None else [c for c in frame.columns if c not in excluded]
    chosen, spelled = _chosen_fields(available, fields, name)
    columns, values = convert_columns(frame, chosen, name, row_label, zeros_as_missing, notes, warnings)
    columns = [(f"{prefix}{spelled.get(column, column)}", kind) for column, kind in columns]
    rows = dict(zip(codes.tolist(), zip(*values))) if values else {c: () for c in codes}
    gemeenten = {gemeente_of(code) for code in rows} - {None}
    return PreparedTable(columns, rows, key_column, year_column, notes, warnings, gemeenten)


def not_cbs_codes(name, key_column, raw):
    """Dutch message: the code column holds no CBS area code at all (a gemeente's own gebiedscodes)."""
    examples = ", ".join(f"'{v}'" for v in pd.unique(raw.astype(str).str.strip())[:3])
    return (
        f"Tabel '{name}': kolom '{key_column}' heeft geen CBS-gebiedscodes (BU + 8 tekens voor een buurt, WK + 6 "
        f"voor een wijk, GM + 4 voor een gemeente) maar waarden als {examples}. Zijn het de eigen gebiedscodes van "
        "een gemeente (zoals Amsterdam ze heeft)? Gebruik een tabel met CBS-buurtcodes, of kies bij 'Codekolom in "
        "de tabel' een kolom met CBS-codes."
    )


def _codes(frame, name, key_column, level, gemeente, notes):
    """Normalised codes; codes without their gemeente part completed from a gemeente column or the layer."""
    raw = frame[key_column].astype(str)
    spaced = raw.str.strip().str.contains(r"\s", regex=True)
    if spaced.any():
        example = raw[spaced].iloc[0].strip()
        notes.append(
            f"Tabel '{name}': {int(spaced.sum())} codes in kolom '{key_column}' met een spatie erin (zoals "
            f"'{example}') gelezen zonder spatie ({normalise_code(example, level)})."
        )
    short_values = {value for value in pd.unique(raw) if len(value) < 12 and short_code(value, level) is not None}
    short = raw.isin(short_values)
    if not short.any():
        return _normalise_column(raw, level)
    gemeente = gemeente() if callable(gemeente) else gemeente  # the layer is read for it only now
    if gemeente == NO_GEMEENTE:  # the layer's codes are just as short
        return _normalise_column(raw, level)
    gemeente_column = find_column([c for c in frame.columns if c != key_column], GEMEENTE_FIELD_CANDIDATES)
    example = raw[short].iloc[0].strip()
    if gemeente_column is not None:
        completed = [complete_code(v, g, level) for v, g in zip(raw, frame[gemeente_column].astype(str))]
        notes.append(
            f"Tabel '{name}': {int(short.sum())} codes zonder gemeentedeel (zoals '{example}') aangevuld met de "
            f"gemeente uit kolom '{gemeente_column}'."
        )
        return pd.Series(completed, index=frame.index, dtype=object)
    if gemeente is None:
        raise VeerkrachtError(
            f"Tabel '{name}': codes in kolom '{key_column}' zoals '{example}' missen het gemeentedeel "
            f"({LEVEL_NAMES[level]}code = {level} + 4 cijfers gemeente + {LEVELS[level] - 4} cijfers). De laag "
            "ligt niet in één gemeente en heeft geen gemeentecodeveld, dus ze kunnen niet aangevuld worden. Voeg "
            f"een kolom gemeentecode toe aan de tabel, of schrijf de codes voluit (bijvoorbeeld {level}0758{example})."
        )
    notes.append(
        f"Tabel '{name}': {int(short.sum())} codes zonder gemeentedeel (zoals '{example}') aangevuld met "
        f"gemeente {gemeente}: {complete_code(example, gemeente, level)}."
    )
    return raw.map(lambda value: complete_code(value, gemeente, level))


def level_mismatch(name, key_column, codes, level):
    """Dutch message: the table's codes are of another level than the layer's, and what to do."""
    codes = codes.drop_duplicates()
    counts = codes.map(code_level).value_counts()
    found = ", ".join(
        f"{LEVEL_NAMES[lvl]} ({int(n)} codes, zoals {codes[codes.map(code_level) == lvl].iloc[0]})"
        for lvl, n in counts.items()
    )
    table_level = counts.index[0]
    if table_level == "WK" and level == "BU":
        todo = "Koppel deze tabel aan een wijklaag (CBS Wijk- en buurtkaart, laag 'wijken'), of gebruik een tabel met buurtcodes."
    elif table_level == "BU" and level == "WK":
        todo = "Koppel deze tabel aan een buurtlaag (laag 'buurten'), of tel de buurtcijfers eerst op per wijk."
    else:
        todo = f"Gebruik een laag op {LEVEL_NAMES[table_level]}niveau, of een tabel met {LEVEL_NAMES[level]}codes."
    return (
        f"Tabel '{name}' heeft in kolom '{key_column}' alleen codes op ander niveau: {found}; de laag is op "
        f"{LEVEL_NAMES[level]}niveau ({level}-codes). {todo}"
    )


def _key_column(frame, name, key_column):
    if key_column:
        found = find_column(frame.columns, [key_column])
        if found is None:
            raise VeerkrachtError(
                f"Tabel '{name}': codekolom '{key_column}' bestaat niet. {column_list(frame.columns, key_column)}"
            )
        return found
    found = find_column(frame.columns, TABLE_KEY_CANDIDATES)
    if found is None:
        raise VeerkrachtError(
            f"Tabel '{name}': geen codekolom herkend (gezocht: {', '.join(TABLE_KEY_CANDIDATES)}). "
            f"Kies de kolom zelf. {column_list(frame.columns, key_column)}"
        )
    return found


def _normalise_column(column, level):
    unique = pd.unique(column.astype(str))
    mapping = {value: normalise_code(value, level) for value in unique}
    return column.astype(str).map(mapping)


def _select_year(frame, codes, name, year_column, year, notes):
    if year_column is None:
        if year not in (None, ""):
            notes.append(f"Jaar {year} opgegeven, maar tabel '{name}' heeft geen jaarkolom: alle regels gebruikt.")
        return frame, codes
    years = pd.to_numeric(frame[year_column], errors="coerce")  # 2024; else '2024JJ00' (StatLine) and the like
    if years.isna().any():
        years = pd.to_numeric(frame[year_column].astype(str).str.strip().str[:4], errors="coerce")
    found = sorted(int(y) for y in years.dropna().unique())
    listed = ", ".join(map(str, found)) if found else "geen (de kolom is leeg of bevat geen jaartallen)"
    if year in (None, ""):
        if len(found) > 1 and codes.duplicated().any():
            raise VeerkrachtError(
                f"Tabel '{name}' is een lange tabel (één regel per gebied en jaar in kolom '{year_column}'); "
                f"kies een jaar. Gevonden jaren: {listed}."
            )
        return frame, codes
    year = int(year)
    if year not in found:
        raise VeerkrachtError(
            f"Tabel '{name}': jaar {year} komt niet voor in kolom '{year_column}'. Gevonden jaren: {listed}."
        )
    chosen = (years == year).to_numpy()
    notes.append(f"Jaar {year} genomen uit kolom '{year_column}' ({int(chosen.sum())} regels).")
    return frame[chosen], codes[chosen]


def _pivot_indicators(frame, codes, name, key_column):
    """Long tables with an indicator and a value column become one column per indicator."""
    indicator = find_column(frame.columns, INDICATOR_COLUMNS)
    value = find_column(frame.columns, VALUE_COLUMNS)
    if indicator is None or value is None:
        return frame, codes, None
    long = pd.DataFrame(
        {
            "code": codes.to_numpy(),
            "indicator": frame[indicator].astype(str).str.strip().to_numpy(),
            "value": frame[value].to_numpy(),
        }
    )
    doubled = long.duplicated(["code", "indicator"])
    if doubled.any():
        first = long[doubled].iloc[0]
        raise VeerkrachtError(
            f"Tabel '{name}': code {first['code']} heeft indicator '{first['indicator']}' meer dan eens "
            "(kies een jaar, of ontdubbel de tabel)."
        )
    wide = long.pivot(index="code", columns="indicator", values="value").fillna("")
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index(drop=True), pd.Series(wide.index, dtype=object), list(wide.columns)


def _refuse_duplicates(codes, name, key_column, year_column):
    doubled = codes[codes.duplicated(keep=False)]
    if doubled.empty:
        return
    examples = ", ".join(pd.unique(doubled)[:5])
    hint = f" Kies een jaar (kolom '{year_column}')." if year_column else ""
    raise VeerkrachtError(f"Tabel '{name}': codes komen meer dan eens voor in kolom '{key_column}': {examples}.{hint}")


def _chosen_fields(available, fields, name):
    """(the table's columns, {column: the name asked for}): 'AFW' in the table gives a field named 'afw' when
    'afw' was asked for, so the steps after the join find it."""
    if not fields:
        return list(available), {}
    lookup = {str(c).lower(): c for c in available}
    chosen, spelled = [], {}
    for wanted in fields:
        if str(wanted).lower() not in lookup:
            raise VeerkrachtError(f"Tabel '{name}': kolom '{wanted}' bestaat niet. {column_list(available, wanted)}")
        chosen.append(lookup[str(wanted).lower()])
        spelled[chosen[-1]] = wanted
    return chosen, spelled
