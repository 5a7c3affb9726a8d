"""QGIS entry point: QGIS imports this package and calls classFactory(iface)."""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .veerkracht_plugin.plugin import VeerkrachtPlugin

    return VeerkrachtPlugin(iface)
