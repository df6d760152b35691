"""One error shape for every 4xx: ``{"type", "errors": [{"code", "detail", "attr"}]}``.

drf-standardized-errors formats DRF's exceptions; this handler also turns the domain's Django
exceptions into client errors naming the field, so that no client mistake ends in a 500.
"""

from django.core import exceptions as django_exceptions
from django.db.models import ProtectedError, RestrictedError
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from rest_framework import exceptions
from rest_framework.settings import api_settings

from statements.api.exceptions import InUse, RequestTooLarge
from statements.api.unavailable import ServiceUnavailable, is_database_down


def validation_error_from_django(error: django_exceptions.ValidationError):
    """Return the DRF ValidationError for a service's Django ValidationError.

    Keys such as ``assertions.2.value`` are kept whole, so the error's ``attr`` names the field
    as the client sent it; ``__all__`` becomes DRF's non-field key.
    """
    if hasattr(error, "error_dict"):
        detail = {}
        for field, errors in error.error_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field
            detail[key] = [
                exceptions.ErrorDetail(message, code=item.code or "invalid")
                for item in errors
                for message in item.messages
            ]
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError(
        {
            api_settings.NON_FIELD_ERRORS_KEY: [
                exceptions.ErrorDetail(message, code=error.code or "invalid")
                for message in error.messages
            ]
        }
    )


class ExceptionHandler(BaseExceptionHandler):
    """Format every error the same way, and treat the domain's refusals as client errors."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, django_exceptions.ValidationError):
            return validation_error_from_django(exc)
        if isinstance(exc, ProtectedError | RestrictedError):
            return InUse()
        if isinstance(exc, django_exceptions.RequestDataTooBig):
            return RequestTooLarge()
        if is_database_down(exc):
            return ServiceUnavailable()
        return super().convert_known_exceptions(exc)

    def format_exception(self, exc: exceptions.APIException) -> dict:
        data = super().format_exception(exc)
        # A nested list or object that is itself wrong ("assertions": "none") is reported by
        # DRF under "assertions.non_field_errors"; the field at fault is "assertions".
        suffix = f".{api_settings.NON_FIELD_ERRORS_KEY}"
        for error in data.get("errors", []):
            if isinstance(error.get("attr"), str) and error["attr"].endswith(suffix):
                error["attr"] = error["attr"].removesuffix(suffix)
        return data
