"""The map catalogue (resources/kaarten.json): ids, titles, classes, labels, colours and thresholds."""

import json
from functools import lru_cache

from ..paths import CATALOGUE_PATH

MAP_IDS = (
    "leefbaarheid",
    "overlast",
    "overlast_ontwikkeling",
    "kwetsbaar",
    "kwetsbaar_ontwikkeling",
    "corporatiebezit",
    "signalering",
    "signalering_relatief",
    "focus",
)


@lru_cache(maxsize=4)
def load_catalogue(path=CATALOGUE_PATH):
    with open(path, encoding="utf-8") as handle:
        catalogue = json.load(handle)
    ids = tuple(entry["id"] for entry in catalogue["kaarten"])
    if ids != MAP_IDS:
        raise ValueError(f"Kaartcatalogus {path}: verwacht de kaarten {', '.join(MAP_IDS)}, gevonden {', '.join(ids)}.")
    return catalogue


def map_entry(map_id, catalogue=None):
    catalogue = catalogue or load_catalogue()
    return next(entry for entry in catalogue["kaarten"] if entry["id"] == map_id)


def class_labels(map_id, catalogue=None):
    """{code: label} including class 0."""
    catalogue = catalogue or load_catalogue()
    labels = {catalogue["klasse_0"]["code"]: catalogue["klasse_0"]["label"]}
    labels.update({c["code"]: c["label"] for c in map_entry(map_id, catalogue)["klassen"]})
    return labels


def field_names(map_id):
    """The three output fields of a map."""
    return f"{map_id}_waarde", f"{map_id}_klasse", f"{map_id}_label"
