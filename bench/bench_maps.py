"""computemaps (all nine maps) against one native:joinattributestable on the 13,594 NL buurten."""

import csv
import random
import subprocess
import sys

from common import NL_BUURTEN, REPO, WORK, native_join, nl_codes, report, timed_run

COLUMNS = ["afw", "onv_t0", "onv_t1", "kwetsbaar_t0", "kwetsbaar_t1", "corporatie", "inwoners"]


def indicator_table(path):
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bu_code", *COLUMNS])
        for code in nl_codes():
            onv0 = rng.gauss(0, 0.1)
            k0 = rng.gauss(0, 1)
            writer.writerow(
                [
                    code,
                    rng.gauss(0, 0.15),
                    onv0,
                    onv0 + rng.gauss(0, 0.03),
                    k0,
                    k0 + rng.gauss(0, 0.3),
                    rng.uniform(0, 100),
                    rng.choice([0, 30, 200, 1500, 4000]),
                ]
            )
    return path


def indicator_layer(table, target):
    """The NL layer with the indicators joined on (set-up, not timed)."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from headless import start_qgis; app = start_qgis(); "
        "import processing; processing.run('veerkracht:joinindicators', {'INPUT': sys.argv[2], 'TABLE': sys.argv[3], "
        "'OUTPUT': sys.argv[4]})"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(REPO / "scripts"),
            f"{NL_BUURTEN}|layername=buurten",
            str(table),
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    return target


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    table = indicator_table(WORK / "indicatoren-nl.csv")
    layer = WORK / "indicatoren-nl.gpkg"
    if layer.exists():
        layer.unlink()
    indicator_layer(table, layer)
    fields = {
        "AFW": "afw",
        "ONV_START": "onv_t0",
        "ONV_END": "onv_t1",
        "KWETSBAAR_START": "kwetsbaar_t0",
        "KWETSBAAR_END": "kwetsbaar_t1",
        "CORPORATIE": "corporatie",
        "INWONERS": "inwoners",
    }
    ours = timed_run("veerkracht:computemaps", {"INPUT": str(layer), "OUTPUT": "TEMPORARY_OUTPUT", **fields})
    native = native_join(layer, table)
    ratio = report("negen kaarten, 13.594 buurten (hele algoritme)", ours, native)
    core = core_seconds(table)
    print(
        f"[negen kaarten] alleen het rekenen (kern, zonder lezen en schrijven van features): {core:.3f} s, "
        f"verhouding tegen de native join {core / native['warm']:.2f}"
    )
    print(
        "[negen kaarten] doel 'goedkoper dan een native join': "
        f"rekenen {'gehaald' if core < native['warm'] else 'NIET gehaald'}, "
        f"hele algoritme {'gehaald' if ratio < 1 else 'NIET gehaald'} (PyQGIS leest en schrijft elk feature in Python)"
    )


def core_seconds(table, repeats=5):
    """Median time of compute_maps on the same indicators, as a pandas DataFrame."""
    import statistics
    import time

    import pandas as pd

    sys.path.insert(0, str(REPO / ".pytest_plugins"))
    from veerkracht.veerkracht_plugin.core.maps import compute_maps

    frame = pd.read_csv(table).rename(columns={"bu_code": "code"})
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        compute_maps(frame)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
