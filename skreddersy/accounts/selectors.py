"""Reads for the audit log page and the client's own view of the trail (Min side). Failed logins
are counted by django-axes (core/login.py)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skreddersy.core import audit
from skreddersy.core.errors import AccessDenied, NotFound
from skreddersy.core.models import AccessGrant, AuditEntry, StaffMember, User
from skreddersy.policy import access

AUDIT_PAGE = 100


def database_answers() -> bool:
    """Whether the database answers a trivial query (``/helse/``). Never raises."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except (DatabaseError, OSError):
        return False


def audit_log(*, user, client_id: int | None = None, actor_id: int | None = None, page=None):
    """The audit log, newest first: all of it as a queryset, or with ``page`` (a page number as
    given, read leniently) one page of ``AUDIT_PAGE`` entries, read here. Administrators only.
    With a client: every entry that covers the client, one-client entries and page views that
    listed it (``AuditEntry.objects.about``)."""
    if not access.can_view_audit_log(user):
        raise AccessDenied(_("Bare administratorer kan lese tilgangsloggen."))
    qs = AuditEntry.objects.select_related("actor")
    if client_id is not None:
        qs = qs.about(client_id)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    qs = qs.order_by("-at", "-id")
    if page is None:
        return qs
    result = Paginator(qs, AUDIT_PAGE).get_page(page)
    result.object_list = list(result.object_list)
    return result


@dataclass
class SeenBy:
    """One line of a client's own view of the audit trail: when, which office and role, what and
    why, and the outcome. ``name`` is empty unless the administrator turned names on."""

    at: object
    offices: str
    roles: str
    name: str
    what: str
    why: str
    action: str
    action_label: str


def own_access_log(*, user, page: int = 1, per_page: int = 50) -> tuple[list[SeenBy], bool]:
    """For a logged-in client: who at Nav has read or changed their record, or tried to, newest
    first, as office and role (staff names only when ``AUDIT_SHOW_STAFF_NAMES`` is on). The
    client's own use of Min side is left out. Audited as a read of the client's record."""
    a = access.actor(user)
    if not a.is_client:
        raise AccessDenied(_("Bare brukeren selv kan se hvem som har sett opplysningene sine."))
    page = max(1, min(int(page), 10_000))
    rows = audit.entries_about(a.client_id, limit=per_page + 1, offset=(page - 1) * per_page, exclude_actor_id=user.pk)
    staff = {
        s.user_id: s
        for s in StaffMember.objects.filter(user_id__in={r.actor_id for r in rows if r.actor_id})
        .prefetch_related("roles", "memberships__office")
    }
    show_names = bool(getattr(settings, "AUDIT_SHOW_STAFF_NAMES", False))
    out = []
    for r in rows[:per_page]:
        s = staff.get(r.actor_id)
        if s is not None:
            offices = ", ".join(sorted(f"Nav {m.office.name}" for m in s.memberships.all())) or _("Nav")
            roles = ", ".join(sorted(str(x.get_role_display()) for x in s.roles.all()))
            name = s.display_name if show_names else ""
        else:
            offices, roles, name = (_("Ukjent (ikke innlogget)"), "", "") if r.actor_id is None else (_("Nav"), "", "")
        out.append(SeenBy(at=r.at, offices=offices, roles=roles, name=name, what=r.what, why=r.why,
                          action=r.action, action_label=str(AuditEntry.Action(r.action).label)))
    audit.record(user, a.client_id, audit.READ, "min side: hvem har sett opplysningene")
    return out, len(rows) > per_page


# --- who can change who sees what -------------------------------------------------------------------

GRANTS_PAGE = 50


@dataclass
class PendingGrant:
    grant: AccessGrant
    can_approve: bool  # a second administrator, not the one it is for
    can_refuse: bool


@dataclass
class GrantsPage:
    pending: list[PendingGrant]
    history: object  # a Paginator page of AccessGrant


def grants(*, user, page=1, staff_id: int | None = None) -> GrantsPage:
    """Administrators: the changes of roles, clearances, employer and offices waiting for a second
    administrator (with what this user may do about each), and the history, newest first
    (optionally for one staff member)."""
    if not access.can_view_grants(user):
        audit.record(user, None, audit.DENIED, "tilgangsendringer", why="bare administratorer")
        raise AccessDenied(_("Bare administratorer kan se og endre tilganger."))
    qs = AccessGrant.objects.select_related("staff", "requested_by", "decided_by", "office", "team")
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    pending = [
        PendingGrant(g, access.may_decide_grant(user, g),
                     access.may_change_access_of(user, g.staff) or (g.requested_by_id == user.pk and g.staff.user_id != user.pk))
        for g in qs.filter(status=AccessGrant.Status.PENDING).order_by("requested_at", "id")[:200]
    ]
    history = Paginator(qs.order_by("-requested_at", "-id"), GRANTS_PAGE).get_page(page)
    history.object_list = list(history.object_list)
    return GrantsPage(pending=pending, history=history)


# --- an administrator sets another login's password (accounts.services.reset_password) ------------------

PASSWORD_RESET = "passord: satt av administrator"


def password_target(*, user, target: User | int) -> User:
    """The login whose password ``user`` may set, or AccessDenied (audited) / NotFound."""
    pk = target.pk if isinstance(target, User) else target
    found = User.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if not access.is_administrator(user):
        # the same refusal whether the id names a login or not, so the answer does not tell which
        # logins exist (the audit entry names the login when there is one)
        # the audit entry keeps the bokmål as written, the user reads it in their language
        message = gettext_noop("Bare administratorer kan sette passord for andre.")
        audit.record(user, None, audit.DENIED, PASSWORD_RESET, why=message, obj=found)
        raise AccessDenied(_(message))
    if found is None:
        raise NotFound("Fant ingen bruker med denne id-en.", field="user")
    if not access.may_reset_password_of(user, found):
        if not access.is_administrator(user):
            message = gettext_noop("Bare administratorer kan sette passord for andre.")
        elif found.pk == user.pk:
            message = gettext_noop("Du kan ikke sette ditt eget passord her. En administrators passord settes på "
                                   "serveren (manage.py changepassword).")
        else:
            message = gettext_noop("En administrators passord kan ikke settes av en annen administrator her (det "
                                   "ville gått rundt kravet om to administratorer). Det gjøres på serveren med "
                                   "manage.py changepassword.")
        audit.record(user, None, audit.DENIED, PASSWORD_RESET, why=message[:200], obj=found)
        raise AccessDenied(_(message))
    return found
