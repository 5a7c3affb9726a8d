"""The nine QML styles: built from the catalogue (scripts/make_styles.py), applied to layers as named
styles with one map theme per map. Touches the project: call on the main thread."""

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsLinePatternFillSymbolLayer,
    QgsMapLayerStyle,
    QgsMapThemeCollection,
    QgsRendererCategory,
)

from .compat import save_style_to_database
from .core.catalogue import MAP_IDS, field_names, load_catalogue, map_entry
from .paths import STYLES_DIR

OUTLINE = {"outline_color": "255,255,255,255", "outline_width": "0.15", "outline_width_unit": "MM"}
HATCH_COLOUR = "#6f6f6f"


class StyleError(RuntimeError):
    """A packaged style could not be loaded; the message names the file."""


def style_path(map_id):
    return STYLES_DIR / f"{map_id}.qml"


def style_name(map_id):
    """The name of the map's style in a layer's style manager and of its map theme: its Dutch title."""
    entry = map_entry(map_id)
    return f"{entry['nummer']}. {entry['titel']}"


def class_symbol(colour, hatched=False):
    symbol = QgsFillSymbol.createSimple({"color": colour, "style": "solid", **OUTLINE})
    if hatched:
        hatch = QgsLinePatternFillSymbolLayer()
        hatch.setLineAngle(45)
        hatch.setDistance(1.5)
        hatch.setLineWidth(0.25)
        hatch.setColor(_colour(HATCH_COLOUR))
        symbol.appendSymbolLayer(hatch)
    return symbol


def _colour(hex_colour):
    from qgis.PyQt.QtGui import QColor

    return QColor(hex_colour)


def build_renderer(map_id, catalogue=None):
    """Categorised renderer on <map>_klasse: class 0 grey and hatched, then the catalogue's classes."""
    catalogue = catalogue or load_catalogue()
    zero = catalogue["klasse_0"]
    categories = [QgsRendererCategory(zero["code"], class_symbol(zero["kleur"], hatched=True), zero["label"])]
    for entry in map_entry(map_id, catalogue)["klassen"]:
        categories.append(QgsRendererCategory(entry["code"], class_symbol(entry["kleur"]), entry["label"]))
    return QgsCategorizedSymbolRenderer(field_names(map_id)[1], categories)


def load_style(layer, map_id, stand_in=None):
    """Load the packaged QML into ``layer``; raise StyleError (naming the file) when QGIS refuses it.

    Not ``loadNamedStyle``: for a GeoPackage with stored styles that loads the stored default instead.
    ``stand_in``: whether the legend must say the afw thresholds were a stand-in (default: read from ``layer``).
    """
    from qgis.PyQt.QtXml import QDomDocument

    path = style_path(map_id)
    if not path.is_file():
        raise StyleError(f"Stijlbestand ontbreekt: {path}")
    document = QDomDocument()
    parsed = document.setContent(path.read_text(encoding="utf-8"))
    if not (parsed[0] if isinstance(parsed, tuple) else parsed):
        raise StyleError(f"Stijl {path.name} is geen geldige QML: {parsed}")
    ok, message = layer.importNamedStyle(document)
    if not ok or message:
        raise StyleError(f"Stijl {path.name} laadt niet (zonder waarschuwingen) in laag '{layer.name()}': {message}")
    if map_id == "leefbaarheid" and (uses_stand_in(layer) if stand_in is None else stand_in):
        _mark_stand_in(layer)


def uses_stand_in(layer):
    """Whether the layer's leefbaarheid labels say the afw thresholds were a stand-in."""
    suffix = load_catalogue()["afw_drempels"].get("label_toevoeging", "")
    index = layer.fields().lookupField(field_names("leefbaarheid")[2])
    return bool(suffix) and index >= 0 and any(str(v).endswith(suffix) for v in layer.uniqueValues(index))


def _mark_stand_in(layer):
    suffix = load_catalogue()["afw_drempels"].get("label_toevoeging", "")
    renderer = layer.renderer()
    for index, category in enumerate(renderer.categories()):
        if int(category.value()) != 0 and not category.label().endswith(suffix):
            renderer.updateCategoryLabel(index, category.label() + suffix)


def build_styles(layer):
    """{map id: QgsMapLayerStyle} of the nine packaged styles, built on a scratch copy of the layer's fields.

    Never on ``layer`` itself: its style manager saves the layer's look into the *current* named style
    whenever the current style changes, so loading into the layer would write one map's look under
    another map's name.
    """
    from qgis.core import QgsVectorLayer

    scratch = QgsVectorLayer("Polygon?crs=EPSG:28992", "stijlen", "memory")
    scratch.dataProvider().addAttributes(layer.fields().toList())
    scratch.updateFields()
    stand_in = uses_stand_in(layer)
    styles = {}
    for map_id in MAP_IDS:
        load_style(scratch, map_id, stand_in)
        _copy_temporal_properties(layer, scratch)  # a named style carries them (a QML without them: off)
        style = QgsMapLayerStyle()
        style.readFromLayer(scratch)
        styles[map_id] = style
    return styles


def _copy_temporal_properties(source, target):
    from qgis.core import QgsReadWriteContext
    from qgis.PyQt.QtXml import QDomDocument

    document = QDomDocument()
    element = document.createElement("maplayer")
    source.temporalProperties().writeXml(element, document, QgsReadWriteContext())
    target.temporalProperties().readXml(element, QgsReadWriteContext())


def apply_styles(layer, project, active_map_id="signalering"):
    """All nine styles in the layer's style manager and one map theme per map; ``active_map_id`` current.

    Returns the style names in catalogue order.
    """
    manager = layer.styleManager()
    styles = build_styles(layer)
    names = [style_name(map_id) for map_id in MAP_IDS]
    if manager.currentStyle() in names:  # a current style cannot be removed: step onto a spare one first
        spare = "veerkracht (tijdelijk)"
        manager.addStyle(spare, styles[active_map_id])
        manager.setCurrentStyle(spare)
    for map_id, name in zip(MAP_IDS, names):
        manager.removeStyle(name)
        manager.addStyle(name, styles[map_id])
    manager.setCurrentStyle(style_name(active_map_id))
    if manager.currentStyle() != style_name(active_map_id):
        raise StyleError(f"Stijl '{style_name(active_map_id)}' kan niet actief worden in laag '{layer.name()}'.")
    manager.removeStyle("veerkracht (tijdelijk)")
    layer.triggerRepaint()
    if project is not None and project.mapLayer(layer.id()) is not None:
        _add_themes(layer, project)
    return names


def _add_themes(layer, project):
    """One theme per map: the layers visible now, with this layer in that map's style."""
    themes = project.mapThemeCollection()
    visible = [node.layer() for node in project.layerTreeRoot().findLayers() if node.isVisible() and node.layer()]
    if layer not in visible:
        visible.append(layer)
    for map_id in MAP_IDS:
        records = []
        for other in visible:
            record = QgsMapThemeCollection.MapThemeLayerRecord(other)
            if other.id() == layer.id():
                record.usingCurrentStyle = True
                record.currentStyle = style_name(map_id)
            records.append(record)
        theme = QgsMapThemeCollection.MapThemeRecord()
        theme.setLayerRecords(records)
        name = style_name(map_id)
        if themes.hasMapTheme(name):
            themes.update(name, theme)
        else:
            themes.insert(name, theme)


def store_styles_in_geopackage(layer, active_map_id):
    """Save the nine styles (from ``apply_styles``) in the layer's GeoPackage, the active one as default,
    so the file opens styled in any QGIS, without the plugin."""
    manager = layer.styleManager()
    current = manager.currentStyle()
    _delete_stored_styles(layer)
    try:
        for map_id in MAP_IDS:
            name = style_name(map_id)
            manager.setCurrentStyle(name)
            # GeoPackage style names hold 30 characters: the map id, with the Dutch title as description
            error = save_style_to_database(layer, map_id, f"Veerkrachtkaart {name}", map_id == active_map_id)
            if error:
                raise StyleError(f"Stijl '{name}' kan niet in {layer.source()} worden opgeslagen: {error}")
    finally:
        manager.setCurrentStyle(current)


def _delete_stored_styles(layer):
    """Remove earlier stored veerkracht styles first: saving over one makes QGIS ask "overwrite?" in a
    message box whenever a GUI exists (also under qgis_process, where nobody can answer it). A GeoPackage without
    a styles table has none to delete: asking QGIS would log the warning "Geen stijlen beschikbaar in database"."""
    from .geopackage import has_table

    if not has_table(layer.source().split("|")[0], "layer_styles"):
        return
    _, ids, names, _, _ = layer.listStylesInDatabase()
    for style_id, name in zip(ids, names):
        if name in MAP_IDS:
            ok, error = layer.deleteStyleFromDatabase(style_id)
            if not ok:
                raise StyleError(f"Oude stijl '{name}' kan niet uit {layer.source()} worden verwijderd: {error}")
