"""The atlas per wijk (veerkracht:wijkatlas), main thread only:

- ``template``: the layout templates with named items, one per page type (overview of a gemeente, a wijk);
- ``wijken``: which wijk each buurt belongs to, by code or by location;
- ``coverage``: the coverage layer, per gemeente an overview feature and one feature per wijk, with their texts;
- ``bind``: both bound to a veerkracht layer in a project (styles, legends, table, sources line);
- ``project``: the layouts and layers in the project, never deleting a layout the user edited;
- ``export``: one PDF of both page types.

What the algorithm and the scripts use is imported here.
"""

from .bind import bind, prepare_styles, sources_text, wrap_legend_labels
from .coverage import build_coverage, coverage_path, coverage_uri, perspectives_text, save_coverage
from .export import export_pdf
from .project import (
    add_coverage,
    is_edited,
    keep_off_canvas,
    layer_in_project,
    mark_as_made,
    place_layout,
    point_coverage_at,
    remove_coverage,
)
from .template import (
    OVERVIEW_TEMPLATE_PATH,
    TEMPLATE_PATH,
    AtlasError,
    build_overview_template,
    build_template,
    build_wijk_template,
    load_template,
    read_template,
    save_template,
    template_problem,
)

__all__ = [
    "OVERVIEW_TEMPLATE_PATH",
    "TEMPLATE_PATH",
    "AtlasError",
    "add_coverage",
    "bind",
    "build_coverage",
    "build_overview_template",
    "build_template",
    "build_wijk_template",
    "coverage_path",
    "keep_off_canvas",
    "coverage_uri",
    "export_pdf",
    "is_edited",
    "layer_in_project",
    "load_template",
    "mark_as_made",
    "perspectives_text",
    "place_layout",
    "point_coverage_at",
    "prepare_styles",
    "read_template",
    "remove_coverage",
    "save_coverage",
    "save_template",
    "sources_text",
    "template_problem",
    "wrap_legend_labels",
]
