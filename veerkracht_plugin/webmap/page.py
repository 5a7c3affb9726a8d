"""The page itself: the data of one web map as JSON in a script element, the template, Leaflet, styles and
script inlined, and a Content-Security-Policy that lets only these scripts run and only PDOK's tiles in.

Safety: every text from a layer (buurt names, the title, metadata) travels as JSON, with ``<``, ``>`` and ``&``
written as \\u escapes so it cannot end the script element; the page script puts it in the page with
textContent. The title in <title> is HTML-escaped.
"""

import base64
import hashlib
import html
import json
import re

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

from ..compat import rd_new
from ..core.catalogue import class_labels
from ..paths import RESOURCES_DIR
from . import arcs, content, shapes

TEMPLATE_DIR = RESOURCES_DIR / "webkaart"
LEAFLET_DIR = RESOURCES_DIR / "vendor" / "leaflet-1.9.4"
TILE_ORIGIN = "https://service.pdok.nl"
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def page_data(layer, gemeenten, map_ids, title, tolerance=shapes.TOLERANCE_M, feedback=None):
    """Everything the page shows, as a dict ready for JSON; None when cancelled."""
    wanted_maps = list(dict.fromkeys([*map_ids, "signalering", "signalering_relatief"]))
    data, geometries = content.collect(layer, gemeenten, wanted_maps, feedback)
    if data is None:
        return None
    data["kaarten"] = [m for m in data["kaarten"] if m["id"] in map_ids]
    data["titel"] = title
    data["perspectieven"]["labels"] = class_labels("signalering")
    if feedback is not None:
        feedback.setProgressText("Grenzen vereenvoudigen (RD New, topologie behouden)")
    topology, simplified = shapes.build_topology(geometries, tolerance, feedback)
    if feedback is not None and feedback.isCanceled():
        return None
    rd = rd_new()
    context = layer.transformContext()
    to_wgs84 = QgsCoordinateTransform(rd, QgsCoordinateReferenceSystem(shapes.WGS84), context)
    points = []
    for geometry in geometries:
        point = geometry.pointOnSurface() if not geometry.isEmpty() else geometry
        points.append(shapes.quantised(to_wgs84.transform(point.asPoint())) if not point.isEmpty() else [0, 0])
    buurten = data["buurten"]
    data["vormen"] = {
        "stap": shapes.QUANTUM,
        "bogen": shapes.encoded_arcs(shapes.to_wgs84(simplified, rd, context)),
        "vormen": topology.shapes,
        "punten": points,
        "grenzen": {
            "wijk": arcs.outline(topology, buurten["wijk"]),
            "gemeente": arcs.outline(topology, buurten["gemeente"]),
        },
    }
    return data


def json_for_script(data):
    """JSON that cannot end or open anything inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _script_hash(script):
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render(data):
    """The HTML text of the page."""
    leaflet_js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    leaflet_js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", leaflet_js)  # nothing to fetch, offline
    script = (TEMPLATE_DIR / "webkaart.js").read_text(encoding="utf-8")
    csp = (
        f"default-src 'none'; script-src {_script_hash(leaflet_js)} {_script_hash(script)}; "
        f"style-src 'unsafe-inline'; img-src data: {TILE_ORIGIN}; base-uri 'none'; form-action 'none'"
    )
    values = {
        "CSP": csp,
        "TITEL": html.escape(data["titel"]),
        "LEAFLET_CSS": (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8"),
        "CSS": (TEMPLATE_DIR / "webkaart.css").read_text(encoding="utf-8"),
        "DATA": json_for_script(data),
        "LEAFLET_JS": leaflet_js,
        "JS": script,
    }
    template = (TEMPLATE_DIR / "webkaart.html").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)  # one pass: values are not read again


def write(path, data):
    """Write the page to ``path``; its size in bytes."""
    text = render(data).encode("utf-8")
    with open(path, "wb") as handle:
        handle.write(text)
    return len(text)
