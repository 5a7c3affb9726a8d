"""The dock does not leak: memory after 610 gemeente switches within 10 % of memory after 10 (issue 12, point 7).

QGIS 3.22's OGR provider freed the file's connection pool by deleteLater on every filter change, so each switch
left one GDAL dataset (about 0.45 MB and two file handles on a GeoPackage) until Qt's event loop turned again:
a script or console loop over gemeenten grew without bound (290 -> 570 MB over 600 switches on Utrecht).
Measured in a fresh process, so other tests' layers and caches do not blur the numbers.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_dock import two_gemeenten  # noqa: F401 (fixture: Utrecht and Baarn maps in one GeoPackage)

PROBE = Path(__file__).resolve().parent / "dock_memory_probe.py"
WARM, MORE = 10, 600

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")


def test_gemeente_switches_do_not_grow_memory(two_gemeenten):  # noqa: F811
    proc = subprocess.run(
        [sys.executable, str(PROBE), str(two_gemeenten), str(WARM), str(MORE)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result["gemeenten"] == ["GM0308", "GM0344"]
    summary = (
        f"RSS {result['rss_warm']:.1f} MB after {WARM} switches, {result['rss_after']:.1f} MB after "
        f"{result['switches']}; handles on the GeoPackage {result['handles_warm']} -> {result['handles_after']}"
    )
    assert result["rss_after"] <= result["rss_warm"] * 1.10, summary
    assert result["handles_after"] <= result["handles_warm"] + 2, summary  # was two more per switch
