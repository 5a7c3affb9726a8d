"""What happens to the maps once made: the nine styles stored in a GeoPackage output (so the file opens styled
anywhere), and, when QGIS loads the result, the styles and map themes, a name after the gemeente(n) and years,
and RD New for a project that had nothing in it yet. Main thread only."""

from collections import deque

from qgis.core import QgsDataProvider, QgsProcessingLayerPostProcessorInterface, QgsVectorLayer


def store_in_geopackage(output, active_map_id, reference, feedback, source=""):
    """Styles, the reference set and the buurt layer's ``source`` inside a GeoPackage output; a warning when the
    metadata cannot be saved."""
    if not (isinstance(output, str) and ".gpkg" in output.lower()):
        return
    from osgeo import gdal

    # Ten small writes (nine styles, the metadata), each its own SQLite transaction: without waiting for the
    # disk after each (fsync) they take a third of the time. Only this thread, only for our own new output.
    before = gdal.GetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", None)
    gdal.SetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF")
    try:
        _store(output, active_map_id, reference, feedback, source)
    finally:
        gdal.SetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", before)


def _store(output, active_map_id, reference, feedback, source):
    from ...veerkracht_plugin.layer_queries import editions_line
    from ...veerkracht_plugin.styling import apply_styles, store_styles_in_geopackage

    layer = QgsVectorLayer(_with_layer_name(output), "veerkrachtkaarten", "ogr")
    if not layer.isValid():
        return
    apply_styles(layer, None, active_map_id)
    store_styles_in_geopackage(layer, active_map_id)
    feedback.pushInfo(f"Stijlen opgeslagen in {output.split('|')[0]}.")
    metadata = layer.metadata()
    metadata.setTitle("Veerkrachtkaarten")
    metadata.setAbstract("\n\n".join(filter(None, [reference, editions_line(layer.fields().names())])))
    with_source(metadata, source)
    layer.setMetadata(metadata)
    message, ok = layer.saveDefaultMetadata()
    if not ok:
        feedback.pushWarning(f"Metadata niet opgeslagen: {message}")


def with_source(metadata, source):
    """``metadata`` with a link to the buurt layer the maps were made from (the atlas finds the wijken of an
    open-data GeoPackage beside it), replacing an earlier one."""
    from qgis.core import QgsAbstractMetadataBase

    from ...veerkracht_plugin.atlas.wijken import BUURT_SOURCE_LINK

    if not source:
        return metadata
    links = [link for link in metadata.links() if link.name != BUURT_SOURCE_LINK]
    links.append(QgsAbstractMetadataBase.Link(BUURT_SOURCE_LINK, "GeoPackage", source))
    metadata.setLinks(links)
    return metadata


def _with_layer_name(uri):
    """GeoPackage uri with its layer name: saving metadata needs it."""
    if "|layername=" in uri:
        return uri
    probe = QgsVectorLayer(uri, "probe", "ogr")
    sublayers = probe.dataProvider().subLayers() if probe.isValid() else []
    if not sublayers:
        return uri
    return f"{uri}|layername={sublayers[0].split(QgsDataProvider.SUBLAYER_SEPARATOR)[1]}"


def result_name(gemeenten, start, end):
    """'Veerkrachtkaarten Baarn 2019-2023' after the kerncijfers editions (the buurten of those years), or only the
    end year without a start edition; more than three gemeenten are counted, not listed."""
    gemeenten = sorted(gemeenten)
    if len(gemeenten) > 3:
        shown = f"{', '.join(gemeenten[:2])} en {len(gemeenten) - 2} andere gemeenten"
    else:
        shown = " en ".join([", ".join(gemeenten[:-1]), gemeenten[-1]] if len(gemeenten) > 1 else gemeenten)
    years = f"{start}-{end}" if start and start != end else f"{end}"
    return f"Veerkrachtkaarten {shown} {years}".replace("  ", " ")


def post_processor(context, output):
    """The one ResultPostProcessor of ``output``: made and set once, then only filled in.

    Never replaced: setPostProcessor deletes the one it replaces, and when Python still holds that one (the
    child computemaps made it) QGIS crashes loading the result (seen in the 3.22 desktop)."""
    details = context.layerToLoadOnCompletionDetails(output)
    existing = details.postProcessor()
    if isinstance(existing, ResultPostProcessor):
        return existing
    processor = ResultPostProcessor()
    details.setPostProcessor(processor)
    return processor


class ResultPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """When a result is loaded: the reference set in its metadata (``metadata``); the nine styles and map
    themes, its name and RD New in an empty project (``styled``).

    QGIS does not own post-processors and the algorithm copy that made one may be gone when QGIS loads the
    layer (scripts, models): the last few stay referenced here.
    """

    alive = deque(maxlen=32)

    def __init__(self):
        super().__init__()
        self.metadata = None  # (summary, details)
        self.styled = None  # (active map id, layer name)
        self.source = ""  # the buurt layer the maps were made from (a GeoPackage uri), for the metadata
        ResultPostProcessor.alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API)
        if self.metadata:
            from ...veerkracht_plugin.layer_queries import editions_line

            summary, details = self.metadata
            details = [line for line in [editions_line(layer.fields().names())] if line] + list(details)
            metadata = layer.metadata()
            metadata.setTitle("Veerkrachtkaarten")
            metadata.setAbstract(summary + "\n\n" + "\n".join(details))
            metadata.setKeywords({"veerkracht": ["veerkrachtkaarten", "Leefbaarometer 3.0", "CBS"]})
            layer.setMetadata(with_source(metadata, self.source))
        if self.styled:
            self._style(layer, context.project(), *self.styled)

    @staticmethod
    def _style(layer, project, active_map_id, name):
        from ...veerkracht_plugin.compat import rd_new
        from ...veerkracht_plugin.styling import apply_styles

        layer.setName(name)
        if project is not None and all(other.id() == layer.id() for other in project.mapLayers().values()):
            project.setCrs(rd_new())  # a new project: Dutch maps in the Dutch CRS, not stretched
        apply_styles(layer, project, active_map_id)
