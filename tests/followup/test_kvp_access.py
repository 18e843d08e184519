"""The KVP access rule (issue 17, part 5): while a client is in the qualification programme (KVP),
run by the municipal side of the office, the plan, the meeting notes and the dialogue are seen only
by the municipal staff following the KVP (and the client); what was written inside a KVP stays
theirs after it ends; what was written outside any KVP is seen as before once none is open.

The class, not the case: for generated KVP histories (none, open, ended; which municipal staff
follow it), every principal (state counsellor, municipal KVP counsellor, municipal counsellor not
following, state and municipal leaders, the client) x every record (plan, notes on each side,
messages, their journal lines) x every position (before, inside, after the KVP window) is read
through the selectors that show them, against an oracle written here from the rule's text."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from skreddersy import journal
from skreddersy.clients.models import KvpPeriod
from skreddersy.core import clock
from skreddersy.core.errors import NotFound
from skreddersy.core.models import Role
from skreddersy.core.records import RecordSide, side_of
from skreddersy.followup import notices, selectors, services
from skreddersy.followup.models import Activity, JournalEntry, MeetingNote, Message, Thread
from skreddersy.policy import access
from tests import factories as f

TZ = dt.UTC
BEFORE = dt.datetime(2026, 3, 1, 10, tzinfo=TZ)
KVP_START = dt.datetime(2026, 4, 1, 10, tzinfo=TZ)
INSIDE = dt.datetime(2026, 4, 15, 10, tzinfo=TZ)
KVP_END = dt.datetime(2026, 5, 1, 10, tzinfo=TZ)
AFTER = dt.datetime(2026, 5, 15, 10, tzinfo=TZ)
NOW = dt.datetime(2026, 6, 1, 10, tzinfo=TZ)
POSITIONS = {"before": BEFORE, "inside": INSIDE, "after": AFTER}
RECORDS = ("plan", "state_notes", "municipal_notes", "messages")
PRINCIPALS = ("state_counsellor", "kvp_counsellor", "municipal_other", "state_leader", "municipal_leader", "client")


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    clock.freeze(None)


def _people(office):
    return {
        "state_counsellor": f.staff(Role.COUNSELLOR, offices=[office], employer="state"),
        "kvp_counsellor": f.staff(Role.COUNSELLOR, offices=[office], employer="municipal"),
        "municipal_other": f.staff(Role.COUNSELLOR, offices=[office], employer="municipal"),
        "state_leader": f.staff(Role.OFFICE_LEADER, offices=[office], employer="state"),
        "municipal_leader": f.staff(Role.OFFICE_LEADER, offices=[office], employer="municipal"),
    }


def _write_records(client, people):
    """At each position: an activity, a shared note on each side, a thread with a message, and their
    journal lines (each tagged by record and position in its text)."""
    author = people["kvp_counsellor"]
    for pos, at in POSITIONS.items():
        act = Activity.objects.create(
            plan=services.open_plan(client),
            client=client,
            title=f"plan {pos}",
            type="own",
            created_by_role="counsellor",
            created_by=author.user,
            created_at=at,
            updated_at=at,
        )
        journal.append(client_id=client.pk, kind=JournalEntry.Kind.ACTIVITY, summary=f"plan {pos}", obj=act, at=at)
        for cat in ("state_notes", "municipal_notes"):
            note = MeetingNote.objects.create(
                client=client,
                channel="phone",
                summary=f"{cat} {pos}",
                held_at=at,
                created_at=at,
                category=cat,
                written_by=author,
            )
            journal.append(
                client_id=client.pk, kind=JournalEntry.Kind.NOTE, summary=f"{cat} {pos}", obj=note, at=at, category=cat
            )
        thread = Thread.objects.create(client=client, subject=f"messages {pos}", created_at=at, last_message_at=at)
        msg = Message.objects.create(
            thread=thread, sender=client.user, from_client=True, body=f"messages {pos}", sent_at=at
        )
        journal.append(client_id=client.pk, kind=JournalEntry.Kind.MESSAGE, summary=f"messages {pos}", obj=msg, at=at)


def _kvp(client, people, state: str, followers: list[str]):
    if state == "none":
        return None
    period = client.periods.get()
    k = KvpPeriod.objects.create(
        client=client,
        period=period,
        office=client.office,
        start=KVP_START,
        end=KVP_END if state == "ended" else None,
        start_reason="Vedtak om KVP fattet",
        started_by=people["kvp_counsellor"].user,
    )
    k.followers.set([people[n] for n in followers])
    return k


def oracle(principal: str, record: str, pos: str, kvp_state: str, followers: list[str]) -> bool:
    """The rule, from its text."""
    if principal == "client":
        return True
    employer = "municipal" if principal.startswith(("kvp", "municipal")) else "state"
    if record.endswith("_notes") and side_of(record) != employer:
        return False  # the state/municipal side rule (no consent in this test)
    if kvp_state == "none" or principal in followers:
        return True
    if kvp_state == "open":
        return False  # while a KVP runs, only its followers see the plan, notes and dialogue
    return pos != "inside"  # after it ended: what was written inside it stays the followers'


def _seen(user, client_id: int) -> set[tuple[str, str]]:
    """(record, position) pairs ``user`` sees through each selector, checked to agree."""
    views = {}
    p = selectors.person(user=user, client_id=client_id)
    views["person"] = (
        {("plan", a.title.split()[1]) for a in p.activities}
        | {tuple(n.summary.split()) for n in selectors.meeting_notes(user=user, client_id=client_id)}
        | {("messages", m.body.split()[1]) for t in p.all_threads for m in t.recent_messages}
    )
    views["plan+notes+dialogue"] = (
        {("plan", a.title.split()[1]) for a in selectors.plan(user=user, client_id=client_id)}
        | {tuple(n.summary.split()) for n in selectors.notes_page(user=user, client_id=client_id, limit=50)[0].items}
        | {
            ("messages", m.body.split()[1])
            for t in selectors.threads(user=user, client_id=client_id)
            for m in t.recent_messages
        }
    )
    views["journal"] = {
        tuple(e.summary.split())
        for e in selectors.journal(user=user, client_id=client_id, limit=200)
        if e.kind in ("activity", "note", "message")
    }
    if access.sees_internal_notes(user):
        rec = selectors.case_record(user=user, client_id=client_id)
        views["export"] = (
            {("plan", a.title.split()[1]) for a in rec.activities}
            | {tuple(n.summary.split()) for n in rec.notes}
            | {("messages", m.body.split()[1]) for t in rec.threads for m in t.messages.all()}
        )
    first = next(iter(views.values()))
    for name, got in views.items():
        assert got == first, (name, got ^ first)
    return first


FOLLOWER_SETS = [
    list(c)
    for n in (1, 2, 3)
    for c in itertools.combinations(("kvp_counsellor", "municipal_other", "municipal_leader"), n)
]
HISTORIES = [("none", ["kvp_counsellor"])] + [(s, fs) for s in ("open", "ended") for fs in FOLLOWER_SETS]


# Every history there is (no KVP; an open or an ended one, with each set of municipal followers):
# the space is small enough to walk whole, which is stronger than sampling it.
@pytest.mark.parametrize(("kvp_state", "followers"), HISTORIES, ids=[f"{s}-{'+'.join(fs)}" for s, fs in HISTORIES])
def test_kvp_access_matrix(org, kvp_state, followers):
    people = _people(org["a"])
    client = f.client(org["a"], people["state_counsellor"], login=True)
    _write_records(client, people)
    _kvp(client, people, kvp_state, followers)
    clock.freeze(NOW)
    for principal in PRINCIPALS:
        user = f.fresh_user(client.user if principal == "client" else people[principal])
        got = _seen(user, client.pk)
        expected = {(r, pos) for r in RECORDS for pos in POSITIONS if oracle(principal, r, pos, kvp_state, followers)}
        assert got == expected, (principal, kvp_state, followers, sorted(got ^ expected))


def test_a_hidden_record_is_as_if_missing_and_cannot_be_written(org):
    """One activity, thread and message inside an open KVP: a state counsellor who opens them by id
    gets 'not found', and cannot change the activity or answer in the thread; the follower can."""
    people = _people(org["a"])
    client = f.client(org["a"], people["state_counsellor"], login=True)
    _kvp(client, people, "open", ["kvp_counsellor"])
    clock.freeze(INSIDE)
    kvp_user = f.fresh_user(people["kvp_counsellor"])
    act = services.add_activity(user=kvp_user, client=client.pk, title="KVP-tiltak", type="course")
    thread = services.start_thread(user=kvp_user, client=client.pk, subject="KVP", body="Hei fra kommunen")
    msg = thread.messages.get()
    state = f.fresh_user(people["state_counsellor"])
    with pytest.raises(NotFound):
        selectors.get_activity(user=state, activity_id=act.pk)
    with pytest.raises(NotFound):
        notices.requirement_page(user=state, activity_id=act.pk)
    assert notices.requirement_page(user=kvp_user, activity_id=act.pk).activity.pk == act.pk
    with pytest.raises(NotFound):
        selectors.get_thread(user=state, thread_id=thread.pk)
    with pytest.raises(NotFound):
        selectors.get_message(user=state, message_id=msg.pk)
    with pytest.raises(NotFound):
        services.update_activity(user=state, activity=act.pk, expected_version=act.version, title="Endret")
    with pytest.raises(NotFound):
        services.send_message(user=state, thread=thread.pk, body="Hei")
    assert Activity.objects.get(pk=act.pk).title == "KVP-tiltak" and thread.messages.count() == 1
    assert selectors.get_activity(user=kvp_user, activity_id=act.pk).pk == act.pk
    services.send_message(user=kvp_user, thread=thread.pk, body="Mer fra kommunen")
    assert thread.messages.count() == 2


def test_messages_during_a_kvp_go_to_the_municipal_side(org):
    """A message written while a KVP runs is routed to the municipal side, whoever writes it, and
    the client's message gives the answer task to a KVP follower, not the state counsellor."""
    people = _people(org["a"])
    client = f.client(org["a"], people["state_counsellor"], login=True)
    clock.freeze(BEFORE)
    before = services.start_thread(user=f.fresh_user(client.user), client=client.pk, subject="Før", body="Hei")
    m_before = before.messages.get()
    assert m_before.route == ""
    _kvp(client, people, "open", ["kvp_counsellor"])
    clock.freeze(INSIDE)
    t = services.start_thread(user=f.fresh_user(client.user), client=client.pk, subject="Under KVP", body="Hei igjen")
    m = t.messages.get()
    assert m.route == Message.Route.MUNICIPAL == RecordSide.MUNICIPAL
    task = m.tasks.get()
    assert task.owner_id == people["kvp_counsellor"].pk
    reply = services.send_message(user=f.fresh_user(people["kvp_counsellor"]), thread=t.pk, body="Svar fra kommunen")
    assert reply.route == Message.Route.MUNICIPAL
    # the state counsellor's own answer tasks do not show the hidden message's client thread
    assert not selectors.threads(user=f.fresh_user(people["state_counsellor"]), client_id=client.pk)
