"""The project's URLs plus the plain views of the HTTP benchmark (bench only, never shipped).

``/plain/disputes/`` and ``/plain/conflicts/`` return the same JSON bodies as
``/api/disputes/`` and ``/api/conflicts/`` (``bench/plain_views.py``): the floor the API is
measured against.
"""

from django.urls import path
from plain_views import plain_conflicts, plain_disputes

from contradict.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("plain/disputes/", plain_disputes),
    path("plain/conflicts/", plain_conflicts),
    *project_urlpatterns,
]
