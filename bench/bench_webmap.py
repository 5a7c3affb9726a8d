"""veerkracht:webkaart: size of the page and time to make it (Baarn, Utrecht, Amsterdam out of the national layer,
all NL), and how long the NL page (13,594 buurten) takes to open in headless Chromium.

Goals (issue 26): Utrecht <= 1 MB, Amsterdam <= 3 MB, making Amsterdam's page <= 3 s, the NL page open in
Chromium within 3 s. Amsterdam comes from the national generalised buurten (no full-detail Amsterdam file is in
../shared/data); its classes there are drawn at random by bench_maps' tables, which changes nothing for size or
speed. Opening is timed from the navigation to the moment the page has drawn its buurten (the page sets
data-klaar after two animation frames), five times in one browser, median.
"""

import statistics
import sys

from bench_maps import buurten_rd, kerncijfers_table, scale_jobs

from common import REPO, WORK, national_long_table, set_up, timed_run

GOAL_OPEN_S, GOAL_MAKE_S = 3.0, 3.0
GOAL_BYTES = {"Utrecht": 1_000_000, "Amsterdam": 3_000_000}
AMSTERDAM = "GM0363"
READY = "document.body && document.body.dataset.klaar === 'ja'"


def inputs():
    """{name: (maps GeoPackage, gemeenten)}: made once by makemaps in a fresh process (set-up, not timed)."""
    WORK.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, job in scale_jobs().items():
        target = WORK / f"webkaart-{name.lower()}-kaarten.gpkg"
        if not target.is_file():
            set_up("veerkracht:makemaps", {**job, "OUTPUT": str(target)})
        made[name] = (str(target), "")
    national = WORK / "webkaart-nl-kaarten.gpkg"
    if not national.is_file():
        job = {
            "INPUT": buurten_rd(),
            "LEEFBAAROMETER": str(national_long_table(WORK / "lbm-nl-long.csv")),
            "KERNCIJFERS_END": str(kerncijfers_table(WORK / "kwb-nl-lang.csv")),
        }
        set_up("veerkracht:makemaps", {**job, "OUTPUT": str(national)})
    made["Amsterdam"] = (str(national), AMSTERDAM)
    made["NL"] = (str(national), "")
    return made


def open_times(page, times=5):
    sys.path.insert(0, str(REPO / "scripts"))
    from chromium import Browser, chromium_path

    if chromium_path() is None:
        print("[webkaart] openen niet gemeten: Chromium ontbreekt (Debian-pakket 'chromium').")
        return None
    wall, in_page = [], []
    with Browser() as browser:
        for _ in range(times):
            browser.open("about:blank")
            wall.append(browser.open(page.as_uri(), ready=READY, timeout=60))
            in_page.append(browser.evaluate("performance.now()") / 1000)
        errors = browser.console_errors
    if errors:
        print(f"[webkaart] fouten in de console: {errors[:3]}")
    return statistics.median(wall), statistics.median(in_page)


def run():
    made = inputs()
    scale, pages = {}, {}
    for name, (maps, gemeenten) in made.items():
        page = WORK / f"webkaart-{name.lower()}.html"
        step = ["veerkracht:webkaart", {"INPUT": maps, "GEMEENTEN": gemeenten, "OUTPUT": str(page)}]
        measured = timed_run([step], repeats=2)
        seconds = statistics.median(measured["warm"])
        size = page.stat().st_size
        goal = GOAL_BYTES.get(name)
        verdict = f", doel <= {goal / 1e6:g} MB {'gehaald' if size <= goal else 'NIET gehaald'}" if goal else ""
        print(
            f"[webkaart {name}] maken: warm {seconds:.2f} s, eerste run {measured['cold']:.2f} s; pagina "
            f"{size / 1e6:.2f} MB{verdict}"
        )
        scale[name], pages[name] = seconds, page
    make_verdict = "gehaald" if scale["Amsterdam"] <= GOAL_MAKE_S else "NIET gehaald"
    print(f"[webkaart] Amsterdam maken doel <= {GOAL_MAKE_S:g} s: {make_verdict}")
    opened = open_times(pages["NL"])
    if opened is not None:
        wall, in_page = opened
        verdict = "gehaald" if wall <= GOAL_OPEN_S else "NIET gehaald"
        print(
            f"[webkaart NL] openen in headless Chromium tot de buurten getekend zijn (mediaan van 5): {wall:.2f} s "
            f"(waarvan in de pagina {in_page:.2f} s); doel <= {GOAL_OPEN_S:g} s {verdict}"
        )
    return {key: scale[key] for key in ("Baarn", "Utrecht", "NL")}


if __name__ == "__main__":
    run()
