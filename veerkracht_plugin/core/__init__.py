"""Pure-Python/pandas core: no Qt, no QGIS, so tests and scripts can call it directly."""


class VeerkrachtError(ValueError):
    """A problem with the user's input; the message is Dutch and names file, column, row or value."""
