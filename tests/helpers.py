"""Small helpers shared by the tests: run an algorithm, read a layer back, collect the log, count PDF pages."""

import sqlite3
import subprocess
from contextlib import contextmanager

import processing
from processing.tools import dataobjects
from qgis.core import QgsProcessingFeedback, QgsProject, QgsVectorLayer


@contextmanager
def logged_messages():
    """The messages QGIS' message log receives while the block runs (the Log Messages panel)."""
    from qgis.core import QgsApplication

    messages = []

    def heard(message, _tag, _level):
        messages.append(message)

    log = QgsApplication.messageLog()
    log.messageReceived.connect(heard)
    try:
        yield messages
    finally:
        log.messageReceived.disconnect(heard)


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what an algorithm logs, so tests can assert on warnings and counts."""

    def __init__(self):
        super().__init__()
        self.infos, self.warnings = [], []

    def pushInfo(self, info):  # noqa: N802 (QGIS API)
        self.infos.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS API)
        self.warnings.append(warning)
        super().pushWarning(warning)

    @property
    def log(self):
        return "\n".join(self.infos + self.warnings)


def run(algorithm, parameters, feedback=None):
    """processing.run with a fresh context; outputs given as layers where they are layers."""
    context = dataobjects.createContext(feedback)  # as processing.run makes it: strict on invalid geometry
    context.setProject(QgsProject.instance())
    results = processing.run(f"veerkracht:{algorithm}", parameters, context=context, feedback=feedback)
    out = {}
    for key, value in results.items():
        if isinstance(value, str) and context.getMapLayer(value) is not None:
            value = context.takeResultLayer(value)
        elif isinstance(value, str) and value.split("|")[0].endswith((".gpkg", ".geojson", ".shp", ".csv")):
            value = QgsVectorLayer(value, key, "ogr")
        out[key] = value
    return out


def vector_layer(path, name="laag"):
    layer = QgsVectorLayer(str(path), name, "ogr")
    assert layer.isValid(), f"kan {path} niet openen"
    return layer


def features_by(layer, field):
    return {feature[field]: feature for feature in layer.getFeatures()}


def is_null(value):
    return value is None or str(value) == "NULL"


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@contextmanager
def only_layer_in_project(path, name):
    """The layer at ``path`` as the only layer of the (cleared) project instance, cleared again afterwards."""
    project = QgsProject.instance()
    project.clear()
    layer = QgsVectorLayer(str(path), name, "ogr")
    project.addMapLayer(layer)
    try:
        yield layer
    finally:
        project.clear()


def table(path, name):
    """The rows of a GeoPackage table as dicts, read with sqlite (what another program sees)."""
    with sqlite3.connect(path) as db:
        cursor = db.execute(f'select * from "{name}"')
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor]
