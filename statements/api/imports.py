"""Imports curators send through the API: ClaimReview items from a Fact Check Tools response."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from statements.api.filters import strict_bool
from statements.api.permissions import IsCurator
from statements.interchange.factcheck import factcheck_import


class SkippedClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The claim's index in the response's claims.")
    reason = serializers.CharField()


class FactCheckReportSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField(), help_text="Statement refs.")
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    speakers_created = serializers.ListField(
        child=serializers.CharField(),
        help_text="Slugs of the entities made for claimants not on record (kind other: give "
        "them their kind).",
    )
    skipped = SkippedClaimSerializer(many=True)
    dry_run = serializers.BooleanField()


class ClaimReviewImportApi(APIView):
    """POST a Fact Check Tools ``claims:search`` response; get its reviews as statements."""

    permission_classes = [IsCurator]

    @extend_schema(
        summary="Import ClaimReview items (Fact Check Tools claims:search)",
        description="Each review of a claim becomes a statement: the claimant (matched by name "
        "or alias, else a new entity of kind other) speaks, the review's page is the source, "
        "claimDate is when it was said, the text is the quote. Assertions are left for a "
        "curator. Refs come from the review URL, so sending the same response again changes "
        "nothing. Claims without a claimant, text or claimDate are skipped and listed; a "
        "malformed item is a 400 naming it and nothing is written. Curators only.",
        parameters=[
            OpenApiParameter(
                "dry_run", str, enum=["true", "false"], description="Check and report only."
            )
        ],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={200: FactCheckReportSerializer},
    )
    def post(self, request):
        dry_run = strict_bool(request, "dry_run")
        report = factcheck_import(data=request.data, created_by=request.user, dry_run=dry_run)
        return Response(FactCheckReportSerializer(asdict(report)).data)
