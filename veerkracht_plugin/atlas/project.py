"""The atlas' layouts and layers in a project: the input layer found or added, the coverage layer added, and
each layout put in the project's layouts without ever deleting one the user has edited (issue 14, point 9).
Main thread only."""

import hashlib
import re

from qgis.core import QgsDataProvider, QgsReadWriteContext, QgsVectorLayer
from qgis.PyQt.QtXml import QDomDocument

from .coverage import coverage_uri
from .template import AtlasError

ROLE = "veerkracht/atlas"  # custom property on the layers the atlas adds to a project
INPUT_ROLE, COVERAGE_ROLE = "invoer", "dekking"
FINGERPRINT = "veerkracht/atlas-vingerafdruk"  # custom property of a layout as the atlas left it
# what QGIS writes differently for an unchanged layout after saving and reopening the project: the coverage's
# provider (memory during the run, the GeoPackage after) and a legend's layer order; table frames are left out
VOLATILE = re.compile(
    r'\s(coverageLayerProvider|coverageLayerSource)="[^"]*"|<custom-order[^>]*/>|<custom-order[^>]*>.*?</custom-order>',
    re.DOTALL,
)


def layer_in_project(layer, project):
    """(layer, added now): ``layer`` when it is in ``project``; else the layer an earlier atlas added for the same
    source, or a new one added now (the layout's maps and table need their layer in the project)."""
    if project.mapLayer(layer.id()) is not None:
        return layer, False
    for candidate in project.mapLayers().values():
        if (
            candidate.customProperty(ROLE) == INPUT_ROLE
            and candidate.source() == layer.source()
            and candidate.providerType() == layer.providerType()
        ):
            return candidate, False
    added = QgsVectorLayer(layer.source(), layer.name(), layer.providerType())
    added.setCustomProperty(ROLE, INPUT_ROLE)
    project.addMapLayer(added)
    return added, True


def add_coverage(project, coverage):
    coverage.setCustomProperty(ROLE, COVERAGE_ROLE)
    project.addMapLayer(coverage)
    return coverage


def keep_off_canvas(project, coverage):
    """Uncheck the coverage in the layer list once the map themes hold it: the layouts draw it from their themes,
    the canvas does not lay the wijken over the maps."""
    node = project.layerTreeRoot().findLayer(coverage.id())
    if node is not None:
        node.setItemVisibilityChecked(False)


def remove_coverage(project, coverage):
    """Remove an atlas coverage layer from the project unless another layout still uses it."""
    for other in project.layoutManager().printLayouts():
        used = other.atlas().coverageLayer()
        if used is not None and used.id() == coverage.id():
            return
    project.removeMapLayer(coverage.id())


def fingerprint(layout):
    """A hash of everything the layout stores, but the fingerprint itself: it changes with any edit."""
    return hashlib.sha256(layout_text(layout).encode("utf-8")).hexdigest()


def layout_text(layout):
    """The layout's XML without what changes when nobody edits it (``VOLATILE``, table frame sizes, the extents
    the atlas gives its maps)."""
    document = QDomDocument()
    element = layout.writeXml(document, QgsReadWriteContext())
    properties = element.firstChildElement("customproperties")
    while not properties.isNull():
        following = properties.nextSiblingElement("customproperties")
        element.removeChild(properties)
        properties = following
    items = element.elementsByTagName("LayoutItem")
    for index in range(items.count()):
        item = items.item(index).toElement()
        if item.hasAttribute("multiFrame"):  # a table frame's size follows the table's content
            for attribute in ("size", "sectionWidth", "sectionHeight"):
                item.removeAttribute(attribute)
        if item.firstChildElement("AtlasMap").attribute("atlasDriven") == "1":  # the atlas sets its extent
            item.removeChild(item.firstChildElement("Extent"))
    document.appendChild(element)
    return re.sub(VOLATILE, "", document.toString())


def mark_as_made(layout):
    """Remember the layout as the atlas leaves it (``is_edited`` compares with this), with no history: loading the
    template leaves QGIS' item creations on the undo stack, so the designer opened it as edited and Undo took the
    atlas apart (issue 24)."""
    layout.undoStack().stack().clear()
    layout.setCustomProperty(FINGERPRINT, fingerprint(layout))


def is_edited(layout):
    """True unless the layout is exactly as an earlier atlas run left it (a layout of the user counts as edited)."""
    return layout.customProperty(FINGERPRINT) != fingerprint(layout)


def place_layout(project, layout, log=None):
    """Put ``layout`` in the project's layouts under its name, replacing an earlier atlas layout of that name that
    nobody edited. An edited one stays: the new layout gets the next free name ('... (2)') and ``log`` (a
    callable) says which. Returns the name used."""
    manager = project.layoutManager()
    base = layout.name()
    number = 1
    while True:
        name = base if number == 1 else f"{base} ({number})"
        existing = manager.layoutByName(name)
        if existing is None:
            break
        if not is_edited(existing):
            old_coverage = existing.atlas().coverageLayer()
            manager.removeLayout(existing)  # deletes it: no Python reference to it or its items may remain
            if old_coverage is not None and old_coverage.customProperty(ROLE) == COVERAGE_ROLE:
                remove_coverage(project, old_coverage)
            break
        if log is not None:
            log(f"Lay-out '{name}' is na de vorige atlas bewerkt (of niet door de atlas gemaakt) en blijft staan.")
        number += 1
    layout.setName(name)
    if not manager.addLayout(layout):
        raise AtlasError(f"Lay-out '{name}' kan niet aan het project worden toegevoegd.")
    if name != base and log is not None:
        log(
            f"De nieuwe atlas staat in lay-out '{name}'. Wilt u uw bewerkte lay-out als sjabloon gebruiken: kies daar "
            "'Opslaan als sjabloon' en geef het .qpt-bestand op als lay-outsjabloon."
        )
    return name


def point_coverage_at(layouts, coverage, path):
    """After the run: the coverage reads the GeoPackage at its final ``path`` (saved projects reopen with it)."""
    renderer = coverage.renderer().clone()
    coverage.setDataSource(coverage_uri(path), coverage.name(), "ogr", QgsDataProvider.ProviderOptions())
    coverage.setRenderer(renderer)
    for layout in layouts:
        layout.atlas().setCoverageLayer(coverage)
    return coverage.isValid()
