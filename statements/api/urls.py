"""Routes of the JSON API, mounted at /api/."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from statements.api import exports, views
from statements.api.imports import ClaimReviewImportApi
from statements.api.pictures import DisputeGraphApi, TimelineApi
from statements.api.rechecks import RecheckViewSet
from statements.api.tokens import TokenLogoutAllApi, TokenLogoutApi, TokenRotateApi
from statements.api.vocabularies import EntityKindViewSet, EvidenceKindViewSet
from statements.api.webhooks import WebhookSubscriberViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("entities", views.EntityViewSet, basename="entity")
router.register("sources", views.SourceViewSet, basename="source")
router.register("predicates", views.PredicateViewSet, basename="predicate")
router.register("exclusion-rules", views.ExclusionRuleViewSet, basename="exclusion-rule")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("assertions", views.AssertionViewSet, basename="assertion")
router.register("positions", views.PositionViewSet, basename="position")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("disputes", views.DisputeViewSet, basename="dispute")
router.register("rechecks", RecheckViewSet, basename="recheck")
router.register("entity-kinds", EntityKindViewSet, basename="entity-kind")
router.register("evidence-kinds", EvidenceKindViewSet, basename="evidence-kind")
router.register("webhooks", WebhookSubscriberViewSet, basename="webhook")

urlpatterns = [
    path("check/", views.CheckApi.as_view(), name="check"),
    path("auth/token/rotate/", TokenRotateApi.as_view(), name="token-rotate"),
    path("auth/logout/", TokenLogoutApi.as_view(), name="token-logout"),
    path("auth/logout-all/", TokenLogoutAllApi.as_view(), name="token-logout-all"),
    path("imports/claimreview/", ClaimReviewImportApi.as_view(), name="import-claimreview"),
    path("exports/statements/", exports.StatementExportApi.as_view(), name="export-statements"),
    path("exports/evidence/", exports.EvidenceExportApi.as_view(), name="export-evidence"),
    path("exports/conflicts/", exports.ConflictExportApi.as_view(), name="export-conflicts"),
    path("exports/disputes/", exports.DisputeExportApi.as_view(), name="export-disputes"),
    path("disputes/<int:pk>/graph/", DisputeGraphApi.as_view(), name="dispute-graph-svg"),
    path("timeline/", TimelineApi.as_view(), name="timeline-svg"),
    *router.urls,
    # ``[\s\S]``, not ``.``: a path with a newline (%0A) must get the JSON 404 too.
    re_path(r"^[\s\S]*$", views.NotFoundApi.as_view(), name="not-found"),
]
