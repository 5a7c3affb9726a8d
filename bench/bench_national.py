"""The national reference set (issue 22 item 2): every buurt of two editions and two Leefbaarometer years without
geometry, fetched only with what the real servers accept (OGC API: pages of 1,000 with geometry, dropped on
arrival; WFS: a propertyName list taken from DescribeFeatureType). Time and bytes against the local fake
services, the plugin against the same national requests fetched with QGIS' network stack alone, in fresh
processes, alternated."""

import json
import statistics

from bench_open_data import ROUNDS, fake_services, probe

BAARN, NATIONAL = {"GEMEENTEN": "Baarn", "NATIONAL": False}, {"GEMEENTEN": "Baarn", "NATIONAL": True}


def _national(path):
    """A request for the whole country: no gemeente filter in the query."""
    return (
        "GetCapabilities" not in path
        and "DescribeFeatureType" not in path
        and "limit=1&" not in path
        and not any(mark in path for mark in ("gemeentecode=", "filter="))
    )


def run():
    with fake_services() as (folder, fake, env):
        with_nl, without, network = [], [], []
        for round_number in range(ROUNDS):
            seen = len(fake.requests)
            with_nl.append(probe("plugin", folder, env, NATIONAL))
            if round_number == 0:
                paths = [p for _, p in fake.requests[seen:] if _national(p)]
                paths = paths[: len(paths) // (1 + 2)]  # one run of the three in the probe
                urls = [fake.base + p for p in paths]
                (folder / "urls.json").write_text(json.dumps(urls))
                size = sum(fake.sent.get(p, 0) for p in paths)
            without.append(probe("plugin", folder, env, BAARN))
            network.append(probe("network", folder / "urls.json", env))
    warm = lambda runs: statistics.median(t for r in runs for t in r[1:])  # noqa: E731
    national = warm(with_nl) - warm(without)
    ratio = national / warm(network) if warm(network) else float("nan")
    print(
        f"[referentieset NL] 2019 + 2023 + Leefbaarometer 2020 + 2024, {len(urls)} verzoeken, "
        f"{size / 1e6:.1f} MB: plugin +{national:.2f} s bovenop Baarn alleen; dezelfde verzoeken met alleen het "
        f"netwerk van QGIS {warm(network):.2f} s (verhouding {ratio:.1f}x)"
    )
    return {"NL": national, "bytes": size, "requests": len(urls)}


if __name__ == "__main__":
    run()
