"""Errors the service layer raises. Each carries a message a user may read.

Adapters map them: the REST API to status codes and `{success: false, error}`,
the Reflex states to a message on the screen. Nothing else from the service
layer should reach a user.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base: `message` is safe to show; `field` names the input at fault."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ServiceError):
    status_code = 422


class AuthenticationError(ServiceError):
    """Wrong credentials, or no valid session. Never says which part was wrong."""

    status_code = 401


class PermissionDenied(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    """Missing and not-yours look the same, so ids reveal nothing."""

    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class RateLimited(ServiceError):
    status_code = 429

    def __init__(self, message: str = "Rate limit exceeded. Please try again later.", *, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class QuotaExceeded(RateLimited):
    """The user's daily token quota is used up until the next UTC midnight.

    A RateLimited, so every door already answers it the same way: the API with
    429 and Retry-After, the chat page with its message and the question kept.
    """


class Busy(ServiceError):
    """An answer is already being written in this conversation."""

    status_code = 409


class Unavailable(ServiceError):
    """The database cannot be reached: nothing was saved, try again shortly."""

    status_code = 503

    def __init__(
        self, message: str = "The service is unavailable right now. Nothing was lost: please try again in a moment."
    ):
        super().__init__(message)
