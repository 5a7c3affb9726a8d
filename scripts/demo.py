"""`make demo`: the plugin's main job, headless, on the bundled sample data (Utrecht and Baarn).

Per gemeente: `veerkracht:makemaps` from the original files, a shared GeoPackage (`exportgeopackage`), one
PNG per map, the atlas per wijk (`wijkatlas`, PDF plus PNGs of its first pages), the web map for partners
(`webkaart`, one HTML file) and the made-up demo vastgoed per buurt (`vastgoedperbuurt`). Everything goes into one output folder, printed at the end.
"""

import shutil
import sys
from pathlib import Path

from headless import REPO, start_qgis

SAMPLE = REPO / "resources" / "sample_data"

# The dialog of "Veerkrachtkaarten maken" as a GIS specialist would fill it for each sample gemeente.
JOBS = {
    "Utrecht": {
        "INPUT": SAMPLE / "utrecht" / "buurten-2019-GM0344.geojson",
        "LEEFBAAROMETER": SAMPLE / "utrecht" / "leefbaarometer-scores-buurten-GM0344-2018-2024.csv",
        "LBM_YEAR_START": 2018,
        "LBM_YEAR_END": 2024,
        "KERNCIJFERS_END": SAMPLE / "utrecht" / "kwb-2023-GM0344.xlsx",
        "KWB_YEAR_END": 2023,  # no earlier kerncijfers: change maps stay 'onvoldoende gegevens'
        "COUNTS": "a_soz_wb",
        "INWONERS_COLUMN": "a_inw",
        "CORPORATIE_COLUMN": "p_wcorpw",
    },
    "Baarn": {
        "INPUT": SAMPLE / "baarn" / "buurten-2024-GM0308.geojson",
        "LEEFBAAROMETER": SAMPLE / "baarn" / "leefbaarometer-scores-buurten-GM0308-2018-2024.csv",
        "LBM_YEAR_START": 2018,
        "LBM_YEAR_END": 2024,
        "KERNCIJFERS_END": SAMPLE / "baarn" / "kerncijfers-GM0308-2016-2025-long.csv",
        "KWB_YEAR_START": 2019,
        "KWB_YEAR_END": 2023,
        "COUNTS": "bijstandsontvangers",
        "SHARES": "huishoudens_laag_inkomen",
        "INWONERS_COLUMN": "aantal_inwoners",
        "CORPORATIE_COLUMN": "",  # from the PDOK layer itself (secret in this release: class 0)
    },
}


def make_maps(name, job, out_dir, processing, feedback):
    target = out_dir / f"{name.lower()}-veerkrachtkaarten.gpkg"
    params = {key: str(value) if isinstance(value, Path) else value for key, value in job.items()}
    result = processing.run("veerkracht:makemaps", {**params, "OUTPUT": str(target)}, feedback=feedback)
    print(f"  {target.name}: {result['REFERENTIESET']}")
    return target


def share_and_render(name, path, out_dir, processing, feedback):
    from qgis.core import QgsProject, QgsVectorLayer

    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS
    from veerkracht.veerkracht_plugin.rendering import export_png, map_page
    from veerkracht.veerkracht_plugin.styling import apply_styles

    project = QgsProject.instance()
    project.clear()
    layer = QgsVectorLayer(str(path), name, "ogr")
    project.addMapLayer(layer)
    shared = out_dir / f"{name.lower()}-delen.gpkg"
    processing.run("veerkracht:exportgeopackage", {"INPUT": layer, "OUTPUT": str(shared)}, feedback=feedback)
    print(f"  gedeeld: {shared.name} (laag, negen stijlen en een QGIS-project in één bestand)")
    apply_styles(layer, project)
    png_dir = out_dir / f"{name.lower()}-kaarten"
    png_dir.mkdir()
    for map_id in MAP_IDS:
        counts = {}
        for feature in layer.getFeatures():
            counts[feature[f"{map_id}_klasse"]] = counts.get(feature[f"{map_id}_klasse"], 0) + 1
        png = export_png(map_page(project, layer, map_id, name), png_dir / f"{MAP_IDS.index(map_id) + 1}-{map_id}.png")
        print(f"    {png.relative_to(out_dir)}  klassen {dict(sorted(counts.items()))}")


VASTGOED = SAMPLE / "vastgoed-demo.gpkg"


def own_stock(name, path, out_dir, processing, feedback):
    """The made-up demo vastgoed on the buurten: where does 'our' stock lie in buurten under pressure?"""
    from qgis.core import QgsVectorLayer

    buurten = out_dir / f"{name.lower()}-eigen-bezit-buurten.gpkg"
    vastgoed = out_dir / f"{name.lower()}-eigen-bezit-vastgoed.gpkg"
    processing.run(
        "veerkracht:vastgoedperbuurt",
        {
            "INPUT": str(path),
            "VASTGOED": f"{VASTGOED}|layername=vhe_punten",
            "VHE_FIELD": "vhe",
            "OUTPUT_BUURTEN": str(buurten),
            "OUTPUT_VASTGOED": str(vastgoed),
        },
        feedback=feedback,
    )
    layer = QgsVectorLayer(str(buurten), "b", "ogr")
    units = {}
    for feature in layer.getFeatures():
        units[feature["signalering_label"]] = units.get(feature["signalering_label"], 0) + (feature["eigen_vhe"] or 0)
    summary = ", ".join(f"{label}: {n:g}" for label, n in sorted(units.items()) if n)
    print(f"  eigen bezit (fictief): {buurten.name}, {vastgoed.name}; vhe per signaleringsklasse: {summary}")


WIJKEN = {"Utrecht": SAMPLE / "utrecht" / "wijken-2024-GM0344.geojson"}


def atlas(name, path, out_dir, processing, feedback):
    """The atlas per wijk as PDF, and PNGs of its first two pages to look at."""
    import subprocess

    from qgis.core import QgsProject, QgsVectorLayer

    project = QgsProject.instance()
    project.clear()
    layer = QgsVectorLayer(str(path), name, "ogr")
    project.addMapLayer(layer)
    pdf = out_dir / f"{name.lower()}-atlas.pdf"
    params = {"INPUT": layer, "OUTPUT": str(pdf)}
    if name in WIJKEN:
        params["WIJKEN"] = str(WIJKEN[name])
    result = processing.run("veerkracht:wijkatlas", params, feedback=feedback)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(out_dir / f"{name.lower()}-atlas")],
        check=True,
    )
    print(f"  atlas: {pdf.name} ({result['PAGES']} pagina's, lay-out '{result['LAYOUT']}'), eerste pagina's als PNG")


def web_map(name, path, out_dir, processing, feedback):
    """The web map for partners: one HTML file that opens offline in any browser."""
    page = out_dir / f"{name.lower()}-webkaart.html"
    result = processing.run("veerkracht:webkaart", {"INPUT": str(path), "OUTPUT": str(page)}, feedback=feedback)
    print(f"  webkaart: {page.name} ({result['BUURTEN']} buurten, {result['BYTES'] / 1024:.0f} kB)")


def main(out_dir):
    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    app = start_qgis()  # noqa: F841 (keeps QGIS alive)
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    for name, job in JOBS.items():
        print(f"{name}: veerkrachtkaarten maken uit de originele bestanden")
        path = make_maps(name, job, out_dir, processing, feedback)
        share_and_render(name, path, out_dir, processing, feedback)
        atlas(name, path, out_dir, processing, feedback)
        web_map(name, path, out_dir, processing, feedback)
        own_stock(name, path, out_dir, processing, feedback)
    print(f"\nKlaar. Uitvoer staat in: {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else REPO / "out")
