"""The observable facts of the workload model, read for a whole office in one statement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from skreddersy.clients.models import Client
from skreddersy.followup.models import Activity, NeedsDecision, Thread

from .model import FACTOR_NAMES, NEED_GROUP_FACTOR

OPEN_ACTIVITY = [Activity.Status.PROPOSED, Activity.Status.PLANNED, Activity.Status.ONGOING]
OPEN_DECISION = [NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL]


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
    last_contact_at: dt.datetime | None
    created_at: dt.datetime | None = None
    office_id: int | None = None


def _vector(row: dict, today: dt.date, now: dt.datetime) -> tuple:
    ng = NEED_GROUP_FACTOR.get(row["need_group"] or "")
    thirty_years_ago = (
        today.replace(year=today.year - 30)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 30, day=28)
    )
    values = {
        "requirement": row["req"],
        "awaiting_reply": row["awaiting"],
        "manual": row["manual_followup"],
        "interpreter": row["needs_interpreter"],
        "pending": row["pending"]
        or (row["assessment_due"] is not None and row["assessment_due"] <= today + dt.timedelta(days=30)),
        "priority": (
            row["immigrant_non_eea"]
            or row["long_term_unemployed"]
            or row["reduced_work_capacity"]
            or row["birth_date"] > thirty_years_ago
        ),
        "new": row["created_at"] >= now - dt.timedelta(days=90),
    }
    return tuple(1 if (f == ng or values.get(f)) else 0 for f in FACTOR_NAMES)


def office_facts(
    office_id: int | None, *, today: dt.date, now: dt.datetime, client_ids=None, office_ids=None
) -> list[ClientFacts]:
    """Facts for every client followed up at ``office_id`` (None: every office; or the given
    clients), one statement."""
    qs = Client.objects.all() if office_id is None else Client.objects.filter(office_id=office_id)
    if client_ids is not None:
        qs = qs.filter(pk__in=list(client_ids))
    if office_ids is not None:
        qs = qs.filter(office_id__in=list(office_ids))
    qs = (
        qs.annotate(
            req=Exists(
                Activity.objects.filter(client_id=OuterRef("pk"), is_requirement=True, status__in=OPEN_ACTIVITY)
            ),
            awaiting=Exists(Thread.objects.filter(client_id=OuterRef("pk"), awaiting_nav_reply=True)),
            pending=Exists(NeedsDecision.objects.filter(Q(client_id=OuterRef("pk")) & Q(status__in=OPEN_DECISION))),
        )
        .values(
            "pk",
            "office_id",
            "counsellor_id",
            "need_group",
            "manual_followup",
            "needs_interpreter",
            "assessment_due",
            "immigrant_non_eea",
            "long_term_unemployed",
            "reduced_work_capacity",
            "birth_date",
            "created_at",
            "req",
            "awaiting",
            "pending",
            "address_protection",
            "skjermet",
            "language",
            "last_contact_at",
        )
        .order_by("pk")
    )
    return [
        ClientFacts(
            r["pk"],
            r["counsellor_id"],
            r["need_group"] or "",
            _vector(r, today, now),
            r["address_protection"] or "",
            r["skjermet"],
            (r["language"] or "nb").lower(),
            r["needs_interpreter"],
            r["last_contact_at"],
            r["created_at"],
            r["office_id"],
        )
        for r in qs
    ]
