"""The observable facts of the workload model, read for a whole office in one statement.

Every fact is a 0/1 computed by the database (conditions and EXISTS subqueries), and the rows
are read through a plain cursor without the ORM's per-row converters, so an office of 5,000
clients costs one statement and a few milliseconds of Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Exists, IntegerField, OuterRef, Q, Value, When

from skreddersy.clients.models import Client
from skreddersy.followup.models import Activity, NeedsDecision, Thread

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
    first_month: int | None = None  # only with ``month_starts``: index of the first month the client was followed up in


def _flag(q: Q):
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _thirty_years_ago(today: dt.date) -> dt.date:
    if today.month == 2 and today.day == 29:
        return today.replace(year=today.year - 30, day=28)
    return today.replace(year=today.year - 30)


def office_facts(
    office_id: int | None,
    *,
    today: dt.date,
    now: dt.datetime,
    client_ids=None,
    office_ids=None,
    contact_days: dict[str, int] | None = None,
    month_starts: list | None = None,
    stream: bool = False,
) -> list[ClientFacts]:
    """Facts for every client followed up at ``office_id`` (None: every office, or ``office_ids``;
    or the given clients). ``contact_days`` (need group -> days) adds the red light."""
    qs = Client.objects.all() if office_id is None else Client.objects.filter(office_id=office_id)
    if client_ids is not None:
        qs = qs.filter(pk__in=list(client_ids))
    if office_ids is not None:
        qs = qs.filter(office_id__in=list(office_ids))
    overdue = Q(pk__in=[])
    for group, days in (contact_days or {}).items():
        cond = Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=now - dt.timedelta(days=days))
        overdue |= (
            (Q(need_group=group) | Q(need_group="")) & cond
            if group == "STANDARD_INNSATS"
            else Q(need_group=group) & cond
        )
    qs = qs.annotate(
        f_req=Exists(Activity.objects.filter(client_id=OuterRef("pk"), is_requirement=True, status__in=OPEN_ACTIVITY)),
        f_awaiting=Exists(Thread.objects.filter(client_id=OuterRef("pk"), awaiting_nav_reply=True)),
        f_pending=_flag(Q(assessment_due__lte=today + dt.timedelta(days=PENDING_ASSESSMENT_DAYS)))
        | Exists(NeedsDecision.objects.filter(client_id=OuterRef("pk"), status__in=OPEN_DECISION)),
        f_priority=_flag(
            Q(immigrant_non_eea=True)
            | Q(long_term_unemployed=True)
            | Q(reduced_work_capacity=True)
            | Q(birth_date__gt=_thirty_years_ago(today))
        ),
        f_new=_flag(Q(created_at__gte=now - dt.timedelta(days=NEW_DAYS))),
        f_overdue=_flag(overdue),
    )
    cols = [
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
    if month_starts:
        # the first month (index into month_starts) the client existed in, computed by the database
        qs = qs.annotate(
            f_first=Case(
                *[When(created_at__lt=end, then=Value(k)) for k, end in enumerate(month_starts[1:])],
                default=Value(len(month_starts) - 1),
                output_field=IntegerField(),
            )
        )
        cols = [*cols, "f_first"]
    qs = qs.values_list(*cols).order_by("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        if stream:
            return _stream(cur, bool(month_starts))
        rows = cur.fetchall()
    if month_starts:
        return [_facts(r[:-1], r[-1]) for r in rows]
    return [_facts(r) for r in rows]


def _stream(cur, with_first: bool):
    """(client id, fact vector, first month) in chunks, for the national estimate (no objects kept)."""
    out_ids, out_x, out_first = [], [], []
    while rows := cur.fetchmany(20000):
        for r in rows:
            f = _facts(r[:-1], r[-1]) if with_first else _facts(r)
            out_ids.append(f.client_id)
            out_x.append(f.facts)
            out_first.append(f.first_month if with_first else 0)
    return out_ids, out_x, out_first


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


def _facts(r, created=None) -> ClientFacts:
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
        created,
    )
