"""The national gemeente list (resources/gemeenten.csv, CBS 2023) and finding a gemeente by code or by name."""

import csv
import difflib
import re
import unicodedata
from functools import lru_cache

from ..paths import RESOURCES_DIR

GEMEENTEN_PATH = RESOURCES_DIR / "gemeenten.csv"
_CODE = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)


@lru_cache(maxsize=1)
def gemeenten():
    """[(code, name)] in the order of the file (by code)."""
    with open(GEMEENTEN_PATH, encoding="utf-8", newline="") as handle:
        return [(row["gemeentecode"], row["gemeentenaam"]) for row in csv.DictReader(handle)]


def name_key(name):
    """Names compare without case, accents, apostrophes (' ’ ‘ `) and extra spaces."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"['`\u2019\u2018]", "", text).lower()
    return re.sub(r"[\s-]+", " ", text).strip()


def find_gemeenten(wanted):
    """[(code, name)] for ``wanted`` codes (GM0308, 0308, 308) or names; ValueError (Dutch) naming what is unknown,
    with close names as a suggestion."""
    by_code = dict(gemeenten())
    by_name = {name_key(name): (code, name) for code, name in gemeenten()}
    found, unknown = [], []
    for item in wanted:
        item = str(item).strip()
        if not item:
            continue
        match = _CODE.match(item)
        if match:
            code = f"GM{int(match.group(1)):04d}"
            found.append((code, by_code.get(code, code)))
        elif name_key(item) in by_name:
            found.append(by_name[name_key(item)])
        else:
            unknown.append(item)
    if unknown:
        hints = []
        for item in unknown:
            part = [key for key in by_name if name_key(item) and name_key(item) in key]  # 'bosch' in 's-Hertogenbosch
            close = list(
                dict.fromkeys(part + difflib.get_close_matches(name_key(item), list(by_name), n=3, cutoff=0.6))
            )
            close = close[:3]
            names = [by_name[key][1] for key in close]
            hints.append(f"'{item}'" + (f" (bedoelt u {' of '.join(names)}?)" if names else ""))
        raise ValueError(
            "Onbekende gemeente: " + ", ".join(hints) + ". Geef een gemeentecode (zoals GM0308) of de naam zoals CBS "
            "die schrijft (zoals Baarn of 's-Hertogenbosch)."
        )
    unique = []
    for pair in found:
        if pair not in unique:
            unique.append(pair)
    return unique
