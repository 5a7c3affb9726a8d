"""The one-step dialog as a GIS specialist uses it (issue 14, points 1-5): only the files, no typed column names
or years; choices said in the log; messages with the dialog's labels; a result named after its gemeente."""

import pytest
from processing.tools import dataobjects
from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsVectorLayer,
)
from test_styles_and_sharing import baarn_job, utrecht_job

from helpers import RecordingFeedback, run

pytestmark = pytest.mark.usefixtures("provider")


def files_only(job):
    return {key: job[key] for key in ("INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END")}


def classes(path):
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    layer = QgsVectorLayer(str(path), "kaarten", "ogr")
    return {
        f["buurtcode"] if "buurtcode" in f.fields().names() else f["statcode"]: tuple(f[f"{m}_klasse"] for m in MAP_IDS)
        for f in layer.getFeatures()
    }


def test_baarn_with_only_its_files_equals_the_hand_made_job(shared_data, tmp_path):
    feedback = RecordingFeedback()
    run("makemaps", {**files_only(baarn_job(shared_data)), "OUTPUT": str(tmp_path / "auto.gpkg")}, feedback)
    run("makemaps", {**baarn_job(shared_data), "OUTPUT": str(tmp_path / "hand.gpkg")})
    assert classes(tmp_path / "auto.gpkg") == classes(tmp_path / "hand.gpkg")
    chosen = "\n".join(i for i in feedback.infos if i.startswith("Gekozen"))
    assert "Leefbaarometer: jaren 2018-2024" in chosen
    assert "kerncijfers eindjaar 2023" in chosen and "kerncijfers beginjaar 2019" in chosen
    assert "componenten: bijstandsontvangers, huishoudens_laag_inkomen" in chosen
    assert "veld perc_huurwoningen_in_bezit_woningcorporaties van de buurtlaag is leeg (-99995" in chosen
    layer = QgsVectorLayer(str(tmp_path / "auto.gpkg"), "auto", "ogr")
    assert {f["signalering_klasse"] for f in layer.getFeatures()} - {0}, "all maps, also the change maps"


def test_utrecht_with_only_its_files(shared_data, tmp_path):
    feedback = RecordingFeedback()
    run("makemaps", {**files_only(utrecht_job(shared_data)), "OUTPUT": str(tmp_path / "u.gpkg")}, feedback)
    run("makemaps", {**utrecht_job(shared_data), "OUTPUT": str(tmp_path / "hand.gpkg")})
    assert classes(tmp_path / "u.gpkg") == classes(tmp_path / "hand.gpkg")
    assert any("kerncijfers eindjaar 2023" in i for i in feedback.infos)


@pytest.mark.bad_input
def test_pdok_layer_of_an_early_version_says_its_kerncijfers_are_not_filled_yet(shared_data):
    """The real Baarn 2024 layer is an early version: its benefit fields are -99995 everywhere."""
    job = baarn_job(shared_data)
    params = {"INPUT": job["INPUT"], "LEEFBAAROMETER": job["LEEFBAAROMETER"], "OUTPUT": "TEMPORARY_OUTPUT"}
    with pytest.raises(QgsProcessingException, match=r"heeft ze niet gevuld .*aantal_personen_met_een_alg_bijstand"):
        run("makemaps", params)


def test_pdok_layer_carries_its_own_kerncijfers(shared_data, tmp_path):
    """A final version of the same layer: the 2023 benefits written into its PDOK field."""
    import csv

    job = baarn_job(shared_data)
    with open(job["KERNCIJFERS_END"], encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["table_year"] == "2023"]
    bijstand = {r["buurtcode"]: float(r["value"]) for r in rows if r["indicator"] == "bijstandsontvangers"}
    layer = QgsVectorLayer(job["INPUT"], "buurten", "ogr")
    copy = tmp_path / "buurten-2024-definitief.gpkg"
    field = "aantal_personen_met_een_alg_bijstandsuitkering_tot"
    from veerkracht.veerkracht_plugin.geopackage import write_layer

    assert write_layer(layer, copy, "buurten") == ""
    filled = QgsVectorLayer(str(copy), "definitief", "ogr")
    index = filled.fields().lookupField(field)
    filled.dataProvider().changeAttributeValues(
        {f.id(): {index: bijstand[f["buurtcode"]]} for f in filled.getFeatures()}
    )
    del filled
    feedback = RecordingFeedback()
    params = {"INPUT": str(copy), "LEEFBAAROMETER": job["LEEFBAAROMETER"], "OUTPUT": str(tmp_path / "p.gpkg")}
    run("makemaps", params, feedback)
    assert any("kerncijfers uit de buurtlaag zelf: " + field in i for i in feedback.infos)
    result = QgsVectorLayer(str(tmp_path / "p.gpkg"), "p", "ogr")
    assert result.featureCount() == 21
    assert {f["kwetsbaar_klasse"] for f in result.getFeatures()} >= {1, 5}


@pytest.mark.bad_input
def test_table_with_its_own_code_column(shared_data, tmp_path):
    job = files_only(baarn_job(shared_data))
    lbm = tmp_path / "lbm.csv"
    text = open(job["LEEFBAAROMETER"], encoding="utf-8").read()
    lbm.write_text(text.replace('"bu_code"', '"buurt_id"', 1), encoding="utf-8")
    run(
        "makemaps",
        {**job, "LEEFBAAROMETER": str(lbm), "LBM_CODE_FIELD": "buurt_id", "OUTPUT": str(tmp_path / "c.gpkg")},
    )
    assert QgsVectorLayer(str(tmp_path / "c.gpkg"), "c", "ogr").featureCount() == 21


@pytest.mark.bad_input
def test_a_year_the_file_lacks_names_the_label_and_the_years(shared_data):
    with pytest.raises(
        QgsProcessingException, match=r"'Leefbaarometer eindjaar' is 2031, maar .* 2018, 2020, 2022, 2024"
    ):
        run("makemaps", {**files_only(baarn_job(shared_data)), "LBM_YEAR_END": 2031, "OUTPUT": "TEMPORARY_OUTPUT"})


@pytest.mark.bad_input
def test_rules_between_parameters_are_checked_in_the_dialog(shared_data):
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:makemaps")
    params = {**files_only(baarn_job(shared_data)), "LBM_YEAR_START": 2024, "LBM_YEAR_END": 2018, "OUTPUT": "x.gpkg"}
    ok, message = algorithm.checkParameterValues(params, QgsProcessingContext())
    assert not ok and message == "'Leefbaarometer beginjaar' moet vóór 'Leefbaarometer eindjaar' liggen."
    params = {**files_only(baarn_job(shared_data)), "KERNCIJFERS_END": None, "KERNCIJFERS_START": "x.csv"}
    ok, message = algorithm.checkParameterValues(params, QgsProcessingContext())
    assert not ok and "Vul ook 'CBS Kerncijfers, eindjaar of lange tabel' in." == message


def test_every_parameter_has_help_and_rare_ones_are_advanced():
    from veerkracht.veerkracht_plugin.compat import ADVANCED

    algorithm = QgsApplication.processingRegistry().createAlgorithmById("veerkracht:makemaps")
    assert all(d.help() for d in algorithm.parameterDefinitions())
    advanced = {d.name() for d in algorithm.parameterDefinitions() if d.flags() & ADVANCED}
    assert advanced >= {"MIN_INWONERS", "ZEROS_AS_MISSING", "LBM_CODE_FIELD", "KWB_CODE_FIELD", "COUNTS"}
    assert {"INPUT", "LEEFBAAROMETER", "KERNCIJFERS_END", "OUTPUT"}.isdisjoint(advanced)


@pytest.mark.parametrize("to_file", [False, True])
def test_result_is_named_after_its_gemeente_and_an_empty_project_gets_rd_new(shared_data, tmp_path, to_file):
    """As the dialog runs it ('open output file after running'): to a file this crashed the 3.22 desktop, the
    staging's rewrite of the layers to load deleted computemaps' post-processor under Python's feet."""
    project = QgsProject()
    feedback = QgsProcessingFeedback()
    context = dataobjects.createContext(feedback)
    context.setProject(project)
    output = QgsProcessingOutputLayerDefinition(
        str(tmp_path / "baarn.gpkg") if to_file else "TEMPORARY_OUTPUT", project
    )
    import processing

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "veerkracht:makemaps"
    )  # keeps the post-processor
    result = processing.run(
        algorithm,
        {**files_only(baarn_job(shared_data)), "OUTPUT": output},
        context=context,
        feedback=feedback,
    )
    layer = result["OUTPUT"]  # processing.run hands the layer over
    key = str(tmp_path / "baarn.gpkg") if to_file else layer.id()
    if to_file:
        assert list(context.layersToLoadOnCompletion()) == [key]
        layer = QgsVectorLayer(key, "geladen", "ogr")
    details = context.layerToLoadOnCompletionDetails(key)
    assert details.name == "Veerkrachtkaarten Baarn 2019-2023"
    project.addMapLayer(layer)
    details.postProcessor().postProcessLayer(layer, context, feedback)
    assert project.crs().authid() == "EPSG:28992"
    assert layer.metadata().abstract().startswith("Referentieset: de 21 buurten")
    assert layer.renderer().classAttribute() == "signalering_klasse"
    assert layer.name() == "Veerkrachtkaarten Baarn 2019-2023"


def test_maps_are_in_rd_new_whatever_the_buurt_layer(shared_data, tmp_path):
    """The Baarn PDOK extract is EPSG:4326: the maps come out in RD New, so an RD project asks nothing."""
    run("makemaps", {**files_only(baarn_job(shared_data)), "OUTPUT": str(tmp_path / "rd.gpkg")})
    layer = QgsVectorLayer(str(tmp_path / "rd.gpkg"), "rd", "ogr")
    assert layer.crs().authid() == "EPSG:28992"
    assert 140000 < layer.extent().center().x() < 150000 and 460000 < layer.extent().center().y() < 470000


def test_each_table_is_read_once(shared_data, tmp_path, monkeypatch):
    """Issue 18: the plan looks into the tables and the joins read them again; each file is parsed once."""
    from collections import Counter

    from veerkracht.veerkracht_plugin.core import tables

    parsed = Counter()
    original = tables._parse

    def counting(path, sheet):
        parsed[path.name] += 1
        return original(path, sheet)

    monkeypatch.setattr(tables, "_parse", counting)
    run("makemaps", {**files_only(baarn_job(shared_data)), "OUTPUT": str(tmp_path / "eens.gpkg")})
    assert parsed == {
        "leefbaarometer-scores-buurten-GM0308-2018-2024.csv": 1,
        "kerncijfers-GM0308-2016-2025-long.csv": 1,
    }
    assert tables._READ == {}, "the tables are let go after the run"
    tables.read_table(shared_data / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv")
    assert tables._READ == {}, "outside makemaps nothing is kept"


def test_official_leefbaarometer_classes_replace_the_provisional_thresholds(shared_data, tmp_path):
    """A Leefbaarometer table with kscore (as 'Open data ophalen' writes it): map 1 is kscore, without the note."""
    import csv

    source = shared_data / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"
    with open(source, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows):
        row["kscore"] = 1 + number % 9  # unrelated to afw: map 1 must take these, not thresholds on afw
    path = tmp_path / "lbm-met-klassen.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    feedback = RecordingFeedback()
    job = {**files_only(baarn_job(shared_data)), "LEEFBAAROMETER": str(path), "OUTPUT": str(tmp_path / "k.gpkg")}
    run("makemaps", job, feedback)
    expected = {r["bu_code"]: r["kscore"] for r in rows if r["jaar"] == "2024"}
    layer = QgsVectorLayer(str(tmp_path / "k.gpkg"), "k", "ogr")
    got = {f["buurtcode"]: (f["leefbaarheid_klasse"], f["leefbaarheid_label"]) for f in layer.getFeatures()}
    assert {code: c for code, (c, _) in got.items() if c} == {code: expected[code] for code, (c, _) in got.items() if c}
    assert sum(1 for c, _ in got.values() if c) >= 15
    assert not any("voorlopige" in label for _, label in got.values())
    assert any("officiële klassen (kscore)" in info for info in feedback.infos)
