"""The nine maps' rules, checked on small tables whose classes are worked out by hand here."""

import numpy as np
import pandas as pd
import pytest

from veerkracht.veerkracht_plugin.core import VeerkrachtError
from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, class_labels, load_catalogue
from veerkracht.veerkracht_plugin.core.maps import Settings, compute_maps, count_cuts_below, five_step
from veerkracht.veerkracht_plugin.core.vulnerability import per_thousand, vulnerability_index


def codes(n, gemeente="0344"):
    return [f"BU{gemeente}{i:04d}" for i in range(n)]


def test_five_step_boundaries_exact():
    z = [-1.6, -1.5, -0.51, -0.5, 0.0, 0.5, 0.51, 1.5, 1.51]
    assert five_step(z).tolist() == [1, 2, 2, 3, 3, 3, 4, 4, 5]


def test_cuts_strictly_below_on_ties():
    # value equal to a cut point is not above it
    assert count_cuts_below([1, 2, 2.5, 3], [2, 3]).tolist() == [1, 1, 2, 2]


def test_change_map_boundaries_at_half_and_one_and_half_sd():
    # deltas chosen so that sd(delta) = 1 exactly is impossible to guess; compute z by hand instead
    delta = np.array([-3.0, -1.0, 0.0, 0.0, 1.0, 3.0])
    sd = delta.std(ddof=1)
    onv_t0 = np.zeros(6)
    onv_t1 = delta
    out, reports = compute_maps(pd.DataFrame({"code": codes(6), "onv_t0": onv_t0, "onv_t1": onv_t1}))
    expected = five_step(delta / sd).tolist()
    assert out["overlast_ontwikkeling_klasse"].tolist() == expected
    assert out["overlast_ontwikkeling_waarde"].tolist() == delta.tolist()
    # by hand: sd = sqrt(20/5) = 2 -> z = -1.5, -0.5, 0, 0, 0.5, 1.5 -> all on the boundaries
    assert sd == pytest.approx(2.0)
    assert expected == [2, 3, 3, 3, 3, 4]
    assert out["overlast_ontwikkeling_label"].tolist()[0] == "verslechterd"


def test_level_map_overlast_uses_mean_and_sd():
    onv = np.array([-2.0, 0.0, 1.0, 2.0, 4.0])  # mean 1, squared deviations 9+1+0+1+9 -> sd = sqrt(20/4)
    out, _ = compute_maps(pd.DataFrame({"code": codes(5), "onv_t1": onv}))
    z = (onv - 1.0) / np.sqrt(20 / 4)  # -1.34, -0.45, 0, 0.45, 1.34
    assert out["overlast_klasse"].tolist() == five_step(z).tolist() == [2, 3, 3, 3, 4]
    extreme = np.array([-10.0] + [0.0] * 9 + [10.0])  # mean 0, sd = sqrt(200/10): z = -/+2.24
    out, _ = compute_maps(pd.DataFrame({"code": codes(11), "onv_t1": extreme}))
    assert out["overlast_klasse"].tolist() == [1] + [3] * 9 + [5]
    assert out["overlast_label"][0] == "veel meer overlast dan gemiddeld"


def test_quintiles_with_ties_and_nulls():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None]
    out, reports = compute_maps(pd.DataFrame({"code": codes(11), "kwetsbaar_t1": values}))
    # percentiles (linear) of 1..10 at 20/40/60/80: 2.8, 4.6, 6.4, 8.2
    assert out["kwetsbaar_klasse"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0]
    assert out["kwetsbaar_label"].tolist()[-1] == "onvoldoende gegevens"
    assert reports[MAP_IDS.index("kwetsbaar")].reference_size == 10
    tied, _ = compute_maps(pd.DataFrame({"code": codes(5), "kwetsbaar_t1": [1, 1, 1, 1, 2]}))
    # cuts 1, 1, 1, 1.2: a value of 1 has no cut strictly below it -> class 1; 2 has four -> class 5
    assert tied["kwetsbaar_klasse"].tolist() == [1, 1, 1, 1, 5]


def test_corporatiebezit_boundaries():
    values = [9.99, 10, 24.9, 25, 49.9, 50, 200 / 3, 66.7, 100]
    out, _ = compute_maps(pd.DataFrame({"code": codes(9), "corporatie": values}))
    assert out["corporatiebezit_klasse"].tolist() == [1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_cbs_markers_are_missing_not_numbers():
    out, _ = compute_maps(pd.DataFrame({"code": codes(3), "corporatie": [-99995, 30, -99997]}))
    assert out["corporatiebezit_klasse"].tolist() == [0, 3, 0]
    # issue 22: -99991 (no longer published) and -99998 are CBS markers too, not a 0-10 % class
    out, _ = compute_maps(pd.DataFrame({"code": codes(3), "corporatie": [-99991, 30, -99998]}))
    assert out["corporatiebezit_klasse"].tolist() == [0, 3, 0]


def test_too_few_inhabitants_get_class_zero_and_leave_reference_set():
    frame = pd.DataFrame({"code": codes(4), "corporatie": [5, 30, 60, 90], "inwoners": [49, 50, None, 1000]})
    out, reports = compute_maps(frame)
    assert out["corporatiebezit_klasse"].tolist() == [0, 3, 0, 5]
    assert reports[MAP_IDS.index("corporatiebezit")].reference_size == 2
    out, _ = compute_maps(frame, Settings(min_inwoners=0))
    assert out["corporatiebezit_klasse"].tolist() == [1, 3, 0, 5]  # unknown inhabitants never pass


def test_constant_column_gives_class_three_and_a_note():
    out, reports = compute_maps(pd.DataFrame({"code": codes(3), "onv_t0": [1.0] * 3, "onv_t1": [1.0] * 3}))
    assert out["overlast_klasse"].tolist() == [3, 3, 3]
    assert out["overlast_ontwikkeling_klasse"].tolist() == [3, 3, 3]
    assert any("Geen spreiding" in n for n in reports[MAP_IDS.index("overlast")].notes)


def test_missing_inputs_all_class_zero_with_reason():
    out, reports = compute_maps(pd.DataFrame({"code": codes(3), "onv_t1": [1.0, 2.0, 3.0]}))
    assert set(out["signalering_klasse"]) == {0}
    assert "KWETSBAAR_START" in reports[MAP_IDS.index("signalering")].describe()
    assert set(out.columns) == {f"{m}_{s}" for m in MAP_IDS for s in ("waarde", "klasse", "label")}


def signalering_frame():
    # Δkwetsbaar and Δonv chosen with sd = 2 each (values -3,-1,0,0,1,3 as above), so z = Δ/2
    d_k = [3.0, -3.0, 3.0, 0.0, -1.0, 1.0]
    d_o = [-3.0, -3.0, 1.0, 0.0, 3.0, -1.0]
    return pd.DataFrame({"code": codes(6), "kwetsbaar_t0": 0.0, "kwetsbaar_t1": d_k, "onv_t0": 0.0, "onv_t1": d_o})


def test_signalering_absolute_by_hand():
    out, _ = compute_maps(signalering_frame())
    # z_k: 1.5,-1.5,1.5,0,-0.5,0.5 ; z_o: -1.5,-1.5,0.5,0,1.5,-0.5
    # row0 K_up & O_up -> 1; row1 not K_up, O_up -> 2; row2 K_up, not O_up -> 3; row3 -> 4;
    # row4 not K_up, O_down -> 5; row5 z_k = 0.5 is not > 0.5 and z_o = -0.5 is not < -0.5 -> 4
    assert out["signalering_klasse"].tolist() == [1, 2, 3, 4, 5, 4]
    assert out["signalering_label"][0] == "veerkracht onder druk"


def test_signalering_relative_uses_gemeente_median_and_single_buurt_gemeente():
    frame = signalering_frame()
    # a second gemeente whose every buurt rose by +10 in kwetsbaar: relative to its own median, no change
    other = pd.DataFrame(
        {
            "code": codes(3, "0308"),
            "kwetsbaar_t0": 0.0,
            "kwetsbaar_t1": [10.0, 10.0, 10.0],
            "onv_t0": 0.0,
            "onv_t1": [-5.0, -5.0, -5.0],
        }
    )
    single = pd.DataFrame(
        {"code": ["BU03630001"], "kwetsbaar_t0": [0.0], "kwetsbaar_t1": [50.0], "onv_t0": [0.0], "onv_t1": [-50.0]}
    )
    out, reports = compute_maps(pd.concat([frame, other, single], ignore_index=True))
    relative = out["signalering_relatief_klasse"].tolist()
    assert relative[6:] == [4, 4, 4, 4]  # equal to own median, and the lone buurt is its own median
    assert out["signalering_klasse"].tolist()[9] == 1  # absolute: a huge rise in both
    # gemeente 0344's median Δk = 0.5*(0+1)=... computed by hand: sorted d_k -3,-1,0,1,3,3 -> median 0.5
    d_k = np.array([3.0, -3.0, 3.0, 0.0, -1.0, 1.0]) - 0.5
    d_o = np.array([-3.0, -3.0, 1.0, 0.0, 3.0, -1.0]) - (-0.5)
    all_k = np.concatenate([d_k, np.zeros(4)])
    all_o = np.concatenate([d_o, np.zeros(4)])
    z_k, z_o = all_k / all_k.std(ddof=1), all_o / all_o.std(ddof=1)
    expected = np.where(
        (z_k > 0.5) & (z_o < -0.5),
        1,
        np.where(~(z_k > 0.5) & (z_o < -0.5), 2, np.where((z_k > 0.5), 3, np.where(z_o > 0.5, 5, 4))),
    )
    assert relative == expected.tolist()


def test_focus_terciles():
    kwetsbaar = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    onv = [9, 8, 7, 6, 5, 4, 3, 2, 1]  # -onv rises with kwetsbaar
    out, _ = compute_maps(pd.DataFrame({"code": codes(9), "kwetsbaar_t1": kwetsbaar, "onv_t1": onv}))
    # terciles of 1..9: 3.667, 6.333 -> kT = 1,1,1,2,2,2,3,3,3 and oT the same
    assert out["focus_klasse"].tolist() == [1, 1, 1, 5, 5, 5, 9, 9, 9]
    assert out["focus_label"][8] == "kwetsbaar hoog, overlast hoog (focus)"


def test_leefbaarheid_class_column_wins_and_afw_stand_in_is_marked():
    frame = pd.DataFrame({"code": codes(3), "lbm_klasse": [1, 9, 12], "afw": [-0.5, 0.3, 0.0]})
    out, reports = compute_maps(frame)
    assert out["leefbaarheid_klasse"].tolist() == [1, 9, 0]
    out, reports = compute_maps(frame.drop(columns="lbm_klasse"))
    grenzen = load_catalogue()["afw_drempels"]["grenzen"]
    expected = [1 + sum(g <= v for g in grenzen) for v in (-0.5, 0.3, 0.0)]
    assert out["leefbaarheid_klasse"].tolist() == expected == [1, 9, 6]
    assert out["leefbaarheid_label"][0] == "zeer onvoldoende (voorlopige grenzen)"
    assert "VOORLOPIGE" in reports[0].describe()


def test_catalogue_labels_complete():
    for map_id in MAP_IDS:
        labels = class_labels(map_id)
        assert labels[0] == "onvoldoende gegevens"
        assert len(labels) == (10 if map_id in ("leefbaarheid", "focus") else 6)


def test_vulnerability_index_pooled_standardisation():
    bijstand_0 = pd.Series([10.0, 20.0, 30.0])
    bijstand_1 = pd.Series([20.0, 30.0, None])
    laag_0 = pd.Series([5.0, 5.0, 8.0])
    laag_1 = pd.Series([6.0, 7.0, 9.0])
    start, end = vulnerability_index([bijstand_0, laag_0], [bijstand_1, laag_1])
    pooled_b = np.array([10, 20, 30, 20, 30.0])
    pooled_l = np.array([5, 5, 8, 6, 7, 9.0])
    zb = lambda v: (v - pooled_b.mean()) / pooled_b.std(ddof=1)  # noqa: E731
    zl = lambda v: (v - pooled_l.mean()) / pooled_l.std(ddof=1)  # noqa: E731
    assert start[0] == pytest.approx((zb(10) + zl(5)) / 2)
    assert end[1] == pytest.approx((zb(30) + zl(7)) / 2)
    assert np.isnan(end[2])  # a missing component makes the index missing
    with pytest.raises(VeerkrachtError, match="'laag' heeft geen spreiding"):
        vulnerability_index([], [bijstand_1, pd.Series([1.0, 1.0, 1.0])], names=["bijstand", "laag"])


def test_per_thousand():
    assert per_thousand(pd.Series([5, 1]), pd.Series([1000, 0])).tolist()[0] == 5.0
    assert np.isnan(per_thousand(pd.Series([5, 1]), pd.Series([1000, 0]))[1])
