"""Two editions of the maps compared, and a series of editions counted (pandas only, no Qt).

A map's classes have a direction only where the design gives one (resources/kaarten.json, key ``richting``):
'beter'/'slechter' for maps where that means something, 'hoger'/'lager' for concentrations, 'anders' for the
focus map. Class 0 (onvoldoende gegevens) on either side is never a change: 'niet te vergelijken'.
"""

import re

from . import VeerkrachtError
from .catalogue import MAP_IDS, class_labels, field_names, load_catalogue, map_entry

BETER, GELIJK, SLECHTER = "beter", "gelijk", "slechter"
HOGER, LAGER, ANDERS = "hoger", "lager", "anders"
NIET_TE_VERGELIJKEN = "niet te vergelijken"
SHIFTS = (BETER, GELIJK, SLECHTER, HOGER, LAGER, ANDERS, NIET_TE_VERGELIJKEN)
# colour-blind safe: blue better, red worse (as on the maps), orange/purple for higher/lower (not good or bad)
SHIFT_COLOURS = {
    BETER: "#2c7bb6",
    GELIJK: "#ffffbf",
    SLECHTER: "#d7191c",
    HOGER: "#e66101",
    LAGER: "#5e3c99",
    ANDERS: "#1b9e77",
    NIET_TE_VERGELIJKEN: "#bdbdbd",
}
DIRECTIONS = ("hoger_beter", "lager_beter", "rangorde", "meer_minder", "geen")


def shift_fields(map_id):
    """The three fields a comparison writes per map."""
    return f"{map_id}_klasse_a", f"{map_id}_klasse_b", f"{map_id}_verschuiving"


def direction(map_id, catalogue=None):
    """('hoger_beter' | 'lager_beter' | 'rangorde' | 'meer_minder' | 'geen', {class: rank} or None)."""
    entry = map_entry(map_id, catalogue or load_catalogue())
    kind = entry.get("richting")
    if kind not in DIRECTIONS:
        raise ValueError(f"Kaartcatalogus: kaart '{map_id}' heeft geen geldige richting ({kind!r}).")
    ranks = None
    if kind == "rangorde":
        ranks = {code: rank for rank, group in enumerate(entry["rangorde"], 1) for code in group}
    return kind, ranks


def _missing(value):
    return value is None or value != value or int(value) == 0


def shift(kind, a, b, ranks=None):
    """The Dutch shift label from class ``a`` (earlier edition) to class ``b``."""
    if _missing(a) or _missing(b):
        return NIET_TE_VERGELIJKEN
    a, b = int(a), int(b)
    if kind == "rangorde":
        a, b = ranks.get(a, a), ranks.get(b, b)
    if a == b:
        return GELIJK
    if kind == "geen":
        return ANDERS
    if kind == "meer_minder":
        return HOGER if b > a else LAGER
    better = b > a if kind in ("hoger_beter", "rangorde") else b < a
    return BETER if better else SLECHTER


def compare(classes_a, classes_b, map_ids=MAP_IDS):
    """Per buurt of edition B: class a, class b and the shift of every map.

    ``classes_a``/``classes_b``: DataFrames with a ``<map>_klasse`` column per map, in B's row order for A
    (NaN where B's buurt has no counterpart in A). Returns a DataFrame with the fields of ``shift_fields``.
    """
    import pandas as pd

    out = {}
    for map_id in map_ids:
        kind, ranks = direction(map_id)
        klasse = field_names(map_id)[1]
        fa, fb, fs = shift_fields(map_id)
        a = pd.to_numeric(classes_a[klasse], errors="coerce").reset_index(drop=True)
        b = pd.to_numeric(classes_b[klasse], errors="coerce").reset_index(drop=True)
        out[fa] = a.astype("Int64")
        out[fb] = b.astype("Int64")
        out[fs] = [shift(kind, x, y, ranks) for x, y in zip(a, b)]
    return pd.DataFrame(out)


def transitions(compared, map_ids=MAP_IDS):
    """Long table: per map and pair of classes (a, b) the number of buurten, with labels and the shift.

    A buurt without a counterpart in A has class a empty; it is counted, as 'niet te vergelijken'.
    """
    import pandas as pd

    rows = []
    for map_id in map_ids:
        kind, ranks = direction(map_id)
        labels = class_labels(map_id)
        fa, fb, _ = shift_fields(map_id)
        pairs = compared[[fa, fb]].astype(object).where(compared[[fa, fb]].notna(), None)
        counts = pairs.groupby([fa, fb], dropna=False).size()
        for (a, b), n in counts.items():
            a = None if a is None or a != a else int(a)
            b = None if b is None or b != b else int(b)
            rows.append(
                {
                    "kaart": map_id,
                    "klasse_a": a,
                    "label_a": labels.get(a, "geen buurt in editie A") if a is not None else "geen buurt in editie A",
                    "klasse_b": b,
                    "label_b": labels.get(b, "") if b is not None else "",
                    "aantal": int(n),
                    "verschuiving": shift(kind, a, b, ranks),
                }
            )
    columns = ["kaart", "klasse_a", "label_a", "klasse_b", "label_b", "aantal", "verschuiving"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["kaart", "klasse_a", "klasse_b"], key=_map_order, na_position="first")


def _map_order(column):
    return column.map(MAP_IDS.index) if column.name == "kaart" else column


def shift_summary(compared, map_ids=MAP_IDS):
    """One Dutch line per map: how many buurten shifted which way."""
    lines = []
    for map_id in map_ids:
        counts = compared[shift_fields(map_id)[2]].value_counts()
        parts = [f"{counts[s]} {s}" for s in SHIFTS if counts.get(s, 0)]
        lines.append(f"{map_entry(map_id)['titel']}: {', '.join(parts)}.")
    return lines


def transition_lines(table, map_id):
    """The transition counts of one map for the log, by class label: 'veerkracht onder druk -> stabiel: 2'."""
    rows = table[table["kaart"] == map_id]
    shown = [f"{r.label_a} -> {r.label_b}: {r.aantal}" for r in rows.itertuples()]
    title = map_entry(map_id)["titel"]
    return f"Overgangen {map_id} ({title}; editie A -> editie B: buurten): " + "; ".join(shown)


def signalering_counts(frame, map_id="signalering"):
    """Buurten and inhabitants per gemeente, period and class of ``map_id``.

    ``frame``: columns gemeente, periode, klasse, inwoners (NaN counts as 0 inhabitants). Every class of the
    catalogue appears for every gemeente and period, also with 0, so charts line up.
    """
    import pandas as pd

    codes = sorted(class_labels(map_id))
    data = frame.assign(inwoners=pd.to_numeric(frame["inwoners"], errors="coerce").fillna(0))
    grouped = data.groupby(["gemeente", "periode", "klasse"]).agg(
        buurten=("klasse", "size"), inwoners=("inwoners", "sum")
    )
    index = pd.MultiIndex.from_product(
        [sorted(data["gemeente"].unique()), sorted(data["periode"].unique()), codes],
        names=["gemeente", "periode", "klasse"],
    )
    return grouped.reindex(index, fill_value=0).reset_index()


PERIOD = re.compile(r"^(\d{4})\s*-\s*(\d{4})(?:\s*/\s*(\d{4})\s*-\s*(\d{4}))?$")


def parse_periods(text):
    """[(lbm start, lbm end, kwb start or None, kwb end or None)] sorted by end year, or VeerkrachtError (Dutch)."""
    periods = []
    for part in [p.strip() for p in re.split(r"[;\n]", text or "") if p.strip()]:
        found = PERIOD.match(part)
        if not found:
            raise VeerkrachtError(
                f"Periode '{part}' niet begrepen: schrijf Leefbaarometer-jaren als 2018-2022, met eventueel "
                "na een / de kerncijfersjaren (2018-2022/2017-2021); perioden gescheiden door ';'."
            )
        years = [int(y) if y else None for y in found.groups()]
        if years[0] >= years[1] or (years[2] and years[2] >= years[3]):
            raise VeerkrachtError(f"Periode '{part}': het beginjaar moet vóór het eindjaar liggen.")
        periods.append(tuple(years))
    if len(periods) < 2:
        raise VeerkrachtError("Geef minstens twee perioden, gescheiden door ';' (bijvoorbeeld 2018-2022; 2020-2024).")
    ends = [p[1] for p in periods]
    if len(set(ends)) < len(ends):
        raise VeerkrachtError("Twee perioden met hetzelfde eindjaar: de film zou ze tegelijk tonen. Kies andere jaren.")
    return sorted(periods, key=lambda p: p[1])


def shown_between(periods):
    """[(first year shown, first year no longer shown)] per period: from its end year until the next one's."""
    ends = [p[1] for p in periods]
    return [(end, ends[i + 1] if i + 1 < len(ends) else end + 1) for i, end in enumerate(ends)]
