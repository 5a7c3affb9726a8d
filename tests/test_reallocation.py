"""veerkracht:herindelen on real boundaries: Baarn 2024 and its generalised 2019 buurten, Ermelo 2019 and 2021
(with a water buurt), and Utrecht's 2019 buurten merged into its 2024 wijken."""

from collections import Counter

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)

from conftest import REPO, SHARED_DATA
from helpers import RecordingFeedback, features_by, is_null, run

pytestmark = pytest.mark.usefixtures("provider")

BAARN_2024 = str(SHARED_DATA / "baarn" / "buurten-2024-GM0308.geojson")
BAARN_2019 = str(SHARED_DATA / "baarn" / "buurten-2019-GM0308.geojson")
ERMELO_2019 = str(SHARED_DATA / "ermelo" / "buurten-2019-GM0233.geojson")
ERMELO_2021 = str(SHARED_DATA / "ermelo" / "buurten-2021-GM0233.gpkg")
UTRECHT_BUURTEN_2019 = str(SHARED_DATA / "utrecht" / "buurten-2019-GM0344.geojson")
UTRECHT_WIJKEN_2024 = str(REPO / "resources" / "sample_data" / "utrecht" / "wijken-2024-GM0344.geojson")
RD = QgsCoordinateReferenceSystem("EPSG:28992")
SHARES = "percentage_personen_0_tot_15_jaar:aantal_inwoners,percentage_huishoudens_met_laag_inkomen:aantal_huishoudens"
BAARN_FIELDS = ["aantal_inwoners", "aantal_huishoudens", "percentage_personen_0_tot_15_jaar"]


def herindelen(source, target, feedback=None, **params):
    return run("herindelen", {"INPUT": source, "TARGET": target, "OUTPUT": "TEMPORARY_OUTPUT", **params}, feedback)[
        "OUTPUT"
    ]


def with_values(path, code_field, values):
    """A memory copy of a boundary file with code, water and the numeric fields ``values(code, rd_geometry)``."""
    source = QgsVectorLayer(path, "bron", "ogr")
    to_rd = QgsCoordinateTransform(source.crs(), RD, QgsProject.instance())
    features = [(f[code_field], QgsGeometry(f.geometry())) for f in source.getFeatures()]
    names = list(values(features[0][0], QgsGeometry(features[0][1])))
    spec = "".join(f"&field={name}:double" for name in names)
    layer = QgsVectorLayer(
        f"MultiPolygon?crs={source.crs().authid()}&field=code:string&field=water:string{spec}", "m", "memory"
    )
    out = []
    for code, geometry in features:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(geometry)
        in_rd = QgsGeometry(geometry)
        in_rd.transform(to_rd)
        water = "JA" if code.endswith("9997") else "NEE"
        feature.setAttributes([code, water, *values(code, in_rd).values()])
        out.append(feature)
    layer.dataProvider().addFeatures(out)
    return layer


def test_identical_indelingen_give_the_input_exactly():
    """Baarn 2024 onto itself: every value as it was, CBS' -99995 stays empty, coverage 1, one source each."""
    feedback = RecordingFeedback()
    out = herindelen(BAARN_2024, BAARN_2024, feedback, FIELDS=BAARN_FIELDS, SHARES=SHARES)
    source = features_by(QgsVectorLayer(BAARN_2024, "b", "ogr"), "buurtcode")
    rows = features_by(out, "buurtcode")
    assert len(rows) == 21
    for code, row in rows.items():
        for name in BAARN_FIELDS:
            assert row[f"{name}_2"] == source[code][name], (code, name)
        assert row["dekking"] == 1.0
        assert row["bronnen"] == f"{code} 100,0% (bron 100,0%)"
        assert is_null(row["percentage_huishoudens_met_laag_inkomen_2"]), "-99995 is no value"
        assert row["herindeling_opmerking"] == "percentage_huishoudens_met_laag_inkomen: dekking 0,0% < 90,0%"
    assert "21 van 21 doelgebieden zijn precies één bron." in feedback.infos
    assert any("geen enkele bron heeft een waarde" in line for line in feedback.infos)


def test_generalised_boundaries_keep_the_total_within_the_area_lost():
    """Baarn 2024 onto the generalised 2019 buurten (same 21 codes). A count equal to each buurt's area shows
    what is lost: the 2024 area outside every 2019 buurt, plus the dropped slivers (each < 1%)."""
    layer = with_values(BAARN_2024, "buurtcode", lambda code, g: {"oppervlak": g.area()})
    out = herindelen(layer, BAARN_2019, FIELDS=["oppervlak"])
    union_2024 = QgsGeometry.unaryUnion([f.geometry() for f in layer.getFeatures()])
    union_2019 = QgsGeometry.unaryUnion([f.geometry() for f in QgsVectorLayer(BAARN_2019).getFeatures()])
    for geometry in (union_2024, union_2019):
        geometry.transform(QgsCoordinateTransform(layer.crs(), RD, QgsProject.instance()))
    outside = union_2024.difference(union_2019).area() / union_2024.area()
    kept = sum(f["oppervlak"] for f in out.getFeatures()) / union_2024.area()
    assert 0.001 < outside < 0.02, "the 2019 shapes are generalised: some 2024 area lies outside them"
    assert 1 - outside - 0.01 <= kept <= 1 - outside + 1e-9
    inhabitants = herindelen(BAARN_2024, BAARN_2019, FIELDS=["aantal_inwoners"])
    total = sum(f["aantal_inwoners"] for f in inhabitants.getFeatures())
    assert 0.98 * 25065 <= total <= 25065  # measured: 24,750 (98.7%)
    for code, row in features_by(inhabitants, "statcode").items():
        assert row["bronnen"].startswith(f"{code} "), "the same code is the largest part of each buurt"
    assert all(0.97 < f["dekking"] <= 1.0 for f in inhabitants.getFeatures())


def test_buurten_merge_into_wijken():
    """Utrecht's 111 buurten of 2019 into its 10 wijken of 2024 (same wijk codes): 1,000 per buurt gives about
    1,000 x the number of buurten of that wijk; a share weighted by its denominator gives the wijk number x 10."""

    def values(code, geometry):
        return {"aantal_inwoners": 1000.0, "p_x": int(code[6:8]) * 10.0, "noemer": 100.0}

    layer = with_values(UTRECHT_BUURTEN_2019, "statcode", values)
    feedback = RecordingFeedback()
    out = herindelen(layer, UTRECHT_WIJKEN_2024, feedback, FIELDS=["aantal_inwoners"], SHARES="p_x:noemer")
    buurten = Counter(f["statcode"][6:8] for f in QgsVectorLayer(UTRECHT_BUURTEN_2019).getFeatures())
    for code, wijk in features_by(out, "wijkcode").items():
        number = int(code[6:8])
        assert round(wijk["aantal_inwoners_2"] / 1000) == buurten[code[6:8]], code
        assert abs(wijk["p_x"] - number * 10) < 2, code
        assert wijk["aantal_inwoners"] > 10000, "the target's own field stays as it was"
        assert wijk["bronnen"].count(";") >= buurten[code[6:8]] - 1
    assert any("bestaat al in het doel" in w for w in feedback.warnings)


def test_points_as_weights():
    """With one point per 2019 buurt every buurt goes whole to the wijk its point lies in: exact counts."""
    buurten = QgsVectorLayer(UTRECHT_BUURTEN_2019, "b", "ogr")
    points = QgsVectorLayer("Point?crs=EPSG:4326&field=adressen:double", "adressen", "memory")
    features = []
    for buurt in buurten.getFeatures():
        point = QgsFeature(points.fields())
        point.setGeometry(buurt.geometry().pointOnSurface())
        point.setAttributes([1.0])
        features.append(point)
    points.dataProvider().addFeatures(features)
    layer = with_values(UTRECHT_BUURTEN_2019, "statcode", lambda code, g: {"inwoners": 1000.0})
    out = herindelen(layer, UTRECHT_WIJKEN_2024, WEIGHTS=points, WEIGHT_FIELD="adressen")
    counts = Counter(f["statcode"][6:8] for f in buurten.getFeatures())
    for code, wijk in features_by(out, "wijkcode").items():
        assert wijk["inwoners"] == 1000 * counts[code[6:8]], code
        assert wijk["dekking"] == 1.0


def test_weight_field_splits_a_source():
    """One source over all of Baarn, 1,000 inhabitants; points with weight 3 in BU03080000 and 1 in BU03080001
    (and one without weight): 750 and 250; the other buurten hold no point, so they stay empty."""
    baarn = features_by(QgsVectorLayer(BAARN_2024, "b", "ogr"), "buurtcode")
    whole = QgsVectorLayer("Polygon?crs=EPSG:4326&field=code:string&field=inwoners:double", "gemeente", "memory")
    feature = QgsFeature(whole.fields())
    feature.setGeometry(QgsGeometry.unaryUnion([f.geometry() for f in baarn.values()]))
    feature.setAttributes(["GM0308", 1000.0])
    whole.dataProvider().addFeatures([feature])
    points = QgsVectorLayer("Point?crs=EPSG:4326&field=woningen:double", "woningen", "memory")
    added = []
    for code, weight in (("BU03080000", 3.0), ("BU03080001", 1.0), ("BU03080002", None)):
        point = QgsFeature(points.fields())
        point.setGeometry(baarn[code].geometry().pointOnSurface())
        point.setAttributes([weight])
        added.append(point)
    points.dataProvider().addFeatures(added)
    feedback = RecordingFeedback()
    out = features_by(herindelen(whole, BAARN_2024, feedback, WEIGHTS=points, WEIGHT_FIELD="woningen"), "buurtcode")
    assert out["BU03080000"]["inwoners"] == 750
    assert out["BU03080001"]["inwoners"] == 250
    assert out["BU03080000"]["bronnen"] == "GM0308 100,0% (bron 75,0%)"
    assert is_null(out["BU03080003"]["inwoners"])
    assert out["BU03080003"]["herindeling_opmerking"] == "geen gewicht in dit gebied (geen punten)"
    assert "1 punten zonder (geldig) gewicht of plaats tellen niet mee." in feedback.warnings


def test_water_takes_no_part_and_a_target_without_coverage_stays_empty():
    """Ermelo 2021 has a water buurt (BU02339997, water = JA) that the generalised 2019 map lacks. As a source
    it takes no part; as a target it is covered for 4% by 2019 buurten: empty, with the reason."""
    layer = with_values(ERMELO_2021, "buurtcode", lambda code, g: {"inwoners": 1000.0})
    feedback = RecordingFeedback()
    out = herindelen(layer, ERMELO_2019, feedback)
    assert all("9997" not in f["bronnen"] for f in out.getFeatures())
    assert "(17 gebieden, 1 water)" in feedback.infos[0]
    assert any(line.startswith("inwoners: totaal 16.000 in de bron") for line in feedback.infos)
    back = features_by(
        herindelen(with_values(ERMELO_2019, "statcode", lambda c, g: {"inwoners": 1000.0}), ERMELO_2021), "buurtcode"
    )
    water = back["BU02339997"]
    assert is_null(water["inwoners"]) and water["dekking"] < 0.1
    assert water["herindeling_opmerking"].startswith("inwoners: dekking 4,")
    assert 900 < back["BU02330100"]["inwoners"] < 1100 and back["BU02330100"]["dekking"] == 1.0
    lenient = features_by(
        herindelen(
            with_values(ERMELO_2019, "statcode", lambda c, g: {"inwoners": 1000.0}), ERMELO_2021, MIN_COVERAGE=0.01
        ),
        "buurtcode",
    )
    assert lenient["BU02339997"]["inwoners"] > 0


@pytest.mark.bad_input
def test_text_field_is_refused():
    with pytest.raises(Exception, match="veld 'buurtnaam' is geen getal"):
        herindelen(BAARN_2024, BAARN_2019, FIELDS=["buurtnaam"])


@pytest.mark.bad_input
def test_unknown_denominator_lists_the_fields():
    with pytest.raises(Exception, match="veld 'aantal_huishouden' bestaat niet.*aantal_huishoudens"):
        herindelen(
            BAARN_2024,
            BAARN_2019,
            FIELDS=["aantal_inwoners"],
            SHARES="percentage_personen_0_tot_15_jaar:aantal_huishouden",
        )


@pytest.mark.bad_input
def test_polygons_as_weights_are_refused():
    with pytest.raises(Exception, match="geen puntenlaag"):
        herindelen(BAARN_2024, BAARN_2019, FIELDS=["aantal_inwoners"], WEIGHTS=BAARN_2019)
