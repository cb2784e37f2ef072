"""Databricks-shaped API errors: `{"error_code": ..., "message": ...}` with Databricks' status codes."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the API answers with (never a 500 for bad input)."""

    def __init__(self, status: int, error_code: str | int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


def invalid(message: str) -> ApiError:
    """400 INVALID_PARAMETER_VALUE, the code Databricks uses for most bad input."""
    return ApiError(400, "INVALID_PARAMETER_VALUE", message)


def invalid_state(message: str) -> ApiError:
    """400 INVALID_STATE: the request is well-formed but the object is in the wrong state."""
    return ApiError(400, "INVALID_STATE", message)


def run_not_found(run_id: int) -> ApiError:
    return invalid(f"Run {run_id} does not exist.")


def job_not_found(job_id: int) -> ApiError:
    return invalid(f"Job {job_id} does not exist.")


def malformed(detail: str) -> ApiError:
    return ApiError(400, "MALFORMED_REQUEST", f"Invalid JSON given in the body of the request - {detail}")


def endpoint_not_found(method: str, path: str) -> ApiError:
    return ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")


# Databricks' auth layer answers with a numeric error_code (observed on real workspaces).
def unauthenticated() -> ApiError:
    return ApiError(401, 401, "Credential was not sent or was of an unsupported type for this API.")


def invalid_token() -> ApiError:
    return ApiError(403, 403, "Invalid access token.")
