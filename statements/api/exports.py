"""Bulk exports: statements (with assertions), evidence, conflicts and disputes, streamed as
NDJSON or CSV with the list endpoints' filters.

The format comes from ``?format=ndjson|csv`` or the Accept header (``application/x-ndjson``,
``text/csv``); NDJSON when the client accepts anything. Anyone may export, at the rate of the
``export`` throttle scope (``API_THROTTLE_EXPORT``) on top of the anonymous and user rates.
"""

from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation

from statements.api import filters
from statements.api.interchange import CSV, NDJSON, CSVRenderer, JsonErrorsMixin, NDJSONRenderer
from statements.api.schema import AutoSchema
from statements.interchange.exports import FORMATS, KINDS, export_text

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=list(FORMATS),
    description="ndjson or csv; overrides the Accept header (application/x-ndjson, text/csv).",
)


class ExportNegotiation(DefaultContentNegotiation):
    """Pick the format from ``?format=`` first, then from Accept; an unknown format is a 400."""

    def select_renderer(self, request, renderers, format_suffix=None):
        # A blank ``format=`` is no format, as a blank filter is no filter.
        wanted = request.query_params.get("format") or None
        if wanted is None:
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == wanted and wanted in FORMATS:
                return renderer, renderer.media_type
        raise ValidationError({"format": [f"Choose ndjson or csv; got {wanted[:20]!r}."]})


class ExportSchema(AutoSchema):
    """Document an export's filters, which drf-spectacular shows only on list views."""

    def _get_filter_parameters(self):
        # An export is a list sent whole: it takes the list's filters.
        self._is_list_view = lambda serializer=None: True
        try:
            return super()._get_filter_parameters()
        finally:
            del self._is_list_view


class ExportApi(JsonErrorsMixin, GenericAPIView):
    """Stream every record of one kind that the filters keep, oldest id first."""

    kind = ""
    renderer_classes = [NDJSONRenderer, CSVRenderer, renderers.JSONRenderer]
    content_negotiation_class = ExportNegotiation
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    pagination_class = None
    throttle_scope = "export"

    schema = ExportSchema()

    def get_renderers(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema: errors are JSON; the 200's two formats are declared on ``get``.
            return [renderers.JSONRenderer()]
        return super().get_renderers()

    def get_queryset(self):
        return KINDS[self.kind].queryset()

    def get(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        if fmt not in FORMATS:
            raise NotAcceptable(
                f"Exports are NDJSON ({NDJSON}) or CSV ({CSV}): ask with Accept or ?format=."
            )
        # Filters are read (and refused with a 400) here, before the first byte is sent.
        return stream_response(request, self.kind, self.filter_queryset(self.get_queryset()))


def stream_response(request, kind: str, queryset) -> StreamingHttpResponse:
    """Return the export of ``queryset`` in the format content negotiation chose."""
    renderer = request.accepted_renderer
    response = StreamingHttpResponse(
        export_text(kind, renderer.format, queryset),
        content_type=f"{renderer.media_type}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{renderer.format}"'
    return response


# The list routes that stream their export for Accept: text/csv or application/x-ndjson.
LIST_EXPORTS = {
    "statement": "statements",
    "evidence": "evidence",
    "conflict": "conflicts",
    "dispute": "disputes",
}


class StreamedListMixin(JsonErrorsMixin):
    """Answer a list route's ``Accept: text/csv`` or ``application/x-ndjson`` with its export.

    JSON stays the default; the export takes the list's filters, search and ordering, and the
    ``export`` rate.
    """

    def get_renderers(self):
        renderers = super().get_renderers()
        # The schema documents the JSON list; docs/api.md and the exports' own routes the rest.
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            renderers = [*renderers, NDJSONRenderer(), CSVRenderer()]
        return renderers

    def _streamed(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action == "list" and isinstance(renderer, NDJSONRenderer | CSVRenderer)

    def check_throttles(self, request):
        if self._streamed():
            self.throttle_scope = "export"
        super().check_throttles(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self._streamed():
            # DRF looks the handler up after initial(): a viewset's own list() (which pages
            # JSON) is left alone and the export answers instead.
            self.get = self.streamed_list

    def streamed_list(self, request, *args, **kwargs):
        kind = LIST_EXPORTS[self.basename]
        return stream_response(request, kind, self.filter_queryset(KINDS[kind].queryset()))


def _export_view(kind: str, filterset, search_fields: list[str], what: str):
    description = (
        f"Every {what} the filters keep (the same filters as the list endpoint), streamed in "
        "id order as NDJSON (one JSON object a line) or CSV. "
        + (
            "In CSV a record takes one row per assertion, its own columns repeated, and "
            "assertion_* columns; a record without assertions takes one row. The NDJSON "
            "objects and the CSV rows are what manage.py records_import reads back. "
            if KINDS[kind].nested
            else "In CSV lists are joined with ';'. "
        )
        + "Rate-limited by the export throttle scope."
    )
    view = type(
        f"{kind.title()}ExportApi",
        (ExportApi,),
        {
            "kind": kind,
            "filterset_class": filterset,
            "search_fields": search_fields,
            "__doc__": f"Export {what} as NDJSON or CSV.",
        },
    )
    view.get = extend_schema(
        summary=f"Export {what}",
        description=description,
        parameters=[FORMAT_PARAMETER],
        responses={(200, NDJSON): OpenApiTypes.STR, (200, CSV): OpenApiTypes.STR},
    )(view.get)
    return view


StatementExportApi = _export_view(
    "statements", filters.StatementFilter, ["quote", "context"], "statements with assertions"
)
EvidenceExportApi = _export_view(
    "evidence", filters.EvidenceFilter, ["title", "description"], "evidence with assertions"
)
ConflictExportApi = _export_view("conflicts", filters.ConflictFilter, ["explanation"], "conflicts")
DisputeExportApi = _export_view("disputes", filters.DisputeFilter, ["title"], "disputes")
