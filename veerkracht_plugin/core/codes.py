"""CBS area codes as users meet them (BU03440111, 03440111, 3440111, ' bu03440111 ') made comparable."""

import re

LEVELS = {"GM": 4, "WK": 6, "BU": 8}
LEVEL_NAMES = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_PREFIXED = re.compile(r"^(GM|WK|BU)\s*([0-9A-Z]+)$")
_BARE_NUMBER = re.compile(r"^([0-9]+)(?:\.0+)?$")


def normalise_code(value, level="BU"):
    """Canonical code, or None when the value is empty.

    A code with its prefix keeps its own level; a bare number is read as a code of ``level``
    and gets back the leading zeros it lost as an integer.
    """
    if value is None:
        return None
    if value.__class__ is str and len(value) == 10 and value[:2] == level and value[2:].isdigit():
        return value  # already canonical: the common case, kept cheap for national layers
    text = str(value).strip().upper()
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
