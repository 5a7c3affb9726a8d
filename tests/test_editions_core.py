"""Editions compared by hand: directions per map as in the design, class 0 never a change, transitions as counts."""

import re
from collections import Counter

import pandas as pd
import pytest

from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS
from veerkracht.veerkracht_plugin.core.editions import (
    NIET_TE_VERGELIJKEN,
    compare,
    direction,
    shift,
    shift_fields,
    signalering_counts,
    transition_lines,
    transitions,
)

DESIGN = {  # "Editions over time" in the design
    "leefbaarheid": "hoger_beter",
    "overlast": "hoger_beter",
    "overlast_ontwikkeling": "hoger_beter",
    "kwetsbaar": "meer_minder",
    "kwetsbaar_ontwikkeling": "meer_minder",
    "corporatiebezit": "meer_minder",
    "signalering": "rangorde",
    "signalering_relatief": "rangorde",
    "focus": "geen",
}


@pytest.mark.parametrize("map_id", MAP_IDS)
def test_direction_per_map_as_in_the_design(map_id):
    kind, ranks = direction(map_id)
    assert kind == DESIGN[map_id]
    if kind == "rangorde":  # 1 onder druk < 2 verslechtering < 3 veerkrachtig = 4 stabiel < 5 verbetering
        assert ranks[1] < ranks[2] < ranks[3] == ranks[4] < ranks[5]
    else:
        assert ranks is None


def test_shift_labels_by_direction():
    assert shift("hoger_beter", 2, 4) == "beter"
    assert shift("hoger_beter", 4, 2) == "slechter"
    assert shift("hoger_beter", 3, 3) == "gelijk"
    assert shift("lager_beter", 4, 2) == "beter"
    assert shift("meer_minder", 1, 5) == "hoger"
    assert shift("meer_minder", 5, 1) == "lager"
    assert shift("geen", 9, 1) == "anders"
    assert shift("geen", 9, 9) == "gelijk"


def test_signalering_rank_order():
    _, ranks = direction("signalering")
    assert shift("rangorde", 3, 4, ranks) == "gelijk"  # veerkrachtig and stabiel share a rank
    assert shift("rangorde", 4, 3, ranks) == "gelijk"
    assert shift("rangorde", 1, 2, ranks) == "beter"
    assert shift("rangorde", 2, 3, ranks) == "beter"
    assert shift("rangorde", 5, 4, ranks) == "slechter"
    assert shift("rangorde", 3, 1, ranks) == "slechter"


@pytest.mark.parametrize("kind", ["hoger_beter", "lager_beter", "rangorde", "meer_minder", "geen"])
@pytest.mark.parametrize("a,b", [(0, 3), (3, 0), (0, 0), (None, 3), (float("nan"), 2), (4, None)])
def test_class_zero_or_missing_is_never_a_change(kind, a, b):
    ranks = direction("signalering")[1] if kind == "rangorde" else None
    assert shift(kind, a, b, ranks) == NIET_TE_VERGELIJKEN


def _editions():
    a = pd.DataFrame({"signalering_klasse": [1, 3, 4, 0, 5, 2, None], "focus_klasse": [9, 9, 1, 3, 0, 2, None]})
    b = pd.DataFrame({"signalering_klasse": [2, 4, 3, 5, 0, 2, 1], "focus_klasse": [9, 8, 1, 3, 4, 2, 7]})
    return a, b


def test_compare_fields_and_shifts():
    a, b = _editions()
    compared = compare(a, b, ["signalering", "focus"])
    fa, fb, fs = shift_fields("signalering")
    assert list(compared[fa].astype(object).where(compared[fa].notna(), None)) == [1, 3, 4, 0, 5, 2, None]
    assert list(compared[fb]) == [2, 4, 3, 5, 0, 2, 1]
    assert list(compared[fs]) == [
        "beter",
        "gelijk",
        "gelijk",
        NIET_TE_VERGELIJKEN,
        NIET_TE_VERGELIJKEN,
        "gelijk",
        NIET_TE_VERGELIJKEN,
    ]
    assert list(compared["focus_verschuiving"]) == [
        "gelijk",
        "anders",
        "gelijk",
        "gelijk",
        NIET_TE_VERGELIJKEN,
        "gelijk",
        NIET_TE_VERGELIJKEN,
    ]


def test_transitions_are_a_cross_tabulation():
    a, b = _editions()
    compared = compare(a, b, ["signalering", "focus"])
    table = transitions(compared, ["signalering", "focus"])
    for map_id in ("signalering", "focus"):
        klasse = f"{map_id}_klasse"
        expected = Counter(
            (None if x != x else int(x), int(y)) for x, y in zip(a[klasse], b[klasse])
        )  # NaN: no buurt in A
        rows = table[table["kaart"] == map_id]
        found = {(r.klasse_a, r.klasse_b): r.aantal for r in rows.itertuples()}
        found = {(None if k[0] is None or k[0] != k[0] else int(k[0]), int(k[1])): n for k, n in found.items()}
        assert found == dict(expected)
        assert rows["aantal"].sum() == len(b)
    changes = table[table["verschuiving"].isin(["beter", "slechter", "hoger", "lager", "anders"])]
    assert not ((changes["klasse_a"] == 0) | (changes["klasse_b"] == 0)).any()
    line = transition_lines(table, "signalering")
    assert "veerkracht onder druk -> verslechtering zonder toename kwetsbaren: 1" in line  # labels, not codes
    assert "geen buurt in editie A -> veerkracht onder druk: 1" in line
    assert not re.search(r"\d -> \d", line)


def test_signalering_counts_fill_every_class():
    frame = pd.DataFrame(
        {
            "gemeente": ["GM0308"] * 4,
            "periode": ["2018-2022", "2018-2022", "2020-2024", "2020-2024"],
            "klasse": [1, 1, 5, 0],
            "inwoners": [100, None, 250, 40],
        }
    )
    counts = signalering_counts(frame)
    assert len(counts) == 2 * 6  # two periods, classes 0-5
    first = counts[(counts["periode"] == "2018-2022") & (counts["klasse"] == 1)].iloc[0]
    assert (first["buurten"], first["inwoners"]) == (2, 100)
    assert counts["buurten"].sum() == 4 and counts["inwoners"].sum() == 390
