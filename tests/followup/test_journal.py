"""One chronological journal per client: every service that changes the case appends exactly one
entry, the case reads start to end in order, and the client sees only what is meant for them."""

import datetime as dt

import pytest

from skreddersy.clients import services as client_services
from skreddersy.core import clock
from skreddersy.followup import selectors, services
from skreddersy.followup.models import JournalEntry, Thread
from tests import factories as f

T0 = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def story(org):
    client = f.client(org["a"], org["counsellor"], login=True)
    approver = f.staff("second_approver", offices=[org["a"]])
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(client.user), "client": client,
            "approver": f.fresh_user(approver)}


def _steps(s):
    """(label, call, visible to the client?) — each call is one service call."""
    c = s["client"]
    box = {}

    def thread():
        box["thread"] = services.start_thread(user=s["me"], client=c, subject="Hei", body="Jeg lurer på noe.")

    def assessment():
        box["wca"] = services.create_assessment(user=s["nav"], client=c, resource_profile="r", client_self_assessment="e",
                                                reduced_work_capacity=True)

    def draft():
        box["d"] = services.draft_decision(user=s["nav"], client=c, need_group="VARIG_TILPASSET_INNSATS",
                                           main_goal="OKE_DELTAKELSE", justification="b", assessment=box["wca"])

    def activity():
        box["act"] = services.add_activity(user=s["nav"], client=c, title="Arbeidstrening", type="measure")

    return [
        ("mapping", lambda: client_services.record_mapping(user=s["nav"], client=c, entries={"language": {"counsellor": 2}}), True),
        ("client message", thread, True),
        ("nav reply", lambda: services.send_message(user=s["nav"], thread=box["thread"], body="Svar."), True),
        ("assessment", assessment, True),
        ("draft", draft, False),
        ("submit", lambda: services.submit_decision(user=s["nav"], decision=box["d"]), False),
        ("approve", lambda: services.approve_decision(user=s["approver"], decision=box["d"]), True),
        ("activity", activity, True),
        ("client approves", lambda: services.approve_activity(user=s["me"], activity=box["act"], expected_version=box["act"].version), True),
        ("shared note", lambda: services.log_contact(user=s["nav"], client=c, channel="meeting", summary="Møte"), True),
        ("internal note", lambda: services.log_contact(user=s["nav"], client=c, channel="phone", summary="Intern", shared_with_client=False), False),
        ("task", lambda: services.create_task(user=s["nav"], client=c, title="Ring arbeidsgiver", deadline=clock.now() + dt.timedelta(days=2)), False),
        ("client message 2", lambda: services.send_message(user=s["me"], thread=Thread.objects.get(pk=box["thread"].pk), body="Takk"), True),
        ("no reply needed", lambda: services.mark_no_reply_needed(user=s["nav"], thread=Thread.objects.get(pk=box["thread"].pk)), False),
        ("route", lambda: services.set_message_route(user=s["nav"], message=box["thread"].messages.order_by("-id").first(), route="followup"), False),
    ]


def test_each_service_call_appends_one_entry_in_order(story):
    steps = _steps(story)
    try:
        for i, (label, call, _visible) in enumerate(steps):
            clock.freeze(T0 + dt.timedelta(hours=i))
            before = JournalEntry.objects.filter(client=story["client"]).count()
            call()
            after = JournalEntry.objects.filter(client=story["client"]).count()
            assert after - before == 1, label
    finally:
        clock.freeze(None)
    case = selectors.full_journal(user=story["nav"], client_id=story["client"].pk)
    assert [e.at for e in case] == [T0 + dt.timedelta(hours=i) for i in range(len(steps))]
    newest_first = selectors.journal(user=story["nav"], client_id=story["client"].pk)
    assert [e.pk for e in newest_first] == [e.pk for e in reversed(case)]


def test_client_sees_only_entries_meant_for_them(story):
    steps = _steps(story)
    try:
        for i, (_label, call, _visible) in enumerate(steps):
            clock.freeze(T0 + dt.timedelta(hours=i))
            call()
    finally:
        clock.freeze(None)
    hours_visible = [i for i, (_l, _c, visible) in enumerate(steps) if visible]
    mine = selectors.full_journal(user=story["me"], client_id=story["client"].pk)
    assert [e.at for e in mine] == [T0 + dt.timedelta(hours=i) for i in hours_visible]
    assert all(e.visible_to_client for e in mine)
    assert not any("Intern" in e.summary or e.kind == "task" for e in mine)
    card = selectors.person(user=story["me"], client_id=story["client"].pk, card=True)
    assert {e.pk for e in card.journal} == {e.pk for e in mine}
    assert card.open_tasks == []


def test_journal_filter_by_kind_and_paging(story):
    for i in range(7):
        services.log_contact(user=story["nav"], client=story["client"], channel="sms", summary=f"SMS {i}",
                             held_at=T0 + dt.timedelta(minutes=i))
    services.add_activity(user=story["nav"], client=story["client"], title="Kurs", type="course")
    notes = selectors.journal(user=story["nav"], client_id=story["client"].pk, kinds=["note"])
    assert len(notes) == 7 and {e.kind for e in notes} == {"note"}
    first = selectors.journal(user=story["nav"], client_id=story["client"].pk, kinds=["note"], limit=3)
    rest = selectors.journal(user=story["nav"], client_id=story["client"].pk, kinds=["note"], before_id=first[-1].pk)
    assert [e.pk for e in first + rest] == [e.pk for e in notes]


def test_meeting_note_is_placed_at_the_time_it_was_held(story):
    held = T0 - dt.timedelta(days=3)
    services.log_contact(user=story["nav"], client=story["client"], channel="meeting", summary="Møte", held_at=held)
    entry = JournalEntry.objects.get(client=story["client"], kind="note")
    assert entry.at == held and entry.actor_id == story["nav"].pk
