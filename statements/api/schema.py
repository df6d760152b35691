"""OpenAPI generation: drf-standardized-errors' error responses, plus the API's own 409/412/413
only on the operations that can return them."""

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema


class AutoSchema(StandardizedErrorsAutoSchema):
    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code == "409":
            return self.method == "DELETE" and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "412":
            return self._takes_if_match() and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "413":
            return self.method in ("POST", "PUT", "PATCH") and super()._should_add_error_response(
                responses, status_code
            )
        return super()._should_add_error_response(responses, status_code)

    def _takes_if_match(self) -> bool:
        if self.method in ("PUT", "PATCH", "DELETE"):
            return True
        return self.method == "POST" and getattr(self.view, "action", None) == "review"
