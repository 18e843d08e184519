"""``notify``: write a notification into the outbox, in the caller's transaction.

Beside the journal in the layers (docs/architecture.md): above every app's models, below every
app's services, so the services of followup (and of measures or anything above) call it inside the
transaction that writes what it announces. A rolled-back write thus leaves no notification, and a
committed one always has its row for the worker to deliver.

The throttle: at most one notification per client per ``NOTIFICATION_THROTTLE_SECONDS`` (30
minutes). A notification not yet handed to the worker collects the events that arrive meanwhile;
a new one is due no sooner than the window after the previous one was sent (or was due). The
worker checks the window again when it sends (``delivery``), so a late retry of one notification
and the next one never reach the client within the window either.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.core import clock
from skreddersy.notifications.models import Notification

Kind = Notification.Kind
# The law requires the client to be told of a decision made available digitally
# (eForvaltningsforskriften § 9): no opt-out for these.
MANDATORY = {Kind.DECISION}


def window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATION_THROTTLE_SECONDS)


def notify(*, client_id: int, kind: str, at: dt.datetime | None = None) -> Notification:
    """Announce ``kind`` to the client: collect it into their pending notification or queue a new
    one. Must run inside the transaction of the write it announces."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the write it announces")
    now = at or clock.now()
    # Serialise notify() per client (PostgreSQL; SQLite serialises writers anyway), so that two
    # writes at once make one pending notification, not two.
    if connection.features.has_select_for_update:
        list(Client.objects.select_for_update().filter(pk=client_id).values_list("pk", flat=True))
    last = (Notification.objects.filter(client_id=client_id).order_by("-due_at", "-id")
            .only("id", "status", "attempts", "due_at", "sent_at", "kinds", "mandatory").first())
    if last is not None and last.status == Notification.Status.QUEUED and last.attempts == 0:
        kinds = sorted(set(filter(None, last.kinds.split(","))) | {kind})
        n = Notification.objects.filter(pk=last.pk, status=Notification.Status.QUEUED, attempts=0).update(
            events=F("events") + 1, kinds=",".join(kinds), mandatory=last.mandatory or kind in MANDATORY, updated_at=now,
        )
        if n:
            last.kinds = ",".join(kinds)
            return last
    # The window runs from when the previous one went out (or is due to, if it has not yet).
    due = now if last is None else max(now, (last.sent_at or last.due_at) + window())
    return Notification.objects.create(
        client_id=client_id, kind=kind, kinds=kind, mandatory=kind in MANDATORY,
        due_at=due, next_attempt_at=due, created_at=now, updated_at=now,
    )


def mark_read(client_id: int) -> int:
    """The read receipt: the client has opened Min side, so every notification sent to them is
    read. Called by the Min side read after its access check (the client themself); journalled,
    not audited (the page's read is). Returns how many."""
    ids = list(Notification.objects.filter(client_id=client_id, status=Notification.Status.SENT).values_list("id", flat=True))
    if not ids:
        return 0
    now = clock.now()
    with transaction.atomic():
        n = Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).update(
            status=Notification.Status.READ, read_at=now, updated_at=now)
        journal.append_many([{"client_id": client_id, "kind": journal.Kind.MESSAGE, "object_type": "Notification",
                              "object_id": i, "summary": "Varsel lest: bruker åpnet Min side", "visible_to_client": False}
                             for i in ids])
    return n
