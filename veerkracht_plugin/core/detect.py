"""What a table offers, found in the table itself: its years, its columns with data per year, and from those the
years and columns the one-step dialog uses when the user leaves them empty. The names looked for are data
(resources/kolommen.json). Works on the text frames ``tables.read_table`` gives; no Qt."""

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..paths import RESOURCES_DIR
from . import VeerkrachtError
from .join import INDICATOR_COLUMNS, VALUE_COLUMNS, YEAR_CANDIDATES, column_list, find_column
from .tables import MISSING_MARKERS

COLUMNS_PATH = RESOURCES_DIR / "kolommen.json"
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@lru_cache(maxsize=2)
def column_names(path=COLUMNS_PATH):
    return json.loads(path.read_text(encoding="utf-8"))


def year_in_name(name):
    """The year in a file name such as kwb-2023-GM0344.xlsx, or None (also when it holds two years)."""
    years = set(_YEAR_IN_NAME.findall(str(name)))
    return int(years.pop()) if len(years) == 1 else None


class TableOffer:
    """Per year (None: a table without a year column) the columns that hold data in at least ``share`` of the
    rows. Worked out per column when first asked: of a national Leefbaarometer table (half a million cells) the
    one-step dialog needs two columns."""

    def __init__(self, name, frame, year_column, share):
        self.name, self.year_column = name, year_column
        self._frame, self._share, self._by_column = frame, share, {}
        self._groups = _year_groups(frame, year_column)
        indicator, value = find_column(frame.columns, INDICATOR_COLUMNS), find_column(frame.columns, VALUE_COLUMNS)
        self._indicators = None
        if indicator is not None and value is not None:
            present = pd.Series(_present(frame[value]))
            names = frame[indicator].astype(str).str.strip().to_numpy()
            self._indicators = {
                key: {str(c) for c, s in present.iloc[rows].groupby(names[rows]).mean().items() if s >= share}
                for key, rows in self._groups.items()
            }

    @property
    def filled(self):
        if self._indicators is not None:
            return self._indicators
        return {key: {str(c) for c in self._frame.columns if key in self._years_with(c)} for key in self._groups}

    @property
    def years(self):
        return sorted(y for y in self._groups if y is not None)

    @property
    def columns(self):
        return sorted({c for columns in self.filled.values() for c in columns})

    @property
    def all_columns(self):
        """Every column (or indicator) of the table, filled or not: for messages about a name not found."""
        if self._indicators is not None:
            indicator = find_column(self._frame.columns, INDICATOR_COLUMNS)
            return sorted(set(self._frame[indicator].astype(str).str.strip()))
        return [str(c) for c in self._frame.columns]

    def has(self, column, year):
        """Whether ``column`` (compared without case: AFW is afw) holds data in ``year``."""
        key = year if self.year_column else None
        if key not in self._groups:
            return False
        if self._indicators is not None:
            return find_column(self._indicators[key], [column]) is not None
        column = find_column(self._frame.columns, [column])
        return column is not None and key in self._years_with(column)

    def _years_with(self, column):
        if column not in self._by_column:
            present = _present(self._frame[column])
            self._by_column[column] = {
                k for k, rows in self._groups.items() if len(rows) and present[rows].mean() >= self._share
            }
        return self._by_column[column]


def _present(column):
    """Per cell: not a missing marker (in plain Python: pandas' string methods would copy every string)."""
    markers = set(MISSING_MARKERS)
    return np.fromiter((str(v).strip() not in markers for v in column), bool, len(column))


def _year_groups(frame, year_column):
    """{year (None for rows without one, or for a table without a year column): row positions}."""
    if year_column is None:
        return {None: np.arange(len(frame))}
    years = pd.to_numeric(frame[year_column].astype(str).str.strip().str[:4], errors="coerce").to_numpy(float)
    groups = {int(year): np.flatnonzero(years == year) for year in np.unique(years[~np.isnan(years)])}
    if np.isnan(years).any():
        groups[None] = np.flatnonzero(np.isnan(years))
    return groups


def table_offer(frame, name, share=None):
    """What ``frame`` offers: for a long table (indicator/value) the indicators, else the columns."""
    share = column_names()["gevuld"] if share is None else share
    return TableOffer(name, frame, find_column(frame.columns, YEAR_CANDIDATES), share)


def first_present(candidates, columns):
    """The first candidate among ``columns`` (compared without case), as the column is spelled; or None."""
    return find_column(columns, candidates)


def pick_start(years, end, span):
    """The year of ``years`` before ``end`` closest to ``end - span`` (ties: the earlier one); None if none."""
    before = [y for y in years if y < end]
    return min(before, key=lambda y: (abs(end - span - y), y)) if before else None


@dataclass
class Components:
    counts: list
    shares: list
    notes: list


def choose_components(offer, years=None):
    """Per component of resources/kolommen.json the first column present; kept when filled in every year of
    ``years`` (None: present in any year is enough)."""
    counts, shares, notes = [], [], []
    for name, component in column_names()["componenten"].items():
        if name == "toelichting":
            continue
        column = first_present(component["kolommen"], offer.columns)
        if column is None:
            notes.append(f"component {name}: geen van {', '.join(component['kolommen'])} in '{offer.name}'")
            continue
        empty = [str(y) for y in years or [] if not offer.has(column, y)]
        if empty:
            notes.append(f"component {name}: kolom '{column}' is leeg in {', '.join(empty)}, niet gebruikt")
            continue
        (counts if component["soort"] == "aantal" else shares).append(column)
    if not counts and not shares:
        raise VeerkrachtError(
            f"Geen component voor de kwetsbaarheidsindex gevonden in '{offer.name}' ({'; '.join(notes)}). "
            "Vul 'Componenten: aantallen' of 'Componenten: aandelen' in."
        )
    return Components(counts, shares, notes)


def latest_year_with(offer, columns, label):
    """The last year in which every column of ``columns`` holds data; VeerkrachtError naming the years, or the
    columns when one is not in the table at all (a typo)."""
    for column in columns:
        if find_column(offer.all_columns, [column]) is None:
            raise VeerkrachtError(
                f"'{label}': kolom '{column}' staat niet in '{offer.name}'. {column_list(offer.all_columns, column)}"
            )
    years = [y for y in offer.years if all(offer.has(c, y) for c in columns)]
    if not years:
        raise VeerkrachtError(
            f"'{label}': geen jaar in '{offer.name}' waarin {', '.join(columns)} gevuld zijn. "
            f"Jaren in het bestand: {', '.join(map(str, offer.years)) or 'geen'}."
        )
    return years[-1]
