"""A table's chosen columns as the join writes them: numbers read by ``numbers``, and everything the user must
know about how they were read said in the log (notes) or as a warning: CBS' symbols, text among numbers, zeros
that look like missing values, formulas without a value. No Qt here."""

import functools

import numpy as np
import pandas as pd

from . import VeerkrachtError
from .numbers import COUNTED_MARKERS, MISSING_MARKERS, NIHIL, parse_numbers, table_uses_decimal_comma
from .zeros import INHABITANT_COLUMNS, is_never_zero_column, is_share_column, suspect_zeros


def is_code_column(name):
    """Code columns stay text, so 0344 keeps its zero."""
    name = str(name).lower()
    return "code" in name or name.startswith("gwb_")


def clean_text(column):
    """A text column with the missing markers as None."""
    text = column.astype(str).str.strip()
    return text.mask(text.isin(MISSING_MARKERS) | (text == NIHIL), None)


def convert_columns(frame, chosen, name, row_label, zeros_as_missing, notes, warnings):
    """([(column, 'int'|'float'|'text')], [list of values per column]); what the user must know goes to
    ``notes`` (log) or ``warnings``. ``row_label(index)`` names a row ('regel 7 (BU03440111)')."""
    typed = frame.attrs.get("typed_columns", set())
    delimiter = frame.attrs.get("delimiter")
    comma = functools.lru_cache(maxsize=None)(  # asked only for an ambiguous column: reading it all is not free
        lambda: table_uses_decimal_comma(frame, [c for c in frame.columns if not is_code_column(c)])
    )
    inhabitants = _inhabitants(frame, typed, comma, delimiter)
    columns, values = [], []
    for column in chosen:
        parsed = (
            None if is_code_column(column) else parse_numbers(frame[column], column, column in typed, comma, delimiter)
        )
        if column in frame.attrs.get("formulas", {}):
            raise VeerkrachtError(frame.attrs["formulas"][column])
        if parsed is None or parsed.values is None:
            columns.append((column, "text"))
            values.append(clean_text(frame[column]).tolist())
            if parsed is not None:
                _say_text_among_numbers(frame[column], name, column, warnings)
            continue
        numbers = parsed.values
        if parsed.note:
            (notes if comma() else warnings).append(f"Tabel '{name}', kolom '{column}': {parsed.note}")
        _say_symbols(parsed, name, column, row_label, notes, warnings)
        if parsed.bad:
            shown = ", ".join(f"{row_label(index)} '{text}'" for index, text in parsed.bad[:5])
            more = f" en {len(parsed.bad) - 5} meer" if len(parsed.bad) > 5 else ""
            warnings.append(
                f"Tabel '{name}', kolom '{column}': {len(parsed.bad)} waarden zijn geen getal en zijn als "
                f"ontbrekend gelezen: {shown}{more}."
            )
        zeros = suspect_zeros(numbers, inhabitants, is_share_column(column), is_never_zero_column(column))
        if zeros is not None:
            mask, reason = zeros
            others = numbers[numbers > 0]
            shown = ", ".join(row_label(index) for index in mask[mask].index[:5])
            what = (
                "zijn als ontbrekend gelezen (nullen als ontbrekend)."
                if zeros_as_missing
                else "Zijn het ontbrekende waarden, kies dan 'Nullen die ontbrekend lijken als ontbrekend lezen'."
            )
            warnings.append(
                f"Tabel '{name}', kolom '{column}': {int(mask.sum())} waarden zijn precies 0, {reason} (kleinste "
                f"andere waarde {others.min():g}, mediaan {others.median():g}); bijvoorbeeld {shown}. CBS schrijft "
                f"'.' voor ontbrekend en een Excel-export maakt daar vaak 0 van. Deze nullen {what}"
            )
            if zeros_as_missing:
                numbers = numbers.mask(mask)
        columns.append((column, _kind(numbers)))
        values.append(_python_values(numbers, columns[-1][1]))
    return columns, values


def _say_symbols(parsed, name, column, row_label, notes, warnings):
    """What CBS' symbols and the user's own marks became, in the log (``.``, ``x``, ``-``, ``%``) or as a warning
    (``?``, ``n.v.t.``, ``<5``: a buurt without a figure where the user may expect one)."""
    where = f"Tabel '{name}', kolom '{column}'"
    if parsed.nihil:
        notes.append(f"{where}: {_count(parsed.nihil)} '-' gelezen als 0 (CBS: nihil, er is niets).")
    for marker, count in parsed.markers.items():
        notes.append(f"{where}: {_count(count)} '{marker}' ({COUNTED_MARKERS[marker]}) als leeg gelezen.")
    if parsed.percent:
        notes.append(f"{where}: {_count(parsed.percent)} met een '%' gelezen als het getal ervoor (35% -> 35).")
    if parsed.symbols:
        kinds = pd.Series([text for _, text in parsed.symbols]).value_counts()
        listed = ", ".join(f"'{text}' {count}x" for text, count in kinds.items())
        shown = ", ".join(f"{row_label(index)} '{text}'" for index, text in parsed.symbols[:5])
        more = f" en {len(parsed.symbols) - 5} meer" if len(parsed.symbols) > 5 else ""
        warnings.append(
            f"{where}: {_count(len(parsed.symbols))} zijn geen cijfer maar een symbool ({listed}) en zijn als "
            f"ontbrekend gelezen: {shown}{more}. Die buurten krijgen klasse 0 op de kaarten met deze kolom."
        )


def _say_text_among_numbers(column, name, title, warnings):
    """A column taken as text although a good part of it are numbers: said, never silent."""
    text = clean_text(column).dropna()
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    if len(text) and numbers.notna().sum() >= max(1, 0.3 * len(text)):
        examples = ", ".join(f"'{v}'" for v in pd.unique(text[numbers.isna()])[:3])
        warnings.append(
            f"Tabel '{name}', kolom '{title}' is als tekst overgenomen: {int(numbers.isna().sum())} van {len(text)} "
            f"waarden zijn geen getal (zoals {examples}). Is het een getallenkolom, maak die cellen dan leeg of '.'."
        )


def _count(n):
    return f"{n} waarde" if n == 1 else f"{n} waarden"


def _inhabitants(frame, typed, comma, delimiter):
    lower = {str(c).lower(): c for c in frame.columns}
    for candidate in INHABITANT_COLUMNS:
        if candidate in lower:
            column = lower[candidate]
            return parse_numbers(frame[column], column, column in typed, comma, delimiter).values
    return None


def _kind(numbers):
    present = numbers.dropna()
    if len(present) and np.all(np.mod(present, 1) == 0) and present.abs().max() < 2**53:
        return "int"
    return "float"


def _python_values(numbers, kind):
    if kind == "int":
        return [None if v != v else int(v) for v in numbers.tolist()]
    return [None if v != v else v for v in numbers.tolist()]
