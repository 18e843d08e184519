"""The audit trail: every read and write of a client's data leaves an entry (who, when, which
client, what, why). Denied and rejected attempts are recorded too, outside the rolled-back
transaction, so the trail shows what was tried; a request refused anywhere else (a view's gate,
the API's authentication) is audited by ``core.middleware.AuditDenials``."""

from __future__ import annotations

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
    """One read entry per client shown, written by one statement. Lists show up to a few
    hundred clients per page, so this runs on every overview request: it skips building model
    instances and sends the ids as one parameter (see ``core.sql``); the rows are the same as
    ``record`` writes."""
    ids = list(client_ids)
    if not ids:
        return
    at = connection.ops.adapt_datetimefield_value(clock.now())
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    source, column, param = sql.ids_source(connection, ids)
    with sql.cursor(connection) as cur:
        cur.execute(
            f"INSERT INTO {table} (at, actor_id, client_id, action, what, why, object_type, object_id)"
            f" SELECT %s, %s, {column}, %s, %s, %s, '', NULL FROM {source}",
            [at, _actor_id(user), READ, what[:80], why[:200], param],
        )


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
