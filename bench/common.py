"""Shared benchmark plumbing: national test data generated from the NL codes, runs in fresh processes."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
NL_BUURTEN = SHARED / "nl" / "buurten-2019-gegeneraliseerd.gpkg"
WORK = REPO / "out" / "bench"

_RUNNER = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
import processing
from qgis.core import QgsProcessingContext, QgsProcessingFeedback
algorithm, parameters = sys.argv[2], json.loads(sys.argv[3])
repeats = int(sys.argv[4])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for _ in range(1 + repeats):
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    t0 = time.perf_counter()
    processing.run(algorithm, parameters, context=context, feedback=feedback)
    times.append(time.perf_counter() - t0)
    del context
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("RESULT", json.dumps({"cold": times[0], "warm": sorted(times[1:])[len(times[1:]) // 2],
                            "peak_mib": peak / 1024, "growth_mib": (peak - before) / 1024}))
"""


def timed_run(algorithm, parameters, repeats=5):
    """In a fresh QGIS process: the first (cold) run, the median of ``repeats`` further (warm) runs, and
    how much the process' peak memory grew while running them."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(REPO / "scripts"), algorithm, json.dumps(parameters), str(repeats)],
        capture_output=True,
        text=True,
    )
    line = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"{algorithm} faalde:\n{proc.stderr[-3000:]}")
    return json.loads(line[-1][7:])


def nl_codes():
    """The 13,594 buurt codes of the NL layer, read without QGIS."""
    import sqlite3

    with sqlite3.connect(NL_BUURTEN) as db:
        return [row[0] for row in db.execute("select statcode from buurten order by fid")]


def report(label, ours, native):
    """Print both runs and return the warm ratio (a QGIS session imports pandas once, not per run)."""
    warm, cold = ours["warm"] / native["warm"], ours["cold"] / native["cold"]
    print(
        f"[{label}] veerkracht {ours['warm']:.3f} s (eerste run {ours['cold']:.3f} s) | "
        f"QGIS native {native['warm']:.3f} s (eerste run {native['cold']:.3f} s) | "
        f"verhouding {warm:.2f} (eerste run {cold:.2f})"
    )
    print(
        f"[{label}] geheugen: piek proces veerkracht {ours['peak_mib']:.0f} MiB (+{ours['growth_mib']:.0f} MiB tijdens de runs), "
        f"native {native['peak_mib']:.0f} MiB (+{native['growth_mib']:.0f} MiB)"
    )
    return warm


def native_join(layer, table):
    """QGIS' own attribute join of ``table`` (bu_code) onto ``layer`` (statcode), timed like ours."""
    return timed_run(
        "native:joinattributestable",
        {
            "INPUT": str(layer),
            "FIELD": "statcode",
            "INPUT_2": str(table),
            "FIELD_2": "bu_code",
            "METHOD": 1,
            "DISCARD_NONMATCHING": False,
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
