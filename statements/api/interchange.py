"""Renderers and helpers shared by the interchange endpoints (ClaimReview, exports, imports).

A client asking for a format other than JSON still gets its errors as JSON, in the one error
shape: ``JsonErrorsMixin`` switches the renderer back before an error is rendered.
"""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import renderers, serializers, status
from rest_framework.exceptions import APIException

JSON_LD = "application/ld+json"
NDJSON = "application/x-ndjson"
CSV = "text/csv"


class JSONLDRenderer(renderers.JSONRenderer):
    """JSON-LD documents (schema.org ClaimReview)."""

    media_type = JSON_LD
    format = "jsonld"


class StreamRenderer(renderers.BaseRenderer):
    """Accept a streamed format in content negotiation; the view writes the body itself."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("Streamed formats are written by the view.")


class NDJSONRenderer(StreamRenderer):
    media_type = NDJSON
    format = "ndjson"


class CSVRenderer(StreamRenderer):
    media_type = CSV
    format = "csv"


class JsonErrorsMixin:
    """Render errors as JSON whatever format the client asked for."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)


class NothingToPublish(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The dispute has no verdict that contradicts a claim."
    default_code = "nothing_to_publish"


class NothingToPublishErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(NothingToPublish.default_code,) * 2])
    detail = serializers.CharField(help_text=NothingToPublish.default_detail)
    attr = serializers.CharField(allow_null=True)


class NothingToPublishResponseSerializer(serializers.Serializer):
    """The dispute has no verdict that contradicts a claim (none yet, or dismissed)."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = NothingToPublishErrorSerializer(many=True)
