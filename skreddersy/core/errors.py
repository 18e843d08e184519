"""Errors that services and selectors raise. Views turn them into form errors, the API into
4xx JSON with a field and a reason. None of them is a 500."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: message} if field else {})

    def as_dict(self) -> dict:
        detail = [{"field": f, "reason": r} for f, r in self.errors.items()] or [{"field": None, "reason": self.message}]
        return {"code": self.code, "message": self.message, "detail": detail}


class InvalidInput(ServiceError):
    status = 422
    code = "invalid"


class AccessDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The record changed since the caller read it (optimistic locking) or a limit was reached."""

    status = 409
    code = "conflict"
