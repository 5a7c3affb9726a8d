"""Read users' tables as they come: CSV with ; or , and decimal commas, UTF-8 (BOM) or Windows-1252,
Excel/ODS with title rows above the header. Everything is read as text first, so codes keep their zeros."""

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import VeerkrachtError

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
    "-99995",
    "-99997",
    "-99999999",
    "-99995.0",
    "-99997.0",
    "-99999999.0",
}
MISSING_NUMBERS = (-99995, -99997, -99999999)
# Markers the CSV parser turns into NaN itself; the numeric ones are masked after parsing (cheaper).
TEXT_MARKERS = sorted(m for m in MISSING_MARKERS if m and not m.lstrip("-")[:1].isdigit())
HEADER_SEARCH_ROWS = 30
_DECIMAL_COMMA = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


def read_table(path, sheet=None):
    """The table in ``path`` as a DataFrame of strings (header row found), numbers not yet converted."""
    path = Path(path)
    if not path.is_file():
        raise VeerkrachtError(f"Tabel '{path}' bestaat niet.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_sheet(path, sheet)
    raise VeerkrachtError(
        f"Tabel '{path.name}': bestandstype '{suffix}' wordt niet gelezen; gebruik CSV, TXT, XLSX of ODS."
    )


def decode_text(path):
    """Text of a file in UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path):
    text = decode_text(path)
    sample_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    if not sample_lines:
        raise VeerkrachtError(f"Tabel '{path.name}' is leeg.")
    delimiter = _detect_delimiter(sample_lines)
    grid = list(csv.reader(sample_lines, delimiter=delimiter))
    header_row = find_header_row(grid, path.name)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        skiprows=header_row,
        header=0,
        skipinitialspace=True,
        on_bad_lines="error",
        engine="c",
    )
    return _clean_header(frame, path.name, header_row)


def _detect_delimiter(lines):
    """The candidate that splits the most lines into the same number (>1) of fields."""
    best, best_score = ",", -1
    for candidate in (";", ",", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate) if row]
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        score = counts.count(width) * (width > 1) * width
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_sheet(path, sheet):
    try:
        frame = pd.read_excel(path, sheet_name=sheet if sheet else 0, header=None, dtype=object)
    except ValueError as error:
        raise VeerkrachtError(f"Tabel '{path.name}': werkblad '{sheet}' niet gevonden ({error}).") from error
    except ImportError as error:
        raise VeerkrachtError(f"Tabel '{path.name}': kan dit bestandstype niet lezen: {error}") from error
    grid = frame.head(HEADER_SEARCH_ROWS).fillna("").astype(str).values.tolist()
    header_row = find_header_row(grid, path.name)
    header = [_cell_text(value) for value in frame.iloc[header_row]]
    body = frame.iloc[header_row + 1 :].reset_index(drop=True)
    body = body.apply(lambda column: column.map(_cell_text))
    body.columns = header
    return _clean_header(body, path.name, header_row)


def _cell_text(value):
    """Spreadsheet cell as text; 3440111.0 becomes '3440111' so integer codes survive."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def find_header_row(grid, name):
    """Index of the header: the first well-filled row whose cells are names, not numbers."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in grid]
    width = max(filled, default=0)
    if width < 2:
        raise VeerkrachtError(
            f"Tabel '{name}': geen kopregel met kolomnamen gevonden in de eerste {len(grid)} regels "
            "(minstens twee kolommen verwacht; klopt het scheidingsteken?)."
        )
    for index, row in enumerate(grid):
        if filled[index] < max(2, width // 2):
            continue
        cells = [str(cell).strip() for cell in row if str(cell).strip()]
        numeric = sum(1 for cell in cells if _looks_numeric(cell))
        if numeric > len(cells) // 2:
            raise VeerkrachtError(
                f"Tabel '{name}': regel {index + 1} lijkt gegevens te bevatten ({', '.join(cells[:4])}, ...), "
                "maar er staat geen kopregel met kolomnamen boven."
            )
        return index
    raise VeerkrachtError(f"Tabel '{name}': geen kopregel met kolomnamen gevonden.")


def _looks_numeric(text):
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def _clean_header(frame, name, header_row):
    columns = []
    for position, column in enumerate(frame.columns):
        column = str(column).strip()
        if not column or column.lower().startswith("unnamed:") or column == "nan":
            column = f"kolom_{position + 1}"
        columns.append(column)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise VeerkrachtError(
            f"Tabel '{name}': de kopregel (regel {header_row + 1}) heeft dubbele kolomnamen: {', '.join(duplicates)}."
        )
    frame.columns = columns
    frame.attrs["header_row"] = header_row
    return frame


def is_code_column(name):
    """Code columns stay text, so 0344 keeps its zero."""
    name = str(name).lower()
    return "code" in name or name.startswith("gwb_")


def to_number(column):
    """A column as numbers, or None when it holds text. Missing markers become NaN.

    Decimal commas (and dots as thousands separators) are read when every value is written that way.
    """
    if pd.api.types.is_numeric_dtype(column):
        numbers = column.astype(float)
        return numbers.mask(numbers.isin(MISSING_NUMBERS))
    text = column.astype(str).str.strip()
    text = text.mask(text.isin(MISSING_MARKERS))
    present = text.notna()
    if not present.any():
        return pd.Series(np.nan, index=column.index, dtype=float)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers[present].isna().any():
        values = text[present]
        if not values.str.match(_DECIMAL_COMMA).all():
            return None
        numbers = pd.to_numeric(
            text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False), errors="coerce"
        )
    return numbers.mask(numbers.isin(MISSING_NUMBERS)).astype(float)


def clean_text(column):
    """A text column with the missing markers as None."""
    text = column.astype(str).str.strip()
    return text.mask(text.isin(MISSING_MARKERS), None)
