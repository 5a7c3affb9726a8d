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
- CBS' symbols: ``-`` is *nihil* and reads as 0 (counted in ``ParsedNumbers.nihil``); ``.`` (unknown or
  secret) and ``x`` (secret) are missing and counted in ``ParsedNumbers.markers``; ``?``, ``n.v.t.``, ``<5``,
  ``geheim``, ``*`` are missing and listed in ``ParsedNumbers.symbols``. None of them makes a column text.
- ``35%`` and ``12,5 %`` are the number shown (35, 12.5); ``1 810`` (a space, also a non-breaking one, between
  groups of three digits) is 1810.
- A column with some other text among many numbers stays numeric when at most ``MAX_TEXT_SHARE`` of its values
  are text; those values become missing and are listed in ``bad`` as well.
"""

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MISSING_MARKERS = {
    "",
    ".",
    "x",
    "X",
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
NIHIL = "-"  # CBS: nihil, i.e. 0
COUNTED_MARKERS = {".": "CBS: cijfer onbekend of geheim", "x": "CBS: geheim", "X": "CBS: geheim"}
# Missing too, and named in a warning: symbols of CBS and of users' own tables for 'no figure'.
SYMBOLS = {"?", "n.v.t.", "n.v.t", "nvt", "geheim", "*", "**", "onbekend", "n.b.", "nb", "--"}
_BELOW = re.compile(r"^<\s*\d+$")  # '<5': fewer than five, kept secret
_SPACED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$")
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
    symbols: list = field(default_factory=list)  # [(index, text)] of CBS symbols read as missing
    markers: dict = field(default_factory=dict)  # {'.' or 'x': count} read as missing
    nihil: int = 0  # cells '-' read as 0
    percent: int = 0  # cells '35%' read as 35


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
    counted = text[text.isin(COUNTED_MARKERS)]
    found = {"markers": {k: int(v) for k, v in counted.value_counts().items()}} if len(counted) else {}
    quick = _plain_numbers(text, typed)
    if quick is None or quick is _TEXT:  # only then can symbols be what stands in the way: look for them
        text, symbols = _symbols(text)
        found.update(symbols)
        quick = _plain_numbers(text, typed) if symbols else quick
    if quick is _TEXT:
        return ParsedNumbers(None)
    if quick is not None:
        return ParsedNumbers(quick, **found)
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
    return ParsedNumbers(numbers, bad, note, **found)


def _symbols(text):
    """(text with CBS' symbols resolved, what was found): '-' -> '0', '35%' -> '35', '1 810' -> '1810';
    '?', 'n.v.t.', '<5' ... -> '' (listed)."""
    found = {}
    nihil = text == NIHIL
    if nihil.any():
        found["nihil"] = int(nihil.sum())
        text = text.mask(nihil, "0")
    special = text.str.contains(r"[%<?*\s\u00a0\u202f]|^[a-zA-Z]", regex=True)
    if not special.any():
        return text, found
    candidates = text[special]
    symbol = candidates.str.lower().isin(SYMBOLS) | candidates.str.match(_BELOW)
    if symbol.any():
        found["symbols"] = list(candidates[symbol].items())
        text = text.mask(symbol.reindex(text.index, fill_value=False), "")
    percent = candidates[~symbol].str.match(r"^[+-]?[\d.,]+\s*%$")
    if percent.any():
        found["percent"] = int(percent.sum())
        stripped = candidates[~symbol][percent].str.rstrip("%").str.strip()
        text = text.mask(text.index.isin(stripped.index), stripped.reindex(text.index))
    spaced = candidates[~symbol].str.match(_SPACED_THOUSANDS)
    if spaced.any():
        joined = candidates[~symbol][spaced].str.replace(r"[ \u00a0\u202f]", "", regex=True)
        text = text.mask(text.index.isin(joined.index), joined.reindex(text.index))
    return text, found


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
