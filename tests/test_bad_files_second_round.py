"""Bad-input corpus, second round (issue 23): files as people keep them, joined with veerkracht:joinindicators.
Excel workbooks (hidden sheets, percent formats, formulas without values), CBS symbols, odd codes and StatLine
exports. Each case asserts the value that comes out, or a Dutch message naming file, sheet, column, row or value."""

import openpyxl
import pandas as pd
import pytest
from test_bad_tables import UTRECHT, failure, join, make_layer, values, write

from helpers import RecordingFeedback

pytestmark = [pytest.mark.usefixtures("provider"), pytest.mark.bad_input]


@pytest.fixture
def layer(tmp_path):
    return make_layer(tmp_path, [{"buurtcode": code} for code in UTRECHT])


def workbook(path, sheets, active=None, hidden=()):
    """An xlsx with {sheet name: rows}; ``hidden`` sheets hidden, ``active`` the sheet that opens."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    if active is not None:
        book.active = list(sheets).index(active)
    book.save(path)
    return book


# ---- Excel ----


def test_hidden_first_sheet_is_skipped_for_the_active_visible_one(layer, tmp_path):
    path = tmp_path / "kwb.xlsx"
    old = [["buurtcode", "a_inw"]] + [[c, 1] for c in UTRECHT]
    new = [["buurtcode", "a_inw"]] + [[c, 100 + i] for i, c in enumerate(UTRECHT)]
    workbook(path, {"2019": old, "2023": new}, active="2023", hidden=("2019",))
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 100, "BU03440112": 101, "BU03440113": 102}
    assert "werkblad '2023'" in feedback.log and "verborgen" in feedback.log and "'2019'" in feedback.log


def test_active_sheet_wins_over_the_first_visible_one(layer, tmp_path):
    path = tmp_path / "bladen.xlsx"
    first = [["buurtcode", "v"]] + [[c, 1] for c in UTRECHT]
    second = [["buurtcode", "v"]] + [[c, 2] for c in UTRECHT]
    workbook(path, {"Toelichting": first, "Data": second}, active="Data")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert set(values(out, "v").values()) == {2}
    assert "werkblad 'Data'" in feedback.log


def test_named_sheet_is_read_even_when_hidden(layer, tmp_path):
    path = tmp_path / "kwb.xlsx"
    old = [["buurtcode", "a_inw"]] + [[c, 7] for c in UTRECHT]
    new = [["buurtcode", "a_inw"]] + [[c, 8] for c in UTRECHT]
    workbook(path, {"2019": old, "2023": new}, active="2023", hidden=("2019",))
    out = join(INPUT=layer, TABLE=str(path), SHEET="2019")["OUTPUT"]
    assert set(values(out, "a_inw").values()) == {7}


@pytest.mark.parametrize(
    "number_format, stored, shown", [("0%", 0.35, 35), ("0.0%", 0.125, 12.5), ("0.00%", 0.6667, 66.67)]
)
def test_percent_formatted_cells_are_read_as_shown(layer, tmp_path, number_format, stored, shown):
    path = tmp_path / "corporatie.xlsx"
    book = workbook(path, {"Blad1": [["buurtcode", "p_corp"]] + [[c, stored] for c in UTRECHT]})
    for row in range(2, 5):
        book["Blad1"].cell(row=row, column=2).number_format = number_format
    book.save(path)
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert values(out, "p_corp") == pytest.approx(dict.fromkeys(UTRECHT, shown))
    assert any("'p_corp'" in line and "procent" in line for line in feedback.infos)


def test_formulas_without_cached_values_are_refused_naming_sheet_column_rows(layer, tmp_path):
    """A workbook written by a script: formulas, but nobody opened it in Excel, so no value is stored."""
    path = tmp_path / "berekend.xlsx"
    rows = [["buurtcode", "woningen", "corp", "p_corp"]]
    rows += [[c, 100, 40 + i, f"=C{i + 2}/B{i + 2}*100"] for i, c in enumerate(UTRECHT)]
    workbook(path, {"Berekening": rows})
    message = failure(INPUT=layer, TABLE=str(path))
    assert "berekend.xlsx" in message and "werkblad 'Berekening'" in message and "'p_corp'" in message
    assert "rij 2-4" in message and "formule" in message and "opnieuw op" in message


def test_formulas_in_a_column_not_asked_for_do_not_stop_the_join(layer, tmp_path):
    path = tmp_path / "berekend.xlsx"
    rows = [["buurtcode", "woningen", "hulp"]] + [[c, 100 + i, f"=B{i + 2}*2"] for i, c in enumerate(UTRECHT)]
    workbook(path, {"Blad1": rows})
    out = join(INPUT=layer, TABLE=str(path), FIELDS="woningen")["OUTPUT"]
    assert values(out, "woningen") == {"BU03440111": 100, "BU03440112": 101, "BU03440113": 102}


# ---- CBS symbols ----


def test_cbs_dash_is_nihil_zero(layer, tmp_path):
    table = write(
        tmp_path, "kwb.csv", "gwb_code_10;a_soz_wb;p_hh_li\nBU03440111;-;12,5\nBU03440112;20;-\nBU03440113;.;7\n"
    )
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a_soz_wb") == {"BU03440111": 0, "BU03440112": 20, "BU03440113": None}
    assert values(out, "p_hh_li") == pytest.approx({"BU03440111": 12.5, "BU03440112": 0, "BU03440113": 7})
    assert any("'a_soz_wb'" in line and "'-'" in line and "nihil" in line for line in feedback.infos)


@pytest.mark.parametrize("symbol", ["?", "n.v.t.", "<5", "geheim", "*", "nvt"])
def test_cbs_symbols_are_missing_with_a_warning_naming_column_and_count(layer, tmp_path, symbol):
    rows = "".join(f"BU034401{i:02d};{i}\n" for i in range(11, 15))
    table = write(tmp_path, "symbolen.csv", f"buurtcode;vhe\n{rows}BU03440115;{symbol}\nBU03440116;{symbol}\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert out.fields().field("vhe").isNumeric()
    assert values(out, "vhe") == {"BU03440111": 11, "BU03440112": 12, "BU03440113": 13}
    message = next(w for w in feedback.warnings if "'vhe'" in w)
    assert "symbolen.csv" in message and "2 waarden" in message and f"'{symbol}'" in message


@pytest.mark.parametrize("symbol", [".", "x"])
def test_cbs_missing_and_secret_are_counted_in_the_log(layer, tmp_path, symbol):
    table = write(tmp_path, "kwb.csv", f"buurtcode;a_inw\nBU03440111;120\nBU03440112;{symbol}\nBU03440113;80\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 120, "BU03440112": None, "BU03440113": 80}
    assert any("'a_inw'" in line and f"1 waarde '{symbol}'" in line for line in feedback.infos)


def test_long_table_with_many_symbols_keeps_the_component_numeric(tmp_path):
    """A long StatLine table of 10 buurten: 4 of them '<5' or '?' for bijstand; still a number column."""
    codes = [f"BU034401{i:02d}" for i in range(10, 20)]
    layer = make_layer(tmp_path, [{"buurtcode": c} for c in codes])
    lines = ["buurtcode;indicator;jaar;value"]
    for i, code in enumerate(codes):
        lines.append(f"{code};aantal_inwoners;2023;{1000 + i}")
        lines.append(f"{code};bijstandsontvangers;2023;{['<5', '?'][i % 2] if i < 4 else 20 + i}")
    table = write(tmp_path, "statline-lang.csv", "\n".join(lines) + "\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table, YEAR=2023)["OUTPUT"]
    assert out.fields().field("bijstandsontvangers").isNumeric()
    got = values(out, "bijstandsontvangers")
    assert [got[c] for c in codes] == [None] * 4 + [24, 25, 26, 27, 28, 29]
    message = next(w for w in feedback.warnings if "'bijstandsontvangers'" in w)
    assert "4 waarden" in message and "'<5'" in message and "'?'" in message


def test_mostly_text_column_among_numbers_is_said(layer, tmp_path):
    table = write(tmp_path, "t.csv", "buurtcode;score\nBU03440111;12\nBU03440112;onbekend\nBU03440113;laag\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert not out.fields().field("score").isNumeric()
    assert any("'score'" in w and "tekst" in w and "'onbekend'" in w for w in feedback.warnings)


def test_percent_sign_in_cells_is_read_as_the_number(layer, tmp_path):
    table = write(tmp_path, "pct.csv", "buurtcode;p_corp\nBU03440111;35%\nBU03440112;12,5 %\nBU03440113;0%\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "p_corp") == pytest.approx({"BU03440111": 35, "BU03440112": 12.5, "BU03440113": 0})
    assert any("'p_corp'" in line and "%" in line for line in feedback.infos)


# ---- zeros where CBS publishes '.' ----


def _national_like(column, real, zeros=12):
    """(codes, values): 100 buurten with real values and ``zeros`` of them written as 0."""
    codes = [f"BU0344{i:04d}" for i in range(100)]
    numbers = [0 if i % (100 // zeros) == 0 and i // (100 // zeros) < zeros else real(i) for i in range(100)]
    return codes, numbers


@pytest.mark.parametrize("column, real", [("g_wozbag", lambda i: 60 + 7 * i), ("p_bewndw", lambda i: 5 + (i * 7) % 95)])
def test_zeros_among_real_values_where_cbs_publishes_dot_are_warned(tmp_path, column, real):
    codes, numbers = _national_like(column, real)
    layer = make_layer(tmp_path, [{"buurtcode": c} for c in codes])
    table = write(tmp_path, "kwb.csv", f"buurtcode;{column}\n" + "".join(f"{c};{v}\n" for c, v in zip(codes, numbers)))
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table, ZEROS_AS_MISSING=True)["OUTPUT"]
    message = next(w for w in feedback.warnings if "precies 0" in w)
    assert f"'{column}': 12 waarden" in message and codes[0] in message
    assert values(out, column)[codes[0]] is None and values(out, column)[codes[1]] == numbers[1]


# ---- odd codes and numbers that used to give a traceback ----


def test_trailing_semicolon_on_data_rows_not_on_the_header(layer, tmp_path):
    table = write(tmp_path, "export.csv", "buurtcode;a_inw;p\nBU03440111;120;1,5;\nBU03440112;80;2;\nBU03440113;5;3;\n")
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 120, "BU03440112": 80, "BU03440113": 5}
    assert values(out, "p") == pytest.approx({"BU03440111": 1.5, "BU03440112": 2, "BU03440113": 3})


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00a0", "\u2060"])
def test_codes_with_invisible_characters(layer, tmp_path, invisible):
    table = write(
        tmp_path, "web.csv", "".join(["buurtcode;v\n"] + [f"{invisible}{c};{i}\n" for i, c in enumerate(UTRECHT)])
    )
    result = join(INPUT=layer, TABLE=table)
    assert result["MATCHED"] == 3 and values(result["OUTPUT"], "v") == dict(zip(UTRECHT, range(3)))


def test_area_codes_that_are_not_cbs_codes_get_a_message(layer, tmp_path):
    """Amsterdam's own gebiedsindeling (stadsdeel A, wijk A00, buurt A00a) in a column named 'code'."""
    table = write(
        tmp_path, "amsterdam.csv", "code;naam;inwoners\nA00a;Kop Zeedijk;1010\nA00b;Oude Kerk;640\nE75;Oud-West;9100\n"
    )
    message = failure(INPUT=layer, TABLE=table)
    assert "amsterdam.csv" in message and "'code'" in message and "'A00a'" in message
    assert "BU" in message and "CBS" in message


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", " "], ids=["nbsp", "narrow-nbsp", "space"])
def test_thousands_separated_by_a_space(layer, tmp_path, space):
    table = write(
        tmp_path, "inw.csv", f"buurtcode;a_inw\nBU03440111;1{space}810\nBU03440112;12{space}345\nBU03440113;950\n"
    )
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert out.fields().field("a_inw").isNumeric()
    assert values(out, "a_inw") == {"BU03440111": 1810, "BU03440112": 12345, "BU03440113": 950}


def test_code_with_an_inner_space_is_read_and_said(layer, tmp_path):
    table = write(tmp_path, "t.csv", "buurtcode;v\nBU0344 0111;1\nBU0344 0112;2\nBU03440113;3\n")
    feedback = RecordingFeedback()
    result = join(feedback, INPUT=layer, TABLE=table)
    assert result["MATCHED"] == 3 and values(result["OUTPUT"], "v")["BU03440111"] == 1
    assert any("spatie" in line and "'BU0344 0111'" in line for line in feedback.infos)


def test_null_codes_in_the_layer_get_their_own_message(tmp_path):
    rows = [{"buurtcode": c} for c in UTRECHT] + [{"buurtcode": None}, {"buurtcode": None}]
    layer = make_layer(tmp_path, rows)
    table = write(tmp_path, "t.csv", "buurtcode;v\nBU03440111;1\nBU03440112;2\nBU03440113;3\n")
    feedback = RecordingFeedback()
    join(feedback, INPUT=layer, TABLE=table)
    message = feedback.warnings[0]
    assert "2 gebieden van de laag hebben geen code" in message and "'buurtcode'" in message
    assert "verschillende CBS-jaren" not in message


# ---- StatLine exports: where is the header? ----


def test_statline_export_with_two_header_rows(layer, tmp_path):
    text = (
        '"Kerncijfers wijken en buurten 2023";;\n'
        ";;\n"
        '"Wijken en buurten";"Bevolking";"Wonen"\n'
        '"Codering";"Aantal inwoners";"Woningvoorraad"\n'
        '"BU03440111";"1810";"950"\n"BU03440112";"640";"300"\n"BU03440113";"2450";"1200"\n'
        '"Bron: CBS";;\n'
    )
    table = write(tmp_path, "statline.csv", text)
    out = join(INPUT=layer, TABLE=table, TABLE_FIELD="Codering")["OUTPUT"]
    assert values(out, "Aantal inwoners") == {"BU03440111": 1810, "BU03440112": 640, "BU03440113": 2450}


def test_merged_group_header_row_above_the_header(layer, tmp_path):
    path = tmp_path / "groepen.xlsx"
    rows = [
        ["Regio", None, "Bevolking", None, "Inkomen", None],
        ["gwb_code_10", "regio", "a_inw", "a_hh", "p_hh_li", "p_hh_osm"],
    ]
    rows += [[c, f"buurt {i}", 100 + i, 50 + i, 10.5 + i, 5] for i, c in enumerate(UTRECHT)]
    book = workbook(path, {"Blad1": rows})
    book["Blad1"].merge_cells("A1:B1")
    book["Blad1"].merge_cells("C1:D1")
    book["Blad1"].merge_cells("E1:F1")
    book.save(path)
    out = join(INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 100, "BU03440112": 101, "BU03440113": 102}
    assert values(out, "p_hh_li")["BU03440112"] == pytest.approx(11.5)


def test_thirty_five_title_lines(layer, tmp_path):
    title = "".join(f"Toelichting regel {i}: zie www.cbs.nl\n" for i in range(35))
    table = write(
        tmp_path, "toelichting.csv", title + "buurtcode,waarde\nBU03440111,1.5\nBU03440112,2.5\nBU03440113,3\n"
    )
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "waarde") == pytest.approx({"BU03440111": 1.5, "BU03440112": 2.5, "BU03440113": 3})


def test_title_lines_with_commas_are_not_blamed_on_a_decimal_comma(layer, tmp_path):
    """A title with a comma above a ';' file: the header is found below it, not guessed from the title."""
    text = (
        "Kerncijfers, buurten, 2023\nBron: CBS, bewerkt\nbuurtcode;a_inw\nBU03440111;120\nBU03440112;80\nBU03440113;5\n"
    )
    table = write(tmp_path, "titel.csv", text)
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 120, "BU03440112": 80, "BU03440113": 5}


def test_ragged_row_without_a_decimal_comma_is_not_blamed_on_one(layer, tmp_path):
    table = write(
        tmp_path, "rafelig.csv", "buurtcode,naam,v\nBU03440111,Oost,1\nBU03440112,Zuid,Oost,2\nBU03440113,West,3\n"
    )
    message = failure(INPUT=layer, TABLE=table)
    assert "regel 3 heeft 4 velden" in message and "decimale komma" not in message


def test_excel_sheet_with_real_kwb_and_hidden_old_year(tmp_path, shared_data):
    """The real kwb 2023 of Utrecht as the visible sheet, 2024 as a hidden one in front of it."""
    path = tmp_path / "kwb-utrecht.xlsx"
    utrecht = shared_data / "utrecht"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.read_excel(utrecht / "kwb-2024-GM0344.xlsx").to_excel(writer, sheet_name="2024", index=False)
        pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx").to_excel(writer, sheet_name="2023", index=False)
        writer.book["2024"].sheet_state = "hidden"
        writer.book.active = 1
    expected = pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx", dtype=object)
    out = join(INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=str(path), FIELDS="a_inw")["OUTPUT"]
    got = values(out, "a_inw", "statcode")
    want = dict(zip(expected["gwb_code_10"], expected["a_inw"]))
    assert got["BU03440111"] == want["BU03440111"]
    assert all(got[c] == want[c] for c in got if c in want)
