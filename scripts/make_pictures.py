"""The README's pictures, headless, from the bundled sample data, so they show what the plugin makes today.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_pictures.py [OUT_DIR]

Makes, in OUT_DIR (default docs/img), about 1000 px wide and under 300 KB each:

- dock.png: the Veerkracht dock beside a map canvas (a window grabbed offscreen, as QGIS would show it);
- kaartpagina.png: one map page with legend, as `make demo` renders the maps (veerkracht_plugin/rendering.py);
- atlaspagina.png: one page of the atlas per wijk (the PDF of `veerkracht:wijkatlas`, through pdftoppm);
- webkaart.png: the web map for partners (`veerkracht:webkaart`) in headless Chromium, a buurt's popup open.

The maps are made by `veerkracht:makemaps` with the dialog values of `scripts/demo.py` (Utrecht and Baarn).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from demo import JOBS, WIJKEN

from headless import REPO, start_qgis

OUT = REPO / "docs" / "img"
WIDTH = 1000  # px: fits the README column on GitHub without scaling text down much
MAX_BYTES = 300_000

DOCK = {"gemeente": "Utrecht", "map": "leefbaarheid", "size": (WIDTH, 700)}
MAP_PAGE = {"gemeente": "Baarn", "map": "signalering"}
ATLAS = {"gemeente": "Baarn", "page": 2}  # page 1: the gemeente overview; 2: the first wijk
WEB_MAP = {"gemeente": "Baarn", "map": "signalering", "size": (WIDTH, 760)}


def make_maps(name, work, processing, feedback):
    job = {key: str(value) if isinstance(value, Path) else value for key, value in JOBS[name].items()}
    target = work / f"{name.lower()}.gpkg"
    processing.run("veerkracht:makemaps", {**job, "OUTPUT": str(target)}, feedback=feedback)
    return target


def open_layer(path, name):
    from qgis.core import QgsProject, QgsVectorLayer

    project = QgsProject.instance()
    project.clear()
    layer = QgsVectorLayer(str(path), name, "ogr")
    if not layer.isValid():
        raise RuntimeError(f"Kaartlaag opent niet: {path}")
    project.addMapLayer(layer)
    return project, layer


class Iface:
    """What the dock asks of QGIS' interface: the map canvas and a message bar."""

    def __init__(self, canvas, window):
        from qgis.gui import QgsMessageBar

        self.canvas, self.window, self.bar = canvas, window, QgsMessageBar()

    def mapCanvas(self):  # noqa: N802 (QGIS API)
        return self.canvas

    def messageBar(self):  # noqa: N802 (QGIS API)
        return self.bar

    def mainWindow(self):  # noqa: N802 (QGIS API)
        return self.window


def dock_picture(path, out, app):
    """The dock on the right of a window with a map canvas: one gemeente chosen, one map shown."""
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QColor, QFont
    from qgis.PyQt.QtWidgets import QMainWindow

    from veerkracht.veerkracht_plugin.compat import rd_new
    from veerkracht.veerkracht_plugin.dock import VeerkrachtDock

    project, layer = open_layer(path, f"Veerkrachtkaarten {DOCK['gemeente']}")
    app.setFont(QFont("DejaVu Sans", 9))  # QGIS desktop's default size; offscreen Qt would use 12 pt
    window = QMainWindow()
    canvas = QgsMapCanvas(window)
    canvas.setCanvasColor(QColor(255, 255, 255))
    canvas.setDestinationCrs(rd_new())
    canvas.setLayers([layer])
    window.setCentralWidget(canvas)
    dock = VeerkrachtDock(Iface(canvas, window), window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(*DOCK["size"])
    window.show()
    app.processEvents()
    dock.map_combo.setCurrentIndex(dock.map_combo.findData(DOCK["map"]))
    dock.select_gemeenten({dock.gemeente_list.item(0).data(Qt.ItemDataRole.UserRole).code})
    for _ in range(3):  # layout settles, then the canvas draws the map
        app.processEvents()
        canvas.refresh()
        canvas.waitWhileRendering()
    app.processEvents()
    image = window.grab().toImage()
    dock.disconnect_project()
    window.close()
    project.clear()
    return save_small(image, out / "dock.png")


def map_page_picture(path, out):
    from veerkracht.veerkracht_plugin.rendering import export_png, map_page
    from veerkracht.veerkracht_plugin.styling import apply_styles

    name = MAP_PAGE["gemeente"]
    project, layer = open_layer(path, name)
    apply_styles(layer, project, MAP_PAGE["map"])
    with tempfile.TemporaryDirectory() as scratch:
        png = export_png(map_page(project, layer, MAP_PAGE["map"], name), Path(scratch) / "page.png", dpi=86)
        result = save_small(load(png), out / "kaartpagina.png")
    project.clear()
    return result


def atlas_picture(path, out, work, processing, feedback):
    name = ATLAS["gemeente"]
    _, layer = open_layer(path, name)
    pdf = work / f"{name.lower()}-atlas.pdf"
    params = {"INPUT": layer, "OUTPUT": str(pdf)}
    if name in WIJKEN:
        params["WIJKEN"] = str(WIJKEN[name])
    processing.run("veerkracht:wijkatlas", params, feedback=feedback)
    page = str(ATLAS["page"])
    stem = work / "atlas"
    subprocess.run(
        ["pdftoppm", "-png", "-f", page, "-l", page, "-singlefile", "-scale-to", str(WIDTH), str(pdf), str(stem)],
        check=True,
    )
    return save_small(load(stem.with_suffix(".png")), out / "atlaspagina.png")


def web_map_picture(path, out, work, processing, feedback):
    """The page in headless Chromium, the popup of the largest buurt with a signalering class opened by a click."""
    from chromium import Browser
    from qgis.core import QgsVectorLayer

    page = work / "webkaart.html"
    processing.run("veerkracht:webkaart", {"INPUT": str(path), "OUTPUT": str(page)}, feedback=feedback)
    layer = QgsVectorLayer(str(path), "kaarten", "ogr")
    klasse = f"{WEB_MAP['map']}_klasse"
    areas = {i: f.geometry().area() for i, f in enumerate(layer.getFeatures()) if f[klasse]}
    shown = max(areas, key=areas.get)
    with Browser(*WEB_MAP["size"]) as browser:
        browser.open(f"{page.as_uri()}#kaart={WEB_MAP['map']}", ready="document.body && document.body.dataset.klaar")
        browser.click(*browser.evaluate(f"veerkrachtKaart.schermpunt({shown})"))
        browser.wait_for("document.querySelector('.leaflet-popup-content h3')")
        browser.pump(0.5)  # the map pans to show the popup
        if browser.console_errors:
            raise RuntimeError(f"Fouten in de webkaart: {browser.console_errors}")
        browser.screenshot(work / "webkaart.png")
    return save_small(load(work / "webkaart.png"), out / "webkaart.png")


def load(path):
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        raise RuntimeError(f"Geen afbeelding: {path}")
    return image


def save_small(image, target):
    """At most WIDTH px wide, as a palette PNG when the full-colour one is too big for a README."""
    from qgis.PyQt.QtCore import Qt

    if image.width() > WIDTH:
        image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    if not image.save(str(target), "PNG"):
        raise RuntimeError(f"Kan {target} niet schrijven")
    if target.stat().st_size > MAX_BYTES:
        _to_palette(target)
    return target


def _to_palette(target):
    """256 colours: the maps' flat class colours survive; text edges get a few shades fewer."""
    try:
        from PIL import Image
    except ImportError:
        from qgis.PyQt.QtGui import QImage

        QImage(str(target)).convertToFormat(QImage.Format.Format_Indexed8).save(str(target), "PNG")
        return
    with Image.open(target) as picture:
        small = picture.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(target, optimize=True)


def main(out=OUT):
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = start_qgis()
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    work = Path(tempfile.mkdtemp(prefix="veerkracht-pictures-"))
    try:
        maps = {
            name: make_maps(name, work, processing, feedback)
            for name in {DOCK["gemeente"], MAP_PAGE["gemeente"], ATLAS["gemeente"], WEB_MAP["gemeente"]}
        }
        made = [
            dock_picture(maps[DOCK["gemeente"]], out, app),
            map_page_picture(maps[MAP_PAGE["gemeente"]], out),
            atlas_picture(maps[ATLAS["gemeente"]], out, work, processing, feedback),
            web_map_picture(maps[WEB_MAP["gemeente"]], out, work, processing, feedback),
        ]
    finally:
        from qgis.core import QgsProject

        QgsProject.instance().clear()
        shutil.rmtree(work, ignore_errors=True)
    for path in made:
        image = load(path)
        print(f"{path}: {image.width()}x{image.height()} px, {path.stat().st_size // 1000} KB")
    return made


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
