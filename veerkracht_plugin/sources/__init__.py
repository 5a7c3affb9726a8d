"""Open data: which services to ask (bronnen.json), how to ask them (QGIS' network stack), and the cache."""
