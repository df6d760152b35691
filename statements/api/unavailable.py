"""A database that is down or restarting: a JSON 503 with ``Retry-After`` on /api/, never a page.

``OperationalError`` and ``InterfaceError`` are what Django raises when the database cannot be
reached, refuses connections while it restarts, or drops a connection in use. Inside a DRF view
the exception handler turns them into ``ServiceUnavailable``; anywhere else (opening the
request's transaction, a middleware) Django would render its HTML 500, so
``DatabaseUnavailableMiddleware`` answers /api/ paths with the same JSON instead.

A read that failed this way is tried once more with a fresh connection: a connection that went
stale while the request ran (the server restarted) costs nothing but the retry, and a read
changes nothing, so running it twice is safe. A write is never retried here: whether it reached
the database is unknown, and the client (which gets the 503) decides.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import JsonResponse
from rest_framework import exceptions, status

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_MARK = "_contradict_database_down"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable; retry after the time in Retry-After."
    default_code = "service_unavailable"

    def __init__(self, detail=None, code=None):
        super().__init__(detail, code)
        self.wait = retry_after()  # read by the handler for the Retry-After header


def retry_after() -> int:
    return settings.CONTRADICT_RETRY_AFTER


def is_database_down(error: BaseException | None) -> bool:
    """Return whether ``error`` says the database cannot be reached (not a bad query)."""
    return isinstance(error, OperationalError | InterfaceError)


def _mark(sender, request=None, **kwargs) -> None:
    # Sent while the exception is being handled (by Django, or by the DRF handler for a 5xx).
    if request is not None and is_database_down(sys.exc_info()[1]):
        setattr(request, _MARK, True)


def unavailable_response() -> JsonResponse:
    """Return the 503 in the API's one error shape."""
    error = ServiceUnavailable()
    response = JsonResponse(
        {
            "type": "server_error",
            "errors": [{"code": error.default_code, "detail": str(error.detail), "attr": None}],
        },
        status=error.status_code,
    )
    response["Retry-After"] = str(error.wait)
    return response


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class DatabaseUnavailableMiddleware:
    """Answer /api/ requests the database failed with a JSON 503; retry a failed read once."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark, dispatch_uid="contradict-database-down")

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        response = self.get_response(request)
        if not getattr(request, _MARK, False):
            return response
        if request.method in SAFE_METHODS:
            delattr(request, _MARK)
            _drop_broken_connections()
            response = self.get_response(request)
            if not getattr(request, _MARK, False):
                return response
        if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE and response.get(
            "Retry-After"
        ):
            return response  # the DRF handler's, already in the API's shape
        return unavailable_response()
