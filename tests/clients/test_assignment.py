"""Caseloads handed out: a leader assigns clients to a counsellor (all or nothing), moves a client's
follow-up to another office (the old office loses access, the new office's queue gets the client,
the journal records it); bad input gets a specific message and nothing is written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.clients import assignment
from skreddersy.clients.models import Client
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup import caseloads, overview
from skreddersy.followup.models import JournalEntry
from skreddersy.policy import access
from tests import factories as f


@pytest.fixture
def office(db):
    county = f.county("11")
    a, b = f.office(county, name="Nav Alfa"), f.office(county, name="Nav Beta")
    return {
        "a": a,
        "b": b,
        "leader": f.staff("office_leader", offices=[a]),
        "leader_b": f.staff("office_leader", offices=[b]),
        "c1": f.staff("counsellor", offices=[a]),
        "c2": f.staff("counsellor", offices=[a]),
        "c6": f.staff("counsellor", offices=[a], kode6=True, kode7=True),
        "cb": f.staff("counsellor", offices=[b]),
    }


def _state():
    """Everything a refused batch must leave as it was."""
    return (sorted(Client.objects.values_list("pk", "office_id", "counsellor_id")), JournalEntry.objects.count())


def test_a_leader_assigns_many_clients_at_once_with_a_journal_entry_each_and_one_audit_entry(office):
    clients = [f.client(office["a"], None) for _ in range(3)] + [f.client(office["a"], office["c1"])]
    user = f.fresh_user(office["leader"])
    n = assignment.assign_clients(
        user=user, client_ids=[c.pk for c in clients], counsellor=office["c2"], reason="ny fordeling"
    )
    assert n == 4
    assert set(Client.objects.filter(pk__in=[c.pk for c in clients]).values_list("counsellor_id", flat=True)) == {
        office["c2"].pk
    }
    for c in clients:
        entry = JournalEntry.objects.get(client=c)
        assert office["c2"].display_name in entry.summary and entry.actor_id == user.pk and not entry.visible_to_client
    assert "Veileder endret fra " + office["c1"].display_name in JournalEntry.objects.get(client=clients[-1]).summary
    audit = AuditEntry.objects.filter(actor=user, what="fordeling: tildel veileder", action="write").get()
    assert sorted(audit.client_ids) == sorted(c.pk for c in clients)
    # the new counsellor's own overview now holds them
    ov = overview.caseload_overview(
        user=f.fresh_user(office["c2"]), query=overview.OverviewQuery(), with_counters=False
    )
    assert {r.client.pk for r in ov.rows} == {c.pk for c in clients}


def test_assigning_again_to_the_same_counsellor_moves_nothing(office):
    c = f.client(office["a"], office["c1"])
    assert (
        assignment.assign_clients(user=f.fresh_user(office["leader"]), client_ids=[c.pk], counsellor=office["c1"].pk)
        == 0
    )
    assert not JournalEntry.objects.filter(client=c).exists()


def test_assigning_to_a_counsellor_outside_the_clients_office_is_refused_with_a_specific_message(office):
    ok = f.client(office["a"], None)
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        assignment.assign_clients(user=f.fresh_user(office["leader"]), client_ids=[ok.pk], counsellor=office["cb"])
    assert exc.value.errors == {"counsellor": exc.value.message}
    assert "jobber ikke ved kontoret som følger opp brukeren" in exc.value.message
    assert _state() == before
    rejected = AuditEntry.objects.get(what="fordeling: tildel veileder")
    assert rejected.why == "avvist: invalid (counsellor)" and rejected.client_id == ok.pk


def test_a_counsellor_without_the_clearance_cannot_be_given_a_protected_client(office):
    leader = f.staff("office_leader", offices=[office["a"]], kode6=True, kode7=True)
    protected = f.client(office["a"], None, address_protection="strictly_confidential")
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        assignment.assign_clients(user=f.fresh_user(leader), client_ids=[protected.pk], counsellor=office["c1"])
    assert "adressebeskyttelse eller skjerming" in exc.value.message
    assert _state() == before
    assert assignment.assign_clients(user=f.fresh_user(leader), client_ids=[protected.pk], counsellor=office["c6"]) == 1


def test_a_counsellor_who_is_not_a_leader_cannot_hand_out(office):
    c = f.client(office["a"], None)
    before = _state()
    with pytest.raises(AccessDenied) as exc:
        assignment.assign_clients(user=f.fresh_user(office["c1"]), client_ids=[c.pk], counsellor=office["c1"])
    assert "ikke leder ved kontoret" in exc.value.message
    assert _state() == before
    assert AuditEntry.objects.filter(client_id=c.pk, action="denied").exists()


@pytest.mark.parametrize("bad", [[], ["x"], "12", None])
def test_a_batch_must_name_clients(office, bad):
    with pytest.raises(InvalidInput) as exc:
        assignment.assign_clients(user=f.fresh_user(office["leader"]), client_ids=bad, counsellor=office["c1"])
    assert exc.value.field == "client_ids"


# Each kind of client a batch can hold, and whether it can go to counsellor c1 at office A.
KINDS = {
    "unassigned": True,  # at A, no counsellor
    "other_counsellor": True,  # at A, with c2
    "other_office": False,  # at B: the leader may not see it
    "protected": False,  # kode 6 at A: c1 lacks the clearance (the leader has it)
    "unknown_id": False,  # no such client
}


@given(batch=st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=8))
def test_bulk_assignment_is_all_or_nothing(office, batch):
    """Any client in the batch that cannot be handed to the counsellor refuses the whole batch:
    nothing moves, no journal entry is written; a batch of good clients moves entirely."""
    with f.rolled_back():
        leader = f.staff("office_leader", offices=[office["a"]], kode6=True, kode7=True)
        ids = []
        for kind in batch:
            if kind == "unknown_id":
                ids.append(10_000_000 + len(ids))
                continue
            c = f.client(
                office["b"] if kind == "other_office" else office["a"],
                office["c2"] if kind == "other_counsellor" else None,
                address_protection="strictly_confidential" if kind == "protected" else "",
            )
            ids.append(c.pk)
        before = _state()
        if all(KINDS[k] for k in batch):
            assert assignment.assign_clients(user=f.fresh_user(leader), client_ids=ids, counsellor=office["c1"]) == len(
                set(ids)
            )
            assert set(Client.objects.filter(pk__in=ids).values_list("counsellor_id", flat=True)) == {office["c1"].pk}
            assert JournalEntry.objects.count() == before[1] + len(set(ids))
        else:
            with pytest.raises((AccessDenied, InvalidInput)):
                assignment.assign_clients(user=f.fresh_user(leader), client_ids=ids, counsellor=office["c1"])
            assert _state() == before


def test_transfer_moves_access_to_the_new_office_and_the_journal_records_it(office):
    c = f.client(office["a"], office["c1"])
    user = f.fresh_user(office["leader"])
    assert assignment.transfer_clients(user=user, client_ids=[c.pk], office=office["b"], reason="Flyttet til Beta") == 1
    c.refresh_from_db()
    assert (c.office_id, c.counsellor_id) == (office["b"].pk, None)
    # the old office has lost access; the new office sees the client in its queue without a counsellor
    assert not access.can_see_client(f.fresh_user(office["c1"]), c)
    assert not access.can_see_client(f.fresh_user(office["leader"]), c)
    assert access.can_see_client(f.fresh_user(office["cb"]), c)
    queue = caseloads.handout_queue(user=f.fresh_user(office["leader_b"]))
    assert [r.client_id for r in queue.rows] == [c.pk]
    summaries = list(JournalEntry.objects.filter(client=c).values_list("summary", "visible_to_client"))
    assert ("Oppfølgingen er flyttet fra Nav Alfa til Nav Beta", True) in summaries
    assert ("Begrunnelse for flytting: Flyttet til Beta", False) in summaries


def test_transfer_by_someone_who_does_not_lead_the_clients_current_office_is_refused(office):
    c = f.client(office["a"], office["c1"])
    before = _state()
    # a counsellor at A sees the client but does not lead A: a specific message
    with pytest.raises(AccessDenied) as exc:
        assignment.transfer_clients(user=f.fresh_user(office["c1"]), client_ids=[c.pk], office=office["b"], reason="x")
    assert "ikke leder ved kontoret som følger opp brukeren" in exc.value.message
    # the leader of B (where the client would go) does not lead A and cannot even see the client
    with pytest.raises(AccessDenied):
        assignment.transfer_clients(
            user=f.fresh_user(office["leader_b"]), client_ids=[c.pk], office=office["b"], reason="x"
        )
    assert _state() == before


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 201}, "reason"),
        ({"office": 987654}, "office"),
        ({"office": "a"}, "office"),
    ],
)
def test_transfer_bad_input_names_the_field_and_writes_nothing(office, kw, field):
    c = f.client(office["a"], office["c1"])
    args = {"office": office["b"], "reason": "flytter", **kw}
    if args["office"] == "a":
        args["office"] = office["a"]  # already followed up there
    before = _state()
    with pytest.raises(InvalidInput) as exc:
        assignment.transfer_clients(user=f.fresh_user(office["leader"]), client_ids=[c.pk], **args)
    assert exc.value.field == field
    assert _state() == before
