"""All pages of one layer of one edition for one gemeente (or the whole country), from the cache or the
service, each page checked before anything is kept. Pure Python: the GET function is passed in (network.get in
the plugin, a fake in unit tests)."""

import json
from datetime import datetime, timezone

from .cache import Cached
from .requests import ResponseError, answer_crs, canonical, first_url, in_gemeente, next_url, read_page
from .schema import CODE_FIELDS, Schema, gemeente_filter, match_fields
from .validate import AnswerError, check_geometries, new_codes

MAX_PAGES = 500  # 500 pages of 1,000 is far beyond all buurten of the country: a loop, not data
FORMAT = 2  # the cache's own format: canonical features and the schema they came with


class CancelledError(Exception):
    pass


class BadResponseError(Exception):
    """Dutch, with the URL and the line of bronnen.json."""


def cache_key(cache, edition, layer, scope):
    """The key holds the edition's whole line of bronnen.json: a changed URL, name or field map never answers
    from what the old line fetched."""
    line = json.dumps([edition.protocol, edition.url, edition.layers, edition.field_map, FORMAT], sort_keys=True)
    return cache.key(edition, layer, scope, line)


def fetch_layer(
    edition, layer, gemeente, get, cache, page_size, feedback, discovery, attributes_only=False, refresh=False
):
    """(Cached, from_cache) for ``layer`` of ``edition``, features under the canonical names; ``gemeente`` None =
    the whole country; ``attributes_only`` drops geometry (asked without it where the service can, else on arrival)."""
    scope = (gemeente or "NL") + ("-attributen" if attributes_only else "")
    key = cache_key(cache, edition, layer, scope)
    cached = cache.read(key)
    if cached is not None and not refresh:
        return cached, True
    try:
        fresh = _all_pages(edition, layer, gemeente, get, page_size, feedback, discovery, attributes_only)
    except CancelledError:
        raise
    except Exception as error:  # noqa: BLE001 (network or body): an earlier fetch is better than nothing
        if cached is None:
            raise
        feedback.pushWarning(f"{error} Gebruikt: de eerder opgehaalde gegevens van {cached.fetched_at}.")
        return cached, True
    if fresh.features:  # an empty answer (a gemeente the service lacks, a hiccup) is asked again next time
        problem = cache.write(key, fresh)
        if problem:
            feedback.pushWarning(problem)
    return fresh, False


def _all_pages(edition, layer, gemeente, get, page_size, feedback, discovery, attributes_only):
    schema = discovery.schema(edition, layer) if discovery is not None else None
    for note in schema.notes if schema else ():
        feedback.pushInfo(note)
    code_field = CODE_FIELDS.get(layer, ("",))[0]
    local = in_gemeente(layer, gemeente) if gemeente and not (schema and schema.filter_on) else None
    crs = answer_crs(edition)
    url = first = first_url(edition, schema, page_size, gemeente, attributes_only)
    features, seen_urls, seen_codes, received, service_time = [], set(), set(), 0, ""
    for page_number in range(1, MAX_PAGES + 1):
        if feedback.isCanceled():
            raise CancelledError()
        seen_urls.add(url)
        body = get(url, where=edition.where())
        try:
            page, following, matched, stamp = read_page(body)
            if schema is None:  # a plain file: its own properties are its schema
                schema = file_schema(edition, layer, page, url)
            page = canonical(page, schema.mapping)
            received += len(page)
            fresh = new_codes(page, code_field, seen_codes)
            if page and not fresh:  # the server ignores the paging: the same objects again
                following = None
                _check_total(received - len(page), matched, url)
                break
            if local is not None:
                page = [f for f in page if local(f.get("properties") or {})]
            if attributes_only:
                page = [{"type": "Feature", "geometry": None, "properties": f.get("properties")} for f in page]
            else:
                check_geometries(page, crs, code_field)
        except ResponseError as error:
            raise BadResponseError(
                f"Het antwoord van {url} is onbruikbaar: {error}. Geeft de dienst iets anders terug dan GeoJSON, pas "
                f"dan {edition.where()} aan; probeer het anders later opnieuw."
            ) from None
        except AnswerError as error:
            raise BadResponseError(
                f"Het antwoord van {url} is niet te vertrouwen: {error}. Er is niets bewaard en niets geschreven; "
                f"meld het de beheerder van de dienst of probeer het later opnieuw."
            ) from None
        features.extend(page)
        service_time = service_time or stamp or ""
        feedback.pushInfo(
            f"{edition.title} {edition.year}, {layer}"
            + (f" ({gemeente})" if gemeente else " (heel Nederland)")
            + f": pagina {page_number}, {received} objecten ontvangen"
            + (f", {len(features)} in de gemeente" if local is not None else "")
        )
        url = next_url(
            edition,
            schema,
            page_size,
            following,
            received,
            page if local is None else fresh,
            matched,
            gemeente,
            attributes_only,
        )
        if url and url in seen_urls:
            raise BadResponseError(
                f"De dienst verwijst van {first} steeds naar een pagina die al is opgehaald ({url}): de paginering "
                f"loopt rond. Er is niets bewaard; probeer het later opnieuw."
            )
        if not url:
            _check_total(received, matched, first)
            break
    else:
        raise BadResponseError(
            f"Meer dan {MAX_PAGES} pagina's van {first}: de paginering stopt niet. Er is niets bewaard."
        )
    fetched_at = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    return Cached(features, first, fetched_at, service_time, crs, schema.to_json())


def _check_total(received, matched, url):
    if matched is not None and received != matched:
        raise BadResponseError(
            f"De dienst {url} meldt {matched} objecten (numberMatched) maar gaf er {received} verschillende: de "
            f"paginering werkt niet zoals de dienst zegt (startIndex genegeerd?). Er is niets bewaard; probeer het later "
            f"opnieuw."
        )


def file_schema(edition, layer, page, url):
    names = list(dict.fromkeys(name for f in page for name in (f.get("properties") or {})))
    mapping = match_fields(edition.field_map, names)
    filter_on, prefix = gemeente_filter(layer, mapping)
    return Schema(url, names, mapping, "", filter_on, prefix)


def describe(schema_json):
    """A line for the log: the type and the mapping used (canonical <- service name, where they differ)."""
    schema = Schema.from_json(schema_json)
    renamed = [f"{c} <- {s}" for c, s in schema.mapping.items() if c != s]
    return f"{schema.type_name}: {len(schema.mapping)} velden herkend" + (f" ({', '.join(renamed)})" if renamed else "")
