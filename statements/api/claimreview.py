"""A reviewed dispute as schema.org ClaimReview JSON-LD: its own route, and content negotiation
(``Accept: application/ld+json``) on the dispute itself."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.decorators import action
from rest_framework.response import Response

from statements.api.interchange import (
    JSON_LD,
    JsonErrorsMixin,
    JSONLDRenderer,
    NothingToPublish,
    NothingToPublishResponseSerializer,
)
from statements.interchange import claimreview

_NODE = {"type": "object", "additionalProperties": True}
CLAIMREVIEW_SCHEMA = {
    "type": "object",
    "description": "A JSON-LD document (plain schema.org context) with one ClaimReview per "
    "contradicted position.",
    "required": ["@context", "@graph"],
    "properties": {
        "@context": {"type": "string", "enum": [claimreview.CONTEXT]},
        "@graph": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "@type",
                    "url",
                    "claimReviewed",
                    "itemReviewed",
                    "reviewRating",
                    "datePublished",
                    "author",
                ],
                "properties": {
                    "@type": {"type": "string", "enum": ["ClaimReview"]},
                    "@id": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "name": {"type": "string"},
                    "claimReviewed": {
                        "type": "string",
                        "maxLength": claimreview.CLAIM_REVIEWED_MAX,
                    },
                    "itemReviewed": _NODE,
                    "reviewRating": _NODE,
                    "datePublished": {"type": "string", "format": "date"},
                    "author": _NODE,
                    "citation": {"type": "array", "items": _NODE},
                    "associatedClaimReview": {"type": "array", "items": _NODE},
                },
            },
        },
    },
}
CLAIMREVIEW_DESCRIPTION = (
    "One schema.org ClaimReview per contradicted position of a reviewed dispute: with a "
    "verdict of supported, the positions clashing with the supported side; with unresolved, "
    "every position in a conflict. The claim's author, date and appearances come from the "
    "statements holding it; the rating names what contradicts it; the evidence and the other "
    "side are its citations. A dispute without such a verdict is a 409. The review's author "
    "and URL come from the settings CONTRADICT_CLAIMREVIEW_PUBLISHER_NAME, _PUBLISHER_URL and "
    "CONTRADICT_CLAIMREVIEW_URL."
)


class ClaimReviewMixin(JsonErrorsMixin):
    """Add ``GET .../claimreview/`` to the disputes and answer ``Accept: application/ld+json``."""

    def get_renderers(self):
        if self.action in ("retrieve", "claimreview"):
            return [renderers.JSONRenderer(), JSONLDRenderer()]
        return super().get_renderers()

    def claimreview_response(self, dispute):
        try:
            document = claimreview.dispute_claimreview(dispute)
        except claimreview.NothingToPublish as error:
            raise NothingToPublish(str(error)) from error
        return Response(document, content_type=JSON_LD)

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_media_type.startswith(JSON_LD):
            return self.claimreview_response(self.get_object())
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="A dispute as ClaimReview JSON-LD",
        description=CLAIMREVIEW_DESCRIPTION,
        responses={
            (200, JSON_LD): OpenApiResponse(CLAIMREVIEW_SCHEMA),
            (200, "application/json"): OpenApiResponse(CLAIMREVIEW_SCHEMA),
            (409, "application/json"): NothingToPublishResponseSerializer,
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def claimreview(self, request, pk=None):
        return self.claimreview_response(self.get_object())
