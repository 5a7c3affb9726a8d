"""One algorithm run inside another, as makemaps runs its steps and herindelen for a start-year layer."""

from qgis.core import QgsApplication, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication


def run_child(algorithm_id, parameters, context, feedback):
    """An algorithm run inside another, as processing.run(is_child_algorithm=True) runs it but without its log line
    of raw results ("Resultaten: {'OUTPUT': ...}"): the parent says in words what came out."""
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
    ok, message = algorithm.checkParameterValues(parameters, context)
    if not ok:
        raise QgsProcessingException(message)
    results, ok = algorithm.run(parameters, context, feedback, {}, False)
    if not ok:
        raise QgsProcessingException(
            QCoreApplication.translate("Veerkracht", "Stap '{}' mislukt.").format(algorithm_id)
        )
    return results
