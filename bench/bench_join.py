"""joinindicators against native:joinattributestable on the 13,594 NL buurten and a national long table."""

import csv
import random

from common import NL_BUURTEN, WORK, native_join, nl_codes, report, timed_run

YEARS = (2018, 2020, 2022, 2024)


def national_long_table(path):
    """A Leefbaarometer-like long table: every NL code x four years, as the official CSV is laid out."""
    rng = random.Random(42)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(["bu_code", "bu_naam", "jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"])
        for code in nl_codes():
            for year in YEARS:
                dims = [rng.gauss(0, 0.05) for _ in range(5)]
                writer.writerow([code, f"Buurt {code}", year, 4.1 + sum(dims), sum(dims), *dims])
    return path


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    table = national_long_table(WORK / "lbm-nl-long.csv")
    layer = f"{NL_BUURTEN}|layername=buurten"
    ours = timed_run(
        "veerkracht:joinindicators", {"INPUT": layer, "TABLE": str(table), "YEAR": 2024, "OUTPUT": "TEMPORARY_OUTPUT"}
    )
    native = native_join(layer, table)
    ratio = report("koppelen, 13.594 buurten x 4 jaren", ours, native)
    print(
        f"[koppelen] doel: hoogstens 1,5x native (met normalisatie van codes): {'gehaald' if ratio <= 1.5 else 'NIET gehaald'}"
    )
