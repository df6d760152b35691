"""Full re-checks over the API: start one (curators) and follow its progress (anyone)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from statements.api import fields
from statements.api.permissions import IsCurator
from statements.api.strict import StrictInputMixin
from statements.models import Recheck
from statements.services.rechecks import recheck_start


class RecheckSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="Share of shards done, 0 to 1.")

    class Meta:
        model = Recheck
        fields = [
            "id", "status", "backend", "reason", "shards_total", "shards_done", "progress",
            "found", "new", "retracted", "unchanged", "restored", "failures", "error",
            "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, recheck: Recheck) -> float:
        if not recheck.shards_total:
            return 0.0
        return round(recheck.shards_done / recheck.shards_total, 3)


class RecheckStartSerializer(StrictInputMixin, serializers.Serializer):
    shards = fields.IntegerField(
        required=False, min_value=1, max_value=1024, help_text="Subject-range shards."
    )
    reason = fields.CharField(required=False, allow_blank=True, max_length=300)


@extend_schema_view(
    list=extend_schema(summary="List full re-checks, newest first"),
    retrieve=extend_schema(summary="Follow one re-check's progress"),
)
class RecheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Full re-checks: on Celery workers when a broker is set, in-process otherwise."""

    queryset = Recheck.objects.all()
    serializer_class = RecheckSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsCurator()]
        return super().get_permissions()

    @extend_schema(
        summary="Start a full re-check",
        description=(
            "Re-check every assertion (after a predicate or exclusion rule changed). With Celery "
            "configured this answers 202 at once and the re-check runs on workers; in-process "
            "it answers when done."
        ),
        request=RecheckStartSerializer,
        responses={202: RecheckSerializer},
    )
    def create(self, request, *args, **kwargs):
        start = RecheckStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        recheck = recheck_start(
            shards=start.validated_data.get("shards"),
            reason=start.validated_data.get("reason") or "API request",
            requested_by=request.user,
        )
        return Response(RecheckSerializer(recheck).data, status=status.HTTP_202_ACCEPTED)
