"""Reads for the organisation and the audit log."""


from django.db.models import Q

from skreddersy.core.errors import AccessDenied
from skreddersy.core.models import AuditEntry
from skreddersy.policy import access


def audit_log(*, user, client_id: int | None = None, actor_id: int | None = None):
    """The audit log, newest first. Administrators only."""
    if not access.can_view_audit_log(user):
        raise AccessDenied("Bare administratorer kan lese tilgangsloggen.")
    qs = AuditEntry.objects.select_related("actor")
    q = Q()
    if client_id is not None:
        q &= Q(client_id=client_id)
    if actor_id is not None:
        q &= Q(actor_id=actor_id)
    return qs.filter(q).order_by("-at", "-id")
