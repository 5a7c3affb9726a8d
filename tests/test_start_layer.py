"""A start-year buurt layer with its own kerncijfers, as PDOK publishes them (issue 15, point 3): joined by code
when the indelingen match, carried over with 'herindelen' when they do not, and said so."""

import csv

import pytest
from qgis.core import QgsVectorLayer
from test_styles_and_sharing import baarn_job

from helpers import RecordingFeedback, run

pytestmark = pytest.mark.usefixtures("provider")
PDOK_FIELDS = {
    "bijstandsontvangers": "aantal_personen_met_een_alg_bijstandsuitkering_tot",
    "huishoudens_laag_inkomen": "percentage_huishoudens_met_laag_inkomen",
    "aantal_inwoners": "aantal_inwoners",
}


def start_layer(shared_data, tmp_path, renumber=False):
    """Baarn's 2019 buurten with the 2019 kerncijfers written into PDOK's fields (-99995 where CBS had none)."""
    from veerkracht.veerkracht_plugin.compat import make_field
    from veerkracht.veerkracht_plugin.geopackage import write_layer

    with open(baarn_job(shared_data)["KERNCIJFERS_END"], encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["table_year"] == "2019" and r["indicator"] in PDOK_FIELDS]
    values = {(r["buurtcode"], PDOK_FIELDS[r["indicator"]]): float(r["value"]) if r["value"] else -99995 for r in rows}
    target = tmp_path / "buurten-2019-met-kerncijfers.gpkg"
    assert write_layer(QgsVectorLayer(str(shared_data / "baarn" / "buurten-2019-GM0308.geojson")), target, "b") == ""
    layer = QgsVectorLayer(str(target), "start", "ogr")
    layer.dataProvider().addAttributes([make_field(name, "float") for name in PDOK_FIELDS.values()])
    layer.updateFields()
    code = layer.fields().lookupField("statcode")
    changes = {}
    for feature in layer.getFeatures():
        original = feature["statcode"]
        change = {layer.fields().lookupField(f): values[(original, f)] for f in PDOK_FIELDS.values()}
        if renumber:  # the gemeente redivided: every code is new
            change[code] = "BU03089" + original[-3:]
        changes[feature.id()] = change
    assert layer.dataProvider().changeAttributeValues(changes)
    del layer
    return target


def classes(path, map_id):
    return {f["buurtcode"]: f[f"{map_id}_klasse"] for f in QgsVectorLayer(str(path), "k", "ogr").getFeatures()}


@pytest.fixture(scope="module")
def by_table(provider, tmp_path_factory):
    from conftest import SHARED_DATA

    target = tmp_path_factory.mktemp("tabel") / "tabel.gpkg"
    run("makemaps", {**baarn_job(SHARED_DATA), "OUTPUT": str(target)})
    return target


def test_start_layer_on_the_same_indeling_is_joined_by_code(shared_data, tmp_path, by_table):
    job = {k: baarn_job(shared_data)[k] for k in ("INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END", "KWB_YEAR_END")}
    feedback = RecordingFeedback()
    result = run(
        "makemaps",
        {**job, "BUURTEN_START": str(start_layer(shared_data, tmp_path)), "OUTPUT": str(tmp_path / "code.gpkg")},
        feedback,
    )
    assert any("100% van de buurtcodes komt overeen: op buurtcode gekoppeld" in i for i in feedback.infos)
    assert "op buurtcode gekoppeld" in result["REFERENTIESET"]
    for map_id in ("kwetsbaar_ontwikkeling", "signalering", "signalering_relatief"):
        assert classes(tmp_path / "code.gpkg", map_id) == classes(by_table, map_id), map_id


def test_start_layer_on_another_indeling_is_carried_over(shared_data, tmp_path, by_table):
    job = {k: baarn_job(shared_data)[k] for k in ("INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END", "KWB_YEAR_END")}
    start = start_layer(shared_data, tmp_path, renumber=True)
    feedback = RecordingFeedback()
    result = run("makemaps", {**job, "BUURTEN_START": str(start), "OUTPUT": str(tmp_path / "om.gpkg")}, feedback)
    assert any(
        "0% van de buurtcodes komt overeen: omgerekend naar de buurten (herindelen)" in i for i in feedback.infos
    )
    assert "omgerekend naar de buurten van de buurtlaag" in result["REFERENTIESET"]
    carried, joined = classes(tmp_path / "om.gpkg", "signalering"), classes(by_table, "signalering")
    assert set(carried.values()) - {0}, "the change maps have classes"
    same = sum(carried[code] == joined[code] for code in joined)
    assert same >= 0.75 * len(joined), f"only {same} of {len(joined)} buurten keep their class"


@pytest.mark.bad_input
def test_start_layer_without_filled_kerncijfers_is_refused(shared_data):
    job = {k: baarn_job(shared_data)[k] for k in ("INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END", "KWB_YEAR_END")}
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match=r"heeft geen gevuld veld voor component 'bijstandsontvangers'"):
        run("makemaps", {**job, "BUURTEN_START": job["INPUT"], "KWB_YEAR_START": 2019, "OUTPUT": "TEMPORARY_OUTPUT"})


@pytest.mark.parametrize("renumber", [False, True])
def test_vulnerabilityindex_takes_the_start_year_from_its_own_layer(shared_data, tmp_path, renumber):
    """vulnerabilityindex with START_LAYER: the same index as from the long table when the codes match, close
    to it when the figures had to be carried over."""
    from test_compute_maps import joined

    job = baarn_job(shared_data)
    start = start_layer(shared_data, tmp_path, renumber=renumber)
    fields = "aantal_inwoners,bijstandsontvangers,huishoudens_laag_inkomen"
    end = joined(job["INPUT"], [(job["KERNCIJFERS_END"], 2023, "k23_", fields)])
    common = {
        "INPUT": end,
        "YEAR_START": 2019,
        "YEAR_END": 2023,
        "COUNTS_END": ["k23_bijstandsontvangers"],
        "SHARES_END": ["k23_huishoudens_laag_inkomen"],
        "INWONERS_END": "k23_aantal_inwoners",
        "OUTPUT": "TEMPORARY_OUTPUT",
    }
    feedback = RecordingFeedback()
    own = run(
        "vulnerabilityindex",
        {
            **common,
            "START_LAYER": str(start),
            "COUNTS_START": ["aantal_personen_met_een_alg_bijstandsuitkering_tot"],
            "SHARES_START": ["percentage_huishoudens_met_laag_inkomen"],
            "INWONERS_START": "aantal_inwoners",
        },
        feedback,
    )["OUTPUT"]
    both = joined(end, [(job["KERNCIJFERS_END"], 2019, "k19_", fields)])
    table = run(
        "vulnerabilityindex",
        {
            **common,
            "INPUT": both,
            "COUNTS_START": ["k19_bijstandsontvangers"],
            "SHARES_START": ["k19_huishoudens_laag_inkomen"],
            "INWONERS_START": "k19_aantal_inwoners",
        },
    )["OUTPUT"]
    ours = {f["buurtcode"]: f["kwetsbaar_2019"] for f in own.getFeatures()}
    theirs = {f["buurtcode"]: f["kwetsbaar_2019"] for f in table.getFeatures()}
    how = "omgerekend naar de buurten" if renumber else "op buurtcode gekoppeld"
    assert any(how in i for i in feedback.infos)
    present = [c for c in theirs if theirs[c] is not None and str(theirs[c]) != "NULL"]
    assert len(present) >= 15
    for code in present:
        if renumber:
            assert ours[code] == pytest.approx(theirs[code], abs=0.35), code
        else:
            assert ours[code] == pytest.approx(theirs[code], abs=1e-9), code
