"""Meetings: booking (bad input: the past, overlapping the counsellor's other meeting, no place for
a meeting in person), the client's notice, the day-before reminder (once), the week's møteplan,
"møter i dag", a held meeting's note in one step, and no-shows."""

import datetime as dt

import pytest
from django.utils import timezone

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput
from skreddersy.followup import meetings, selectors
from skreddersy.followup.models import JournalEntry, Meeting, MeetingNote
from skreddersy.notifications.models import Notification
from tests import factories as f

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))  # a Monday


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def case(org, frozen):
    client = f.client(org["a"], org["counsellor"], login=True)
    other = f.client(org["a"], org["counsellor"])
    return {
        "nav": f.fresh_user(org["counsellor"]),
        "me": f.fresh_user(client.user),
        "client": client,
        "other": other,
        "staff": org["counsellor"],
    }


def at(days=0, hour=10, minute=0):
    return timezone.make_aware(dt.datetime.combine(T0.date() + dt.timedelta(days=days), dt.time(hour, minute)))


def book(case, when, minutes=45, client=None, **kw):
    values = {"mode": "in_person", "place": "Nav Alfa, møterom 2", "agenda": "Gå gjennom planen", **kw}
    return meetings.book_meeting(
        user=case["nav"], client=client or case["client"], starts_at=when, minutes=minutes, **values
    )


def test_booking_notifies_the_client_and_shows_on_min_side(case):
    m = book(case, at(1, 10), participants="Tolk (arabisk)")
    assert m.status == "planned" and m.ends_at - m.starts_at == dt.timedelta(minutes=45)
    assert Notification.objects.filter(client=case["client"], kinds__contains="meeting").exists()
    assert JournalEntry.objects.filter(client=case["client"], summary__startswith="Møte booket").exists()
    page = selectors.person(user=case["me"], client_id=case["client"].pk, why="min side")
    assert [x.pk for x in page.upcoming_meetings] == [m.pk]


@pytest.mark.parametrize(
    "when, field, words",
    [
        (lambda: at(0, 8), "starts_at", "tilbake i tid"),
        (lambda: at(-3, 12), "starts_at", "tilbake i tid"),
    ],
)
def test_a_meeting_in_the_past_is_refused(case, when, field, words):
    with pytest.raises(InvalidInput) as exc:
        book(case, when())
    assert words in exc.value.errors[field]
    assert not Meeting.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "start, minutes, clashes",
    [
        ((1, 10, 0), 45, True),  # the same time
        ((1, 10, 30), 30, True),  # starts inside
        ((1, 9, 30), 45, True),  # ends inside
        ((1, 9, 0), 240, True),  # around it
        ((1, 10, 45), 30, False),  # starts as the other ends
        ((1, 9, 15), 45, False),  # ends as the other starts
        ((2, 10, 0), 45, False),  # another day
    ],
)
def test_overlapping_meetings_for_the_same_counsellor_are_refused(case, start, minutes, clashes):
    book(case, at(1, 10), minutes=45)
    d, h, mi = start
    if clashes:
        with pytest.raises(InvalidInput) as exc:
            book(case, at(d, h, mi), minutes=minutes, client=case["other"])
        assert (
            "overlapper" in exc.value.errors["starts_at"]
            and "03.11.2026 kl. 10:00–10:45" in exc.value.errors["starts_at"]
        )
        assert Meeting.objects.count() == 1
    else:
        book(case, at(d, h, mi), minutes=minutes, client=case["other"])
        assert Meeting.objects.count() == 2


def test_a_cancelled_meeting_frees_the_time(case):
    m = book(case, at(1, 10))
    meetings.record_outcome(user=case["nav"], meeting=m, status="cancelled")
    book(case, at(1, 10), client=case["other"])


def test_other_counsellors_meetings_do_not_clash(case, org):
    book(case, at(1, 10))
    colleague = f.staff("counsellor", offices=[org["a"]])
    meetings.book_meeting(
        user=f.fresh_user(colleague),
        client=case["other"],
        starts_at=at(1, 10),
        minutes=45,
        mode="video",
        agenda="Oppfølging",
    )


def test_in_person_needs_a_place_and_every_booking_an_agenda(case):
    with pytest.raises(InvalidInput) as exc:
        book(case, at(1, 10), place="", agenda="")
    assert set(exc.value.errors) == {"place", "agenda"}


def test_the_client_cannot_book(case):
    with pytest.raises(AccessDenied):
        meetings.book_meeting(
            user=case["me"], client=case["client"], starts_at=at(1, 10), minutes=30, mode="phone", agenda="x"
        )


def test_reminder_the_day_before_once(case):
    tomorrow = book(case, at(1, 14))
    later = book(case, at(3, 14), client=case["other"])
    Notification.objects.all().delete()
    assert meetings.send_reminders(now=at(0, 7)) == 1
    assert meetings.send_reminders(now=at(0, 8)) == 0  # once
    tomorrow.refresh_from_db()
    later.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None and later.reminder_sent_at is None
    assert Notification.objects.filter(client=case["client"], kinds__contains="meeting").count() == 1
    assert not Notification.objects.filter(client=case["other"]).exists()
    assert meetings.send_reminders(now=at(2, 7)) == 1  # the day before the later one


def test_week_and_today(case):
    clock.freeze(at(0, 7))
    today = book(case, at(0, 13))
    book(case, at(4, 9), client=case["other"])
    book(case, at(8, 9))  # next week
    w = meetings.week(user=case["nav"])
    assert w.monday == T0.date() and w.count == 2
    assert [m.pk for m in dict(w.days)[T0.date()]] == [today.pk]
    assert [m.pk for m in meetings.today_for(user=case["nav"])] == [today.pk]
    with pytest.raises(AccessDenied):
        meetings.week(user=case["me"])


def test_held_meeting_becomes_a_meeting_note_in_one_step(case):
    m = book(case, at(0, 10))
    with pytest.raises(InvalidInput):  # not begun yet
        meetings.record_held(user=case["nav"], meeting=m, summary="Snakket om kurs.")
    clock.freeze(at(0, 11))
    m = meetings.record_held(user=case["nav"], meeting=m.pk, summary="Snakket om kurs.")
    note = MeetingNote.objects.get()
    assert m.status == "held" and m.note_id == note.pk and note.held_at == m.starts_at and note.channel == "meeting"
    case["client"].refresh_from_db()
    assert case["client"].last_contact_at == m.starts_at
    with pytest.raises(Conflict):
        meetings.record_held(user=case["nav"], meeting=m.pk, summary="Igjen")
    with pytest.raises(InvalidInput):
        meetings.record_held(user=case["nav"], meeting=book(case, at(1, 10)).pk, summary="  ")


def test_no_show_is_recorded_after_the_start_only(case):
    m = book(case, at(0, 10))
    with pytest.raises(InvalidInput):
        meetings.record_outcome(user=case["nav"], meeting=m, status="no_show")
    clock.freeze(at(0, 10, 20))
    m = meetings.record_outcome(user=case["nav"], meeting=m.pk, status="no_show")
    assert m.status == "no_show" and not MeetingNote.objects.exists()
    assert JournalEntry.objects.filter(summary__startswith="Bruker møtte ikke").exists()
