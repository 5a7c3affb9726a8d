"""Shared benchmark plumbing: national test data generated from the NL codes, A and B alternated in fresh
processes, cold (first run of a process) and warm (later runs) figures, outputs written as GeoPackages."""

import csv
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
NL_BUURTEN = SHARED / "nl" / "buurten-2019-gegeneraliseerd.gpkg"
WORK = REPO / "out" / "bench"
ROUNDS = 5  # fresh processes per side, alternated A, B, A, B, ...: five cold runs each
REPEATS = 2  # warm runs per process: ten warm runs per side

# One job is a list of steps [algorithm, parameters]; a parameter '@<n>' is the OUTPUT of step n of the same
# run, '{run}' in a text becomes a tag unique to the run (so each run writes its own GeoPackage).
_RUNNER = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
import processing
from qgis.core import QgsProcessingContext, QgsProcessingFeedback
steps, repeats, tag = json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def resolved(parameters, outputs, run):
    def value(v):
        if isinstance(v, str) and v.startswith("@"):
            return outputs[int(v[1:])]
        return v.replace("{run}", f"{tag}-{run}") if isinstance(v, str) else v
    return {key: value(v) for key, v in parameters.items()}


before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for run in range(1 + repeats):
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    outputs = []
    t0 = time.perf_counter()
    for algorithm, parameters in steps:
        result = processing.run(algorithm, resolved(parameters, outputs, run), context=context, feedback=feedback)
        outputs.append(result["OUTPUT"])
    times.append(time.perf_counter() - t0)
    del outputs, context
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", json.dumps({"cold": times[0], "warm": times[1:], "peak_mib": peak / 1024,
                            "growth_mib": (peak - before) / 1024}))
"""


_SET_UP = (
    "import sys, json; sys.path.insert(0, sys.argv[1]); from headless import start_qgis; app = start_qgis(); "
    "import processing; processing.run(sys.argv[2], json.loads(sys.argv[3]))"
)


def set_up(algorithm, parameters):
    """Run one algorithm in a fresh QGIS process to make a benchmark's input (set-up, not timed)."""
    subprocess.run(
        [sys.executable, "-c", _SET_UP, str(REPO / "scripts"), algorithm, json.dumps(parameters)],
        check=True,
        capture_output=True,
    )


def timed_run(steps, repeats=REPEATS, tag="a"):
    """One fresh QGIS process: the first (cold) run of ``steps`` and ``repeats`` further (warm) runs, and how
    much the process' peak memory grew while running them."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(REPO / "scripts"), json.dumps(steps), str(repeats), tag],
        capture_output=True,
        text=True,
    )
    line = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"{steps[-1][0]} faalde:\n{proc.stderr[-3000:]}")
    return json.loads(line[-1][7:])


def compare(sides, rounds=ROUNDS, repeats=REPEATS):
    """{side: medians} for {side: steps}: the sides alternated (A, B, A, B, ...) in ``rounds`` fresh processes
    each; medians of the cold runs, of all warm runs and of the processes' peak memory. So a slow moment of the
    shared machine hits every side."""
    runs = {side: [] for side in sides}
    for round_ in range(rounds):
        for side, steps in sides.items():
            runs[side].append(timed_run(steps, repeats, f"{side}{round_}"))
    return {side: _medians(processes) for side, processes in runs.items()}


def _medians(processes):
    return {
        "cold": statistics.median(p["cold"] for p in processes),
        "warm": statistics.median(t for p in processes for t in p["warm"]),
        "peak_mib": statistics.median(p["peak_mib"] for p in processes),
        "growth_mib": statistics.median(p["growth_mib"] for p in processes),
        "runs": len(processes),
        "warm_runs": sum(len(p["warm"]) for p in processes),
    }


def nl_codes():
    """The 13,594 buurt codes of the NL layer, read without QGIS."""
    import sqlite3

    with sqlite3.connect(NL_BUURTEN) as db:
        return [row[0] for row in db.execute("select statcode from buurten order by fid")]


LBM_YEARS = (2018, 2020, 2022, 2024)


def national_long_table(path, codes=None):
    """A Leefbaarometer-like long table: every code x four years, as the official CSV is laid out."""
    if path.is_file():
        return path
    rng = random.Random(42)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(["bu_code", "bu_naam", "jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"])
        for code in codes or nl_codes():
            for year in LBM_YEARS:
                dims = [rng.gauss(0, 0.05) for _ in range(5)]
                writer.writerow([code, f"Buurt {code}", year, 4.1 + sum(dims), sum(dims), *dims])
    return path


def report(label, ours, native):
    """Print warm and cold figures and memory; return (warm ratio, cold ratio)."""
    warm, cold = ours["warm"] / native["warm"], ours["cold"] / native["cold"]
    print(
        f"[{label}] warm (mediaan van {ours['warm_runs']}): veerkracht {ours['warm']:.3f} s, QGIS native "
        f"{native['warm']:.3f} s, verhouding {warm:.2f} | eerste run in een vers proces (mediaan van {ours['runs']}): "
        f"veerkracht {ours['cold']:.3f} s, native {native['cold']:.3f} s, verhouding {cold:.2f}"
    )
    print(
        f"[{label}] geheugen (mediaan van de procespieken): veerkracht {ours['peak_mib']:.0f} MiB "
        f"(+{ours['growth_mib']:.0f} MiB tijdens de runs), native {native['peak_mib']:.0f} MiB "
        f"(+{native['growth_mib']:.0f} MiB), verhouding {ours['peak_mib'] / native['peak_mib']:.2f}"
    )
    return warm, cold


def verdict(ratio, goal):
    return "gehaald" if ratio <= goal else "NIET gehaald"


def native_join_steps(layer, table, key, year, fields, prefix, output):
    """QGIS' own join of the ``year`` rows (column jaar) of a long ``table`` onto ``layer`` (statcode = ``key``):
    the year's slice first (native:extractbyattribute), as ours takes that year. ``layer`` may be '@-n'."""
    return [
        [
            "native:extractbyattribute",
            {"INPUT": str(table), "FIELD": "jaar", "OPERATOR": 0, "VALUE": str(year), "OUTPUT": "TEMPORARY_OUTPUT"},
        ],
        [
            "native:joinattributestable",
            {
                "INPUT": layer,
                "FIELD": "statcode",
                "INPUT_2": "@-1",
                "FIELD_2": key,
                "FIELDS_TO_COPY": fields,
                "PREFIX": prefix,
                "METHOD": 1,
                "DISCARD_NONMATCHING": False,
                "OUTPUT": output,
            },
        ],
    ]
