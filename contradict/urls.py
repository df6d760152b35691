"""URLs: the admin, the JSON API with its schema and docs under /api/, health under /health/."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from contradict.health import HealthView, ReadyView

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^health/live/?$", HealthView.as_view(), name="health-live"),
    re_path(r"^health/ready/?$", ReadyView.as_view(), name="health-ready"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include("statements.api.urls")),
]
