"""The activity plan: who adds what, client approval, activity requirements with legal basis and
consequence, and optimistic locking (a stale version changes nothing)."""

import datetime as dt

import pytest

from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup import selectors, services
from skreddersy.followup.models import Activity, JournalEntry
from tests import factories as f

S = Activity.Status


@pytest.fixture
def plan_case(org):
    client = f.client(org["a"], org["counsellor"], login=True)
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(client.user), "client": client,
            "colleague": f.fresh_user(f.staff("counsellor", offices=[org["a"]]))}


def _snapshot(pk):
    return Activity.objects.filter(pk=pk).values().get()


def _counts():
    return Activity.objects.count(), JournalEntry.objects.count()


def test_counsellor_activity_is_a_proposal_until_the_client_approves(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Søk 5 jobber", type="job_application")
    assert act.status == S.PROPOSED and act.client_approved_at is None and act.created_by_role == "counsellor"
    act = services.approve_activity(user=plan_case["me"], activity=act, expected_version=act.version)
    assert act.status == S.PLANNED and act.client_approved_at is not None
    with pytest.raises(Conflict):
        services.approve_activity(user=plan_case["me"], activity=act, expected_version=act.version)


def test_client_own_activity_is_planned_and_approved_at_once(plan_case):
    act = services.add_activity(user=plan_case["me"], client=plan_case["client"], title="Gå tur hver dag", type="own")
    assert act.status == S.PLANNED and act.client_approved_at is not None and act.created_by_role == "client"


def test_only_the_client_approves(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    with pytest.raises(AccessDenied):
        services.approve_activity(user=plan_case["nav"], activity=act, expected_version=act.version)
    assert _snapshot(act.pk)["client_approved_at"] is None


def test_requirement_needs_legal_basis_and_plain_consequence(plan_case):
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Møt opp på kurs", type="course",
                              is_requirement=True)
    assert set(exc.value.errors) == {"legal_basis", "consequence"}
    assert _counts() == before
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Møt opp på kurs", type="course",
                                is_requirement=True, legal_basis="folketrygdloven § 11-7",
                                consequence="Hvis du ikke møter uten rimelig grunn, kan AAP stanses.")
    assert act.is_requirement


def test_client_cannot_set_a_requirement(plan_case):
    with pytest.raises(AccessDenied):
        services.add_activity(user=plan_case["me"], client=plan_case["client"], title="x", type="own", is_requirement=True,
                              legal_basis="a", consequence="b")
    act = services.add_activity(user=plan_case["me"], client=plan_case["client"], title="x", type="own")
    with pytest.raises(AccessDenied):
        services.update_activity(user=plan_case["me"], activity=act, expected_version=act.version, is_requirement=True,
                                 legal_basis="a", consequence="b")
    assert not _snapshot(act.pk)["is_requirement"]


def test_client_may_only_change_status_of_navs_activities(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    with pytest.raises(AccessDenied):
        services.update_activity(user=plan_case["me"], activity=act, expected_version=act.version, title="Annet kurs")
    act = services.update_activity(user=plan_case["me"], activity=act, expected_version=act.version, status=S.ONGOING)
    assert act.status == S.ONGOING


@pytest.mark.parametrize("changes,field", [
    ({"title": "  "}, "title"),
    ({"type": "party"}, "type"),
    ({"status": "maybe"}, "status"),
    ({"start_date": dt.date(2026, 3, 1), "end_date": dt.date(2026, 2, 1)}, "end_date"),
    ({"colour": "red"}, "colour"),
])
def test_bad_changes_are_refused_with_the_field(plan_case, changes, field):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    before, snap = _counts(), _snapshot(act.pk)
    with pytest.raises(InvalidInput) as exc:
        services.update_activity(user=plan_case["nav"], activity=act, expected_version=act.version, **changes)
    assert field in exc.value.errors
    assert _counts() == before and _snapshot(act.pk) == snap


def test_changed_requirement_needs_client_approval_again(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course",
                                is_requirement=True, legal_basis="ftrl. § 11-7", consequence="AAP kan stanses.")
    act = services.approve_activity(user=plan_case["me"], activity=act, expected_version=act.version)
    act = services.update_activity(user=plan_case["nav"], activity=act, expected_version=act.version,
                                   consequence="AAP kan stanses i en måned.")
    assert act.client_approved_at is None


# --- optimistic locking ----------------------------------------------------------------------------

def test_update_with_a_stale_version_is_a_conflict_and_changes_nothing(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    stale_version = act.version
    services.update_activity(user=plan_case["nav"], activity=act, expected_version=stale_version, title="Kurs i Excel")
    before, snap = _counts(), _snapshot(act.pk)
    with pytest.raises(Conflict) as exc:
        services.update_activity(user=plan_case["nav"], activity=act, expected_version=stale_version, title="Kurs i Word")
    assert exc.value.field == "version" and exc.value.status == 409
    assert _counts() == before and _snapshot(act.pk) == snap
    entry = AuditEntry.objects.filter(client_id=plan_case["client"].pk).order_by("-id").first()
    assert entry.what == "aktivitet: endre" and "conflict" in entry.why


def test_two_editors_from_the_same_version_second_gets_conflict(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    mine = selectors.get_activity(user=plan_case["nav"], activity_id=act.pk)
    theirs = selectors.get_activity(user=plan_case["colleague"], activity_id=act.pk)
    assert mine.version == theirs.version
    services.update_activity(user=plan_case["nav"], activity=mine, expected_version=mine.version, status=S.ONGOING)
    with pytest.raises(Conflict):
        services.update_activity(user=plan_case["colleague"], activity=theirs, expected_version=theirs.version,
                                 status=S.CANCELLED)
    final = _snapshot(act.pk)
    assert final["status"] == S.ONGOING and final["version"] == mine.version + 1


def test_client_and_counsellor_editing_at_once(plan_case):
    act = services.add_activity(user=plan_case["me"], client=plan_case["client"], title="Jobbsøk", type="own")
    v = act.version
    services.update_activity(user=plan_case["me"], activity=act, expected_version=v, status=S.DONE)
    with pytest.raises(Conflict):
        services.update_activity(user=plan_case["nav"], activity=act, expected_version=v, status=S.CANCELLED)
    assert _snapshot(act.pk)["status"] == S.DONE


def test_approve_with_a_stale_version_is_a_conflict(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course",
                                is_requirement=True, legal_basis="ftrl. § 11-7", consequence="AAP kan stanses.")
    shown = act.version
    services.update_activity(user=plan_case["nav"], activity=act, expected_version=shown, consequence="Strengere.")
    before, snap = _counts(), _snapshot(act.pk)
    with pytest.raises(Conflict) as exc:
        services.approve_activity(user=plan_case["me"], activity=act, expected_version=shown)
    assert exc.value.field == "version"
    assert _counts() == before and _snapshot(act.pk) == snap


def test_every_successful_change_bumps_the_version(plan_case):
    act = services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Kurs", type="course")
    versions = [act.version]
    for status in (S.PLANNED, S.ONGOING, S.DONE):
        act = services.update_activity(user=plan_case["nav"], activity=act, expected_version=act.version, status=status)
        versions.append(act.version)
    assert versions == sorted(set(versions)) and len(versions) == 4


def test_client_plan_shows_only_own_activities(plan_case, org):
    other = f.client(org["a"], org["counsellor"])
    services.add_activity(user=plan_case["nav"], client=other, title="Ikke din", type="course")
    services.add_activity(user=plan_case["nav"], client=plan_case["client"], title="Din", type="course")
    titles = [a.title for a in selectors.plan(user=plan_case["me"], client_id=plan_case["client"].pk)]
    assert titles == ["Din"]
    with pytest.raises(AccessDenied):
        selectors.plan(user=plan_case["me"], client_id=other.pk)


# --- real concurrent editors (threads, separate transactions) --------------------------------------

def _race(calls):
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results, lock = [], threading.Lock()

    def go(call):
        try:
            barrier.wait(timeout=10)
            call()
            out = "ok"
        except Conflict:
            out = "conflict"
        except Exception as exc:  # anything else fails the test loudly
            out = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=go, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "an editor thread hung"
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_concurrent_editors_from_one_version_exactly_one_wins(rerun_on_file_sqlite):
    if rerun_on_file_sqlite():
        return
    county = f.county("12")
    office = f.office(county)
    editors = [f.fresh_user(f.staff("counsellor", offices=[office])) for _ in range(3)]
    client = f.client(office)
    act = services.add_activity(user=editors[0], client=client, title="Kurs", type="course")
    v = act.version
    titles = ["A", "B", "C"]
    results = _race([
        (lambda u=u, t=t: services.update_activity(user=u, activity=Activity.objects.get(pk=act.pk), expected_version=v, title=t))
        for u, t in zip(editors, titles, strict=True)
    ])
    assert results == ["conflict", "conflict", "ok"], results
    final = _snapshot(act.pk)
    assert final["version"] == v + 1 and final["title"] in titles
    assert JournalEntry.objects.filter(client=client, kind="activity").count() == 2  # added + one change
