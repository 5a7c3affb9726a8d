"""herindelen (13,594 NL buurten 2019 onto the 3,475 wijken 2024) against native:intersection of the same two
layers, both into a GeoPackage. Issue 15: at most twice native. Sides alternated in fresh processes (common)."""

import subprocess

from common import NL_BUURTEN, SHARED, WORK, compare, report, verdict

REPEATS = 1  # warm runs per process, after its cold run: five of each per side
GOAL = 2.0


def prepared_layers():
    """Set-up, not timed: the buurten with three numeric fields, and the wijken made valid (the simplified
    national wijken file has self-intersections that native:intersection refuses)."""
    buurten, wijken = WORK / "herindelen-buurten-2019.gpkg", WORK / "herindelen-wijken-2024.gpkg"
    sql = (
        "SELECT statcode, geom, (fid % 97) * 31 + 100 AS inwoners, (fid % 89) * 11 + 50 AS huishoudens, "
        "(fid % 13) * 7.0 AS p_laag_inkomen FROM buurten"
    )
    for path, args in (
        (buurten, [str(NL_BUURTEN), "-dialect", "SQLite", "-sql", sql, "-nln", "buurten"]),
        (wijken, ["-makevalid", "-nlt", "MULTIPOLYGON", str(SHARED / "nl" / "wijken-2024.geojson"), "-nln", "wijken"]),
    ):
        if not path.is_file():
            subprocess.run(["ogr2ogr", "-f", "GPKG", str(path), *args], check=True, capture_output=True)
    return f"{buurten}|layername=buurten", f"{wijken}|layername=wijken"


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("herindelen-uit-*.gpkg"):
        old.unlink()
    buurten, wijken = prepared_layers()
    ours = {
        "INPUT": buurten,
        "TARGET": wijken,
        "SHARES": "p_laag_inkomen:huishoudens",
        "OUTPUT": str(WORK / "herindelen-uit-veerkracht-{run}.gpkg"),
    }
    native = {"INPUT": buurten, "OVERLAY": wijken, "OUTPUT": str(WORK / "herindelen-uit-native-{run}.gpkg")}
    medians = compare(
        {"ours": [["veerkracht:herindelen", ours]], "native": [["native:intersection", native]]}, repeats=REPEATS
    )
    warm, cold = report("herindelen, 13.594 buurten naar 3.475 wijken", medians["ours"], medians["native"])
    print(
        f"[herindelen] doel: hoogstens {GOAL:g}x native:intersection: warm {verdict(warm, GOAL)}, "
        f"eerste run {verdict(cold, GOAL)}"
    )
