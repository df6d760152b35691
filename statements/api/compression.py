"""Gzip for the API's JSON, and nothing else.

A page of 50 disputes or conflicts is tens of kilobytes of repetitive JSON that gzip shrinks
several times over. Only ``/api/`` JSON bodies of at least ``MIN_SIZE`` bytes are compressed:
they hold no secret (no CSRF token, no session or API token), so compressing them next to what a
client sent gives a BREACH attacker nothing to recover; the admin's HTML, which carries the
CSRF token, is never compressed here.
"""

from django.middleware.gzip import GZipMiddleware

MIN_SIZE = 1024


class ApiJsonGZipMiddleware(GZipMiddleware):
    """Compress large JSON responses under /api/ for clients that accept gzip."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        if not response.get("Content-Type", "").startswith("application/json"):
            return response
        if not response.streaming and len(response.content) < MIN_SIZE:
            return response
        return super().process_response(request, response)
