"""The outbox: a notification is written in the same transaction as what it announces, by the
services that announce something to the client, and throttled to one per client per 30 minutes."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied
from skreddersy.followup import services
from skreddersy.followup.models import Message, NeedsDecision
from skreddersy.notifications import delivery
from skreddersy.notifications.models import Notification
from tests import factories as f
from tests.notifications.conftest import T0, make_client

pytestmark = pytest.mark.django_db


def test_a_counsellors_message_queues_one_notification_and_the_clients_own_does_not(person, counsellor, frozen):
    thread = services.start_thread(user=person.user, client=person, subject="Spørsmål", body="Når er møtet?")
    assert not Notification.objects.exists()
    services.send_message(user=counsellor.user, thread=thread, body="Møtet er på tirsdag.")
    n = Notification.objects.get()
    assert (n.client_id, n.kind, n.status, n.events, n.attempts) == (person.pk, "message", "queued", 1, 0)
    assert n.due_at == n.next_attempt_at == T0
    assert len(n.idempotency_key) == 32


def test_a_rolled_back_message_writes_no_notification(person, counsellor, frozen):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.start_thread(user=counsellor.user, client=person, subject="Hei", body="Ny melding")
        assert Notification.objects.count() == 1  # written in the same transaction ...
        raise Abort
    assert not Notification.objects.exists()  # ... and gone with it
    assert not Message.objects.exists()


def test_a_refused_write_writes_no_notification(person, office, frozen):
    stranger = f.staff("counsellor", offices=[f.office(f.county("50"))])
    with pytest.raises(AccessDenied):
        services.start_thread(user=stranger.user, client=person, subject="Hei", body="Ny melding")
    assert not Notification.objects.exists()


def test_proposed_activity_requirement_and_decision_notify_but_the_clients_own_activity_does_not(person, counsellor, frozen):
    services.add_activity(user=person.user, client=person, title="Eget mål", type="own")
    assert not Notification.objects.exists()
    services.add_activity(user=counsellor.user, client=person, title="Kurs", type="course")
    services.add_activity(user=counsellor.user, client=person, title="Møte opp", type="course", is_requirement=True,
                          legal_basis="folketrygdloven § 11-7", consequence="AAP kan stanses.")
    n = Notification.objects.get()  # collected into one: within 30 minutes
    assert (n.kind, n.kinds, n.events, n.mandatory) == ("activity", "activity,requirement", 2, False)
    d = services.draft_decision(user=counsellor.user, client=person, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    services.submit_decision(user=counsellor.user, decision=d)  # standard innsats: sent without a second approver
    assert NeedsDecision.objects.get(pk=d.pk).status == "sent"
    n.refresh_from_db()
    assert (n.events, n.mandatory) == (3, True)  # a decision makes the pending notice one the law requires


def test_notify_refuses_to_run_outside_a_transaction(person):
    from skreddersy.notifications.outbox import notify

    with pytest.raises(RuntimeError):  # the test runs in a transaction: pretend it does not
        conn = transaction.get_connection()
        saved = conn.in_atomic_block
        conn.in_atomic_block = False
        try:
            notify(client_id=person.pk, kind="message")
        finally:
            conn.in_atomic_block = saved


class FakeGateway:
    """In-process stand-in for the throttle property (the HTTP path has its own tests)."""

    def __init__(self):
        self.sent = []

    def send(self, *, key, to, text):
        self.sent.append((key, clock.now()))
        return key

    def close(self):
        pass


def _expected(events: list[int]) -> list[tuple[int, int, int]]:
    """Independent model of the throttle with a drain before every event and one at the end: a
    list of (due minute, sent minute, events collected) per notification."""
    out, pending, last_sent = [], None, None
    for i, t in enumerate(events + [events[-1] + 31]):
        if pending is not None and pending[0] <= t and (last_sent is None or t >= last_sent + 30):
            out.append((pending[0], t, pending[1]))
            last_sent, pending = t, None
        if i == len(events):
            break
        if pending is not None:
            pending[1] += 1
        else:
            pending = [t if last_sent is None else max(t, last_sent + 30), 1]
    assert pending is None
    return out


@given(gaps=st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=15))
def test_throttle_one_notification_per_client_per_30_minutes_none_lost(office, counsellor, gaps):
    from skreddersy.notifications.outbox import notify

    events = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    gw = FakeGateway()
    try:
        with f.rolled_back():
            c = make_client(office, counsellor)
            for t in events:
                clock.freeze(T0 + dt.timedelta(minutes=t))
                delivery.drain(gateway=gw)
                with transaction.atomic():
                    notify(client_id=c.pk, kind="message")
            clock.freeze(T0 + dt.timedelta(minutes=events[-1] + 31))
            delivery.drain(gateway=gw)
            rows = list(Notification.objects.filter(client=c).order_by("due_at"))
            assert all(r.status == "sent" for r in rows)
            assert sum(r.events for r in rows) == len(events)  # every event announced
            sent = [at for _, at in gw.sent]
            assert all((b - a) >= dt.timedelta(minutes=30) for a, b in zip(sent, sent[1:], strict=False))
            minute = lambda at: int((at - T0).total_seconds() // 60)  # noqa: E731
            assert [(minute(r.due_at), minute(r.sent_at), r.events) for r in rows] == _expected(events)
            assert all(r.sent_at >= r.due_at for r in rows)
    finally:
        clock.freeze(None)
