"""veerkracht:compareeditions on Baarn: two real editions (Leefbaarometer 2018-2022 with kerncijfers 2017-2021,
and 2020-2024 with 2019-2023), transitions checked against a cross-tabulation made here."""

import re
from collections import Counter

import pytest
from qgis.core import QgsFeatureRequest, QgsProcessingException, QgsVectorLayer
from qgis.PyQt import sip
from test_styles_and_sharing import baarn_job

from conftest import REPO
from helpers import RecordingFeedback, is_null, run

pytestmark = pytest.mark.usefixtures("provider")

EDITIONS = {"a": (2018, 2022, 2017, 2021), "b": (2020, 2024, 2019, 2023)}
RANK = {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}  # signalering, worst to best, as in the design
HIGHER_BETTER = ("leefbaarheid", "overlast", "overlast_ontwikkeling")
MORE_LESS = ("kwetsbaar", "kwetsbaar_ontwikkeling", "corporatiebezit")


def edition_job(shared_data, years):
    lbm_start, lbm_end, kwb_start, kwb_end = years
    return {
        **baarn_job(shared_data),
        "LBM_YEAR_START": lbm_start,
        "LBM_YEAR_END": lbm_end,
        "KWB_YEAR_START": kwb_start,
        "KWB_YEAR_END": kwb_end,
    }


@pytest.fixture(scope="module")
def editions(provider, tmp_path_factory):
    """{'a': path, 'b': path} of two makemaps GeoPackages of Baarn."""
    from conftest import SHARED_DATA

    folder = tmp_path_factory.mktemp("edities")
    paths = {}
    for key, years in EDITIONS.items():
        paths[key] = folder / f"baarn-{years[0]}-{years[1]}.gpkg"
        run("makemaps", {**edition_job(SHARED_DATA, years), "OUTPUT": str(paths[key])})
    return paths


@pytest.fixture(scope="module")
def compared(editions, tmp_path_factory):
    folder = tmp_path_factory.mktemp("vergelijking")
    feedback = RecordingFeedback()
    result = run(
        "compareeditions",
        {
            "EDITION_A": str(editions["a"]),
            "EDITION_B": str(editions["b"]),
            "OUTPUT": str(folder / "verschuiving.gpkg"),
            "OUTPUT_TABLE": str(folder / "overgangen.gpkg"),
        },
        feedback,
    )
    yield result, feedback
    for key in ("OUTPUT", "OUTPUT_TABLE"):
        sip.delete(result[key])


def classes(path):
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    layer = QgsVectorLayer(str(path), "editie", "ogr")
    found = {f["buurtcode"]: {m: f[f"{m}_klasse"] for m in MAP_IDS} for f in layer.getFeatures()}
    sip.delete(layer)
    return found


def map_ids():
    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS

    return MAP_IDS


@pytest.mark.parametrize("map_id", map_ids())
def test_transitions_equal_a_cross_tabulation(editions, compared, map_id):
    a, b = classes(editions["a"]), classes(editions["b"])
    expected = Counter((a[code][map_id], b[code][map_id]) for code in b)
    table = compared[0]["OUTPUT_TABLE"]
    found = {(f["klasse_a"], f["klasse_b"]): f["aantal"] for f in table.getFeatures() if f["kaart"] == map_id}
    assert found == dict(expected)
    assert sum(found.values()) == 21
    assert f"Overgangen {map_id}" in compared[1].log


def test_the_editions_differ(editions):
    """Otherwise the comparison tests would prove little."""
    a, b = classes(editions["a"]), classes(editions["b"])
    assert sum(a[c]["signalering"] != b[c]["signalering"] for c in b) >= 3
    assert any(a[c]["signalering"] == 0 and b[c]["signalering"] > 0 for c in b), "class 0 on one side only"


@pytest.mark.parametrize("map_id", map_ids())
def test_shift_follows_the_direction_of_the_map(editions, compared, map_id):
    a, b = classes(editions["a"]), classes(editions["b"])
    layer = compared[0]["OUTPUT"]
    seen = Counter()
    for feature in layer.getFeatures():
        code = feature["buurtcode"]
        ka, kb, shift = feature[f"{map_id}_klasse_a"], feature[f"{map_id}_klasse_b"], feature[f"{map_id}_verschuiving"]
        assert (ka, kb) == (a[code][map_id], b[code][map_id])
        seen[shift] += 1
        if ka == 0 or kb == 0:
            assert shift == "niet te vergelijken"  # class 0 never counted as a change
        elif map_id in HIGHER_BETTER:
            assert shift == ("beter" if kb > ka else "slechter" if kb < ka else "gelijk")
        elif map_id in MORE_LESS:
            assert shift == ("hoger" if kb > ka else "lager" if kb < ka else "gelijk")
        elif map_id == "focus":
            assert shift == ("anders" if kb != ka else "gelijk")
        else:
            assert shift == ("beter" if RANK[kb] > RANK[ka] else "slechter" if RANK[kb] < RANK[ka] else "gelijk")
    assert sum(seen.values()) == 21


def test_log_says_how_buurten_were_matched(compared):
    result, feedback = compared
    assert "21 van de 21 buurten van editie B op buurtcode, 0 op de grootste overlap" in feedback.log
    assert result["BY_CODE"] == 21 and result["BY_OVERLAP"] == 0


def test_other_indeling_taken_by_largest_overlap(editions, tmp_path):
    """Three buurten of A renamed (as after a redivision): their classes come by overlap, and the log says so."""
    source = QgsVectorLayer(str(editions["a"]), "a", "ogr")
    renamed = source.materialize(QgsFeatureRequest())
    index = renamed.fields().lookupField("buurtcode")
    originals = {}
    renamed.startEditing()
    for number, feature in enumerate(list(renamed.getFeatures())[:3]):
        originals[feature["buurtcode"]] = feature["signalering_klasse"]
        renamed.changeAttributeValue(feature.id(), index, f"BU9999{number:04d}")
    assert renamed.commitChanges()
    feedback = RecordingFeedback()
    result = run(
        "compareeditions",
        {
            "EDITION_A": renamed,
            "EDITION_B": str(editions["b"]),
            "MAPS": [6],
            "OUTPUT": str(tmp_path / "v.gpkg"),
            "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
        },
        feedback,
    )
    assert result["BY_OVERLAP"] == 3 and result["BY_CODE"] == 18
    assert "op de grootste overlap" in feedback.log and "BU99990000" in feedback.log
    layer = result["OUTPUT"]
    by_code = {f["buurtcode"]: f for f in layer.getFeatures()}
    for code, klasse in originals.items():
        assert by_code[code]["signalering_klasse_a"] == klasse
    assert "focus_verschuiving" not in layer.fields().names()  # only the chosen map
    sip.delete(layer)
    sip.delete(source)


def test_shift_style_matches_the_shift_labels():
    from veerkracht.processing_algorithms.compare_editions import apply_shift_style, shift_renderer
    from veerkracht.veerkracht_plugin.core.editions import SHIFT_COLOURS

    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=focus_verschuiving:string", "v", "memory")
    apply_shift_style(layer, "focus")
    renderer = layer.renderer()
    assert renderer.classAttribute() == "focus_verschuiving"
    packaged = {c.value(): c.symbol().color().name() for c in renderer.categories()}
    built = {c.value(): c.symbol().color().name() for c in shift_renderer().categories()}
    assert packaged == built == SHIFT_COLOURS


def test_post_processor_styles_and_names(compared):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from veerkracht.processing_algorithms.compare_editions import ShiftStylePostProcessor

    layer = compared[0]["OUTPUT"].clone()
    ShiftStylePostProcessor("signalering", "Verschuiving A -> B").postProcessLayer(
        layer, QgsProcessingContext(), QgsProcessingFeedback()
    )
    assert layer.name() == "Verschuiving A -> B"
    assert layer.renderer().classAttribute() == "signalering_verschuiving"
    sip.delete(layer)


@pytest.mark.bad_input
def test_a_layer_without_maps_is_refused_by_name(editions, tmp_path):
    buurten = REPO / "tests" / "data" / "baarn" / "buurten-2024-GM0308.geojson"
    with pytest.raises(QgsProcessingException, match="mist de klassevelden .*signalering_klasse"):
        run(
            "compareeditions",
            {
                "EDITION_A": str(buurten),
                "EDITION_B": str(editions["b"]),
                "OUTPUT": str(tmp_path / "v.gpkg"),
                "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
            },
        )
    assert not (tmp_path / "v.gpkg").exists()


@pytest.mark.bad_input
def test_output_on_an_edition_is_refused(editions):
    with pytest.raises(QgsProcessingException, match="ook invoer"):
        run(
            "compareeditions",
            {
                "EDITION_A": str(editions["a"]),
                "EDITION_B": str(editions["b"]),
                "OUTPUT": str(editions["a"]),
                "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
            },
        )
    assert classes(editions["a"])  # still readable


def test_null_classes_are_not_compared(compared):
    layer = compared[0]["OUTPUT"]
    for feature in layer.getFeatures():
        for name in ("signalering_klasse_a", "signalering_klasse_b"):
            if is_null(feature[name]):
                assert feature["signalering_verschuiving"] == "niet te vergelijken"


def test_the_dialog_does_not_put_the_active_layer_in_both_editions(provider):
    from qgis.core import QgsApplication

    from veerkracht.veerkracht_plugin.compat import OPTIONAL

    algorithm = QgsApplication.processingRegistry().algorithmById("veerkracht:compareeditions")
    for name in ("EDITION_A", "EDITION_B"):
        assert algorithm.parameterDefinition(name).flags() & OPTIONAL, name  # an empty box, not the active layer


@pytest.mark.bad_input
@pytest.mark.parametrize("b", ["a", "a|layername", "leeg"])
def test_one_edition_twice_or_none_is_refused_in_dutch(editions, tmp_path, b):
    value = {"a": str(editions["a"]), "a|layername": f"{editions['a']}|layername={editions['a'].stem}", "leeg": None}
    params = {"EDITION_A": str(editions["a"]), "EDITION_B": value[b], "OUTPUT": str(tmp_path / "v.gpkg")}
    expected = "Kies 'Editie B" if b == "leeg" else "zijn dezelfde laag: kies twee verschillende edities"
    with pytest.raises(QgsProcessingException, match=expected):
        run("compareeditions", {**params, "OUTPUT_TABLE": "TEMPORARY_OUTPUT"})
    assert not (tmp_path / "v.gpkg").exists()


def test_the_result_says_which_map_and_editions_it_shows(compared):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    from veerkracht.processing_algorithms.compare_editions import ShiftStylePostProcessor, shift_texts

    name, abstract = shift_texts("signalering", "baarn-2018-2022", "baarn-2020-2024", ["signalering", "focus"])
    assert name == "Verschuiving Veerkracht signalering (absoluut): baarn-2018-2022 -> baarn-2020-2024"
    layer = compared[0]["OUTPUT"].clone()
    ShiftStylePostProcessor("signalering", name, abstract).postProcessLayer(
        layer, QgsProcessingContext(), QgsProcessingFeedback()
    )
    assert layer.name() == name and layer.metadata().title() == name
    assert "editie A 'baarn-2018-2022'" in layer.metadata().abstract() and "signalering_verschuiving" in abstract
    sip.delete(layer)


def test_transitions_are_logged_with_class_labels(compared):
    line = next(i for i in compared[1].infos if i.startswith("Overgangen signalering "))
    assert "stabiel -> " in line or " -> stabiel" in line
    assert not re.search(r"\d -> \d", line)
