"""The OpenAPI schema at /api/schema/ and the interactive docs: Swagger UI at /api/docs/ and
Redoc at /api/redoc/.

Both are served from the app's own static files (drf-spectacular-sidecar, see
``SPECTACULAR_SETTINGS``), so they work offline. Each page also carries a Content-Security-Policy
that lets the browser load nothing from another host: Redoc's bundle still points its "API docs
by Redocly" logo at cdn.redoc.ly, and the policy stops that request before it leaves (the logo
hides itself when it fails to load).
"""

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.negotiation import DefaultContentNegotiation

# Swagger UI's init script is served from /api/docs/?script (the split view), so no inline
# script is needed; both UIs inject inline styles and Swagger UI draws its icons from data: URLs.
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)


class FormatQueryNegotiation(DefaultContentNegotiation):
    """Let ``?format=json`` or ``?format=yaml`` choose the renderer, whatever ``Accept`` says.

    The API turns DRF's ``URL_FORMAT_OVERRIDE`` off (``format`` could be a filter name), so the
    schema view reads the parameter itself. Without it, ``Accept`` decides, YAML by default.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        format_ = format_suffix or request.query_params.get("format")
        if format_:
            for renderer in self.filter_renderers(renderers, format_):  # 404 if none
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: YAML, or JSON for ``?format=json`` or ``Accept: application/json``
    (or ``application/vnd.oai.openapi+json``)."""

    content_negotiation_class = FormatQueryNegotiation


class _SameOriginOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response


class SwaggerDocsView(_SameOriginOnly, SpectacularSwaggerSplitView):
    """Swagger UI: try the operations in the browser."""


class RedocView(_SameOriginOnly, SpectacularRedocView):
    """Redoc: the same schema as one readable page."""

    # drf-spectacular's page, without its Google Fonts links.
    template_name = "api/redoc.html"
