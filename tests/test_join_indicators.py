"""veerkracht:joinindicators on the real public files and on small made-up bad ones."""

import csv
import hashlib
import json

import pandas as pd
import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from helpers import RecordingFeedback, features_by, is_null, run, vector_layer

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture
def utrecht(shared_data):
    return shared_data / "utrecht"


@pytest.fixture
def utrecht_buurten(utrecht):
    return str(utrecht / "buurten-2019-GM0344.geojson")


def join(feedback=None, **parameters):
    parameters.setdefault("OUTPUT", "TEMPORARY_OUTPUT")
    return run("joinindicators", parameters, feedback)


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_leefbaarometer_long_csv_on_utrecht(utrecht, utrecht_buurten):
    table = str(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv")
    before = sha(table), sha(utrecht_buurten)
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=utrecht_buurten, TABLE=table, YEAR=2024, PREFIX="lbm24_")["OUTPUT"]

    assert out.featureCount() == 111
    fields = out.fields()
    assert fields.field("lbm24_onv").isNumeric() and fields.field("lbm24_lbm").isNumeric()
    assert fields.lookupField("lbm24_jaar") == -1  # the year column is not copied
    by_code = features_by(out, "statcode")
    assert by_code["BU03440111"]["lbm24_onv"] == pytest.approx(-0.021041232940127)
    assert by_code["BU03440111"]["lbm24_bu_naam"] == "Welgelegen, Den Hommel"
    assert is_null(by_code["BU03440952"]["lbm24_onv"])  # absent in the source
    assert sum(not is_null(f["lbm24_lbm"]) for f in out.getFeatures()) == 110
    assert "110 van 111 gebieden gekoppeld" in feedback.log
    assert not feedback.warnings
    assert (sha(table), sha(utrecht_buurten)) == before  # inputs untouched


def test_long_table_without_year_lists_years(utrecht, utrecht_buurten):
    table = str(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv")
    with pytest.raises(QgsProcessingException, match=r"kies een jaar\. Gevonden jaren: 2018, 2020, 2022, 2024"):
        join(INPUT=utrecht_buurten, TABLE=table)


def test_year_not_in_table(utrecht, utrecht_buurten):
    table = str(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv")
    with pytest.raises(QgsProcessingException, match=r"jaar 2019 komt niet voor in kolom 'jaar'"):
        join(INPUT=utrecht_buurten, TABLE=table, YEAR=2019)


def test_kwb_xlsx_with_missing_dots_and_other_levels(utrecht, utrecht_buurten):
    feedback = RecordingFeedback()
    out = join(
        feedback,
        INPUT=utrecht_buurten,
        TABLE=str(utrecht / "kwb-2023-GM0344.xlsx"),
        FIELDS="a_inw, p_wcorpw,a_soz_wb,regio",
    )["OUTPUT"]
    names = out.fields().names()
    assert names[-4:] == ["a_inw", "p_wcorpw", "a_soz_wb", "regio"]
    assert out.fields().field("p_wcorpw").isNumeric() and out.fields().field("a_inw").isNumeric()
    by_code = features_by(out, "statcode")
    assert by_code["BU03440111"]["a_inw"] == 1810
    assert by_code["BU03440111"]["regio"] == "Welgelegen, Den Hommel"
    assert sum(not is_null(f["p_wcorpw"]) for f in out.getFeatures()) == 108
    assert sum(not is_null(f["a_soz_wb"]) for f in out.getFeatures()) == 107
    assert "11 regels van een ander niveau dan buurt genegeerd" in feedback.log


def test_baarn_pdok_layer_as_project_table(shared_data):
    """A PDOK layer in the project used as table: -99995 becomes NULL, real numbers stay."""
    baarn = shared_data / "baarn"
    pdok = vector_layer(baarn / "buurten-2024-GM0308.geojson", "buurten Baarn 2024")
    QgsProject.instance().addMapLayer(pdok)
    try:
        out = join(
            INPUT=str(baarn / "buurten-2024-GM0308.geojson"),
            TABLE=pdok.id(),
            PREFIX="t_",
            FIELDS="aantal_inwoners,perc_huurwoningen_in_bezit_woningcorporaties,geboorte_totaal",
        )["OUTPUT"]
    finally:
        QgsProject.instance().removeMapLayer(pdok.id())
    assert out.featureCount() == 21
    for feature in out.getFeatures():
        assert feature["t_aantal_inwoners"] == feature["aantal_inwoners"]
        assert is_null(feature["t_perc_huurwoningen_in_bezit_woningcorporaties"])
        assert is_null(feature["t_geboorte_totaal"])
    assert features_by(out, "buurtcode")["BU03080000"]["t_aantal_inwoners"] == 1825


def test_baarn_kerncijfers_long_indicators_pivot(shared_data):
    baarn = shared_data / "baarn"
    out = join(
        INPUT=str(baarn / "buurten-2024-GM0308.geojson"),
        TABLE=str(baarn / "kerncijfers-GM0308-2016-2025-long.csv"),
        YEAR=2019,
        PREFIX="k19_",
    )["OUTPUT"]
    centrum = features_by(out, "buurtcode")["BU03080000"]
    assert centrum["k19_aantal_inwoners"] == 1750
    assert centrum["k19_bijstandsontvangers"] == 30
    assert centrum["k19_huishoudens_laag_inkomen"] == pytest.approx(6.7)


def national_layer(shared_data):
    """The 13,594 buurt codes of the CBS generalised buurt map 2019 as a memory layer (a square each)."""
    codes = (shared_data / "nl" / "buurtcodes-2019.csv").read_text().split()[1:]
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=statcode:string", "buurten 2019", "memory")
    features = []
    for code in codes:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([code])
        feature.setGeometry(QgsGeometry.fromWkt("POLYGON((5 52, 5.01 52, 5 52.01, 5 52))"))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer, codes


def test_nl_layer_with_integer_codes_that_lost_zeros(shared_data, tmp_path):
    nl, codes = national_layer(shared_data)
    assert len(codes) == 13594
    table = tmp_path / "waarden.csv"
    with open(table, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["code", "waarde"])
        for number, code in enumerate(codes):
            writer.writerow([int(code[2:]) if code[2:].isdigit() else code, f"{number},5"])
    feedback = RecordingFeedback()
    out = join(feedback, INPUT=nl, TABLE=str(table), TABLE_FIELD="code")["OUTPUT"]
    assert out.featureCount() == 13594
    values = {f["statcode"]: f["waarde"] for f in out.getFeatures()}
    assert values[codes[0]] == pytest.approx(0.5)
    assert values[codes[-1]] == pytest.approx(13593.5)
    assert not any(is_null(v) for v in values.values())
    assert "13594 van 13594 gebieden gekoppeld" in feedback.log


# ---- small made-up files for every kind of bad input ----


@pytest.fixture
def tiny_layer(tmp_path):
    """Three buurten of Utrecht as a GeoJSON file, codes as PDOK writes them."""
    path = tmp_path / "buurten.geojson"
    features = []
    for i, code in enumerate(["BU03440111", "BU03440112", "BU03440113"]):
        x = 5.0 + i * 0.01
        ring = [[x, 52.0], [x + 0.01, 52.0], [x, 52.01], [x, 52.0]]
        features.append(
            {
                "type": "Feature",
                "properties": {"buurtcode": code, "buurtnaam": f"B{i}"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def test_semicolon_decimal_comma_windows1252(tiny_layer, tmp_path):
    table = tmp_path / "aedes.csv"
    table.write_bytes(
        "Code;Naam;Aandeel\n3440111;Café ’s-Hertogenbosch;12,5\n3440112;Zuid;.\n3440113;Noord;1.234,75\n".encode(
            "cp1252"
        )
    )
    out = join(INPUT=tiny_layer, TABLE=str(table), TABLE_FIELD="Code")["OUTPUT"]
    by_code = features_by(out, "buurtcode")
    assert by_code["BU03440111"]["Naam"] == "Café ’s-Hertogenbosch"
    assert by_code["BU03440111"]["Aandeel"] == pytest.approx(12.5)
    assert is_null(by_code["BU03440112"]["Aandeel"])
    assert by_code["BU03440113"]["Aandeel"] == pytest.approx(1234.75)


def test_utf8_bom_comma_csv_with_markers(tiny_layer, tmp_path):
    table = tmp_path / "bom.csv"
    table.write_bytes("\ufeffbu_code,a,b\nbu03440111 ,x,1\n03440112,-99997,2\nBU03440113,7,-99999999\n".encode())
    out = join(INPUT=tiny_layer, TABLE=str(table))["OUTPUT"]
    by_code = features_by(out, "buurtcode")
    assert is_null(by_code["BU03440111"]["a"]) and is_null(by_code["BU03440112"]["a"])
    assert by_code["BU03440113"]["a"] == 7
    assert is_null(by_code["BU03440113"]["b"]) and by_code["BU03440112"]["b"] == 2


def test_excel_and_ods_with_title_rows(tiny_layer, tmp_path):
    rows = [
        ["Eigen cijfers corporatie", None, None],
        [None, None, None],
        ["buurtcode", "vhe", "label"],
        ["BU03440111", 120, "A"],
        ["BU03440113", 5, "B"],
    ]
    for suffix, engine in ((".xlsx", "openpyxl"), (".ods", "odf")):
        path = tmp_path / f"eigen{suffix}"
        pd.DataFrame(rows).to_excel(path, header=False, index=False, engine=engine)
        out = join(INPUT=tiny_layer, TABLE=str(path))["OUTPUT"]
        by_code = features_by(out, "buurtcode")
        assert by_code["BU03440111"]["vhe"] == 120, suffix
        assert is_null(by_code["BU03440112"]["vhe"]), suffix
        assert by_code["BU03440113"]["label"] == "B", suffix


def test_sheet_without_header_names_the_row(tiny_layer, tmp_path):
    path = tmp_path / "geen_kop.xlsx"
    pd.DataFrame([["Overzicht", None], [3440111, 4.5], [3440112, 3.5]]).to_excel(path, header=False, index=False)
    with pytest.raises(QgsProcessingException, match=r"geen_kop\.xlsx': regel 2 lijkt gegevens te bevatten"):
        join(INPUT=tiny_layer, TABLE=str(path))


def test_duplicate_codes_named(tiny_layer, tmp_path):
    table = tmp_path / "dubbel.csv"
    table.write_text("buurtcode,v\nBU03440111,1\n3440111,2\nBU03440112,3\n")
    with pytest.raises(QgsProcessingException, match=r"dubbel\.csv'.*meer dan eens.*'buurtcode': BU03440111"):
        join(INPUT=tiny_layer, TABLE=str(table))


def test_missing_key_column_named(tiny_layer, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("buurtcode,v\nBU03440111,1\n")
    with pytest.raises(
        QgsProcessingException,
        match=r"t\.csv': codekolom 'bu_cod' bestaat niet\. Bedoelt u: buurtcode\? Kolommen: buurtcode, v\.",
    ):
        join(INPUT=tiny_layer, TABLE=str(table), TABLE_FIELD="bu_cod")
    with pytest.raises(QgsProcessingException, match=r"kolom 'vv' bestaat niet\. Bedoelt u: v\?"):
        join(INPUT=tiny_layer, TABLE=str(table), FIELDS="vv")


def test_low_match_warns_and_unmatched_table(tiny_layer, tmp_path):
    table = tmp_path / "ander_jaar.csv"
    table.write_text("buurtcode,v\nBU03440111,1\nBU03449999,2\n")
    feedback = RecordingFeedback()
    result = join(feedback, INPUT=tiny_layer, TABLE=str(table), UNMATCHED="TEMPORARY_OUTPUT")
    assert any("verschillende CBS-jaren" in w for w in feedback.warnings)
    unmatched = {(f["code"], f["bron"].split()[0]) for f in result["UNMATCHED"].getFeatures()}
    assert unmatched == {("BU03440112", "laag"), ("BU03440113", "laag"), ("BU03449999", "tabel")}


def test_name_clash_gets_suffix(tiny_layer, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("buurtcode,buurtnaam\nBU03440111,Andere naam\n")
    out = join(INPUT=tiny_layer, TABLE=str(table))["OUTPUT"]
    feature = features_by(out, "buurtcode")["BU03440111"]
    assert feature["buurtnaam"] == "B0" and feature["buurtnaam_2"] == "Andere naam"


def test_cancel_stops(tiny_layer, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("buurtcode,v\nBU03440111,1\n")
    feedback = QgsProcessingFeedback()
    feedback.cancel()
    with pytest.raises(QgsProcessingException, match="Geannuleerd: er is geen uitvoer geschreven"):
        join(feedback, INPUT=tiny_layer, TABLE=str(table))


def test_unknown_file_type(tiny_layer, tmp_path):
    path = tmp_path / "t.dbf.json"
    path.write_text("{}")
    with pytest.raises(QgsProcessingException, match=r"bestandstype '\.json' wordt niet gelezen"):
        join(INPUT=tiny_layer, TABLE=str(path))


def test_layer_without_recognisable_code_field(tmp_path):
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=naam:string", "zonder code", "memory")
    table = tmp_path / "t.csv"
    table.write_text("buurtcode,v\nBU03440111,1\n")
    with pytest.raises(QgsProcessingException, match=r"geen codeveld herkend.*Velden: naam"):
        join(INPUT=layer, TABLE=str(table))
