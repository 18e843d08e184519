"""Who can change who sees what (issue 12, section 2): roles, clearances and the employer change
only through ``accounts.services`` with a reason, each change an ``AccessGrant`` row and an audit
entry; kode 6 and the administrator role take effect only when a second administrator approves
(four eyes); nobody changes their own record (service, grants page, admin site); the admin
login is throttled.

The class, not the case: a generated sequence of requests, approvals and refusals by several
administrators (themselves among the targets) is run against the service and against an
independent model of the rules written here; the database must end as the model says, and
no grant may ever have taken effect on its requester's own record or without a second pair of
eyes."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.accounts import services
from skreddersy.clients.models import AddressProtection
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound, ServiceError
from skreddersy.core.models import AccessGrant, AuditEntry, Role, StaffMember, StaffRole, User
from skreddersy.followup import selectors as followup_selectors
from skreddersy.policy import access
from tests import factories as f

What, Change, Status = AccessGrant.What, AccessGrant.Change, AccessGrant.Status
REASON = "Ny i teamet for strengt fortrolige saker"
NEW_PASSWORD = "Sommerfugl-Tåke-2026"


@pytest.fixture
def admins(org):
    return {n: f.staff(Role.ADMINISTRATOR, username=f"adm.{n}") for n in ("a", "b", "c")}


def _fresh(staff: StaffMember) -> StaffMember:
    return StaffMember.objects.get(pk=staff.pk)


def _state():
    """Every staff member's roles, clearances and employer, and the user flags (for 'nothing changed')."""
    staff = {
        s.pk: (s.employer, s.clearance_strictly_confidential, s.clearance_confidential, s.clearance_skjermet)
        for s in StaffMember.objects.all()
    }
    roles = sorted(StaffRole.objects.values_list("staff_id", "role"))
    users = sorted(User.objects.values_list("pk", "is_staff", "is_superuser"))
    return staff, roles, users, AccessGrant.objects.count()


# --- the service --------------------------------------------------------------------------------


def test_a_grant_is_audited_with_who_whom_what_why_and_when(org, admins):
    target = org["counsellor"]
    admin = f.fresh_user(admins["a"])
    g = services.request_grant(
        user=admin, staff=target.pk, what=What.KODE7, change=Change.GRANT, reason="  Ny i NAV Alfa  "
    )
    assert g.status == Status.EFFECTIVE and _fresh(target).clearance_confidential
    assert (g.requested_by_id, g.staff_id, g.what, g.change, g.reason) == (
        admin.pk,
        target.pk,
        "kode7",
        "grant",
        "Ny i NAV Alfa",
    )
    assert g.requested_at is not None and g.decided_by_id == admin.pk
    entry = AuditEntry.objects.get(object_type="AccessGrant", object_id=g.pk)
    assert (entry.actor_id, entry.action, entry.why) == (admin.pk, AuditEntry.Action.WRITE, "Ny i NAV Alfa")


def test_kode6_takes_effect_only_when_a_second_administrator_approves(org, admins):
    target = org["counsellor"]
    secret = f.client(org["a"], target, address_protection=AddressProtection.STRICTLY_CONFIDENTIAL)
    g = services.request_grant(
        user=f.fresh_user(admins["a"]), staff=target, what=What.KODE6, change=Change.GRANT, reason=REASON
    )
    assert g.status == Status.PENDING and not _fresh(target).clearance_strictly_confidential
    assert not access.can_see_client(f.fresh_user(target), secret)  # pending: nothing changed
    # the one who asked cannot approve it
    with pytest.raises(AccessDenied):
        services.approve_grant(user=f.fresh_user(admins["a"]), grant=g.pk)
    assert AccessGrant.objects.get(pk=g.pk).status == Status.PENDING
    assert AuditEntry.objects.filter(actor=admins["a"].user, action=AuditEntry.Action.DENIED, object_id=g.pk).exists()
    assert not _fresh(target).clearance_strictly_confidential
    # a second administrator can
    g = services.approve_grant(user=f.fresh_user(admins["b"]), grant=g.pk)
    assert (g.status, g.decided_by_id) == (Status.EFFECTIVE, admins["b"].user_id)
    assert _fresh(target).clearance_strictly_confidential
    assert access.can_see_client(f.fresh_user(target), secret)
    followup_selectors.person(user=f.fresh_user(target), client_id=secret.pk)
    # and a decided grant cannot be decided again
    with pytest.raises(Conflict):
        services.refuse_grant(user=f.fresh_user(admins["c"]), grant=g.pk, reason="For sent, men likevel")


def test_a_refusal_records_why_and_changes_nothing(org, admins):
    target = org["counsellor"]
    g = services.request_grant(
        user=f.fresh_user(admins["a"]), staff=target, what=What.KODE6, change=Change.GRANT, reason=REASON
    )
    with pytest.raises(InvalidInput) as exc:
        services.refuse_grant(user=f.fresh_user(admins["b"]), grant=g.pk, reason=" ")
    assert exc.value.field == "decision_reason"
    g = services.refuse_grant(user=f.fresh_user(admins["b"]), grant=g.pk, reason="Ikke i kode 6-teamet")
    assert (g.status, g.decision_reason, g.decided_by_id) == (
        Status.REFUSED,
        "Ikke i kode 6-teamet",
        admins["b"].user_id,
    )
    assert not _fresh(target).clearance_strictly_confidential
    with pytest.raises(Conflict):
        services.approve_grant(user=f.fresh_user(admins["c"]), grant=g.pk)
    assert not _fresh(target).clearance_strictly_confidential


def test_the_administrator_role_needs_four_eyes_too_and_opens_the_admin_site(org, admins):
    target = org["counsellor"]
    g = services.request_grant(
        user=f.fresh_user(admins["a"]),
        staff=target,
        what=What.ADMINISTRATOR,
        change=Change.GRANT,
        reason="Overtar som systemforvalter",
    )
    assert g.status == Status.PENDING and not access.is_administrator(f.fresh_user(target))
    services.approve_grant(user=f.fresh_user(admins["b"]), grant=g)
    assert access.is_administrator(f.fresh_user(target)) and User.objects.get(pk=target.user_id).is_staff
    services.request_grant(
        user=f.fresh_user(admins["c"]),
        staff=target,
        what=What.ADMINISTRATOR,
        change=Change.REVOKE,
        reason="Sluttet som systemforvalter",
    )
    assert not access.is_administrator(f.fresh_user(target)) and not User.objects.get(pk=target.user_id).is_staff


def test_taking_access_away_is_at_once(org, admins):
    target = f.staff(Role.COUNSELLOR, offices=[org["a"]], kode6=True, kode7=True)
    g = services.request_grant(
        user=f.fresh_user(admins["a"]),
        staff=target,
        what=What.KODE6,
        change=Change.REVOKE,
        reason="Flyttet fra kode 6-teamet",
    )
    assert g.status == Status.EFFECTIVE and not _fresh(target).clearance_strictly_confidential


def test_the_employer_decides_the_side_and_changes_only_by_a_grant(org, admins):
    target = org["counsellor"]
    services.request_grant(
        user=f.fresh_user(admins["a"]),
        staff=target,
        what=What.EMPLOYER_MUNICIPAL,
        change=Change.GRANT,
        reason="Overført til kommunal stilling",
    )
    assert _fresh(target).employer == "municipal" and access.actor(f.fresh_user(target)).employer == "municipal"


@pytest.mark.parametrize("what", [w for w in What.values])
def test_nobody_changes_their_own_record(org, admins, what):
    me = admins["a"]
    before = _state()
    n_denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count()
    for change in Change.values:
        with pytest.raises(AccessDenied):
            services.request_grant(user=f.fresh_user(me), staff=me.pk, what=what, change=change, reason=REASON)
    assert _state() == before
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == n_denied + 2


def test_nobody_decides_a_grant_on_their_own_record(org, admins):
    g = services.request_grant(
        user=f.fresh_user(admins["a"]), staff=admins["b"], what=What.KODE6, change=Change.GRANT, reason=REASON
    )
    before = _state()
    with pytest.raises(AccessDenied):
        services.approve_grant(user=f.fresh_user(admins["b"]), grant=g.pk)
    with pytest.raises(AccessDenied):
        services.refuse_grant(user=f.fresh_user(admins["b"]), grant=g.pk, reason="Jeg vil ikke ha det likevel")
    assert _state() == before and AccessGrant.objects.get(pk=g.pk).status == Status.PENDING


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.OFFICE_LEADER, Role.ANALYST, Role.SECOND_APPROVER])
def test_only_administrators_grant_and_the_attempt_is_audited(org, admins, role):
    who = f.staff(role, offices=[org["a"]])
    g = services.request_grant(
        user=f.fresh_user(admins["a"]), staff=org["counsellor"], what=What.KODE6, change=Change.GRANT, reason=REASON
    )
    before = _state()
    with pytest.raises(AccessDenied):
        services.request_grant(
            user=f.fresh_user(who), staff=org["counsellor"], what=What.KODE7, change=Change.GRANT, reason=REASON
        )
    with pytest.raises(AccessDenied):
        services.approve_grant(user=f.fresh_user(who), grant=g.pk)
    assert _state() == before
    assert AuditEntry.objects.filter(actor=who.user, action=AuditEntry.Action.DENIED).count() == 2


@pytest.mark.parametrize(
    "kwargs,field",
    [
        (dict(what="kode9", change="grant", reason=REASON), "what"),
        (dict(what="kode7", change="maybe", reason=REASON), "change"),
        (dict(what="kode7", change="grant", reason=""), "reason"),
        (dict(what="kode7", change="grant", reason="   fordi  "), "reason"),
        (dict(what="kode7", change="grant", reason="x" * 1001), "reason"),
        (dict(what="employer_state", change="revoke", reason=REASON), "change"),
        (dict(what="employer_state", change="grant", reason=REASON), "what"),  # already state
        (dict(what="counsellor", change="grant", reason=REASON), "what"),  # already a counsellor
        (dict(what="analyst", change="revoke", reason=REASON), "what"),  # not an analyst
    ],
)
def test_bad_input_gets_a_specific_message_and_writes_nothing(org, admins, kwargs, field):
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        services.request_grant(user=f.fresh_user(admins["a"]), staff=org["counsellor"], **kwargs)
    assert field in exc.value.errors and exc.value.errors[field]
    assert _state() == before


def test_unknown_staff_and_grant_are_not_found(org, admins):
    with pytest.raises(NotFound):
        services.request_grant(
            user=f.fresh_user(admins["a"]), staff=10**12, what="kode7", change="grant", reason=REASON
        )
    with pytest.raises(NotFound):
        services.approve_grant(user=f.fresh_user(admins["a"]), grant=10**12)
    with pytest.raises(InvalidInput):
        services.staff_by_ident("Q999999")


def test_a_second_open_request_for_the_same_thing_is_a_conflict(org, admins):
    services.request_grant(
        user=f.fresh_user(admins["a"]), staff=org["counsellor"], what=What.KODE6, change=Change.GRANT, reason=REASON
    )
    before = _state()
    with pytest.raises(Conflict):
        services.request_grant(
            user=f.fresh_user(admins["b"]), staff=org["counsellor"], what=What.KODE6, change=Change.GRANT, reason=REASON
        )
    assert _state() == before


# --- the class: generated sequences against an independent model of the rules ---------------------

ADMINS = ("a", "b", "c")
TARGETS = ("a", "b", "c", "t")  # the administrators themselves, and one counsellor
WHATS = (What.KODE6, What.KODE7, What.SKJERMET, What.ADMINISTRATOR, What.ANALYST)

op = st.one_of(
    st.tuples(
        st.just("request"),
        st.sampled_from(ADMINS),
        st.sampled_from(TARGETS),
        st.sampled_from(WHATS),
        st.sampled_from(Change.values),
    ),
    st.tuples(st.just("approve"), st.sampled_from(ADMINS), st.integers(0, 7)),
    st.tuples(st.just("refuse"), st.sampled_from(ADMINS), st.integers(0, 7)),
    # an administrator sets another login's password: from then on they know it (decision 0048)
    st.tuples(st.just("reset"), st.sampled_from(ADMINS), st.sampled_from(TARGETS)),
)


class Model:
    """The rules, written independently of the service: who holds what, and the open requests."""

    def __init__(self, holds):
        self.holds = holds  # {(target, what): bool}
        self.pending = {}  # grant index -> (requester, target, what, change)
        self.password_by = {}  # target -> the administrator who last set its password

    def admin(self, who) -> bool:
        return self.holds[(who, What.ADMINISTRATOR)]

    def request(self, by, target, what, change):
        if not self.admin(by) or by == target:
            return "denied"
        give = change == "grant"
        if self.holds[(target, what)] == give:
            return "invalid"
        if any((t, w) == (target, what) for (_b, t, w, _c) in self.pending.values()):
            return "conflict"
        if give and (what in (What.KODE6, What.ADMINISTRATOR) or self.password_by.get(target) == by):
            return "pending"
        self.holds[(target, what)] = give
        return "effective"

    def reset(self, by, target):
        # never one's own, never an administrator's (with it one could approve one's own grant)
        if not self.admin(by) or by == target or self.admin(target):
            return "denied"
        self.password_by[target] = by
        return "ok"

    def decide(self, by, index, approve):
        if not self.admin(by):
            return "denied"
        if index not in self.pending:
            return "skip"
        requester, target, what, change = self.pending[index]
        if by == target or (approve and (by == requester or self.password_by.get(target) == by)):
            return "denied"
        del self.pending[index]
        if approve:
            self.holds[(target, what)] = change == "grant"
        return "ok"


def _holds(staff: StaffMember, what) -> bool:
    return services.has(_fresh(staff), what)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=14))
def test_generated_grant_sequences_follow_the_rules(org, ops):
    with f.rolled_back():
        people = {n: f.staff(Role.ADMINISTRATOR, username=f"gen.{n}") for n in ADMINS}
        people["t"] = f.staff(Role.COUNSELLOR, offices=[org["a"]])
        model = Model({(t, w): _holds(people[t], w) for t in TARGETS for w in WHATS})
        grants: list[AccessGrant] = []
        for o in ops:
            if o[0] == "request":
                _, by, target, what, change = o
                expected = model.request(by, target, what, change)
                try:
                    g = services.request_grant(
                        user=f.fresh_user(people[by]), staff=people[target], what=what, change=change, reason=REASON
                    )
                    got = g.status
                    if g.status == Status.PENDING:
                        model.pending[len(grants)] = (by, target, what, change)
                    grants.append(g)
                except AccessDenied:
                    got = "denied"
                except Conflict:
                    got = "conflict"
                except InvalidInput:
                    got = "invalid"
                assert got == expected, (o, ops)
            elif o[0] == "reset":
                _, by, target = o
                expected = model.reset(by, target)
                try:
                    services.reset_password(user=f.fresh_user(people[by]), target=people[target].user_id,
                                            password=NEW_PASSWORD, password_again=NEW_PASSWORD, reason=REASON)
                    got = "ok"
                except AccessDenied:
                    got = "denied"
                assert got == expected, (o, ops)
            else:
                _, by, index = o
                if index >= len(grants):
                    continue
                approve = o[0] == "approve"
                expected = model.decide(by, index, approve)
                try:
                    if approve:
                        services.approve_grant(user=f.fresh_user(people[by]), grant=grants[index].pk)
                    else:
                        services.refuse_grant(
                            user=f.fresh_user(people[by]), grant=grants[index].pk, reason="Ikke nødvendig nå"
                        )
                    got = "ok"
                except AccessDenied:
                    got = "denied"
                except Conflict:
                    got = "skip"
                assert got == expected, (o, ops)
        # the database holds what the model says
        for t in TARGETS:
            for w in WHATS:
                assert _holds(people[t], w) == model.holds[(t, w)], (t, w)
        # and no grant ever took effect on its requester's or decider's own record, nor a four-eyes grant by one person
        for g in AccessGrant.objects.filter(staff__in=people.values()).select_related("staff"):
            assert g.staff.user_id != g.requested_by_id
            assert g.decided_by_id is None or g.staff.user_id != g.decided_by_id
            if g.status == Status.EFFECTIVE and g.what in services.FOUR_EYES and g.change == Change.GRANT:
                assert g.decided_by_id != g.requested_by_id
            assert AuditEntry.objects.filter(
                object_type="AccessGrant", object_id=g.pk, action=AuditEntry.Action.WRITE
            ).exists()


# --- the pages: the grants page and the admin site ----------------------------------------------


def _login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_the_grants_page_lists_pending_and_history_and_approves(org, admins):
    a, b = _login(admins["a"].user), _login(admins["b"].user)
    r = a.post(
        "/tilganger/",
        {"nav_ident": org["counsellor"].nav_ident.lower(), "what": "kode6", "change": "grant", "reason": REASON},
    )
    assert r.status_code == 302
    g = AccessGrant.objects.get()
    page = a.get("/tilganger/").content.decode()
    assert "Venter på godkjenning" in page and REASON in page and f"/tilganger/{g.pk}/godkjenn/" not in page
    assert f"/tilganger/{g.pk}/godkjenn/" in b.get("/tilganger/").content.decode()
    assert a.post(f"/tilganger/{g.pk}/godkjenn/").status_code == 403  # the requester: refused, audited
    assert AccessGrant.objects.get().status == Status.PENDING
    assert b.post(f"/tilganger/{g.pk}/godkjenn/").status_code == 302
    assert (
        AccessGrant.objects.get().status == Status.EFFECTIVE
        and _fresh(org["counsellor"]).clearance_strictly_confidential
    )


def test_the_grants_page_shows_specific_errors(org, admins):
    a = _login(admins["a"].user)
    before = _state()
    r = a.post("/tilganger/", {"nav_ident": "Q000000", "what": "kode7", "change": "grant", "reason": REASON})
    assert r.status_code == 422 and "Fant ingen Nav-ansatt med denne Nav-identen." in r.content.decode()
    r = a.post(
        "/tilganger/", {"nav_ident": org["counsellor"].nav_ident, "what": "kode7", "change": "grant", "reason": "fordi"}
    )
    assert r.status_code == 422 and "minst 10 tegn" in r.content.decode()
    r = a.post(
        "/tilganger/", {"nav_ident": admins["a"].nav_ident, "what": "kode6", "change": "grant", "reason": REASON}
    )
    assert r.status_code == 403
    r = a.post("/tilganger/1/avvis/", {"decision_reason": "x"})
    assert r.status_code in (302, 404)
    assert _state() == before


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.OFFICE_LEADER, Role.ANALYST])
def test_the_grants_page_is_for_administrators(org, role):
    who = f.staff(role, offices=[org["a"]])
    assert _login(who.user).get("/tilganger/").status_code == 403


@pytest.fixture
def site_admin(admins):
    """An administrator with the admin site open (is_staff) and Django's permissions (superuser)."""
    u = admins["a"].user
    User.objects.filter(pk=u.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=u.pk)


def _staff_form(staff: StaffMember, **changes) -> dict:
    data = {
        "user": staff.user_id,
        "nav_ident": staff.nav_ident,
        "display_name": staff.display_name,
        "employer": staff.employer,
        "clearance_strictly_confidential": "on",
        "clearance_confidential": "on",
        "clearance_skjermet": "on",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-0-role": "counsellor",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_admin_site_cannot_change_clearances_roles_or_employer(org, site_admin):
    target = org["counsellor"]
    http = _login(site_admin)
    before = _state()
    r = http.post(
        f"/admin/core/staffmember/{target.pk}/change/",
        _staff_form(target, employer="municipal", display_name="Nytt navn", **{"roles-0-role": "administrator"}),
    )
    assert r.status_code in (200, 302)
    s = _fresh(target)
    assert s.display_name == "Nytt navn"  # the rest of the record is the admin site's
    staff_state, roles, users, n = _state()
    assert (staff_state, roles, users, n) == (before[0], before[1], before[2], before[3])
    page = http.get(f"/admin/core/staffmember/{target.pk}/change/").content.decode()
    assert "/tilganger/" in page and 'name="clearance_strictly_confidential"' not in page


def test_the_admin_site_refuses_an_administrators_own_records(org, site_admin, admins):
    http = _login(site_admin)
    me = admins["a"]
    before = _state()
    assert http.post(f"/admin/core/staffmember/{me.pk}/change/", _staff_form(me)).status_code == 403
    assert (
        http.post(f"/admin/core/user/{site_admin.pk}/change/", {"username": "adm.a", "is_superuser": "on"}).status_code
        == 403
    )
    assert http.post(f"/admin/core/staffmember/{me.pk}/delete/", {"post": "yes"}).status_code == 403
    assert _state() == before
    # nor may a new staff record be made for oneself
    r = http.post(
        "/admin/core/staffmember/add/",
        {
            "user": site_admin.pk,
            "nav_ident": "A123456",
            "display_name": "Meg",
            "employer": "state",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200 and "din egen ansattpost" in r.content.decode()


def test_the_admin_site_cannot_make_anyone_superuser(org, site_admin):
    target = org["counsellor"].user
    http = _login(site_admin)
    page = http.get(f"/admin/core/user/{target.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    http.post(
        f"/admin/core/user/{target.pk}/change/",
        {
            "username": target.username,
            "kind": "staff",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    target = User.objects.get(pk=target.pk)
    assert not target.is_superuser and not target.is_staff


def test_the_admin_site_shows_grants_read_only(org, site_admin, admins):
    services.request_grant(
        user=f.fresh_user(admins["b"]), staff=org["counsellor"], what=What.KODE7, change=Change.GRANT, reason=REASON
    )
    http = _login(site_admin)
    assert http.get("/admin/core/accessgrant/").status_code == 200
    assert http.get("/admin/core/accessgrant/add/").status_code == 403


# --- the admin login is throttled -----------------------------------------------------------------


def test_thirty_wrong_admin_passwords_then_the_right_one_does_not_get_in(db):
    AccessAttempt.objects.all().delete()
    target = f.staff(Role.ADMINISTRATOR, username="adm.throttle")
    User.objects.filter(pk=target.user_id).update(is_staff=True)
    http = HttpClient()
    for i in range(30):
        http.post("/admin/login/", {"username": "adm.throttle", "password": f"feil-{i}"}, REMOTE_ADDR="10.9.8.7")
    r = http.post("/admin/login/", {"username": "adm.throttle", "password": f.PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert "_auth_user_id" not in http.session
    assert r.status_code in (403, 429) or "admin/login" in r.request["PATH_INFO"]
    # from another address, the right password is still refused for the locked account
    other = HttpClient()
    other.post("/admin/login/", {"username": "adm.throttle", "password": f.PASSWORD}, REMOTE_ADDR="10.9.8.8")
    assert "_auth_user_id" not in other.session


def test_the_service_errors_are_service_errors():
    assert issubclass(AccessDenied, ServiceError) and issubclass(Conflict, ServiceError)


def test_what_is_held_is_read_from_the_database_not_from_the_callers_copy(org, admins):
    """Found by the generated sequences: a second grant through a stale instance was taken as new."""
    target = org["counsellor"]  # this copy still says: no kode 7
    services.request_grant(
        user=f.fresh_user(admins["a"]), staff=target, what=What.KODE7, change=Change.GRANT, reason=REASON
    )
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        services.request_grant(
            user=f.fresh_user(admins["a"]), staff=target, what=What.KODE7, change=Change.GRANT, reason=REASON
        )
    assert "har allerede" in exc.value.errors["what"]
    assert _state() == before


# --- a login whose password an administrator set (decision 0048) -----------------------------------


def test_a_login_made_in_the_admin_site_gets_nothing_from_its_maker_alone(org, site_admin, admins):
    """The sock puppet: an administrator makes a login in the admin site (so he knows its password),
    a staff record for it, and asks for a counsellor role, an office and clearances for it. Nothing
    takes effect until another administrator approves, the maker cannot approve it himself, and
    logged in as the new login he sees no client meanwhile."""
    http = _login(site_admin)
    r = http.post("/admin/core/user/add/", {"username": "ny.veileder", "password1": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD, "usable_password": "true"})
    assert r.status_code == 302, r.content.decode()[:2000]
    puppet = User.objects.get(username="ny.veileder")
    assert puppet.password_set_by_id == site_admin.pk
    made = AuditEntry.objects.get(what="innlogging: ny")
    assert (made.actor_id, made.object_type, made.object_id) == (site_admin.pk, "User", puppet.pk)
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values_list("why", "what")))
    staff = StaffMember.objects.create(user=puppet, nav_ident="Z990001", display_name="Ny Veileder")
    asked = [services.request_grant(user=site_admin, staff=staff, what=what, change=Change.GRANT, reason=REASON,
                                    office=org["a"] if what == What.OFFICE else None)
             for what in (What.COUNSELLOR, What.OFFICE, What.KODE7, What.SKJERMET)]
    assert {g.status for g in asked} == {Status.PENDING}
    staff = _fresh(staff)
    assert not services.has(staff, What.COUNSELLOR) and not staff.memberships.exists()
    with pytest.raises(AccessDenied, match="passordet"):
        services.approve_grant(user=site_admin, grant=asked[0].pk)
    as_puppet = HttpClient()
    assert as_puppet.post("/logg-inn/", {"username": "ny.veileder", "password": NEW_PASSWORD}).status_code == 302
    assert as_puppet.get("/api/v1/overview").status_code == 403
    # another administrator approves: now it holds
    for g in asked:
        services.approve_grant(user=f.fresh_user(admins["b"]), grant=g.pk)
    staff = _fresh(staff)
    assert services.has(staff, What.COUNSELLOR) and staff.memberships.filter(office=org["a"]).exists()


def test_the_grants_page_says_why_a_grant_waits(org, admins):
    target = org["counsellor"]
    services.reset_password(user=f.fresh_user(admins["a"]), target=target.user_id, password=NEW_PASSWORD,
                            password_again=NEW_PASSWORD, reason=REASON)
    http = _login(f.fresh_user(admins["a"]))
    r = http.post("/tilganger/", {"nav_ident": target.nav_ident, "what": What.KODE7, "change": Change.GRANT,
                                  "reason": REASON}, follow=True)
    assert "fordi du satte passordet" in r.content.decode()
    assert AccessGrant.objects.get(staff=target, what=What.KODE7).status == Status.PENDING
    # another administrator's grant for the same login is at once (they do not know the password)
    services.request_grant(user=f.fresh_user(admins["b"]), staff=target, what=What.SKJERMET, change=Change.GRANT,
                           reason=REASON)
    assert services.has(_fresh(target), What.SKJERMET)
