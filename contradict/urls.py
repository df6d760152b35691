"""URLs: the admin, and the JSON API with its schema and docs under /api/."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
