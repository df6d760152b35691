"""The errors the API raises itself (409, 412, 413, 428, 503), and their schema components.

Formatting lives in ``handlers``: every 4xx has one shape, ``{"type", "errors": [{"code",
"detail", "attr"}]}``.
"""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import exceptions, serializers, status


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it (If-Match does not match its ETag)."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "This write needs an If-Match header: the ETag of the record as you read it "
        "(or * to overwrite whatever is there)."
    )
    default_code = "precondition_required"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class InUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Other records refer to this one; change or delete them first."
    default_code = "in_use"


class _ClientError(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)


class _ServerError(serializers.Serializer):
    type = serializers.ChoiceField(choices=ServerErrorEnum.choices)


def _error_serializers(status_code: int, code: str, detail: str, base=_ClientError):
    error = type(
        f"Error{status_code}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=[(code, code)]),
            "detail": serializers.CharField(help_text=detail),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{status_code}Serializer",
        (base,),
        {"errors": error(many=True), "__doc__": detail},
    )


ErrorResponse409Serializer = _error_serializers(409, InUse.default_code, InUse.default_detail)
ErrorResponse412Serializer = _error_serializers(
    412, PreconditionFailed.default_code, PreconditionFailed.default_detail
)
ErrorResponse428Serializer = _error_serializers(
    428, PreconditionRequired.default_code, PreconditionRequired.default_detail
)
ErrorResponse413Serializer = _error_serializers(
    413, RequestTooLarge.default_code, RequestTooLarge.default_detail
)

ErrorResponse503Serializer = _error_serializers(
    503, "service_unavailable", "The database is unavailable; retry after Retry-After seconds.",
    base=_ServerError,
)  # fmt: skip
