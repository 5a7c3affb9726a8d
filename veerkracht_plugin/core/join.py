"""Turn a user's table into one row per area code, ready to join: level rows dropped, the right year
taken, long indicator tables pivoted, duplicates refused, numbers recognised."""

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import VeerkrachtError
from .codes import LEVEL_NAMES, code_level, normalise_code
from .tables import clean_text, is_code_column, to_number

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
    """One row per normalised code: ``columns`` are (output name, 'int'|'float'|'text')."""

    columns: list
    rows: dict
    key_column: str
    year_column: str = None
    notes: list = field(default_factory=list)


def prepare_table(frame, name, level="BU", key_column=None, year=None, fields=None, prefix=""):
    """Everything the join needs from a table read by ``tables.read_table``."""
    notes = []
    key_column = _key_column(frame, name, key_column)
    codes = _normalise_column(frame[key_column], level)

    keep = codes.notna()
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} regels zonder code in kolom '{key_column}' overgeslagen.")
    levels = codes.map(code_level)
    other_level = keep & (levels != level)
    recs_column = find_column(frame.columns, [LEVEL_COLUMN])
    if recs_column is not None:
        recs = frame[recs_column].astype(str).str.strip().str.lower()
        other_level |= keep & recs.isin(set(RECS_BY_LEVEL.values()) - {RECS_BY_LEVEL[level]})
    if other_level.any():
        notes.append(
            f"{int(other_level.sum())} regels van een ander niveau dan {LEVEL_NAMES[level]} genegeerd "
            f"(bijvoorbeeld {codes[other_level].iloc[0]})."
        )
    keep &= ~other_level
    frame, codes = frame[keep], codes[keep]

    year_column = find_column(frame.columns, YEAR_CANDIDATES)
    frame, codes = _select_year(frame, codes, name, key_column, year_column, year, notes)
    frame, codes, value_columns = _pivot_indicators(frame, codes, name, key_column)
    _refuse_duplicates(codes, name, key_column, year_column)

    excluded = {key_column, year_column, recs_column} - {None}
    available = value_columns if value_columns is not None else [c for c in frame.columns if c not in excluded]
    chosen = _chosen_fields(available, fields, name)
    columns, values = [], []
    for column in chosen:
        if is_code_column(column):
            kind, converted = "text", clean_text(frame[column]).tolist()
        else:
            kind, converted = _convert(frame[column])
        columns.append((f"{prefix}{column}", kind))
        values.append(converted)
    rows = dict(zip(codes.tolist(), zip(*values))) if values else {c: () for c in codes}
    return PreparedTable(columns, rows, key_column, year_column, notes)


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


def _select_year(frame, codes, name, key_column, year_column, year, notes):
    if year_column is None:
        if year not in (None, ""):
            notes.append(f"Jaar {year} opgegeven, maar tabel '{name}' heeft geen jaarkolom: alle regels gebruikt.")
        return frame, codes
    years = pd.to_numeric(frame[year_column].astype(str).str.strip().str[:4], errors="coerce")
    found = sorted(int(y) for y in years.dropna().unique())
    if year in (None, ""):
        if len(found) > 1 and codes.duplicated().any():
            raise VeerkrachtError(
                f"Tabel '{name}' is een lange tabel (één regel per gebied en jaar in kolom '{year_column}'); "
                f"kies een jaar. Gevonden jaren: {', '.join(map(str, found))}."
            )
        return frame, codes
    year = int(year)
    if year not in found:
        raise VeerkrachtError(
            f"Tabel '{name}': jaar {year} komt niet voor in kolom '{year_column}'. "
            f"Gevonden jaren: {', '.join(map(str, found))}."
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
    if not fields:
        return list(available)
    lookup = {str(c).lower(): c for c in available}
    chosen = []
    for wanted in fields:
        if str(wanted).lower() not in lookup:
            raise VeerkrachtError(f"Tabel '{name}': kolom '{wanted}' bestaat niet. {column_list(available, wanted)}")
        chosen.append(lookup[str(wanted).lower()])
    return chosen


def _convert(column):
    """('int' | 'float' | 'text', list of Python values with None for missing)."""
    numbers = to_number(column)
    if numbers is None:
        return "text", clean_text(column).tolist()
    values = numbers.tolist()
    present = numbers.dropna()
    if len(present) and np.all(np.mod(present, 1) == 0) and present.abs().max() < 2**53:
        return "int", [None if v != v else int(v) for v in values]
    return "float", [None if v != v else v for v in values]
