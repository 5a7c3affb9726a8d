"""What the algorithms share that is not an algorithm: safe outputs (``outputs``), features to pandas and back
(``layer_io``), table parameters (``table_input``), child runs (``child``), the CRS check (``crs_guard``), how
results look when QGIS loads them (``map_results``, ``vastgoed_results``), and the parts of 'Veerkrachtkaarten
maken' (``make_maps_plan``, ``make_maps_chain``, ``same_geopackage``, ``start_layer``, ``national_reference``).
Nothing here imports an algorithm or ``base``."""
