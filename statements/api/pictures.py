"""Pictures of the record as SVG: a dispute's graph and the timeline of one question.

Both answer ``image/svg+xml`` (the same bytes for the same data, so they carry an ETag).
Errors keep the API's JSON shape: 404 for an unknown dispute, 400 naming a missing or unknown
``subject`` / ``predicate``, 503 naming the missing program when Graphviz is not installed.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from statements.models import Dispute, Entity, Predicate
from statements.pictures import GraphvizMissing, dispute_graph_svg, timeline_svg
from statements.selectors.workspace import dispute_picture, timeline_picture

SVG = "image/svg+xml"


PROGRAM_MISSING = (
    "The dispute graph needs Graphviz's 'dot' program, which is not installed on this "
    "server (Debian: apt-get install graphviz)."
)


def program_missing() -> Response:
    """Return the 503 for a missing ``dot``, in the API's error shape.

    Answered here rather than raised: the error handler re-raises server errors so that they
    are logged as crashes, and a missing optional program is a known state, not a crash.
    """
    error = {"code": "program_missing", "detail": PROGRAM_MISSING, "attr": None}
    return Response(
        {"type": "server_error", "errors": [error]}, status=status.HTTP_503_SERVICE_UNAVAILABLE
    )


def svg_response(request, body: bytes) -> HttpResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=SVG)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    # An SVG opened on its own is a document: let it run nothing, whatever it held.
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


class DisputeGraphApi(APIView):
    @extend_schema(
        summary="Draw a dispute as a graph",
        description="Positions as boxes, their supporters grouped by side (the root of the "
        "speaker's part_of, or evidence), live conflicts as red edges labelled with their rules "
        "and score. Drawn by Graphviz: 503 program_missing when the server lacks 'dot'.",
        responses={
            (200, SVG): OpenApiResponse(OpenApiTypes.BINARY, description="An SVG document."),
            404: OpenApiResponse(description="No such dispute."),
            503: OpenApiResponse(description="Graphviz's dot program is not installed."),
        },
    )
    def get(self, request, pk: int):
        dispute = get_object_or_404(Dispute, pk=pk)
        try:
            body = dispute_graph_svg(dispute_picture(dispute))
        except GraphvizMissing:
            return program_missing()
        return svg_response(request, body)


class TimelineApi(APIView):
    @extend_schema(
        summary="Draw the timeline of one question",
        description="The claims on one subject and predicate over time: one coloured lane per "
        "position, a circle per statement (when it was said), a square per evidence item (when "
        "it was captured), labelled with who.",
        parameters=[
            OpenApiParameter("subject", str, required=True, description="An entity's slug."),
            OpenApiParameter("predicate", str, required=True, description="A predicate's slug."),
            OpenApiParameter(
                "dispute", int, description="Colour this dispute's positions as its page does."
            ),
        ],
        responses={
            (200, SVG): OpenApiResponse(OpenApiTypes.BINARY, description="An SVG document."),
            400: OpenApiResponse(description="subject or predicate missing or unknown."),
        },
    )
    def get(self, request):
        errors = {}
        found = {}
        for name, model in (("subject", Entity), ("predicate", Predicate)):
            slug = request.query_params.get(name, "")
            if not slug:
                errors[name] = ["This parameter is required."]
                continue
            found[name] = model.objects.filter(slug=slug).first()
            if found[name] is None:
                errors[name] = [f"No {name} with slug {slug!r}."]
        dispute = request.query_params.get("dispute")
        if dispute is not None:
            found["dispute"] = (
                Dispute.objects.filter(pk=dispute).first() if dispute.isdigit() else None
            )
            if found["dispute"] is None:
                errors["dispute"] = [f"No dispute {dispute!r}."]
        if errors:
            raise exceptions.ValidationError(errors)
        return svg_response(request, timeline_svg(timeline_picture(**found)))
