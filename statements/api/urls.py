"""Routes of the JSON API, mounted at /api/."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from statements.api import views
from statements.api.rechecks import RecheckViewSet

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

urlpatterns = [
    path("check/", views.CheckApi.as_view(), name="check"),
    *router.urls,
    # ``[\s\S]``, not ``.``: a path with a newline (%0A) must get the JSON 404 too.
    re_path(r"^[\s\S]*$", views.NotFoundApi.as_view(), name="not-found"),
]
