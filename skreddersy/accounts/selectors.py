"""Reads for the login lock and the audit log page."""

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied
from skreddersy.core.models import AuditEntry, LoginFailure
from skreddersy.policy import access


def login_locked(*, username: str, address: str) -> bool:
    """True while too many recent failures stand against the username or the address."""
    since = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    return (
        recent.filter(username=username[:150].lower()).count() >= limit
        or recent.filter(address=address[:64]).count() >= limit * 4
    )


AUDIT_PAGE = 100


def audit_log(*, user, client_id: int | None = None, actor_id: int | None = None, page=None):
    """The audit log, newest first: all of it as a queryset, or with ``page`` (a page number as
    given, read leniently) one page of ``AUDIT_PAGE`` entries, read here. Administrators only."""
    if not access.can_view_audit_log(user):
        raise AccessDenied("Bare administratorer kan lese tilgangsloggen.")
    qs = AuditEntry.objects.select_related("actor")
    q = Q()
    if client_id is not None:
        q &= Q(client_id=client_id)
    if actor_id is not None:
        q &= Q(actor_id=actor_id)
    qs = qs.filter(q).order_by("-at", "-id")
    if page is None:
        return qs
    result = Paginator(qs, AUDIT_PAGE).get_page(page)
    result.object_list = list(result.object_list)
    return result
