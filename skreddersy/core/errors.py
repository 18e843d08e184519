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


# What every 404 for an id in the address says, so a missing record and one the actor may not see
# answer alike (the answer must not tell which ids exist).
NOT_FOUND_MESSAGE = "Fant ikke det du lette etter."


class _AnswersAsMissing:
    """The one 404 answer, shared by ``NotFound`` and ``Hidden``: the generic text
    (``NOT_FOUND_MESSAGE``, translated), the specific one kept in ``internal_message`` for the
    code's readers; a form still gets the error on the field that named the id, the JSON names none."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = NOT_FOUND_MESSAGE, *, field: str | None = None, errors: dict[str, str] | None = None):
        self.internal_message = message
        generic = _not_found_message()
        fields = list(errors or {}) or ([field] if field else [])
        super().__init__(generic, field=field, errors={f: generic for f in fields})

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "detail": [{"field": None, "reason": self.message}]}


class NotFound(_AnswersAsMissing, ServiceError):
    """Nothing by that id. Every 404 says the same whatever was looked up, so that ``Hidden`` (a
    record the actor may not see) answers exactly alike."""


class Hidden(_AnswersAsMissing, AccessDenied):
    """The record exists but the actor may not see it: refused (and audited) like ``AccessDenied``,
    answered exactly like a missing record (404, ``NOT_FOUND_MESSAGE``), so ids cannot be probed."""


def _not_found_message() -> str:
    from django.utils.translation import gettext

    return gettext(NOT_FOUND_MESSAGE)


class Conflict(ServiceError):
    """The record changed since the caller read it (optimistic locking) or a limit was reached."""

    status = 409
    code = "conflict"


# A value the database cannot hold: an integer beyond 64 bits (SQLite raises OverflowError before
# the statement runs; PostgreSQL answers with a DataError such as "bigint out of range"), or any
# other value it refuses as data. Validation should stop these first; this is the net under it, so
# that such input is a 422 with a message and never a 500. The transaction around the write has
# rolled back by the time the error reaches the handler.
OUT_OF_RANGE_MESSAGE = "Et tall eller en verdi i forespørselen er utenfor det som kan lagres."


def out_of_range_errors() -> tuple[type[BaseException], ...]:
    from django.db import DataError

    return (OverflowError, DataError)


def out_of_range(exc: BaseException) -> InvalidInput:
    from django.utils.translation import gettext

    return InvalidInput(gettext(OUT_OF_RANGE_MESSAGE))
