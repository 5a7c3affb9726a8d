"""Pieces of the dock's one-click section: the choice of years from bronnen.json, a fetched edition without
kerncijfers, the run's files (free names, removed after a failure), and status text that wraps."""

import json
import re
import sqlite3
from pathlib import Path

from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel

from ..sources.catalogue import SourcesError, load_sources

BUURT_SOURCE = "wijkenbuurten"  # its years are the years of buurten and kerncijfers 'Open data ophalen' fetches
BREAK = "\u200b"  # zero width space: a place where a line may break, invisible
LONGEST_UNBROKEN = 24
# the kerncijfers the vulnerability index needs; an edition where none has a value cannot give the maps
KERNCIJFERS = (
    "aantal_personen_met_een_alg_bijstandsuitkering_tot",
    "aantal_personen_met_een_ao_uitkering_totaal",
    "percentage_huishoudens_met_laag_inkomen",
)


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
    empty = unpublished_years(sources.path)
    years = [year for year in sources.years(BUURT_SOURCE) if year not in empty]
    for combo, default in zip((begin, end), sources.default_years):
        for year in years:
            combo.addItem(str(year), year)
        combo.setCurrentIndex(max(combo.findData(default), 0))
    return row, begin, end, ""


def keep_years_apart(begin, end):
    """Grey out the years that cannot pair with the other box's year: the begin year lies before the end year."""
    for combo, other, fits in ((begin, end, lambda year, o: year < o), (end, begin, lambda year, o: year > o)):
        chosen, model = other.currentData(), combo.model()
        for row in range(combo.count()):
            model.item(row).setEnabled(chosen is None or fits(combo.itemData(row), chosen))


def unpublished_years(path):
    """The years whose kerncijfers bronnen.json marks as not yet published ('kerncijfers': {'gevuld': false}):
    the maps cannot be made from them, so the dock does not offer them."""
    with open(path, encoding="utf-8") as handle:
        years = json.load(handle)["bronnen"][BUURT_SOURCE]["jaren"]
    return {
        int(year)
        for year, entry in years.items()
        if isinstance(entry.get("kerncijfers"), dict) and entry["kerncijfers"].get("gevuld") is False
    }


def empty_edition(path, years, combos):
    """A Dutch sentence when a fetched buurten_<year> in the GeoPackage ``path`` has none of the KERNCIJFERS
    (all empty or CBS' -99995: published later), naming the year to choose instead from ``combos`` (begin, end);
    '' when every year has them."""
    with sqlite3.connect(str(path)) as db:
        for year in years:
            table = f"buurten_{year}"
            columns = {row[1] for row in db.execute(f'pragma table_info("{table}")')}
            present = [name for name in KERNCIJFERS if name in columns]
            if any(db.execute(f'select 1 from "{table}" where "{name}" >= 0 limit 1').fetchone() for name in present):
                continue
            which = "eindjaar" if year == years[-1] else "beginjaar"
            combo = combos[1] if which == "eindjaar" else combos[0]
            others = [combo.itemData(i) for i in range(combo.count()) if combo.itemData(i) not in (None, *years)]
            earlier = [other for other in others if other < year]
            instead = max(earlier) if earlier else min(others, key=lambda other: abs(other - year), default=None)
            advice = f"kies {instead} als {which}" if instead else f"kies een ander {which}"
            return f"De kerncijfers van {year} zijn nog niet gepubliceerd (bij PDOK leeg of -99995): {advice}."
    return ""


def discard(paths):
    """Remove the files a failed run began (with SQLite's side files); '' or a sentence naming what stayed."""
    stayed = []
    for path in paths:
        for part in (Path(path), *(Path(f"{path}{side}") for side in ("-wal", "-shm", "-journal"))):
            try:
                part.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                stayed.append(str(part))
    return f" Kon {', '.join(stayed)} niet verwijderen; verwijder het zelf." if stayed else ""


def breakable(text):
    """``text`` with invisible break points in long runs without spaces (a URL), so that a word-wrapping label
    wraps them instead of growing wider than the dock."""

    def split(match):
        word = match.group(0)
        word = re.sub(r"([/?&=_.-])", "\\1" + BREAK, word)
        return re.sub(f"([^{BREAK}]{{{LONGEST_UNBROKEN}}})(?=[^{BREAK}])", "\\1" + BREAK, word)

    return re.sub(rf"\S{{{LONGEST_UNBROKEN},}}", split, text or "")


def slug(name):
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()


def free_path(path):
    """``path``, or with -2, -3 ... when a file of that name exists: an earlier result is never replaced."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate
