"""Inputs of 'Veerkrachtkaarten maken' left empty (or given the buurt layer itself, as the dialog does with the
active layer) taken from the GeoPackage the buurt layer comes from, as 'Open data ophalen' writes it: the table
leefbaarometer and the buurt layer of a start year beside buurten_<eindjaar>. Each choice is said in the log."""

import re
from pathlib import Path

from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProcessingUtils, QgsProviderRegistry

from ...veerkracht_plugin.core import VeerkrachtError
from ...veerkracht_plugin.geopackage import geopackage_tables

LBM_TABLE, LBM_NATIONAL_TABLE = "leefbaarometer", "leefbaarometer_nl"
BUURTEN_TABLE = re.compile(r"buurten_(\d{4})$")


def layer_in_geopackage(value, context):
    """(GeoPackage path, layer name) behind a parameter value (path, layer id, layer), or None."""
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source.staticValue()
    layer = value if hasattr(value, "dataProvider") else None
    if layer is None and isinstance(value, str) and value:
        layer = QgsProcessingUtils.mapLayerFromString(value, context, False)
    if layer is not None:
        provider, source = layer.providerType(), layer.source()
    elif isinstance(value, str) and value:
        provider, source = "ogr", value
    else:
        return None
    if provider != "ogr":
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", source)
    path = parts.get("path") or ""
    if not path.lower().endswith(".gpkg") or not Path(path).is_file():
        return None
    name = parts.get("layerName") or ""
    tables = geopackage_tables(path)
    return str(Path(path).resolve()), name or (tables[0] if len(tables) == 1 else "")


def fill_in(alg, parameters, context):
    """(parameters with the empty inputs filled in from the buurt layer's GeoPackage, notes, warnings)."""
    from ...veerkracht_plugin.core.detect import column_names, pick_start

    filled, notes, warnings = dict(parameters), [], []
    buurten = layer_in_geopackage(parameters.get(alg.INPUT), context)
    tables = geopackage_tables(buurten[0]) if buurten else []
    lbm_value = parameters.get(alg.LEEFBAAROMETER)
    lbm_is_buurten = buurten is not None and layer_in_geopackage(lbm_value, context) == buurten
    if lbm_value in (None, "") or lbm_is_buurten:
        national = parameters.get(alg.REFERENTIE) not in (None, "") and LBM_NATIONAL_TABLE in tables
        table = LBM_NATIONAL_TABLE if national else LBM_TABLE
        lbm_label = alg.parameter_label(alg.LEEFBAAROMETER)
        if table not in tables:
            reason = (
                f"'{buurten[1]}' is de buurtlaag zelf" if lbm_is_buurten else f"'{lbm_label}' is leeg"
            ) + f" en het bestand van de buurtlaag heeft geen tabel '{LBM_TABLE}'"
            raise VeerkrachtError(f"{reason}: kies bij '{lbm_label}' de Leefbaarometer-scores (een CSV of tabel).")
        filled[alg.LEEFBAAROMETER] = f"{buurten[0]}|layername={table}"
        said = f"de tabel '{table}' uit hetzelfde GeoPackage als de buurtlaag ({Path(buurten[0]).name})"
        if lbm_is_buurten:
            warnings.append(f"'{lbm_label}' was '{buurten[1]}', de buurtlaag zelf: gebruikt wordt {said}.")
        notes.append(f"Leefbaarometer: {said}")

    starts = (alg.KERNCIJFERS_END, alg.KERNCIJFERS_START, alg.BUURTEN_START, alg.REFERENTIE, alg.REFERENTIE_START)
    end = BUURTEN_TABLE.match(buurten[1]) if buurten else None
    if end and all(parameters.get(name) in (None, "") for name in starts):
        years = [int(m.group(1)) for m in map(BUURTEN_TABLE.match, tables) if m]
        year = pick_start(years, int(end.group(1)), column_names()["jaren"]["spanne_kerncijfers"])
        if year is not None:
            filled[alg.BUURTEN_START] = f"{buurten[0]}|layername=buurten_{year}"
            notes.append(
                f"beginjaar: de buurtlaag 'buurten_{year}' uit hetzelfde GeoPackage "
                f"('{alg.parameter_label(alg.BUURTEN_START)}' was leeg)"
            )
    return filled, notes, warnings
