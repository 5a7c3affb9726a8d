"""Which wijk each buurt of the atlas belongs to: by its code where the wijk layer has that wijk code, else by
location, the wijk with the largest overlap in RD New (QGIS' geometry engine), so wijken of another year than
the buurten still hold their buurten (issue 14, point 13; issue 15)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import QgsCoordinateTransform, QgsFeature, QgsProviderRegistry, QgsSpatialIndex, QgsVectorLayer

from ..compat import text_or_none
from ..core.codes import gemeente_of, normalise_code, wijk_of
from ..core.join import find_column
from ..geopackage import geopackage_tables
from ..layer_queries import GEMEENTE_NAME_FIELDS
from .template import AtlasError

WIJK_NAME_FIELDS = ["wijknaam", "WK_NAAM", "statnaam"]
WIJK_CODE_FIELDS = ["wijkcode", "WK_CODE", "statcode"]
BUURT_WIJK_NAME_FIELDS = ["wijknaam", "wk_naam"]  # in a buurt layer statnaam is the buurt's own name
BUURT_SOURCE_LINK = "Buurtlaag"  # the metadata link makemaps leaves on its maps: the buurt layer they came from
BUURTEN_TABLE = re.compile(r"buurten_(\d{4})$")
WIJKEN_TABLE = re.compile(r"wijken_(\d{4})$")


@dataclass
class WijkLayer:
    """The wijken of a wijk layer in RD New: code -> name, shape; gemeente code -> name."""

    names: dict = field(default_factory=dict)
    shapes: dict = field(default_factory=dict)
    gemeente_names: dict = field(default_factory=dict)


@dataclass
class Assignment:
    """buurt code -> wijk code, and how many buurten were placed by code, by overlap, or kept their own code."""

    wijk: dict = field(default_factory=dict)
    by_code: int = 0
    by_overlap: int = 0
    unmatched: list = field(default_factory=list)  # buurten that touch no wijk of the layer: their own wijk code

    def message(self, layer_name):
        """Dutch, for the log: how the buurten found their wijken."""
        total = self.by_code + self.by_overlap + len(self.unmatched)
        text = (
            f"Wijken uit laag '{layer_name}': {self.by_code} van de {total} buurten op wijkcode, "
            f"{self.by_overlap} op ligging (de wijk met de grootste overlap, in RD New)"
        )
        if self.unmatched:
            n = len(self.unmatched)
            shown = ", ".join(self.unmatched[:5]) + (f" en {n - 5} meer" if n > 5 else "")
            text += (
                f"; {n} buurt ligt in geen wijk van de laag en houdt zijn eigen wijk ({shown})"
                if n == 1
                else f"; {n} buurten liggen in geen wijk van de laag en houden hun eigen wijk ({shown})"
            )
        return text + "."


def fetched_wijken(layer):
    """The layer wijken_<year> of the GeoPackage of 'Open data ophalen' that ``layer``'s buurten come from (its
    own GeoPackage, or the one its metadata link names), the year of its buurten or else the nearest; or None."""
    link = next((link.url for link in layer.metadata().links() if link.name == BUURT_SOURCE_LINK), "")
    sources = [layer.source()] if layer.providerType() == "ogr" else []
    for uri in sources + ([link] if link else []):
        parts = QgsProviderRegistry.instance().decodeUri("ogr", uri)
        path = parts.get("path") or ""
        if not path.lower().endswith(".gpkg") or not Path(path).is_file():
            continue
        years = [int(m.group(1)) for m in map(WIJKEN_TABLE.match, geopackage_tables(path)) if m]
        if not years:
            continue
        buurten = BUURTEN_TABLE.match(parts.get("layerName") or "")
        year = min(years, key=lambda y: (abs(y - int(buurten.group(1))), -y)) if buurten else max(years)
        wijken = QgsVectorLayer(f"{path}|layername=wijken_{year}", f"wijken_{year}", "ogr")
        if wijken.isValid():
            return wijken
    return None


def read_wijk_layer(wijken, rd, repair):
    """The wijken of ``wijken`` in RD New (``repair(geometry, transform)`` copies, transforms and repairs)."""
    code_field = find_column(wijken.fields().names(), WIJK_CODE_FIELDS)
    name_field = find_column(wijken.fields().names(), WIJK_NAME_FIELDS)
    if code_field is None:
        raise AtlasError(f"Wijklaag '{wijken.name()}' heeft geen wijkcodeveld (wijkcode, WK_CODE of statcode).")
    gm_name_field = find_column(wijken.fields().names(), GEMEENTE_NAME_FIELDS)
    to_rd = QgsCoordinateTransform(wijken.crs(), rd, wijken.transformContext())
    result = WijkLayer()
    for feature in wijken.getFeatures():
        code = normalise_code(feature[code_field], "WK")
        if not code or not code.startswith("WK") or not feature.hasGeometry():
            continue
        name = text_or_none(feature[name_field]) if name_field else None
        if name:
            result.names[code] = name
        gemeente_name = text_or_none(feature[gm_name_field]) if gm_name_field else None
        if gemeente_name:
            result.gemeente_names[gemeente_of(code)] = gemeente_name
        result.shapes[code] = repair(feature.geometry(), to_rd)
    return result


def assign(buurten, wijk_layer=None):
    """``buurten``: {buurt code: geometry in RD New}. Without a wijk layer every buurt is in the wijk of its code.

    With one, a buurt whose wijk code the layer has stays there (by code); the others go to the wijk of the layer
    with which they share the largest area (by overlap); a buurt that overlaps no wijk keeps its own wijk code.
    """
    result = Assignment()
    if wijk_layer is None:
        result.wijk = {code: wijk_of(code) for code in buurten}
        result.by_code = len(buurten)
        return result
    index = QgsSpatialIndex()
    codes = sorted(wijk_layer.shapes)
    for number, code in enumerate(codes):
        feature = QgsFeature(number)
        feature.setGeometry(wijk_layer.shapes[code])
        index.addFeature(feature)
    for buurt, geometry in sorted(buurten.items()):
        own = wijk_of(buurt)
        if own in wijk_layer.shapes:
            result.wijk[buurt] = own
            result.by_code += 1
            continue
        best, best_area = None, 0.0
        for number in index.intersects(geometry.boundingBox()):
            area = geometry.intersection(wijk_layer.shapes[codes[number]]).area()
            if area > best_area:
                best, best_area = codes[number], area
        if best is None:
            result.wijk[buurt] = own
            result.unmatched.append(buurt)
        else:
            result.wijk[buurt] = best
            result.by_overlap += 1
    return result
