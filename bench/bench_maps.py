"""makemaps on all 13,594 NL buurten against the same work done with QGIS' own algorithms: the four year slices
joined (native:extractbyattribute + native:joinattributestable), the index and the nine maps' 27 columns by
native:refactorfields, the result a GeoPackage. Inputs are built from ../shared/data/nl (codes and geometry
only, indicator values drawn at random); the buurt layer is put in RD New beforehand, so neither side reprojects.
"""

import csv
import random
import subprocess
import sys

from common import (
    NL_BUURTEN,
    REPO,
    SHARED,
    WORK,
    compare,
    national_long_table,
    native_join_steps,
    nl_codes,
    report,
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


def native_steps(layer, lbm, kwb, output, statistics=False):
    """The same joins and the same 29 new columns with QGIS' own algorithms: the four slices joined, then
    native:refactorfields into the GeoPackage. Without ``statistics`` the new columns are plain arithmetic and
    thresholds on the joined values (what QGIS needs at least to move the same data: the goal's baseline); with
    it, z-scores and quantiles by QGIS' aggregate functions, as a user of the field calculator would write the
    design's rules (three refactors: index; values and classes; labels)."""
    steps = native_join_steps(layer, lbm, "bu_code", 2018, ["onv"], "lbm2018_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", lbm, "bu_code", 2024, ["afw", "onv"], "lbm2024_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", kwb, "gwb_code_10", 2023, KWB_COLUMNS, "kwb2023_", "TEMPORARY_OUTPUT")
    steps += native_join_steps("@-2", kwb, "gwb_code_10", 2019, KWB_COLUMNS[:3], "kwb2019_", "TEMPORARY_OUTPUT")
    names = ["fid", "id", "statcode", "lbm2018_onv", "lbm2024_afw", "lbm2024_onv"]
    names += [f"kwb2023_{c}" for c in KWB_COLUMNS] + [f"kwb2019_{c}" for c in KWB_COLUMNS[:3]]
    numbers = [_field(n, f'to_real("{n}")' if _kind(n) == "real" else f'"{n}"', _kind(n)) for n in names]
    if not statistics:
        steps.append(
            ["native:refactorfields", {"INPUT": "@-1", "FIELDS_MAPPING": numbers + _plain_columns(), "OUTPUT": output}]
        )
        return steps
    index = [_field(f"kwetsbaar_{year}", _index_expression(year), "real") for year in (2019, 2023)]
    names += ["kwetsbaar_2019", "kwetsbaar_2023"]
    classes = [_field(n, f'"{n}"', _kind(n)) for n in names]
    for name, (value, rule) in MAPS.items():
        classes += [_field(f"{name}_waarde", value, "real"), _field(f"{name}_klasse", _class(value, rule), "int")]
        names += [f"{name}_waarde", f"{name}_klasse"]
    labels = [_field(n, f'"{n}"', "int" if n.endswith("_klasse") else _kind(n)) for n in names]
    labels += [_field(f"{name}_label", _label(name), "text") for name in MAPS]
    for mapping, target in ((numbers + index, "TEMPORARY_OUTPUT"), (classes, "TEMPORARY_OUTPUT"), (labels, output)):
        steps.append(["native:refactorfields", {"INPUT": "@-1", "FIELDS_MAPPING": mapping, "OUTPUT": target}])
    return steps


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


def _kind(name):
    return {"fid": "int", "id": "text", "statcode": "text"}.get(name, "real")


_TYPES = {"real": (6, "double precision"), "int": (4, "integer64"), "text": (10, "text")}


def _field(name, expression, kind):
    qtype, type_name = _TYPES[kind]
    return {"name": name, "expression": expression, "type": qtype, "type_name": type_name, "length": 0, "precision": 0}


def _z(expression, reference):
    """A z-score against the reference set, with QGIS' aggregate functions (computed once, then cached)."""
    return f"(({expression}) - mean({expression}, filter:={reference})) / stdev({expression}, filter:={reference})"


def _index_expression(year):
    """On the joined layer, whose fields are still text (the CSV as QGIS reads it)."""
    per_thousand = f'to_real("kwb{year}_a_soz_wb") * 1000.0 / nullif(to_real("kwb{year}_a_inw"), 0)'
    share = f'to_real("kwb{year}_p_hh_li")'
    reference = 'to_real("kwb2023_a_inw") >= 50'
    return f"({_z(per_thousand, reference)} + {_z(share, reference)}) / 2"


FIVE = "CASE WHEN @z < -1.5 THEN 1 WHEN @z < -0.5 THEN 2 WHEN @z <= 0.5 THEN 3 WHEN @z <= 1.5 THEN 4 ELSE 5 END"
CHANGE_K = '"kwetsbaar_2023" - "kwetsbaar_2019"'
CHANGE_O = '"lbm2024_onv" - "lbm2018_onv"'
# map: (value, class rule on @v; @z is the value's z-score in the reference set)
MAPS = {
    "leefbaarheid": (
        '"lbm2024_afw"',
        "CASE "
        + " ".join(f"WHEN @v < {c} THEN {i + 1}" for i, c in enumerate((-0.3, -0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2)))
        + " ELSE 9 END",
    ),
    "overlast": ('"lbm2024_onv"', FIVE),
    "overlast_ontwikkeling": (CHANGE_O, FIVE),
    "kwetsbaar": (
        '"kwetsbaar_2023"',
        "CASE WHEN @v < q1({v}) THEN 1 WHEN @v < median({v}) THEN 2 WHEN @v < q3({v}) THEN 3 ELSE 4 END",
    ),
    "kwetsbaar_ontwikkeling": (CHANGE_K, FIVE),
    "corporatiebezit": (
        '"kwb2023_p_wcorpw"',
        "CASE WHEN @v < 10 THEN 1 WHEN @v < 25 THEN 2 WHEN @v < 50 THEN 3 WHEN @v < 66.67 THEN 4 ELSE 5 END",
    ),
    "signalering": (f"({CHANGE_K}) - ({CHANGE_O})", FIVE),
    "signalering_relatief": (f"({CHANGE_K}) - median({CHANGE_K}) - (({CHANGE_O}) - median({CHANGE_O}))", FIVE),
    "focus": ('"kwetsbaar_2023" + "lbm2024_onv"', "CASE WHEN @v < q1({v}) THEN 1 WHEN @v < q3({v}) THEN 2 ELSE 3 END"),
}


def _class(value, rule):
    """Class 0 for missing values and small buurten, else ``rule`` on the value (@v) or its z-score (@z)."""
    rule = rule.replace("{v}", value)
    if "@z" in rule:
        rule = f"with_variable('z', {_z(value, REFERENCE)}, {rule})"
    return f"with_variable('v', {value}, CASE WHEN @v IS NULL OR NOT ({REFERENCE}) THEN 0 ELSE {rule} END)"


REFERENCE = '"kwb2023_a_inw" >= 50'


def _label(name):
    words = ["onvoldoende gegevens", "zeer laag", "laag", "gemiddeld", "hoog", "zeer hoog", "6", "7", "8", "9"]
    cases = " ".join(f"WHEN \"{name}_klasse\" = {i} THEN '{word}'" for i, word in enumerate(words))
    return f"CASE {cases} END"


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
    ours, native = compare(
        makemaps_steps(layer, lbm, kwb, str(WORK / "kaarten-veerkracht-{run}.gpkg")),
        native_steps(layer, lbm, kwb, str(WORK / "kaarten-native-{run}.gpkg")),
    )
    warm, cold = report("veerkrachtkaarten maken, 13.594 buurten", ours, native)
    memory = ours["peak_mib"] / native["peak_mib"]
    print(
        f"[kaarten maken] doel hoogstens {GOAL_TIME:g}x native: warm {verdict(warm, GOAL_TIME)}, eerste run "
        f"{verdict(cold, GOAL_TIME)}; geheugen hoogstens {GOAL_MEMORY:g}x: {verdict(memory, GOAL_MEMORY)}"
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
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from headless import start_qgis; app = start_qgis(); "
        "import processing; processing.run('veerkracht:joinindicators', {'INPUT': sys.argv[2], 'TABLE': sys.argv[3], "
        "'OUTPUT': sys.argv[4]})"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(REPO / "scripts"),
            f"{NL_BUURTEN}|layername=buurten",
            str(table),
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    return target
