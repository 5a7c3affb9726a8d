"""Write styles/<map>.qml for the nine maps from resources/kaarten.json. Run after changing the catalogue;
tests fail when the packaged styles and the catalogue disagree."""

from headless import REPO, start_qgis


def main():
    app = start_qgis(with_plugin=False)  # noqa: F841 (keeps QGIS alive)
    from headless import plugin_import_path

    plugin_import_path()
    from qgis.core import QgsMapLayer, QgsVectorLayer

    from veerkracht.veerkracht_plugin.core.catalogue import MAP_IDS, field_names
    from veerkracht.veerkracht_plugin.styling import build_renderer, style_path

    (REPO / "styles").mkdir(exist_ok=True)
    for map_id in MAP_IDS:
        _, klasse, label = field_names(map_id)
        layer = QgsVectorLayer(f"Polygon?crs=EPSG:28992&field={klasse}:integer&field={label}:string", map_id, "memory")
        layer.setRenderer(build_renderer(map_id))
        message, ok = layer.saveNamedStyle(str(style_path(map_id)), QgsMapLayer.StyleCategory.Symbology)
        if not ok:
            raise SystemExit(f"{map_id}: {message}")
        print(style_path(map_id).relative_to(REPO))


if __name__ == "__main__":
    main()
