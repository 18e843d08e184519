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

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.core import clock
from skreddersy.notifications.models import Notification, new_idempotency_key

Kind = Notification.Kind
# The law requires the client to be told of a decision made available digitally
# (eForvaltningsforskriften § 9): no opt-out for these.
MANDATORY = {Kind.DECISION}


def window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTIFICATION_THROTTLE_SECONDS)


def notify(*, client_id: int, kind: str, at: dt.datetime | None = None) -> Notification:
    """Announce ``kind`` to the client: collect it into their pending notification or queue a new
    one. Must run inside the transaction of the write it announces.

    One round trip (this is on the path of every message a counsellor writes): an ``INSERT ... ON
    CONFLICT`` on the partial unique index of the collecting notification (at most one per client)
    that either adds the event to it or inserts a new one, due when the throttle allows. On
    PostgreSQL the same round trip first locks the client row, so two writes for one client at once
    are serialised as before: the second statement takes its snapshot after the lock, and so sees
    what the other committed (the previous notification the throttle counts from)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the write it announces")
    now = at or clock.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    mandatory = kind in MANDATORY
    pg = connection.vendor == "postgresql"
    params = [client_id, kind, kind, mandatory, new_idempotency_key(), stamp, stamp,
              stamp, client_id, window() if pg else int(window().total_seconds() * 1_000_000), stamp]
    with connection.cursor() as cur:
        if pg:
            cur.execute(_LOCK_SQL + _UPSERT_SQL["postgresql"], [client_id, *params])
            cur.nextset()
        else:
            cur.execute(_UPSERT_SQL["sqlite"], params)
        pk, first_kind, kinds, events, mandatory, due, key = cur.fetchone()
    due = connection.ops.convert_datetimefield_value(due, None, connection) if not pg else due
    return Notification(pk=pk, client_id=client_id, kind=first_kind, kinds=kinds, events=events, mandatory=bool(mandatory),
                        due_at=due, next_attempt_at=due, idempotency_key=key)


# --- the statement of notify() -------------------------------------------------------------------

_TABLE = Notification._meta.db_table
_QUEUED = Notification.Status.QUEUED.value
# Serialise notify() per client on PostgreSQL (SQLite serialises writers anyway: IMMEDIATE
# transactions). NO KEY UPDATE: the lock an UPDATE of the row takes (a message's write already
# holds it), so it does not block other writes that only refer to the client (their foreign keys).
_LOCK_SQL = f"SELECT 1 FROM {Client._meta.db_table} WHERE id = %s FOR NO KEY UPDATE; "
# The kinds collected, comma-separated in a fixed (sorted) order whatever order they came in.
_MERGED_KINDS = "RTRIM(" + " || ".join(
    f"CASE WHEN EXCLUDED.kind = '{k}' OR ',' || n.kinds || ',' LIKE '%%,{k},%%' THEN '{k},' ELSE '' END"
    for k in sorted(Kind.values)) + ", ',')"
# The window runs from when the client's latest notification went out (or is due to, if it has not
# yet): due = max(now, that + window). ``django_format_dtdelta`` is the function Django's ORM uses
# on SQLite for a datetime plus a duration (in microseconds); it keeps Django's stored format.
_ANCHOR = (f"(SELECT COALESCE(sent_at, due_at) FROM {_TABLE} WHERE client_id = %s "
           "ORDER BY due_at DESC, id DESC LIMIT 1)")
_DUE = {"postgresql": f"GREATEST(%s, COALESCE({_ANCHOR} + %s, %s))",
        "sqlite": f"MAX(%s, COALESCE(django_format_dtdelta('+', {_ANCHOR}, %s), %s))"}
# ``LIMIT 1`` keeps PostgreSQL from pulling the subquery up (and computing the due time twice, once
# per column); ``WHERE true``: SQLite reads ``ON CONFLICT`` after ``INSERT ... SELECT ... FROM x`` as a join's
# ON without it. The conflict target is the partial unique index one_collecting_notification_per_client,
# its condition written as the migration wrote it (SQLite matches the two as written).
_UPSERT_SQL = {vendor: (
    f"INSERT INTO {_TABLE} AS n (client_id, kind, kinds, events, mandatory, channel, status, attempts, due_at, "
    "next_attempt_at, idempotency_key, provider_id, last_error, created_at, updated_at) "
    f"SELECT %s, %s, %s, 1, %s, '', '{_QUEUED}', 0, d.at, d.at, %s, '', '', %s, %s FROM (SELECT {due} AS at LIMIT 1) AS d WHERE true "
    f"ON CONFLICT (client_id) WHERE attempts = 0 AND status = '{_QUEUED}' DO UPDATE SET events = n.events + 1, "
    f"kinds = {_MERGED_KINDS}, mandatory = n.mandatory OR EXCLUDED.mandatory, updated_at = EXCLUDED.updated_at "
    "RETURNING id, kind, kinds, events, mandatory, due_at, idempotency_key") for vendor, due in _DUE.items()}


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
