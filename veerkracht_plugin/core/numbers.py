"""Numbers as users write them: decimal comma or point, dots or commas as thousands separators, CBS' missing
markers, and text that only looks like a number (``inf``, ``NaN``, ``1e400``). No Qt here.

How a column of text is read (``parse_numbers``), so that anyone can predict it:

- Typed cells (a spreadsheet number, a numeric field of a layer) are numbers as they are.
- A value with both marks (``12.345,6`` or ``12,345.6``) says it: the last mark is the decimal mark.
- A column with a comma in a number (``12,5``) uses a decimal comma; its dots are thousands separators, and a
  dotted value that cannot be one (``2.5`` among ``12,5``) is not read (reported in ``bad``).
- A column with a dot that cannot be a thousands separator (``2.5``, ``0.123``, ``4.14576``) uses a decimal point.
- *Ambiguous*: every dotted value looks like ``1.234`` (1-3 digits, then groups of three) and no value has a comma.
  Read as thousands when another column of the table uses a decimal comma, or the file is separated by ``;``
  (Dutch Excel), or every undotted value is a whole number below 1000 (the numbers that needed a separator got
  one); read as decimals when the file is separated by ``,`` and otherwise. ``ParsedNumbers.note`` says how
  it was read; the caller logs it with the column's name.
- ``inf``, ``-Infinity``, ``NaN`` as text and numbers too large for a float (``1e400``) are not numbers: they
  become missing and are listed in ``ParsedNumbers.bad`` with their row, so the caller can name them.
- A column with some text among many numbers (``n.v.t.``, ``<5``) stays numeric when at most
  ``MAX_TEXT_SHARE`` of its values are text; those values become missing and are listed in ``bad`` as well.
"""

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .zeros import INHABITANT_COLUMNS, is_share_column, suspect_zeros

MISSING_MARKERS = {
    "",
    ".",
    "x",
    "X",
    "-",
    "nan",
    "NaN",
    "NULL",
    "null",
    "None",
    "-99991",
    "-99995",
    "-99997",
    "-99998",
    "-99999999",
    "-99991.0",
    "-99995.0",
    "-99997.0",
    "-99998.0",
    "-99999999.0",
}
# CBS: -99995 published in a later version, -99997 secret, -99991 no longer published, -99998 (some editions)
MISSING_NUMBERS = (-99991, -99995, -99997, -99998, -99999999)
# Read as missing silently in a number column; 'nan'/'NaN' are reported (they are often a broken export).
QUIET_MARKERS = MISSING_MARKERS - {"nan", "NaN"}
MAX_TEXT_SHARE = 0.2
THOUSANDS_EVIDENCE_BELOW = 1000

TEXT_SAMPLE = 50  # a column whose first 50 values have nothing of a number is text
_TEXT = "text"
_NUMBER_LIKE = re.compile(r"^[+-]?(\d|[.,]\d|nan$|inf)", re.IGNORECASE)
_NOT_A_NUMBER = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
_THOUSANDS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+$")
_POINT_DECIMAL_WITH_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EXPONENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")


@dataclass
class ParsedNumbers:
    """``values``: floats (NaN = missing), or None when the column is text. ``bad``: [(index, text)]."""

    values: pd.Series = None
    bad: list = field(default_factory=list)
    note: str = None


def table_uses_decimal_comma(frame, columns=None):
    """True when some value of the table is a number written with a decimal comma (``12,5``)."""
    for column in columns if columns is not None else frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        sample = values[values.astype(str).str.contains(",", regex=False)].head(200).astype(str).str.strip()
        if len(sample) and sample.str.match(_COMMA_DECIMAL).any():
            return True
    return False


def parse_numbers(column, name="", typed=False, decimal_comma_table=False, delimiter=None):
    """The column as numbers, following the rules in the module docstring. ``decimal_comma_table``: whether
    another column uses a decimal comma, or a function that tells (asked only for an ambiguous column)."""
    if pd.api.types.is_numeric_dtype(column):
        numbers = column.astype(float)
        bad = [(index, str(value)) for index, value in numbers[np.isinf(numbers)].items()]
        numbers = numbers.mask(numbers.isin(MISSING_NUMBERS) | np.isinf(numbers))
        return ParsedNumbers(numbers, bad)
    text = column.astype(str).str.strip()
    quick = _plain_numbers(text, typed)
    if quick is _TEXT:
        return ParsedNumbers(None)
    if quick is not None:
        return ParsedNumbers(quick)
    not_a_number = text.str.match(_NOT_A_NUMBER)
    text = text.mask(text.isin(QUIET_MARKERS) | not_a_number)
    present = text.notna()
    if not present.any():
        bad = [(index, column[index]) for index in not_a_number[not_a_number].index]
        return ParsedNumbers(pd.Series(np.nan, index=column.index, dtype=float), bad)

    note = None
    if typed:
        normalised = text
    else:
        normalised, note = _normalise(text[present], name, decimal_comma_table, delimiter)
    numbers = pd.to_numeric(normalised, errors="coerce").reindex(column.index)
    unreadable = present & numbers.isna()
    if unreadable.any():  # pandas gives NaN where Python gives inf (1e400): keep the overflow visible as such
        candidates = normalised.reindex(column.index)[unreadable]
        candidates = candidates[candidates.str.match(_EXPONENT)]
        numbers = numbers.fillna(candidates.map(_python_float))
        unreadable = present & numbers.isna()
    if unreadable.sum() > MAX_TEXT_SHARE * present.sum() or unreadable.sum() == present.sum():
        return ParsedNumbers(None)
    overflow = np.isinf(numbers)
    numbers = numbers.mask(overflow | numbers.isin(MISSING_NUMBERS)).astype(float)
    reported = not_a_number | unreadable | overflow
    bad = [(index, str(column[index]).strip()) for index in reported[reported].index]
    return ParsedNumbers(numbers, bad, note)


def _plain_numbers(text, typed):
    """The common case, cheaply: every value a finite number with a decimal point (or none) or a quiet
    marker, and not a column whose every dotted value could be a thousands separator. ``_TEXT`` when the first
    ``TEXT_SAMPLE`` values have nothing of a number (a name column); else None (the full rules decide)."""
    masked = text.mask(text.isin(QUIET_MARKERS))
    numbers = pd.to_numeric(masked, errors="coerce")
    present = masked.notna()
    if (numbers.notna() != present).any() or np.isinf(numbers).any():
        return _TEXT if not masked[present].head(TEXT_SAMPLE).str.match(_NUMBER_LIKE).any() else None
    if not typed:
        dotted = False
        for value in masked[present]:
            if "." in value:
                if not _THOUSANDS_DOT.match(value):
                    dotted = False
                    break
                dotted = True
        if dotted:
            return None  # only 1.234-shaped values: the full rules decide
    return numbers.mask(numbers.isin(MISSING_NUMBERS)).astype(float)


def _python_float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return np.nan


def _normalise(text, name, decimal_comma_table, delimiter):
    """(text with '.' as decimal mark and no separators, note on an ambiguous reading or None)."""
    has_comma = text.str.contains(",", regex=False)
    has_dot = text.str.contains(".", regex=False)
    exponent = text.str.match(_EXPONENT) if has_dot.any() or text.str.contains("e", case=False).any() else None
    if exponent is not None and exponent.any():
        plain = text[~exponent]
        normalised, note = _normalise(plain, name, decimal_comma_table, delimiter) if len(plain) else (plain, None)
        return pd.concat([normalised, text[exponent]]).reindex(text.index), note
    if has_comma.any():
        point_style = text[has_comma].str.match(_POINT_DECIMAL_WITH_COMMAS) & text[has_comma].str.contains(
            ".", regex=False
        )
        if point_style.all():  # 12,345.6: commas separate thousands
            return text.str.replace(",", "", regex=False), None
        dotted = has_dot & ~has_comma
        wrong = dotted & ~text.str.match(_THOUSANDS_DOT)  # 2.5 among 12,5: no reading is safe
        text = text.mask(wrong, "?" + text)
        return text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False), None
    if not has_dot.any():
        return text, None
    dotted = text[has_dot]
    if not dotted.str.match(_THOUSANDS_DOT).all():
        return text, None  # 2.5 or 4.14576: a decimal point
    as_thousands, reason = _ambiguous_reading(text[~has_dot], decimal_comma_table, delimiter)
    example = dotted.iloc[0]
    if as_thousands:
        value = example.replace(".", "")
        note = (
            f"waarden als '{example}' zijn gelezen als {value} (punt als duizendtalscheiding), omdat {reason}. "
            f"Is de punt hier een decimaalteken? Schrijf de getallen dan met een decimale komma ({example.replace('.', ',')})."
        )
        return text.str.replace(".", "", regex=False), note
    note = (
        f"waarden als '{example}' zijn gelezen als {example} (punt als decimaalteken), omdat {reason}. "
        f"Zijn het duizendtallen? Verwijder dan de punten ({example.replace('.', '')})."
    )
    return text, note


def _ambiguous_reading(undotted, decimal_comma_table, delimiter):
    """(read dots as thousands?, reason in Dutch) for a column of only 1.234-shaped dotted values."""
    if decimal_comma_table() if callable(decimal_comma_table) else decimal_comma_table:
        return True, "de tabel elders een decimale komma gebruikt"
    if delimiter == ";":
        return True, "het bestand ';' als scheidingsteken heeft (Nederlandse notatie)"
    if delimiter == ",":
        return False, "het bestand ',' als scheidingsteken heeft (Engelse notatie)"
    numbers = pd.to_numeric(undotted, errors="coerce")
    if len(numbers) and numbers.notna().all() and (numbers.abs() < THOUSANDS_EVIDENCE_BELOW).all():
        return True, f"alle waarden zonder punt gehele getallen onder {THOUSANDS_EVIDENCE_BELOW} zijn"
    return False, "niets in de tabel op duizendtallen wijst"


# ---- a table's chosen columns as the join writes them ----


def is_code_column(name):
    """Code columns stay text, so 0344 keeps its zero."""
    name = str(name).lower()
    return "code" in name or name.startswith("gwb_")


def clean_text(column):
    """A text column with the missing markers as None."""
    text = column.astype(str).str.strip()
    return text.mask(text.isin(MISSING_MARKERS), None)


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
        if parsed is None or parsed.values is None:
            columns.append((column, "text"))
            values.append(clean_text(frame[column]).tolist())
            continue
        numbers = parsed.values
        if parsed.note:
            (notes if comma() else warnings).append(f"Tabel '{name}', kolom '{column}': {parsed.note}")
        if parsed.bad:
            shown = ", ".join(f"{row_label(index)} '{text}'" for index, text in parsed.bad[:5])
            more = f" en {len(parsed.bad) - 5} meer" if len(parsed.bad) > 5 else ""
            warnings.append(
                f"Tabel '{name}', kolom '{column}': {len(parsed.bad)} waarden zijn geen getal en zijn als "
                f"ontbrekend gelezen: {shown}{more}."
            )
        zeros = suspect_zeros(numbers, inhabitants, is_share_column(column))
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
