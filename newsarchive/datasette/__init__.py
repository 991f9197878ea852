"""newsarchive's Datasette plugin (registered as the package, so Datasette finds its templates
and static files): see plugin.py."""

from newsarchive.datasette.plugin import (
    canned_queries,
    extra_css_urls,
    extra_template_vars,
    filters_from_request,
    prepare_connection,
    render_cell,
)

__all__ = ["canned_queries", "extra_css_urls", "extra_template_vars", "filters_from_request",
           "prepare_connection", "render_cell"]
