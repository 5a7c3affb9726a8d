"""What the dock remembers in a project, and how it browses without marking the project as modified.

The dock's choice (layer, gemeenten, map) lives in its widgets while the user browses. It goes into the
project only when the project is saved (``QgsProject.writeProject``), so flipping through maps and gemeenten
never makes QGIS ask "save changes?". The layer filter a gemeente choice sets is view state as well: QGIS marks
the project dirty on every subset string change, so the dock puts back a clean project's flag afterwards.
The dock also follows the chosen layer: another hand changing its style, its filter or its features.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from qgis.PyQt import sip

from ..core.catalogue import MAP_IDS, map_entry
from ..styling import style_name

SCOPE = "veerkracht"


@dataclass
class DockState:
    layer_id: str = ""
    gemeenten: list = field(default_factory=list)
    map_id: str = ""

    def write(self, project):
        """Into the project's properties: call while the project is being written (writeProject)."""
        if not self.layer_id:
            for key in ("layer", "gemeenten", "map"):
                project.removeEntry(SCOPE, key)
            return
        project.writeEntry(SCOPE, "layer", self.layer_id)
        project.writeEntry(SCOPE, "gemeenten", list(self.gemeenten))
        project.writeEntry(SCOPE, "map", self.map_id)

    @classmethod
    def read(cls, project):
        layer_id, _ = project.readEntry(SCOPE, "layer", "")
        codes, _ = project.readListEntry(SCOPE, "gemeenten", [])
        map_id, _ = project.readEntry(SCOPE, "map", "")
        return cls(layer_id, list(codes), map_id if map_id in MAP_IDS else "")


@contextmanager
def keeping_clean(project):
    """Browsing: a project that was unmodified before stays unmodified after."""
    clean = not project.isDirty()
    try:
        yield
    finally:
        if clean and project.isDirty():
            project.setDirty(False)


class DockMemory:
    """The dock's side that faces the project and the chosen layer (mixed into VeerkrachtDock)."""

    # ---- project ----

    def state(self):
        """The choice on screen: kept in the widgets while browsing, written into the project when it is saved."""
        if self.layer is None or sip.isdeleted(self.layer):
            return DockState()
        return DockState(self.layer.id(), [g.code for g in self.chosen_gemeenten()], self.current_map())

    def _write(self, *_document):
        """QgsProject.writeProject: the project is being saved, its properties not yet written."""
        self.state().write(self.project)

    def restore(self, *_args):
        """Put back the choice stored in the project."""
        self.refresh_layers()
        stored = DockState.read(self.project)
        index = self.layer_combo.findData(stored.layer_id) if stored.layer_id else -1
        if index >= 0:
            self.layer_combo.setCurrentIndex(index)
            self._layer_chosen()
        if stored.map_id:
            self.map_combo.setCurrentIndex(MAP_IDS.index(stored.map_id))
        if stored.gemeenten and self.layer is not None:
            self.select_gemeenten(set(stored.gemeenten))

    # ---- the chosen layer: its current style, filter and edits ----

    def _follow_styles(self, layer):
        """Listen to this layer's style manager only (None: to none)."""
        if self._styles is not None and not sip.isdeleted(self._styles):
            try:
                self._styles.currentStyleChanged.disconnect(self._style_changed)
            except TypeError:
                pass
        self._styles = layer.styleManager() if layer is not None else None
        if self._styles is not None:
            self._styles.currentStyleChanged.connect(self._style_changed)

    def _follow_layer(self, layer):
        """Listen to the chosen layer only: its filter and edits change what the dock shows, committed edits
        what it read once; on a layer with periods, a selected buurt shows its classes over the periods."""
        previous, connections = self._listening
        if previous is not None and not sip.isdeleted(previous):
            for signal, slot in connections:
                try:
                    signal.disconnect(slot)
                except TypeError:
                    pass
        connections = []
        if layer is not None:
            connections = [
                (layer.subsetStringChanged, self._forget_shown),
                (layer.layerModified, self._forget_shown),
                (layer.afterRollBack, self._forget_shown),
                (layer.afterCommitChanges, self._forget_figures),
            ]
            if self.periods.layer is not None:
                connections.append((layer.selectionChanged, self._show_history))
            for signal, slot in connections:
                signal.connect(slot)
        self._listening = (layer, connections)

    def _forget_shown(self, *_args):
        self._shown = None

    def _forget_figures(self, *_args):
        self.figures, self._shown = None, None

    def _style_changed(self, name):
        """Another hand (applystyles, a map theme, the layer's style menu) changed the layer's current style."""
        if not self._styling and self.layer is not None and self._show_map_of_style(name):
            self._update_summary()

    def _show_map_of_style(self, name):
        """Show the map of a veerkracht style without touching the layer; False for any other style."""
        map_id = map_of_style(name)
        if map_id is None:
            return False
        self.map_combo.blockSignals(True)
        self.map_combo.setCurrentIndex(MAP_IDS.index(map_id))
        self.map_combo.blockSignals(False)
        self.explanation.setText(map_entry(map_id)["uitleg"])
        return True


STYLE_MAPS = {style_name(map_id): map_id for map_id in MAP_IDS}


def map_of_style(name):
    """The map id of a named style ("1. Leefbaarheid" -> "leefbaarheid"); None for any other style."""
    return STYLE_MAPS.get(name)
