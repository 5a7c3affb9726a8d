"""All pages of one layer of one edition for one gemeente (or the whole country), from the cache or the
service. Pure Python: the GET function is passed in (network.get in the plugin, a fake in unit tests)."""

from datetime import datetime, timezone

from .cache import Cached
from .requests import ResponseError, first_url, local_filter, next_url, read_page

MAX_PAGES = 500  # 500 pages of 1,000 is far beyond all buurten of the country: a loop, not data


class CancelledError(Exception):
    pass


class BadResponseError(Exception):
    """Dutch, with the URL and the line of bronnen.json."""


def fetch_layer(edition, layer, gemeente, get, cache, page_size, feedback, properties=None, refresh=False):
    """(Cached, from_cache) for ``layer`` of ``edition``; ``gemeente`` None = the whole country."""
    url = first_url(edition, layer, page_size, gemeente, properties)
    scope = (gemeente or "NL") + ("-attributen" if properties is not None else "")
    key = cache.key(edition, layer, scope, url)
    cached = cache.read(key)
    if cached is not None and not refresh:
        return cached, True
    try:
        fresh = _all_pages(edition, layer, gemeente, get, page_size, feedback, properties, url)
    except CancelledError:
        raise
    except Exception as error:  # noqa: BLE001 (network or body): an earlier fetch is better than nothing
        if cached is None:
            raise
        feedback.pushWarning(f"{error} Gebruikt: de eerder opgehaalde gegevens van {cached.fetched_at}.")
        return cached, True
    if fresh.features:  # an empty answer (a gemeente the service lacks, a hiccup) is asked again next time
        cache.write(key, fresh)
    return fresh, False


def _all_pages(edition, layer, gemeente, get, page_size, feedback, properties, url):
    features, first, service_time = [], url, ""
    for page_number in range(1, MAX_PAGES + 1):
        if feedback.isCanceled():
            raise CancelledError()
        body = get(url, where=edition.where())
        try:
            page, following, matched, stamp = read_page(body)
        except ResponseError as error:
            raise BadResponseError(
                f"Het antwoord van {url} is onbruikbaar: {error}. Geeft de dienst iets anders terug dan GeoJSON, pas "
                f"dan {edition.where()} aan; probeer het anders later opnieuw."
            ) from None
        features.extend(local_filter(edition, gemeente, page))
        service_time = service_time or stamp or ""
        feedback.pushInfo(
            f"{edition.title} {edition.year}, {layer}"
            + (f" ({gemeente})" if gemeente else " (heel Nederland)")
            + f": pagina {page_number}, {len(page)} objecten"
        )
        url = next_url(edition, layer, page_size, url, page, following, len(features), matched, gemeente, properties)
        if not url or not page:
            break
    fetched_at = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    return Cached(features, first, fetched_at, service_time)
