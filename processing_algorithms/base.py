"""What every veerkracht algorithm shares: translation, instance creation, group and icon, safe outputs,
messages without passwords, and the parameters several algorithms ask (a year, one or several of the nine maps)."""

import html
import re

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..veerkracht_plugin.compat import ADVANCED, INTEGER
from ..veerkracht_plugin.paths import ICON_PATH
from .support.outputs import Staging, conflict


class VeerkrachtAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY_NAME, GROUP_ID/GROUP and HELP (Dutch) and implement ``process``.

    The base class keeps the promise that nothing is lost: outputs on an input are refused before anything runs,
    file outputs are written beside their target (``stage``/``staged_path``) and moved into place only when the
    run completed; a cancelled or failed run leaves no output and keeps an earlier one.
    """

    NAME = ""
    DISPLAY_NAME = ""
    GROUP_ID = "veerkrachtkaarten"
    GROUP = "Veerkrachtkaarten"
    HELP = ""

    def tr(self, text):
        return QCoreApplication.translate("Veerkracht", text)

    def createInstance(self):  # noqa: N802 (QGIS API)
        return type(self)()

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 (QGIS API)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr(self.GROUP)

    def groupId(self):  # noqa: N802 (QGIS API)
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802 (QGIS API)
        """The help beside the dialog: the text, then each parameter's label with its help (the details a short
        label leaves out). QGIS shows it as HTML, so the texts are escaped: 'wijken_<jaar>' stays visible."""
        lines = [html.escape(self.tr(self.HELP), quote=False)]
        for parameter in self.parameterDefinitions():
            text = parameter.help() if hasattr(parameter, "help") else ""
            if text:
                label, text = (html.escape(t, quote=False) for t in (parameter.description(), text))
                lines.append(f"<b>{label}</b>: {text}")
        return "\n".join(lines)

    def shortDescription(self):  # noqa: N802 (QGIS API)
        return self.tr(self.HELP.split("\n", 1)[0])

    def icon(self):
        return QIcon(str(ICON_PATH))

    def add_parameter(self, parameter, help_text, advanced=False):
        """A parameter with its Dutch label and help text (shown in the dialog), optionally among the advanced ones."""
        parameter.setDescription(self.tr(parameter.description()))
        if hasattr(parameter, "setHelp"):
            parameter.setHelp(self.tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | ADVANCED)
        self.addParameter(parameter)

    def extra_outputs(self, parameters, context):
        """[(path, description)] of files written besides the declared outputs (the atlas' wijken file)."""
        return []

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return False, self._dutch_check_message(parameters, message)
        problem = conflict(self, parameters, context, self.extra_outputs(parameters, context))
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        problem = conflict(self, parameters, context, self.extra_outputs(parameters, context))
        if problem:  # models and scripts may skip checkParameterValues
            raise QgsProcessingException(problem)
        self._staging, self._sinks = Staging(), []
        try:
            results = self.process(parameters, context, feedback)
            if feedback is not None and feedback.isCanceled():
                raise QgsProcessingException(
                    self.tr("Geannuleerd: er is geen uitvoer geschreven; een eerdere uitvoer is bewaard.")
                )
            self._close_sinks()
            results = self._staging.commit(results, context)
            self.after_commit(results, context)
            return results
        finally:
            self._sinks = []
            self._staging.discard()

    def process(self, parameters, context, feedback):
        raise NotImplementedError

    def after_commit(self, results, context):
        """Outputs are in place under their final names: attach what QGIS does when it loads them."""

    def unusable_input_message(self, parameters, name):
        """Dutch, with the parameter's label and the value as given, passwords hidden."""
        definition = self.parameterDefinition(name)
        value = parameters.get(name)
        shown = value.name() if hasattr(value, "name") and callable(value.name) else str(value)
        if hasattr(value, "source") and callable(value.source):
            shown = f"{shown} ({value.source()})"
        if value in (None, ""):
            return self.tr("Vul '{}' in.").format(definition.description())
        return self.tr(
            "Invoer '{}' kan niet worden geopend: {}. Bestaat het bestand, is het een geldige laag, is de database "
            "bereikbaar?"
        ).format(definition.description(), hide_passwords(shown))

    def _dutch_check_message(self, parameters, message):
        """QGIS' English check message ('... for NAME: ...') said in Dutch, with the label instead of the id."""
        found = re.search(r"for (\w+)", message)
        definition = self.parameterDefinition(found.group(1)) if found else None
        if definition is None:
            return hide_passwords(message)
        if not definition.isDestination() and "source" in message.lower():
            return self.unusable_input_message(parameters, definition.name())
        value = parameters.get(definition.name())
        if value is None or value == "" or value == []:
            return self.tr("'{}' is leeg: kies minstens één waarde.").format(definition.description())
        return self.tr("Ongeldige waarde voor '{}': {}.").format(definition.description(), hide_passwords(str(value)))

    def parameter_label(self, name):
        """The dialog's label of parameter ``name`` without its hint in parentheses, for messages."""
        return self.parameterDefinition(name).description().split(" (")[0]

    def invalidSourceError(self, parameters, name):  # noqa: N802 (QGIS API)
        return self.unusable_input_message(parameters, name)

    def parameterAsSink(self, parameters, name, context, *args, **kwargs):  # noqa: N802 (QGIS API)
        """QGIS' sink, written to a hidden file beside a file target (see ``Staging``), and checked: a feature the
        writer refuses stops the run (``CheckedSink``)."""
        staged = self._staging.sink_parameters(parameters, name)
        label = self.parameterDefinition(name).description()
        try:
            sink, dest_id = super().parameterAsSink(staged, name, context, *args, **kwargs)
        except QgsProcessingException as error:  # QGIS 3.40: OGR refuses the table already here (2000 fields)
            raise QgsProcessingException(not_written(label, parameters.get(name), str(error))) from None
        if sink is None:
            return sink, dest_id
        checked = CheckedSink(sink, label, parameters.get(name))
        self._sinks.append(checked)
        return checked, dest_id

    def _close_sinks(self):
        """Every sink flushed and closed before its file moves into place; a write that failed is an error."""
        for sink in self._sinks:
            sink.close()
        self._sinks = []

    def staged_path(self, target):
        """A hidden path beside ``target`` to write to; it replaces ``target`` when the run completes."""
        return self._staging.hidden(target)


class CheckedSink:
    """A feature sink that raises a Dutch QgsProcessingException when the writer refuses features (OGR could not
    create the table: too many fields, disk full), instead of QGIS' warning after which the run reports success
    and an empty file replaces an earlier output."""

    def __init__(self, sink, label, target):
        self._sink, self._label, self._target = sink, label, target

    def addFeature(self, feature, *args):  # noqa: N802 (QGIS API)
        return self._checked(self._sink.addFeature(feature, *args))

    def addFeatures(self, features, *args):  # noqa: N802 (QGIS API)
        return self._checked(self._sink.addFeatures(features, *args))

    def flushBuffer(self):  # noqa: N802 (QGIS API)
        return self._checked(self._sink.flushBuffer())

    def lastError(self):  # noqa: N802 (QGIS API)
        return self._sink.lastError()

    def close(self):
        """Flush, check, and let go of the writer (which closes the file)."""
        if self._sink is not None:
            self.flushBuffer()
            self._sink = None

    def _checked(self, ok):
        if ok is False or (isinstance(ok, tuple) and ok and ok[0] is False):
            error = self._sink.lastError() if hasattr(self._sink, "lastError") else ""
            raise QgsProcessingException(not_written(self._label, self._target, error))
        return ok


def not_written(label, target, error):
    """Dutch: an output the writer refused, and that an earlier one survives."""
    from .support.outputs import _static

    target = _static(target)
    where = f" ({target})" if isinstance(target, str) and target not in ("", "TEMPORARY_OUTPUT") else ""
    return (
        f"Uitvoer '{label}'{where} is niet geschreven: {hide_passwords(error) or 'de schrijver weigerde'}. Een "
        "eerdere uitvoer is bewaard. Heeft de laag heel veel velden (een GeoPackage kan er 2000), of is de schijf vol?"
    )


def hide_passwords(text):
    """A message without the password of a connection string (key=value or URL form)."""
    text = re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", str(text), flags=re.IGNORECASE)
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


def year_parameter(name, description, default=None, optional=False):
    """A year as an integer between 1900 and 2100."""
    return QgsProcessingParameterNumber(
        name, description, INTEGER, defaultValue=default, optional=optional, minValue=1900, maxValue=2100
    )


def map_choice_parameter(name, description):
    """Enum of the nine maps by Dutch title, 'signalering' by default."""
    from ..veerkracht_plugin.core.catalogue import MAP_IDS
    from ..veerkracht_plugin.styling import style_name

    return QgsProcessingParameterEnum(
        name, description, [style_name(m) for m in MAP_IDS], defaultValue=MAP_IDS.index("signalering")
    )


def maps_parameter(name, description):
    """Several of the nine maps by Dutch title, all by default."""
    from ..veerkracht_plugin.core.catalogue import MAP_IDS
    from ..veerkracht_plugin.styling import style_name

    return QgsProcessingParameterEnum(
        name, description, [style_name(m) for m in MAP_IDS], allowMultiple=True, defaultValue=list(range(len(MAP_IDS)))
    )


def counted(number, one, many):
    """'1 kolom', '3 kolommen': a count with the Dutch singular or plural."""
    return f"{number} {one if number == 1 else many}"
