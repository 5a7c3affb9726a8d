"""Where the dock's other outputs go: an atlas PDF or a web page beside the maps it is made of, under a free
name (a temporary file is lost on closing QGIS)."""

from pathlib import Path

from .fetch_parts import free_path, slug


def layer_folder(layer):
    """The folder of ``layer``'s file; None for a layer without one (a temporary layer, a database)."""
    if layer is None:
        return None
    path = Path(layer.source().split("|")[0])
    return path.parent if path.is_file() else None


def beside(folder, kind, suffix, gemeenten, layer_name):
    """A path in ``folder`` that does not exist yet: <kind>-<gemeente(n)><suffix>, else <kind>-<layer><suffix>."""
    names = "-".join(gemeente.name for gemeente in gemeenten) if 0 < len(gemeenten) <= 3 else layer_name
    return free_path(Path(folder) / f"{kind}-{slug(names) or 'veerkracht'}{suffix}")
