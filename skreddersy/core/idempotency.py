"""Idempotency keys on the JSON API's unsafe requests (POST, PUT, PATCH, DELETE).

A client that sends ``Idempotency-Key: <up to 255 visible characters>`` may retry the request
(after a timeout or a dropped connection) with the same key and body: the retry gets the stored
answer (status, content type, body, and the header ``Idempotent-Replayed: true``) and the work is
not done again. The same key with another request (method, path, query or body) is refused with
422; keys are per user and expire after ``IDEMPOTENCY_KEY_TTL_SECONDS``.

How two requests with one key at the same moment make one object: the key's row is inserted in
the same transaction as the request's own work, and committed with it. On PostgreSQL the second
insert waits on the unique index until the first transaction ends, then fails and reads the
stored answer; on SQLite the settings open every transaction with BEGIN IMMEDIATE, so the second
request waits for the first to commit. A server error (5xx) rolls the key back with the work, so
a retry does the work again.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from skreddersy.core import clock
from skreddersy.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"code": "idempotency", "message": message, "detail": [{"field": HEADER, "reason": message}]}, status=status
    )


def _fingerprint(request) -> str:
    h = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.META.get("QUERY_STRING", "").encode()):
        h.update(part + b"\n")
    h.update(request.body)
    return h.hexdigest()


def _valid(key: str) -> bool:
    return 0 < len(key) <= 255 and all(32 < ord(ch) < 127 for ch in key)


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def applies(request) -> bool:
    return request.method in UNSAFE and HEADER.lower() in {h.lower() for h in request.headers}


def handle(request, get_response) -> HttpResponse:
    """Answer an unsafe request that carries an idempotency key (``applies`` is true)."""
    key = request.headers.get(HEADER, "").strip()
    if not _valid(key):
        return _error(422, _("Idempotency-Key må være 1–255 synlige tegn (ASCII)."))
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return get_response(request)  # refused as unauthenticated by the API itself; nothing to keep
    fingerprint = _fingerprint(request)
    expired_before = clock.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    with transaction.atomic():
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=expired_before).delete()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            row = IdempotencyKey.objects.filter(user=user, key=key).first()
            if row is None:  # expired and deleted by a request that then failed: go again
                return _error(409, _("En forespørsel med denne Idempotency-Key pågår. Prøv igjen om litt."))
            if row.fingerprint != fingerprint:
                return _error(422, _("Denne Idempotency-Key er alt brukt for en annen forespørsel. Bruk en ny nøkkel."))
            if row.status_code is None:
                return _error(409, _("En forespørsel med denne Idempotency-Key pågår. Prøv igjen om litt."))
            return _replay(row)
        response = get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            transaction.set_rollback(True)  # nothing of the failed attempt stays, the key included
            return response
        row.status_code = response.status_code
        row.content_type = response.get("Content-Type", "")
        row.body = response.content
        row.save(update_fields=["status_code", "content_type", "body"])
    return response


def delete_expired(now: dt.datetime | None = None) -> int:
    """Delete keys past their lifetime (the housekeeping task); returns how many."""
    cutoff = (now or clock.now()) - dt.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
