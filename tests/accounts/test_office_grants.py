"""Office memberships are grants (issue 12, "who can change who sees what"): which offices'
clients a staff member sees, and their team there, change only through
``accounts.services.request_grant`` (What.OFFICE / What.TEAM), with a reason, never on one's own
record; each change one AccessGrant row and one audit entry. The admin site shows memberships
read-only.

The class, not the case: a generated sequence of attempts by two administrators, on themselves
and on a colleague, through every way a user reaches a write of OfficeMembership (the service,
the grants page, the admin site's staff change and add forms with the membership inline posted
as an attacker would: new rows, changed rows, deleted rows), is checked against an independent
model: the memberships end as the model says, no administrator ever makes themself a member of
an office (another administrator may add them, by a grant), and every
membership change left exactly one AccessGrant row and its audit entry."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.accounts import services
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AccessGrant, AuditEntry, OfficeMembership, Role, Team, User
from skreddersy.policy import access
from tests import factories as f

What, Change, Status = AccessGrant.What, AccessGrant.Change, AccessGrant.Status
REASON = "Flytter til oppfølgingsteamet ved kontoret"


@pytest.fixture
def admins(org):
    return {n: f.staff(Role.ADMINISTRATOR, offices=[org["a"]], username=f"adm.{n}") for n in ("a", "b")}


def _memberships():
    return sorted(OfficeMembership.objects.values_list("staff_id", "office_id", "team_id"))


def _state():
    return _memberships(), AccessGrant.objects.count()


def _audited(g: AccessGrant) -> bool:
    return AuditEntry.objects.filter(object_type="AccessGrant", object_id=g.pk, action=AuditEntry.Action.WRITE,
                                     actor_id=g.requested_by_id, why=g.reason).count() == 1


# --- the service ------------------------------------------------------------------------------------


def test_joining_an_office_is_a_grant_with_who_whom_where_and_why_and_opens_its_clients(org, admins):
    target = org["counsellor"]
    there = f.client(org["b"])
    assert not access.can_see_client(f.fresh_user(target), there)
    admin = f.fresh_user(admins["a"])
    g = services.request_grant(user=admin, staff=target, what=What.OFFICE, change=Change.GRANT,
                               office=org["b"].number, reason=f"  {REASON} ")
    assert (g.status, g.staff_id, g.office_id, g.team_id, g.requested_by_id, g.decided_by_id, g.reason) == (
        Status.EFFECTIVE, target.pk, org["b"].pk, None, admin.pk, admin.pk, REASON)
    assert OfficeMembership.objects.filter(staff=target, office=org["b"]).exists()
    assert _audited(g)
    assert access.can_see_client(f.fresh_user(target), there)
    # and leaving it closes them again, as another grant
    g2 = services.request_grant(user=admin, staff=target, what=What.OFFICE, change=Change.REVOKE,
                                office=org["b"], reason="Sluttet ved kontoret i Beta")
    assert g2.status == Status.EFFECTIVE and _audited(g2)
    assert not access.can_see_client(f.fresh_user(target), there)
    assert AccessGrant.objects.filter(what=What.OFFICE).count() == 2


def test_joining_into_a_team_and_changing_team_are_recorded(org, admins):
    target = org["counsellor"]
    one, two = Team.objects.create(office=org["b"], name="Ung"), Team.objects.create(office=org["b"], name="IPS")
    admin = f.fresh_user(admins["a"])
    services.request_grant(user=admin, staff=target, what=What.OFFICE, change=Change.GRANT, office=org["b"].number,
                           team="ung", reason=REASON)
    assert OfficeMembership.objects.get(staff=target, office=org["b"]).team_id == one.pk
    g = services.request_grant(user=admin, staff=target, what=What.TEAM, change=Change.GRANT, office=org["b"].number,
                               team="IPS", reason=REASON)
    assert (g.office_id, g.team_id) == (org["b"].pk, two.pk) and _audited(g)
    assert OfficeMembership.objects.get(staff=target, office=org["b"]).team_id == two.pk
    g = services.request_grant(user=admin, staff=target, what=What.TEAM, change=Change.REVOKE, office=org["b"].number,
                               reason=REASON)
    assert OfficeMembership.objects.get(staff=target, office=org["b"]).team_id is None and _audited(g)


def test_nobody_changes_their_own_offices_and_only_administrators_change_anyones(org, admins):
    before = _state()
    me = admins["a"]
    with pytest.raises(AccessDenied):
        services.request_grant(user=f.fresh_user(me), staff=me, what=What.OFFICE, change=Change.GRANT,
                               office=org["b"].number, reason=REASON)
    assert AuditEntry.objects.filter(actor=me.user, action=AuditEntry.Action.DENIED, what="tilgang: endre egen").exists()
    leader = f.staff(Role.OFFICE_LEADER, offices=[org["a"]])
    before = _state()
    with pytest.raises(AccessDenied):
        services.request_grant(user=f.fresh_user(leader), staff=org["counsellor"], what=What.OFFICE,
                               change=Change.GRANT, office=org["b"].number, reason=REASON)
    assert _state() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(what="office", change="grant", office=""), "office"),
        (dict(what="office", change="grant", office="9999"), "office"),
        (dict(what="office", change="grant", office="A", reason=""), "reason"),
        (dict(what="office", change="grant", office="A"), "office"),  # already a member of Alfa
        (dict(what="office", change="revoke", office="B"), "office"),  # not a member of Beta
        (dict(what="office", change="grant", office="B", team="Finnes ikke"), "team"),
        (dict(what="office", change="revoke", office="A", team="Alfa-teamet"), "team"),
        (dict(what="team", change="grant", office="A"), "team"),  # which team?
        (dict(what="team", change="grant", office="B", team="Beta-teamet"), "office"),  # not a member of Beta
        (dict(what="team", change="revoke", office="A"), "team"),  # has no team at Alfa
        (dict(what="team", change="revoke", office="A", team="Alfa-teamet"), "team"),
        (dict(what="kode7", change="grant", office="A"), "office"),  # an office only on an office change
        (dict(what="kode7", change="grant", team="Alfa-teamet"), "team"),
    ],
)
def test_bad_office_changes_get_a_specific_message_and_write_nothing(org, admins, kwargs, field):
    Team.objects.create(office=org["a"], name="Alfa-teamet")
    Team.objects.create(office=org["b"], name="Beta-teamet")
    numbers = {"A": org["a"].number, "B": org["b"].number}
    kwargs = {"reason": REASON, **kwargs}
    kwargs["office"] = numbers.get(kwargs.get("office"), kwargs.get("office"))
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        services.request_grant(user=f.fresh_user(admins["a"]), staff=org["counsellor"], **kwargs)
    assert exc.value.errors.get(field), exc.value.errors
    assert _state() == before


def test_the_database_refuses_an_office_change_without_an_office_and_an_office_on_other_changes(org, admins):
    from django.db import IntegrityError, transaction

    from skreddersy.core import clock

    common = dict(staff=org["counsellor"], change="grant", reason=REASON, requested_by=admins["a"].user,
                  status="effective", decided_by=admins["a"].user, decided_at=clock.now())
    for bad in (dict(what="office"), dict(what="kode7", office=org["a"]), dict(what="team", office=org["a"]),
                dict(what="kode7", team=Team.objects.create(office=org["a"], name="T"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessGrant.objects.create(**common, **bad)


# --- the pages --------------------------------------------------------------------------------------


def _login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def test_the_grants_page_offers_office_changes_and_lists_them(org, admins):
    http = _login(admins["a"].user)
    page = http.get("/tilganger/").content.decode()
    assert 'name="office"' in page and 'value="office"' in page and 'value="team"' in page
    r = http.post("/tilganger/", {"nav_ident": org["counsellor"].nav_ident, "what": "office", "change": "grant",
                                  "office": org["b"].number, "team": "", "reason": REASON})
    assert r.status_code == 302
    assert OfficeMembership.objects.filter(staff=org["counsellor"], office=org["b"]).exists()
    assert str(org["b"]) in http.get("/tilganger/").content.decode()
    before = _state()
    r = http.post("/tilganger/", {"nav_ident": org["counsellor"].nav_ident, "what": "office", "change": "grant",
                                  "office": "9999", "team": "", "reason": REASON})
    assert r.status_code == 422 and "Fant ikke noe Nav-kontor med dette enhetsnummeret." in r.content.decode()
    r = http.post("/tilganger/", {"nav_ident": admins["a"].nav_ident, "what": "office", "change": "grant",
                                  "office": org["b"].number, "team": "", "reason": REASON})
    assert r.status_code == 403
    assert _state() == before


@pytest.fixture
def site_admins(admins):
    User.objects.filter(pk__in=[s.user_id for s in admins.values()]).update(is_staff=True, is_superuser=True)
    return admins


def test_the_admin_site_shows_memberships_read_only(org, site_admins):
    http = _login(User.objects.get(pk=site_admins["a"].user_id))
    page = http.get(f"/admin/core/staffmember/{org['counsellor'].pk}/change/").content.decode()
    assert "Nav Alfa" in page and 'name="memberships-0-office"' not in page
    assert http.get("/admin/core/officemembership/add/").status_code == 404


def test_an_office_or_team_with_members_is_not_deleted_silently(org, site_admins):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        org["a"].delete()
    t = Team.objects.create(office=org["a"], name="Alfa-teamet")
    OfficeMembership.objects.filter(staff=org["counsellor"]).update(team=t)
    with pytest.raises(ProtectedError):
        t.delete()


# --- the class: every way to a membership write, against an independent model ----------------------

ACTORS = ("a", "b")  # two administrators, both members of Alfa, both with the admin site open
TARGETS = ("a", "b", "t")  # themselves and a counsellor
OFFICES = ("a", "b", "c")
CHANNELS = ("service", "page", "admin_change", "admin_add")
ACTIONS = ("join", "leave", "team")

_seq = itertools.count()
attempt = st.tuples(st.sampled_from(CHANNELS), st.sampled_from(ACTORS), st.sampled_from(TARGETS),
                    st.sampled_from(OFFICES), st.sampled_from(ACTIONS), st.booleans())


def _inline(existing, *, office_id, team_id, action, new_user=None):
    """The membership inline as an attacker posts it: the existing rows (changed or deleted as the
    action says) and, for a join, a new row."""
    data = {"memberships-INITIAL_FORMS": str(len(existing)), "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000"}
    rows = []
    for m in existing:
        row = {"id": m.pk, "staff": m.staff_id, "office": m.office_id, "team": m.team_id or ""}
        if action == "leave" and m.office_id == office_id:
            row["DELETE"] = "on"
        if action == "team" and m.office_id == office_id:
            row["team"] = team_id or ""
        if action == "join":
            row["office"] = office_id  # move the existing row to the office
        rows.append(row)
    if action == "join":
        rows.append({"office": office_id, "team": team_id or ""})
    data["memberships-TOTAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"memberships-{i}-{k}"] = v
    return data


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(attempt, min_size=1, max_size=8))
def test_no_way_to_a_membership_write_bypasses_the_grants(org, ops):
    with f.rolled_back():
        offices = {"a": org["a"], "b": org["b"], "c": f.office(org["county"], name="Nav Gamma")}
        teams = {k: Team.objects.create(office=o, name=f"Team {k}") for k, o in offices.items()}
        people = {n: f.staff(Role.ADMINISTRATOR, offices=[org["a"]], username=f"gen.adm.{n}") for n in ACTORS}
        people["t"] = f.staff(Role.COUNSELLOR, offices=[org["a"]])
        User.objects.filter(pk__in=[people[n].user_id for n in ACTORS]).update(is_staff=True, is_superuser=True)
        http = {n: _login(User.objects.get(pk=people[n].user_id)) for n in ACTORS}
        # the model: (target, office) -> team key or None, for the memberships held
        model = {(t, "a"): None for t in TARGETS}
        for o in ops:
            channel, by, target, office, action, with_team = o
            staff, where, team = people[target], offices[office], teams[office]
            before_members, before_grants = _memberships(), AccessGrant.objects.count()
            held = (target, office) in model
            if channel in ("service", "page") and by != target:
                if action == "join":
                    expected = not held
                elif action == "leave":
                    expected = held
                else:
                    expected = held and model[(target, office)] != office
            else:
                expected = False  # oneself, or the admin site: never
            what = What.TEAM if action == "team" else What.OFFICE
            change = Change.REVOKE if action == "leave" else Change.GRANT
            team_name = team.name if (action == "team" or (action == "join" and with_team)) else ""
            if channel == "service":
                try:
                    services.request_grant(user=f.fresh_user(people[by]), staff=staff, what=what, change=change,
                                           office=where.number, team=team_name, reason=REASON)
                except (AccessDenied, InvalidInput):
                    pass
            elif channel == "page":
                r = http[by].post("/tilganger/", {"nav_ident": staff.nav_ident, "what": what, "change": change,
                                                  "office": where.number, "team": team_name, "reason": REASON})
                assert r.status_code in (302, 403, 422), o
            elif channel == "admin_change":
                existing = list(OfficeMembership.objects.filter(staff=staff))
                data = {"user": staff.user_id, "nav_ident": staff.nav_ident, "display_name": staff.display_name,
                        "employer": staff.employer, "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
                        **_inline(existing, office_id=where.pk, team_id=team.pk if team_name else None, action=action)}
                r = http[by].post(f"/admin/core/staffmember/{staff.pk}/change/", data)
                assert r.status_code in (200, 302, 403), o
            else:  # a new staff record, for a new login or for the actor's own, with memberships posted
                login = people[by].user if with_team else User.objects.create(username=f"ny.{next(_seq)}")
                data = {"user": login.pk, "nav_ident": f"N{login.pk:06d}"[-7:], "display_name": "Ny ansatt",
                        "employer": "state", "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
                        **_inline([], office_id=where.pk, team_id=team.pk, action="join")}
                r = http[by].post("/admin/core/staffmember/add/", data)
                assert r.status_code in (200, 302, 403), o
                if not with_team:
                    assert not OfficeMembership.objects.filter(staff__user=login).exists(), o
            after_members = _memberships()
            new_grants = list(AccessGrant.objects.order_by("id")[before_grants:])
            changed = after_members != before_members
            assert changed == expected, (o, ops)
            if changed:
                assert len(new_grants) == 1, (o, new_grants)
                g = new_grants[0]
                assert (g.status, g.staff_id, g.office_id, g.what) == (Status.EFFECTIVE, staff.pk, where.pk, what)
                assert g.requested_by_id == people[by].user_id != staff.user_id
                assert _audited(g)
                if action == "join":
                    model[(target, office)] = office if team_name else None
                elif action == "leave":
                    del model[(target, office)]
                else:
                    model[(target, office)] = office
            else:
                assert new_grants == [], (o, new_grants)
            # the acting administrator never joined an office (another may add them, by a grant)
            mine = set(people[by].memberships.values_list("office_id", flat=True))
            assert mine <= {oid for s, oid, _t in before_members if s == people[by].pk}, (o, ops)
        # the database holds what the model says
        ids = {people[t].pk: t for t in TARGETS}
        keys = {o.pk: k for k, o in offices.items()}
        team_keys = {t.pk: k for k, t in teams.items()}
        held = {(ids[s], keys[o]): team_keys.get(t) for s, o, t in _memberships() if s in ids}
        assert held == model


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(what=st.sampled_from(["office", "counsellor", "kode7"]), lost=st.integers(0, 3),
       kept=st.integers(0, 2), leader=st.booleans())
def test_no_change_leaves_a_counsellor_with_clients_they_cannot_see(org, admins, what, lost, kept, leader):
    """Taking something away (an office, the follow-up role, a clearance) while the staff member is
    still the counsellor of clients it would hide from them would leave those clients assigned to
    someone who cannot follow them up: refused with the number (not who), nothing written; once they
    are handed out, the change goes through. The class: which thing is taken, how many clients it
    would hide, how many it would not (elsewhere, or unprotected), and a second follow-up role."""
    from skreddersy.clients.models import Client

    with f.rolled_back():
        roles = [Role.COUNSELLOR, *([Role.TEAM_LEADER] if leader else [])]
        target = f.staff(*roles, offices=[org["a"], org["b"]])
        target.clearance_confidential = True
        target.save(update_fields=["clearance_confidential"])
        if what == "office":
            hidden = [f.client(org["a"], target) for _ in range(lost)]
            shown = [f.client(org["b"], target) for _ in range(kept)]
            change = {"what": What.OFFICE, "office": org["a"].number}
        elif what == "counsellor":
            hidden = [f.client(org["a"], target) for _ in range(lost)] if not leader else []
            shown = [f.client(org["b"], target) for _ in range(lost if leader else 0)]
            change = {"what": Role.COUNSELLOR}
        else:
            hidden = [f.client(org["a"], target, address_protection="confidential") for _ in range(lost)]
            shown = [f.client(org["a"], target) for _ in range(kept)]
            change = {"what": What.KODE7}
        admin = f.fresh_user(admins["a"])
        before = _state(), sorted(User.objects.values_list("pk", "is_staff"))
        if hidden:
            with pytest.raises(InvalidInput) as exc:
                services.request_grant(user=admin, staff=target, change=Change.REVOKE, reason=REASON, **change)
            assert exc.value.field == ("office" if what == "office" else "what")
            assert str(len(hidden)) in str(exc.value)
            assert (_state(), sorted(User.objects.values_list("pk", "is_staff"))) == before
            target.refresh_from_db()
            assert services.has(target, change["what"], office=org["a"])  # still held
            Client.objects.filter(pk__in=[c.pk for c in hidden]).update(counsellor=None)
        services.request_grant(user=admin, staff=target, change=Change.REVOKE, reason=REASON, **change)
        target.refresh_from_db()
        assert not services.has(target, change["what"], office=org["a"])
        assert Client.objects.filter(pk__in=[c.pk for c in shown], counsellor=target).count() == len(shown)
