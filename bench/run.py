"""`make bench`: every benchmark in one run, each printing its ratio against QGIS' own work, and at the end how
each cost grows from Baarn (21 buurten) to Utrecht (111) to all NL (13,594), from what the benchmarks return."""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

BENCHMARKS = [
    "bench_startup",
    "bench_join",
    "bench_maps",
    "bench_dock",
    "bench_atlas",
    "bench_reallocate",
    "bench_open_data",
    "bench_national",
    "bench_webmap",
]
# these need the national layer of ../shared/data
NATIONAL = {"bench_join", "bench_maps", "bench_dock", "bench_reallocate", "bench_webmap"}
SCALES = (("Baarn", 21), ("Utrecht", 111), ("NL", 13594))
# benchmark -> what its run() returns per scale: {"Baarn": seconds, "Utrecht": ..., "NL": ...}
COSTS = {
    "bench_maps": "veerkrachtkaarten maken",
    "bench_join": "indicatoren koppelen",
    "bench_atlas": "atlas, per pagina",
    "bench_dock": "dock: gemeente wisselen",
    "bench_webmap": "webkaart maken",
}


def growth_table(returned):
    """The lines of the table: per cost its seconds per scale and the factor against Baarn ('-': not measured)."""
    head = f"{'kosten':<26}" + "".join(f"{f'{name} ({n:,} buurten)'.replace(',', '.'):>26}" for name, n in SCALES)
    lines = [head]
    for bench, label in COSTS.items():
        figures = returned.get(bench) if isinstance(returned.get(bench), dict) else {}
        base = figures.get("Baarn")
        cells = []
        for name, _ in SCALES:
            seconds = figures.get(name)
            if not isinstance(seconds, (int, float)):
                cells.append(f"{'-':>26}")
                continue
            ratio = seconds / base if base else None
            factor = f" ({ratio:.{1 if ratio < 10 else 0}f}x)" if ratio and name != "Baarn" else ""
            cells.append(f"{_duration(seconds) + factor:>26}")
        lines.append(f"{label:<26}" + "".join(cells))
    return lines


def _duration(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    from common import NL_BUURTEN

    selected = sys.argv[1:] or BENCHMARKS
    returned = {}
    for name in selected:
        if name in NATIONAL and not NL_BUURTEN.is_file():
            print(f"{name} overgeslagen: de landelijke buurtlaag {NL_BUURTEN} ontbreekt (alleen naast deze checkout).")
            continue
        returned[name] = importlib.import_module(name).run()
    if any(name in COSTS for name in selected):
        print("\nHoe de kosten groeien (warm, mediaan; tussen haakjes: keer Baarn):")
        print("\n".join(growth_table(returned)))
