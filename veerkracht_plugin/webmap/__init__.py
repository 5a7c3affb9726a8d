"""The web map for partners without QGIS (veerkracht:webkaart): one self-contained HTML page with the maps.

``arcs`` cuts the buurt rings into shared boundaries (plain Python), ``shapes`` reads, simplifies and encodes
them with QGIS' geometry engine, ``content`` gathers classes, labels, colours, figures and texts, and ``page``
writes the HTML from the template in ``resources/webkaart/``.
"""
