"""Every algorithm through qgis_process, whose context has no project (issue 12, point 6): as scripts,
servers and scheduled jobs run them."""

import json
import os
import subprocess

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt import sip
from test_styles_and_sharing import baarn_job

from conftest import REPO
from helpers import pdf_pages

SAMPLE = REPO / "resources" / "sample_data"
BINARY = "/usr/bin/qgis_process.bin"  # Debian's wrapper passes a flag the binary refuses
BAARN = baarn_job(SAMPLE)  # the sample data holds the same Baarn files as tests/data


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    """(run, folder): ``run(algorithm, params)`` -> the JSON results of qgis_process, failing on a non-zero exit."""
    from headless import plugin_import_path

    folder = tmp_path_factory.mktemp("headless")
    env = dict(
        os.environ,
        HOME=str(folder),
        QGIS_CUSTOM_CONFIG_PATH=str(folder / "profiel"),
        QGIS_PLUGINPATH=str(plugin_import_path()),
        QT_QPA_PLATFORM="offscreen",
    )
    enable = subprocess.run([BINARY, "plugins", "enable", "veerkracht"], env=env, capture_output=True, text=True)
    assert enable.returncode == 0 or "already enabled" in enable.stdout + enable.stderr, enable.stderr[-2000:]

    def run(algorithm, params, extra_env=None):
        args = [f"{key}={value}" for key, value in params.items()]
        proc = subprocess.run(
            [BINARY, "--json", "run", f"veerkracht:{algorithm}", "--", *args],
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"{algorithm}: {proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return json.loads(proc.stdout[proc.stdout.index("{") :])["results"]

    return run, folder


@pytest.fixture(scope="module")
def maps(headless):
    run, folder = headless
    target = folder / "baarn-kaarten.gpkg"
    results = run("makemaps", {**BAARN, "OUTPUT": str(target)})
    assert results["OUTPUT"].split("|")[0] == str(target)
    return target


def count(path):
    layer = QgsVectorLayer(str(path), "uitvoer", "ogr")
    n = layer.featureCount() if layer.isValid() else -1
    sip.delete(layer)
    return n


def test_makemaps(maps):
    layer = QgsVectorLayer(str(maps), "kaarten", "ogr")
    assert layer.featureCount() == 21
    assert {f["signalering_klasse"] for f in layer.getFeatures()} - {0}, "signalering heeft klassen"
    assert layer.listStylesInDatabase()[0] >= 9, "de stijlen staan in de GeoPackage"
    sip.delete(layer)


def test_joinindicators(headless):
    run, folder = headless
    target = folder / "lbm.gpkg"
    results = run(
        "joinindicators",
        {"INPUT": BAARN["INPUT"], "TABLE": BAARN["LEEFBAAROMETER"], "YEAR": 2024, "OUTPUT": str(target)},
    )
    assert count(target) == 21 and results["OUTPUT"].startswith(str(target))


def test_vulnerabilityindex_and_computemaps(headless, maps):
    run, folder = headless
    index = folder / "index.gpkg"
    run(
        "vulnerabilityindex",
        {
            "INPUT": str(maps),
            "YEAR_END": 2023,
            "COUNTS_END": "kwb2023_bijstandsontvangers",
            "INWONERS_END": "kwb2023_aantal_inwoners",
            "OUTPUT": str(index),
        },
    )
    assert count(index) == 21
    computed = folder / "berekend.gpkg"
    run("computemaps", {"INPUT": str(index), "AFW": "lbm2024_afw", "OUTPUT": str(computed)})
    layer = QgsVectorLayer(str(computed), "berekend", "ogr")
    assert {f["leefbaarheid_klasse"] for f in layer.getFeatures()} - {0}
    sip.delete(layer)


def test_applystyles(headless, maps, tmp_path):
    import shutil

    run, _ = headless
    copy = tmp_path / "kaarten.gpkg"
    shutil.copy(maps, copy)
    run("applystyles", {"INPUT": str(copy), "ACTIVE": 1, "SAVE_IN_SOURCE": True})
    layer = QgsVectorLayer(str(copy), "kaarten", "ogr")
    assert layer.renderer().classAttribute() == "overlast_klasse"
    sip.delete(layer)


def test_exportgeopackage(headless, maps):
    run, folder = headless
    target = folder / "delen.gpkg"
    run("exportgeopackage", {"INPUT": str(maps), "OUTPUT": str(target)})
    assert count(f"{target}|layername=veerkrachtkaarten") == 21


def test_vastgoedperbuurt(headless, maps):
    run, folder = headless
    buurten, vastgoed = folder / "eigen-buurten.gpkg", folder / "eigen-vastgoed.gpkg"
    run(
        "vastgoedperbuurt",
        {
            "INPUT": str(maps),
            "VASTGOED": f"{SAMPLE / 'vastgoed-demo.gpkg'}|layername=vhe_punten",
            "VHE_FIELD": "vhe",
            "OUTPUT_BUURTEN": str(buurten),
            "OUTPUT_VASTGOED": str(vastgoed),
        },
    )
    assert count(buurten) == 21 and count(vastgoed) > 0


def test_wijkatlas(headless, maps):
    run, folder = headless
    pdf = folder / "baarn-atlas.pdf"
    results = run("wijkatlas", {"INPUT": str(maps), "OUTPUT": str(pdf)})
    assert pdf_pages(pdf) == int(results["PAGES"]) > 1


def test_webkaart(headless, maps):
    run, folder = headless
    page = folder / "baarn.html"
    results = run("webkaart", {"INPUT": str(maps), "GEMEENTEN": "Baarn", "OUTPUT": str(page)})
    assert int(results["BUURTEN"]) == 21 and int(results["BYTES"]) == page.stat().st_size
    assert '<script type="application/json" id="veerkracht-gegevens">' in page.read_text(encoding="utf-8")


def test_herindelen(headless):
    """Baarn 2024 onto its generalised 2019 buurten, with a share and its denominator."""
    run, folder = headless
    target = folder / "herindeling.gpkg"
    results = run(
        "herindelen",
        {
            "INPUT": BAARN["INPUT"],
            "TARGET": REPO / "tests" / "data" / "baarn" / "buurten-2019-GM0308.geojson",
            "FIELDS": "aantal_inwoners",
            "SHARES": "percentage_personen_0_tot_15_jaar:aantal_inwoners",
            "OUTPUT": str(target),
        },
    )
    assert results["OUTPUT"].startswith(str(target))
    layer = QgsVectorLayer(str(target), "herindeling", "ogr")
    rows = list(layer.getFeatures())
    assert len(rows) == 21 and all(f["dekking"] > 0.97 for f in rows)
    assert 24500 < sum(f["aantal_inwoners"] for f in rows) <= 25065
    sip.delete(layer)


def test_compareeditions(headless, maps):
    """An edition compared with a copy of itself (the same layer twice is refused): every buurt matched by code,
    nothing better or worse."""
    import shutil

    run, folder = headless
    target, table, copy = folder / "verschuiving.gpkg", folder / "overgangen.csv", folder / "kopie.gpkg"
    shutil.copy(maps, copy)
    results = run(
        "compareeditions",
        {"EDITION_A": str(maps), "EDITION_B": str(copy), "OUTPUT": str(target), "OUTPUT_TABLE": str(table)},
    )
    assert int(results["BY_CODE"]) == 21 and count(target) == 21
    layer = QgsVectorLayer(str(target), "verschuiving", "ogr")
    assert {f["signalering_verschuiving"] for f in layer.getFeatures()} <= {"gelijk", "niet te vergelijken"}
    sip.delete(layer)
    assert table.read_text(encoding="utf-8").startswith("kaart,klasse_a")


def test_timeseries(headless):
    run, folder = headless
    target = folder / "reeks.gpkg"
    job = {key: BAARN[key] for key in ("INPUT", "LEEFBAAROMETER", "COUNTS", "SHARES", "INWONERS_COLUMN")}
    results = run(
        "timeseries",
        {
            **job,
            "KERNCIJFERS": BAARN["KERNCIJFERS_END"],
            "PERIODS": "2018-2022/2017-2021; 2020-2024/2019-2023",
            "OUTPUT": str(target),
        },
    )
    assert count(target) == 42
    assert results["CHARTS"] == str(folder / "reeks signalering Baarn.png")
    assert (folder / "reeks signalering Baarn.png").stat().st_size > 10000


def test_every_algorithm_is_run_headless(provider):
    tested = {"makemaps", "joinindicators", "vulnerabilityindex", "computemaps", "applystyles"}
    tested |= {"exportgeopackage", "vastgoedperbuurt", "wijkatlas", "herindelen"}
    tested |= {"compareeditions", "timeseries", "opendata", "checksources", "webkaart"}
    assert {a.name() for a in provider.algorithms()} == tested


def test_open_data_and_check_sources_headless(headless, tmp_path):
    """Against the local fake services: qgis_process has QGIS' network stack without a desktop."""
    from fake_services import FakeServices

    run, _ = headless
    with FakeServices() as fake:
        extra = {
            "VEERKRACHT_BRONNEN": str(fake.write_bronnen(tmp_path / "bronnen.json")),
            "VEERKRACHT_CACHE": str(tmp_path / "cache"),
        }
        results = run(
            "opendata", {"GEMEENTEN": "Baarn", "NATIONAL": "false", "OUTPUT": str(tmp_path / "o.gpkg")}, extra
        )
        assert QgsVectorLayer(f"{results['OUTPUT']}|layername=buurten_2023", "b", "ogr").featureCount() == 21
        checked = run("checksources", {"GEMEENTE": "Baarn", "OUTPUT": str(tmp_path / "c.gpkg")}, extra)
    assert checked["RAPPORT"].startswith("17 van 17 bronnen en jaren bereikbaar")
    report = QgsVectorLayer(checked["OUTPUT"], "c", "ogr")
    assert report.featureCount() == 7 * 2 + 3 and all(f["bereikbaar"] == 1 for f in report.getFeatures())
