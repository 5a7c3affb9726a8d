"""joinindicators against QGIS' own join of the same year's slice, on the 13,594 NL buurten and a national
long table (four years); both write a GeoPackage."""

import statistics
import subprocess
import sys

from common import (
    NL_BUURTEN,
    REPO,
    SHARED,
    WORK,
    compare,
    national_long_table,
    native_join_steps,
    report,
    timed_run,
    verdict,
)

GOAL_COLD = 1.5


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("koppelen-*.gpkg"):
        old.unlink()
    table = national_long_table(WORK / "lbm-nl-long.csv")
    layer = f"{NL_BUURTEN}|layername=buurten"
    fields = ["lbm", "afw", "fys", "onv", "soc", "vrz", "won"]
    ours = [
        [
            "veerkracht:joinindicators",
            {
                "INPUT": layer,
                "TABLE": str(table),
                "YEAR": 2024,
                "FIELDS": ",".join(fields),
                "OUTPUT": str(WORK / "koppelen-veerkracht-{run}.gpkg"),
            },
        ]
    ]
    native = native_join_steps(layer, table, "bu_code", 2024, fields, "", str(WORK / "koppelen-native-{run}.gpkg"))
    medians = compare({"ours": ours, "native": native})
    ours, native = medians["ours"], medians["native"]
    warm, cold = report("koppelen, 13.594 buurten, jaar 2024 uit 4 jaren", ours, native)
    print(
        f"[koppelen] doel: eerste run hoogstens {GOAL_COLD:g}x native: {verdict(cold, GOAL_COLD)} "
        f"(warm {warm:.2f}x; veerkracht normaliseert ook de codes en herkent getallen)"
    )
    imports = pandas_import_seconds()
    print(
        f"[koppelen] waarvan pandas importeren (numpy en pandas, vers QGIS-proces, mediaan van 5): {imports:.3f} s; "
        f"de eerste run zonder die import zou {(ours['cold'] - imports) / native['cold']:.2f}x native zijn"
    )
    scale = {"NL": ours["warm"]}
    for name, (layer, table) in SCALE.items():
        job = {"INPUT": str(SHARED / layer), "TABLE": str(SHARED / table), "YEAR": 2024}
        measured = timed_run(
            [["veerkracht:joinindicators", {**job, "OUTPUT": str(WORK / f"koppelen-{name}-{{run}}.gpkg")}]], 5
        )
        scale[name] = sorted(measured["warm"])[2]
    return scale


_IMPORT_PROBE = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); from headless import start_qgis; app = start_qgis(); "
    "t = time.perf_counter(); import pandas; print('RESULT', time.perf_counter() - t)"
)


def pandas_import_seconds(runs=5):
    """What the first run pays for pandas alone, as a fresh QGIS process with the plugin loaded imports it."""
    seconds = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE, str(REPO / "scripts")], capture_output=True, text=True, check=True
        ).stdout
        seconds.append(float(out.split("RESULT")[-1]))
    return statistics.median(seconds)


SCALE = {  # the Leefbaarometer of 2024 onto the sample buurten, warm median of five
    "Baarn": ("baarn/buurten-2024-GM0308.geojson", "baarn/leefbaarometer-scores-buurten-GM0308-2018-2024.csv"),
    "Utrecht": ("utrecht/buurten-2019-GM0344.geojson", "utrecht/leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
}
