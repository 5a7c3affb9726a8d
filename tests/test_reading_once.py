"""Issue 18: 'Veerkrachtkaarten maken' reads each table file from disk once (the plan looks into it, two joins
take years from it), and what a table offers is the same whether worked out per column or all at once."""

import sys

import pandas as pd
import pytest
from test_make_maps_defaults import files_only
from test_styles_and_sharing import baarn_job

from helpers import run

OPENED = []  # (path) of every file Python opens while ``_counting`` is set
_counting = [False]


def _audit(event, args):
    if _counting[0] and event == "open" and isinstance(args[0], str):
        OPENED.append(args[0])


sys.addaudithook(_audit)  # hooks cannot be removed: this one only records while a test asks it to


@pytest.mark.usefixtures("provider")
def test_makemaps_opens_each_table_file_once(shared_data, tmp_path):
    job = files_only(baarn_job(shared_data))
    tables = [job["LEEFBAAROMETER"], job["KERNCIJFERS_END"]]
    OPENED.clear()
    _counting[0] = True
    try:
        run("makemaps", {**job, "OUTPUT": str(tmp_path / "eens.gpkg")})
    finally:
        _counting[0] = False
    assert {table: OPENED.count(table) for table in tables} == {table: 1 for table in tables}


def test_table_offer_per_column_equals_all_at_once():
    from veerkracht.veerkracht_plugin.core.detect import table_offer

    frame = pd.DataFrame(
        {
            "bu_code": ["BU1", "BU2", "BU3", "BU1", "BU2", "BU3", "BU9"],
            "jaar": ["2019", "2019", "2019", "2023 ", "2023", "2023", ""],
            "a_inw": ["10", "20", "30", "11", " . ", "-99995", "5"],
            "p_hh_li": [".", ".", "4", "1", "2", "3", "1"],
        },
        dtype=str,
    )
    offer = table_offer(frame, "t.csv", share=0.5)
    assert offer.years == [2019, 2023]
    assert offer.filled == {
        2019: {"bu_code", "jaar", "a_inw"},
        2023: {"bu_code", "jaar", "p_hh_li"},
        None: {"bu_code", "a_inw", "p_hh_li"},
    }
    fresh = table_offer(frame, "t.csv", share=0.5)  # asked per column first, then all
    assert [fresh.has("a_inw", y) for y in (2019, 2023, 2031)] == [True, False, False]
    assert not fresh.has("onbekend", 2019)
    assert fresh.columns == ["a_inw", "bu_code", "jaar", "p_hh_li"]


def test_table_offer_of_a_long_indicator_table():
    from veerkracht.veerkracht_plugin.core.detect import table_offer

    frame = pd.DataFrame(
        {
            "buurtcode": ["BU1", "BU2", "BU1", "BU2", "BU1", "BU2"],
            "indicator": ["a_inw", "a_inw", "p_hh_li ", "p_hh_li", "a_inw", "a_inw"],
            "table_year": ["2019", "2019", "2019", "2019", "2023", "2023"],
            "value": ["10", "20", "", "x", "5", "."],
        },
        dtype=str,
    )
    offer = table_offer(frame, "lang.csv", share=0.5)
    assert offer.filled == {2019: {"a_inw"}, 2023: {"a_inw"}}
    assert offer.has("a_inw", 2023) and not offer.has("p_hh_li", 2019)
