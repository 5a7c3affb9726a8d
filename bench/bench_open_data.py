"""'Open data ophalen' for a gemeente of about 100 buurten (Utrecht, 111), two years and the Leefbaarometer,
against the local fake services: the plugin's own cost on top of the network, which is the same requests
fetched with QGIS' network stack alone. Fresh processes, alternated, cold and warm medians."""

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROUNDS, REPEATS, GOAL_SECONDS = 5, 2, 2.0

_PROBE = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from headless import start_qgis
app = start_qgis()
mode, argument, repeats, job = sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
times = []
if mode == "plugin":
    import processing
    from qgis.core import QgsProcessingFeedback
    for i in range(1 + repeats):
        params = {**job, "REFRESH": True, "OUTPUT": f"{argument}/o{i}.gpkg"}
        t0 = time.perf_counter()
        processing.run("veerkracht:opendata", params, feedback=QgsProcessingFeedback())
        times.append(time.perf_counter() - t0)
else:
    from qgis.core import QgsBlockingNetworkRequest
    from qgis.PyQt.QtCore import QUrl
    from qgis.PyQt.QtNetwork import QNetworkRequest
    urls = json.loads(open(argument).read())
    for _ in range(1 + repeats):
        t0 = time.perf_counter()
        for url in urls:
            request = QgsBlockingNetworkRequest()
            assert request.get(QNetworkRequest(QUrl(url)), True) == QgsBlockingNetworkRequest.ErrorCode.NoError
            json.loads(bytes(request.reply().content()))
        times.append(time.perf_counter() - t0)
print("RESULT", json.dumps(times))
"""


UTRECHT = {"GEMEENTEN": "Utrecht", "NATIONAL": False}


def probe(mode, argument, env, job=None):
    """Seconds per run in one fresh process: the plugin's opendata with ``job``, or the URLs in ``argument``
    fetched with QGIS' network stack alone."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE,
            str(REPO / "scripts"),
            mode,
            str(argument),
            str(REPEATS),
            json.dumps(job or UTRECHT),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not line:
        raise RuntimeError(f"open data bench ({mode}) faalde:\n{proc.stderr[-3000:]}")
    return json.loads(line[-1][7:])


@contextlib.contextmanager
def fake_services():
    """(folder, fake, env): the local fake services, a scratch folder, and the environment that points the
    plugin at both (VEERKRACHT_BRONNEN, VEERKRACHT_CACHE)."""
    sys.path.insert(0, str(REPO / "tests"))
    from fake_services import FakeServices

    with tempfile.TemporaryDirectory() as folder, FakeServices() as fake:
        folder = Path(folder)
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            VEERKRACHT_BRONNEN=str(fake.write_bronnen(folder / "bronnen.json")),
            VEERKRACHT_CACHE=str(folder / "cache"),
        )
        yield folder, fake, env


def run():
    with fake_services() as (folder, fake, env):
        plugin, network = [], []
        for round_number in range(ROUNDS):
            seen = len(fake.requests)
            plugin.append(probe("plugin", folder, env))
            if round_number == 0:  # the requests of one run: what the network alone is timed on
                one_run = [fake.base + path for _, path in fake.requests[seen:]][
                    : len(fake.requests[seen:]) // (1 + REPEATS)
                ]
                (folder / "urls.json").write_text(json.dumps(one_run))
            network.append(probe("network", folder / "urls.json", env))
    cold = statistics.median(p[0] for p in plugin) - statistics.median(n[0] for n in network)
    warm = statistics.median(t for p in plugin for t in p[1:]) - statistics.median(t for n in network for t in n[1:])
    print(
        f"[open data] Utrecht (111 buurten), 2019 + 2023 + Leefbaarometer, {len(one_run)} verzoeken: plugin "
        f"{statistics.median(t for p in plugin for t in p[1:]):.2f} s, alleen het netwerk "
        f"{statistics.median(t for n in network for t in n[1:]):.2f} s; eigen kosten {warm:.2f} s (eerste run "
        f"{cold:.2f} s), doel < {GOAL_SECONDS:.0f} s: {'gehaald' if max(cold, warm) < GOAL_SECONDS else 'NIET gehaald'}"
    )
    return {"Utrecht": warm}


if __name__ == "__main__":
    run()
