"""Reads in follow-up. Each takes the acting user, checks the access policy, audits the read and
runs a fixed number of queries whatever the length of the client's history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from skreddersy.clients.models import Client
from skreddersy.clients.selectors import get_client
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    JournalEntry,
    MeetingNote,
    Message,
    NeedsDecision,
    Task,
    Thread,
)
from skreddersy.policy import access

JOURNAL_PAGE = 50


@dataclass
class PersonCard:
    client: Client
    current_decision: NeedsDecision | None
    plan: ActivityPlan | None
    activities: list[Activity]
    journal: list[JournalEntry]
    open_tasks: list[Task] = field(default_factory=list)


def _journal_qs(user, client_id: int, kinds=None):
    qs = JournalEntry.objects.filter(client_id=client_id)
    if not access.sees_internal_notes(user):
        qs = qs.filter(visible_to_client=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return qs.select_related("actor").order_by("-at", "-id")


def person_card(*, user, client_id: int, why: str = "oppfølging") -> PersonCard:
    """Client, current § 14 a decision, open plan with activities, newest 50 journal entries and
    open tasks. Seven queries: client, audit, decision, plan, activities, journal, tasks."""
    client = get_client(user=user, client_id=client_id, what="personkort", why=why)
    decision = (
        NeedsDecision.objects.filter(client_id=client.pk, status=NeedsDecision.Status.SENT)
        .select_related("drafted_by", "approver")
        .order_by("-sent_at", "-id")
        .first()
    )
    plan = ActivityPlan.objects.filter(client_id=client.pk, closed_at__isnull=True).order_by("-created_at").first()
    activities = list(Activity.objects.filter(plan=plan).order_by("start_date", "id")) if plan else []
    entries = list(_journal_qs(user, client.pk)[:JOURNAL_PAGE])
    tasks = []
    if access.sees_internal_notes(user):
        tasks = list(Task.objects.filter(client_id=client.pk, status=Task.Status.OPEN).select_related("owner").order_by("deadline"))
    return PersonCard(client, decision, plan, activities, entries, tasks)


def journal(*, user, client_id: int, kinds=None, before_id: int | None = None, limit: int = JOURNAL_PAGE) -> list[JournalEntry]:
    """The client's chronological journal, newest first, optionally filtered by kind."""
    client = get_client(user=user, client_id=client_id, what="journal")
    qs = _journal_qs(user, client.pk, kinds)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    return list(qs[: max(1, min(limit, 500))])


def full_journal(*, user, client_id: int) -> list[JournalEntry]:
    """Every journal entry, oldest first: the case read start to end."""
    client = get_client(user=user, client_id=client_id, what="journal: hele")
    return list(_journal_qs(user, client.pk).order_by("at", "id"))


def decisions(*, user, client_id: int) -> list[NeedsDecision]:
    """Every § 14 a decision and draft, newest first (clients see sent decisions only)."""
    client = get_client(user=user, client_id=client_id, what="14a-vedtak: historikk")
    qs = NeedsDecision.objects.filter(client=client).select_related("assessment", "drafted_by", "approver")
    if not access.sees_internal_notes(user):
        qs = qs.filter(status=NeedsDecision.Status.SENT)
    return list(qs.order_by("-sent_at", "-drafted_at"))


def get_decision(*, user, decision_id: int) -> NeedsDecision:
    from skreddersy.core.errors import NotFound

    d = NeedsDecision.objects.select_related("client", "assessment", "drafted_by", "approver").filter(pk=decision_id).first()
    if d is None:
        raise NotFound("Fant ikke vedtaket.")
    get_client(user=user, client_id=d.client_id, what="14a-vedtak")
    if d.status != NeedsDecision.Status.SENT and not access.sees_internal_notes(user):
        raise NotFound("Fant ikke vedtaket.")
    return d


def plan(*, user, client_id: int) -> list[Activity]:
    client = get_client(user=user, client_id=client_id, what="aktivitetsplan")
    return list(Activity.objects.filter(client=client, plan__closed_at__isnull=True).order_by("start_date", "id"))


def get_activity(*, user, activity_id: int) -> Activity:
    from skreddersy.core.errors import NotFound

    act = Activity.objects.select_related("client").filter(pk=activity_id).first()
    if act is None:
        raise NotFound("Fant ikke aktiviteten.")
    get_client(user=user, client_id=act.client_id, what="aktivitet")
    return act


def threads(*, user, client_id: int) -> list[Thread]:
    """Dialogue threads with their messages, newest thread first."""
    client = get_client(user=user, client_id=client_id, what="dialog")
    return list(
        Thread.objects.filter(client=client)
        .prefetch_related(Prefetch("messages", queryset=Message.objects.select_related("sender").order_by("sent_at", "id")))
        .order_by("-last_message_at")
    )


def get_thread(*, user, thread_id: int) -> Thread:
    from skreddersy.core.errors import NotFound

    t = Thread.objects.select_related("client").filter(pk=thread_id).first()
    if t is None:
        raise NotFound("Fant ikke samtalen.")
    get_client(user=user, client_id=t.client_id, what="dialog: tråd")
    return t


def meeting_notes(*, user, client_id: int) -> list[MeetingNote]:
    client = get_client(user=user, client_id=client_id, what="samtalereferater")
    qs = MeetingNote.objects.filter(client=client).select_related("written_by")
    if not access.sees_internal_notes(user):
        qs = qs.filter(shared_with_client=True)
    return list(qs.order_by("-held_at"))


def tasks(*, user, client_id: int, include_closed: bool = False) -> list[Task]:
    client = get_client(user=user, client_id=client_id, what="oppgaver")
    if not access.sees_internal_notes(user):
        return []
    qs = Task.objects.filter(client=client).select_related("owner")
    if not include_closed:
        qs = qs.filter(status=Task.Status.OPEN)
    return list(qs.order_by("deadline"))


def get_task(*, user, task_id: int) -> Task:
    from skreddersy.core.errors import NotFound

    t = Task.objects.select_related("client").filter(pk=task_id).first()
    if t is None or not access.sees_internal_notes(user):
        raise NotFound("Fant ikke oppgaven.")
    get_client(user=user, client_id=t.client_id, what="oppgave")
    return t
