"""Reads in follow-up. Each takes the acting user, checks the access policy once, audits the read
once and runs a fixed number of queries whatever the length of the client's history. Pages and
the API read through these only (they import no models)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Window, prefetch_related_objects
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from skreddersy.clients.models import Client, NeedsMapping
from skreddersy.clients.selectors import get_client
from skreddersy.core import audit, clock, reference
from skreddersy.core.errors import AccessDenied, Hidden, NotFound
from skreddersy.core.models import Role
from skreddersy.core.shapes import Shape
from skreddersy.followup import lastcontact, meetings, notices, periods, ratings
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    JournalEntry,
    LanguageNeed,
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
# The person page's first screen of each section; the rest comes on demand (``*_page`` below),
# so the page does not grow with the client's history.
JOURNAL_FIRST = 10
THREADS_FIRST = 5  # recent threads beside those awaiting Nav's reply
AWAITING_MAX = 20  # threads awaiting Nav's reply shown at the top
MESSAGES_FIRST = 3  # the newest messages of a thread awaiting Nav's reply on the first screen
MESSAGES_ANSWERED = 2  # ... and of one that does not (older ones on demand)
OPEN_ACTIVITIES_MAX = 50
CLOSED_ACTIVITIES_FIRST = 10
NOTES_FIRST = 5
OPEN_TASKS_MAX = 50
TASK_DUE_WITHIN = dt.timedelta(days=7)
PAGE_MAX = 200
JOURNAL_KINDS = JournalEntry.Kind.choices
MESSAGE_ROUTES = Message.Route.choices


def journal_kinds(values) -> list[str]:
    """The known journal kinds among ``values`` (a filter's unknown kinds are dropped)."""
    return [k for k in values if k in JournalEntry.Kind.values]


def unknown_journal_kinds(values) -> list[str]:
    return [k for k in values if k not in JournalEntry.Kind.values]


def _journal_qs(user, client, kinds=None, period=None):
    """The client's journal as ``user`` may read it: internal lines for Nav staff only, each
    side's lines by the state/municipal rule and the plan's, notes' and dialogue's lines by the
    KVP rule (``access.record_filter``); ``period``, a follow-up period's [start, end) span
    (``periods.period_bounds``), keeps that period's lines."""
    reader = access.record_reader(user, client)
    start, end = period if period is not None else (None, None)
    return _journal_base((reader.key, access.sees_internal_notes(user), tuple(kinds or ())), *reader.values, start, end)


def _journal_base(key, client_id, office_id, staff_id, start, end):
    """``_journal_qs`` from a reader's key and values alone (``core.shapes``: ``_FIRST_JOURNAL``)."""
    reader_key, is_nav, kinds = key
    qs = JournalEntry.objects.filter(
        access.record_q(*reader_key, client_id, office_id, staff_id, at="at", kinds=access.KVP_JOURNAL_KINDS),
        client_id=client_id)
    if not is_nav:
        qs = qs.filter(visible_to_client=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if start is not None:
        qs = qs.filter(at__gte=start) if end is None else qs.filter(at__gte=start, at__lt=end)
    return qs.select_related("actor", "actor__staff").order_by("-at", "-id")


def _messages(visible=None):
    qs = Message.objects.select_related("sender").order_by("sent_at", "id")
    return Prefetch("messages", queryset=qs if visible is None else qs.filter(visible))


def _newest_messages(n: int, visible=None):
    """The newest ``n`` messages of each thread, in one query (a sliced prefetch: a window function);
    ``visible``: the KVP rule on messages (``_visible_messages``)."""
    qs = Message.objects.all() if visible is None else Message.objects.filter(visible)
    return Prefetch("messages", queryset=qs.order_by("-sent_at", "-id")[:n], to_attr="newest_messages")


# The KVP rule (access.kvp_filter) on each record it covers, by the record's time: an activity when
# it was made, a thread when it was started, a message when it was sent, a note when it was held.
# Notes and messages carry a side too (a message routed to the municipal services is the
# municipality's, decision 0044): the state/municipal rule with the KVP rule (access.record_filter).
def _visible_activities(user, client):
    return access.kvp_filter(user, client, at="created_at")


def _visible_threads(user, client):
    return access.kvp_filter(user, client, at="created_at")


def _visible_messages(user, client):
    return access.record_filter(user, client, at="sent_at")


def _n_messages(visible):
    """How many messages of the thread the reader sees (a subquery; ``older_count`` must not count
    the ones hidden from them, or the count would tell that they exist)."""
    counted = (Message.objects.filter(visible, thread_id=OuterRef("pk")).order_by().values("thread_id")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted), 0)


def _notes_filter(user, client):
    return access.record_filter(user, client, at="held_at")


def _with_recent(threads: list[Thread]) -> list[Thread]:
    """``recent_messages``: the prefetched newest messages, oldest first, and how many are older."""
    for t in threads:
        t.recent_messages = list(reversed(t.newest_messages))
        t.older_count = max(0, getattr(t, "n_messages", len(t.recent_messages)) - len(t.recent_messages))
    return threads


def _clip(limit, default: int) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        return default
    return max(1, min(limit, PAGE_MAX))


# --- the person: one aggregate for the person page, Min side and the API -------------------------

PERSON_WHAT = "personkort"
OPEN_STATUSES = (Activity.Status.PROPOSED, Activity.Status.PLANNED, Activity.Status.ONGOING)


@dataclass
class Page:
    """One page of a long list, and the cursor to ask for the next (None: there is no more)."""

    items: list
    cursor: int | None = None

    @property
    def more(self) -> bool:
        return self.cursor is not None


def _page(rows: list, limit: int, *, key=lambda x: x.pk) -> Page:
    """``rows`` fetched with ``limit + 1``: the extra row only says there is more."""
    items = rows[:limit]
    return Page(items, key(items[-1]) if len(rows) > limit and items else None)


@dataclass
class Person:
    """Everything about one client that the person page, Min side and the API's person card show,
    as a first screen: each long section holds its newest items and says whether there is more,
    which the page then loads on demand (``journal_page``, ``thread_page``, ``thread_messages``,
    ``closed_activities``), so neither the page nor the card grows with the client's history.

    A client sees only what is shared with them: sent decisions, shared notes, client-visible
    journal lines, no tasks. A card (``person(..., card=True)``, the API's) holds the client, the
    current decision, the open plan's open and newest closed activities, the open tasks and the
    newest journal entries; the page's further sections (decision history, assessments, mappings,
    threads, notes) are None on a card, never an empty list that could be read as "none"."""

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
    threads: list[Thread] | None = None  # the first screen of the dialogue (not those awaiting Nav's reply)
    notes: list[MeetingNote] | None = None
    notifications: list[Notification] | None = None
    contact_preference: ContactPreference | None = None
    journal_cursor: int | None = None  # the last entry shown, when there are older ones
    closed_more: bool = False  # more finished or cancelled activities than shown
    awaiting: list[Thread] | None = None  # threads awaiting Nav's reply (Nav's page: at the top)
    threads_cursor: int | None = None
    language_needs: list[LanguageNeed] | None = None  # open marks: an interpreter or translation needed
    threads_more: bool = False  # more threads than the first screen (from ``threads_cursor``, or the start)
    awaiting_more: bool = False  # more threads await Nav's reply than shown at the top
    notes_more: bool = False
    focus_message_id: int | None = None
    # issue 17: meetings, formal notices before a sanction and the client's own ratings
    # (followup.meetings, followup.notices, followup.ratings)
    meetings: list | None = None
    notices: list | None = None
    ratings: object = None
    # the newest contact the reader may see (followup.lastcontact; staff only, None for the client)
    last_contact: object = None
    periods: list | None = None  # follow-up periods, the current first (followup.periods.PeriodRow; Nav only)

    def activities_by_status(self) -> list[tuple[str, str, list[Activity]]]:
        groups = []
        for value, label in Activity.Status.choices:
            items = [x for x in self.activities if x.status == value]
            if items:
                groups.append((value, label, items))
        return groups

    @property
    def open_activities(self) -> list[Activity]:
        return [a for a in self.activities if a.is_open]

    @property
    def closed_activities(self) -> list[Activity]:
        return [a for a in self.activities if not a.is_open]

    @property
    def draft(self) -> NeedsDecision | None:
        for d in self.decisions or ():
            if d.status in (NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL):
                return d
        return None

    @property
    def returned_draft(self) -> NeedsDecision | None:
        """A draft the second approver sent back, with their reason (the counsellor acts on it)."""
        d = self.draft
        return d if d and d.status == NeedsDecision.Status.DRAFT and d.return_reason else None

    @property
    def due_tasks(self) -> list[Task]:
        """Open tasks due within a week, the overdue ones included (deadline order)."""
        return split_tasks(self.open_tasks)[0]

    @property
    def later_tasks(self) -> list[Task]:
        return split_tasks(self.open_tasks)[1]

    @property
    def unapproved_requirements(self) -> list[Activity]:
        """Open activity requirements the client has not yet approved."""
        return [a for a in self.activities if a.is_requirement and a.is_open and a.client_approved_at is None]

    @property
    def action_count(self) -> int:
        return (len(self.awaiting or ()) + (1 if self.returned_draft else 0) + len(self.due_tasks)
                + len(self.unapproved_requirements))

    @property
    def all_threads(self) -> list[Thread]:
        """The awaiting threads then the rest of the first screen (Min side shows them together)."""
        return list(self.awaiting or ()) + list(self.threads or ())

    @property
    def upcoming_meetings(self) -> list:
        """Meetings not yet over (planned) or cancelled ahead, soonest first: what Min side shows."""
        now = clock.now()
        return sorted((m for m in self.meetings or () if m.ends_at >= now and m.status in ("planned", "cancelled")),
                      key=lambda m: m.starts_at)

    @property
    def meetings_for_page(self) -> list:
        """The person page's order: meetings still ahead (soonest first), then the past (newest first)."""
        now = clock.now()
        ahead = sorted((m for m in self.meetings or () if m.ends_at >= now), key=lambda m: m.starts_at)
        return ahead + [m for m in self.meetings or () if m.ends_at < now]

    @property
    def current_mapping(self) -> NeedsMapping | None:
        return self.mappings[0] if self.mappings else None

    def mapping_rows(self) -> list[tuple[str, object]]:
        """(domain name, assessment) for the current mapping, in reference order."""
        return mapping_rows(self.current_mapping)


def split_tasks(tasks: list[Task]) -> tuple[list[Task], list[Task]]:
    """(due within ``TASK_DUE_WITHIN``, the overdue ones included; due later), each in deadline order."""
    by = clock.now() + TASK_DUE_WITHIN
    return [t for t in tasks if t.deadline <= by], [t for t in tasks if t.deadline > by]


def mapping_rows(mapping) -> list[tuple[str, object]]:
    if mapping is None:
        return []
    names = reference.needs_domains()
    by_key = {e.domain: e for e in mapping.entries.all()}
    return [(name, by_key[key]) for key, name in names.items() if key in by_key]


def _threads_qs(client_id: int, *, is_nav: bool, visible=None):
    """The dialogue list's threads, newest first. On Nav's page the threads awaiting Nav's reply
    stand at the top instead (``_awaiting``), so the list leaves them out."""
    qs = Thread.objects.filter(client_id=client_id)
    if visible is not None:
        qs = qs.filter(visible)
    if is_nav:
        qs = qs.filter(awaiting_nav_reply=False)
    return qs.order_by("-last_message_at", "-id")


def _after_thread(qs, before_id: int | None):
    if before_id is None:
        return qs
    anchor = Thread.objects.filter(pk=before_id).values("last_message_at")
    return qs.filter(Q(last_message_at__lt=Subquery(anchor)) | Q(last_message_at=Subquery(anchor), id__lt=before_id))


# The person page's statements, each compiled once per shape (core.shapes): building and compiling
# them through the ORM cost more CPU than the rest of the page's reads together. Each build reads
# its key and values only; the reader's rules come from ``access.record_q``.
def _build_decisions(key, client_id):
    card, is_nav = key
    if card:
        return (NeedsDecision.objects.filter(client_id=client_id, status=NeedsDecision.Status.SENT)
                .select_related("drafted_by", "approver").order_by("-sent_at", "-id")[:1])
    qs = NeedsDecision.objects.filter(client_id=client_id).select_related("drafted_by", "approver", "assessment")
    if not is_nav:
        qs = qs.filter(status=NeedsDecision.Status.SENT)
    return qs.exclude(status=NeedsDecision.Status.DISCARDED).order_by(
        F("sent_at").desc(nulls_first=True), "-drafted_at", "-id")


def _build_activities(key, plan_id, client_id, office_id, staff_id):
    """The open plan's open activities (start order, at most ``OPEN_ACTIVITIES_MAX``), or (``closed``)
    its newest finished or cancelled ones (``CLOSED_ACTIVITIES_FIRST`` and one more, which only says
    there are older ones), by the KVP rule."""
    reader_key, closed = key
    qs = Activity.objects.filter(access.record_q(*reader_key, client_id, office_id, staff_id, at="created_at", sides=False),
                                 plan_id=plan_id).select_related("measure_type")
    if closed:
        return qs.exclude(status__in=OPEN_STATUSES).order_by("-updated_at", "-id")[:CLOSED_ACTIVITIES_FIRST + 1]
    return qs.filter(status__in=OPEN_STATUSES).order_by("start_date", "id")[:OPEN_ACTIVITIES_MAX]


def _first_threads(reader_key, is_nav, client_id, office_id, staff_id):
    """The threads awaiting Nav's reply then the newest others (Nav), or the newest (the client)."""
    if is_nav:
        qs = Thread.objects.filter(access.record_q(*reader_key, client_id, office_id, staff_id, at="created_at",
                                                   sides=False), client_id=client_id)
        return qs.order_by("-awaiting_nav_reply", "-last_message_at", "-id")
    return _threads_qs(client_id, is_nav=False)


def _build_threads(key, client_id, office_id, staff_id):
    """``_first_threads``, each with how many of its messages the reader sees."""
    reader_key, is_nav, limit = key
    visible_messages = access.record_q(*reader_key, client_id, office_id, staff_id, at="sent_at")
    qs = _first_threads(reader_key, is_nav, client_id, office_id, staff_id)
    return qs.annotate(n_messages=_n_messages(visible_messages))[:limit]


def _build_newest_messages(key, client_id, office_id, staff_id):
    """The newest ``n`` messages the reader sees of each thread ``_build_threads`` reads (the same
    threads, as a subquery), newest first: what a sliced prefetch reads, in a statement of its own."""
    reader_key, is_nav, limit, n = key
    visible = access.record_q(*reader_key, client_id, office_id, staff_id, at="sent_at")
    threads = _first_threads(reader_key, is_nav, client_id, office_id, staff_id).values("pk")[:limit]
    rank = Window(RowNumber(), partition_by=F("thread_id"), order_by=[F("sent_at").desc(), F("id").desc()])
    return (Message.objects.filter(visible, thread_id__in=threads).annotate(_rank=rank).filter(_rank__lte=n)
            .order_by("-sent_at", "-id"))


def _build_notes(key, client_id, office_id, staff_id):
    reader_key, is_nav = key
    qs = MeetingNote.objects.filter(access.record_q(*reader_key, client_id, office_id, staff_id, at="held_at"),
                                    client_id=client_id).select_related("written_by")
    if not is_nav:
        qs = qs.filter(shared_with_client=True)
    return qs.order_by("-held_at", "-id")[:NOTES_FIRST + 1]


_DECISIONS = Shape("person: decisions", _build_decisions)
_PLAN = Shape("person: open plan", lambda key, client_id: ActivityPlan.objects.filter(
    client_id=client_id, closed_at__isnull=True).order_by("-created_at")[:1])
_ACTIVITIES = Shape("person: activities", _build_activities)
_FIRST_JOURNAL = Shape("person: journal", lambda key, *values: _journal_base(key, *values)[:JOURNAL_FIRST + 1])
_OPEN_TASKS = Shape("person: open tasks", lambda key, client_id: Task.objects.filter(
    client_id=client_id, status=Task.Status.OPEN).select_related("owner").order_by("deadline", "id")[:OPEN_TASKS_MAX])
_ASSESSMENTS = Shape("person: assessments", lambda key, client_id: WorkCapacityAssessment.objects.filter(
    client_id=client_id).select_related("assessed_by")[:5])
_LANGUAGE_NEEDS = Shape("person: language needs", lambda key, client_id: LanguageNeed.objects.filter(
    client_id=client_id, done_at__isnull=True).select_related("created_by")[:20])
_MAPPINGS = Shape("person: mappings", lambda key, client_id: NeedsMapping.objects.filter(
    client_id=client_id).order_by("-version")[:10])
_THREADS = Shape("person: threads", _build_threads)
_NEWEST_MESSAGES = Shape("person: newest messages", _build_newest_messages)
_NOTES = Shape("person: notes", _build_notes)
_NOTIFICATIONS = Shape("person: notifications", lambda key, client_id: Notification.objects.filter(
    client_id=client_id).order_by("-due_at", "-id")[:10])
_CONTACT_PREFERENCE = Shape("person: contact preference", lambda key, client_id: ContactPreference.objects.filter(
    client_id=client_id).order_by("pk")[:1])


def person(*, user, client_id: int, journal_kinds=None, card: bool = False, why: str = "oppfølging",
           focus: dict | None = None, period_id: int | None = None) -> Person:
    """The client's person aggregate, with one access check and one audit entry (``PERSON_WHAT``),
    in a fixed number of queries whatever the length of the history: a card eight (client, audit,
    current decision, plan, open activities, newest closed activities, journal, tasks); the whole
    page six more (the decision history in place of the current decision, assessments, mappings
    and their entries, threads awaiting a reply and the newest threads, each with its newest
    messages, notes). ``focus`` (``{"thread"|"message"|"activity"|"note": id}``, a journal link's
    target) adds that item when it is not on the first screen, in at most two more queries."""
    client = get_client(user=user, client_id=client_id, what=PERSON_WHAT, why=why)
    is_nav = access.sees_internal_notes(user)
    reader = access.record_reader(user, client)
    cid = client.pk
    decisions = None
    if card:
        current = _DECISIONS.first((True, is_nav), cid)
    else:
        decisions = _DECISIONS.list((False, is_nav), cid)
        current = next((d for d in decisions if d.status == NeedsDecision.Status.SENT), None)
    plan = _PLAN.first((), cid)
    activities, closed_more = [], False
    if plan is not None:
        open_ = _ACTIVITIES.list((reader.key, False), plan.pk, *reader.values)
        closed = _ACTIVITIES.list((reader.key, True), plan.pk, *reader.values)
        activities, closed_more = open_ + closed[:CLOSED_ACTIVITIES_FIRST], len(closed) > CLOSED_ACTIVITIES_FIRST
    start, end = (None, None)
    if period_id is not None:
        start, end = periods.period_bounds(cid, period_id) or (None, None)
    journal_rows = _FIRST_JOURNAL.list((reader.key, is_nav, tuple(journal_kinds or ())), *reader.values, start, end)
    journal_page_ = _page(journal_rows, JOURNAL_FIRST)
    tasks = _OPEN_TASKS.list((), cid) if is_nav else []
    p = Person(client, is_nav, current, plan, activities, tasks, journal_page_.items,
               journal_cursor=journal_page_.cursor, closed_more=closed_more)
    if is_nav:
        p.last_contact = lastcontact.of_client(user, client)
    if card:
        return p
    if not is_nav and access.actor(user).client_id == cid:
        outbox.mark_read(cid)  # the client opened Min side: their notifications are read
    p.decisions = decisions
    draft = p.draft
    p.can_approve_draft = bool(draft and access.can_approve_decision(user, draft))
    p.assessments = _ASSESSMENTS.list((), cid) if is_nav else []
    p.language_needs = _LANGUAGE_NEEDS.list((), cid) if is_nav else []
    # the mapping history's versions; the entries of the current one only (older ones list a date)
    p.mappings = _MAPPINGS.list((), cid)
    prefetch_related_objects(p.mappings[:1], "entries")
    # One query for the threads awaiting Nav's reply (first, at most AWAITING_MAX) and the newest
    # others (THREADS_FIRST + 1: the extra one only says there is more), then one for the newest
    # messages of each thread that query reads (at most ``limit`` threads; those shown are among them).
    n_msg = MESSAGES_FIRST if is_nav else 10
    first = THREADS_FIRST if is_nav else 10
    limit = AWAITING_MAX + first + 1 if is_nav else first + 1
    rows = _THREADS.list((reader.key, is_nav, limit), *reader.values)
    if is_nav:
        awaiting = [t for t in rows if t.awaiting_nav_reply]
        rows = awaiting[:AWAITING_MAX] + [t for t in rows if not t.awaiting_nav_reply][:first + 1]
    newest: dict[int, list[Message]] = {}
    if rows:  # of every thread read (those shown are among them)
        for m in _NEWEST_MESSAGES.list((reader.key, is_nav, limit, n_msg), *reader.values):
            newest.setdefault(m.thread_id, []).append(m)
    for t in rows:
        t.newest_messages = newest.get(t.pk, [])
        for m in t.newest_messages:
            m.thread = t
    _with_recent(rows)
    if is_nav:  # an answered thread's first screen is its last exchange
        for t in rows:
            if not t.awaiting_nav_reply and len(t.recent_messages) > MESSAGES_ANSWERED:
                t.older_count += len(t.recent_messages) - MESSAGES_ANSWERED
                t.recent_messages = t.recent_messages[-MESSAGES_ANSWERED:]
    if is_nav:
        p.awaiting, p.awaiting_more = awaiting[:AWAITING_MAX], len(awaiting) > AWAITING_MAX
        rest = [t for t in rows if not t.awaiting_nav_reply]
    else:
        p.awaiting, rest = [], rows
    threads_page = _page(rest, first)
    p.threads, p.threads_cursor = threads_page.items, threads_page.cursor
    # every row awaiting a reply: whether others exist is not known, so the list offers them from the start
    p.threads_more = threads_page.more or (p.awaiting_more and not rest)
    notes = _NOTES.list((reader.key, is_nav), *reader.values)
    p.notes, p.notes_more = notes[:NOTES_FIRST], len(notes) > NOTES_FIRST
    if is_nav:  # the delivery status of the newest notifications, and how the client is reached
        p.notifications = _NOTIFICATIONS.list((), cid)
        p.contact_preference = _CONTACT_PREFERENCE.first((), cid)
    if focus:
        _add_focus(p, focus, notes_visible=_notes_filter(user, client), visible=(
            _visible_threads(user, client), _visible_messages(user, client), _visible_activities(user, client)))
    _kept_informed(p, user, client, is_nav)
    if is_nav:
        p.periods = periods.history_rows(user, client)
    return p


def _kept_informed(p: Person, user, client, is_nav: bool) -> None:
    """The person page's and Min side's meetings, notices and own ratings (issue 17); a client
    opening Min side has read their notices (the read receipt, information only). Notices on an
    activity held by a KVP the reader does not follow are left out (access.kvp_filter), and so are
    meetings held by one (``meetings.visible``)."""
    client_id = client.pk
    reader = access.record_reader(user, client)
    p.meetings = meetings.for_reader(reader)
    p.notices = notices.for_reader(reader, is_nav=is_nav)
    p.ratings = ratings.trend_for(client_id, is_nav=is_nav, assessments=p.assessments if is_nav else None)
    latest = {}
    for n in p.notices:  # newest first: the first per activity is its current notice
        latest.setdefault(n.activity_id, n)
    for a in p.activities:
        a.latest_notice = latest.get(a.pk)
    if not is_nav and access.actor(user).client_id == client_id:
        notices.mark_read(client_id, p.notices)


def _add_focus(p: Person, focus: dict, *, notes_visible, visible) -> None:
    """Put a journal link's target on the page if the first screen does not hold it (it must be
    this client's: an id of another client's item is ignored). ``notes_visible``: the access
    policy's record filter (a note on the other side of the office shows only with consent)."""
    cid = p.client.pk
    threads_visible, messages_visible, activities_visible = visible
    message_id = focus.get("message")
    thread_id = focus.get("thread")
    shown_threads = {t.pk: t for t in p.all_threads}
    if message_id:
        row = (Message.objects.filter(messages_visible, pk=message_id, thread__client_id=cid)
               .filter(thread__in=Thread.objects.filter(threads_visible, client_id=cid))
               .values_list("thread_id", "sent_at").first())
        if row:
            thread_id, sent_at = row
            p.focus_message_id = message_id
            t = shown_threads.get(thread_id)
            if t is None or all(m.pk != message_id for m in t.recent_messages):
                # the thread from the focused message on (at most a page), older ones on demand
                t = t or Thread.objects.filter(pk=thread_id).annotate(n_messages=_n_messages(messages_visible)).first()
                window = list(Message.objects.filter(messages_visible, thread_id=thread_id)
                              .filter(Q(sent_at__gt=sent_at) | Q(sent_at=sent_at, id__gte=message_id))
                              .order_by("sent_at", "id")[:JOURNAL_PAGE])
                t.recent_messages = window
                t.older_count = max(0, t.n_messages - len(window))
                if t.pk not in shown_threads:
                    (p.awaiting if t.awaiting_nav_reply and p.is_nav else p.threads).insert(0, t)
        return
    if thread_id and thread_id not in shown_threads:
        t = (Thread.objects.filter(threads_visible, pk=thread_id, client_id=cid).annotate(n_messages=_n_messages(messages_visible))
             .prefetch_related(_newest_messages(MESSAGES_FIRST, messages_visible)).first())
        if t:
            _with_recent([t])
            (p.awaiting if t.awaiting_nav_reply and p.is_nav else p.threads).insert(0, t)
        return
    activity_id = focus.get("activity")
    if activity_id and p.plan and all(a.pk != activity_id for a in p.activities):
        a = Activity.objects.filter(activities_visible, pk=activity_id, client_id=cid).select_related("measure_type").first()
        if a:
            p.activities.append(a)
        return
    note_id = focus.get("note")
    if note_id and all(n.pk != note_id for n in p.notes or ()):
        qs = MeetingNote.objects.filter(notes_visible, pk=note_id, client_id=cid).select_related("written_by")
        if not p.is_nav:
            qs = qs.filter(shared_with_client=True)
        n = qs.first()
        if n:
            p.notes.insert(0, n)


# --- journal ----------------------------------------------------------------------------------------

def _after_entry(qs, before_id: int | None):
    """The entries after ``before_id`` in the journal's order (newest first: at, then id)."""
    if before_id is None:
        return qs
    anchor = JournalEntry.objects.filter(pk=before_id).values("at")
    return qs.filter(Q(at__lt=Subquery(anchor)) | Q(at=Subquery(anchor), id__lt=before_id))


def journal(*, user, client_id: int, kinds=None, before_id: int | None = None, limit: int = JOURNAL_PAGE,
            period_id: int | None = None) -> list[JournalEntry]:
    """The client's chronological journal, newest first, optionally filtered by kind and by
    follow-up period; ``before_id`` (the last entry already shown) continues after it."""
    return journal_page(user=user, client_id=client_id, kinds=kinds, before_id=before_id, limit=limit,
                        period_id=period_id).items


def journal_page(*, user, client_id: int, kinds=None, before_id: int | None = None, limit: int = JOURNAL_PAGE,
                 period_id: int | None = None) -> Page:
    """One page of the journal after the entry ``before_id`` (newest first), with the cursor for the
    next; every entry is on exactly one page. ``period_id``: one of the client's follow-up periods
    (its lines only; an id that is not one of this client's periods is NotFound). Audited as a read
    of the client's journal."""
    client = get_client(user=user, client_id=client_id, what="journal")
    limit = _clip(limit, JOURNAL_PAGE)
    span = None
    if period_id is not None:
        span = periods.period_bounds(client.pk, period_id)
        if span is None:
            raise NotFound("Fant ikke oppfølgingsperioden for denne brukeren.")
    qs = _after_entry(_journal_qs(user, client, kinds, span), before_id)
    return _page(list(qs[:limit + 1]), limit)


def full_journal(*, user, client_id: int) -> list[JournalEntry]:
    """Every journal entry, oldest first: the case read start to end."""
    client = get_client(user=user, client_id=client_id, what="journal: hele")
    return list(_journal_qs(user, client).order_by("at", "id"))


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


def decision_letter(*, user, decision_id: int) -> NeedsDecision:
    """A sent § 14 a decision as the letter the client gets: for Nav staff who may see the client,
    and for the client themself (their own sent decisions only; a draft is not theirs to read).
    One access check, one audit entry."""
    d = _decision(decision_id)
    client = get_client(user=user, client_id=d.client_id, what="14a-vedtak: brev")
    if d.status != NeedsDecision.Status.SENT and not access.sees_internal_notes(user):
        raise NotFound("Fant ikke vedtaket.")
    d.client = client
    return d


@dataclass
class ApprovalQueue:
    items: list[NeedsDecision]
    me_id: int  # the second approver's staff id: their own drafts are marked, not offered


def approval_queue(*, user) -> ApprovalQueue:
    """Decisions awaiting a second approver at the offices the user serves (second approvers only).
    One read entry per client shown, in one statement."""
    a = access.actor(user)
    if a.staff is None or Role.SECOND_APPROVER not in a.roles:
        raise AccessDenied(_("Bare besluttere har en beslutterkø."))
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
    return list(Activity.objects.filter(_visible_activities(user, client), client=client, plan__closed_at__isnull=True).select_related("measure_type")
                .order_by("start_date", "id"))


def closed_activities(*, user, client_id: int, offset: int = 0, limit: int = 20) -> tuple[Page, int]:
    """Finished and cancelled activities of the open plan, newest first, from ``offset``: the person
    page shows the newest few and loads the rest on demand. Returns the page and the next offset."""
    client = get_client(user=user, client_id=client_id, what="aktivitetsplan")
    limit, offset = _clip(limit, 20), max(0, int(offset or 0))
    rows = list(Activity.objects.filter(_visible_activities(user, client), client=client, plan__closed_at__isnull=True)
                .exclude(status__in=OPEN_STATUSES).select_related("measure_type")
                .order_by("-updated_at", "-id")[offset:offset + limit + 1])
    page = _page(rows, limit)
    return page, offset + len(page.items)


def plan_page(*, user, client_id: int, offset: int = 0, limit: int = 100) -> list[Activity]:
    """The open plan's activities in start order, ``limit`` from ``offset`` (the API's paged plan)."""
    client = get_client(user=user, client_id=client_id, what="aktivitetsplan")
    limit, offset = max(1, min(int(limit), 500)), max(0, int(offset or 0))
    return list(Activity.objects.filter(_visible_activities(user, client), client=client, plan__closed_at__isnull=True).select_related("measure_type")
                .order_by("start_date", "id")[offset:offset + limit])


def get_activity(*, user, activity_id: int, nav: bool = False) -> Activity:
    """One activity; ``nav=True`` for Nav's edit page (the client is refused)."""
    act = Activity.objects.select_related("client", "measure_type").filter(pk=activity_id).first()
    if act is None:
        raise NotFound("Fant ikke aktiviteten.")
    get_client(user=user, client_id=act.client_id, what="aktivitet", nav=nav)
    if not Activity.objects.filter(_visible_activities(user, act.client), pk=act.pk).exists():
        raise NotFound("Fant ikke aktiviteten.")  # held by a KVP the user does not follow: as if missing
    return act


# --- dialogue --------------------------------------------------------------------------------------------

def threads(*, user, client_id: int, before_id: int | None = None, limit: int = 50,
            messages: int | None = None) -> list[Thread]:
    """Dialogue threads, newest first, each with its messages (``messages``: only the newest so many)
    in ``recent_messages``; ``before_id`` (the last thread already read) continues after it."""
    return thread_page(user=user, client_id=client_id, before_id=before_id, limit=limit, messages=messages,
                       with_awaiting=True).items


def thread_page(*, user, client_id: int, before_id: int | None = None, limit: int = THREADS_FIRST,
                messages: int | None = MESSAGES_FIRST, with_awaiting: bool = False) -> Page:
    """One page of the client's dialogue threads, newest first, each with its newest ``messages``
    (all with None) and how many older ones there are. Nav's person page shows the threads awaiting
    its reply at the top, so its list leaves them out (``with_awaiting=False``). Audited as a read."""
    client = get_client(user=user, client_id=client_id, what="dialog")
    limit = _clip(limit, THREADS_FIRST)
    qs = _threads_qs(client.pk, is_nav=access.sees_internal_notes(user) and not with_awaiting,
                     visible=_visible_threads(user, client))
    visible = _visible_messages(user, client)
    qs = _after_thread(qs, before_id).annotate(n_messages=_n_messages(visible))
    if messages is None:
        qs = qs.prefetch_related(Prefetch("messages", queryset=Message.objects.filter(visible).order_by("-sent_at", "-id"),
                                          to_attr="newest_messages"))
    else:
        qs = qs.prefetch_related(_newest_messages(_clip(messages, MESSAGES_FIRST), visible))
    return _page(_with_recent(list(qs[:limit + 1])), limit)


def thread_messages(*, user, thread_id: int, before_id: int | None = None, limit: int = 20) -> tuple[Thread, Page]:
    """The thread's messages older than ``before_id`` (the oldest already shown), at most ``limit``,
    oldest first; the page's cursor is the oldest one returned when there are older still.
    Audited as a read of the thread's client."""
    thread = get_thread(user=user, thread_id=thread_id)
    limit = _clip(limit, 20)
    qs = Message.objects.filter(_visible_messages(user, thread.client), thread_id=thread.pk).order_by("-sent_at", "-id")
    if before_id is not None:
        anchor = Message.objects.filter(pk=before_id).values("sent_at")
        qs = qs.filter(Q(sent_at__lt=Subquery(anchor)) | Q(sent_at=Subquery(anchor), id__lt=before_id))
    page = _page(list(qs[:limit + 1]), limit)
    page.items.reverse()
    return thread, page


def thread_card(*, user, thread_id: int) -> Thread:
    """One thread with its newest messages, as its card on the person page (after a reply)."""
    t = get_thread(user=user, thread_id=thread_id)
    visible = _visible_messages(user, t.client)
    t = (Thread.objects.filter(pk=t.pk).annotate(n_messages=_n_messages(visible))
         .prefetch_related(_newest_messages(MESSAGES_FIRST, visible)).get())
    return _with_recent([t])[0]


def get_thread(*, user, thread_id: int) -> Thread:
    t = Thread.objects.select_related("client").filter(pk=thread_id).first()
    if t is None:
        raise NotFound("Fant ikke samtalen.")
    get_client(user=user, client_id=t.client_id, what="dialog: tråd")
    if not Thread.objects.filter(_visible_threads(user, t.client), pk=t.pk).exists():
        raise NotFound("Fant ikke samtalen.")  # held by a KVP the user does not follow: as if missing
    return t


def get_message(*, user, message_id: int) -> Message:
    """One message with its thread (Nav staff: routing is theirs)."""
    msg = Message.objects.select_related("thread", "thread__client").filter(pk=message_id).first()
    if msg is None:
        raise NotFound("Fant ikke meldingen.")
    get_client(user=user, client_id=msg.thread.client_id, what="dialog: melding", nav=True)
    if not Message.objects.filter(_visible_messages(user, msg.thread.client), pk=msg.pk).exists():
        raise NotFound("Fant ikke meldingen.")
    return msg


def meeting_notes(*, user, client_id: int) -> list[MeetingNote]:
    client = get_client(user=user, client_id=client_id, what="samtalereferater")
    qs = MeetingNote.objects.filter(_notes_filter(user, client), client=client).select_related("written_by")
    if not access.sees_internal_notes(user):
        qs = qs.filter(shared_with_client=True)
    return list(qs.order_by("-held_at"))


def notes_page(*, user, client_id: int, offset: int = 0, limit: int = 20) -> tuple[Page, int]:
    """Meeting notes, newest first, from ``offset`` (the person page shows the newest few)."""
    client = get_client(user=user, client_id=client_id, what="samtalereferater")
    limit, offset = _clip(limit, 20), max(0, int(offset or 0))
    qs = MeetingNote.objects.filter(_notes_filter(user, client), client=client).select_related("written_by")
    if not access.sees_internal_notes(user):
        qs = qs.filter(shared_with_client=True)
    page = _page(list(qs.order_by("-held_at", "-id")[offset:offset + limit + 1]), limit)
    return page, offset + len(page.items)


# --- tasks -------------------------------------------------------------------------------------------------

def tasks(*, user, client_id: int, include_closed: bool = False, nav: bool = False) -> list[Task]:
    """Open (or all) tasks. Tasks are Nav's: a client sees none, or with ``nav=True`` (the API's
    task list, a Nav endpoint) is refused. A task made while a KVP the user does not follow held
    the client is the KVP's (the KVP rule, by when it was made), as in the task inbox."""
    client = get_client(user=user, client_id=client_id, what="oppgaver", nav=nav)
    if not access.sees_internal_notes(user):
        return []
    qs = Task.objects.filter(access.kvp_filter(user, client, at="created_at"), client=client).select_related("owner")
    if not include_closed:
        qs = qs.filter(status=Task.Status.OPEN)
    return list(qs.order_by("deadline"))


def get_task(*, user, task_id: int) -> Task:
    t = Task.objects.select_related("client").filter(pk=task_id).first()
    if t is None or not access.sees_internal_notes(user):
        raise NotFound("Fant ikke oppgaven.")
    client = get_client(user=user, client_id=t.client_id, what="oppgave")
    if not Task.objects.filter(access.kvp_filter(user, client, at="created_at"), pk=t.pk).exists():
        raise Hidden("Fant ikke oppgaven.")  # the KVP's: answered as a missing task
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
        activities=list(Activity.objects.filter(_visible_activities(user, client), client_id=client.pk)
                        .select_related("measure_type").order_by("created_at", "id")),
        threads=list(Thread.objects.filter(_visible_threads(user, client), client_id=client.pk)
                     .prefetch_related(_messages(_visible_messages(user, client))).order_by("created_at")),
        notes=list(MeetingNote.objects.filter(_notes_filter(user, client), client_id=client.pk)
                   .select_related("written_by").order_by("held_at")),
        journal=list(JournalEntry.objects.filter(
            access.record_filter(user, client, at="at", kinds=access.KVP_JOURNAL_KINDS), client_id=client.pk)
            .select_related("actor").order_by("at", "id")),
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
    user may see, and only the tasks the KVP rule lets them see (``access.kvp_visible_q``, by when
    the task was made: none of a client in a KVP they do not follow, none made inside an ended one)."""
    a = access.actor(user)
    if not a.does_followup or a.staff is None:
        raise AccessDenied(_("Oppgavene er for Nav-ansatte med oppfølgingsrolle."))
    visible = Client.objects.filter(access.client_filter(user)).values("pk")
    qs = Task.objects.filter(access.kvp_visible_q(user, at="created_at"), status=Task.Status.OPEN, client_id__in=visible)
    if scope == "office":
        if not a.is_leader:
            raise AccessDenied(_("Bare ledere kan se kontorets oppgaver."))
        office_id = office_id or (min(a.office_ids) if a.office_ids else None)
        if office_id is None or not access.can_view_office(user, office_id):
            raise AccessDenied(_("Du har ikke tilgang til dette kontoret."))
        return qs.filter(client__office_id=office_id).exclude(owner__isnull=True, kind=Task.Kind.APPROVE_DECISION), office_id
    # the user's own tasks and their caseload's unowned ones, and the same for a colleague they cover today
    who = access.caseload_ids(user)
    owned = Q(owner_id=who[0]) if len(who) == 1 else Q(owner_id__in=who)
    mine = owned | (Q(owner__isnull=True) & access.caseload_q(user, prefix="client__") & ~Q(kind=Task.Kind.APPROVE_DECISION))
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
        raise AccessDenied(_("Bare Nav-ansatte med oppfølgingsrolle."))
    choices = _caseload_choices(user)
    audit.record_reads(user, [pk for pk, _name in choices], "oppgave: velg bruker", why="ny oppgave")
    return choices


def reminder(*, user, client_id: int) -> Reminder | None:
    """The acting counsellor's own huskelapp on a client, if any (nobody else's)."""
    client = get_client(user=user, client_id=client_id, what="huskelapp", nav=True)
    staff = access.actor(user).staff
    return Reminder.objects.filter(owner_id=staff.pk, client=client).first()


def saved_filters(*, user) -> list[SavedFilter]:
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte har lagrede filtre."))
    return list(SavedFilter.objects.filter(owner_id=staff.pk).order_by("name", "id"))
