"""Request rates: anonymous clients per IP, signed-in clients per user, and a scope of its own
for the costly endpoints (from settings)."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RateFromSettings:
    # DRF's throttles copy the rates at import; reading them per request lets settings (and
    # tests) change them.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Limit anonymous clients by IP (``API_THROTTLE_ANON``, default 120/minute)."""


class UserThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Limit signed-in clients by user (``API_THROTTLE_USER``, default 1200/minute).

    Anonymous clients are the anonymous throttle's alone: DRF's user throttle counts them too,
    by address, which cost every anonymous request a second cache read and write for a limit
    above the anonymous one.
    """

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ScopedThrottle(_RateFromSettings, throttling.ScopedRateThrottle):
    """Limit a view's ``throttle_scope`` per user or IP (``check``: ``API_THROTTLE_CHECK``,
    default 30/minute), on top of the anonymous and user rates."""
