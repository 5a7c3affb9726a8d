"""'Bronnen controleren': ask every source and year for one small gemeente and say, per source and year,
whether it answers and which mapped fields it has. Pure Python: the GET function is passed in."""

from dataclasses import dataclass, field

from .fetch import CancelledError
from .requests import ResponseError, canonical, field_report, first_url, read_page

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


def check_sources(sources, gemeente, get, feedback):
    """One Check per source, year and layer, in the order of bronnen.json."""
    editions = sorted(sources.editions.values(), key=lambda e: (e.source, e.year))
    total = sum(len(e.layers) for e in editions)
    checks = []
    for edition in editions:
        for layer in edition.layers:
            if feedback.isCanceled():
                raise CancelledError()
            url = first_url(edition, layer, PAGE, gemeente)
            check = Check(edition.source, edition.year, layer, url)
            try:
                features = read_page(get(url, where=edition.where()))[0]
            except ResponseError as error:
                check.message = f"antwoord onbruikbaar: {error}"
            except Exception as error:  # noqa: BLE001 (FetchError and what the network stack raises): report it
                check.message = str(error)
            else:
                check.reachable, check.features = True, len(features)
                renamed = canonical(features, edition.field_map)
                check.absent, check.unpublished = field_report(renamed, edition.field_map, layer)
                has = set().union(*(f["properties"] for f in renamed)) if renamed else set()
                check.present = [n for n in edition.field_map if n in has and n not in check.unpublished]
                check.message = _summary(check)
            checks.append(check)
            (feedback.pushInfo if check.reachable and not check.absent else feedback.pushWarning)(
                f"{edition.title} {edition.year}, {layer}: {'bereikbaar' if check.reachable else 'NIET bereikbaar'}; "
                f"{check.message}"
            )
            feedback.setProgress(100 * len(checks) / max(total, 1))
    return checks


def _summary(check):
    if not check.features:
        return "bereikbaar, maar zonder objecten voor deze gemeente (klopt het filter in bronnen.json?)"
    parts = [f"{check.features} objecten, {len(check.present)} velden van de veldkaart aanwezig"]
    if check.absent:
        parts.append("ontbreekt: " + ", ".join(check.absent))
    if check.unpublished:
        parts.append("nog niet gepubliceerd (-99995): " + ", ".join(check.unpublished))
    return "; ".join(parts)
