"""Read users' tables as they come: CSV with ; , tab or | and decimal commas, UTF-8 (BOM), UTF-16 or
Windows-1252, Excel/ODS with title rows above the header, a workbook saved with a .csv name and the reverse.
Everything is read as text first, so codes keep their zeros. What a file really is (web page, password,
cut-off download) is told in ``formats``; ragged rows and mixed delimiters are refused here, naming the line."""

import csv
import io
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from . import VeerkrachtError
from .codes import INVISIBLE
from .formats import OLE_MAGIC, ZIP_MAGIC, decode_text, refuse_broken_zip, refuse_markup, refuse_ole
from .header import HEADER_SEARCH_ROWS, find_header, is_data
from .numbers import MISSING_MARKERS, MISSING_NUMBERS  # noqa: F401 (MISSING_NUMBERS: maps, vulnerability)
from .sheets import formula_message, read_xlsx

DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "';'", ",": "','", "\t": "tab", "|": "'|'"}
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


_READ = {}  # (path, size, mtime, sheet) -> frame, kept only inside ``reading_once``
_HOLDING = [0]
READ_CACHE_SIZE = 4


def read_table(path, sheet=None):
    """The table in ``path`` as a DataFrame of strings (header row found), numbers not yet converted.

    Inside ``reading_once`` a file read before and unchanged since (same size and modification time) is not
    parsed again: 'Veerkrachtkaarten maken' looks into each table for its years and then joins it up to twice.

    ``frame.attrs``: ``header_row`` (0-based), ``first_row`` (the line or row number of the first data row,
    1-based, as the user sees it in a text editor or spreadsheet), ``row_word`` ('regel' or 'rij'),
    ``delimiter`` (CSV), ``typed_columns`` (columns whose cells were all real numbers) and ``notes``.
    Every problem is a ``VeerkrachtError`` in Dutch that names the file: never a traceback.
    """
    path = Path(path)
    if not path.is_file():
        raise VeerkrachtError(f"Tabel '{path}' bestaat niet.")
    if not _HOLDING[0]:
        return _parse(path, sheet)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, sheet or None)
    if key not in _READ:
        while len(_READ) >= READ_CACHE_SIZE:
            _READ.pop(next(iter(_READ)))
        _READ[key] = _parse(path, sheet)
    frame = _READ[key].copy()
    frame.attrs = {k: list(v) if isinstance(v, list) else v for k, v in _READ[key].attrs.items()}
    return frame


@contextmanager
def reading_once():
    """While inside, ``read_table`` parses each unchanged file once; the tables are dropped when it ends."""
    _HOLDING[0] += 1
    try:
        yield
    finally:
        _HOLDING[0] -= 1
        if not _HOLDING[0]:
            _READ.clear()


def _parse(path, sheet):
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv") + SHEET_SUFFIXES:
        raise VeerkrachtError(
            f"Tabel '{path.name}': bestandstype '{suffix}' wordt niet gelezen; gebruik CSV, TXT, XLSX of ODS."
        )
    raw = path.read_bytes()  # every check and the parser work on these bytes: the file is read once
    if raw.startswith(ZIP_MAGIC):
        return _read_sheet(path, raw, sheet, note=_wrong_suffix_note(path, suffix, "een Excel- of ODS-bestand"))
    if raw.startswith(OLE_MAGIC):
        refuse_ole(path, raw)  # password-protected, or Excel 97-2003 without xlrd installed
        return _read_sheet(path, raw, sheet, note=_wrong_suffix_note(path, suffix, "een Excel 97-2003-bestand"))
    frame = _read_csv(path, raw)
    if suffix in SHEET_SUFFIXES:  # a sheet that is text: HTML from a website, or a renamed CSV
        frame.attrs["notes"].insert(0, f"Tabel '{path.name}' is geen {suffix}-bestand maar tekst; gelezen als CSV.")
    return frame


def _wrong_suffix_note(path, suffix, what):
    if suffix in SHEET_SUFFIXES:
        return None
    return f"Tabel '{path.name}' is geen CSV-bestand maar {what}; gelezen als werkblad."


def _read_csv(path, raw):
    text, encoding = decode_text(path, raw)
    refuse_markup(path, text)
    sample_lines = _first_lines(text, HEADER_SEARCH_ROWS)
    if not any(line.strip() for line in sample_lines):
        raise VeerkrachtError(f"Tabel '{path.name}' is leeg.")
    delimiter = _detect_delimiter(sample_lines)
    grid = list(csv.reader(sample_lines, delimiter=delimiter))
    _refuse_other_delimiter_header(path.name, grid, sample_lines, delimiter)
    header = find_header(grid, path.name)
    header_row = header.row
    # UTF-8 bytes without NA detection: pandas' fast path, the same text. The file's own bytes when they are
    # UTF-8 already: a national table is 10 MB, and its text need not stay beside them and the frame.
    data = io.BytesIO(raw if encoding == "UTF-8" else text.encode("utf-8"))
    del text
    try:
        frame = pd.read_csv(
            data,
            encoding="utf-8",
            sep=delimiter,
            dtype=object,  # without NA detection every cell is its text already: no conversion pass
            keep_default_na=False,
            na_filter=False,
            skiprows=header_row,
            header=0,
            skipinitialspace=True,
            skip_blank_lines=False,
            on_bad_lines="error",
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise VeerkrachtError(_ragged_message(path.name, error, delimiter, grid[header_row], data)) from error
    except (pd.errors.EmptyDataError, ValueError) as error:
        raise VeerkrachtError(f"Tabel '{path.name}' kan niet gelezen worden als CSV ({error}).") from error
    if not isinstance(frame.index, pd.RangeIndex):  # every data line one field longer than the header
        frame = _trailing_delimiter(frame, path.name, delimiter)
    frame = frame.iloc[header.skip :]
    if header.names:
        frame.columns = header.names[: frame.shape[1]] + list(frame.columns[len(header.names) :])
    empty = frame.to_numpy() == ""
    filled = ~empty.all(axis=1)
    if not filled.all():  # blank lines; the index keeps the line numbers
        frame, empty = frame[filled], empty[filled]
    _refuse_mixed_delimiters(path.name, frame, empty, delimiter, header_row)
    frame = _clean_header(frame, path.name, header_row)
    frame.attrs.update(first_row=header_row + 2, row_word="regel", delimiter=delimiter, typed_columns=set())
    if encoding not in ("UTF-8", "UTF-8 (met BOM)"):
        frame.attrs["notes"].append(f"Tabel '{path.name}' gelezen als {encoding}.")
    return frame


def _trailing_delimiter(frame, name, delimiter):
    """Data lines ending in a delimiter the header lacks ('a;b;c' over '1;2;3;'): pandas then takes the first
    column for the row index. The extra last field is dropped when it is empty in every line."""
    if (frame.iloc[:, -1] != "").any():
        raise VeerkrachtError(
            f"Tabel '{name}': de regels hebben een veld meer dan de kopregel ({frame.shape[1] + 1} tegen "
            f"{frame.shape[1]}, scheidingsteken {DELIMITER_NAMES[delimiter]}). Ontbreekt er een kolomnaam?"
        )
    values = [frame.index.to_numpy()] + [frame.iloc[:, i].to_numpy() for i in range(frame.shape[1] - 1)]
    return pd.DataFrame(dict(zip(frame.columns, values)), index=pd.RangeIndex(len(frame)), dtype=object)


def _first_lines(text, count):
    """``text.splitlines()[:count]`` without splitting the whole text (a national table has 50,000 lines)."""
    end = -1
    for _ in range(count + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:count]
    return text[: end + 1].splitlines()[:count]


def _detect_delimiter(lines):
    """The candidate that splits the most lines into the same number (>1) of fields."""
    best, best_score = ",", -1
    for candidate in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate) if len(row) > 1]
        if not counts:  # title lines have one field with every candidate: only the lines it splits count
            continue
        width = max(set(counts), key=counts.count)
        score = counts.count(width) * width
        if score > best_score:
            best, best_score = candidate, score
    return best


def _refuse_other_delimiter_header(name, grid, lines, delimiter):
    """A header line written with another delimiter than the data (one field with ours, the width with another)."""
    widths = [len([c for c in row if c.strip()]) for row in grid]
    width = max(widths, default=0)
    if width < 2:
        return
    first_full = next(i for i, w in enumerate(widths) if w >= max(2, width // 2))
    if first_full == 0 or widths[first_full - 1] != 1 or not is_data(grid[first_full]):
        return  # the first full line is a header of its own: the line above it is a title
    line = lines[first_full - 1]
    for other in DELIMITERS:
        if other != delimiter and len(next(csv.reader([line], delimiter=other))) == len(grid[first_full]):
            raise VeerkrachtError(
                f"Tabel '{name}' mengt scheidingstekens: regel {first_full} gebruikt {DELIMITER_NAMES[other]}, "
                f"de regels eronder {DELIMITER_NAMES[delimiter]}. Sla de tabel opnieuw op met één scheidingsteken."
            )


def _refuse_mixed_delimiters(name, frame, empty, delimiter, header_row):
    """Data lines that hold all their fields in the first column, split by another delimiter (``empty``: which
    cells of ``frame`` are '')."""
    if frame.shape[1] < 2:
        return
    alone = pd.Series(empty[:, 1:].all(axis=1), index=frame.index)
    first = frame.iloc[:, 0][alone]
    for other in DELIMITERS:
        if other == delimiter or first.empty:
            continue
        mixed = first.str.count(re.escape(other)) >= frame.shape[1] - 1
        if mixed.any():
            lines = [str(index + header_row + 2) for index in mixed[mixed].index[:5]]
            raise VeerkrachtError(
                f"Tabel '{name}' mengt scheidingstekens: de kopregel gebruikt {DELIMITER_NAMES[delimiter]}, "
                f"regel {', '.join(lines)}{' en meer' if mixed.sum() > 5 else ''} {DELIMITER_NAMES[other]}. "
                "Sla de tabel opnieuw op met één scheidingsteken."
            )


def _ragged_message(name, error, delimiter, header, data):
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if not match:
        return f"Tabel '{name}' kan niet gelezen worden als CSV: de regels hebben niet evenveel velden."
    expected, line, saw = match.groups()
    text = data.getvalue().decode("utf-8", errors="replace").splitlines()
    offending = text[int(line) - 1] if int(line) <= len(text) else ""
    hint = ""
    if delimiter == "," and re.search(r"\d,\d", offending):
        hint = " Staat er een getal met een decimale komma zonder aanhalingstekens (12,5)? Gebruik dan ';'."
    elif delimiter == ";":
        hint = " Staat er een ';' in een tekst zonder aanhalingstekens?"
    return (
        f"Tabel '{name}': regel {line} heeft {saw} velden, de kopregel {len(header)} "
        f"(scheidingsteken {DELIMITER_NAMES[delimiter]}).{hint}"
    )


def _read_sheet(path, raw, sheet, note=None):
    formulas, sheet_notes, percent = {}, [], {}
    if raw.startswith(ZIP_MAGIC):
        refuse_broken_zip(path, raw)
    try:
        if raw.startswith(ZIP_MAGIC) and _is_xlsx(raw):  # as Excel shows it: active sheet, percentages, formulas
            rows, sheet, sheet_notes, formulas, percent = read_xlsx(path, raw, sheet)
            frame = pd.DataFrame(rows, dtype=object)
        else:
            with pd.ExcelFile(io.BytesIO(raw)) as workbook:
                names = [str(n) for n in workbook.sheet_names]
                if sheet and sheet not in names:
                    raise VeerkrachtError(
                        f"Tabel '{path.name}': werkblad '{sheet}' niet gevonden. Werkbladen: {', '.join(names)}."
                    )
                frame = workbook.parse(sheet_name=sheet if sheet else 0, header=None, dtype=object)
                sheet = sheet or names[0]
    except VeerkrachtError:
        raise
    except Exception as error:  # noqa: BLE001 (every reader error becomes one Dutch message, no traceback)
        raise VeerkrachtError(
            f"Tabel '{path.name}' kan niet gelezen worden: het bestand is beschadigd of geen geldig Excel/ODS-"
            f"bestand ({type(error).__name__}). Open het in Excel of LibreOffice en sla het opnieuw op."
        ) from error
    if frame.empty or frame.isna().all().all():
        raise VeerkrachtError(f"Tabel '{path.name}': het werkblad is leeg.")
    grid = frame.head(HEADER_SEARCH_ROWS).fillna("").astype(str).values.tolist()
    header = find_header(grid, path.name)
    header_row = header.row
    names = header.names or [_cell_text(value) for value in frame.iloc[header_row]]
    body = frame.iloc[header_row + 1 + header.skip :].reset_index(drop=True)
    typed = [
        position
        for position in range(body.shape[1])
        if body.iloc[:, position].map(_is_number_cell).all() and body.iloc[:, position].notna().any()
    ]
    body = body.apply(lambda column: column.map(_cell_text))
    body.columns = names
    body = body[(body != "").any(axis=1)]
    frame = _clean_header(body, path.name, header_row)
    frame.attrs.update(
        first_row=header_row + 2 + header.skip,
        row_word="rij",
        typed_columns={frame.columns[i] for i in typed},
        delimiter=None,
        formulas={
            frame.columns[position]: formula_message(path.name, sheet, frame.columns[position], [r + 1 for r in rows])
            for position, rows in formulas.items()
            if position < len(frame.columns)
        },
    )
    frame.attrs["notes"] = ([note] if note else []) + sheet_notes
    for position, count in percent.items():
        if position < len(frame.columns):
            frame.attrs["notes"].append(
                f"Tabel '{path.name}', werkblad '{sheet}', kolom '{frame.columns[position]}': {count} cellen in "
                "procenten opgemaakt (0,35 getoond als 35%), gelezen als het getoonde getal (35)."
            )
    return frame


def _is_xlsx(raw):
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return "xl/workbook.xml" in archive.namelist()


def _is_number_cell(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _cell_text(value):
    """Spreadsheet cell as text; 3440111.0 becomes '3440111' so integer codes survive."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _clean_header(frame, name, header_row):
    columns = []
    for position, column in enumerate(frame.columns):
        column = INVISIBLE.sub(" ", str(column)).strip()
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
    frame.attrs["notes"] = []
    return frame
