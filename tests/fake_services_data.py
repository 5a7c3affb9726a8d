"""What the fake open data services (fake_services.py) serve, built once per process from tests/data only.

Real where the repository has real data, synthetic (and deterministic) where it has not:
- PDOK 2024, Baarn: tests/data/baarn/buurten-2024-GM0308.geojson verbatim (223 fields, -99995 where the early
  version publishes later). Baarn 2018-2023: the 2024 geometry and codes with that year's kerncijfers from the
  long CSV (a missing value is -99997); aantal_huishoudens = round(inwoners / 2.2); the corporation share a fixed
  synthetic 0-60 per buurt; laagste inkomen, AO-uitkeringen and Wmo-cliënten -99997.
- Utrecht 2023: tests/data/utrecht geometry (2019) with the kwb-2023 values ("." is -99997). Utrecht 2019 is
  SYNTHETIC: the 2023 values times 0.95.
- 's-Hertogenbosch (apostrophe tests): three SYNTHETIC 500 m squares in RD New, 2019 and 2023.
- National reference set (2019, 2023; only buurten): every other code of tests/data/nl/buurtcodes-2019.csv as a
  row WITHOUT geometry with SYNTHETIC values from a seeded RNG.
The Leefbaarometer scores are in fake_services_lbm.py.
Years up to 2021 carry the names PDOK's WFS of those years uses (issue 22): 2018-2020 long snake_case with the
full words (aantal_personen_met_een_algemene_bijstandsuitkering_totaal, percentage_huurwoningen_in_bezit_...),
2021 the same in camelCase (aantalInwoners, aantalHuishoudens); never the KWB Excel short names (bu_code, aant_inw).
Written here on purpose rather than taken from resources/bronnen.json, so a wrong field map there shows up.
"""

import csv
import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from osgeo import ogr, osr
from qgis.core import QgsGeometry

DATA = Path(__file__).resolve().parent / "data"
GEMEENTEN_CSV = Path(__file__).resolve().parent.parent / "resources" / "gemeenten.csv"
SECRET = -99997
PDOK_YEARS = range(2018, 2025)
OGCAPI_FROM = 2022  # earlier editions only over WFS, with the old field names
NATIONAL_YEARS = (2019, 2023)
DETAILED = {"GM0308": "Baarn", "GM0344": "Utrecht", "GM0796": "'s-Hertogenbosch"}
INDICATORS = (
    "buurtcode",
    "buurtnaam",
    "wijkcode",
    "wijknaam",
    "gemeentecode",
    "gemeentenaam",
    "water",
    "aantal_inwoners",
    "aantal_huishoudens",
    "percentage_huishoudens_met_laag_inkomen",
    "percentage_huishoudens_met_laagste_inkomen",
    "aantal_personen_met_een_alg_bijstandsuitkering_tot",
    "aantal_personen_met_een_ao_uitkering_totaal",
    "perc_huurwoningen_in_bezit_woningcorporaties",
    "aantal_wmo_clienten",
)
# 2022+ names (PDOK, truncated at 50 characters) -> the full words the WFS of 2018-2021 uses
LONG_NAMES = {
    "aantal_personen_met_een_alg_bijstandsuitkering_tot": "aantal_personen_met_een_algemene_bijstandsuitkering_totaal",
    "perc_huurwoningen_in_bezit_woningcorporaties": "percentage_huurwoningen_in_bezit_woningcorporaties",
}
COUNTS = {"aantal_inwoners", "aantal_huishoudens", "aantal_personen_met_een_alg_bijstandsuitkering_tot"}
COUNTS |= {"aantal_personen_met_een_ao_uitkering_totaal", "aantal_wmo_clienten"}


@dataclass(frozen=True)
class Feature:
    """One row: geometry as a GeoJSON dict in EPSG:4326 (None for the national rows), properties in order."""

    geometry: Optional[dict]
    properties: dict
    national: bool = False


def _row(code, naam, gemeente, values, water="NEE"):
    """A buurt row in the new (2022+) names; values maps the indicator names, missing ones are secret."""
    props = {"buurtcode": code, "buurtnaam": naam, "wijkcode": "WK" + code[2:8], "gemeentecode": gemeente}
    props.update(gemeentenaam=DETAILED.get(gemeente) or gemeente_names().get(gemeente, f"Gemeente {gemeente[2:]}"))
    props["water"] = water
    props.update({name: values.get(name, SECRET) for name in INDICATORS if name not in props and name != "wijknaam"})
    return props


def _camel(name):
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _old(props, year):
    """The names of the WFS of ``year``: long snake_case, camelCase in 2021."""
    long = {LONG_NAMES.get(name, name): value for name, value in props.items()}
    return {_camel(name): value for name, value in long.items()} if year == 2021 else long


def _scaled(values, factor):
    return {k: v if v < 0 else (round(v * factor) if k in COUNTS else round(v * factor, 1)) for k, v in values.items()}


@functools.cache
def gemeente_names():
    if not GEMEENTEN_CSV.is_file():
        return {}
    with GEMEENTEN_CSV.open(encoding="utf-8") as f:
        return {row["gemeentecode"]: row["gemeentenaam"] for row in csv.DictReader(f)}


@functools.cache
def baarn_2024():
    return json.loads((DATA / "baarn" / "buurten-2024-GM0308.geojson").read_text(encoding="utf-8"))["features"]


@functools.cache
def _baarn_kerncijfers():
    with (DATA / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv").open(encoding="utf-8") as f:
        return {(r["buurtcode"], r["indicator"], int(r["table_year"])): r["value"] for r in csv.DictReader(f)}


def _corporation_share(code):
    return random.Random(f"corporaties-{code}").randint(0, 60)


def _baarn(year):
    if year == 2024:
        return [(f["geometry"], f["properties"]) for f in baarn_2024()]
    numbers = _baarn_kerncijfers()

    def value(code, indicator, convert):
        text = numbers.get((code, indicator, year))
        return convert(float(text)) if text else SECRET

    rows = []
    for feature in baarn_2024():
        p = feature["properties"]
        code = p["buurtcode"]
        inhabitants = value(code, "aantal_inwoners", int)
        values = {
            "aantal_inwoners": inhabitants,
            "aantal_huishoudens": round(inhabitants / 2.2) if inhabitants >= 0 else SECRET,
            "percentage_huishoudens_met_laag_inkomen": value(code, "huishoudens_laag_inkomen", float),
            "aantal_personen_met_een_alg_bijstandsuitkering_tot": value(code, "bijstandsontvangers", int),
            "perc_huurwoningen_in_bezit_woningcorporaties": _corporation_share(code),
        }
        rows.append((feature["geometry"], _row(code, p["buurtnaam"], "GM0308", values, p["water"])))
    return rows


@functools.cache
def utrecht_2023():
    """(geometry, code, name, values) per buurt; wijk names by wijk code."""
    import openpyxl

    book = openpyxl.load_workbook(DATA / "utrecht" / "kwb-2023-GM0344.xlsx", read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    header = rows[0]
    columns = {
        "a_inw": "aantal_inwoners",
        "a_hh": "aantal_huishoudens",
        "p_hh_li": "percentage_huishoudens_met_laag_inkomen",
        "p_hh_osm": "percentage_huishoudens_met_laagste_inkomen",
        "a_soz_wb": "aantal_personen_met_een_alg_bijstandsuitkering_tot",
        "a_soz_ao": "aantal_personen_met_een_ao_uitkering_totaal",
        "p_wcorpw": "perc_huurwoningen_in_bezit_woningcorporaties",
        "a_wmo_t": "aantal_wmo_clienten",
    }
    records = [dict(zip(header, row)) for row in rows[1:]]
    wijk_names = {r["gwb_code_10"]: r["regio"] for r in records if r["recs"] == "Wijk"}
    buurten = {}
    for r in records:
        if r["recs"] == "Buurt":
            values = {name: SECRET if r[col] in (None, ".") else float(r[col]) for col, name in columns.items()}
            values = {k: int(v) if k in COUNTS and v >= 0 else v for k, v in values.items()}
            buurten[r["gwb_code_10"]] = (r["regio"], values)
    geojson = json.loads((DATA / "utrecht" / "buurten-2019-GM0344.geojson").read_text(encoding="utf-8"))
    result = []
    for f in geojson["features"]:
        code = f["properties"]["statcode"]
        name, values = buurten[code]
        result.append((f["geometry"], code, name, values))
    return result, wijk_names


def _utrecht(year):
    factor = 1.0 if year == 2023 else 0.95
    rows, _ = utrecht_2023()
    return [(geometry, _row(code, name, "GM0344", _scaled(values, factor))) for geometry, code, name, values in rows]


@functools.cache
def den_bosch_squares():
    """Three 500 m squares near the Bossche binnenstad (RD New), as EPSG:4326 polygons."""
    codes = [c for c in national_codes() if c.startswith("BU0796")][:3]
    squares = []
    for i, code in enumerate(codes):
        x, y = 149000 + 500 * i, 411000
        ring = [[x, y], [x + 500, y], [x + 500, y + 500], [x, y + 500], [x, y]]
        squares.append((code, reproject({"type": "Polygon", "coordinates": [ring]}, 28992, 4326)))
    return squares


DEN_BOSCH_2023 = (("Binnenstad-Noord", 1850, 12, 30, 48), ("Binnenstad-Oost", 2420, 9, 25, 35))
DEN_BOSCH_2023 += (("Het Zand", 3110, 15, 60, 57),)


def _den_bosch(year):
    factor = 1.0 if year == 2023 else 0.95
    rows = []
    for (code, geometry), (name, inhabitants, low, benefits, corp) in zip(den_bosch_squares(), DEN_BOSCH_2023):
        values = {
            "aantal_inwoners": inhabitants,
            "aantal_huishoudens": round(inhabitants / 2.1),
            "percentage_huishoudens_met_laag_inkomen": low,
            "aantal_personen_met_een_alg_bijstandsuitkering_tot": benefits,
            "perc_huurwoningen_in_bezit_woningcorporaties": corp,
        }
        rows.append((geometry, _row(code, name, "GM0796", _scaled(values, factor))))
    return rows


@functools.cache
def _transformation(source_epsg, target_epsg):
    crs = []
    for epsg in (source_epsg, target_epsg):
        ref = osr.SpatialReference()
        ref.ImportFromEPSG(epsg)
        ref.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        crs.append(ref)
    return osr.CoordinateTransformation(*crs)


def reproject(geometry, source_epsg, target_epsg):
    """A GeoJSON geometry in another CRS, x = easting/longitude always (GeoJSON order)."""
    if geometry is None or source_epsg == target_epsg:
        return geometry
    ogr_geometry = ogr.CreateGeometryFromJson(json.dumps(geometry))
    ogr_geometry.Transform(_transformation(source_epsg, target_epsg))
    return json.loads(ogr_geometry.ExportToJson())


def _union(geometries):
    parts = [QgsGeometry.fromWkt(ogr.CreateGeometryFromJson(json.dumps(g)).ExportToWkt()) for g in geometries]
    parts = [part.makeValid() for part in parts]  # a self-touching ring in the source made the union empty
    return json.loads(QgsGeometry.unaryUnion(parts).asJson(8))


def _buurt_rows(year):
    rows = _baarn(year)
    if year in NATIONAL_YEARS:
        rows += _utrecht(year) + _den_bosch(year)
    return rows


def _dissolved(rows, key, fields):
    """One row per value of key (wijkcode or gemeentecode): the union of the geometry, counts summed."""
    groups = {}
    for geometry, props in rows:
        groups.setdefault(props[key], []).append((geometry, props))
    result = []
    for members in groups.values():
        props = {name: value for name, value in members[0][1].items() if name in fields}
        for count in ("aantal_inwoners", "aantal_huishoudens"):
            if count in props:
                props[count] = sum(max(p[count], 0) for _, p in members)
        result.append((_union([g for g, _ in members]), props))
    return result


def _wijk_name(code, gemeentenaam):
    return utrecht_2023()[1].get(code) or f"Wijk {code[-2:]} {gemeentenaam}"


@functools.cache
def pdok_layer(year, layer):
    """Features of PDOK edition year, layer buurten/wijken/gemeenten, for the detailed gemeenten (new names)."""
    buurten = _buurt_rows(year)
    if layer == "buurten":
        rows = buurten
    elif layer == "wijken":
        keep = ("wijkcode", "gemeentecode", "gemeentenaam", "water", "aantal_inwoners", "aantal_huishoudens")
        rows = [
            (geometry, {"wijkcode": p["wijkcode"], "wijknaam": _wijk_name(p["wijkcode"], p["gemeentenaam"]), **p})
            for geometry, p in _dissolved(buurten, "wijkcode", keep)
        ]
    else:
        rows = _dissolved(buurten, "gemeentecode", ("gemeentecode", "gemeentenaam", "aantal_inwoners"))
    if year < OGCAPI_FROM:
        rows = [(geometry, _old(props, year)) for geometry, props in rows]
    national = national_buurten(year) if layer == "buurten" else ()
    return tuple(Feature(geometry, props) for geometry, props in rows) + national


@functools.cache
def national_codes():
    with (DATA / "nl" / "buurtcodes-2019.csv").open(encoding="utf-8") as f:
        return [row["statcode"] for row in csv.DictReader(f)]


@functools.cache
def _national_values():
    """Synthetic values per national code for 2019 and 2023 (the latter drifts from the former)."""
    rng = random.Random("veerkracht-nl")
    values = {}
    for code in national_codes():
        if "GM" + code[2:6] in DETAILED:
            continue
        inhabitants = rng.randint(0, 49) if rng.random() < 0.06 else rng.randint(50, 5000)
        low, corp, benefits = rng.randint(2, 25), rng.randint(0, 60), rng.uniform(0, 0.06)
        year_values = {}
        for year, drift in zip(NATIONAL_YEARS, (1.0, rng.uniform(0.9, 1.1))):
            people = round(inhabitants * drift)
            small = people < 50
            year_values[year] = {
                "aantal_inwoners": people,
                "aantal_huishoudens": round(people / 2.2),
                "percentage_huishoudens_met_laag_inkomen": SECRET if small else round(low * drift),
                "aantal_personen_met_een_alg_bijstandsuitkering_tot": SECRET if small else round(people * benefits),
                "perc_huurwoningen_in_bezit_woningcorporaties": SECRET if small else min(100, round(corp * drift)),
            }
        values[code] = year_values
    return values


@functools.cache
def national_buurten(year):
    """The national rows (no geometry) of an edition; empty for editions without a reference set here."""
    if year not in NATIONAL_YEARS:
        return ()
    rows = [_row(code, f"Buurt {code[2:]}", "GM" + code[2:6], v[year]) for code, v in _national_values().items()]
    if year < OGCAPI_FROM:
        rows = [_old(props, year) for props in rows]
    return tuple(Feature(None, props, national=True) for props in rows)
