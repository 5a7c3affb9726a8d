"""The figures the dock shows for a choice: where its buurten lie, their classes on every map, those under pressure.

Switching gemeente used to read the chosen buurten three times after setting the filter (the extent, the class
counts, the list 'onder druk'), each a query on the whole file. Now the dock reads every feature of a layer once,
when the layer is chosen, and tallies it under its group (gemeente, own stock or not, period); a choice adds its
groups together, so a switch reads nothing and QGIS only filters and draws.

The sums are used only while the layer's filter is the dock's own choice and every feature falls in the groups
that filter selects (its gemeente code written as the filter compares it, own units a number, the period text).
Otherwise (the layer is being edited, someone else filtered it, codes in lower case or as numbers) the dock reads
the layer as filtered, in one query, and shows what the map shows.
"""

from qgis.core import QgsFeatureRequest, QgsRectangle

from ..compat import as_python, text_or_none
from ..core.catalogue import MAP_IDS, field_names
from ..layer_queries import (
    OWN_UNITS_FIELD,
    has_own_stock,
    inwoners_field,
    sort_gemeenten,
    unfiltered,
)

NAME_FIELDS = ("buurtnaam", "BU_NAAM", "statnaam", "regio")
PRESSURE_MAP, PRESSURE_CLASS = "signalering", 1  # 'Buurten met veerkracht onder druk'
PERIOD_INWONERS = "inwoners_periode"  # made by 'Veerkracht door de tijd'


class ClassCounts:
    """Buurten, inhabitants and own units per class code of one map."""

    __slots__ = ("buurten", "people", "units")

    def __init__(self):
        self.buurten, self.people, self.units = {}, {}, {}

    def merge(self, other):
        for mine, theirs in ((self.buurten, other.buurten), (self.people, other.people), (self.units, other.units)):
            for code, value in theirs.items():
                mine[code] = mine.get(code, 0) + value


def class_code(value):
    """A class value as its code; NULL counts as class 0."""
    return 0 if as_python(value) is None else int(value)


def positive(value):
    """A count above zero as a float, else None (NULL, 0, CBS' negative missing markers)."""
    value = as_python(value)
    if value is None:
        return None
    value = float(value)
    return value if value > 0 else None


class Figures:
    """The tally of a set of buurten: how many, their bounding box, class counts per map, those under pressure."""

    def __init__(self):
        self.count = 0
        self.bounds = None  # [xmin, ymin, xmax, ymax] in the layer's CRS, None without geometries
        self.classes = {map_id: ClassCounts() for map_id in MAP_IDS}
        self.pressure = []  # (feature id, name) in feature id order

    def add(self, reader, feature, attributes):
        """One feature, with its ``attributes`` (read once by the caller)."""
        self.count += 1
        people = positive(attributes[reader.inwoners]) if reader.inwoners >= 0 else None
        units = positive(attributes[reader.own]) if reader.own >= 0 else None
        classes = self.classes
        for map_id, index in reader.klasse.items():  # counted here, not by a method: nine times per buurt
            counts, code = classes[map_id], attributes[index]
            if code.__class__ is not int:
                code = class_code(code)
            counts.buurten[code] = counts.buurten.get(code, 0) + 1
            if people is not None:
                counts.people[code] = counts.people.get(code, 0) + people
            if units is not None:
                counts.units[code] = counts.units.get(code, 0) + units
        pressure = as_python(attributes[reader.klasse[PRESSURE_MAP]])
        if pressure is not None and class_code(pressure) == PRESSURE_CLASS:
            name = str(attributes[reader.name]) if reader.name >= 0 else f"buurt {feature.id()}"
            self.pressure.append((feature.id(), name))
        geometry = feature.geometry()
        if not geometry.isNull():
            box = geometry.boundingBox()
            self._grow([box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()])

    def merge(self, other):
        self.count += other.count
        for map_id, counts in other.classes.items():
            self.classes[map_id].merge(counts)
        self.pressure.extend(other.pressure)
        if other.bounds is not None:
            self._grow(other.bounds)

    def _grow(self, box):
        if self.bounds is None:
            self.bounds = list(box)
        else:
            bounds = self.bounds
            bounds[0], bounds[1] = min(bounds[0], box[0]), min(bounds[1], box[1])
            bounds[2], bounds[3] = max(bounds[2], box[2]), max(bounds[3], box[3])

    def extent(self):
        """The buurten's extent in the layer's CRS (what layer.extent() gives when filtered to them); None if none."""
        return QgsRectangle(*self.bounds) if self.bounds is not None else None


class FigureReader:
    """Where a layer keeps what the figures read (field indexes, -1 where it has none)."""

    def __init__(self, layer, extra_fields=()):
        fields = layer.fields()
        self.klasse = {map_id: fields.lookupField(field_names(map_id)[1]) for map_id in MAP_IDS}
        # a series counts each period's own inhabitants (its end year), as its chart does
        people = PERIOD_INWONERS if fields.lookupField(PERIOD_INWONERS) >= 0 else inwoners_field(layer)
        self.inwoners = fields.lookupField(people) if people else -1
        self.own = fields.lookupField(OWN_UNITS_FIELD) if has_own_stock(layer) else -1
        self.name = next((fields.lookupField(n) for n in NAME_FIELDS if fields.lookupField(n) >= 0), -1)
        read = [*self.klasse.values(), self.inwoners, self.own, self.name]
        read += [fields.lookupField(name) for name in extra_fields]
        self.request = QgsFeatureRequest().setSubsetOfAttributes(sorted({i for i in read if i >= 0}))


def live_figures(layer):
    """The figures of the layer as it is filtered now (and edited, if it is), in one query."""
    reader = FigureReader(layer)
    figures = Figures()
    for feature in layer.getFeatures(reader.request):
        figures.add(reader, feature, feature.attributes())
    return figures


class GemeenteFigures:
    """Every group's figures of one layer, read once; ``choice`` adds up the groups a dock choice shows."""

    def __init__(self, index, period_field=None):
        layer = index.layer
        self.period = layer.fields().lookupField(period_field) if period_field else -1
        reader = FigureReader(layer, index.fields() + ([period_field] if self.period >= 0 else []))
        self.groups, found = {}, {}
        self.trusted = True  # every feature falls in the groups the dock's filters select
        # On a layer with periods: each buurt's classes in every period (read here, with the layer's filter
        # lifted once, not again per selected buurt): buurt code -> [(period, {map id: class code})]
        self.history = {}
        buurt = layer.fields().lookupField(index.buurt_field) if self.period >= 0 and index.buurt_field else -1
        with unfiltered(layer):
            for feature in layer.getFeatures(reader.request):
                attributes = feature.attributes()
                gemeente = index.gemeente_of_feature(feature)
                if gemeente is not None:
                    found.setdefault(gemeente.code, gemeente)  # the first feature's name, as listed before
                own = attributes[reader.own] if reader.own >= 0 else None
                period = attributes[self.period] if self.period >= 0 else None
                if buurt >= 0:
                    classes = {map_id: class_code(attributes[i]) for map_id, i in reader.klasse.items() if i >= 0}
                    self.history.setdefault(text_or_none(attributes[buurt]), []).append((text_or_none(period), classes))
                key = (gemeente.code if gemeente else None, positive(own) is not None, text_or_none(period))
                group = self.groups.get(key)
                if group is None:
                    group = self.groups[key] = Figures()
                group.add(reader, feature, attributes)
                if self.trusted:  # the layer's filters select this feature as its group says
                    self.trusted = (
                        (gemeente is None or index.filters_alike(feature, gemeente))
                        and (own.__class__ in (int, float) or as_python(own) is None)  # '"eigen_vhe" > 0'
                        and (period.__class__ is str or as_python(period) is None)  # '"periode" = ...'
                    )
        self.gemeenten = sort_gemeenten(found.values())
        self.periods = sorted({period for (_, _, period) in self.groups} - {None})  # empty without periods

    def choice(self, codes, own_only, period):
        """The figures of the gemeenten ``codes`` (all for none), only buurten with own stock if ``own_only``,
        in ``period`` (None: a layer without periods)."""
        total = Figures()
        for (code, own, group_period), figures in self.groups.items():
            if (not codes or code in codes) and (own or not own_only) and (period is None or group_period == period):
                total.merge(figures)
        total.pressure.sort()
        return total
