"""Writes for one client at the same moment, in real transactions in threads: they make one
notification between them (the throttle's collecting one), none is lost, and the client is never
told twice within the 30-minute window, also while the worker drains at the same moment.

PostgreSQL: notify() locks the client row, and its insert-or-collect is one ``INSERT ... ON
CONFLICT`` on the partial unique index of the collecting notification. SQLite: every transaction
opens with BEGIN IMMEDIATE, so writers queue. The same tests run on both."""

import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from skreddersy.core import clock
from skreddersy.followup import services
from skreddersy.notifications import delivery
from skreddersy.notifications.models import Notification
from skreddersy.notifications.outbox import notify
from tests.notifications.conftest import T0, make_client
from tests.notifications.test_outbox import FakeGateway

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]

HOLD = 0.2  # seconds each writer keeps its transaction open after notify(): the others must wait or conflict


def _rerun_on_a_file_database_if_in_memory(request, tmp_path) -> bool:
    """In-memory SQLite (the default test database) shares one cache between threads and answers
    "table is locked" instead of queueing; production SQLite is a file in WAL mode. So on in-memory
    SQLite the test runs itself again in a subprocess on a file database, and fails if that run
    fails or runs nothing."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return False
    env = {**os.environ, "SKREDDERSY_SQLITE_TEST_NAME": str(tmp_path / "race.sqlite3"), "HYPOTHESIS_PROFILE": "ci"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", f"{__file__}::{request.node.name}", "-rA"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0 and "PASSED" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    return True


def _together(*jobs) -> list[str]:
    """Run each job in its own thread and transaction, all starting at once; "ok" or the error."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = []
    lock = threading.Lock()

    def go(job):
        try:
            barrier.wait(timeout=10)
            job()
            out = "ok"
        except Exception as exc:  # any failure must fail the test loudly
            out = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=go, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "a writer thread hung"
    return results


def _notifying(client_id: int, kind: str):
    def job():
        with transaction.atomic():
            notify(client_id=client_id, kind=kind)
            time.sleep(HOLD)  # still uncommitted while the others arrive
    return job


@pytest.fixture
def at_t0():
    clock.freeze(T0)
    yield
    clock.freeze(None)


def test_writes_at_once_for_one_client_make_one_notification_with_every_event(office, counsellor, at_t0, request, tmp_path):
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    c = make_client(office, counsellor)
    kinds = ["meeting", "message", "activity", "decision"]
    assert _together(*[_notifying(c.pk, k) for k in kinds]) == ["ok"] * len(kinds)
    n = Notification.objects.get(client=c)
    assert (n.status, n.attempts, n.events, n.due_at) == ("queued", 0, len(kinds), T0)
    assert n.kinds == "activity,decision,meeting,message"  # every kind collected, in a fixed order
    assert n.mandatory  # the decision's: the law requires the notice


def test_two_counsellors_messages_at_once_make_one_notification(office, counsellor, at_t0, request, tmp_path):
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    c = make_client(office, counsellor)
    thread = services.start_thread(user=counsellor.user, client=c, subject="Møte", body="Hei")
    Notification.objects.filter(client=c).update(status="sent", sent_at=T0 - dt.timedelta(hours=2), attempts=1)

    def message(body):
        def job():
            with transaction.atomic():
                services.send_message(user=counsellor.user, thread=thread.pk, body=body)
                time.sleep(HOLD)
        return job

    assert _together(message("Husk møtet."), message("Ta med CV.")) == ["ok", "ok"]
    pending = Notification.objects.get(client=c, status="queued")
    assert (pending.events, pending.kinds, pending.due_at) == (2, "message", T0)


def test_writes_at_once_just_after_a_notification_went_out_wait_for_the_window(office, counsellor, at_t0, request, tmp_path):
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    c = make_client(office, counsellor)
    Notification.objects.create(client=c, kind="message", kinds="message", status="sent", attempts=1,
                                due_at=T0 - dt.timedelta(minutes=5), next_attempt_at=T0, sent_at=T0 - dt.timedelta(minutes=5))
    assert _together(_notifying(c.pk, "message"), _notifying(c.pk, "activity")) == ["ok", "ok"]
    n = Notification.objects.get(client=c, status="queued")
    assert (n.events, n.kinds, n.due_at) == (2, "activity,message", T0 + dt.timedelta(minutes=25))
    gw = FakeGateway()
    assert delivery.drain(gateway=gw)["sent"] == 0 and gw.sent == []  # not inside the window
    clock.freeze(T0 + dt.timedelta(minutes=25))
    assert delivery.drain(gateway=gw)["sent"] == 1


def test_a_write_while_the_worker_drains_is_never_lost_and_never_inside_the_window(office, counsellor, at_t0, request, tmp_path):
    """Whichever comes first, the worker's claim of the pending notification or the write that would
    collect into it: the event is either in the notification sent now, or in one due 30 minutes
    after it; the client is told once now."""
    if _rerun_on_a_file_database_if_in_memory(request, tmp_path):
        return
    gw = FakeGateway()
    for _ in range(4):
        c = make_client(office, counsellor)
        with transaction.atomic():
            notify(client_id=c.pk, kind="message")
        gw.sent.clear()

        def drain():
            delivery.drain(gateway=gw)

        assert _together(_notifying(c.pk, "activity"), drain) == ["ok", "ok"]
        delivery.drain(gateway=gw)  # whatever the race left due now
        rows = list(Notification.objects.filter(client=c).order_by("due_at", "id"))
        assert sum(r.events for r in rows) == 2  # no event lost
        assert len(gw.sent) == 1  # told once now ...
        if len(rows) == 2:  # ... and the event that came after the claim waits out the window
            first, second = rows
            assert first.status == "sent" and second.status == "queued"
            assert second.due_at >= first.due_at + dt.timedelta(minutes=30)
        else:
            assert rows[0].status == "sent" and rows[0].kinds == "activity,message"
