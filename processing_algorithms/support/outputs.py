"""Nothing is lost: outputs never land on an input, and appear only when complete.

``conflict`` is checked before anything runs (also in the dialog, through checkParameterValues): an output on an
input, two outputs on one file, and a file output that cannot be what the product writes (``output_problem``:
GeoPackage for layers, the file type of the parameter's filter otherwise, in a folder that exists and may be
written). ``Staging``
lets an algorithm write each file output to a hidden file beside its target and moves it into place only when
the whole run succeeded; a failed or cancelled run removes the hidden files and leaves any earlier output as it
was.
"""

import os
import re
import shutil
import uuid
from pathlib import Path

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingUtils,
    QgsProperty,
    QgsProviderRegistry,
)

from ...veerkracht_plugin.compat import POLYGON_SOURCE

TEMPORARY = ("TEMPORARY_OUTPUT", "memory:", "")
LAYER_SUFFIXES = (".gpkg",)  # the product's format for buurt maps: long field names, the nine styles inside
TABLE_SUFFIXES = (".gpkg", ".csv")  # other outputs (tables of codes, transitions) may be CSV: names kept whole


def _static(value):
    """The plain value behind QGIS' parameter wrappers (definitions, static properties)."""
    if isinstance(value, (QgsProcessingFeatureSourceDefinition, QgsProcessingOutputLayerDefinition)):
        value = value.source if isinstance(value, QgsProcessingFeatureSourceDefinition) else value.sink
    if isinstance(value, QgsProperty):
        value = value.staticValue()
    return value


def file_of(value, context):
    """The file on disk behind a parameter value (path, layer id, layer, uri), or None (memory, database)."""
    value = _static(value)
    if value is None:
        return None
    layer = value if hasattr(value, "dataProvider") else None
    if layer is None and isinstance(value, str) and value:
        layer = QgsProcessingUtils.mapLayerFromString(value, context, False) if context is not None else None
        if layer is None:
            return _plain_path(value)
    if layer is None:
        return None
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    path = parts.get("path") or ""
    return Path(path).resolve() if path and os.path.exists(path) else None


def _plain_path(text):
    text = text.split("|")[0]
    if text.startswith("file://"):
        text = text[len("file://") :]
    if text.startswith("ogr:") or text.startswith("memory:") or text.startswith("postgres") or "dbname=" in text:
        return None
    return Path(text).expanduser().resolve() if text.strip() else None


def _same(a, b):
    if a == b:
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def input_files(algorithm, parameters, context):
    """{path: parameter description} of every input that is a file."""
    files = {}
    for definition in algorithm.parameterDefinitions():
        if definition.isDestination() or definition.name() not in parameters:
            continue
        value = parameters[definition.name()]
        values = (
            value
            if isinstance(definition, QgsProcessingParameterMultipleLayers) and isinstance(value, list)
            else [value]
        )
        for item in values:
            if isinstance(item, str) and isinstance(definition, QgsProcessingParameterFile):
                path = _plain_path(item) if item else None
            elif isinstance(item, (str, QgsProcessingFeatureSourceDefinition)) or hasattr(item, "dataProvider"):
                path = file_of(item, context)
            else:
                path = None
            if path is not None:
                files[path] = definition.description()
    return files


def output_files(algorithm, parameters):
    """{path: parameter description} of every destination that is a file (temporary outputs left out)."""
    files = {}
    for definition in algorithm.destinationParameterDefinitions():
        value = _static(parameters.get(definition.name(), definition.defaultValue()))
        if not isinstance(value, str) or value in TEMPORARY or value.startswith("memory:"):
            continue
        path = _plain_path(value)
        if path is not None:
            files.setdefault(path, []).append(definition.description())
    return files


def output_problem(algorithm, parameters):
    """A Dutch message when a file output cannot be written as asked: not a GeoPackage (layers) or not the type of
    the parameter's filter (PDF), a folder, no extension, a folder that does not exist or may not be written."""
    for definition in algorithm.destinationParameterDefinitions():
        value = _static(parameters.get(definition.name(), definition.defaultValue()))
        if not isinstance(value, str) or value in TEMPORARY or value.startswith("memory:"):
            continue
        path = _plain_path(value)
        if path is None:
            continue
        label = definition.description()
        if isinstance(definition, QgsProcessingParameterFolderDestination):
            folder = path
        else:
            folder = path.parent
            problem = _suffix_problem(definition, path, label)
            if problem:
                return problem
        if not folder.is_dir():
            return f"De map '{folder}' voor uitvoer '{label}' bestaat niet. Maak hem eerst aan, of kies een andere map."
        if not os.access(folder, os.W_OK):
            return (
                f"In de map '{folder}' mag u niet schrijven (uitvoer '{label}'). Kies een map waarin u wel mag "
                "schrijven, bijvoorbeeld in uw Documenten."
            )
    return ""


def _suffix_problem(definition, path, label):
    if isinstance(definition, QgsProcessingParameterFileDestination):
        allowed = tuple(s.lower() for s in re.findall(r"\*(\.\w+)", definition.fileFilter())) or None
        kind = definition.fileFilter().split("(")[0].strip() or "bestand"
    elif definition.type() == "sink" and definition.dataType() == POLYGON_SOURCE:
        allowed, kind = LAYER_SUFFIXES, "GeoPackage"
    else:
        allowed, kind = TABLE_SUFFIXES, "GeoPackage of CSV"
    if allowed is None:
        return ""
    if path.is_dir():
        return (
            f"Uitvoer '{label}' ({path}) is een map: kies een bestandsnaam in die map, bijvoorbeeld "
            f"{path / ('kaarten' + allowed[0])}."
        )
    if not path.suffix:
        return (
            f"Uitvoer '{label}' ({path.name}) heeft geen extensie: kies een naam op {allowed[0]} "
            f"({path.name}{allowed[0]}), dan wordt het een {kind}."
        )
    if path.suffix.lower() not in allowed:
        why = (
            " (een .shp kort veldnamen af tot 10 tekens, waardoor velden als <kaart>_klasse verloren gaan, en "
            "bewaart geen stijlen)"
            if path.suffix.lower() in (".shp", ".dbf") or kind == "GeoPackage"
            else ""
        )
        return (
            f"Uitvoer '{label}' ({path.name}): deze uitvoer wordt geschreven als {kind} ({', '.join(allowed)}), niet "
            f"als {path.suffix}{why}. Kies een naam op {allowed[0]}: {path.with_suffix(allowed[0]).name}."
        )
    return ""


def conflict(algorithm, parameters, context, extra_outputs=()):
    """A Dutch message when an output would land on an input or on another output, or cannot be written as asked
    (``output_problem``); '' when all is well."""
    inputs = input_files(algorithm, parameters, context)
    outputs = output_files(algorithm, parameters)
    for path, label in extra_outputs:
        outputs.setdefault(Path(path).resolve(), []).append(label)
    for path, labels in outputs.items():
        if len(labels) > 1:
            return (
                f"Uitvoer '{' en '.join(labels)}' staan allebei op {path}: de tweede zou de eerste overschrijven. "
                "Kies voor elke uitvoer een eigen bestand."
            )
        for source, description in inputs.items():
            if _same(path, source):
                return (
                    f"Uitvoer '{labels[0]}' ({path}) is ook invoer ('{description}'): dat bestand zou worden "
                    "overschreven. Kies een ander uitvoerbestand; de invoer blijft onaangeroerd."
                )
    return output_problem(algorithm, parameters)


def is_file_output(value):
    value = _static(value)
    return isinstance(value, str) and value not in TEMPORARY and _plain_path(value) is not None


class Staging:
    """Hidden folders beside the targets, their files moved into place by ``commit``, removed by ``discard``.

    The staged file keeps the target's name (inside the hidden folder), so drivers that name a layer after
    the file (GeoPackage, shapefile) name it as the target would be named.
    """

    def __init__(self):
        self.moves = []  # (staged path, target path)
        self.loads = {}  # staged path -> (project, layer name, output name): loaded only once in place

    def hidden(self, target):
        target = Path(target)
        folder = target.parent / f".{target.name}.wordt-geschreven-{uuid.uuid4().hex[:8]}"
        try:
            folder.mkdir()
        except OSError as error:
            raise QgsProcessingException(
                f"Uitvoer '{target}' kan niet worden geschreven: de map '{target.parent}' "
                f"{'bestaat niet' if not target.parent.is_dir() else 'is niet beschrijfbaar'} ({error.strerror}). "
                "Kies een andere map."
            ) from error
        path = folder / target.name
        self.moves.append((path, target))
        return path

    def sink_parameters(self, parameters, name):
        """``parameters`` with output ``name`` pointed at a hidden file, when it is a file; else unchanged."""
        value = parameters.get(name)
        if not is_file_output(value):
            return parameters
        hidden = str(self.hidden(_plain_path(_static(value))))
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            staged = QgsProcessingOutputLayerDefinition(value)
            staged.sink = QgsProperty.fromValue(hidden)
            if value.destinationProject is not None:  # QGIS would load the hidden file: we load the target
                self.loads[hidden] = (value.destinationProject, value.destinationName, name)
                staged.destinationProject = None
        else:
            staged = hidden
        return {**parameters, name: staged}

    def final(self, path):
        """The target of a staged path (for results and messages); other values unchanged."""
        for hidden, target in self.moves:
            if isinstance(path, str) and path.split("|")[0] == str(hidden):
                return str(target) + path[len(str(hidden)) :]
        return path

    def commit(self, results, context):
        """Move every staged file into place; results name the targets, and the targets are what QGIS loads.

        Loading is registered only now (addLayerToLoadOnCompletion): rewriting the context's list instead
        would delete the post-processors other algorithms attached to it.
        """
        for hidden, target in self.moves:
            for staged in sorted(hidden.parent.iterdir(), key=lambda p: p == hidden):  # the main file last
                os.replace(staged, target.parent / staged.name)
        final = {key: self.final(value) for key, value in results.items()}
        for key, value in results.items():
            load = self.loads.get(value.split("|")[0]) if isinstance(value, str) else None
            if load is not None and context is not None:
                project, name, output = load
                details = QgsProcessingContext.LayerDetails(name or output, project, output)
                context.addLayerToLoadOnCompletion(final[key], details)
        self.discard()
        return final

    def discard(self):
        for hidden, _ in self.moves:
            shutil.rmtree(hidden.parent, ignore_errors=True)
        self.moves, self.loads = [], {}
