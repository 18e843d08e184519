"""Reads in follow-up. Each takes the acting user, checks the access policy once, audits the read
once and runs a fixed number of queries whatever the length of the client's history. Pages and
the API read through these only (they import no models)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q

from skreddersy.clients.models import Client, NeedsMapping
from skreddersy.clients.selectors import get_client
from skreddersy.core import audit, clock, reference
from skreddersy.core.errors import AccessDenied, NotFound
from skreddersy.core.models import Role
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    JournalEntry,
    MeetingNote,
    Message,
    NeedsDecision,
    Reminder,
    SavedFilter,
    Task,
    Thread,
    WorkCapacityAssessment,
)
from skreddersy.notifications import outbox
from skreddersy.notifications.models import ContactPreference, Notification
from skreddersy.policy import access

JOURNAL_PAGE = 50
JOURNAL_KINDS = JournalEntry.Kind.choices
MESSAGE_ROUTES = Message.Route.choices


def journal_kinds(values) -> list[str]:
    """The known journal kinds among ``values`` (a filter's unknown kinds are dropped)."""
    return [k for k in values if k in JournalEntry.Kind.values]


def unknown_journal_kinds(values) -> list[str]:
    return [k for k in values if k not in JournalEntry.Kind.values]


def _journal_qs(user, client_id: int, kinds=None):
    qs = JournalEntry.objects.filter(client_id=client_id)
    if not access.sees_internal_notes(user):
        qs = qs.filter(visible_to_client=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return qs.select_related("actor", "actor__staff").order_by("-at", "-id")


def _messages():
    return Prefetch("messages", queryset=Message.objects.select_related("sender").order_by("sent_at", "id"))


# --- the person: one aggregate for the person page, Min side and the API -------------------------

PERSON_WHAT = "personkort"


@dataclass
class Person:
    """Everything about one client that the person page, Min side and the API's person card show.

    A client sees only what is shared with them: sent decisions, shared notes, client-visible
    journal lines, no tasks. A card (``person(..., card=True)``, the API's) holds the client, the
    current decision, the open plan with its activities, the open tasks and the newest journal
    entries; the page's further sections (decision history, assessments, mappings, threads,
    notes) are None on a card, never an empty list that could be read as "none"."""

    client: Client
    is_nav: bool
    current_decision: NeedsDecision | None
    plan: ActivityPlan | None
    activities: list[Activity]
    open_tasks: list[Task]
    journal: list[JournalEntry]
    can_approve_draft: bool = False
    decisions: list[NeedsDecision] | None = None
    assessments: list[WorkCapacityAssessment] | None = None
    mappings: list[NeedsMapping] | None = None
    threads: list[Thread] | None = None
    notes: list[MeetingNote] | None = None
    notifications: list[Notification] | None = None
    contact_preference: ContactPreference | None = None

    def activities_by_status(self) -> list[tuple[str, str, list[Activity]]]:
        groups = []
        for value, label in Activity.Status.choices:
            items = [x for x in self.activities if x.status == value]
            if items:
                groups.append((value, label, items))
        return groups

    @property
    def draft(self) -> NeedsDecision | None:
        for d in self.decisions or ():
            if d.status in (NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL):
                return d
        return None

    @property
    def current_mapping(self) -> NeedsMapping | None:
        return self.mappings[0] if self.mappings else None

    def mapping_rows(self) -> list[tuple[str, object]]:
        """(domain name, assessment) for the current mapping, in reference order."""
        return mapping_rows(self.current_mapping)


def mapping_rows(mapping) -> list[tuple[str, object]]:
    if mapping is None:
        return []
    names = reference.needs_domains()
    by_key = {e.domain: e for e in mapping.entries.all()}
    return [(name, by_key[key]) for key, name in names.items() if key in by_key]


def person(*, user, client_id: int, journal_kinds=None, card: bool = False, why: str = "oppfølging") -> Person:
    """The client's person aggregate, with one access check and one audit entry (``PERSON_WHAT``),
    in a fixed number of queries whatever the length of the history: a card seven (client, audit,
    current decision, plan, activities, journal, tasks); the whole page six more (the decision
    history in place of the current decision, assessments, mappings and their entries, threads
    and their messages, notes)."""
    client = get_client(user=user, client_id=client_id, what=PERSON_WHAT, why=why)
    is_nav = access.sees_internal_notes(user)
    decisions = None
    if card:
        current = (
            NeedsDecision.objects.filter(client_id=client.pk, status=NeedsDecision.Status.SENT)
            .select_related("drafted_by", "approver").order_by("-sent_at", "-id").first()
        )
    else:
        qs = NeedsDecision.objects.filter(client_id=client.pk).select_related("drafted_by", "approver", "assessment")
        if not is_nav:
            qs = qs.filter(status=NeedsDecision.Status.SENT)
        decisions = list(qs.exclude(status=NeedsDecision.Status.DISCARDED)
                         .order_by(F("sent_at").desc(nulls_first=True), "-drafted_at", "-id"))
        current = next((d for d in decisions if d.status == NeedsDecision.Status.SENT), None)
    plan = ActivityPlan.objects.filter(client_id=client.pk, closed_at__isnull=True).order_by("-created_at").first()
    activities = list(Activity.objects.filter(plan=plan).order_by("start_date", "id")) if plan else []
    entries = list(_journal_qs(user, client.pk, journal_kinds)[:JOURNAL_PAGE])
    tasks = []
    if is_nav:
        tasks = list(Task.objects.filter(client_id=client.pk, status=Task.Status.OPEN).select_related("owner").order_by("deadline"))
    p = Person(client, is_nav, current, plan, activities, tasks, entries)
    if card:
        return p
    if not is_nav and access.actor(user).client_id == client.pk:
        outbox.mark_read(client.pk)  # the client opened Min side: their notifications are read
    p.decisions = decisions
    draft = p.draft
    p.can_approve_draft = bool(draft and access.can_approve_decision(user, draft))
    p.assessments = list(WorkCapacityAssessment.objects.filter(client_id=client.pk).select_related("assessed_by")) if is_nav else []
    p.mappings = list(NeedsMapping.objects.filter(client_id=client.pk).prefetch_related("entries").order_by("-version")[:10])
    p.threads = list(Thread.objects.filter(client_id=client.pk).prefetch_related(_messages())
                     .order_by("-awaiting_nav_reply", "-last_message_at"))
    notes = MeetingNote.objects.filter(client_id=client.pk).select_related("written_by")
    if not is_nav:
        notes = notes.filter(shared_with_client=True)
    p.notes = list(notes.order_by("-held_at")[:50])
    if is_nav:  # the delivery status of the newest notifications, and how the client is reached
        p.notifications = list(Notification.objects.filter(client_id=client.pk).order_by("-due_at", "-id")[:10])
        p.contact_preference = ContactPreference.objects.filter(client_id=client.pk).first()
    return p


# --- journal ----------------------------------------------------------------------------------------

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


# --- § 14 a decisions ----------------------------------------------------------------------------------

def decisions(*, user, client_id: int) -> list[NeedsDecision]:
    """Every § 14 a decision and draft, newest first (clients see sent decisions only)."""
    client = get_client(user=user, client_id=client_id, what="14a-vedtak: historikk")
    qs = NeedsDecision.objects.filter(client=client).select_related("assessment", "drafted_by", "approver")
    if not access.sees_internal_notes(user):
        qs = qs.filter(status=NeedsDecision.Status.SENT)
    return list(qs.order_by("-sent_at", "-drafted_at"))


def _decision(decision_id: int) -> NeedsDecision:
    d = (NeedsDecision.objects.select_related("client", "assessment", "assessment__assessed_by", "drafted_by", "approver",
                                              "returned_by")
         .filter(pk=decision_id).first())
    if d is None:
        raise NotFound("Fant ikke vedtaket.")
    return d


def get_decision(*, user, decision_id: int) -> NeedsDecision:
    d = _decision(decision_id)
    get_client(user=user, client_id=d.client_id, what="14a-vedtak")
    if d.status != NeedsDecision.Status.SENT and not access.sees_internal_notes(user):
        raise NotFound("Fant ikke vedtaket.")
    return d


def _assessments(client_id: int) -> list[WorkCapacityAssessment]:
    return list(WorkCapacityAssessment.objects.filter(client_id=client_id).order_by("-assessed_at")[:20])


@dataclass
class DecisionForm:
    """What the page for a new § 14 a decision shows: the client, their current decision, their
    assessments to choose from, and the draft they already have (the page sends the counsellor
    there instead)."""

    client: Client
    current: NeedsDecision | None
    assessments: list[WorkCapacityAssessment]
    existing_draft: NeedsDecision | None


def decision_form(*, user, client_id: int) -> DecisionForm:
    """Nav staff only: one access check, one audit entry."""
    client = get_client(user=user, client_id=client_id, what="14a-vedtak: nytt", nav=True)
    drafts = NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL
    existing = NeedsDecision.objects.filter(client=client, status__in=drafts).first()
    current = (NeedsDecision.objects.filter(client_id=client.pk, status=NeedsDecision.Status.SENT)
               .order_by("-sent_at", "-id").first())
    return DecisionForm(client, current, _assessments(client.pk), existing)


@dataclass
class DecisionPage:
    decision: NeedsDecision
    client: Client
    assessments: list[WorkCapacityAssessment]
    can_approve: bool
    current: NeedsDecision | None = None  # the client's current sent decision (its group changes the rules)

    @property
    def editable(self) -> bool:
        return self.decision.status == NeedsDecision.Status.DRAFT


def decision_page(*, user, decision_id: int) -> DecisionPage:
    """A decision or draft with what its page needs (Nav staff only): one access check, one audit entry."""
    d = _decision(decision_id)
    get_client(user=user, client_id=d.client_id, what="14a-vedtak", nav=True)
    can_approve = d.status == NeedsDecision.Status.AWAITING_APPROVAL and access.can_approve_decision(user, d)
    current = None
    if d.status != NeedsDecision.Status.SENT:
        current = (NeedsDecision.objects.filter(client_id=d.client_id, status=NeedsDecision.Status.SENT)
                   .order_by("-sent_at", "-id").first())
    return DecisionPage(d, d.client, _assessments(d.client_id), can_approve, current)


@dataclass
class ApprovalQueue:
    items: list[NeedsDecision]
    me_id: int  # the second approver's staff id: their own drafts are marked, not offered


def approval_queue(*, user) -> ApprovalQueue:
    """Decisions awaiting a second approver at the offices the user serves (second approvers only).
    One read entry per client shown, in one statement."""
    a = access.actor(user)
    if a.staff is None or Role.SECOND_APPROVER not in a.roles:
        raise AccessDenied("Bare besluttere har en beslutterkø.")
    qs = (
        NeedsDecision.objects.filter(status=NeedsDecision.Status.AWAITING_APPROVAL)
        .filter(client__in=Client.objects.filter(access.client_filter(user)))
        .select_related("client", "drafted_by", "client__office")
        .order_by("drafted_at")
    )
    items = list(qs[:500])
    audit.record_reads(user, [d.client_id for d in items], "beslutterkø")
    return ApprovalQueue(items, a.staff.pk)


def approvals_waiting(*, user) -> int | None:
    """How many decisions wait for this second approver: those in their queue (approval_queue)
    that they did not draft themselves. None for anyone who is not a second approver. A count
    only, no client shown, so no read entry; one statement."""
    a = access.actor(user)
    if a.staff is None or Role.SECOND_APPROVER not in a.roles:
        return None
    return (
        NeedsDecision.objects.filter(status=NeedsDecision.Status.AWAITING_APPROVAL)
        .filter(client__in=Client.objects.filter(access.client_filter(user)))
        .exclude(drafted_by_id=a.staff.pk)
        .count()
    )


# --- activity plan -------------------------------------------------------------------------------------

def plan(*, user, client_id: int) -> list[Activity]:
    client = get_client(user=user, client_id=client_id, what="aktivitetsplan")
    return list(Activity.objects.filter(client=client, plan__closed_at__isnull=True).order_by("start_date", "id"))


def get_activity(*, user, activity_id: int, nav: bool = False) -> Activity:
    """One activity; ``nav=True`` for Nav's edit page (the client is refused)."""
    act = Activity.objects.select_related("client").filter(pk=activity_id).first()
    if act is None:
        raise NotFound("Fant ikke aktiviteten.")
    get_client(user=user, client_id=act.client_id, what="aktivitet", nav=nav)
    return act


# --- dialogue --------------------------------------------------------------------------------------------

def threads(*, user, client_id: int) -> list[Thread]:
    """Dialogue threads with their messages, newest thread first."""
    client = get_client(user=user, client_id=client_id, what="dialog")
    return list(Thread.objects.filter(client=client).prefetch_related(_messages()).order_by("-last_message_at"))


def get_thread(*, user, thread_id: int) -> Thread:
    t = Thread.objects.select_related("client").filter(pk=thread_id).first()
    if t is None:
        raise NotFound("Fant ikke samtalen.")
    get_client(user=user, client_id=t.client_id, what="dialog: tråd")
    return t


def get_message(*, user, message_id: int) -> Message:
    """One message with its thread (Nav staff: routing is theirs)."""
    msg = Message.objects.select_related("thread").filter(pk=message_id).first()
    if msg is None:
        raise NotFound("Fant ikke meldingen.")
    get_client(user=user, client_id=msg.thread.client_id, what="dialog: melding", nav=True)
    return msg


def meeting_notes(*, user, client_id: int) -> list[MeetingNote]:
    client = get_client(user=user, client_id=client_id, what="samtalereferater")
    qs = MeetingNote.objects.filter(client=client).select_related("written_by")
    if not access.sees_internal_notes(user):
        qs = qs.filter(shared_with_client=True)
    return list(qs.order_by("-held_at"))


# --- tasks -------------------------------------------------------------------------------------------------

def tasks(*, user, client_id: int, include_closed: bool = False, nav: bool = False) -> list[Task]:
    """Open (or all) tasks. Tasks are Nav's: a client sees none, or with ``nav=True`` (the API's
    task list, a Nav endpoint) is refused."""
    client = get_client(user=user, client_id=client_id, what="oppgaver", nav=nav)
    if not access.sees_internal_notes(user):
        return []
    qs = Task.objects.filter(client=client).select_related("owner")
    if not include_closed:
        qs = qs.filter(status=Task.Status.OPEN)
    return list(qs.order_by("deadline"))


def get_task(*, user, task_id: int) -> Task:
    t = Task.objects.select_related("client").filter(pk=task_id).first()
    if t is None or not access.sees_internal_notes(user):
        raise NotFound("Fant ikke oppgaven.")
    get_client(user=user, client_id=t.client_id, what="oppgave")
    return t


# --- the whole case, for export -----------------------------------------------------------------------------

@dataclass
class CaseRecord:
    client: Client
    decisions: list[NeedsDecision]
    assessments: list[WorkCapacityAssessment]
    mappings: list[NeedsMapping]
    activities: list[Activity]
    threads: list[Thread]
    notes: list[MeetingNote]
    journal: list[JournalEntry]
    generated_at: dt.datetime


def case_record(*, user, client_id: int) -> CaseRecord:
    """The client's whole case record for print (appeal, lawyer). Nav staff only; the export
    itself is audited as a read with the reason "eksport"."""
    client = get_client(user=user, client_id=client_id, what="eksport: hele saken", why="eksport", nav=True)
    decisions = list(
        NeedsDecision.objects.filter(client_id=client.pk).exclude(status=NeedsDecision.Status.DISCARDED)
        .select_related("drafted_by", "approver", "assessment").order_by("drafted_at", "id")
    )
    return CaseRecord(
        client=client,
        decisions=decisions,
        assessments=list(WorkCapacityAssessment.objects.filter(client_id=client.pk).select_related("assessed_by").order_by("assessed_at")),
        mappings=list(NeedsMapping.objects.filter(client_id=client.pk).prefetch_related("entries").order_by("version")),
        activities=list(Activity.objects.filter(client_id=client.pk).order_by("created_at", "id")),
        threads=list(Thread.objects.filter(client_id=client.pk).prefetch_related(_messages()).order_by("created_at")),
        notes=list(MeetingNote.objects.filter(client_id=client.pk).select_related("written_by").order_by("held_at")),
        journal=list(JournalEntry.objects.filter(client_id=client.pk).select_related("actor").order_by("at", "id")),
        generated_at=clock.now(),
    )


# --- the task inbox (Mine oppgaver) --------------------------------------------------------------------------

@dataclass
class InboxItem:
    kind: str  # a Task.Kind, or "reminder" for the counsellor's own huskelapp
    kind_label: str
    title: str
    deadline: dt.datetime | dt.date | None
    client_id: int
    client_name: str
    owner_id: int | None
    owner_name: str
    task_id: int | None = None
    note: str = ""
    overdue: bool = False


@dataclass
class Inbox:
    items: list[InboxItem]
    scope: str
    is_leader: bool
    office_id: int | None = None
    colleagues: list = None  # staff the user may hand a task to (the service checks the client's office)
    clients: list = None  # (id, name) of the caseload, for a task made by hand

    @property
    def groups(self) -> list[tuple[str, list[InboxItem]]]:
        """The office's inbox by counsellor (leaders), each group in deadline order."""
        from skreddersy.core import collation

        by: dict[str, list[InboxItem]] = {}
        for item in self.items:
            by.setdefault(item.owner_name or "Uten veileder", []).append(item)
        return sorted(by.items(), key=lambda kv: collation.sort_key(kv[0]))


def inbox_tasks(user, *, scope: str = "mine", office_id: int | None = None):
    """The open tasks of an inbox as a queryset: the user's own tasks, and the unowned tasks of
    their caseload (not decisions waiting for a second approver, which have their own queue);
    for a leader's ``office`` scope, every open task of the office's clients. Only clients the
    user may see."""
    a = access.actor(user)
    if not a.does_followup or a.staff is None:
        raise AccessDenied("Oppgavene er for Nav-ansatte med oppfølgingsrolle.")
    visible = Client.objects.filter(access.client_filter(user)).values("pk")
    qs = Task.objects.filter(status=Task.Status.OPEN, client_id__in=visible)
    if scope == "office":
        if not a.is_leader:
            raise AccessDenied("Bare ledere kan se kontorets oppgaver.")
        office_id = office_id or (min(a.office_ids) if a.office_ids else None)
        if office_id is None or not access.can_view_office(user, office_id):
            raise AccessDenied("Du har ikke tilgang til dette kontoret.")
        return qs.filter(client__office_id=office_id).exclude(owner__isnull=True, kind=Task.Kind.APPROVE_DECISION), office_id
    mine = Q(owner_id=a.staff.pk) | (Q(owner__isnull=True, client__counsellor_id=a.staff.pk) & ~Q(kind=Task.Kind.APPROVE_DECISION))
    return qs.filter(mine), None


def task_inbox(*, user, scope: str = "mine", office_id: int | None = None, with_forms: bool = False) -> Inbox:
    """Mine oppgaver: every open task across the caseload, and the user's own reminders, in one
    list, overdue first then by deadline. Leaders may ask for the office's (``scope="office"``),
    shown by counsellor. Fixed number of queries; one audit read entry per client shown."""
    a = access.actor(user)
    scope = "office" if scope == "office" else "mine"
    qs, office_id = inbox_tasks(user, scope=scope, office_id=office_id)
    kinds = {k: str(v) for k, v in Task.Kind.choices}  # translated once, not per row
    now, today = clock.now(), clock.today()
    rows = qs.order_by("deadline", "id").values_list(  # plain values: no model instances for hundreds of rows
        "pk", "kind", "title", "deadline", "client_id", "client__first_name", "client__last_name", "owner_id",
        "owner__display_name", "client__counsellor_id", "client__counsellor__display_name", "note")
    items = [
        InboxItem(kind=kind, kind_label=kinds.get(kind, kind), title=title, deadline=deadline, client_id=cid,
                  client_name=f"{first} {last}", owner_id=owner_id or counsellor_id,
                  owner_name=(owner_name if owner_id else counsellor_name) or "", task_id=pk, note=note,
                  overdue=deadline < now)
        for pk, kind, title, deadline, cid, first, last, owner_id, owner_name, counsellor_id, counsellor_name, note in rows
    ]
    if scope == "mine":
        visible = Client.objects.filter(access.client_filter(user)).values("pk")
        reminders = [
            InboxItem(kind="reminder", kind_label="Huskelapp", title=r.note, deadline=r.deadline, client_id=r.client_id,
                      client_name=r.client.name, owner_id=a.staff.pk, owner_name=a.staff.display_name,
                      overdue=r.deadline is not None and r.deadline < today)
            for r in Reminder.objects.filter(owner_id=a.staff.pk, client_id__in=visible).select_related("client")
        ]
        if reminders:  # a reminder's date counts from the start of that day; undated ones last
            tz = now.tzinfo

            def key(i):
                d = i.deadline
                if d is None:
                    return (1, now, 0)
                return (0, d if isinstance(d, dt.datetime) else dt.datetime.combine(d, dt.time.min, tzinfo=tz), i.task_id or 0)

            items = sorted(items + reminders, key=key)
    audit.record_reads(user, sorted({i.client_id for i in items}), "oppgaver", why="oppgaveliste")
    inbox = Inbox(items=items, scope=scope, is_leader=a.is_leader, office_id=office_id)
    if with_forms:
        from skreddersy.core import collation
        from skreddersy.core.models import StaffMember

        inbox.colleagues = sorted(
            StaffMember.objects.filter(memberships__office_id__in=a.office_ids).exclude(pk=a.staff.pk).distinct()
            .only("id", "display_name"),
            key=lambda s: (collation.sort_key(s.display_name), s.pk),
        )
    return inbox


def _caseload_choices(user) -> list[tuple[int, str]]:
    a = access.actor(user)
    clients = Client.objects.filter(access.client_filter(user), counsellor_id=a.staff.pk).order_by("sort_key", "id")
    return [(pk, f"{last}, {first}") for pk, first, last in clients.values_list("pk", "first_name", "last_name")[:500]]


def caseload_choices(*, user) -> list[tuple[int, str]]:
    """The acting counsellor's clients as (id, "Etternavn, Fornavn"), for choosing one (a task made
    by hand). Audited as a list read."""
    a = access.actor(user)
    if not a.does_followup or a.staff is None:
        raise AccessDenied("Bare Nav-ansatte med oppfølgingsrolle.")
    choices = _caseload_choices(user)
    audit.record_reads(user, [pk for pk, _ in choices], "oppgave: velg bruker", why="ny oppgave")
    return choices


def reminder(*, user, client_id: int) -> Reminder | None:
    """The acting counsellor's own huskelapp on a client, if any (nobody else's)."""
    client = get_client(user=user, client_id=client_id, what="huskelapp", nav=True)
    staff = access.actor(user).staff
    return Reminder.objects.filter(owner_id=staff.pk, client=client).first()


def saved_filters(*, user) -> list[SavedFilter]:
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied("Bare Nav-ansatte har lagrede filtre.")
    return list(SavedFilter.objects.filter(owner_id=staff.pk).order_by("name", "id"))
