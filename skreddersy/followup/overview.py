"""Caseload overview ("Min oversikt"): the workbench's read-side selector for lists of clients.

The overview runs a fixed number of queries whatever the caseload: one count, one page of client
rows (filters and sort keys as EXISTS/subqueries), then one grouped query each for tasks, threads
and activities over the page's client ids, and one bulk audit insert. (The person page's aggregate is ``selectors.person``.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.utils.translation import gettext_noop

from skreddersy.clients.models import Client, NeedGroup
from skreddersy.core import audit, clock, collation, sql
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.fnr import mask as mask_fnr
from skreddersy.core.models import Role, StaffMember
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    Task,
    Thread,
)
from skreddersy.policy import access

PRIORITY_GROUPS = {
    "under30": gettext_noop("Under 30 år"),
    "immigrant": gettext_noop("Innvandrer utenfor EØS"),
    "long_term": gettext_noop("Langtidsledig"),
    "reduced": gettext_noop("Nedsatt arbeidsevne"),
}
SORTS = {
    "name": gettext_noop("Navn"),
    "deadline": gettext_noop("Neste frist"),
    "contact": gettext_noop("Lengst siden kontakt"),
    "awaiting": gettext_noop("Venter på svar først"),
}
OPEN_ACTIVITY = (Activity.Status.PROPOSED, Activity.Status.PLANNED, Activity.Status.ONGOING)
ASSESSMENT_DUE_WITHIN = dt.timedelta(days=30)
MAX_PER_PAGE = 200


@dataclass
class OverviewQuery:
    scope: str = "mine"  # "mine" or "office"
    office_id: int | None = None
    counsellor_id: int | None = None
    need_group: str = ""
    priority: str = ""
    awaiting: bool = False
    deadline_7: bool = False
    no_contact_90: bool = False
    manual: bool = False
    q: str = ""
    sort: str = "name"
    page: int = 1
    per_page: int = 50


@dataclass
class OverviewRow:
    client: OverviewClient
    next_deadline: dt.datetime | None = None
    next_deadline_title: str = ""
    awaiting_reply: int = 0
    open_tasks: int = 0
    active_requirements: int = 0
    current_measure: str = ""
    days_since_contact: int | None = None
    flags: list[str] = field(default_factory=list)
    need_group_label: str = ""
    main_goal_label: str = ""

    @property
    def flag_items(self) -> list[tuple[str, str]]:
        return [(f, FLAG_LABELS[f]) for f in self.flags]

    @property
    def deadline_overdue(self) -> bool:
        return self.next_deadline is not None and self.next_deadline < clock.now()


@dataclass
class Overview:
    rows: list[OverviewRow]
    total: int
    page: int
    per_page: int
    query: OverviewQuery
    offices: list = field(default_factory=list)
    counsellors: list = field(default_factory=list)
    office_id: int | None = None
    is_leader: bool = False  # may ask for the whole office's list
    is_approver: bool = False  # has an approval queue

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _under30_cutoff(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 30)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 30, day=28)


def caseload_queryset(*, user, query: OverviewQuery):
    """The filtered, sorted clients of the overview (no audit: the caller audits what it shows)."""
    a = access.actor(user)
    if not a.does_followup or a.staff is None:
        raise AccessDenied("Oversikten er for Nav-ansatte med oppfølgingsrolle.")
    qs = Client.objects.filter(access.client_filter(user))
    if query.scope == "office":
        if not a.is_leader:
            raise AccessDenied("Bare ledere kan se hele kontorets oversikt.")
        office_id = query.office_id or (min(a.office_ids) if a.office_ids else None)
        if office_id is None or not access.can_view_office(user, office_id):
            raise AccessDenied("Du har ikke tilgang til dette kontoret.")
        qs = qs.filter(office_id=office_id)
        if query.counsellor_id:
            qs = qs.filter(counsellor_id=query.counsellor_id)
    else:
        qs = qs.filter(counsellor_id=a.staff.pk)
    now = clock.now()
    today = clock.today()
    if query.need_group:
        if query.need_group not in NeedGroup.values and query.need_group != "none":
            raise InvalidInput("Ukjent innsatsgruppe.", field="need_group")
        qs = qs.filter(need_group="" if query.need_group == "none" else query.need_group)
    if query.priority:
        if query.priority not in PRIORITY_GROUPS:
            raise InvalidInput("Ukjent prioritert gruppe.", field="priority")
        qs = qs.filter(
            {
                "under30": Q(birth_date__gt=_under30_cutoff(today)),
                "immigrant": Q(immigrant_non_eea=True),
                "long_term": Q(long_term_unemployed=True),
                "reduced": Q(reduced_work_capacity=True),
            }[query.priority]
        )
    if query.awaiting:
        qs = qs.filter(Exists(Thread.objects.filter(client_id=OuterRef("pk"), awaiting_nav_reply=True)))
    if query.deadline_7:
        qs = qs.filter(
            Exists(Task.objects.filter(client_id=OuterRef("pk"), status=Task.Status.OPEN,
                                       deadline__lte=now + dt.timedelta(days=7)))
        )
    if query.no_contact_90:
        qs = qs.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=now - dt.timedelta(days=90)))
    if query.manual:
        qs = qs.filter(manual_followup=True)
    text = (query.q or "").strip()
    if text:
        digits = text.replace(" ", "")
        if digits.isdigit():
            qs = qs.filter(fnr__startswith=digits[:11])
        else:
            # each word in the first or last name, case, accents and "aa"/"å" aside (core.collation)
            for key in [collation.sort_key(word) for word in text.split()[:4]]:
                if key:
                    qs = qs.filter(sort_key__holds=key)
    sort = query.sort if query.sort in SORTS else "name"
    if sort == "deadline":
        nd = Task.objects.filter(client_id=OuterRef("pk"), status=Task.Status.OPEN).order_by("deadline").values("deadline")[:1]
        qs = qs.annotate(_nd=Subquery(nd)).order_by(F("_nd").asc(nulls_last=True), "sort_key", "id")
    elif sort == "contact":
        qs = qs.order_by(F("last_contact_at").asc(nulls_first=True), "sort_key", "id")
    elif sort == "awaiting":
        aw = Exists(Thread.objects.filter(client_id=OuterRef("pk"), awaiting_nav_reply=True))
        qs = qs.annotate(_aw=aw).order_by("-_aw", "sort_key", "id")
    else:
        # Norwegian alphabetical order (core.collation); the (office|counsellor, sort_key) index serves it
        qs = qs.order_by("sort_key", "id")
    return qs


def caseload_overview(*, user, query: OverviewQuery, why: str = "oversikt", office_or_mine: bool = False) -> Overview:
    """One page of the overview. Queries: the page with its total, tasks, threads, activities and
    audit (plus a count for an empty or past-the-end page, and the office's counsellor list for
    leaders): fixed, whatever the caseload.

    This runs on every visit to the workbench, so the page is read as plain values (no model
    instances) and the per-client figures come from three hand-written grouped queries over the
    page's ids (see ``_page_figures``)."""
    a = access.actor(user)
    if office_or_mine and query.scope == "office" and not a.is_leader:
        query.scope = "mine"  # the page: a counsellor asking for the office's list gets their own
    per_page = max(1, min(int(query.per_page or 50), MAX_PER_PAGE))
    qs = caseload_queryset(user=user, query=query)
    # the page and the number of matching clients in one statement (COUNT(*) OVER ())
    paged = qs.annotate(_total=Window(Count("id"))).values_list(*_ROW_FIELDS, "_total")
    page = max(1, int(query.page or 1))
    values = _fetch_page(paged, page, per_page)
    if values:
        total = values[0][-1]
    else:  # an empty result, or a page past the end: count, and show the last page instead
        total = qs.count()
        last = max(1, -(-total // per_page))
        if page > last:
            page = last
            values = _fetch_page(paged, page, per_page)
    ids = [v[0] for v in values]
    rows = _rows(values, ids)
    audit.record_reads(user, ids, "oversikt", why=why)
    ov = Overview(rows=rows, total=total, page=page, per_page=per_page, query=query, is_leader=a.is_leader,
                  is_approver=Role.SECOND_APPROVER in a.roles)
    if a.is_leader:
        from skreddersy.core.models import Office

        ov.offices = list(Office.objects.filter(pk__in=a.office_ids).order_by("number"))
        ov.office_id = query.office_id or (min(a.office_ids) if a.office_ids else None)
        if query.scope == "office" and ov.office_id:
            ov.counsellors = sorted(  # a few dozen names: put in Norwegian order here
                StaffMember.objects.filter(memberships__office_id=ov.office_id).only("id", "display_name"),
                key=lambda s: (collation.sort_key(s.display_name), s.pk),
            )
    return ov


def _fetch_page(paged, page: int, per_page: int) -> list[tuple]:
    """One page of ``paged`` (a values_list queryset): Django writes the statement, and it runs
    through ``sql.cursor`` so that PostgreSQL plans it once per connection for each shape of
    filters instead of on every request. Timestamps come back as the ORM would give them."""
    statement, params = paged[(page - 1) * per_page: page * per_page].query.sql_with_params()
    with sql.cursor(connection) as cur:
        cur.execute(statement, params)
        rows = cur.fetchall()
    contact = _ROW_FIELDS.index("last_contact_at")
    return [(*r[:contact], _aware(r[contact]), *r[contact + 1:]) for r in rows]


_ROW_FIELDS = (
    "id", "fnr", "first_name", "last_name", "need_group", "main_goal", "counsellor__display_name",
    "birth_date", "last_contact_at", "assessment_due", "manual_followup", "needs_interpreter",
)


@dataclass(slots=True)
class OverviewClient:
    """What an overview row shows of a client."""

    pk: int
    fnr: str
    first_name: str
    last_name: str
    need_group: str
    main_goal: str
    counsellor_name: str | None

    @property
    def id(self) -> int:
        return self.pk

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_fnr(self) -> str:
        return mask_fnr(self.fnr)


def _aware(value):
    """A timestamp read with plain SQL: PostgreSQL gives it with its zone; SQLite gives the stored
    UTC time without one."""
    if value is None or isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def _page_figures(ids: list[int]) -> tuple[dict, dict, dict, dict]:
    """Open tasks (count, earliest deadline and its title), threads awaiting Nav's reply, active
    activity requirements and the ongoing measure, for the clients on one page.

    Plain SQL: these three statements run on every overview request, and building them with
    the ORM cost more than running them. The earliest-started ongoing measure is shown (an
    undated one last), with the same order on both databases."""
    q = connection.ops.quote_name
    task, thread, activity, plan = (q(m._meta.db_table) for m in (Task, Thread, Activity, ActivityPlan))
    in_page, page = sql.in_ids(connection, ids)
    tasks: dict[int, list] = {}
    awaiting: dict[int, int] = {}
    reqs: dict[int, int] = defaultdict(int)
    measures: dict[int, str] = {}
    with sql.cursor(connection) as cur:
        cur.execute(
            f"SELECT client_id, title, deadline FROM {task} WHERE status = %s AND client_id {in_page}"
            " ORDER BY client_id, deadline, id",
            [Task.Status.OPEN, page],
        )
        for cid, title, deadline in cur.fetchall():
            t = tasks.get(cid)
            if t is None:
                tasks[cid] = [1, _aware(deadline), title]
            else:
                t[0] += 1
        cur.execute(
            f"SELECT client_id, COUNT(*) FROM {thread} WHERE awaiting_nav_reply = %s AND client_id {in_page}"
            " GROUP BY client_id",
            [True, page],
        )
        awaiting = dict(cur.fetchall())
        cur.execute(
            f"SELECT a.client_id, a.is_requirement, a.type, a.status, a.title FROM {activity} a"
            f" JOIN {plan} p ON p.id = a.plan_id"
            f" WHERE a.client_id {in_page} AND p.closed_at IS NULL AND a.status IN (%s, %s, %s)"
            " AND (a.is_requirement = %s OR (a.type = %s AND a.status = %s))"
            " ORDER BY a.client_id, CASE WHEN a.start_date IS NULL THEN 1 ELSE 0 END, a.start_date, a.id",
            [page, *OPEN_ACTIVITY, True, Activity.Type.MEASURE, Activity.Status.ONGOING],
        )
        for cid, is_req, typ, status, title in cur.fetchall():
            if is_req:
                reqs[cid] += 1
            if typ == Activity.Type.MEASURE and status == Activity.Status.ONGOING and cid not in measures:
                measures[cid] = title
    return tasks, awaiting, reqs, measures


def _rows(values: list[tuple], ids: list[int]) -> list[OverviewRow]:
    if not ids:
        return []
    now = clock.now()
    today = clock.today()
    tasks, awaiting, reqs, measures = _page_figures(ids)
    cutoff = _under30_cutoff(today)
    due_by = today + ASSESSMENT_DUE_WITHIN
    from skreddersy.clients.models import MainGoal

    group_labels = {k: str(v) for k, v in NeedGroup.choices}  # translated once per page, not per row
    goal_labels = {k: str(v) for k, v in MainGoal.choices}
    rows = []
    for (pk, fnr_, first, last, group, goal, counsellor, birth, contact, due, manual, interpreter, *_) in values:
        n_tasks, deadline, deadline_title = tasks.get(pk) or (0, None, "")
        flags = []
        if manual:
            flags.append("manual")
        if interpreter:
            flags.append("interpreter")
        if birth > cutoff:
            flags.append("under30")
        if due and due <= due_by:
            flags.append("assessment_due")
        rows.append(OverviewRow(
            client=OverviewClient(pk, fnr_, first, last, group, goal, counsellor),
            next_deadline=deadline,
            next_deadline_title=deadline_title,
            awaiting_reply=awaiting.get(pk, 0),
            open_tasks=n_tasks,
            active_requirements=reqs.get(pk, 0),
            current_measure=measures.get(pk, ""),
            days_since_contact=(now - contact).days if contact else None,
            flags=flags,
            need_group_label=group_labels.get(group, ""),
            main_goal_label=goal_labels.get(goal, ""),
        ))
    return rows


FLAG_LABELS = {
    "manual": gettext_noop("Manuell oppfølging"),
    "interpreter": gettext_noop("Tolk"),
    "under30": gettext_noop("Under 30"),
    "assessment_due": gettext_noop("Ny vurdering snart"),
}
