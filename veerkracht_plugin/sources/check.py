"""'Bronnen controleren': ask every source and year for one small gemeente and say, per source and year,
whether it answers and which mapped fields it has. Pure Python: the GET function is passed in."""

from dataclasses import dataclass, field

from .discover import Discovery
from .fetch import CancelledError, file_schema
from .requests import ResponseError, canonical, field_report, first_url, read_page
from .schema import SchemaError

PAGE = 100  # one small gemeente fits in one page


@dataclass
class Check:
    source: str
    year: int
    layer: str
    url: str
    reachable: bool = False
    message: str = ""
    present: list = field(default_factory=list)
    absent: list = field(default_factory=list)
    unpublished: list = field(default_factory=list)
    features: int = 0
    type_name: str = ""
    properties: list = field(default_factory=list)  # what the service has
    mapping: dict = field(default_factory=dict)  # canonical -> the service's name, as a fetch will use it
    filter_on: str = ""

    def mapping_text(self):
        return ", ".join(c if c == s else f"{c} <- {s}" for c, s in self.mapping.items())


def check_sources(sources, gemeente, get, feedback):
    """One Check per source, year and layer, in the order of bronnen.json."""
    editions = sorted(sources.editions.values(), key=lambda e: (e.source, e.year))
    total = sum(len(e.layers) for e in editions)
    discovery = Discovery(get)
    checks = []
    for edition in editions:
        for layer in edition.layers:
            if feedback.isCanceled():
                raise CancelledError()
            check = Check(edition.source, edition.year, layer, edition.url)
            try:
                _ask(check, edition, layer, gemeente, get, discovery)
            except (ResponseError, SchemaError) as error:
                check.message = f"antwoord onbruikbaar: {error}"
            except CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 (FetchError and what the network stack raises): report it
                check.message = str(error)
            checks.append(check)
            (feedback.pushInfo if check.reachable and not check.absent else feedback.pushWarning)(
                f"{edition.title} {edition.year}, {layer}: {'bereikbaar' if check.reachable else 'NIET bereikbaar'}; "
                f"{check.message}"
            )
            if check.type_name:
                feedback.pushInfo(
                    f"    laag {check.type_name}; velden van de dienst: {', '.join(check.properties)}; gebruikt: "
                    f"{check.mapping_text() or 'niets'}; gemeentefilter: {check.filter_on or 'geen (zelf filteren)'}"
                )
            feedback.setProgress(100 * len(checks) / max(total, 1))
    return checks


def _ask(check, edition, layer, gemeente, get, discovery):
    schema = discovery.schema(edition, layer)
    check.url = first_url(edition, schema, PAGE, gemeente)
    features = read_page(get(check.url, where=edition.where()))[0]
    schema = schema or file_schema(edition, layer, features, check.url)
    check.type_name, check.properties, check.mapping = schema.type_name, schema.properties, schema.mapping
    check.filter_on = schema.filter_on
    check.reachable, check.features = True, len(features)
    renamed = canonical(features, schema.mapping)
    check.absent, check.unpublished = field_report(renamed, edition.field_map, layer)
    has = set().union(*(f["properties"] for f in renamed)) if renamed else set(schema.mapping)
    check.present = [n for n in edition.field_map if n in has and n not in check.unpublished]
    check.message = _summary(check)


def _summary(check):
    if not check.features:
        return "bereikbaar, maar zonder objecten voor deze gemeente (klopt het filter in bronnen.json?)"
    parts = [f"{check.features} objecten, {len(check.present)} velden van de veldkaart aanwezig"]
    if check.absent:
        parts.append("ontbreekt: " + ", ".join(check.absent))
    if check.unpublished:
        parts.append("nog niet gepubliceerd (-99995): " + ", ".join(check.unpublished))
    return "; ".join(parts)
