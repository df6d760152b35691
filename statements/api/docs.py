"""The OpenAPI schema at /api/schema/ and the interactive docs: Swagger UI at /api/docs/ and
Redoc at /api/redoc/.

Both are served from the app's own static files (drf-spectacular-sidecar, see
``SPECTACULAR_SETTINGS``), so they work offline. Each page also carries a Content-Security-Policy
that lets the browser load nothing from another host: Redoc's bundle still points its "API docs
by Redocly" logo at cdn.redoc.ly, and the policy stops that request before it leaves (the logo
hides itself when it fails to load). The site's policy (``CONTENT_SECURITY_POLICY``) is widened
here only by what the two UIs need (``CONTRADICT_CSP_DOCS``).
"""

from functools import lru_cache
from pathlib import Path

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.negotiation import DefaultContentNegotiation


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


_DOCS_CSP = method_decorator(csp_update(settings.CONTRADICT_CSP_DOCS), name="dispatch")


@_DOCS_CSP
class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI: try the operations in the browser."""


@_DOCS_CSP
class RedocView(SpectacularRedocView):
    """Redoc: the same schema as one readable page."""

    @staticmethod
    def _redoc_standalone():
        return reverse("redoc-bundle")

    # drf-spectacular's page, without its Google Fonts links.
    template_name = "api/redoc.html"


# Redoc's bundle always draws its "API docs by Redocly" logo from this CDN address, which the
# policy would block (a violation on every page view). Served with the address replaced by an
# empty data: image, the logo fails to load inside the policy and Redoc hides it, as it does
# offline. The bundle is otherwise drf-spectacular-sidecar's, read once per process.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    return Path(finders.find(REDOC_BUNDLE)).read_bytes().replace(REDOC_LOGO, b"data:,")


def redoc_bundle(request):
    """Serve Redoc's bundle without its CDN logo address."""
    response = HttpResponse(_redoc_bundle(), content_type="application/javascript")
    response["Cache-Control"] = "public, max-age=86400"
    return response
