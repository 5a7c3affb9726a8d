"""makemaps on all 13,594 NL buurten against the same work done with QGIS' own algorithms: the four year slices
joined (native:extractbyattribute + native:joinattributestable), the index and the nine maps' 27 columns by
native:refactorfields, the result a GeoPackage. Inputs are built from ../shared/data/nl (codes and geometry
only, indicator values drawn at random); the buurt layer is put in RD New beforehand, so neither side reprojects.
"""

import csv
import random
import subprocess

from common import (
    NL_BUURTEN,
    SHARED,
    WORK,
    compare,
    national_long_table,
    native_join_steps,
    nl_codes,
    report,
    set_up,
    timed_run,
    verdict,
)

GOAL_TIME, GOAL_MEMORY = 1.2, 1.3
KWB_YEARS = (2019, 2021, 2023)
KWB_COLUMNS = ["a_inw", "a_soz_wb", "p_hh_li", "p_wcorpw"]


def buurten_rd():
    """The NL layer in RD New (EPSG:28992), layer 'buurten' (set-up, not timed)."""
    target = WORK / "buurten-nl-rd.gpkg"
    if not target.is_file():
        subprocess.run(
            ["ogr2ogr", "-f", "GPKG", "-t_srs", "EPSG:28992", "-nln", "buurten", str(target), str(NL_BUURTEN)],
            check=True,
            capture_output=True,
        )
    return f"{target}|layername=buurten"


def kerncijfers_table(path):
    """A kwb-like long table: every NL code x three years, one row per buurt and year (gwb_code_10, jaar)."""
    if path.is_file():
        return path
    rng = random.Random(11)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gwb_code_10", "jaar", *KWB_COLUMNS])
        for code in nl_codes():
            inwoners = rng.choice([0, 30, 200, 1500, 4000])
            for year in KWB_YEARS:
                writer.writerow(
                    [
                        code,
                        year,
                        inwoners,
                        round(inwoners * rng.uniform(0, 0.06)),
                        round(rng.uniform(0, 30), 1),
                        round(rng.uniform(0, 90), 1),
                    ]
                )
    return path


def makemaps_steps(layer, lbm, kwb, output):
    return [
        [
            "veerkracht:makemaps",
            {"INPUT": layer, "LEEFBAAROMETER": str(lbm), "KERNCIJFERS_END": str(kwb), "OUTPUT": output},
        ]
    ]


def native_steps(layer, lbm, kwb, output, columns=True):
    """The same joins and the same 29 new columns with QGIS' own algorithms: the four slices joined, then one
    native:refactorfields into the GeoPackage that turns the joined text into numbers and adds the index and the
    27 map columns as plain arithmetic and thresholds (no statistics: QGIS' aggregate functions in the field
    calculator took 11 s here, four times makemaps). Without ``columns``: the joins only."""
    steps = native_join_steps(layer, lbm, "bu_code", 2018, ["onv"], "lbm2018_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", lbm, "bu_code", 2024, ["afw", "onv"], "lbm2024_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", kwb, "gwb_code_10", 2023, KWB_COLUMNS, "kwb2023_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", kwb, "gwb_code_10", 2019, KWB_COLUMNS[:3], "kwb2019_", "TEMPORARY_OUTPUT")
    if not columns:  # the joins alone, the last one into the GeoPackage
        steps[-1][1]["OUTPUT"] = output
        return steps
    names = ["fid", "id", "statcode", "lbm2018_onv", "lbm2024_afw", "lbm2024_onv"]
    names += [f"kwb2023_{c}" for c in KWB_COLUMNS] + [f"kwb2019_{c}" for c in KWB_COLUMNS[:3]]
    numbers = [_field(n, f'to_real("{n}")' if _kind(n) == "real" else f'"{n}"', _kind(n)) for n in names]
    mapping = numbers + _plain_columns()
    steps.append(["native:refactorfields", {"INPUT": "@-1", "FIELDS_MAPPING": mapping, "OUTPUT": output}])
    return steps


def _kind(name):
    return {"fid": "int", "id": "text", "statcode": "text"}.get(name, "real")


_TYPES = {"real": (6, "double precision"), "int": (4, "integer64"), "text": (10, "text")}


def _field(name, expression, kind):
    qtype, type_name = _TYPES[kind]
    return {"name": name, "expression": expression, "type": qtype, "type_name": type_name, "length": 0, "precision": 0}


def _plain_columns():
    """kwetsbaar_<year> and the 27 map columns as arithmetic on the joined text fields, without statistics."""

    def real(name):
        return f'to_real("{name}")'

    columns = []
    for year in (2019, 2023):
        index = f"({real(f'kwb{year}_a_soz_wb')} * 1000.0 / nullif({real(f'kwb{year}_a_inw')}, 0) + {real(f'kwb{year}_p_hh_li')}) / 2"
        columns.append(_field(f"kwetsbaar_{year}", index, "real"))
    change_o = f"{real('lbm2024_onv')} - {real('lbm2018_onv')}"
    for name, value in {
        "leefbaarheid": real("lbm2024_afw"),
        "overlast": real("lbm2024_onv"),
        "overlast_ontwikkeling": change_o,
        "kwetsbaar": real("kwb2023_p_hh_li"),
        "kwetsbaar_ontwikkeling": f"{real('kwb2023_p_hh_li')} - {real('kwb2019_p_hh_li')}",
        "corporatiebezit": real("kwb2023_p_wcorpw"),
        "signalering": f"{real('kwb2023_p_hh_li')} - {real('kwb2019_p_hh_li')} - ({change_o})",
        "signalering_relatief": f"{real('kwb2023_a_soz_wb')} - {real('kwb2019_a_soz_wb')}",
        "focus": f"{real('kwb2023_p_hh_li')} + {real('lbm2024_onv')}",
    }.items():
        klasse = f"CASE WHEN {value} IS NULL THEN 0 WHEN {value} < 0 THEN 2 WHEN {value} > 1 THEN 4 ELSE 3 END"
        columns += [
            _field(f"{name}_waarde", value, "real"),
            _field(f"{name}_klasse", klasse, "int"),
            _field(f"{name}_label", f"'klasse ' || to_string({klasse})", "text"),
        ]
    return columns


def scale_jobs():
    """makemaps on Baarn and Utrecht as the tests run them (the real sample data)."""
    baarn, utrecht = SHARED / "baarn", SHARED / "utrecht"
    return {
        "Baarn": {
            "INPUT": str(baarn / "buurten-2024-GM0308.geojson"),
            "LEEFBAAROMETER": str(baarn / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv"),
            "KERNCIJFERS_END": str(baarn / "kerncijfers-GM0308-2016-2025-long.csv"),
        },
        "Utrecht": {
            "INPUT": str(utrecht / "buurten-2019-GM0344.geojson"),
            "LEEFBAAROMETER": str(utrecht / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv"),
            "KERNCIJFERS_END": str(utrecht / "kwb-2023-GM0344.xlsx"),
        },
    }


def run():
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("kaarten-*.gpkg"):
        old.unlink()
    layer = buurten_rd()
    lbm = national_long_table(WORK / "lbm-nl-long.csv")
    kwb = kerncijfers_table(WORK / "kwb-nl-lang.csv")
    sides = {
        "ours": makemaps_steps(layer, lbm, kwb, str(WORK / "kaarten-veerkracht-{run}.gpkg")),
        "native": native_steps(layer, lbm, kwb, str(WORK / "kaarten-native-{run}.gpkg")),
        "joins": native_steps(layer, lbm, kwb, str(WORK / "kaarten-koppelingen-{run}.gpkg"), columns=False),
    }
    medians = compare(sides)
    ours, native, joins = medians["ours"], medians["native"], medians["joins"]
    warm, cold = report("veerkrachtkaarten maken, 13.594 buurten", ours, native)
    memory = ours["peak_mib"] / native["peak_mib"]
    print(
        f"[kaarten maken] doel hoogstens {GOAL_TIME:g}x native: warm {verdict(warm, GOAL_TIME)}, eerste run "
        f"{verdict(cold, GOAL_TIME)}; geheugen hoogstens {GOAL_MEMORY:g}x: {verdict(memory, GOAL_MEMORY)}"
    )
    print(
        f"[kaarten maken] ter vergelijking alleen QGIS' vier koppelingen, zonder de 29 kolommen te berekenen: warm "
        f"{joins['warm']:.3f} s (veerkracht {ours['warm'] / joins['warm']:.2f}x), eerste run {joins['cold']:.3f} s "
        f"({ours['cold'] / joins['cold']:.2f}x), piek {joins['peak_mib']:.0f} MiB"
    )
    scale = {"NL": ours["warm"]}
    for name, job in scale_jobs().items():
        measured = timed_run(
            makemaps_steps(
                job["INPUT"], job["LEEFBAAROMETER"], job["KERNCIJFERS_END"], str(WORK / f"kaarten-{name}-{{run}}.gpkg")
            ),
            5,
        )
        scale[name] = sorted(measured["warm"])[2]
    return scale


def indicator_table(path):
    """Indicator columns for computemaps, per NL code (used by bench_dock for its national maps layer)."""
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["bu_code", "afw", "onv_t0", "onv_t1", "kwetsbaar_t0", "kwetsbaar_t1", "corporatie", "inwoners"]
        )
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
    """The NL layer with the indicators joined on (set-up for bench_dock, not timed)."""
    set_up(
        "veerkracht:joinindicators",
        {"INPUT": f"{NL_BUURTEN}|layername=buurten", "TABLE": str(table), "OUTPUT": str(target)},
    )
    return target
