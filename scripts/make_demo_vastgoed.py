"""Write resources/sample_data/vastgoed-demo.gpkg: MADE-UP vastgoed of a fictitious corporation, placed inside
real buurten of the sample gemeenten, so the demo and tests can combine maps with "own" stock.

Deterministic (seeded). Layer `vhe_punten`: one point per complex entrance with a number of units (vhe);
one point lies outside every buurt on purpose. Layer `complexen`: small complex polygons around some points.
"""

import random

from headless import REPO, plugin_import_path, start_qgis

TARGET = REPO / "resources" / "sample_data" / "vastgoed-demo.gpkg"
SOURCES = {
    "U": REPO / "resources" / "sample_data" / "utrecht" / "buurten-2019-GM0344.geojson",
    "B": REPO / "resources" / "sample_data" / "baarn" / "buurten-2024-GM0308.geojson",
}
OUTSIDE = (150500.0, 452000.0)  # between Utrecht and Baarn, in no sample buurt


def random_point_in(geometry, rng):
    from qgis.core import QgsGeometry, QgsPointXY

    box = geometry.boundingBox()
    for _ in range(500):
        point = QgsGeometry.fromPointXY(
            QgsPointXY(rng.uniform(box.xMinimum(), box.xMaximum()), rng.uniform(box.yMinimum(), box.yMaximum()))
        )
        if geometry.contains(point):
            return point
    return geometry.pointOnSurface()


def main(target=TARGET):
    app = start_qgis(with_plugin=False)  # noqa: F841 (keeps QGIS alive)
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsFeature,
        QgsGeometry,
        QgsPointXY,
        QgsProject,
        QgsVectorLayer,
    )

    plugin_import_path()
    from veerkracht.veerkracht_plugin.compat import make_field
    from veerkracht.veerkracht_plugin.geopackage import write_layer

    rd = QgsCoordinateReferenceSystem("EPSG:28992")
    rng = random.Random(20261123)
    points = QgsVectorLayer("Point?crs=EPSG:28992", "vhe_punten", "memory")
    complexes = QgsVectorLayer("Polygon?crs=EPSG:28992", "complexen", "memory")
    fields = [make_field("complex", "text"), make_field("vhe", "int32"), make_field("bron", "text")]
    for layer in (points, complexes):
        layer.dataProvider().addAttributes(fields)
        layer.updateFields()
    made_up = "FICTIEF demobestand (scripts/make_demo_vastgoed.py), geen echt bezit"
    number = 0
    for prefix, path in SOURCES.items():
        buurten = QgsVectorLayer(str(path), prefix, "ogr")
        to_rd = QgsCoordinateTransform(buurten.crs(), rd, QgsProject.instance())
        shapes = []
        for feature in buurten.getFeatures():
            geometry = QgsGeometry(feature.geometry())
            geometry.transform(to_rd)
            shapes.append(geometry if geometry.isGeosValid() else geometry.makeValid())
        for geometry in rng.sample(shapes, k=len(shapes) // 3):
            for _ in range(rng.randint(1, 3)):
                number += 1
                point = random_point_in(geometry, rng)
                feature = QgsFeature(points.fields())
                feature.setGeometry(point)
                feature.setAttributes([f"Complex {prefix}-{number:03d} (fictief)", rng.randint(4, 120), made_up])
                points.dataProvider().addFeature(feature)
                if number % 5 == 0:
                    square = point.buffer(25, 1)  # a 50 m "complex" around the entrance
                    if geometry.contains(square):
                        polygon = QgsFeature(complexes.fields())
                        polygon.setGeometry(square)
                        polygon.setAttributes(feature.attributes())
                        complexes.dataProvider().addFeature(polygon)
    outside = QgsFeature(points.fields())
    outside.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*OUTSIDE)))
    outside.setAttributes(["Complex X-999 (fictief, buiten de buurten)", 10, made_up])
    points.dataProvider().addFeature(outside)

    if target.exists():
        target.unlink()
    for layer in (points, complexes):
        error = write_layer(layer, target, layer.name(), overwrite_file=not target.exists())
        if error:
            raise SystemExit(f"{layer.name()}: {error}")
        print(f"{target}|layername={layer.name()}: {layer.featureCount()} objecten")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
