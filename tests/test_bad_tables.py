"""Bad-input corpus for tables (issue 12, points 8-12, 14, 15): files and habits real users have, joined with
veerkracht:joinindicators. Each case asserts that the message names the file, column, row or value, or that the
values that come out are right."""

import io
import json
import zipfile

import pandas as pd
import pytest
from qgis.core import QgsProcessingException

from helpers import RecordingFeedback, features_by, is_null, run

pytestmark = [pytest.mark.usefixtures("provider"), pytest.mark.bad_input]

UTRECHT = ["BU03440111", "BU03440112", "BU03440113"]


class OrderedFeedback(RecordingFeedback):
    """Also keeps infos and warnings in the order they were given: ('info' | 'warning', text)."""

    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        self.lines.append(("info", info))
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS API)
        self.lines.append(("warning", warning))
        super().pushWarning(warning)


def join(feedback=None, **parameters):
    parameters.setdefault("OUTPUT", "TEMPORARY_OUTPUT")
    return run("joinindicators", parameters, feedback)


def make_layer(folder, rows, name="buurten"):
    """A GeoJSON polygon layer, one small square per row of properties."""
    features = []
    for i, properties in enumerate(rows):
        x = 5.0 + i * 0.01
        ring = [[x, 52.0], [x + 0.01, 52.0], [x, 52.01], [x, 52.0]]
        features.append(
            {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        )
    path = folder / f"{name}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


@pytest.fixture
def layer(tmp_path):
    return make_layer(tmp_path, [{"buurtcode": code} for code in UTRECHT])


@pytest.fixture
def utrecht(shared_data):
    return shared_data / "utrecht"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def values(out, field, key="buurtcode"):
    return {code: (None if is_null(f[field]) else f[field]) for code, f in features_by(out, key).items()}


def failure(**parameters):
    with pytest.raises(QgsProcessingException) as raised:
        join(**parameters)
    message = str(raised.value)
    assert "Traceback" not in message and "xlrd" not in message
    return message


# ---- 8: thousands separators ----


def test_dot_thousands_in_decimal_comma_file(layer, tmp_path):
    table = write(
        tmp_path,
        "inwoners.csv",
        "buurtcode;a_inw;p_huur\nBU03440111;2.500;12,5\nBU03440112;850;3,0\nBU03440113;12.345;.\n",
    )
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a_inw") == {"BU03440111": 2500, "BU03440112": 850, "BU03440113": 12345}
    assert values(out, "p_huur")["BU03440111"] == pytest.approx(12.5)


def test_dot_thousands_with_decimal_comma_in_one_value(layer, tmp_path):
    table = write(tmp_path, "t.csv", "buurtcode;waarde\nBU03440111;12.345,6\nBU03440112;7,25\nBU03440113;1.000\n")
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "waarde") == pytest.approx({"BU03440111": 12345.6, "BU03440112": 7.25, "BU03440113": 1000.0})


def test_ambiguous_column_semicolon_file_read_as_thousands_and_named(layer, tmp_path):
    table = write(tmp_path, "woningen.csv", "buurtcode;woningen\nBU03440111;1.234\nBU03440112;2.500\nBU03440113;980\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "woningen") == {"BU03440111": 1234, "BU03440112": 2500, "BU03440113": 980}
    assert any("woningen.csv" in w and "'woningen'" in w and "duizendtal" in w for w in feedback.warnings)


def test_ambiguous_column_comma_file_read_as_decimals_and_named(layer, tmp_path):
    table = write(tmp_path, "scores.csv", "buurtcode,score\nBU03440111,1.234\nBU03440112,2.500\nBU03440113,3.125\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "score") == pytest.approx({"BU03440111": 1.234, "BU03440112": 2.5, "BU03440113": 3.125})
    assert any("'score'" in w and "decimaalteken" in w for w in feedback.warnings)


def test_ambiguous_column_tab_file_small_integers_say_thousands(layer, tmp_path):
    table = write(tmp_path, "t.txt", "buurtcode\tinwoners\nBU03440111\t1.810\nBU03440112\t450\nBU03440113\t5\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "inwoners") == {"BU03440111": 1810, "BU03440112": 450, "BU03440113": 5}
    assert any("'inwoners'" in w and "onder 1000" in w for w in feedback.warnings)


def test_utrecht_kwb_as_dutch_csv_keeps_inhabitants(utrecht, tmp_path, shared_data):
    """The real kwb 2023 of Utrecht saved by Dutch Excel as CSV: ';', decimal comma, dots between thousands."""
    raw = pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx", dtype=object)
    csv = raw[["gwb_code_10", "recs", "a_inw", "p_wcorpw"]].copy()
    csv["a_inw"] = [f"{v:,}".replace(",", ".") for v in csv["a_inw"]]
    csv["p_wcorpw"] = [str(v).replace(".", ",") for v in csv["p_wcorpw"]]
    table = tmp_path / "kwb-2023-nl.csv"
    csv.to_csv(table, sep=";", index=False)
    out = join(INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=str(table))["OUTPUT"]
    inhabitants = values(out, "a_inw", "statcode")
    assert inhabitants["BU03440111"] == 1810
    expected = dict(zip(raw["gwb_code_10"], raw["a_inw"]))
    assert all(inhabitants[code] == expected[code] for code in inhabitants if code in expected)
    assert sum(v is not None and v >= 1000 for v in inhabitants.values()) > 80


def test_stray_decimal_point_in_comma_column_is_named(layer, tmp_path):
    table = write(
        tmp_path,
        "t.csv",
        "buurtcode;aandeel\nBU03440111;12,5\nBU03440112;2.5\nBU03440113;7,0\nBU03440114;1,0\nBU03440115;3,5\nBU03440116;4,5\n",
    )
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "aandeel")["BU03440111"] == pytest.approx(12.5)
    assert values(out, "aandeel")["BU03440112"] is None  # neither 25 nor 2.5: not guessed
    assert any("'aandeel'" in w and "regel 3 (BU03440112) '2.5'" in w for w in feedback.warnings)


# ---- 9: text that is no number ----


@pytest.mark.parametrize("bad", ["inf", "-Infinity", "NaN", "1e400"])
def test_not_a_number_becomes_missing_and_is_named(layer, tmp_path, bad):
    table = write(tmp_path, "lbm.csv", f"bu_code,onv\nBU03440111,0.05\nBU03440112,{bad}\nBU03440113,-0.1\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "onv") == pytest.approx({"BU03440111": 0.05, "BU03440112": None, "BU03440113": -0.1})
    assert out.fields().field("onv").isNumeric()
    message = next(w for w in feedback.warnings if "geen getal" in w)
    assert "lbm.csv" in message and "'onv'" in message and f"regel 3 (BU03440112) '{bad}'" in message


def test_text_among_numbers_named_with_rows(layer, tmp_path):
    rows = "".join(f"BU034401{i:02d};{i},5\n" for i in range(11, 20))
    table = write(tmp_path, "eigen.csv", f"buurtcode;vhe\n{rows}BU03440120;n.v.t.\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert out.fields().field("vhe").isNumeric() and values(out, "vhe")["BU03440111"] == pytest.approx(11.5)
    assert any("'vhe'" in w and "regel 11 (BU03440120) 'n.v.t.'" in w for w in feedback.warnings)


# ---- 10: files that are not what they say ----


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")],
    ids=["utf16-le-bom", "utf16-be-bom", "utf16-le-no-bom"],
)
def test_utf16_file_read(layer, tmp_path, encoding, bom):
    """Excel's 'Unicode-tekst' is UTF-16 with tabs; some tools leave the BOM out."""
    text = "buurtcode\tnaam\twaarde\nBU03440111\tCafé ’t Hoekje\t12,5\nBU03440113\tZuid\t3\n"
    table = write(tmp_path, "unicode.txt", bom + text.encode(encoding))
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert out.fields().lookupField("naam") >= 0  # not ÿþb...
    assert values(out, "naam")["BU03440111"] == "Café ’t Hoekje"
    assert values(out, "waarde")["BU03440111"] == pytest.approx(12.5)
    assert "UTF-16" in feedback.log


def test_html_saved_as_csv(layer, tmp_path):
    table = write(
        tmp_path,
        "download.csv",
        "<!DOCTYPE html>\n<html><head><title>CBS</title></head><body><table></table></body></html>\n",
    )
    message = failure(INPUT=layer, TABLE=table)
    assert "download.csv" in message and "HTML" in message and "<body>" not in message


def test_html_saved_as_xls(layer, tmp_path):
    table = write(tmp_path, "export.xls", "<html><body><table><tr><td>buurtcode</td></tr></table></body></html>")
    message = failure(INPUT=layer, TABLE=table)
    assert "export.xls" in message and "HTML" in message


def test_mixed_delimiters_in_data_rows(layer, tmp_path):
    table = write(tmp_path, "gemengd.csv", "buurtcode;a;b\nBU03440111;1;2\nBU03440112,3,4\nBU03440113;5;6\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "gemengd.csv" in message and "regel 3" in message and "','" in message and "';'" in message


def test_header_with_other_delimiter_than_data(layer, tmp_path):
    table = write(tmp_path, "kop.csv", "buurtcode,a,b\nBU03440111;1;2\nBU03440112;3;4\nBU03440113;5;6\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "kop.csv" in message and "regel 1" in message and "scheidingstekens" in message


def test_ragged_row_named(layer, tmp_path):
    table = write(tmp_path, "rafelig.csv", "buurtcode;a;b\nBU03440111;1;2\nBU03440112;3;4;9;9\nBU03440113;5;6\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "rafelig.csv" in message and "regel 3 heeft 5 velden, de kopregel 3" in message


def test_unquoted_decimal_comma_in_comma_file(layer, tmp_path):
    table = write(tmp_path, "komma.csv", "buurtcode,aandeel\nBU03440111,12\nBU03440112,12,5\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "komma.csv" in message and "regel 3" in message and "decimale komma" in message


def test_short_rows_are_missing_values_not_shifted(layer, tmp_path):
    table = write(tmp_path, "kort.csv", "buurtcode;a;b\nBU03440111;1;2\nBU03440112;3\nBU03440113;5;6\n")
    out = join(INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "a") == {"BU03440111": 1, "BU03440112": 3, "BU03440113": 5}
    assert values(out, "b") == {"BU03440111": 2, "BU03440112": None, "BU03440113": 6}


def test_blank_lines_keep_row_numbers(layer, tmp_path):
    table = write(tmp_path, "leeg.csv", "Titel\n\nbuurtcode;v\n\nBU03440111;1\n\nBU03440112;inf\n")
    feedback = RecordingFeedback()
    join(feedback, INPUT=layer, TABLE=table)
    assert any("regel 7 (BU03440112) 'inf'" in w for w in feedback.warnings)


def test_truncated_xlsx(layer, tmp_path):
    good = tmp_path / "goed.xlsx"
    pd.DataFrame({"buurtcode": UTRECHT, "v": [1, 2, 3]}).to_excel(good, index=False)
    table = write(tmp_path, "half.xlsx", good.read_bytes()[:700])
    message = failure(INPUT=layer, TABLE=table)
    assert "half.xlsx" in message and "beschadigd" in message


def test_xlsx_with_broken_content(layer, tmp_path):
    """A complete zip whose workbook XML is garbage: the reader's error becomes one Dutch sentence."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "dit is geen xml")
    table = write(tmp_path, "kapot.xlsx", buffer.getvalue())
    message = failure(INPUT=layer, TABLE=table)
    assert "kapot.xlsx" in message and "beschadigd" in message


def test_password_protected_xlsx(layer, tmp_path):
    """Office stores a protected workbook as an OLE container with EncryptionInfo and EncryptedPackage streams
    (here the container's header and directory names only: enough for what the reader looks at)."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    ole += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    table = write(tmp_path, "beveiligd.xlsx", ole + b"\x00" * 1024)
    message = failure(INPUT=layer, TABLE=table)
    assert "beveiligd.xlsx" in message and "wachtwoord" in message


def test_old_xls_without_xlrd(layer, tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1024
    table = write(tmp_path, "oud.xls", ole)
    message = failure(INPUT=layer, TABLE=table)
    assert "oud.xls" in message and "Excel 97-2003" in message and "XLSX" in message


def test_password_protected_ods(layer, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
            '<manifest:encryption-data manifest:checksum="x"/></manifest:file-entry></manifest:manifest>',
        )
        archive.writestr("content.xml", b"\x8f\x12\x00versleuteld")
    table = write(tmp_path, "beveiligd.ods", buffer.getvalue())
    message = failure(INPUT=layer, TABLE=table)
    assert "beveiligd.ods" in message and "wachtwoord" in message


def test_zip_that_is_no_workbook(layer, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kwb-2023.csv", "gwb_code_10;a_inw\n")
    table = write(tmp_path, "kwb.xlsx", buffer.getvalue())
    message = failure(INPUT=layer, TABLE=table)
    assert "kwb.xlsx" in message and "zip" in message


def test_xlsx_saved_with_csv_name_is_read(layer, tmp_path):
    path = tmp_path / "eigenlijk.csv"
    pd.DataFrame({"buurtcode": UTRECHT, "v": [1.5, 2.5, 3.5]}).to_excel(path, index=False, engine="openpyxl")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert values(out, "v") == pytest.approx({"BU03440111": 1.5, "BU03440112": 2.5, "BU03440113": 3.5})
    assert "eigenlijk.csv' is geen CSV-bestand" in feedback.log


def test_csv_saved_with_xlsx_name_is_read(layer, tmp_path):
    table = write(tmp_path, "tekst.xlsx", "buurtcode;v\nBU03440111;4,5\n")
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table)["OUTPUT"]
    assert values(out, "v")["BU03440111"] == pytest.approx(4.5)
    assert "tekst.xlsx' is geen .xlsx-bestand" in feedback.log


def test_pdf_with_csv_name(layer, tmp_path):
    table = write(tmp_path, "rapport.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "rapport.csv" in message and "PDF" in message


def test_sheet_name_not_found_lists_sheets(layer, tmp_path):
    path = tmp_path / "bladen.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"buurtcode": UTRECHT}).to_excel(writer, sheet_name="Buurten", index=False)
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Toelichting", index=False)
    message = failure(INPUT=layer, TABLE=str(path), SHEET="Blad1")
    assert "bladen.xlsx" in message and "'Blad1'" in message and "Buurten, Toelichting" in message


def test_sheet_numbers_are_typed_not_thousands(layer, tmp_path):
    """Real numbers in a sheet (1.234 as a float) are never read as thousands."""
    path = tmp_path / "getallen.xlsx"
    pd.DataFrame({"buurtcode": UTRECHT, "score": [1.234, 2.5, 3.125]}).to_excel(path, index=False)
    out = join(INPUT=layer, TABLE=str(path))["OUTPUT"]
    assert values(out, "score") == pytest.approx({"BU03440111": 1.234, "BU03440112": 2.5, "BU03440113": 3.125})


# ---- 11: a code field that does not exist ----


def test_input_field_that_does_not_exist(layer, tmp_path):
    table = write(tmp_path, "t.csv", "buurtcode,v\nBU03440111,1\n")
    message = failure(INPUT=layer, TABLE=table, INPUT_FIELD="buurtcod")
    assert "codeveld 'buurtcod' bestaat niet" in message and "Bedoelt u: buurtcode?" in message
    assert "Velden: buurtcode" in message and "-1" not in message


def test_table_field_that_does_not_exist(layer, tmp_path):
    table = write(tmp_path, "t.csv", "gwb_code_10,v\nBU03440111,1\n")
    message = failure(INPUT=layer, TABLE=table, TABLE_FIELD="gwb_code")
    assert "t.csv" in message and "'gwb_code' bestaat niet" in message and "gwb_code_10" in message


# ---- 12: zeros that were '.' ----


@pytest.fixture
def lbm_with_excel_zeros(utrecht, tmp_path):
    """The real Leefbaarometer 2024 of Utrecht, 20 scores written as 0 as an Excel export does with '.'."""
    lbm = pd.read_csv(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv", dtype={"bu_code": str})
    lbm = lbm[lbm["jaar"] == 2024].reset_index(drop=True)
    zeroed = lbm["bu_code"].iloc[::5].head(20).tolist()
    original = dict(zip(lbm["bu_code"], lbm["lbm"]))
    lbm.loc[lbm["bu_code"].isin(zeroed), "lbm"] = 0
    path = tmp_path / "lbm-2024-excel.csv"
    lbm[["bu_code", "lbm"]].to_csv(path, index=False)
    return str(path), zeroed, original


def test_zero_cluster_warned(utrecht, lbm_with_excel_zeros):
    table, zeroed, _ = lbm_with_excel_zeros
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=table)["OUTPUT"]
    message = next(w for w in feedback.warnings if "precies 0" in w)
    assert "lbm-2024-excel.csv" in message and "'lbm': 20 waarden" in message and zeroed[0] in message
    assert values(out, "lbm", "statcode")[zeroed[0]] == 0  # default: warned, not changed


def test_zero_cluster_as_missing(utrecht, lbm_with_excel_zeros):
    table, zeroed, original = lbm_with_excel_zeros
    feedback = RecordingFeedback()
    result = join(feedback, INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=table, ZEROS_AS_MISSING=True)
    lbm = values(result["OUTPUT"], "lbm", "statcode")
    assert all(lbm[code] is None for code in zeroed)
    kept = [code for code in original if code not in zeroed]
    assert all(lbm[code] == pytest.approx(original[code]) for code in kept)
    assert any("als ontbrekend gelezen" in w for w in feedback.warnings)


def test_real_kwb_zeros_are_not_flagged(utrecht):
    """Utrecht's real kerncijfers have genuine zeros (0 % corporation dwellings next to 1 %): no warning."""
    feedback = RecordingFeedback()
    join(feedback, INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=str(utrecht / "kwb-2023-GM0344.xlsx"))
    assert not [w for w in feedback.warnings if "precies 0" in w]


def test_share_zero_where_people_live(layer, tmp_path):
    rows = [(f"BU034402{i:02d}", 1500 + 100 * i, f"{8 + i % 7},{i % 10}") for i in range(11, 40)]
    rows += [("BU03440190", 20, "1,0"), ("BU03440191", 15, "0,5")]  # tiny buurten: small shares are real
    rows += [("BU03440112", 2400, "0"), ("BU03440113", 1800, "0"), ("BU03440140", 3000, "0"), ("BU03440192", 5, "0")]
    text = "buurtcode;a_inw;p_hh_li\n" + "".join(f"{c};{a};{p}\n" for c, a, p in rows)
    table = write(tmp_path, "inkomen.csv", text)
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=layer, TABLE=table, ZEROS_AS_MISSING=True)["OUTPUT"]
    message = next(w for w in feedback.warnings if "precies 0" in w)
    assert "'p_hh_li': 3 waarden" in message and "minstens 1000 inwoners" in message and "BU03440112" in message
    assert values(out, "p_hh_li")["BU03440112"] is None and values(out, "p_hh_li")["BU03440111"] is None


# ---- 14: table and layer on different levels ----


@pytest.fixture
def utrecht_wijken(utrecht, tmp_path):
    """A wijk layer of Utrecht: the ten WK codes of the real kerncijfers, as PDOK names the field."""
    kwb = pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx", dtype=object)
    codes = [code for code in kwb["gwb_code_10"] if code.startswith("WK")]
    assert len(codes) == 10
    return make_layer(tmp_path, [{"wijkcode": code, "gemeentecode": "GM0344"} for code in codes], "wijken")


@pytest.fixture
def wijk_table(utrecht, tmp_path):
    kwb = pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx", dtype=object)
    wijken = kwb[kwb["recs"] == "Wijk"][["gwb_code_10", "a_inw"]].assign(jaar=2022)
    path = tmp_path / "wijken-2022.csv"
    wijken.to_csv(path, sep=";", index=False)
    return str(path)


def test_wijk_table_with_year_on_buurt_layer(utrecht, wijk_table):
    message = failure(INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=wijk_table, YEAR=2022)
    assert "wijken-2022.csv" in message and "wijk (10 codes, zoals WK034401)" in message
    assert "buurtniveau" in message and "wijklaag" in message and "Gevonden jaren: ." not in message


def test_wijk_table_without_year_on_buurt_layer(utrecht, wijk_table):
    message = failure(INPUT=str(utrecht / "buurten-2019-GM0344.geojson"), TABLE=wijk_table)
    assert "wijken-2022.csv" in message and "wijk (10 codes" in message and "buurtniveau" in message


def test_buurt_table_on_wijk_layer(utrecht_wijken, utrecht):
    table = str(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv")
    message = failure(INPUT=utrecht_wijken, TABLE=table, YEAR=2024)
    assert "leefbaarometer-scores-buurten-GM0344-2018-2024.csv" in message and "buurt (110 codes" in message
    assert "wijkniveau" in message and "buurtlaag" in message


def test_kwb_on_wijk_layer_takes_wijk_rows(utrecht_wijken, utrecht):
    feedback = RecordingFeedback()
    result = join(feedback, INPUT=utrecht_wijken, TABLE=str(utrecht / "kwb-2023-GM0344.xlsx"), FIELDS="a_inw")
    kwb = pd.read_excel(utrecht / "kwb-2023-GM0344.xlsx", dtype=object)
    expected = dict(zip(kwb["gwb_code_10"], kwb["a_inw"]))
    assert values(result["OUTPUT"], "a_inw", "wijkcode") == {
        code: expected[code] for code in expected if code.startswith("WK")
    }
    assert result["MATCHED"] == 10 and result["MATCH_SHARE"] == 1.0


def test_gemeente_table_on_buurt_layer(layer, tmp_path):
    table = write(tmp_path, "gemeenten.csv", "gm_code;a_inw\nGM0344;361924\nGM0307;157462\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "gemeenten.csv" in message and "gemeente (2 codes, zoals GM0344)" in message and "buurtniveau" in message


# ---- 15: codes without the gemeente part; a poor match is never quiet ----


@pytest.mark.parametrize("gemeente", ["0758", "GM0758", 758])
def test_short_codes_completed_from_gemeente_field(tmp_path, gemeente, request):
    codes = ["BU07580601", "BU07580602", "BU07580710"]
    layer = make_layer(tmp_path, [{"buurtcode": c, "GEMEENTECODE": gemeente} for c in codes], "breda")
    table = write(tmp_path, "breda-open-data.csv", "buurtcode;aantal\n0601;10\n0602;20\n0710;30\n")
    feedback = RecordingFeedback()
    result = join(feedback, INPUT=layer, TABLE=table)
    assert values(result["OUTPUT"], "aantal") == {"BU07580601": 10, "BU07580602": 20, "BU07580710": 30}
    assert result["MATCHED"] == 3 and "BU07580601" in feedback.log and "aangevuld" in feedback.log


def test_short_codes_on_layer_with_short_codes_and_gemeente_field(tmp_path):
    """Municipal open data on both sides: BUURTCODE 0601 and GEMEENTECODE 0758 in the layer too."""
    layer = make_layer(tmp_path, [{"BUURTCODE": c, "GEMEENTECODE": "0758"} for c in ("0601", "0602")], "breda")
    table = write(tmp_path, "t.csv", "buurtcode;aantal\n0601;10\n0602;20\n")
    result = join(INPUT=layer, TABLE=table)
    assert values(result["OUTPUT"], "aantal", "BUURTCODE") == {"0601": 10, "0602": 20}
    assert result["MATCHED"] == 2


def test_short_codes_on_multi_gemeente_layer_refused(tmp_path):
    layer = make_layer(tmp_path, [{"buurtcode": c} for c in ("BU07580601", "BU03440111")], "twee")
    table = write(tmp_path, "kort.csv", "buurtcode;aantal\n0601;10\n")
    message = failure(INPUT=layer, TABLE=table)
    assert "kort.csv" in message and "'0601'" in message and "gemeentedeel" in message


def test_poor_match_is_the_first_line_and_an_output(layer, tmp_path):
    table = write(tmp_path, "ander.csv", "buurtcode;v\nBU07580601;1\nBU07580602;2\n")
    feedback = OrderedFeedback()
    result = join(feedback, INPUT=layer, TABLE=table)
    assert result["MATCHED"] == 0 and result["MATCH_SHARE"] == 0.0
    kind, first = feedback.lines[0]
    assert kind == "warning" and first.startswith("LET OP") and "ander.csv" in first
    assert "0 van 3 gebieden gekoppeld" in first
    assert "GM0758" in first and "GM0344" in first  # what to do: the table is of another gemeente


def test_partial_match_warns_first_with_examples(layer, tmp_path):
    table = write(tmp_path, "deels.csv", "buurtcode;v\nBU03440111;1\nBU03440112;2\nBU03449999;3\n")
    feedback = OrderedFeedback()
    result = join(feedback, INPUT=layer, TABLE=table)
    kind, first = feedback.lines[0]
    assert kind == "warning" and "2 van 3 gebieden gekoppeld (66,7 %)" in first and "LET OP" not in first
    assert "BU03440113" in first and "BU03449999" in first and "verschillende CBS-jaren" in first
    assert result["MATCHED"] == 2 and result["MATCH_SHARE"] == pytest.approx(2 / 3)


def test_good_match_is_the_first_info(layer, tmp_path):
    table = write(tmp_path, "goed.csv", "buurtcode;v\nBU03440111;1\nBU03440112;2\nBU03440113;3\n")
    feedback = OrderedFeedback()
    result = join(feedback, INPUT=layer, TABLE=table)
    assert (
        feedback.lines[0][0] == "info"
        and feedback.infos[0].startswith("Laag ")
        and "3 van 3 gebieden gekoppeld (100,0 %)" in feedback.infos[0]
    )
    assert result["MATCHED"] == 3 and result["MATCH_SHARE"] == 1.0 and not feedback.warnings
