"""Renderers and helpers shared by the interchange endpoints (ClaimReview, exports, imports).

A client asking for a format other than JSON still gets its errors as JSON, in the one error
shape: ``JsonErrorsMixin`` switches the renderer back before an error is rendered.
"""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import renderers, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

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
    """Render errors as JSON whatever format the client asked for, and any other answer the
    view did not stream itself (an OPTIONS request's metadata) too."""

    def handle_exception(self, exc):
        self._answer_in_json()
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), StreamRenderer
        ):
            self._answer_in_json()  # a stream renderer cannot render data
        return super().finalize_response(request, response, *args, **kwargs)

    def _answer_in_json(self) -> None:
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type


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
