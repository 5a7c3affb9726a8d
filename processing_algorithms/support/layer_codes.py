"""The codes of a buurt or wijk layer as a join reads them: normalised, completed with the gemeente, counted."""

from qgis.core import QgsFeatureRequest

from ...veerkracht_plugin.compat import NO_GEOMETRY, SKIP_GEOMETRY_CHECKS, as_python


class LayerCodes:
    """The layer's normalised codes: the level from a sample, then per feature as the join reads them
    (``count``), with the count per code. Codes without their gemeente part ('0601') are completed from the
    layer's gemeente code field. ``single_gemeente`` reads the codes once more, only when a table needs it."""

    def __init__(self, source, code_index, gemeente_index):
        from ...veerkracht_plugin.core.codes import complete_code, dominant_level

        self.source, self.code_index, self.gemeente_index = source, code_index, gemeente_index
        self.field_name = source.fields().at(code_index).name()
        self._complete, self._cache = complete_code, {}
        sample = self._request().setLimit(500)
        self.level = dominant_level(
            complete_code(as_python(f[code_index]), None) for f in source.getFeatures(sample, SKIP_GEOMETRY_CHECKS)
        )
        self.counts, self.total = {}, 0

    def _request(self):
        request = QgsFeatureRequest().setFlags(NO_GEOMETRY)
        return request.setSubsetOfAttributes([i for i in (self.code_index, self.gemeente_index) if i >= 0])

    def code(self, raw, gemeente=None):
        key = (raw, gemeente)
        code = self._cache.get(key)
        if code is None:
            code = self._cache[key] = self._complete(as_python(raw), as_python(gemeente), self.level)
        return code

    def count(self, raw, gemeente=None):
        """The code of one feature of the join, counted."""
        code = self.code(raw, gemeente)
        self.total += 1
        if code is not None:
            self.counts[code] = self.counts.get(code, 0) + 1
        return code

    @property
    def gemeenten(self):
        from ...veerkracht_plugin.core.codes import NO_GEMEENTE, gemeente_of

        return {gemeente_of(code) for code in self.counts} - {None, NO_GEMEENTE}

    def single_gemeente(self):
        """The layer's one gemeente (GM0758); NO_GEMEENTE when its codes lack one too; None when it has several."""
        from ...veerkracht_plugin.core.codes import NO_GEMEENTE, gemeente_of

        found = set()
        for f in self.source.getFeatures(self._request(), SKIP_GEOMETRY_CHECKS):
            gemeente = f[self.gemeente_index] if self.gemeente_index >= 0 else None
            found.add(gemeente_of(self.code(f[self.code_index], gemeente)))
        found.discard(None)
        if NO_GEMEENTE in found:
            return NO_GEMEENTE
        return next(iter(found)) if len(found) == 1 else None
