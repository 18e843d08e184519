"""The observable facts of the workload model, read for a whole office in one statement.

Every fact is a 0/1 computed by the database (conditions and EXISTS subqueries), and the rows
are read through a plain cursor without the ORM's per-row converters, so an office of 5,000
clients costs one statement and a few milliseconds of Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from skreddersy.clients import contact
from skreddersy.clients.models import Client
from skreddersy.core import sql
from skreddersy.followup import lastcontact, overview
from skreddersy.followup.models import Activity, NeedsDecision, Thread
from skreddersy.policy import access

from .model import FACTOR_NAMES, NEED_GROUP_FACTOR

OPEN_ACTIVITY = [Activity.Status.PROPOSED, Activity.Status.PLANNED, Activity.Status.ONGOING]
OPEN_DECISION = [NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL]
NEW_DAYS = 90
PENDING_ASSESSMENT_DAYS = 30


@dataclass(frozen=True)
class ClientFacts:
    client_id: int
    counsellor_id: int | None
    need_group: str
    facts: tuple  # 0/1 per model.FACTOR_NAMES
    address_protection: str
    skjermet: bool
    language: str
    needs_interpreter: bool
    contact_overdue: bool = False  # past the office's contact standard for the need group (red light)
    office_id: int | None = None


def _flag(q: Q):
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _thirty_years_ago(today: dt.date) -> dt.date:
    if today.month == 2 and today.day == 29:
        return today.replace(year=today.year - 30, day=28)
    return today.replace(year=today.year - 30)


def _requirement_seen(user) -> sql.Fragment:
    """EXISTS: an open activity requirement of the client that ``user`` may see (the policy's KVP
    rule, ``access.kvp_hidden_sql``, read only for clients who have had a KVP: ``Client.kvp``)."""
    table = connection.ops.quote_name(Activity._meta.db_table)

    def render(c):
        seen, seen_params = access.kvp_hidden_sql(user, client_col="_r.client_id", at_col="_r.created_at")
        # the bare column, as the partial index activity_client_requirement states it (SQLite uses it)
        base = (f"SELECT 1 FROM {table} _r WHERE _r.client_id = {c['pk']} AND _r.is_requirement"
                " AND _r.status IN (%s, %s, %s)")
        one = sql.per_row(connection)  # an index probe per client on PostgreSQL, not a hash of every row
        return (f"CASE WHEN {c['kvp']} = %s THEN EXISTS ({base} AND {seen}{one}) ELSE EXISTS ({base}{one}) END",
                [True, *OPEN_ACTIVITY, *seen_params, *OPEN_ACTIVITY])

    return sql.Fragment(render, pk=F("pk"), kvp=F("kvp"))


def _annotated(
    office_id: int | None,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids=None,
    office_ids=None,
    counsellor_id: int | None = None,
    contact_days: dict[str, int] | None = None,
    whole: bool = False,
    user=None,
):
    qs = Client.objects.all() if office_id is None else Client.objects.filter(office_id=office_id)
    if client_ids is not None:
        qs = qs.filter(pk__in=list(client_ids))
    if office_ids is not None:
        qs = qs.filter(office_id__in=list(office_ids))
    if counsellor_id is not None:
        qs = qs.filter(counsellor_id=counsellor_id)
    # the one definition (clients.contact), by the reader's own last contact (followup.lastcontact)
    overdue = lastcontact.condition(user, lambda c, last: contact.overdue_sql(
        contact_days or {}, last=last, group=c["group"], now=now, connection=connection), group=F("need_group"))
    req = Activity.objects.filter(is_requirement=True, status__in=OPEN_ACTIVITY)  # the partial index's condition
    awaiting = Thread.objects.filter(awaiting_nav_reply=True)
    decision = NeedsDecision.objects.filter(status__in=OPEN_DECISION)
    if user is not None:
        # a reader's figures: the requirements and the threads awaiting Nav that the KVP rule lets
        # them see, so a weight does not move with what a KVP's followers write (decision 0040)
        f_req = _flag(Q(_requirement_seen(user)))
        f_awaiting = _flag(overview.status_q("awaiting_nav", user=user, now=now, today=today))
        f_decision = Exists(decision.filter(client_id=OuterRef("pk")))
    elif whole:
        # most clients: each table's matching rows read once (an uncorrelated IN, hashed or
        # indexed by the database) instead of one lookup per client
        f_req = _flag(Q(pk__in=req.values("client_id")))
        f_awaiting = _flag(Q(pk__in=awaiting.values("client_id")))
        f_decision = Q(pk__in=decision.values("client_id"))
    else:
        f_req = Exists(req.filter(client_id=OuterRef("pk")))
        f_awaiting = Exists(awaiting.filter(client_id=OuterRef("pk")))
        f_decision = Exists(decision.filter(client_id=OuterRef("pk")))
    due = Q(assessment_due__lte=today + dt.timedelta(days=PENDING_ASSESSMENT_DAYS))
    return qs.annotate(
        f_req=f_req,
        f_awaiting=f_awaiting,
        f_pending=_flag(due | f_decision) if whole else _flag(due) | f_decision,
        f_priority=_flag(
            Q(immigrant_non_eea=True)
            | Q(long_term_unemployed=True)
            | Q(reduced_work_capacity=True)
            | Q(birth_date__gt=_thirty_years_ago(today))
        ),
        f_new=_flag(Q(created_at__gte=now - dt.timedelta(days=NEW_DAYS))),
        f_overdue=_flag(overdue),
    )


COLS = [
    "pk",
    "office_id",
    "counsellor_id",
    "need_group",
    "manual_followup",
    "needs_interpreter",
    "f_req",
    "f_awaiting",
    "f_pending",
    "f_priority",
    "f_new",
    "f_overdue",
    "address_protection",
    "skjermet",
    "language",
]


def office_facts(
    office_id: int | None,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids=None,
    office_ids=None,
    counsellor_id: int | None = None,
    contact_days: dict[str, int] | None = None,
    user=None,
) -> list[ClientFacts]:
    """Facts for every client followed up at ``office_id`` (None: every office, or ``office_ids``;
    or the given clients; or one counsellor's). ``contact_days`` (need group -> days) adds the red
    light, by the last contact ``user`` sees (None: the office's own figure, every contact)."""
    qs = _annotated(
        office_id,
        today=today,
        now=now,
        client_ids=client_ids,
        office_ids=office_ids,
        counsellor_id=counsellor_id,
        contact_days=contact_days,
        user=user,
    )
    sql, params = qs.values_list(*COLS).order_by("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return [_facts(r) for r in rows]


# the 0/1 columns of the annotated query, in model.FACTOR_NAMES order after the need groups
_FLAG_COLS = ["f_req", "f_awaiting", "manual_followup", "needs_interpreter", "f_pending", "f_priority", "f_new"]


def _outer(inner_cols: list[str]) -> tuple[list[str], list]:
    """SQL expressions over the annotated query's columns: the need-group one-hot, then the flags
    (FACTOR_NAMES order), each 0 or 1 on both databases."""
    exprs, params = [], []
    for group, _f in sorted(NEED_GROUP_FACTOR.items(), key=lambda kv: FACTOR_NAMES.index(kv[1])):
        exprs.append("CASE WHEN t.need_group = %s THEN 1 ELSE 0 END")
        params.append(group)
    exprs += [f"CASE WHEN t.{c} THEN 1 ELSE 0 END" for c in _FLAG_COLS]
    return exprs, params


@dataclass(frozen=True)
class CounsellorSums:
    """A counsellor's clients at one office: how many, how many have each fact (FACTOR_NAMES order),
    and how many are past the contact standard."""

    counsellor_id: int
    n: int
    counts: tuple
    contact_overdue: int


def counsellor_sums(
    office_id: int, *, today: dt.date, now: dt.datetime, contact_days: dict[str, int] | None = None, user=None
) -> list[CounsellorSums]:
    """Per counsellor at the office: the number of clients with each fact, summed by the database
    in one statement (a weight is linear in the facts, so a caseload's weight is base x clients +
    the points x these counts). An office of 5,000 clients returns one row per counsellor."""
    qs = _annotated(office_id, today=today, now=now, contact_days=contact_days, user=user).exclude(counsellor_id=None)
    inner, params = qs.values_list(*COLS).order_by().query.sql_with_params()
    exprs, outer_params = _outer(COLS)
    sums = ", ".join(f"SUM({e})" for e in exprs)
    sql = (
        f"SELECT t.counsellor_id, COUNT(*), {sums}, SUM(CASE WHEN t.f_overdue THEN 1 ELSE 0 END) "
        f"FROM ({inner}) t GROUP BY t.counsellor_id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*outer_params, *params])
        rows = cur.fetchall()
    return [CounsellorSums(r[0], int(r[1]), tuple(int(v or 0) for v in r[2:-1]), int(r[-1] or 0)) for r in rows]


def fact_arrays(office_id: int | None, *, today: dt.date, now: dt.datetime, month_starts: list):
    """For the weight estimate: client ids (ascending), the 0/1 fact matrix (clients x FACTOR_NAMES,
    int8) and each client's first month (index into ``month_starts``), every column an integer
    computed by the database and read in chunks straight into arrays (no object per client)."""
    import numpy as np  # loaded when weights are estimated, not at start-up (core/lazy.py)

    qs = _annotated(office_id, today=today, now=now, whole=office_id is None).annotate(
        f_first=Case(
            *[When(created_at__lt=end, then=Value(k)) for k, end in enumerate(month_starts[1:])],
            default=Value(len(month_starts) - 1),
            output_field=IntegerField(),
        )
    )
    inner, params = qs.values_list(*COLS, "f_first").order_by().query.sql_with_params()
    exprs, outer_params = _outer(COLS)
    sql = f"SELECT t.pk, {', '.join(exprs)}, t.f_first FROM ({inner}) t ORDER BY t.pk"
    blocks = []
    with connection.cursor() as cur:
        cur.execute(sql, [*outer_params, *params])
        while rows := cur.fetchmany(50000):
            blocks.append(np.array(rows, dtype=np.int64))
    data = np.concatenate(blocks) if blocks else np.zeros((0, len(FACTOR_NAMES) + 2), dtype=np.int64)
    return data[:, 0], data[:, 1:-1].astype(np.int8), data[:, -1]


# the need-group one-hot, as (1 at the group's position) prefixes; the other facts follow in FACTOR_NAMES order
_NG_ORDER = [f for f in FACTOR_NAMES if f.startswith("ng_")]
_NG_PREFIX = {g: tuple(1 if n == f else 0 for n in _NG_ORDER) for g, f in NEED_GROUP_FACTOR.items()}
_NO_GROUP = (0,) * len(_NG_ORDER)
assert FACTOR_NAMES == [
    *_NG_ORDER,
    "requirement",
    "awaiting_reply",
    "manual",
    "interpreter",
    "pending",
    "priority",
    "new",
]


def _facts(r) -> ClientFacts:
    pk, office, counsellor, group, manual, interp, req, awaiting, pending, priority, new, overdue, prot, skj, lang = r
    vec = _NG_PREFIX.get(group or "", _NO_GROUP) + (
        1 if req else 0,
        1 if awaiting else 0,
        1 if manual else 0,
        1 if interp else 0,
        1 if pending else 0,
        1 if priority else 0,
        1 if new else 0,
    )
    return ClientFacts(
        pk,
        counsellor,
        group or "",
        vec,
        prot or "",
        bool(skj),
        (lang or "nb").lower(),
        bool(interp),
        bool(overdue),
        office,
    )
