"""The access matrix: who may see which client. One table of expectations (the policy in words),
checked through can_see_client, visible_clients and the person-card selector."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.errors import AccessDenied
from skreddersy.core.models import AuditEntry
from skreddersy.followup import selectors
from skreddersy.policy import access
from tests import factories as f

FOLLOWUP = ["counsellor", "team_leader", "office_leader", "second_approver", "job_specialist"]
NO_CLIENTS = ["analyst", "administrator"]
TARGETS = ["own_office", "other_office", "kode6", "kode7", "skjermet", "own_record"]


def expected(role: str, clearance: str, target: str) -> bool:
    """The policy in words: follow-up staff see their offices' clients; kode 6 needs the kode 6
    clearance, kode 7 the kode 7 or kode 6 clearance, skjermet the skjermet clearance. A client sees
    only their own record. Analysts, administrators and anonymous visitors see no client."""
    if role == "client_user":
        return target == "own_record"
    if role not in FOLLOWUP:
        return False
    if target == "other_office":
        return False
    if target in ("own_office", "own_record"):
        return True
    return {
        "kode6": clearance == "kode6",
        "kode7": clearance in ("kode6", "kode7"),
        "skjermet": clearance == "skjermet",
    }[target]


@pytest.fixture
def world(db):
    county = f.county("11")
    own = f.office(county, name="Nav Eget")
    other = f.office(county, name="Nav Annet")
    owner = f.staff("counsellor", offices=[own])
    clients = {
        "own_office": f.client(own, owner),
        "other_office": f.client(other),
        "kode6": f.client(own, owner, address_protection="strictly_confidential"),
        "kode7": f.client(own, owner, address_protection="confidential"),
        "skjermet": f.client(own, owner, skjermet=True),
        "own_record": f.client(own, owner, login=True),
    }
    return {"own": own, "other": other, "clients": clients}


def make_actor(world, role: str, clearance: str):
    if role == "anonymous":
        return AnonymousUser()
    if role == "client_user":
        return f.fresh_user(world["clients"]["own_record"].user)
    s = f.staff(role, offices=[world["own"]], kode6=clearance == "kode6", kode7=clearance == "kode7",
                skjermet=clearance == "skjermet")
    return f.fresh_user(s)


CASES = (
    [(r, c) for r in FOLLOWUP for c in ("none", "kode6", "kode7", "skjermet")]
    + [(r, c) for r in NO_CLIENTS for c in ("none", "kode6", "skjermet")]
    + [("client_user", "none"), ("anonymous", "none")]
)


@pytest.mark.parametrize("role,clearance", CASES)
def test_can_see_client_and_visible_clients_follow_the_matrix(world, role, clearance):
    user = make_actor(world, role, clearance)
    visible = set(access.visible_clients(user).values_list("pk", flat=True))
    for target in TARGETS:
        client = world["clients"][target]
        want = expected(role, clearance, target)
        assert access.can_see_client(user, client) is want, (role, clearance, target)
        assert (client.pk in visible) is want, (role, clearance, target)
    # The queryset shows nothing the predicate would refuse (and nothing beyond the six clients here).
    assert visible == {c.pk for t, c in world["clients"].items() if expected(role, clearance, t)}


@pytest.mark.parametrize("role,clearance", CASES)
def test_person_card_enforces_the_matrix_and_audits(world, role, clearance):
    user = make_actor(world, role, clearance)
    for target in TARGETS:
        client = world["clients"][target]
        before = AuditEntry.objects.filter(client_id=client.pk).count()
        if expected(role, clearance, target):
            card = selectors.person(user=user, client_id=client.pk, card=True)
            assert card.client.pk == client.pk
            entry = AuditEntry.objects.filter(client_id=client.pk).order_by("-id").first()
            assert entry.action == AuditEntry.Action.READ, (role, clearance, target)
        else:
            with pytest.raises(AccessDenied):
                selectors.person(user=user, client_id=client.pk, card=True)
            entry = AuditEntry.objects.filter(client_id=client.pk).order_by("-id").first()
            assert entry.action == AuditEntry.Action.DENIED, (role, clearance, target)
            assert entry.what == "personkort"
        assert AuditEntry.objects.filter(client_id=client.pk).count() == before + 1
        assert entry.actor_id == (user.pk if user.is_authenticated else None)


def test_staff_serving_two_offices_sees_both(world):
    s = f.staff("counsellor", offices=[world["own"], world["other"]])
    user = f.fresh_user(s)
    assert access.can_see_client(user, world["clients"]["other_office"])
    assert access.can_see_client(user, world["clients"]["own_office"])


def test_followup_role_without_office_sees_no_one(world):
    user = f.fresh_user(f.staff("counsellor", offices=[]))
    assert not access.visible_clients(user).exists()
    assert not any(access.can_see_client(user, c) for c in world["clients"].values())


def test_client_login_of_another_client_cannot_read_this_record(world):
    other = f.client(world["own"], login=True)
    user = f.fresh_user(other.user)
    with pytest.raises(AccessDenied):
        selectors.plan(user=user, client_id=world["clients"]["own_record"].pk)
    with pytest.raises(AccessDenied):
        selectors.threads(user=user, client_id=world["clients"]["own_record"].pk)


@pytest.mark.parametrize("role", ["analyst", "administrator"])
def test_analyst_and_administrator_see_no_personal_data(world, role):
    user = make_actor(world, role, "none")
    assert not access.visible_clients(user).exists()
    for c in world["clients"].values():
        with pytest.raises(AccessDenied):
            selectors.journal(user=user, client_id=c.pk)


def test_leaders_view_their_offices_only(world):
    leader = f.fresh_user(f.staff("office_leader", offices=[world["own"]]))
    counsellor = f.fresh_user(f.staff("counsellor", offices=[world["own"]]))
    assert access.can_view_office(leader, world["own"].pk)
    assert not access.can_view_office(leader, world["other"].pk)
    assert not access.can_view_office(counsellor, world["own"].pk)


def test_only_administrators_read_the_audit_log(world):
    assert access.can_view_audit_log(make_actor(world, "administrator", "none"))
    for role in FOLLOWUP + ["analyst", "client_user", "anonymous"]:
        assert not access.can_view_audit_log(make_actor(world, role, "none")), role


# --- property: the queryset and the predicate never disagree ---------------------------------------

ROLES = FOLLOWUP + NO_CLIENTS


@given(
    roles=st.sets(st.sampled_from(ROLES), max_size=3),
    serves=st.sets(st.sampled_from(["own", "other"]), max_size=2),
    kode6=st.booleans(), kode7=st.booleans(), skjermet=st.booleans(),
)
def test_visible_clients_agrees_with_can_see_client_for_any_staff(world, roles, serves, kode6, kode7, skjermet):
    s = f.staff(*roles, offices=[world[o] for o in sorted(serves)], kode6=kode6, kode7=kode7, skjermet=skjermet) if roles else None
    if s is None:
        s = f.staff("analyst", offices=[world[o] for o in sorted(serves)])
        roles = {"analyst"}
    user = f.fresh_user(s)
    visible = set(access.visible_clients(user).values_list("pk", flat=True))
    follows = bool(set(roles) & set(FOLLOWUP))
    for target, c in world["clients"].items():
        want = follows and (
            (c.office_id == world["own"].pk and "own" in serves) or (c.office_id == world["other"].pk and "other" in serves)
        ) and (c.address_protection != "strictly_confidential" or kode6) and (
            c.address_protection != "confidential" or kode6 or kode7) and (not c.skjermet or skjermet)
        assert access.can_see_client(user, c) is want, (roles, serves, target)
        assert (c.pk in visible) is want, (roles, serves, target)
