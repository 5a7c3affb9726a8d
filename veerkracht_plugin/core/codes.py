"""CBS area codes as users meet them (BU03440111, 03440111, 3440111, ' bu03440111 ') made comparable."""

import re

LEVELS = {"GM": 4, "WK": 6, "BU": 8}
LEVEL_NAMES = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_PREFIXED = re.compile(r"^(GM|WK|BU)\s*([0-9A-Z]+)$")
_BARE_NUMBER = re.compile(r"^([0-9]+)(?:\.0+)?$")
# Spaces (also inside: 'BU0344 0111'), non-breaking spaces and the invisible characters web pages and Excel leave
# in front of a code (zero-width space, BOM, word joiner, direction marks): never part of a CBS code.
INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")


def normalise_code(value, level="BU"):
    """Canonical code, or None when the value is empty.

    A code with its prefix keeps its own level; a bare number is read as a code of ``level``
    and gets back the leading zeros it lost as an integer.
    """
    if value is None:
        return None
    if value.__class__ is str and len(value) == 10 and value[:2] == level and value[2:].isdigit():
        return value  # already canonical: the common case, kept cheap for national layers
    text = INVISIBLE.sub("", str(value)).upper()
    if not text or text in ("NAN", "NONE", "NULL"):
        return None
    match = _PREFIXED.match(text)
    if match:
        prefix, body = match.groups()
        if body.isdigit():
            body = body.zfill(LEVELS[prefix])
        return prefix + body
    match = _BARE_NUMBER.match(text)
    if match:
        return level + match.group(1).zfill(LEVELS[level])
    return text


def code_level(code):
    """'BU', 'WK', 'GM' or None for a normalised code."""
    if code and code[:2] in LEVELS:
        return code[:2]
    return None


def gemeente_of(code):
    """GM code inside a WK or BU code: BU03440111 -> GM0344."""
    level = code_level(code)
    if level is None:
        return None
    return "GM" + code[2:6]


def wijk_of(code):
    """WK code inside a BU code: BU03440111 -> WK034401."""
    if code_level(code) != "BU":
        return None
    return "WK" + code[2:8]


def dominant_level(codes):
    """The level most codes have; 'BU' when none can be told."""
    counts = {}
    for code in codes:
        level = code_level(code)
        if level:
            counts[level] = counts.get(level, 0) + 1
    if not counts:
        return "BU"
    return max(counts, key=counts.get)


# The gemeente part of codes written without one, on a layer that has no gemeente either: both sides stay short.
NO_GEMEENTE = "GM0000"
GEMEENTE_FIELD_CANDIDATES = ["gemeentecode", "gm_code", "gemeente_code", "gmcode", "gemeentenummer"]
_SHORT_DIGITS = {"BU": 4, "WK": 2}  # the digits after the 4-digit gemeente part


def short_code(value, level="BU"):
    """The digits of a code written without its gemeente part ('0601' for buurt 06 01), else None.

    A bare number of at most 4 digits (buurt) or 2 digits (wijk) cannot be a whole code: the smallest gemeente
    code, 0003, already makes a buurt code of 5 digits once its leading zeros are lost.
    """
    if level not in _SHORT_DIGITS or value is None:
        return None
    text = INVISIBLE.sub("", str(value))
    match = _BARE_NUMBER.match(text)
    if match and len(match.group(1)) <= _SHORT_DIGITS[level]:
        return match.group(1).zfill(_SHORT_DIGITS[level])
    return None


def complete_code(value, gemeente, level="BU"):
    """A code without its gemeente part completed with ``gemeente`` (GM0758 or 0758): '0601' -> BU07580601.
    Any other value is normalised as ``normalise_code`` does."""
    if gemeente is None:
        return normalise_code(value, level)
    digits = short_code(value, level)
    gemeente = normalise_code(gemeente, "GM") if gemeente != "" else None
    if digits is None or code_level(gemeente) != "GM":
        return normalise_code(value, level)
    return level + gemeente[2:] + digits
