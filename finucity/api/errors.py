"""Every API error is JSON `{success: false, error, field?}`; no stack traces.

Service errors carry their own status and user-safe message. Anything
unexpected becomes a bare 500 (in middleware.RequestContextMiddleware) whose
details go to the log under the request id, which the client also receives.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from finucity.services.errors import RateLimited, ServiceError


class ApiError(Exception):
    def __init__(self, status_code: int, message: str, *, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.field = field
        self.headers = headers or {}


def error_response(
    request: Request, status: int, message: str, *, field: str | None = None, headers: dict | None = None
) -> JSONResponse:
    body = {"success": False, "error": message}
    if field:
        body["field"] = field
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers)


def _field_of(loc: tuple) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


_READABLE = {
    "missing": "is required",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "json_invalid": "is not valid JSON",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "string_too_long": "is too long",
    "less_than_equal": "is too large",
    "greater_than_equal": "is too small",
    "literal_error": "is not one of the allowed values",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status_code, exc.message, field=exc.field, headers=exc.headers)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return error_response(request, exc.status_code, exc.message, field=exc.field, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {}
        field = _field_of(tuple(first.get("loc", ())))
        if first.get("type") in ("json_invalid",) or (field is None and first.get("type") == "missing"):
            message = "The request body must be a JSON object."
            field = None
        else:
            reason = _READABLE.get(first.get("type", ""), "is not valid")
            message = f"'{field}' {reason}." if field else "The request is not valid."
        return error_response(request, 422, message, field=field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        messages = {404: "Not found", 405: "Method not allowed"}
        return error_response(
            request,
            exc.status_code,
            messages.get(exc.status_code, str(exc.detail)),
            headers=getattr(exc, "headers", None),
        )
