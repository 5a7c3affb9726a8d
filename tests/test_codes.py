"""Code normalisation: the forms users meet all map onto the canonical CBS code."""

import pytest

from veerkracht.veerkracht_plugin.core.codes import (
    complete_code,
    dominant_level,
    gemeente_of,
    normalise_code,
    short_code,
    wijk_of,
)


@pytest.mark.parametrize(
    "raw, level, expected",
    [
        ("BU03440111", "BU", "BU03440111"),
        (" bu03440111 ", "BU", "BU03440111"),
        ("03440111", "BU", "BU03440111"),
        ("3440111", "BU", "BU03440111"),
        (3440111, "BU", "BU03440111"),
        (3440111.0, "BU", "BU03440111"),
        ("3440111.0", "BU", "BU03440111"),
        ("BU3440111", "BU", "BU03440111"),
        ("WK034401", "BU", "WK034401"),  # a prefixed code keeps its own level
        ("34401", "WK", "WK034401"),
        ("344", "GM", "GM0344"),
        ("GM0344", "BU", "GM0344"),
        ("BU0518AB01", "BU", "BU0518AB01"),  # letters in big gemeenten stay as they are
        ("", "BU", None),
        (None, "BU", None),
        ("NULL", "BU", None),
    ],
)
def test_normalise_code(raw, level, expected):
    assert normalise_code(raw, level) == expected


def test_parent_codes():
    assert gemeente_of("BU03440111") == "GM0344"
    assert wijk_of("BU03440111") == "WK034401"
    assert gemeente_of("WK034401") == "GM0344"
    assert wijk_of("WK034401") is None


def test_dominant_level():
    assert dominant_level(["WK034401", "WK034402", "BU03440111"]) == "WK"
    assert dominant_level([None, "onbekend"]) == "BU"


@pytest.mark.parametrize(
    "raw, gemeente, level, expected",
    [
        ("0601", "0758", "BU", "BU07580601"),
        ("0601", "GM0758", "BU", "BU07580601"),
        (601, 758, "BU", "BU07580601"),  # both as integers that lost their zeros
        ("06", "GM0758", "WK", "WK075806"),
        ("BU07580601", "GM0758", "BU", "BU07580601"),  # already whole
        ("3440111", "GM0758", "BU", "BU03440111"),  # 7 digits: a whole code that lost its zero
        ("0601", None, "BU", "BU00000601"),  # no gemeente known: as before
        ("0601", "onbekend", "BU", "BU00000601"),
    ],
)
def test_complete_code(raw, gemeente, level, expected):
    assert complete_code(raw, gemeente, level) == expected


def test_short_code():
    assert short_code("0601") == "0601" and short_code(601) == "0601" and short_code(" 12 ") == "0012"
    assert short_code("03440111") is None and short_code("BU0601") is None and short_code("06", "WK") == "06"
    assert short_code("0601", "GM") is None
