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
        wanted = request.query_params.get("format")
        if wanted is None:
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == wanted and wanted in FORMATS:
                return renderer, renderer.media_type
        raise ValidationError({"format": [f"Choose ndjson or csv; got {wanted[:20]!r}."]})


class ExportApi(JsonErrorsMixin, GenericAPIView):
    """Stream every record of one kind that the filters keep, oldest id first."""

    kind = ""
    renderer_classes = [NDJSONRenderer, CSVRenderer, renderers.JSONRenderer]
    content_negotiation_class = ExportNegotiation
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    pagination_class = None
    throttle_scope = "export"

    def get_queryset(self):
        return KINDS[self.kind].queryset()

    def get(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        if fmt not in FORMATS:
            raise NotAcceptable(
                f"Exports are NDJSON ({NDJSON}) or CSV ({CSV}): ask with Accept or ?format=."
            )
        # Filters are read (and refused with a 400) here, before the first byte is sent.
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            export_text(self.kind, fmt, queryset),
            content_type=f"{request.accepted_renderer.media_type}; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.kind}.{fmt}"'
        return response


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
