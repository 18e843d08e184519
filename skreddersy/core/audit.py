"""The audit trail: every read and write of a client's data leaves an entry (who, when, which
clients, what, why, outcome). A page that lists clients leaves one entry holding the ids it
showed. Denied and rejected attempts are recorded too, outside the rolled-back
transaction, so the trail shows what was tried; a request refused anywhere else (a view's gate,
the API's authentication) is audited by ``core.middleware.AuditDenials``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from skreddersy.core import clock, sql
from skreddersy.core.errors import AccessDenied, ServiceError
from skreddersy.core.models import AuditEntry

READ = AuditEntry.Action.READ
WRITE = AuditEntry.Action.WRITE
DENIED = AuditEntry.Action.DENIED

# Set when this request has already written its denial entry, so the middleware that audits
# every refused request (core.middleware.AuditDenials) does not write a second one.
_denial_recorded: ContextVar[bool] = ContextVar("audit_denial_recorded", default=False)


def _actor_id(user) -> int | None:
    return getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None


def record(user, client_id: int | None, action: str, what: str, *, why: str = "", obj=None) -> None:
    AuditEntry.objects.create(
        at=clock.now(),
        actor_id=_actor_id(user),
        client_id=client_id,
        action=action,
        what=what[:80],
        why=why[:200],
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", None),
    )
    if action == DENIED:
        _denial_recorded.set(True)


def denial_recorded() -> bool:
    return _denial_recorded.get()


def reset_denial_flag():
    return _denial_recorded.set(False)


def record_reads(user, client_ids: Iterable[int], what: str, *, why: str = "") -> None:
    """One read entry for a page that shows clients: the page's client ids in one row
    (``client_ids``), written by one statement whose text does not depend on the number of ids
    (see ``core.sql``). A page showing one client writes the same entry as ``record``."""
    ids = sorted({int(i) for i in client_ids})
    if not ids:
        return
    if len(ids) == 1:
        record(user, ids[0], READ, what, why=why)
        return
    at = connection.ops.adapt_datetimefield_value(clock.now())
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    param = ids if connection.vendor == "postgresql" else json.dumps(ids)
    with sql.cursor(connection) as cur:
        cur.execute(
            f"INSERT INTO {table} (at, actor_id, client_id, client_ids, action, what, why, object_type, object_id)"
            " VALUES (%s, %s, NULL, %s, %s, %s, %s, '', NULL)",
            [at, _actor_id(user), param, READ, what[:80], why[:200]],
        )


_SEEN_COLUMNS = ("id", "at", "actor_id", "client_id", "client_ids", "action", "what", "why", "object_type", "object_id")


# "Who has seen client X" on PostgreSQL looks at the newest month first, then the year, then the
# rest, and stops as soon as the page is full (see entries_about).
SEEN_WINDOWS_DAYS = (31, 366)


def entries_about(client_id: int, *, limit: int = 100, offset: int = 0, exclude_actor_id: int | None = None) -> list[AuditEntry]:
    """Who has seen client ``client_id``, when and why: the entries that cover the client, newest
    first (no access check; callers check). ``exclude_actor_id`` leaves out one actor's entries
    (the client's own, on Min side).

    SQLite reads ``core_auditclient``, whose key is (client, time, entry), so a page of the answer
    reads only that page's rows however often the client was seen.

    PostgreSQL uses the one-client B-tree and the GIN index on ``client_ids``. Two things keep it
    fast for a client seen 10,000 times (docs/decisions/0019):
    - The matches are found through the indexes first and only then sorted (the ``OFFSET 0``
      fence). Left to itself the planner walks the time index backwards, expecting the page to
      fill soon; for a client seen rarely or never that read every row of every month.
    - The time ranges are read newest first (the last month, then the last year, then the rest),
      each pruned to its own partitions, and the reading stops when the page is full. A client
      seen over years costs one month's matches for the first page, not all of them.
    """
    client_id, limit, offset = int(client_id), max(1, int(limit)), max(0, int(offset))
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    cols = ", ".join(f"e.{connection.ops.quote_name(c)}" for c in _SEEN_COLUMNS)
    other = "" if exclude_actor_id is None else " AND (e.actor_id IS NULL OR e.actor_id <> %s)"
    extra = [] if exclude_actor_id is None else [int(exclude_actor_id)]
    rows: list = []
    with sql.cursor(connection) as cur:
        if connection.vendor == "postgresql":
            need, upper = offset + limit, None
            now = clock.now()
            for lower in [now - dt.timedelta(days=d) for d in SEEN_WINDOWS_DAYS] + [None]:
                where, params = [], [client_id, client_id, *extra]
                if lower is not None:
                    where.append(" AND e.at >= %s")
                    params.append(lower)
                if upper is not None:
                    where.append(" AND e.at < %s")
                    params.append(upper)
                cur.execute(
                    f"SELECT * FROM (SELECT {cols} FROM {table} e"
                    f" WHERE (e.client_id = %s OR e.client_ids @> ARRAY[%s]::bigint[]){other}{''.join(where)} OFFSET 0) e"
                    " ORDER BY e.at DESC, e.id DESC LIMIT %s",
                    [*params, need - len(rows)],
                )
                rows.extend(cur.fetchall())
                if len(rows) >= need:
                    break
                upper = lower
            rows = rows[offset:offset + limit]
        else:
            cur.execute(
                f"SELECT {cols} FROM core_auditclient c JOIN {table} e ON e.id = c.entry_id WHERE c.client_id = %s{other}"
                " ORDER BY c.at DESC, c.entry_id DESC LIMIT %s OFFSET %s",
                [client_id, *extra, limit, offset],
            )
            rows = cur.fetchall()
    fields = [AuditEntry._meta.get_field(c if c != "actor_id" else "actor") for c in _SEEN_COLUMNS]
    out = []
    for row in rows:
        values = []
        for field, value in zip(fields, row, strict=True):
            col = field.cached_col
            for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
                value = conv(value, col, connection)
            values.append(value)
        out.append(AuditEntry.from_db(connection.alias, [f.attname for f in fields], values))
    return out


@contextmanager
def audited_write(user, client_id: int | None, what: str, *, why: str = ""):
    """Run a write in one transaction; audit it when it commits, and audit the attempt when it
    is refused (the refused write leaves nothing else behind)."""
    try:
        with transaction.atomic():
            holder: dict = {}
            yield holder
            record(user, holder.get("client_id", client_id), WRITE, what, why=why, obj=holder.get("obj"))
    except ServiceError as exc:
        action = DENIED if isinstance(exc, AccessDenied) else WRITE
        reason = f"avvist: {exc.code}" + (f" ({exc.field})" if exc.field else "")
        cid = client_id
        if cid is not None or action == DENIED:
            record(user, cid, action, what, why=reason)
        raise
