"""Reads for the audit log page. (Failed logins are counted by django-axes: see core/login.py.)"""

from django.core.paginator import Paginator
from django.db.models import Q

from skreddersy.core.errors import AccessDenied
from skreddersy.core.models import AuditEntry
from skreddersy.policy import access

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
