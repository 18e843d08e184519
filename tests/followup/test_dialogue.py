"""Dialogue: a client's message waits for Nav's reply with a 48-hour task; replies, "no reply
needed", read receipts, and days since last contact (replies and notes from any channel)."""

import datetime as dt

import pytest

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.followup import selectors, services
from skreddersy.followup.models import Message, Task, Thread
from tests import factories as f

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield lambda at: clock.freeze(at)
    clock.freeze(None)


@pytest.fixture
def talk(org):
    client = f.client(org["a"], org["counsellor"], login=True)
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(client.user), "client": client,
            "owner": org["counsellor"]}


def _answer_tasks(client):
    return Task.objects.filter(client=client, kind=Task.Kind.ANSWER_MESSAGE)


def test_client_message_awaits_reply_with_one_48_hour_task_for_the_counsellor(talk, frozen):
    t = services.start_thread(user=talk["me"], client=talk["client"], subject="Spørsmål", body="Når er neste møte?")
    t.refresh_from_db()
    assert t.awaiting_nav_reply
    task = _answer_tasks(talk["client"]).get()
    assert task.owner_id == talk["owner"].pk and task.status == Task.Status.OPEN
    assert task.deadline == T0 + dt.timedelta(hours=48)
    # A second message in the same thread does not make a second task.
    frozen(T0 + dt.timedelta(hours=1))
    services.send_message(user=talk["me"], thread=t, body="Og hvor?")
    assert _answer_tasks(talk["client"]).count() == 1
    # Client messages are not Nav's contact.
    talk["client"].refresh_from_db()
    assert talk["client"].last_contact_at is None


def test_navs_reply_clears_waiting_and_closes_the_task(talk, frozen):
    t = services.start_thread(user=talk["me"], client=talk["client"], subject="Spørsmål", body="Hei?")
    frozen(T0 + dt.timedelta(hours=3))
    services.send_message(user=talk["nav"], thread=t, body="Hei! Vi møtes tirsdag.")
    t.refresh_from_db()
    assert not t.awaiting_nav_reply
    task = _answer_tasks(talk["client"]).get()
    assert task.status == Task.Status.DONE and task.done_at == T0 + dt.timedelta(hours=3)
    talk["client"].refresh_from_db()
    assert talk["client"].last_contact_at == T0 + dt.timedelta(hours=3)


def test_separate_threads_get_separate_tasks(talk):
    a = services.start_thread(user=talk["me"], client=talk["client"], subject="A", body="a")
    services.start_thread(user=talk["me"], client=talk["client"], subject="B", body="b")
    assert _answer_tasks(talk["client"]).filter(status=Task.Status.OPEN).count() == 2
    services.send_message(user=talk["nav"], thread=a, body="svar")
    assert _answer_tasks(talk["client"]).filter(status=Task.Status.OPEN).count() == 1


def test_mark_no_reply_needed_clears_waiting_and_task(talk):
    t = services.start_thread(user=talk["me"], client=talk["client"], subject="Takk", body="Takk for sist!")
    services.mark_no_reply_needed(user=talk["nav"], thread=t)
    t.refresh_from_db()
    assert not t.awaiting_nav_reply
    assert _answer_tasks(talk["client"]).get().status == Task.Status.DONE
    assert Message.objects.get(thread=t).read_by_nav_at is not None


def test_client_cannot_mark_no_reply_needed(talk):
    t = services.start_thread(user=talk["me"], client=talk["client"], subject="Hei", body="Hei")
    with pytest.raises(AccessDenied):
        services.mark_no_reply_needed(user=talk["me"], thread=t)
    assert Thread.objects.get(pk=t.pk).awaiting_nav_reply


def test_read_receipts_each_way(talk, frozen):
    t = services.start_thread(user=talk["nav"], client=talk["client"], subject="Innkalling", body="Møte tirsdag kl 10.")
    msg = Message.objects.get(thread=t)
    assert msg.read_by_nav_at == T0 and msg.read_by_client_at is None
    frozen(T0 + dt.timedelta(hours=5))
    assert services.mark_thread_read(user=talk["me"], thread=t) == 1
    msg.refresh_from_db()
    assert msg.read_by_client_at == T0 + dt.timedelta(hours=5)
    assert services.mark_thread_read(user=talk["me"], thread=t) == 0
    reply = services.send_message(user=talk["me"], thread=t, body="Det passer.")
    assert reply.read_by_nav_at is None
    assert services.mark_thread_read(user=talk["nav"], thread=t) == 1
    reply.refresh_from_db()
    assert reply.read_by_nav_at is not None


@pytest.mark.parametrize("channel", ["meeting", "phone", "sms", "video"])
def test_meeting_notes_from_any_channel_count_as_contact(talk, frozen, channel):
    held = T0 - dt.timedelta(days=1)
    services.log_contact(user=talk["nav"], client=talk["client"], channel=channel, summary="Snakket om CV.", held_at=held)
    talk["client"].refresh_from_db()
    assert talk["client"].last_contact_at == held


def test_an_older_note_does_not_move_last_contact_back(talk, frozen):
    services.log_contact(user=talk["nav"], client=talk["client"], channel="phone", summary="Ringte.")
    services.log_contact(user=talk["nav"], client=talk["client"], channel="meeting", summary="Gammelt møte.",
                         held_at=T0 - dt.timedelta(days=30))
    talk["client"].refresh_from_db()
    assert talk["client"].last_contact_at == T0


@pytest.mark.parametrize("kwargs,field", [
    ({"channel": "pigeon", "summary": "x"}, "channel"),
    ({"channel": "phone", "summary": "   "}, "summary"),
    ({"channel": "phone", "summary": "x", "held_at": T0 + dt.timedelta(days=1)}, "held_at"),
])
def test_bad_meeting_notes_are_refused(talk, frozen, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        services.log_contact(user=talk["nav"], client=talk["client"], **kwargs)
    assert field in exc.value.errors
    talk["client"].refresh_from_db()
    assert talk["client"].last_contact_at is None


@pytest.mark.parametrize("subject,body,field", [("", "x", "subject"), ("x", "  ", "body")])
def test_empty_messages_are_refused(talk, subject, body, field):
    with pytest.raises(InvalidInput) as exc:
        services.start_thread(user=talk["me"], client=talk["client"], subject=subject, body=body)
    assert exc.value.field == field
    assert not Thread.objects.exists() and not Task.objects.exists()


def test_thread_about_another_clients_activity_is_refused(talk, org):
    other = f.client(org["a"], org["counsellor"])
    act = services.add_activity(user=talk["nav"], client=other, title="Kurs", type="course")
    with pytest.raises(InvalidInput) as exc:
        services.start_thread(user=talk["nav"], client=talk["client"], subject="Kurs", body="x", activity=act)
    assert exc.value.field == "activity"


def test_client_reads_only_own_dialogue_and_shared_notes(talk, org):
    other = f.client(org["a"], org["counsellor"])
    services.start_thread(user=talk["nav"], client=other, subject="Annen bruker", body="x")
    services.start_thread(user=talk["nav"], client=talk["client"], subject="Din tråd", body="x")
    services.log_contact(user=talk["nav"], client=talk["client"], channel="meeting", summary="Delt referat")
    services.log_contact(user=talk["nav"], client=talk["client"], channel="phone", summary="Internt notat",
                         shared_with_client=False)
    assert [t.subject for t in selectors.threads(user=talk["me"], client_id=talk["client"].pk)] == ["Din tråd"]
    assert [n.summary for n in selectors.meeting_notes(user=talk["me"], client_id=talk["client"].pk)] == ["Delt referat"]
    assert len(selectors.meeting_notes(user=talk["nav"], client_id=talk["client"].pk)) == 2
    with pytest.raises(AccessDenied):
        selectors.threads(user=talk["me"], client_id=other.pk)
    other_thread = Thread.objects.get(client=other)
    with pytest.raises(AccessDenied):
        services.send_message(user=talk["me"], thread=other_thread, body="hei")
    assert Message.objects.filter(thread=other_thread).count() == 1


def test_meeting_time_without_offset_is_read_as_local_time(talk, frozen):
    """An API caller may send a time without an offset; that is Norwegian local time, not a crash."""
    note = services.log_contact(user=talk["nav"], client=talk["client"], channel="phone", summary="Ringte",
                                held_at=dt.datetime(2026, 3, 2, 8, 30))
    assert note.held_at == dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)  # 08:30 in Oslo (CET) in March
    with pytest.raises(InvalidInput) as exc:
        services.log_contact(user=talk["nav"], client=talk["client"], channel="phone", summary="Fram i tid",
                             held_at=dt.datetime(2026, 3, 3, 9, 0))
    assert "held_at" in exc.value.errors
