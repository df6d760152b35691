"""URLs: the landing page at /, the admin, the JSON API with its schema and docs under /api/,
health under /health/."""

from django.contrib import admin
from django.urls import include, path, re_path

from contradict.health import HealthView, ReadyView
from statements.api.docs import RedocView, SchemaView, SwaggerDocsView, redoc_bundle
from statements.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    re_path(r"^health/live/?$", HealthView.as_view(), name="health-live"),
    re_path(r"^health/ready/?$", ReadyView.as_view(), name="health-ready"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI and Redoc, from the app's own static files (statements/api/docs.py).
    path("api/docs/", SwaggerDocsView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    path("api/", include("statements.api.urls")),
]
