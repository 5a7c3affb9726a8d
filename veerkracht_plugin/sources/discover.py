"""Ask a service what it has before asking for data: the WFS feature types (GetCapabilities) and their properties
(DescribeFeatureType), or the OGC API collections, what they can filter on (queryables) and the properties of one
item. Pure Python: the GET function is passed in."""

from .requests import capabilities_url, collections_url, describe_url, queryables_url, sample_url
from .schema import (
    Schema,
    SchemaError,
    check_mapping,
    choose_name,
    gemeente_filter,
    match_fields,
    ogc_collection_ids,
    ogc_item_properties,
    ogc_queryables,
    wfs_properties,
    wfs_type_names,
)


class Discovery:
    """One per run: a service's capabilities are asked once, each layer's schema once."""

    def __init__(self, get):
        self.get = get
        self._documents, self._schemas = {}, {}

    def schema(self, edition, layer):
        """The Schema of ``layer`` of ``edition`` (None for a plain file: its own features tell)."""
        key = (edition.source, edition.year, edition.url, layer)
        if edition.protocol not in ("wfs", "ogcapi"):
            return None
        if key not in self._schemas:
            ask = self._wfs if edition.protocol == "wfs" else self._ogcapi
            try:
                self._schemas[key] = ask(edition, layer)
            except SchemaError as error:
                if edition.where() in str(error):
                    raise
                raise SchemaError(
                    f"{error} Antwoordt de dienst niet meer zo, pas dan {edition.where()} aan; probeer het anders "
                    f"later opnieuw."
                ) from None
        return self._schemas[key]

    def _document(self, url, edition):
        if url not in self._documents:
            self._documents[url] = self.get(url, where=edition.where())
        return self._documents[url]

    def _wfs(self, edition, layer):
        url = capabilities_url(edition)
        types = wfs_type_names(self._document(url, edition), url)
        name = choose_name(edition.layers[layer], types, edition.year, f"laag '{layer}'", edition.where(), url)
        describe = describe_url(edition, name)
        properties, geometry = wfs_properties(self._document(describe, edition), describe, name)
        mapping = match_fields(edition.field_map, properties)
        filter_on, prefix = gemeente_filter(layer, mapping)
        schema = Schema(name, properties, mapping, geometry, filter_on, prefix)
        check_mapping(schema, layer, edition.field_map, describe, edition.where())
        return schema

    def _ogcapi(self, edition, layer):
        url = collections_url(edition)
        ids = ogc_collection_ids(self._document(url, edition), url)
        name = choose_name(edition.layers[layer], ids, edition.year, f"collectie '{layer}'", edition.where(), url)
        queryables = queryables_url(edition, name)
        try:
            filterable = ogc_queryables(self._document(queryables, edition), queryables)
        except Exception as error:  # noqa: BLE001 (FetchError): no queryables document is no filter, not a failure
            if getattr(error, "status", None) not in (400, 404, 406):
                raise
            filterable = set()
        sample = sample_url(edition, name)
        properties = ogc_item_properties(self._document(sample, edition), sample)
        mapping = match_fields(edition.field_map, properties)
        filter_on, prefix = gemeente_filter(layer, mapping, filterable)
        schema = Schema(name, properties, mapping, "", filter_on, prefix)
        if not filter_on:
            schema.notes.append(
                f"{edition.title} {edition.year}, {name}: de dienst kan niet op gemeente filteren (queryables: "
                f"{', '.join(sorted(filterable)) or 'geen'}); de plugin haalt heel Nederland op en filtert zelf. Dat "
                f"duurt langer, één keer: daarna staat het in de cache."
            )
        check_mapping(schema, layer, edition.field_map, sample, edition.where())
        return schema
