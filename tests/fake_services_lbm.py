"""The fake Leefbaarometer 3.0 layers lbm3:buurtscore20/22/24 (fake_services_wfs.py serves them).

The real scores of the Baarn and Utrecht CSVs in tests/data; 's-Hertogenbosch and the rest of the country are
SYNTHETIC (a seeded RNG; the national rows have no geometry). The classes kscore and kfys/konv/ksoc/kvrz/kwon
are the fake's own (lbm_class), not the official Leefbaarometer classes, which are not in tests/data.
"""

import csv
import functools
import random
from bisect import bisect_right

from fake_services_data import (
    DATA,
    DEN_BOSCH_2023,
    DETAILED,
    Feature,
    baarn_2024,
    den_bosch_squares,
    gemeente_names,
    national_codes,
    utrecht_2023,
)

LBM_YEARS = (2020, 2022, 2024)
# kscore from afw with these bounds (equal to afw_drempels.grenzen in resources/kaarten.json when written; a
# test checks they still are): class = 1 + the number of bounds <= afw, so 1-9. The dimension classes use the
# same bounds times 0.5 on the dimension score.
AFW_BOUNDS = (-0.3, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2)
DIMENSIONS = ("fys", "onv", "soc", "vrz", "won")


def lbm_class(score, scale=1.0):
    return 1 + bisect_right([bound * scale for bound in AFW_BOUNDS], score)


def _lbm_props(code, name, scores, year):
    """The properties of lbm3:buurtscoreYY as the Leefbaarometer WFS publishes them: gemeente, name, id (the BU
    code), scale, year, the classes kscore/kafw/k<dimension> and the scores; no bu_code, bu_naam or lbm."""
    props = {"gemeente": gemeente_names().get("GM" + code[2:6], ""), "name": name, "id": code, "scale": "buurt"}
    props.update(year=year, kscore=lbm_class(scores["afw"]), kafw=lbm_class(scores["afw"]))
    for dimension in DIMENSIONS:
        props["k" + dimension] = lbm_class(scores[dimension], 0.5)
    props["afw"] = scores["afw"]
    for dimension in DIMENSIONS:
        props[dimension] = scores[dimension]
    return props


def _synthetic_scores(rng, offset):
    dims = {d: round(rng.gauss(0, 0.05), 4) for d in DIMENSIONS}
    afw = round(sum(dims.values()), 4)
    return {"afw": afw, "lbm": round(afw + offset, 4), **dims}


@functools.cache
def lbm_layer(year):
    """lbm3:buurtscore<yy>: real scores of Baarn and Utrecht, synthetic ones elsewhere (national rows last)."""
    geometries = {f["properties"]["buurtcode"]: f["geometry"] for f in baarn_2024()}
    geometries.update({code: geometry for geometry, code, _, _ in utrecht_2023()[0]})
    geometries.update(den_bosch_squares())
    features = []
    for gemeente in ("baarn/leefbaarometer-scores-buurten-GM0308", "utrecht/leefbaarometer-scores-buurten-GM0344"):
        with (DATA / f"{gemeente}-2018-2024.csv").open(encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if int(r["jaar"]) == year]
        for r in rows:
            scores = {k: float(r[k]) for k in ("lbm", "afw", *DIMENSIONS)}
            features.append(Feature(geometries.get(r["bu_code"]), _lbm_props(r["bu_code"], r["bu_naam"], scores, year)))
    offset = 0.0  # lbm is not in the WFS, only afw and the dimensions
    rng = random.Random(f"leefbaarometer-{year}")
    for (code, geometry), (name, *_) in zip(den_bosch_squares(), DEN_BOSCH_2023):
        features.append(Feature(geometry, _lbm_props(code, name, _synthetic_scores(rng, offset), year)))
    for code in national_codes():
        if "GM" + code[2:6] not in DETAILED:
            props = _lbm_props(code, f"Buurt {code[2:]}", _synthetic_scores(rng, offset), year)
            features.append(Feature(None, props, national=True))
    return tuple(features)
