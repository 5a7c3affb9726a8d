"""veerkracht:wijkatlas with real users' habits (issue 12): runs again and again in one session, runs without a
project (qgis_process), never lands on an input, appears only complete, refuses what it cannot print."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from processing.tools import dataobjects
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from conftest import REPO
from helpers import only_layer_in_project, pdf_pages, run
from veerkracht.veerkracht_plugin.compat import make_field

pytestmark = pytest.mark.usefixtures("provider")

SAMPLE = REPO / "resources" / "sample_data" / "utrecht"
WIJKEN = SAMPLE / "wijken-2024-GM0344.geojson"
BINARY = "/usr/bin/qgis_process.bin"  # the /usr/bin/qgis_process wrapper passes a flag the binary refuses
UTRECHT_PAGES = 11  # the overview and 10 wijken


@pytest.fixture(scope="module")
def maps_gpkg(provider, tmp_path_factory):
    """The nine maps of Utrecht, made from the sample data."""
    target = tmp_path_factory.mktemp("atlas-veilig") / "utrecht.gpkg"
    run(
        "makemaps",
        {
            "INPUT": str(SAMPLE / "buurten-2019-GM0344.geojson"),
            "LEEFBAAROMETER": str(SAMPLE / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
            "KERNCIJFERS_END": str(SAMPLE / "kwb-2023-GM0344.xlsx"),
            "KWB_YEAR_END": 2023,
            "OUTPUT": str(target),
        },
    )
    return target


@pytest.fixture
def project_layer(maps_gpkg):
    with only_layer_in_project(maps_gpkg, "Utrecht") as layer:
        yield layer


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hidden_leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def memory_copy(layer, name, change=None):
    """The layer as a memory layer named ``name``, with a gemeentenaam field; ``change(feature)`` edits each."""
    copy = layer.materialize(QgsFeatureRequest())
    copy.setName(name)
    copy.dataProvider().addAttributes([make_field("gemeentenaam", "text")])
    copy.updateFields()
    copy.startEditing()
    for feature in copy.getFeatures():
        feature["gemeentenaam"] = "Utrecht"
        if change:
            change(feature)
        copy.updateFeature(feature)
    assert copy.commitChanges()
    QgsProject.instance().addMapLayer(copy)
    return copy


# ---- point 4: again and again in one session ----


@pytest.mark.parametrize("mode", ["layer", "path"])
def test_atlas_again_and_again_in_one_process(maps_gpkg, tmp_path, mode):
    """Map 6 only, twice on one path, then all maps, then map 6 again: no crash, every PDF complete, and the
    project holds one layout and one coverage layer, not one per run."""
    script = REPO / "tests" / "atlas_repeat.py"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, str(script), str(maps_gpkg), str(tmp_path), mode],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, f"exit {proc.returncode} (-11 is a segmentation fault)\n{proc.stderr[-3000:]}"
    runs = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(runs) == 4
    for result in runs:
        assert result["pages"] == UTRECHT_PAGES
        assert pdf_pages(result["pdf"]) == UTRECHT_PAGES
        # replaced, not added again
        assert result["layouts"] == ["Veerkracht atlas Utrecht – overzicht", "Veerkracht atlas Utrecht – wijken"]
        assert result["coverage_layers"] == 1
        assert result["input_layers"] == (1 if mode == "path" else 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alle-wijken.gpkg",
        "alle.pdf",
        "atlas-wijken.gpkg",
        "atlas.pdf",
    ]


# ---- point 6: no project, as qgis_process gives it ----


def test_atlas_without_project_in_the_context(maps_gpkg, tmp_path):
    project = QgsProject.instance()
    project.clear()
    context = dataobjects.createContext()
    context.setProject(None)
    pdf = tmp_path / "zonder-project.pdf"
    import processing

    result = processing.run(
        "veerkracht:wijkatlas", {"INPUT": str(maps_gpkg), "MAPS": [5], "OUTPUT": str(pdf)}, context=context
    )
    assert result["PAGES"] == UTRECHT_PAGES and pdf_pages(pdf) == UTRECHT_PAGES
    assert result["LAYOUT"] == result["LAYOUT_OVERVIEW"] == ""  # the layouts lived in a project of their own
    assert project.layoutManager().printLayouts() == [] and project.mapLayers() == {}


@pytest.fixture(scope="module")
def qgis_process(tmp_path_factory):
    """``run(*args)`` -> the finished qgis_process.bin, with the plugin enabled in a profile of its own."""
    folder = tmp_path_factory.mktemp("qgis-process")
    plugins = folder / "plugins"
    plugins.mkdir()
    (plugins / "veerkracht").symlink_to(REPO, target_is_directory=True)
    env = dict(
        os.environ,
        HOME=str(folder),
        QGIS_CUSTOM_CONFIG_PATH=str(folder / "profiel"),
        QGIS_PLUGINPATH=str(plugins),
        QT_QPA_PLATFORM="offscreen",
    )
    enable = subprocess.run([BINARY, "plugins", "enable", "veerkracht"], env=env, capture_output=True, text=True)
    assert enable.returncode == 0, enable.stdout[-2000:] + enable.stderr[-2000:]

    def run_process(*args):
        return subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=300)

    return run_process


def test_qgis_process_makes_the_atlas(qgis_process, maps_gpkg, tmp_path):
    pdf = tmp_path / "headless.pdf"
    proc = qgis_process(
        "--json",
        "run",
        "veerkracht:wijkatlas",
        "--",
        f"INPUT={maps_gpkg}",
        f"WIJKEN={WIJKEN}",
        "MAPS=5",
        "MAPS=6",
        f"OUTPUT={pdf}",
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads(proc.stdout[proc.stdout.index("{") :])["results"]
    assert results["PAGES"] == UTRECHT_PAGES and results["OUTPUT"] == str(pdf)
    assert pdf_pages(pdf) == UTRECHT_PAGES
    wijken = QgsVectorLayer(f"{tmp_path / 'headless-wijken.gpkg'}|layername=atlas_dekking", "dekking", "ogr")
    assert wijken.isValid() and wijken.featureCount() == UTRECHT_PAGES
    assert hidden_leftovers(tmp_path) == []


@pytest.mark.bad_input
def test_qgis_process_names_an_unknown_gemeente(qgis_process, maps_gpkg, tmp_path):
    pdf = tmp_path / "onbekend.pdf"
    proc = qgis_process("run", "veerkracht:wijkatlas", "--", f"INPUT={maps_gpkg}", "GEMEENTE=GM9999", f"OUTPUT={pdf}")
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "Gemeente 'GM9999' komt niet voor" in output and "Gevonden: GM0344" in output
    assert "Traceback" not in output
    assert not pdf.exists() and list(tmp_path.iterdir()) == []


# ---- points 1 and 2: never on an input, only complete ----


@pytest.mark.bad_input
def test_pdf_whose_wijken_file_is_the_input_is_refused(maps_gpkg, tmp_path):
    """OUTPUT utrecht.pdf would write utrecht-wijken.gpkg: when that is the input, nothing is written."""
    victim = tmp_path / "buurt-wijken.gpkg"
    victim.write_bytes(maps_gpkg.read_bytes())
    before = sha256(victim)
    with pytest.raises(QgsProcessingException) as error:
        run("wijkatlas", {"INPUT": str(victim), "OUTPUT": str(tmp_path / "buurt.pdf")})
    assert str(victim) in str(error.value) and "ook invoer" in str(error.value)
    assert sha256(victim) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buurt-wijken.gpkg"]


@pytest.mark.bad_input
def test_pdf_on_the_input_is_refused(maps_gpkg, tmp_path):
    victim = tmp_path / "kaarten.gpkg"
    victim.write_bytes(maps_gpkg.read_bytes())
    before = sha256(victim)
    with pytest.raises(QgsProcessingException, match="ook invoer"):
        run("wijkatlas", {"INPUT": str(victim), "OUTPUT": str(victim)})
    assert sha256(victim) == before


def cancelling_feedback():
    feedback = QgsProcessingFeedback()

    def cancel_after_first_page(value):  # setProgress is not virtual: listen to the signal
        if value > 0:
            feedback.cancel()

    feedback.progressChanged.connect(cancel_after_first_page)
    return feedback


@pytest.mark.bad_input
def test_cancelled_atlas_leaves_nothing(project_layer, tmp_path):
    pdf = tmp_path / "geannuleerd.pdf"
    with pytest.raises(QgsProcessingException, match="Geannuleerd"):
        run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(pdf)}, cancelling_feedback())
    assert list(tmp_path.iterdir()) == []  # no PDF, no wijken file, no hidden folder
    project = QgsProject.instance()
    assert project.layoutManager().printLayouts() == []
    assert [layer.name() for layer in project.mapLayers().values()] == ["Utrecht"]


@pytest.mark.bad_input
def test_cancelled_atlas_keeps_the_earlier_one(project_layer, tmp_path):
    pdf = tmp_path / "atlas.pdf"
    wijken = tmp_path / "atlas-wijken.gpkg"
    first = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(pdf)})
    kept = {path.name: sha256(path) for path in (pdf, wijken)}
    with pytest.raises(QgsProcessingException, match="Geannuleerd"):
        run("wijkatlas", {"INPUT": project_layer.id(), "OUTPUT": str(pdf)}, cancelling_feedback())
    assert {path.name: sha256(path) for path in (pdf, wijken)} == kept
    assert pdf_pages(pdf) == UTRECHT_PAGES
    assert hidden_leftovers(tmp_path) == []
    layout = QgsProject.instance().layoutManager().layoutByName(first["LAYOUT"])  # the earlier layout too
    assert layout is not None and layout.itemById("kaart_2") is None
    assert layout.atlas().coverageLayer().isValid()


def test_layout_reads_the_final_wijken_file_after_save_and_reopen(project_layer, tmp_path):
    pdf = tmp_path / "atlas.pdf"
    result = run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [0, 6], "OUTPUT": str(pdf)})
    project = QgsProject.instance()
    coverage = project.layoutManager().layoutByName(result["LAYOUT"]).atlas().coverageLayer()
    assert coverage.providerType() == "ogr"
    assert coverage.source() == f"{tmp_path / 'atlas-wijken.gpkg'}|layername=atlas_dekking"  # not the staged file
    assert coverage.isValid() and coverage.featureCount() == UTRECHT_PAGES

    saved = tmp_path / "project.qgz"
    assert project.write(str(saved))
    project.clear()
    assert project.read(str(saved))
    layout = project.layoutManager().layoutByName(result["LAYOUT"])
    coverage = layout.atlas().coverageLayer()
    assert coverage is not None and coverage.isValid() and coverage.featureCount() == UTRECHT_PAGES
    again = tmp_path / "opnieuw.pdf"
    from veerkracht.veerkracht_plugin.atlas import export_pdf

    assert export_pdf([project.layoutManager().layoutByName(result["LAYOUT_OVERVIEW"]), layout], again)
    assert pdf_pages(again) == UTRECHT_PAGES


# ---- point 11: a template that is no template ----


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("bestaat-niet.qpt", None, "bestaat niet"),
        ("sjabloon.txt", "<Layout/>", "geen QGIS-lay-outsjabloon (.qpt)"),
        ("kapot.qpt", "dit is geen xml <<<", "geen leesbare XML"),
        ("stijl.qpt", "<!DOCTYPE qgis><qgis version='3.22'><renderer-v2/></qgis>", "hoofdelement is <qgis>"),
        ("leeg.qpt", "<Layout name=''></Layout>", "geen van de onderdelen"),
        ("map.qpt", "DIRECTORY", "is een map"),
    ],
)
def test_template_that_is_no_layout_is_named(project_layer, tmp_path, name, content, expected):
    template = tmp_path / name
    if content == "DIRECTORY":
        template.mkdir()
    elif content is not None:
        template.write_text(content, encoding="utf-8")
    pdf = tmp_path / "atlas.pdf"
    with pytest.raises(QgsProcessingException) as error:
        run("wijkatlas", {"INPUT": project_layer.id(), "TEMPLATE": str(template), "OUTPUT": str(pdf)})
    message = str(error.value)
    assert "Lay-outsjabloon" in message and str(template) in message and expected in message
    assert "FileNotFoundError" not in message and "Incorrect parameter value" not in message
    assert not pdf.exists() and hidden_leftovers(tmp_path) == []


# ---- point 15: a gemeente the atlas cannot determine ----


@pytest.mark.bad_input
def test_unknown_gemeente_is_refused_naming_what_there_is(project_layer, tmp_path):
    pdf = tmp_path / "atlas.pdf"
    with pytest.raises(QgsProcessingException) as error:
        run("wijkatlas", {"INPUT": project_layer.id(), "GEMEENTE": "GM0758", "OUTPUT": str(pdf)})
    assert "Gemeente 'GM0758' komt niet voor in laag 'Utrecht'" in str(error.value)
    assert "Gevonden: GM0344" in str(error.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.bad_input
def test_buurt_codes_without_gemeente_are_refused(project_layer, tmp_path):
    """Codes like BU00000601 (municipal open data, completed with zeros) say gemeente GM0000: no atlas of it."""

    def drop_gemeente(feature):
        feature["statcode"] = "BU0000" + feature["statcode"][-4:]

    layer = memory_copy(project_layer, "Breda open data", drop_gemeente)
    pdf = tmp_path / "atlas.pdf"
    for gemeente in ("", "GM0000", "0"):
        with pytest.raises(QgsProcessingException) as error:
            run("wijkatlas", {"INPUT": layer.id(), "GEMEENTE": gemeente, "OUTPUT": str(pdf)})
        message = str(error.value)
        assert "is niet te bepalen" in message and "GM0000" in message and "BU0000" in message, message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.bad_input
def test_wijk_layer_instead_of_buurt_layer_is_refused(project_layer, tmp_path):
    def to_wijk_code(feature):
        feature["statcode"] = "WK" + feature["statcode"][2:8]

    layer = memory_copy(project_layer, "wijken", to_wijk_code)
    with pytest.raises(QgsProcessingException, match=r"geen buurtcodes .* gevonden WK0344"):
        run("wijkatlas", {"INPUT": layer.id(), "OUTPUT": str(tmp_path / "atlas.pdf")})


def test_gemeente_may_be_given_by_name(project_layer, tmp_path):
    layer = memory_copy(project_layer, "met namen")
    result = run(
        "wijkatlas", {"INPUT": layer.id(), "GEMEENTE": "utrecht", "MAPS": [5], "OUTPUT": str(tmp_path / "a.pdf")}
    )
    assert result["PAGES"] == UTRECHT_PAGES and result["LAYOUT"] == "Veerkracht atlas Utrecht – wijken"


# ---- point 16 and issue 14 point 11: names printed as written, the user's style kept ----


@pytest.mark.bad_input
def test_expression_syntax_in_names_is_printed_as_written(project_layer, tmp_path):
    def name_with_expression(feature):
        feature["gemeentenaam"] = "Gemeente [% 6*7 %]"

    layer = memory_copy(project_layer, "Buurten [% 6*7 %]", name_with_expression)
    result = run("wijkatlas", {"INPUT": layer.id(), "MAPS": [6], "OUTPUT": str(tmp_path / "atlas.pdf")})
    manager = QgsProject.instance().layoutManager()
    texts = []
    for layout in (manager.layoutByName(result["LAYOUT_OVERVIEW"]), manager.layoutByName(result["LAYOUT"])):
        atlas = layout.atlas()
        atlas.beginRender()
        atlas.seekTo(0)
        texts += [layout.itemById(i).currentText() for i in ("titel", "ondertitel", "bronnen")]
        atlas.endRender()
    assert texts[0] == "Gemeente [% 6*7 %]"
    assert texts[4].startswith("Gemeente [% 6*7 %] (GM0344)")
    assert "de buurten van laag Buurten [% 6*7 %]" in texts[2]
    assert not any("42" in text for text in texts), texts


def test_atlas_keeps_the_users_current_style(project_layer, tmp_path):
    from veerkracht.veerkracht_plugin.styling import apply_styles, style_name

    apply_styles(project_layer, QgsProject.instance(), "overlast")
    manager = project_layer.styleManager()
    assert manager.currentStyle() == style_name("overlast")
    run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "atlas.pdf")})
    assert manager.currentStyle() == style_name("overlast")
    assert project_layer.renderer().classAttribute() == "overlast_klasse"


def test_atlas_keeps_an_unstyled_layer_as_it_was(project_layer, tmp_path):
    before = project_layer.styleManager().currentStyle()
    field = project_layer.renderer().type()
    run("wijkatlas", {"INPUT": project_layer.id(), "MAPS": [5], "OUTPUT": str(tmp_path / "atlas.pdf")})
    assert project_layer.styleManager().currentStyle() == before
    assert project_layer.renderer().type() == field


@pytest.mark.bad_input
def test_failed_atlas_on_a_path_leaves_the_project_as_it_was(project_layer, maps_gpkg, tmp_path):
    copy = tmp_path / "kopie.gpkg"
    copy.write_bytes(maps_gpkg.read_bytes())
    project = QgsProject.instance()
    before = sorted(layer.name() for layer in project.mapLayers().values())
    with pytest.raises(QgsProcessingException, match="GM0758"):
        run("wijkatlas", {"INPUT": str(copy), "GEMEENTE": "GM0758", "OUTPUT": str(tmp_path / "atlas.pdf")})
    assert sorted(layer.name() for layer in project.mapLayers().values()) == before
    assert project.layoutManager().printLayouts() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kopie.gpkg"]
