"""JSON API for follow-up (mounted at /api/v1/): overview, person, plan, activities, messages,
decisions, tasks and the journal. Same selectors and services as the pages, so the same access
policy and the same audit entries: an endpoint parses, calls one selector or one service (which
checks access and audits, once) and shapes the answer; it reads nothing itself.

Authentication is the Django session (``django_auth``, set on the NinjaAPI). Unsafe methods
(POST, PUT, PATCH, DELETE) need the CSRF token: read the ``csrftoken`` cookie and send it in the
``X-CSRFToken`` header. Errors are JSON ``{"code", "message", "detail": [{"field", "reason"}]}``
with 401 (not logged in), 403 (no access), 404, 409 (stale ``version``: someone else changed the
record; nothing was written) or 422 (invalid input).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, field_validator

from skreddersy.clients import assignment
from skreddersy.clients import services as client_services
from skreddersy.core.errors import InvalidInput
from skreddersy.followup import caseloads, overview, periods, selectors, services

router = Router(tags=["oppfølging"])

CSRF = (" Session authentication: send the CSRF token from the `csrftoken` cookie in the `X-CSRFToken` header"
        " (unsafe methods without it are refused with 403).")


class ErrorDetail(Schema):
    field: str | None
    reason: str


class Error(Schema):
    code: str
    message: str
    detail: list[ErrorDetail]


ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


# --- schemas ----------------------------------------------------------------------------------------

# The overview's output models are plain pydantic models: ninja's Schema wraps every nested
# object in a Django-aware getter during validation, which cost more than the rest of the
# response for a 50-row page. The rows are plain dicts, so nothing needs that getter.
class ClientRef(BaseModel):
    id: int
    name: str
    masked_fnr: str
    need_group: str
    main_goal: str


class OverviewRowOut(BaseModel):
    client: ClientRef
    next_deadline: dt.datetime | None
    next_deadline_title: str
    awaiting_reply: int
    open_tasks: int
    active_requirements: int
    current_measure: str
    days_since_contact: int | None
    flags: list[str]
    reminder: str = ""
    reminder_deadline: dt.date | None = None
    category: str = ""
    over_contact_standard: bool = Field(
        False, description="Past the contact standard of the client's office for the client's need group (red light): "
        "no contact ever, or the last contact older than the standard's days; a client without a need group is held "
        "to the standard innsats standard. The counter over_contact_standard counts these rows.")


class OverviewOut(BaseModel):
    total: int
    page: int
    pages: int
    per_page: int
    counters: dict[str, int] = Field(description="Per status counter (" + ", ".join(overview.STATUSES) + "): the number "
                                     "of clients its filter (status=<key>) returns. over_contact_standard is 0 when no "
                                     "contact standards are known.")
    results: list[OverviewRowOut]


class OverviewFilters(Schema):
    scope: str = Field("mine", pattern="^(mine|office)$")
    office: int | None = Field(None, ge=1, le=2**63 - 1)
    counsellor: int | None = Field(None, ge=1, le=2**63 - 1)
    need_group: str = ""
    priority: str = ""
    awaiting: bool = False
    deadline_7: bool = False
    no_contact_90: bool = False
    manual: bool = False
    q: str = Field("", max_length=100)
    sort: str = Field("urgency", pattern="^(urgency|name|deadline|contact|awaiting)$")
    page: int = Field(1, ge=1, le=overview.MAX_PAGE)
    per_page: int = Field(50, ge=1, le=overview.MAX_PER_PAGE)
    status: str = Field("", description="One status counter's filter: " + ", ".join(overview.STATUSES))
    category: str = ""
    age_band: str = ""
    language: str = Field("", max_length=8)
    interpreter: bool = False
    main_goal: str = ""
    activity_type: str = ""
    followup_mode: str = Field("", pattern="^(|digital|manual)$")
    municipality: str = Field("", max_length=100)
    measure_type: str = Field("", max_length=60, description="A measure type's code (tiltakstype), e.g. ARBEIDSTRENING: "
                              "clients with an open measure of that type.")


class DecisionOut(Schema):
    id: int
    status: str
    need_group: str
    main_goal: str
    justification: str
    assessment_id: int | None
    drafted_by: str
    drafted_at: dt.datetime
    approver: str | None
    sent_at: dt.datetime | None
    version: int
    return_reason: str = ""  # the second approver's reason when it was last returned ("" if never)
    returned_at: dt.datetime | None = None


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    type: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    created_by_role: str
    client_approved_at: dt.datetime | None
    is_requirement: bool
    legal_basis: str
    consequence: str
    version: int
    measure_type: str | None = Field(None, description="The measure type's code (tiltakstype), for a measure.")

    @staticmethod
    def resolve_measure_type(obj) -> str | None:
        return obj.measure_type.code if obj.measure_type_id else None


class ActivityIn(Schema):
    title: str = Field(..., max_length=200)
    type: str
    description: str = ""
    status: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_requirement: bool = False
    legal_basis: str = Field("", max_length=200)
    consequence: str = ""
    measure_type: str = Field("", max_length=60, description="For a measure: the measure type's code (tiltakstype).")


class ActivityPatch(Schema):
    """Send only the fields you change. ``null`` clears a date; the other fields always have a
    value, so ``null`` there is refused (422) rather than taken as "leave it"."""

    version: int = Field(..., description="The version you read; a stale version gives 409 and nothing is written.")
    title: str = Field(None, max_length=200)
    type: str = None
    description: str = None
    status: str = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_requirement: bool = None
    legal_basis: str = Field(None, max_length=200)
    consequence: str = None
    measure_type: str | None = Field(None, max_length=60, description="The measure type's code; empty or null removes it.")

    @field_validator("title", "type", "description", "status", "is_requirement", "legal_basis", "consequence",
                     mode="before")
    @classmethod
    def _not_null(cls, value):
        if value is None:
            raise ValueError("kan ikke være null; utelat feltet for å beholde verdien")
        return value


class VersionIn(Schema):
    version: int


class MessageOut(Schema):
    id: int
    from_client: bool
    body: str
    sent_at: dt.datetime
    suggested_route: str
    route: str


class ThreadOut(Schema):
    id: int
    subject: str
    awaiting_nav_reply: bool
    last_message_at: dt.datetime
    messages: list[MessageOut]
    older_messages: int = 0  # older messages than those listed (``/threads/{id}/messages`` pages them)


class ThreadIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)


class MessageIn(Schema):
    body: str = Field(..., max_length=5000)


class RouteIn(Schema):
    route: str = Field(..., description="followup, benefit or municipal")


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    deadline: dt.datetime
    status: str
    owner: str | None
    note: str = ""  # e.g. the second approver's reason on a returned decision, or a colleague's note


class JournalOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    summary: str
    visible_to_client: bool
    category: str = Field(description="The side of the office that holds the entry (followup, state_notes, "
                                      "financial_assistance, kvp, municipal_notes); only what the reader may see is listed")


class PersonOut(Schema):
    client: ClientRef
    office: str
    counsellor: str | None
    flags: dict[str, bool]
    last_contact_at: dt.datetime | None
    current_decision: DecisionOut | None
    activities: list[ActivityOut]
    open_tasks: list[TaskOut]
    journal: list[JournalOut]
    # The card is a first screen and does not grow with the history: the rest comes from the lists
    journal_next_before_id: int | None = None  # pass to /clients/{id}/journal?before_id= for older entries
    more_closed_activities: bool = False  # older finished or cancelled activities: /clients/{id}/plan


class DecisionIn(Schema):
    need_group: str
    main_goal: str
    justification: str = ""
    assessment_id: int | None = None


class DecisionPatch(DecisionIn):
    version: int


class ReturnIn(Schema):
    reason: str = Field(..., max_length=1000)


# --- mapping helpers -------------------------------------------------------------------------------

def _client_ref(c) -> dict:
    return {"id": c.pk, "name": c.name, "masked_fnr": c.masked_fnr, "need_group": c.need_group, "main_goal": c.main_goal}


def _decision(d) -> dict:
    """A § 14 a decision (followup.models.NeedsDecision) as DecisionOut."""
    return {
        "id": d.pk, "status": d.status, "need_group": d.need_group, "main_goal": d.main_goal, "justification": d.justification,
        "assessment_id": d.assessment_id, "drafted_by": d.drafted_by.display_name, "drafted_at": d.drafted_at,
        "approver": d.approver.display_name if d.approver_id else None, "sent_at": d.sent_at, "version": d.version,
        "return_reason": d.return_reason, "returned_at": d.returned_at,
    }


def _task(t) -> dict:
    return {"id": t.pk, "kind": t.kind, "title": t.title, "deadline": t.deadline, "status": t.status,
            "owner": t.owner.display_name if t.owner_id else None, "note": t.note}


def _thread(t) -> dict:
    msgs = t.recent_messages if hasattr(t, "recent_messages") else list(t.messages.all())
    return {"id": t.pk, "subject": t.subject, "awaiting_nav_reply": t.awaiting_nav_reply, "last_message_at": t.last_message_at,
            "messages": msgs, "older_messages": getattr(t, "older_count", 0)}


# --- overview and person ------------------------------------------------------------------------------

@router.get("/overview", response={200: OverviewOut, **ERRORS}, summary="Min oversikt (brukerportefølje)")
def get_overview(request: HttpRequest, filters: Query[OverviewFilters]):
    """One page of the caseload overview; leaders may ask for ``scope=office`` (and a counsellor)."""
    q = overview.OverviewQuery(
        scope=filters.scope, office_id=filters.office, counsellor_id=filters.counsellor, need_group=filters.need_group,
        priority=filters.priority, awaiting=filters.awaiting, deadline_7=filters.deadline_7,
        no_contact_90=filters.no_contact_90, manual=filters.manual, q=filters.q, sort=filters.sort, page=filters.page,
        per_page=filters.per_page, status=filters.status, category=filters.category, age_band=filters.age_band,
        language=filters.language, interpreter=filters.interpreter, main_goal=filters.main_goal,
        activity_type=filters.activity_type, followup_mode=filters.followup_mode, municipality=filters.municipality,
        measure_type=filters.measure_type,
    )
    ov = overview.caseload_overview(user=request.user, query=q, why="api: oversikt")
    return {
        "total": ov.total, "page": ov.page, "pages": ov.pages, "per_page": ov.per_page, "counters": ov.counters,
        "results": [
            {"client": _client_ref(r.client), "next_deadline": r.next_deadline, "next_deadline_title": r.next_deadline_title,
             "awaiting_reply": r.awaiting_reply, "open_tasks": r.open_tasks, "active_requirements": r.active_requirements,
             "current_measure": r.current_measure, "days_since_contact": r.days_since_contact, "flags": r.flags,
             "reminder": r.reminder, "reminder_deadline": r.reminder_deadline, "category": r.category,
             "over_contact_standard": r.over_contact_standard}
            for r in ov.rows
        ],
    }


@router.get("/clients/{client_id}", response={200: PersonOut, **ERRORS}, summary="Personkort")
def get_person(request: HttpRequest, client_id: int):
    """The person card: the same aggregate as the person page (``selectors.person``), as a card: the
    open activities and the newest closed ones, the open tasks and the newest journal entries."""
    card = selectors.person(user=request.user, client_id=client_id, card=True, why="api")
    c = card.client
    return {
        "client": _client_ref(c), "office": c.office.name,
        "counsellor": c.counsellor.display_name if c.counsellor_id else None,
        "flags": {"manual_followup": c.manual_followup, "needs_interpreter": c.needs_interpreter, "under_30": c.under_30,
                  "immigrant_non_eea": c.immigrant_non_eea, "long_term_unemployed": c.long_term_unemployed,
                  "reduced_work_capacity": c.reduced_work_capacity},
        "last_contact_at": card.last_contact,
        "current_decision": _decision(card.current_decision) if card.current_decision else None,
        "activities": card.activities, "open_tasks": [_task(t) for t in card.open_tasks], "journal": card.journal,
        "journal_next_before_id": card.journal_cursor, "more_closed_activities": card.closed_more,
    }


@router.get("/clients/{client_id}/journal", response={200: list[JournalOut], **ERRORS}, summary="Journal",
            description="Newest first, `limit` (1-200) at a time. For the next page pass `before_id`: the id of the last "
                        "entry you have; every entry comes on exactly one page. The response header `X-Next-Before-Id` "
                        "holds that id when there are older entries.")
def get_journal(request: HttpRequest, response: HttpResponse, client_id: int, kind: Query[list[str]] = None,
                before_id: int | None = None, limit: int = 50):
    bad = selectors.unknown_journal_kinds(kind or [])
    if bad:
        raise InvalidInput(_("Ukjent journaltype."), errors={"kind": _("ukjent: %(kinds)s") % {"kinds": ", ".join(bad)}})
    _check_limit(limit)
    page = selectors.journal_page(user=request.user, client_id=client_id, kinds=kind or None, before_id=before_id, limit=limit)
    if page.more:
        response["X-Next-Before-Id"] = str(page.cursor)
    return page.items


def _check_limit(limit: int, most: int = 200) -> None:
    if not 1 <= limit <= most:
        raise InvalidInput(_("limit må være mellom 1 og %(most)d.") % {"most": most}, field="limit")


# --- plan and activities --------------------------------------------------------------------------------

@router.get("/clients/{client_id}/plan", response={200: list[ActivityOut], **ERRORS}, summary="Aktivitetsplan",
            description="The open plan's activities in start order, `limit` (1-500) from `offset`.")
def get_plan(request: HttpRequest, client_id: int, offset: int = 0, limit: int = 500):
    _check_limit(limit, 500)
    if offset < 0:
        raise InvalidInput(_("offset kan ikke være negativ."), field="offset")
    return selectors.plan_page(user=request.user, client_id=client_id, offset=offset, limit=limit)


@router.post("/clients/{client_id}/activities", response={201: ActivityOut, **ERRORS}, summary="Ny aktivitet", description=CSRF)
def create_activity(request: HttpRequest, client_id: int, payload: ActivityIn):
    return Status(201, services.add_activity(user=request.user, client=client_id, **payload.dict()))


@router.get("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Aktivitet")
def get_activity(request: HttpRequest, activity_id: int):
    return selectors.get_activity(user=request.user, activity_id=activity_id)


@router.patch("/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="Endre aktivitet",
              description="Send the `version` you read. If someone changed the activity since, the answer is 409 and"
                          " nothing is written: read it again, merge, and send with the new version." + CSRF)
def patch_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch):
    """Send the ``version`` you read. If someone changed the activity since, the answer is 409 and
    nothing is written: read it again, merge, and send with the new version."""
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version"}
    return services.update_activity(user=request.user, activity=activity_id, expected_version=payload.version, **changes)


@router.post("/activities/{activity_id}/approve", response={200: ActivityOut, **ERRORS}, summary="Bruker godtar aktivitet", description=CSRF)
def approve_activity(request: HttpRequest, activity_id: int, payload: VersionIn):
    return services.approve_activity(user=request.user, activity=activity_id, expected_version=payload.version)


# --- dialogue -------------------------------------------------------------------------------------------

@router.get("/clients/{client_id}/messages", response={200: list[ThreadOut], **ERRORS}, summary="Dialog",
            description="Threads, newest first, `limit` (1-200) at a time, each with its newest `messages` messages (all "
                        "when left out) and the number of older ones. For the next page pass `before_id`: the id of the "
                        "last thread you have (header `X-Next-Before-Id`). Older messages of one thread: "
                        "`/threads/{id}/messages`.")
def get_messages(request: HttpRequest, response: HttpResponse, client_id: int, before_id: int | None = None,
                 limit: int = 50, messages: int | None = None):
    _check_limit(limit)
    if messages is not None:
        _check_limit(messages)
    page = selectors.thread_page(user=request.user, client_id=client_id, before_id=before_id, limit=limit, messages=messages,
                                 with_awaiting=True)
    if page.more:
        response["X-Next-Before-Id"] = str(page.cursor)
    return [_thread(t) for t in page.items]


@router.get("/threads/{thread_id}/messages", response={200: list[MessageOut], **ERRORS}, summary="Meldinger i samtale",
            description="A thread's messages older than `before_id` (the oldest you have; newest when left out), `limit` "
                        "(1-200) of them, oldest first. Header `X-Next-Before-Id`: pass it for the page before.")
def get_thread_messages(request: HttpRequest, response: HttpResponse, thread_id: int, before_id: int | None = None,
                        limit: int = 20):
    _check_limit(limit)
    _thread_, page = selectors.thread_messages(user=request.user, thread_id=thread_id, before_id=before_id, limit=limit)
    if page.more:
        response["X-Next-Before-Id"] = str(page.cursor)
    return page.items


@router.post("/clients/{client_id}/threads", response={201: ThreadOut, **ERRORS}, summary="Ny samtale", description=CSRF)
def create_thread(request: HttpRequest, client_id: int, payload: ThreadIn):
    t = services.start_thread(user=request.user, client=client_id, subject=payload.subject, body=payload.body)
    return Status(201, _thread(t))


@router.post("/threads/{thread_id}/messages", response={201: MessageOut, **ERRORS}, summary="Svar i samtale", description=CSRF)
def post_message(request: HttpRequest, thread_id: int, payload: MessageIn):
    """Nav's answer clears "awaiting reply" and closes the answer task."""
    return Status(201, services.send_message(user=request.user, thread=thread_id, body=payload.body))


@router.post("/threads/{thread_id}/no-reply-needed", response={200: ThreadOut, **ERRORS}, summary="Trenger ikke svar", description=CSRF)
def no_reply(request: HttpRequest, thread_id: int):
    return _thread(services.mark_no_reply_needed(user=request.user, thread=thread_id))


@router.put("/messages/{message_id}/route", response={200: MessageOut, **ERRORS}, summary="Godta eller endre ruting", description=CSRF)
def set_route(request: HttpRequest, message_id: int, payload: RouteIn):
    return services.set_message_route(user=request.user, message=message_id, route=payload.route)


# --- decisions ------------------------------------------------------------------------------------------

@router.get("/clients/{client_id}/decisions", response={200: list[DecisionOut], **ERRORS}, summary="§ 14 a-vedtak")
def get_decisions(request: HttpRequest, client_id: int):
    return [_decision(d) for d in selectors.decisions(user=request.user, client_id=client_id)]


@router.post("/clients/{client_id}/decisions", response={201: DecisionOut, **ERRORS}, summary="Utkast til vedtak", description=CSRF)
def create_decision(request: HttpRequest, client_id: int, payload: DecisionIn):
    d = services.draft_decision(user=request.user, client=client_id, need_group=payload.need_group, main_goal=payload.main_goal,
                                justification=payload.justification, assessment=payload.assessment_id)
    return Status(201, _decision(d))


@router.patch("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, summary="Endre utkast", description=CSRF)
def patch_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch):
    d = services.update_draft(user=request.user, decision=decision_id, expected_version=payload.version,
                              need_group=payload.need_group, main_goal=payload.main_goal, justification=payload.justification,
                              assessment=payload.assessment_id)
    return _decision(d)


@router.post("/decisions/{decision_id}/submit", response={200: DecisionOut, **ERRORS}, summary="Send vedtak", description=CSRF)
def submit_decision(request: HttpRequest, decision_id: int, payload: VersionIn):
    """Sends the decision, or passes it to a second approver for the permanent groups."""
    return _decision(services.submit_decision(user=request.user, decision=decision_id, expected_version=payload.version))


@router.post("/decisions/{decision_id}/approve", response={200: DecisionOut, **ERRORS}, summary="Beslutter godkjenner", description=CSRF)
def approve_decision(request: HttpRequest, decision_id: int):
    return _decision(services.approve_decision(user=request.user, decision=decision_id))


@router.post("/decisions/{decision_id}/return", response={200: DecisionOut, **ERRORS}, summary="Beslutter returnerer", description=CSRF)
def return_decision(request: HttpRequest, decision_id: int, payload: ReturnIn):
    return _decision(services.return_decision(user=request.user, decision=decision_id, reason=payload.reason))


# --- tasks ----------------------------------------------------------------------------------------------

@router.get("/clients/{client_id}/tasks", response={200: list[TaskOut], **ERRORS}, summary="Oppgaver")
def get_tasks(request: HttpRequest, client_id: int, include_closed: bool = False):
    """Nav staff with a follow-up role only (a client is refused: tasks are Nav's)."""
    return [_task(t) for t in selectors.tasks(user=request.user, client_id=client_id, include_closed=include_closed, nav=True)]


@router.post("/tasks/{task_id}/complete", response={200: TaskOut, **ERRORS}, summary="Oppgave utført", description=CSRF)
def complete_task(request: HttpRequest, task_id: int):
    task = services.complete_task(user=request.user, task=task_id)
    request.session[UNDO_KEY] = [*(i for i in request.session.get(UNDO_KEY, []) if i != task.pk)][-19:] + [task.pk]
    return _task(task)


# --- the task inbox, reminders, categories and saved filters ---------------------------------------------

UNDO_KEY = "tasks_done"  # tasks marked done in this session (shared with the pages)


class InboxItemOut(BaseModel):
    kind: str
    kind_label: str
    title: str
    deadline: dt.datetime | dt.date | None
    overdue: bool
    client_id: int
    client_name: str
    owner_id: int | None
    owner_name: str
    task_id: int | None
    note: str


class TaskIn(Schema):
    client_id: int
    title: str = Field(..., max_length=200)
    deadline: dt.datetime
    kind: str = "other"


class ReassignIn(Schema):
    to: int = Field(..., description="The colleague's staff id; they must work at the client's office.")
    note: str = Field("", max_length=500)


class ReminderIn(Schema):
    note: str = Field(..., max_length=500)
    deadline: dt.date | None = None


class ReminderOut(Schema):
    note: str
    deadline: dt.date | None


class CategoryIn(Schema):
    clients: list[int]
    colour: str = Field("", description="blue, green, yellow, purple, orange; empty removes the category")


class CountOut(Schema):
    changed: int


class SavedFilterIn(Schema):
    name: str = Field(..., max_length=80)
    params: dict = Field(..., description="Overview filter fields and values, e.g. {\"status\": \"overdue\"}")


class SavedFilterOut(Schema):
    id: int
    name: str
    params: dict


class ColumnsIn(Schema):
    columns: list[str]


def _inbox_item(i) -> dict:
    return {"kind": i.kind, "kind_label": i.kind_label, "title": i.title, "deadline": i.deadline, "overdue": i.overdue,
            "client_id": i.client_id, "client_name": i.client_name, "owner_id": i.owner_id, "owner_name": i.owner_name,
            "task_id": i.task_id, "note": i.note}


@router.get("/tasks", response={200: list[InboxItemOut], **ERRORS}, summary="Mine oppgaver")
def get_inbox(request: HttpRequest, scope: str = "mine", office: int | None = None):
    """Every open task across the caseload (and the user's own reminders), overdue first then by
    deadline; a leader may ask for ``scope=office`` (every counsellor's, with ``owner_name``)."""
    return [_inbox_item(i) for i in selectors.task_inbox(user=request.user, scope=scope, office_id=office).items]


@router.post("/tasks", response={201: TaskOut, **ERRORS}, summary="Ny oppgave", description=CSRF)
def create_task(request: HttpRequest, payload: TaskIn):
    task = services.create_task(user=request.user, client=payload.client_id, title=payload.title, deadline=payload.deadline,
                                kind=payload.kind)
    return Status(201, _task(task))


@router.post("/tasks/{task_id}/reopen", response={200: TaskOut, **ERRORS}, summary="Angre utført", description=CSRF)
def reopen_task(request: HttpRequest, task_id: int):
    """Only for a task marked done in this session (otherwise 409, nothing written)."""
    from skreddersy.core.errors import Conflict

    if task_id not in request.session.get(UNDO_KEY, []):
        raise Conflict(_("Bare oppgaver du har markert som utført i denne økten kan angres."), field="task")
    task = services.reopen_task(user=request.user, task=task_id)
    request.session[UNDO_KEY] = [i for i in request.session.get(UNDO_KEY, []) if i != task_id]
    return _task(task)


@router.post("/tasks/{task_id}/reassign", response={200: TaskOut, **ERRORS}, summary="Overfør oppgave", description=CSRF)
def reassign_task(request: HttpRequest, task_id: int, payload: ReassignIn):
    return _task(services.reassign_task(user=request.user, task=task_id, to=payload.to, note=payload.note))


@router.put("/clients/{client_id}/reminder", response={200: ReminderOut, **ERRORS}, summary="Huskelapp", description=CSRF)
def put_reminder(request: HttpRequest, client_id: int, payload: ReminderIn):
    r = services.set_reminder(user=request.user, client=client_id, note=payload.note, deadline=payload.deadline)
    return {"note": r.note, "deadline": r.deadline}


@router.delete("/clients/{client_id}/reminder", response={204: None, **ERRORS}, summary="Fjern huskelapp", description=CSRF)
def delete_reminder(request: HttpRequest, client_id: int):
    services.clear_reminder(user=request.user, client=client_id)
    return Status(204, None)


@router.post("/categories", response={200: CountOut, **ERRORS}, summary="Kategori på mange brukere", description=CSRF)
def set_categories(request: HttpRequest, payload: CategoryIn):
    """All or nothing: one client the user may not see refuses the whole request (403)."""
    return {"changed": services.set_category(user=request.user, clients=payload.clients, colour=payload.colour)}


@router.get("/saved-filters", response={200: list[SavedFilterOut], **ERRORS}, summary="Mine lagrede filtre")
def get_saved_filters(request: HttpRequest):
    return [{"id": s.pk, "name": s.name, "params": s.params} for s in selectors.saved_filters(user=request.user)]


@router.post("/saved-filters", response={201: SavedFilterOut, **ERRORS}, summary="Lagre filter", description=CSRF)
def post_saved_filter(request: HttpRequest, payload: SavedFilterIn):
    """Unknown fields or bad values: 422 naming each field, and nothing is saved."""
    s = services.save_filter(user=request.user, name=payload.name, params=payload.params)
    return Status(201, {"id": s.pk, "name": s.name, "params": s.params})


@router.delete("/saved-filters/{filter_id}", response={204: None, **ERRORS}, summary="Slett filter", description=CSRF)
def delete_saved_filter(request: HttpRequest, filter_id: int):
    services.delete_saved_filter(user=request.user, saved_filter=filter_id)
    return Status(204, None)


@router.put("/overview/columns", response={200: ColumnsIn, **ERRORS}, summary="Mine kolonner", description=CSRF)
def put_columns(request: HttpRequest, payload: ColumnsIn):
    return {"columns": services.set_columns(user=request.user, columns=payload.columns)}


# --- caseloads handed out, registration, the client record -----------------------------------------
# The same services and selectors as the pages (clients.assignment, clients.services,
# followup.caseloads): the same access policy and audit. Bulk assignment and transfer are all or
# nothing: any client in the batch that cannot be handed over refuses the batch (403 or 422) and
# nothing is written.

class AssignIn(Schema):
    client_ids: list[int] = Field(..., min_length=1, max_length=5000)
    counsellor: int
    reason: str = Field("", max_length=200)


class TransferIn(Schema):
    client_ids: list[int] = Field(..., min_length=1, max_length=5000)
    office: int
    reason: str = Field(..., max_length=200)


class MovedOut(Schema):
    moved: int


class CounsellorRowOut(BaseModel):
    staff_id: int | None
    name: str
    clients: int
    open_tasks: int
    overdue: int
    awaiting_reply: int
    covered_by: list[str]
    covering: list[str]


class CounsellorOverviewOut(BaseModel):
    office: int
    total_clients: int
    counsellors: list[CounsellorRowOut]
    unassigned: CounsellorRowOut


class QueueRowOut(BaseModel):
    client: int
    name: str
    masked_fnr: str
    age: int
    language: str
    needs_interpreter: bool
    counsellor: str
    suggested_counsellor: int | None
    suggestion_rule: str


class QueueOut(BaseModel):
    office: int
    total: int
    results: list[QueueRowOut]
    pending_registrations: int


class CoverIn(Schema):
    covered: int
    covering: int
    start: dt.date
    end: dt.date
    reason: str = Field("", max_length=200)


class CoverOut(Schema):
    id: int
    office: int
    covered: int
    covering: int
    start: dt.date
    end: dt.date


class RuleIn(Schema):
    name: str = Field(..., max_length=80)
    counsellor: int
    position: int = Field(0, ge=0, le=999)
    need_group: str = ""
    age_min: int | None = None
    age_max: int | None = None
    language: str = Field("", max_length=8)
    needs_interpreter: bool = False
    birth_day_from: int | None = None
    birth_day_to: int | None = None


class RuleOut(Schema):
    id: int
    office: int
    name: str
    position: int
    counsellor: int


class RegisterIn(Schema):
    office: int
    fnr: str = Field(..., max_length=20)
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    municipality: str = Field(..., max_length=120)
    language: str = Field("nb", max_length=8)
    needs_interpreter: bool = False
    manual_followup: bool = False
    immigrant_non_eea: bool = False
    long_term_unemployed: bool = False
    reduced_work_capacity: bool = False


class RegisterOut(Schema):
    status: str
    message: str
    client_id: int | None = None


class ClientPatch(Schema):
    model_config = {"extra": "forbid"}

    first_name: str | None = None
    last_name: str | None = None
    municipality: str | None = None
    language: str | None = None
    needs_interpreter: bool | None = None
    manual_followup: bool | None = Field(None, description="Not changed here: the current value is accepted and left as "
                                         "it is, another is refused (422). Switch with a reason through POST "
                                         "/clients/{client_id}/followup-mode.")
    immigrant_non_eea: bool | None = None
    long_term_unemployed: bool | None = None
    reduced_work_capacity: bool | None = None


def _cover(c) -> dict:
    return {"id": c.pk, "office": c.office_id, "covered": c.covered_id, "covering": c.covering_id, "start": c.start, "end": c.end}


def _counsellor_row(r) -> dict:
    return {"staff_id": r.staff_id, "name": r.name, "clients": r.clients, "open_tasks": r.open_tasks, "overdue": r.overdue,
            "awaiting_reply": r.awaiting_reply, "covered_by": r.covered_by, "covering": r.covering}


@router.post("/caseloads/assign", response={200: MovedOut, **ERRORS}, summary="Tildel brukere til veileder (alt eller ingenting)",
             description=CSRF)
def post_assign(request: HttpRequest, payload: AssignIn):
    return {"moved": assignment.assign_clients(user=request.user, client_ids=payload.client_ids, counsellor=payload.counsellor,
                                               reason=payload.reason)}


@router.post("/caseloads/transfer", response={200: MovedOut, **ERRORS}, summary="Flytt oppfølgingen til et annet kontor",
             description=CSRF)
def post_transfer(request: HttpRequest, payload: TransferIn):
    return {"moved": assignment.transfer_clients(user=request.user, client_ids=payload.client_ids, office=payload.office,
                                                 reason=payload.reason)}


@router.get("/caseloads/counsellors", response={200: CounsellorOverviewOut, **ERRORS}, summary="Veilederoversikt")
def get_counsellor_overview(request: HttpRequest, office: int | None = None):
    ov = caseloads.counsellor_overview(user=request.user, office_id=office)
    return {"office": ov.office.pk, "total_clients": ov.total_clients, "counsellors": [_counsellor_row(r) for r in ov.rows],
            "unassigned": _counsellor_row(ov.unassigned)}


@router.get("/caseloads/queue", response={200: QueueOut, **ERRORS}, summary="Kø: nye brukere og brukere uten veileder")
def get_queue(request: HttpRequest, office: int | None = None, only_unassigned: bool = False):
    q = caseloads.handout_queue(user=request.user, office_id=office, only_unassigned=only_unassigned)
    return {"office": q.office.pk, "total": q.total, "pending_registrations": len(q.pending), "results": [
        {"client": r.client_id, "name": r.name, "masked_fnr": r.masked_fnr, "age": r.age, "language": r.language,
         "needs_interpreter": r.needs_interpreter, "counsellor": r.counsellor_name, "suggested_counsellor": r.suggestion_id,
         "suggestion_rule": r.suggestion_rule} for r in q.rows]}


@router.post("/caseloads/covers", response={201: CoverOut, **ERRORS}, summary="Dekning under fravær", description=CSRF)
def post_cover(request: HttpRequest, payload: CoverIn):
    cover = assignment.set_cover(user=request.user, covered=payload.covered, covering=payload.covering, start=payload.start,
                                 end=payload.end, reason=payload.reason)
    return Status(201, _cover(cover))


@router.post("/caseloads/covers/{cover_id}/end", response={200: CoverOut, **ERRORS}, summary="Avslutt dekning nå", description=CSRF)
def end_cover(request: HttpRequest, cover_id: int):
    return _cover(assignment.end_cover(user=request.user, cover=cover_id))


@router.post("/caseloads/offices/{office_id}/rules", response={201: RuleOut, **ERRORS}, summary="Ny fordelingsregel", description=CSRF)
def post_rule(request: HttpRequest, office_id: int, payload: RuleIn):
    rule = assignment.save_rule(user=request.user, office=office_id, **payload.dict())
    return Status(201, {"id": rule.pk, "office": rule.office_id, "name": rule.name, "position": rule.position,
                        "counsellor": rule.counsellor_id})


@router.post("/clients", response={200: RegisterOut, **ERRORS}, summary="Registrer ny bruker", description=CSRF + (
    " The answer for a number that cannot be registered here (followed up where you may not see the person) is the"
    " same receipt as for a new person: it never tells whether Nav knows someone elsewhere."))
def post_client(request: HttpRequest, payload: RegisterIn):
    data = payload.dict()
    outcome = client_services.request_registration(user=request.user, fnr_value=data.pop("fnr"), **data)
    return {"status": outcome.status, "message": outcome.message, "client_id": outcome.client_id}


class ClientRecordOut(Schema):
    id: int
    first_name: str
    last_name: str
    municipality: str
    language: str
    needs_interpreter: bool
    manual_followup: bool
    immigrant_non_eea: bool
    long_term_unemployed: bool
    reduced_work_capacity: bool


@router.patch("/clients/{client_id}", response={200: ClientRecordOut, **ERRORS}, summary="Endre personopplysninger",
              description=CSRF + " Identity number, address protection and skjermet come from the registers and are refused here.")
def patch_client(request: HttpRequest, client_id: int, payload: ClientPatch):
    c = client_services.update_client(user=request.user, client=client_id, **payload.dict(exclude_unset=True))
    return {"id": c.pk, "manual_followup": c.manual_followup, **{k: getattr(c, k) for k in client_services.EDITABLE_FIELDS}}


# --- follow-up periods, digital or manual follow-up, KVP (docs/decisions/0040) -----------------------

PERIODS_ERRORS = (" 404: no such client, or one you may not see (alike). 409: the state does not allow it (a period is"
                  " already open, none is open, the named period has already ended, a KVP period is running or none"
                  " is, the client already has the mode asked for). 422: invalid input, with the field and the reason.")


class ModeChangeOut(Schema):
    id: int
    manual: bool = Field(description="true: switched to manual follow-up (letters and meetings); false: to digital")
    reason: str
    at: dt.datetime
    by: str | None = Field(None, description="The staff member who made the switch")


class KvpOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime | None
    followers: list[str] = Field(description="The municipal staff following the KVP period")


class PeriodSummaryOut(Schema):
    id: int
    start: dt.date
    end: dt.date | None
    is_open: bool
    end_reason: str = Field(description="Why it ended (" + ", ".join(periods.EndReason.values) + "); empty while open")
    end_reason_label: str


class PeriodOut(PeriodSummaryOut):
    mode_changes: list[ModeChangeOut]
    kvp_periods: list[KvpOut] = Field(description="Only for readers who may know of a KVP (municipal staff, state staff "
                                                  "the client has consented to share KVP with); otherwise always empty")


class PeriodsOut(Schema):
    client: int
    manual_followup: bool
    periods: list[PeriodOut] = Field(description="The current (open) period first, then newest first")


class PeriodEndIn(Schema):
    reason: periods.EndReason = Field(description="Why follow-up ends, from the fixed list")
    period: int | None = Field(None, ge=1, le=2**63 - 1, description="The period you saw (optional): if it has already "
                               "ended the answer is 409 and nothing is written")


class ModeIn(Schema):
    manual: bool = Field(description="true: manual follow-up (letters and meetings); false: digital (Min side)")
    reason: str = Field(..., max_length=periods.REASON_MAX, description=f"At least {periods.REASON_MIN} characters")


def _by(user) -> str | None:
    staff = getattr(user, "staff", None) if user is not None else None
    return staff.display_name if staff is not None else None


def _period_summary(p) -> dict:
    return {"id": p.pk, "start": p.start, "end": p.end, "is_open": p.end is None, "end_reason": p.end_reason,
            "end_reason_label": p.get_end_reason_display() if p.end_reason else ""}


def _period(row) -> dict:
    return {
        **_period_summary(row.period),
        "mode_changes": [{"id": m.pk, "manual": m.manual, "reason": m.reason, "at": m.at, "by": _by(m.by)}
                         for m in row.mode_changes],
        "kvp_periods": [{"id": k.pk, "start": k.start, "end": k.end, "followers": [s.display_name for s in k.followers.all()]}
                        for k in row.kvps],
    }


def _periods(page) -> dict:
    return {"client": page.client.pk, "manual_followup": page.client.manual_followup,
            "periods": [_period(r) for r in page.rows]}


@router.get("/clients/{client_id}/periods", response={200: PeriodsOut, **ERRORS}, summary="Oppfølgingsperioder",
            description="The client's follow-up periods with their switches between digital and manual follow-up and,"
                        " for readers who may know of them, their KVP periods (Nav staff with a follow-up role)."
                        + PERIODS_ERRORS)
def get_periods(request: HttpRequest, client_id: int):
    return _periods(periods.periods_page(user=request.user, client_id=client_id))


@router.post("/clients/{client_id}/periods", response={201: PeriodSummaryOut, **ERRORS}, summary="Start oppfølgingsperiode",
             description="Starts a follow-up period today; 409 while one is open." + PERIODS_ERRORS + CSRF)
def post_period(request: HttpRequest, client_id: int):
    return Status(201, _period_summary(periods.start_period(user=request.user, client=client_id)))


@router.post("/clients/{client_id}/periods/end", response={200: PeriodSummaryOut, **ERRORS},
             summary="Avslutt oppfølgingsperioden",
             description="Ends the open follow-up period today, for a reason from the fixed list; the open activity plan"
                         " closes with it. 409 when none is open, the named one has ended, or a KVP period runs (the"
                         " municipality ends it first)." + PERIODS_ERRORS + CSRF)
def post_period_end(request: HttpRequest, client_id: int, payload: PeriodEndIn):
    ended = periods.end_period(user=request.user, client=client_id, reason=str(payload.reason.value), period=payload.period)
    return _period_summary(ended)


@router.post("/clients/{client_id}/followup-mode", response={201: ModeChangeOut, **ERRORS},
             summary="Bytt mellom digital og manuell oppfølging",
             description="Switches within the open period, with a written reason (kept with the period). 409 when the"
                         " client already has that mode or no period is open." + PERIODS_ERRORS + CSRF)
def post_followup_mode(request: HttpRequest, client_id: int, payload: ModeIn):
    m = periods.switch_mode(user=request.user, client=client_id, manual=payload.manual, reason=payload.reason)
    return Status(201, {"id": m.pk, "manual": m.manual, "reason": m.reason, "at": m.at, "by": _by(request.user)})


# KVP (kvalifiseringsprogrammet) is the municipality's: only municipal staff start one, only its
# followers end it. A caller on the state side is refused (403) alike whether or not the client is in
# KVP, as GET periods shows them no KVP periods without the client's consent: the fact of one is
# the municipality's (sosialtjenesteloven § 44, decision 0040).
KVP_ERRORS = (" 403: not municipal staff with a follow-up role at the client's office (for ending: not one of the KVP"
              " period's followers); a caller on the state side gets the same 403 whether or not a KVP runs.")

StaffId = Annotated[int, Field(strict=True, ge=1, le=2**63 - 1)]


class KvpStartIn(Schema):
    followers: list[StaffId] = Field(..., max_length=100, description="Ids of the municipal staff who follow the KVP "
                                     "period (at least one; municipal, with a follow-up role at the client's office)")
    reason: str = Field(..., max_length=periods.REASON_MAX, description=f"At least {periods.REASON_MIN} characters")


class KvpEndIn(Schema):
    reason: str = Field(..., max_length=periods.REASON_MAX, description=f"At least {periods.REASON_MIN} characters")


def _kvp(k) -> dict:
    return {"id": k.pk, "start": k.start, "end": k.end, "followers": [s.display_name for s in k.followers.all()]}


@router.post("/clients/{client_id}/kvp", response={201: KvpOut, **ERRORS}, summary="Start KVP",
             description="Starts a KVP period now, run by the named municipal staff; from now on the client's plan,"
                         " meeting notes, meetings and dialogue are seen only by them (and the client). 409 when the"
                         " client is already in KVP or has no open follow-up period; 422 for a missing or short reason"
                         " or followers who may not follow it (named in the reason)." + KVP_ERRORS + PERIODS_ERRORS + CSRF)
def post_kvp(request: HttpRequest, client_id: int, payload: KvpStartIn):
    k = periods.start_kvp(user=request.user, client=client_id, followers=payload.followers, reason=payload.reason)
    return Status(201, _kvp(k))


@router.post("/clients/{client_id}/kvp/end", response={200: KvpOut, **ERRORS}, summary="Avslutt KVP",
             description="Ends the client's running KVP period now (one of its followers). What was written while it"
                         " ran stays seen only by its followers. 409 when the client is not in KVP (said only to"
                         " municipal staff); 422 for a missing or short reason." + KVP_ERRORS + PERIODS_ERRORS + CSRF)
def post_kvp_end(request: HttpRequest, client_id: int, payload: KvpEndIn):
    return _kvp(periods.end_running_kvp(user=request.user, client=client_id, reason=payload.reason))
