"""Run veerkracht:wijkatlas several times in one QGIS process (issue 12, point 4: the second run with one map
chosen crashed QGIS). Run by tests/test_atlas_safety.py in a subprocess, so that a crash fails a test instead of
ending the test run.

Usage: python atlas_repeat.py MAPS_GPKG OUT_DIR layer|path
Prints one JSON line per run: pages, and what the project then holds (layouts, atlas layers).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from headless import start_qgis  # noqa: E402

# (MAPS, output name): one map twice on one path (the crash), all maps, then one map again
RUNS = [([5], "atlas.pdf"), ([5], "atlas.pdf"), (None, "alle.pdf"), ([5], "atlas.pdf")]


def main(maps_gpkg, out_dir, mode):
    app = start_qgis()  # noqa: F841 (keeps QGIS alive)
    import processing
    from qgis.core import QgsProject, QgsVectorLayer

    project = QgsProject.instance()
    layer = QgsVectorLayer(maps_gpkg, "Utrecht", "ogr")
    if mode == "layer":  # else only the path: a project layer on that file would be found by its source
        project.addMapLayer(layer)
    for maps, name in RUNS:
        parameters = {
            "INPUT": layer.id() if mode == "layer" else maps_gpkg,
            "GEMEENTE": "GM0344",
            "OUTPUT": str(Path(out_dir) / name),
        }
        if maps is not None:
            parameters["MAPS"] = maps
        result = processing.run("veerkracht:wijkatlas", parameters)
        roles = [other.customProperty("veerkracht/atlas") for other in project.mapLayers().values()]
        print(
            json.dumps(
                {
                    "pdf": result["OUTPUT"],
                    "pages": result["PAGES"],
                    "layouts": [layout.name() for layout in project.layoutManager().printLayouts()],
                    "coverage_layers": roles.count("dekking"),
                    "input_layers": roles.count("invoer"),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(*sys.argv[1:4])
