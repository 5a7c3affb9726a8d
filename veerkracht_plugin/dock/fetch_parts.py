"""Pieces of the dock's one-click section: the choice of years from bronnen.json, and status text that wraps."""

import re

from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel

from ..sources.catalogue import SourcesError, load_sources

BUURT_SOURCE = "wijkenbuurten"  # its years are the years of buurten and kerncijfers 'Open data ophalen' fetches
BREAK = "\u200b"  # zero width space: a place where a line may break, invisible
LONGEST_UNBROKEN = 24


def year_row(parent):
    """(layout, begin combo, end combo, problem): the years bronnen.json offers, its defaults chosen; problem is a
    Dutch message when bronnen.json cannot be read (then no years are offered and the algorithm chooses)."""
    row = QHBoxLayout()
    begin, end = QComboBox(parent), QComboBox(parent)
    begin.setToolTip("Beginjaar van buurten en kerncijfers (de Leefbaarometer: het dichtstbijzijnde jaar)")
    end.setToolTip("Eindjaar van buurten en kerncijfers (de Leefbaarometer: het dichtstbijzijnde jaar)")
    row.addWidget(QLabel("Jaren", parent))
    row.addWidget(begin, 1)
    row.addWidget(QLabel("tot en met", parent))
    row.addWidget(end, 1)
    try:
        sources = load_sources()
    except SourcesError as error:
        return row, begin, end, str(error)
    years = sources.years(BUURT_SOURCE)
    for combo, default in zip((begin, end), sources.default_years):
        for year in years:
            combo.addItem(str(year), year)
        combo.setCurrentIndex(max(combo.findData(default), 0))
    return row, begin, end, ""


def breakable(text):
    """``text`` with invisible break points in long runs without spaces (a URL), so that a word-wrapping label
    wraps them instead of growing wider than the dock."""

    def split(match):
        word = match.group(0)
        word = re.sub(r"([/?&=_.-])", "\\1" + BREAK, word)
        return re.sub(f"([^{BREAK}]{{{LONGEST_UNBROKEN}}})(?=[^{BREAK}])", "\\1" + BREAK, word)

    return re.sub(rf"\S{{{LONGEST_UNBROKEN},}}", split, text or "")
