"""Writes for who can see what: roles, clearances (kode 6, kode 7, skjermet), the employer
(which decides the side of the records a staff member sees) and the offices they serve (which
decide whose clients they see), with their team there. Every change is an
``AccessGrant`` row (who asked, for whom, what, why, when) and an audit entry; nothing else
writes these fields (the admin shows them read-only).

Four eyes: a kode 6 clearance and the administrator role take effect only when a second
administrator approves them (``approve_grant``); until then they are pending and change
nothing. Taking access away, and the other grants, take effect at once. Nobody changes their
own record, and nobody approves their own request (``policy.access.may_change_access_of``,
``may_decide_grant``). See docs/decisions/0033-grants-record-sides.md.

Office memberships (``What.OFFICE``: join or leave an office; ``What.TEAM``: the team there) go
the same way and take effect at once: moving staff between offices is routine, and what keeps an
administrator from reading an office's clients is that nobody changes their own memberships and
every change is recorded with a reason (docs/decisions/0044-office-memberships-and-municipal-messages.md).
The seed command writes memberships directly (it is not a user); nothing else does.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from skreddersy.accounts import selectors
from skreddersy.accounts.selectors import PASSWORD_RESET
from skreddersy.core import audit, clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import AccessGrant, Office, OfficeMembership, StaffMember, StaffRole, Team, User
from skreddersy.policy import access

What = AccessGrant.What
Change = AccessGrant.Change
Status = AccessGrant.Status

# What needs a second administrator before it takes effect (when given; taking away is at once).
FOUR_EYES = frozenset({What.KODE6, What.ADMINISTRATOR})
CLEARANCE_FIELDS = {
    What.KODE6: "clearance_strictly_confidential",
    What.KODE7: "clearance_confidential",
    What.SKJERMET: "clearance_skjermet",
}
OFFICE_WHATS = frozenset({What.OFFICE, What.TEAM})
EMPLOYERS = {What.EMPLOYER_STATE: StaffMember.Employer.STATE, What.EMPLOYER_MUNICIPAL: StaffMember.Employer.MUNICIPAL}
REASON_MIN = 10
REASON_MAX = 1000


def has(staff: StaffMember, what: str, *, office=None, team=None) -> bool:
    """Whether ``staff`` holds ``what`` now: for ``What.OFFICE`` a membership of ``office``, for
    ``What.TEAM`` membership of ``team`` (given) or of any team at ``office`` (no team given)."""
    if what == What.OFFICE:
        return OfficeMembership.objects.filter(staff_id=staff.pk, office_id=_pk(office)).exists()
    if what == What.TEAM:
        m = OfficeMembership.objects.filter(staff_id=staff.pk, office_id=_pk(office))
        return m.filter(team_id=_pk(team)).exists() if team is not None else m.filter(team__isnull=False).exists()
    if what in CLEARANCE_FIELDS:
        return bool(getattr(staff, CLEARANCE_FIELDS[what]))
    if what in EMPLOYERS:
        return staff.employer == EMPLOYERS[what]
    return StaffRole.objects.filter(staff=staff, role=what).exists()


def _deny(user, message: str, what: str, obj=None):
    """The refusal, audited: the audit entry keeps ``message`` in bokmål as written (mark it with
    ``gettext_noop``), the user reads it in their language."""
    audit.record(user, None, audit.DENIED, what, why=message[:200], obj=obj)
    return AccessDenied(_(message))


def _reason(reason, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise (
            InvalidInput(_("Begrunnelsen mangler."), field=field)
            if not reason
            else InvalidInput(
                _("Skriv en begrunnelse på minst %(least)d tegn: hvorfor trengs endringen?") % {"least": REASON_MIN},
                field=field,
            )
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Begrunnelsen kan være høyst %(most)d tegn.") % {"most": REASON_MAX}, field=field)
    return reason


def _apply(grant: AccessGrant) -> None:
    """Make the grant take effect on the staff member's record."""
    staff = StaffMember.objects.select_for_update().get(pk=grant.staff_id)
    give = grant.change == Change.GRANT
    if grant.what == What.OFFICE:
        if give:
            OfficeMembership.objects.create(staff=staff, office_id=grant.office_id, team_id=grant.team_id)
        else:
            OfficeMembership.objects.filter(staff=staff, office_id=grant.office_id).delete()
    elif grant.what == What.TEAM:
        OfficeMembership.objects.filter(staff=staff, office_id=grant.office_id).update(team_id=grant.team_id if give else None)
    elif grant.what in CLEARANCE_FIELDS:
        setattr(staff, CLEARANCE_FIELDS[grant.what], give)
        staff.save(update_fields=[CLEARANCE_FIELDS[grant.what]])
    elif grant.what in EMPLOYERS:
        staff.employer = EMPLOYERS[grant.what]
        staff.save(update_fields=["employer"])
    elif give:
        StaffRole.objects.get_or_create(staff=staff, role=grant.what)
    else:
        StaffRole.objects.filter(staff=staff, role=grant.what).delete()
    if grant.what == What.ADMINISTRATOR:  # the administrator role opens the admin site, and nothing else does
        user = staff.user
        user.is_staff = give or user.is_superuser
        user.save(update_fields=["is_staff"])


def _label(grant: AccessGrant) -> str:
    where = f" {grant.office.number}" if grant.office_id else ""  # the office's number, no person
    return f"tilgang: {grant.change} {grant.what}{where}"


def _pk(obj):
    return getattr(obj, "pk", obj)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _office_and_team(what: str, change: str, office, team, errors: dict) -> tuple[Office | None, Team | None]:
    """The office and team an office change names (an Office, its id or its number; a Team, its
    id or its name at the office), or errors: both are required where they mean something and
    refused where they do not."""
    if what not in OFFICE_WHATS:
        if not _blank(office):
            errors["office"] = _("Kontor velges bare for endring av kontortilknytning eller team.")
        if not _blank(team):
            errors["team"] = _("Team velges bare for endring av kontortilknytning eller team.")
        return None, None
    found = None
    if _blank(office):
        errors["office"] = _("Skriv enhetsnummeret til kontoret.")
    elif isinstance(office, Office):
        found = Office.objects.filter(pk=office.pk).first()
    elif isinstance(office, int):
        found = Office.objects.filter(pk=office).first()
    else:
        found = Office.objects.filter(number=str(office).strip()).first()
    if found is None and "office" not in errors:
        errors["office"] = _("Fant ikke noe Nav-kontor med dette enhetsnummeret.")
    wanted = None
    if _blank(team):
        if what == What.TEAM and change == Change.GRANT:
            errors["team"] = _("Skriv navnet på teamet.")
    elif what == What.TEAM and change == Change.REVOKE:
        errors["team"] = _("Å ta bort teamet gjelder teamet personen har ved kontoret: la feltet stå tomt.")
    elif found is not None:
        qs = Team.objects.filter(office=found)
        if isinstance(team, Team | int):
            wanted = qs.filter(pk=_pk(team)).first()
        else:
            wanted = qs.filter(name__iexact=str(team).strip()).first()
        if wanted is None:
            errors["team"] = _("Fant ikke noe team med dette navnet ved %(office)s.") % {"office": found.name}
    if what == What.OFFICE and change == Change.REVOKE and wanted is not None:
        errors["team"] = _("Når personen går ut av kontoret, går de også ut av teamet: la feltet stå tomt.")
    return found, wanted


def _already(target: StaffMember, what: str, change: str, office: Office | None, team: Team | None):
    """The refusal of a change that would change nothing (read under the caller's lock)."""
    name = target.display_name
    if what == What.OFFICE:
        if change == Change.GRANT:
            return InvalidInput(_("%(name)s er allerede knyttet til %(office)s.") % {"name": name, "office": office.name},
                                field="office")
        return InvalidInput(_("%(name)s er ikke knyttet til %(office)s.") % {"name": name, "office": office.name},
                            field="office")
    if what == What.TEAM:
        if not has(target, What.OFFICE, office=office):
            return InvalidInput(_("%(name)s er ikke knyttet til %(office)s. Knytt personen til kontoret først.")
                                % {"name": name, "office": office.name}, field="office")
        if change == Change.GRANT:
            return InvalidInput(_("%(name)s er allerede i dette teamet.") % {"name": name}, field="team")
        return InvalidInput(_("%(name)s har ikke noe team ved %(office)s.") % {"name": name, "office": office.name},
                            field="team")
    if change == Change.GRANT:
        return InvalidInput(_("%(name)s har allerede dette.") % {"name": name}, field="what")
    return InvalidInput(_("%(name)s har ikke dette.") % {"name": name}, field="what")


def _changes_nothing(locked: StaffMember, what: str, change: str, office, team) -> bool:
    give = change == Change.GRANT
    if what == What.TEAM:
        if not has(locked, What.OFFICE, office=office):
            return True
        return has(locked, What.TEAM, office=office, team=team if give else None) == give
    return has(locked, what, office=office) == give


def _require_sees_own_caseload(staff_id: int, what: str) -> None:
    """A change that takes something away (an office, a follow-up role, a clearance) is refused while
    it would leave the staff member the counsellor of clients they could no longer see: those
    clients would stay assigned to someone who cannot follow them up. Read after the change, in
    its transaction (the refusal undoes it). The leader hands them out first; the administrator
    learns how many, not who."""
    from skreddersy.clients.models import Client

    staff = StaffMember.objects.get(pk=staff_id)
    roles = frozenset(StaffRole.objects.filter(staff=staff).values_list("role", flat=True))
    mine = Client.objects.filter(counsellor=staff).only("office_id", "address_protection", "skjermet")
    n = sum(1 for c in mine.iterator() if not access.staff_sees_client(staff, roles, c))
    if n:
        raise InvalidInput(
            ngettext(
                "Da ville %(name)s ikke lenger se %(n)d bruker de er veileder for. Be en leder ved kontoret "
                "dele ut brukeren til en annen veileder først (Fordeling, Veilederoversikt).",
                "Da ville %(name)s ikke lenger se %(n)d brukere de er veileder for. Be en leder ved kontoret "
                "dele ut brukerne til andre veiledere først (Fordeling, Veilederoversikt).",
                n,
            ) % {"name": staff.display_name, "n": n},
            field="office" if what == What.OFFICE else "what",
        )


def request_grant(*, user, staff: StaffMember | int, what: str, change: str, reason: str,
                  office: Office | int | str | None = None, team: Team | int | str | None = None) -> AccessGrant:
    """Give (``change="grant"``) or take away (``"revoke"``) a role, clearance or employer, or a
    membership of ``office`` (``What.OFFICE``, joined optionally into ``team``) or a team there
    (``What.TEAM``). Takes effect at once, or (kode 6 and the administrator role, when given, and
    anything given to a login whose password the asking administrator set: decision 0048) is
    left pending for a second administrator. Refused for one's own record, for
    non-administrators, and for a change that changes nothing; a reason of at least
    ``REASON_MIN`` characters is required."""
    if not access.is_administrator(user):
        raise _deny(user, gettext_noop("Bare administratorer kan endre roller og tilganger."), "tilgang: endre")
    target = _staff(staff)
    if not access.may_change_access_of(user, target):
        raise _deny(
            user,
            gettext_noop("Du kan ikke endre dine egne roller eller tilganger. Be en annen administrator."),
            "tilgang: endre egen",
            obj=target,
        )
    errors = {}
    if what not in What.values:
        errors["what"] = _("Velg en rolle, tilgang eller tilsetting fra listen.")
    if change not in Change.values:
        errors["change"] = _("Velg om tilgangen skal gis eller tas bort.")
    elif what in EMPLOYERS and change == Change.REVOKE:
        errors["change"] = _("Tilsettingsforholdet kan ikke tas bort, bare endres: velg det nye.")
    office, team = _office_and_team(what, change, office, team, errors) if what in What.values else (None, None)
    try:
        reason = _reason(reason)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(_("Endringen kan ikke lagres."), errors=errors)
    now = clock.now()
    # four eyes for kode 6 and the administrator role, and for anything given to a login whose
    # password the asking administrator set (a login they could use themself: decision 0048)
    four_eyes = change == Change.GRANT and (what in FOUR_EYES or access.knows_password_of(user, target))
    try:
        with transaction.atomic():
            # what the staff member holds now, read under a lock (never from the caller's copy)
            locked = StaffMember.objects.select_for_update().get(pk=target.pk)
            if _changes_nothing(locked, what, change, office, team):
                raise _already(target, what, change, office, team)
            grant = AccessGrant.objects.create(
                office=office,
                team=team,
                staff=target,
                what=what,
                change=change,
                reason=reason,
                requested_by=user,
                requested_at=now,
                status=Status.PENDING if four_eyes else Status.EFFECTIVE,
                decided_by=None if four_eyes else user,
                decided_at=None if four_eyes else now,
            )
            if not four_eyes:
                _apply(grant)
                if change == Change.REVOKE:
                    _require_sees_own_caseload(target.pk, what)
            audit.record(
                user, None, audit.WRITE, _label(grant) + (" (venter)" if four_eyes else ""), why=reason, obj=grant
            )
    except IntegrityError:
        raise Conflict(_("Det finnes allerede en endring av dette som venter på godkjenning."), field="what") from None
    return grant


def approve_grant(*, user, grant: AccessGrant | int) -> AccessGrant:
    """A second administrator approves a pending grant: it takes effect now."""
    return _decide(user, grant, approve=True, reason="")


def refuse_grant(*, user, grant: AccessGrant | int, reason: str) -> AccessGrant:
    """An administrator (not the one it is for) refuses a pending grant, with a reason; nothing
    changes on the staff member's record. The one who asked may withdraw it the same way."""
    return _decide(user, grant, approve=False, reason=reason)


def _decide(user, grant, *, approve: bool, reason: str) -> AccessGrant:
    what = "tilgang: godkjenn" if approve else "tilgang: avvis"
    if not access.is_administrator(user):
        raise _deny(user, gettext_noop("Bare administratorer kan godkjenne eller avvise tilgangsendringer."), what)
    grant_id = grant.pk if isinstance(grant, AccessGrant) else grant
    if not isinstance(grant_id, int):
        raise NotFound("Fant ikke endringen.")
    if not approve:
        reason = _reason(reason, "decision_reason")
    denied = None
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update().select_related("staff").filter(pk=grant_id).first()
        if grant is None:
            raise NotFound("Fant ikke endringen.")
        if grant.status != Status.PENDING:
            raise Conflict(_("Endringen er allerede %(status)s.") % {"status": grant.get_status_display().lower()})
        own_request = grant.requested_by_id == user.pk
        allowed = (
            access.may_decide_grant(user, grant)
            if approve
            else (access.may_change_access_of(user, grant.staff) or (own_request and grant.staff.user_id != user.pk))
        )
        if not allowed:
            if grant.staff.user_id == user.pk:
                denied = gettext_noop("Du kan ikke godkjenne eller avvise endringer av dine egne tilganger.")
            elif approve and access.knows_password_of(user, grant.staff):
                denied = gettext_noop("Du satte passordet til denne innloggingen, så en annen administrator må godkjenne "
                                      "endringen (fire øyne).")
            else:
                denied = gettext_noop("En annen administrator enn den som ba om endringen må godkjenne den (fire øyne).")
        else:
            grant.status = Status.EFFECTIVE if approve else Status.REFUSED
            grant.decided_by, grant.decided_at, grant.decision_reason = user, clock.now(), reason
            grant.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
            if approve and has(grant.staff, grant.what) != (grant.change == Change.GRANT):
                _apply(grant)
            audit.record(user, None, audit.WRITE, f"{what} {grant.what}", why=reason or grant.reason, obj=grant)
    if denied:  # audited outside the transaction, which wrote nothing
        raise _deny(user, denied, what, obj=grant)
    return grant


def _staff(staff) -> StaffMember:
    """The staff member as stored now (an instance given is read again: it may be stale)."""
    pk = staff.pk if isinstance(staff, StaffMember) else staff
    found = StaffMember.objects.select_related("user").filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise NotFound("Fant ingen Nav-ansatt med denne id-en.", field="staff")
    return found


def staff_by_ident(nav_ident: str) -> StaffMember:
    """The staff member with ``nav_ident`` (for the form that names them), or InvalidInput."""
    ident = (nav_ident or "").strip().upper()
    found = StaffMember.objects.select_related("user").filter(nav_ident=ident).first() if ident else None
    if found is None:
        raise InvalidInput(_("Fant ingen Nav-ansatt med denne Nav-identen."), field="nav_ident")
    return found


# --- an administrator sets another login's password ------------------------------------------------

def reset_password(*, user, target: User | int, password: str, password_again: str, reason: str) -> User:
    """Set a new password for another login, as the grants do: who (the administrator), whom (the
    login) and why (a reason of at least ``REASON_MIN`` characters) in the audit trail; the
    password itself is never recorded. The login's sessions end (Django's session hash). Refused
    for one's own login, for other administrators and superusers, and for non-administrators."""
    found = selectors.password_target(user=user, target=target)
    errors = {}
    try:
        reason = _reason(reason)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if not password:
        errors["password"] = _("Skriv det nye passordet.")
    elif password != password_again:
        errors["password_again"] = _("Passordene er ikke like.")
    else:
        try:
            validate_password(password, user=found)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(_("Passordet er ikke satt."), errors=errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=found.pk)
        locked.set_password(password)
        locked.password_set_by = user  # they know it now: their grants for this login wait (decision 0048)
        locked.save(update_fields=["password", "password_set_by"])
        audit.record(user, None, audit.WRITE, PASSWORD_RESET, why=reason, obj=locked)
    return locked


def set_language(*, user, language: str) -> str:
    """Remember the language ``user`` chose with the switch (a code from settings.LANGUAGES; an
    unknown one is refused). Returns the code saved."""
    from skreddersy.core.language import supported

    code = supported(language)
    if code is None:
        raise InvalidInput(_("Språket finnes ikke."), field="language")
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return code
