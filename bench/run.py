"""`make bench`: every benchmark in one run, each printing its ratio against QGIS' own work."""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

BENCHMARKS = ["bench_startup", "bench_join", "bench_maps", "bench_dock", "bench_atlas", "bench_reallocate"]
# these need the national layer of ../shared/data
NATIONAL = {"bench_join", "bench_maps", "bench_dock", "bench_reallocate"}

if __name__ == "__main__":
    from common import NL_BUURTEN

    selected = sys.argv[1:] or BENCHMARKS
    for name in selected:
        if name in NATIONAL and not NL_BUURTEN.is_file():
            print(f"{name} overgeslagen: de landelijke buurtlaag {NL_BUURTEN} ontbreekt (alleen naast deze checkout).")
            continue
        importlib.import_module(name).run()
