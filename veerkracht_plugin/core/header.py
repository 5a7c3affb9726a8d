"""Where a table's header is: below title lines (a StatLine export has up to 40), and when two or three rows of
names stand above the data (a merged group-header row, StatLine's two header rows), the row that names the most
columns, completed from the rows above it. No Qt here."""

import re
from dataclasses import dataclass

from . import VeerkrachtError

HEADER_SEARCH_ROWS = 60
MAX_HEADER_ROWS = 3
_CODE = re.compile(r"^(BU|WK|GM)\s*\d", re.IGNORECASE)


@dataclass
class Header:
    """``row``: the header's index in the grid; ``skip``: rows of names below it, before the data; ``names``: the
    header completed from the rows above it, or None when the row is the header as it stands."""

    row: int
    skip: int = 0
    names: list = None


def find_header(grid, name):
    """The Header of ``grid`` (the first rows, as text): the first well-filled row of names, or the block of such
    rows directly above the first row of data."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in grid]
    width = max(filled, default=0)
    if width < 2:
        raise VeerkrachtError(
            f"Tabel '{name}': geen kopregel met kolomnamen gevonden in de eerste {len(grid)} regels "
            "(minstens twee kolommen verwacht; klopt het scheidingsteken?)."
        )
    enough = max(2, width // 2)
    first = next((i for i, n in enumerate(filled) if n >= enough), None)
    if first is None:
        raise VeerkrachtError(f"Tabel '{name}': geen kopregel met kolomnamen gevonden.")
    if is_data(grid[first]):
        cells = [str(cell).strip() for cell in grid[first] if str(cell).strip()]
        raise VeerkrachtError(
            f"Tabel '{name}': regel {first + 1} lijkt gegevens te bevatten ({', '.join(cells[:4])}, ...), "
            "maar er staat geen kopregel met kolomnamen boven."
        )
    block = [first]
    while block[-1] + 1 < len(grid) and len(block) < MAX_HEADER_ROWS:
        following = grid[block[-1] + 1]
        if filled[block[-1] + 1] < 2 or is_data(following):
            break
        block.append(block[-1] + 1)
    after = block[-1] + 1
    if len(block) == 1 or after >= len(grid) or not is_data(grid[after]):
        return Header(first)  # no data right below the rows of names: they may be data themselves
    distinct = [len({str(c).strip() for c in grid[i] if str(c).strip()}) for i in block]
    row = max(reversed(block), key=lambda i: distinct[block.index(i)])  # ties: the row nearest the data
    names = [str(cell).strip() for cell in grid[row]]
    for position, cell in enumerate(names):
        for above in reversed([i for i in block if i < row]):
            if not cell and position < len(grid[above]) and str(grid[above][position]).strip():
                cell = names[position] = str(grid[above][position]).strip()
    completed = names != [str(cell).strip() for cell in grid[row]]
    return Header(row, after - row - 1, names if completed else None)


def is_data(row):
    """A row of data, not of names: a CBS area code in it, or more numbers than text."""
    cells = [str(cell).strip() for cell in row if str(cell).strip()]
    if any(_CODE.match(cell) for cell in cells):
        return True
    return sum(1 for cell in cells if looks_numeric(cell)) > len(cells) // 2


def looks_numeric(text):
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False
