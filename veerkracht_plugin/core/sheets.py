"""An Excel workbook (xlsx, xlsm) as the user sees it in Excel: the sheet that opens (the active one, never a hidden
one), cells formatted as a percentage as the percentage shown (0.35 shown as 35% is 35), and formulas that were
never calculated (a workbook written by a script) named instead of read as empty. No Qt here."""

import io
import re
import zipfile

from . import VeerkrachtError

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def read_xlsx(path, raw, sheet=None):
    """(rows of cell values, sheet name, notes, {column position: [0-based row numbers of formulas without a
    value]}, {column position: number of percent cells}); ``sheet`` by name, else the active visible sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        if sheet and sheet not in names:
            raise VeerkrachtError(
                f"Tabel '{path.name}': werkblad '{sheet}' niet gevonden. Werkbladen: {', '.join(names)}."
            )
        chosen, notes = (sheet, []) if sheet else _open_sheet(path, book)
        rows, percent = _values(book[chosen])
    finally:
        book.close()
    return rows, chosen, notes, _uncalculated(raw, chosen, rows), percent


def _open_sheet(path, book):
    """(the sheet Excel opens with, notes): the active sheet when visible, else the first visible one."""
    visible = [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
    if not visible:
        raise VeerkrachtError(f"Tabel '{path.name}': alle werkbladen zijn verborgen. Maak het werkblad zichtbaar.")
    active = book.active.title if book.active is not None else None
    chosen = active if active in visible else visible[0]
    notes = []
    if len(book.worksheets) > 1:
        note = f"Tabel '{path.name}': werkblad '{chosen}' gelezen (het werkblad dat Excel opent)"
        if hidden:
            listed = ", ".join(f"'{h}'" for h in hidden)
            note += f"; verborgen werkbladen overgeslagen: {listed}"
        notes.append(note + ". Een ander werkblad kiest u met 'Werkblad'.")
    return chosen, notes


def _values(worksheet):
    """(rows of values, {column position: percent cells}); a percent cell as the number shown (0.35 -> 35)."""
    rows, percent = [], {}
    for row in worksheet.iter_rows():
        values = []
        for position, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and "%" in str(getattr(cell, "number_format", ""))
            ):
                value, percent[position] = round(value * 100, 10), percent.get(position, 0) + 1
            values.append(value)
        rows.append(values)
    return rows, percent


def _uncalculated(raw, sheet, rows):
    """{column position: [row numbers]} of empty cells that hold a formula: only looked for when the workbook has
    formulas and the sheet empty cells (a second, formula-only pass)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        has_formulas = any(
            _FORMULA.search(archive.read(n)) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")
        )
    if not has_formulas or all(v is not None for row in rows for v in row):
        return {}
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        found = {}
        for number, row in enumerate(book[sheet].iter_rows()):
            for position, cell in enumerate(row):
                value = getattr(cell, "value", None)
                read = rows[number][position] if number < len(rows) and position < len(rows[number]) else None
                if isinstance(value, str) and value.startswith("=") and read is None:
                    found.setdefault(position, []).append(number)
        return found
    finally:
        book.close()


def formula_message(name, sheet, column, rows):
    """Dutch: this column's formulas were never calculated, with the spreadsheet rows and what to do."""
    spans, start = [], rows[0]
    for previous, current in zip(rows, rows[1:] + [None]):
        if current != previous + 1:
            spans.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = current
    return (
        f"Tabel '{name}', werkblad '{sheet}': kolom '{column}' heeft formules zonder berekende waarde (rij "
        f"{', '.join(spans[:5])}{' en meer' if len(spans) > 5 else ''}). Het bestand is opgeslagen zonder dat de "
        "formules zijn uitgerekend (bijvoorbeeld door een script). Open het in Excel of LibreOffice, laat het "
        "herberekenen en sla het opnieuw op."
    )
