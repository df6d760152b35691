"""URLs: the admin, and the JSON API with its schema and docs under /api/."""

from django.contrib import admin
from django.urls import include, path

from statements.api.docs import RedocView, SchemaView, SwaggerDocsView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # Swagger UI and Redoc, from the app's own static files (statements/api/docs.py).
    path("api/docs/", SwaggerDocsView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/", include("statements.api.urls")),
]
