"""`make bench`: every benchmark in one run, each printing its ratio against QGIS' own work."""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

BENCHMARKS = ["bench_startup", "bench_join", "bench_maps", "bench_dock", "bench_atlas"]

if __name__ == "__main__":
    selected = sys.argv[1:] or BENCHMARKS
    for name in selected:
        importlib.import_module(name).run()
