"""The project's URLs plus a plain view for the HTTP benchmark (bench only, never shipped).

``/plain/conflicts/`` returns the same first 50 conflicts as ``/api/conflicts/?page_size=50``
(same order) as JSON from ``.values()``: no serializer, filters, pagination count, throttle,
ETag or joins of the two sides. It is the floor the API is measured against.
"""

from django.http import JsonResponse
from django.urls import path

from contradict.urls import urlpatterns as project_urlpatterns
from statements.models import Conflict

FIELDS = (
    "id",
    "rule",
    "kind",
    "pair_class",
    "status",
    "score",
    "explanation",
    "reason",
    "assertion_a_id",
    "assertion_b_id",
    "review_decision",
    "review_note",
    "reviewed_at",
    "detected_at",
    "updated_at",
    "retracted_at",
)


def plain_conflicts(request):
    rows = list(Conflict.objects.order_by("-score", "-id").values(*FIELDS)[:50])
    return JsonResponse({"results": rows})


urlpatterns = [path("plain/conflicts/", plain_conflicts), *project_urlpatterns]
