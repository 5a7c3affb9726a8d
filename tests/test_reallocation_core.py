"""The reallocation rules on hand-made squares, without QGIS: every expected value is worked out by hand.

Sources A = [0,10]x[0,10] and B = [10,20]x[0,10] (area 100 each). Targets T1 = [0,5]x[0,10] (half of A: a
split) and T2 = [5,20]x[0,10] (the other half of A plus all of B: a merge). Overlaps: A∩T1 = 50, A∩T2 = 50,
B∩T2 = 100; w(T1) = 50, w(T2) = 150.
"""

import numpy as np
import pandas as pd
import pytest

from veerkracht.veerkracht_plugin.core.reallocation import parse_shares, reallocate

SOURCE_WEIGHTS = pd.Series({"A": 100.0, "B": 100.0})
TARGET_WEIGHTS = pd.Series({"T1": 50.0, "T2": 150.0})
OVERLAPS = pd.DataFrame({"source": ["A", "A", "B"], "target": ["T1", "T2", "T2"], "weight": [50.0, 50.0, 100.0]})


def squares(**columns):
    base = {"inwoners": [1000, 400], "huishoudens": [200, 100], "p_laag_inkomen": [10.0, 40.0], "p_jong": [2.0, 5.0]}
    base.update(columns)
    return pd.DataFrame(base, index=["A", "B"])


def carry(values, overlaps=OVERLAPS, **kwargs):
    kwargs.setdefault("shares", {"p_laag_inkomen": "huishoudens", "p_jong": None})
    return reallocate(values, overlaps, SOURCE_WEIGHTS, TARGET_WEIGHTS, **kwargs)


def test_split_and_merge_of_counts():
    """T1 gets half of A's 1000; T2 the other half plus all of B's 400."""
    out = carry(squares()).values
    assert out.loc["T1", "inwoners"] == 500
    assert out.loc["T2", "inwoners"] == 900
    assert out.loc["T2", "huishoudens"] == 100 + 100


def test_share_weighted_by_its_denominator():
    """T2: (10·200·0.5 + 40·100·1) / (200·0.5 + 100·1) = 5000 / 200 = 25; T1 has only A: 10."""
    out = carry(squares()).values
    assert out.loc["T1", "p_laag_inkomen"] == 10.0
    assert out.loc["T2", "p_laag_inkomen"] == pytest.approx(25.0)


def test_share_without_denominator_is_weighted_by_overlap():
    """T2: (2·0.5 + 5·1) / (0.5 + 1) = 4."""
    assert carry(squares()).values.loc["T2", "p_jong"] == pytest.approx(4.0)


def test_coverage_and_sources_text():
    result = carry(squares())
    assert result.coverage.tolist() == [1.0, 1.0]
    assert result.sources["T1"] == "A 100,0% (bron 50,0%)"
    assert result.sources["T2"] == "B 66,7% (bron 100,0%); A 33,3% (bron 50,0%)"
    assert result.remarks.isna().all()


def test_missing_marker_takes_no_part_and_coverage_decides():
    """B's -99995 is no value: T2 is covered for 50/150 = 33% by sources with a value, under 90%: missing."""
    result = carry(squares(inwoners=[1000, -99995]))
    assert result.values.loc["T1", "inwoners"] == 500
    assert np.isnan(result.values.loc["T2", "inwoners"])
    assert result.remarks["T2"] == "inwoners: dekking 33,3% < 90,0%"
    lenient = carry(squares(inwoners=[1000, -99995]), min_coverage=0.3)
    assert lenient.values.loc["T2", "inwoners"] == 500


@pytest.mark.parametrize("marker", [-99997, -99999999, np.nan, np.inf])
def test_every_missing_marker_is_missing(marker):
    out = carry(squares(p_laag_inkomen=[10.0, marker])).values
    assert np.isnan(out.loc["T2", "p_laag_inkomen"]) and out.loc["T1", "p_laag_inkomen"] == 10.0


def test_missing_denominator_makes_the_share_missing():
    """A share needs its denominator: B without households leaves T2 at 33% coverage for that share."""
    out = carry(squares(huishoudens=[200, -99995])).values
    assert np.isnan(out.loc["T2", "p_laag_inkomen"])
    assert out.loc["T2", "p_jong"] == pytest.approx(4.0), "a share without denominator is not affected"


def test_zero_denominator_is_missing_with_reason():
    result = carry(squares(huishoudens=[0, 100]))
    assert np.isnan(result.values.loc["T1", "p_laag_inkomen"])
    assert result.remarks["T1"] == "p_laag_inkomen: noemer huishoudens is 0"
    assert result.values.loc["T2", "p_laag_inkomen"] == 40.0, "A weighs 0 in T2, only B counts"


def test_slivers_under_one_percent_are_dropped():
    """B∩T1 of 0.5 (0.5% of T1's 50... and of B's 100) is a sliver; 1.5% of the smaller area is not."""
    sliver = pd.concat([OVERLAPS, pd.DataFrame({"source": ["B"], "target": ["T1"], "weight": [0.4]})])
    result = carry(squares(), overlaps=sliver)
    assert result.values.loc["T1", "inwoners"] == 500
    assert result.sources["T1"] == "A 100,0% (bron 50,0%)"
    assert result.notes[0].startswith("1 overlappingen")
    kept = pd.concat([OVERLAPS, pd.DataFrame({"source": ["B"], "target": ["T1"], "weight": [1.0]})])
    assert carry(squares(), overlaps=kept).values.loc["T1", "inwoners"] == 500 + 400 * 0.01


def test_water_sources_take_no_part():
    result = carry(squares(), excluded=["B"])
    assert result.values.loc["T1", "inwoners"] == 500
    assert np.isnan(result.values.loc["T2", "inwoners"])
    assert result.coverage["T2"] == pytest.approx(50 / 150)


def test_target_without_weight_is_missing_with_reason():
    """With points as weights a target can hold none: no coverage can be computed."""
    weights = pd.Series({"T1": 50.0, "T2": 0.0})
    result = reallocate(squares(), OVERLAPS.iloc[:1], SOURCE_WEIGHTS, weights, shares={"p_jong": None})
    assert result.values.loc["T2"].isna().all()
    assert result.remarks["T2"] == "geen gewicht in dit gebied (geen punten)"


def test_identical_indelingen_give_the_input_exactly():
    """Areas GEOS computes twice differ in the last bits, and neighbours touch in near-zero areas; values must
    not change."""
    rng = np.random.default_rng(7)
    codes = [f"BU{i:08d}" for i in range(50)]
    areas = pd.Series(rng.uniform(1e4, 1e7, 50), index=codes)
    values = pd.DataFrame(
        {
            "inwoners": rng.integers(0, 5000, 50),
            "huishoudens": rng.integers(1, 2000, 50),
            "p_x": rng.uniform(0, 100, 50),
        },
        index=codes,
    )
    overlaps = pd.DataFrame({"source": codes, "target": codes, "weight": areas.to_numpy() * (1 - 3e-13)})
    neighbours = pd.DataFrame({"source": codes[:-1], "target": codes[1:], "weight": 1e-7})
    result = reallocate(
        values, pd.concat([overlaps, neighbours]), areas, areas * (1 + 2e-13), shares={"p_x": "huishoudens"}
    )
    assert (result.values["inwoners"].to_numpy() == values["inwoners"].to_numpy()).all()
    assert (result.values["p_x"].to_numpy() == values["p_x"].to_numpy()).all()
    assert (result.coverage == 1.0).all()


def test_count_totals_and_fields_subset():
    result = carry(squares(), fields=["inwoners"], shares={})
    assert list(result.values.columns) == ["inwoners"]
    assert result.values["inwoners"].sum() == 1400
    assert "inwoners: totaal 1.400 in de bron, 1.400 verdeeld" in result.notes[1]


def test_parse_shares():
    assert parse_shares("p_a:d_a, p_b ,") == {"p_a": "d_a", "p_b": None}
    assert parse_shares("") == {}
