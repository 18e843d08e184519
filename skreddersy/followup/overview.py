"""Caseload overview ("Min oversikt"): the workbench's read-side selector for lists of clients.

The overview runs a fixed number of queries whatever the caseload: the offices' contact standards
(through the hook ``register_contact_standards``), one count, one page of client rows (filters and
sort keys as EXISTS/subqueries), then one grouped query each for tasks, threads and activities over
the page's client ids, and one bulk audit insert. (The person page's aggregate is ``selectors.person``.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    Window,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from skreddersy.clients import contact
from skreddersy.clients.contact import SIDE_COLUMN
from skreddersy.clients.models import Client, MainGoal, NeedGroup
from skreddersy.core import audit, clock, collation, languages, sql
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.fnr import mask as mask_fnr
from skreddersy.core.models import Role, StaffMember
from skreddersy.followup import lastcontact
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    Category,
    ClientCategory,
    Message,
    NeedsDecision,
    Reminder,
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
    "urgency": gettext_noop("Det som haster mest"),
    "name": gettext_noop("Navn"),
    "deadline": gettext_noop("Neste frist"),
    "contact": gettext_noop("Lengst siden kontakt"),
    "awaiting": gettext_noop("Venter på svar først"),
}
OPEN_ACTIVITY = (Activity.Status.PROPOSED, Activity.Status.PLANNED, Activity.Status.ONGOING)
ASSESSMENT_DUE_WITHIN = dt.timedelta(days=30)
MAX_PER_PAGE = 200
# No caseload or office list has more pages than this; a larger number (or one beyond 64 bits,
# which the database cannot take as an offset) is read as this, and a page past the end shows the last.
MAX_PAGE = 10_000
NEW_CLIENT_DAYS = 14
NO_CONTACT_DAYS = 90

# The status counters at the top of the overview, in the order shown. Each is also a filter
# (``?status=<key>``) and the counter is the number of rows that filter returns (``counters``).
STATUSES = {
    "awaiting_nav": gettext_noop("Venter på svar fra Nav"),
    "awaiting_client": gettext_noop("Venter på svar fra bruker"),
    "overdue": gettext_noop("Frist passert"),
    "deadline_7": gettext_noop("Frist innen 7 dager"),
    "expired_activity": gettext_noop("Utløpte aktiviteter"),
    "requirement_unapproved": gettext_noop("Aktivitetskrav ikke godtatt"),
    "no_contact_90": gettext_noop("Ingen kontakt på 90 dager"),
    "new_or_unassigned": gettext_noop("Nye eller uten veileder"),
    "needs_decision": gettext_noop("Trenger § 14 a-vedtak"),
    "draft_decision": gettext_noop("Utkast til vedtak"),
    "assessment_due": gettext_noop("Ny vurdering innen 30 dager"),
    # past the office's contact standard for the client's need group (clients.contact); hidden on
    # the page when no standards are known (then 0)
    "over_contact_standard": gettext_noop("Over kontaktstandarden"),
}
AGE_BANDS = {
    "under25": (gettext_noop("Under 25 år"), 0, 24),
    "25_29": (gettext_noop("25–29 år"), 25, 29),
    "30_39": (gettext_noop("30–39 år"), 30, 39),
    "40_49": (gettext_noop("40–49 år"), 40, 49),
    "50_59": (gettext_noop("50–59 år"), 50, 59),
    "60plus": (gettext_noop("60 år og eldre"), 60, 200),
}
# The columns a counsellor may choose (the client's name is always shown).
COLUMNS = {
    "counsellor": gettext_noop("Veileder"),
    "need_group": gettext_noop("Innsatsgruppe og hovedmål"),
    "deadline": gettext_noop("Neste frist"),
    "awaiting": gettext_noop("Venter på svar"),
    "tasks": gettext_noop("Åpne oppgaver"),
    "requirements": gettext_noop("Aktivitetskrav"),
    "measure": gettext_noop("Tiltak nå"),
    "contact": gettext_noop("Dager siden kontakt"),
    "flags": gettext_noop("Merknader"),
    "reminder": gettext_noop("Huskelapp"),
    "category": gettext_noop("Kategori"),
}
DEFAULT_COLUMNS = tuple(COLUMNS)
MEASURE_TYPE_CODE = re.compile(r"[A-Z0-9_]{1,60}")


def measure_types() -> list[tuple[str, str]]:
    """The measure catalogue's types as (code, name), in name order, for the overview's and the
    plan's selects. The table is the measures app's: followup reads it through Activity's
    relation and imports nothing from measures (decision 0042)."""
    types = Activity._meta.get_field("measure_type").related_model.objects
    return list(types.order_by("name", "id").values_list("code", "name"))


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
    sort: str = "urgency"
    page: int = 1
    per_page: int = 50
    status: str = ""  # one of STATUSES: the counter the list is filtered by
    category: str = ""  # one of Category (the acting counsellor's own)
    age_band: str = ""
    language: str = ""
    interpreter: bool = False
    main_goal: str = ""
    activity_type: str = ""
    followup_mode: str = ""  # "digital" or "manual"
    municipality: str = ""
    measure_type: str = ""  # a measure type's code (tiltakstype): clients with an open measure of that type


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
    reminder: str = ""
    reminder_deadline: dt.date | None = None
    category: str = ""
    over_contact_standard: bool = False  # past the office's contact standard (clients.contact)

    @property
    def flag_items(self) -> list[tuple[str, str]]:
        return [(f, FLAG_LABELS[f]) for f in self.flags]

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def contact_standard_label(self) -> str:
        """The red tag's text (in the reader's language), made here rather than in the template:
        a long office list shows it on many rows."""
        if self.days_since_contact is None:
            since = _("ingen kontakt registrert")
        else:
            since = ngettext("%(days)s dag siden kontakt", "%(days)s dager siden kontakt",
                             self.days_since_contact) % {"days": self.days_since_contact}
        return f"{_('Over kontaktstandarden')}: {since}"

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
    counters: dict = field(default_factory=dict)
    saved_filters: list = field(default_factory=list)
    columns: tuple = DEFAULT_COLUMNS
    # the red light: counsellors over their workload ceiling (the acting counsellor's own rows, or
    # for a leader's office list every counsellor of the office who is over), from timeuse.CounsellorLoad
    over_ceiling: list = field(default_factory=list)
    # the offices in scope have contact standards (else the "over the standard" counter is hidden)
    has_contact_standards: bool = False

    @property
    def counter_items(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.counters.get(key, 0)) for key, label in STATUSES.items()
                if key != "over_contact_standard" or self.has_contact_standards]

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


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


# --- the contact standard: the offices' standards come from the workload app through this hook ----------

_contact_standards_source: Callable[..., contact.Standards] | None = None


def register_contact_standards(source: Callable[..., contact.Standards] | None) -> None:
    """Set the function that reads the contact standards of some offices: ``source(office_ids)``
    (ids, or a queryset of them) returns ``clients.contact.Standards`` in one statement. The
    standards are the workload app's table and followup may not import workload, so workload
    fills this in ``WorkloadConfig.ready`` (decision 0041). None: no standards (the counter is
    hidden, no row is marked, and no statement runs)."""
    global _contact_standards_source
    _contact_standards_source = source


def contact_standards(base) -> contact.Standards:
    """The contact standards of the offices of the clients in ``base`` (a Client queryset, read
    as a subquery): one statement, none without a registered source."""
    if _contact_standards_source is None:
        return contact.NONE
    return _contact_standards_source(base.order_by().values("office_id"))


def _standards_of(user) -> contact.Standards:
    """The contact standards of every office ``user`` serves: the overview lists only clients there
    (``access.client_filter``), so this holds each listed client's own office's, read from the
    standards table alone (not through a subquery over the thousands of clients listed)."""
    if _contact_standards_source is None:
        return contact.NONE
    return _contact_standards_source(sorted(access.actor(user).office_ids))


# --- the KVP rule over many clients (access.kvp_visible_q; docs/decisions/0040) ---------------------------
# Every counter, filter, sort key and row figure below counts only the rows the acting user may see
# by the KVP rule: a task or an activity by when it was made, a thread by when it was started, a
# message by when it was sent. A staff member who does not follow a client's KVP learns of it from
# no number, order or tag on the overview: their figures are those of a world without its rows.

def open_tasks_qs(user):
    """The open tasks the user may see by the KVP rule (a queryset, to correlate or filter)."""
    return Task.objects.filter(access.kvp_visible_q(user, at="created_at"), status=Task.Status.OPEN)


# --- the overview's conditions as SQL -----------------------------------------------------------------
# The status counters, their filters, the sort keys and the detail filters are correlated EXISTS
# and scalar subqueries over tasks, activities, threads and decisions. They are written here as SQL
# (``sql.Fragment``: the text around the statement's own columns) rather than built with the ORM:
# the counters build all twelve on every overview request, and building and compiling them with the
# ORM cost about five times what SQLite spends running them (15 against 3 ms per counsellor
# overview at national scale). The counter and its filter use the very same condition
# (``status_q``), so a counter is still the number of rows its filter returns; the KVP rule is the
# access policy's own text (``access.kvp_hidden_sql``). Aliases start with an underscore so they
# never meet Django's (T2, U0, ...).

def _table(model) -> str:
    return sql.table(connection, model)


def _time(value):
    return sql.time_param(connection, value)


def _seen(user, kvp: bool, *, client_col: str, at_col: str) -> tuple[str, list]:
    """The KVP rule on a row (``access.kvp_hidden_sql``), or nothing when ``kvp`` is false (the
    client has never had a KVP period: ``_by_kvp``)."""
    return access.kvp_hidden_sql(user, client_col=client_col, at_col=at_col) if kvp else ("1 = 1", [])


def _by_kvp(c: dict[str, str], render) -> tuple[str, list]:
    """``render(kvp)`` with the KVP rule on its rows for clients who have had a KVP period
    (``Client.kvp``, kept by the database: decision 0046) and without it for the rest: the same
    answer as with the rule everywhere, without a KVP lookup for every task, activity and message
    of every client in a list of thousands."""
    full, full_params = render(True)
    plain, plain_params = render(False)
    return f"CASE WHEN {c['kvp']} = %s THEN {full} ELSE {plain} END", [True, *full_params, *plain_params]


def _open_task_sql(user, c: dict[str, str], extra: str = "", extra_params=()) -> tuple[str, list]:
    """EXISTS: an open task of the client (columns ``c``) the user may see, with ``extra`` on it
    (alias ``_t``)."""
    def render(kvp):
        seen, seen_params = _seen(user, kvp, client_col="_t.client_id", at_col="_t.created_at")
        return (f"EXISTS (SELECT 1 FROM {_table(Task)} _t WHERE _t.client_id = {c['pk']} AND _t.status = %s"
                f"{extra} AND {seen}{sql.per_row(connection)})", [Task.Status.OPEN, *extra_params, *seen_params])
    return _by_kvp(c, render)


def _next_deadline_sql(user, c: dict[str, str]) -> tuple[str, list]:
    """The earliest deadline of the client's open tasks the user may see (NULL: none)."""
    def render(kvp):
        seen, seen_params = _seen(user, kvp, client_col="_t.client_id", at_col="_t.created_at")
        return (f"(SELECT _t.deadline FROM {_table(Task)} _t WHERE _t.client_id = {c['pk']} AND _t.status = %s"
                f" AND {seen} ORDER BY _t.deadline LIMIT 1)", [Task.Status.OPEN, *seen_params])
    return _by_kvp(c, render)


def _live_activity_sql(user, c: dict[str, str], extra: str = "", extra_params=(), join: str = "") -> tuple[str, list]:
    """EXISTS: an activity in the client's open plan, proposed, planned or ongoing, that the user
    may see, with ``extra`` on it (alias ``_a``; ``join``: more tables to join)."""
    def render(kvp):
        seen, seen_params = _seen(user, kvp, client_col="_a.client_id", at_col="_a.created_at")
        return (f"EXISTS (SELECT 1 FROM {_table(Activity)} _a JOIN {_table(ActivityPlan)} _p ON _p.id = _a.plan_id"
                f"{join} WHERE _a.client_id = {c['pk']} AND _p.closed_at IS NULL AND _a.status IN (%s, %s, %s)"
                f"{extra} AND {seen}{sql.per_row(connection)})", [*OPEN_ACTIVITY, *extra_params, *seen_params])
    return _by_kvp(c, render)


def _open_draft_sql(c: dict[str, str]) -> tuple[str, list]:
    return (f"EXISTS (SELECT 1 FROM {_table(NeedsDecision)} _d WHERE _d.client_id = {c['pk']}"
            f" AND _d.status IN (%s, %s){sql.per_row(connection)})", [NeedsDecision.Status.DRAFT, NeedsDecision.Status.AWAITING_APPROVAL])


def _awaiting_sql(user, th: dict[str, str], *, nav: bool = True, kvp: bool = True) -> tuple[str, list]:
    """The condition on a thread (its columns ``th``: id, client, created, flag) that it awaits
    Nav's reply (``nav``) or the client's, as the user may know it (``kvp`` false: the thread's
    client has never had a KVP period).

    A thread's ``awaiting_nav_reply`` is kept by the last message written; when that message is
    hidden from the user (written inside a KVP they did not follow), the flag tells of it, so the
    state is read from the newest message the user sees instead: from the client, awaiting Nav;
    from Nav, awaiting the client. With nothing hidden this is the flag, as before (and for
    "awaiting the client", the newest message being Nav's)."""
    msg = _table(Message)
    # 1 when the newest message the user sees is the client's, 0 when Nav's, NULL with none seen
    seen2, seen2_params = _seen(user, kvp, client_col=th["client"], at_col="_m2.sent_at")
    from_client = (f"(SELECT CASE WHEN _m2.from_client = %s THEN 1 ELSE 0 END FROM {msg} _m2"
                   f" WHERE _m2.thread_id = {th['id']} AND {seen2} ORDER BY _m2.sent_at DESC, _m2.id DESC LIMIT 1)")
    if not kvp:  # nothing hidden: the flag, and for the client's reply the newest message being Nav's
        if nav:
            return f"{th['flag']} = %s", [True]
        return f"{th['flag']} = %s AND {from_client} = 0", [False, True, *seen2_params]
    thread_seen, thread_params = access.kvp_hidden_sql(user, client_col=th["client"], at_col=th["created"])
    newest_seen, newest_params = access.kvp_hidden_sql(user, client_col=th["client"], at_col="_m.sent_at")
    # 1 when the thread's newest message is hidden from the user, 0 when seen, NULL with no message
    hidden = (f"(SELECT CASE WHEN {newest_seen} THEN 0 ELSE 1 END FROM {msg} _m WHERE _m.thread_id = {th['id']}"
              " ORDER BY _m.sent_at DESC, _m.id DESC LIMIT 1)")
    if nav:
        state = (f"CASE WHEN COALESCE({hidden}, 0) = 0 THEN {th['flag']} = %s ELSE {from_client} = 1 END")
        state_params = [*newest_params, True, True, *seen2_params]
    else:
        state = f"{from_client} = 0 AND ({th['flag']} = %s OR {hidden} = 1)"
        state_params = [True, *seen2_params, False, *newest_params]
    return f"{thread_seen} AND {state}", [*thread_params, *state_params]


def _awaiting_exists_sql(user, c: dict[str, str], *, nav: bool = True) -> tuple[str, list]:
    """EXISTS: a thread of the client awaiting a reply (``_awaiting_sql``), alias ``_th``."""
    def render(kvp):
        cond, params = _awaiting_sql(user, _THREAD_COLUMNS, nav=nav, kvp=kvp)
        return (f"EXISTS (SELECT 1 FROM {_table(Thread)} _th WHERE _th.client_id = {c['pk']} AND {cond}"
                f"{sql.per_row(connection)})", params)
    return _by_kvp(c, render)


_THREAD_COLUMNS = {"id": "_th.id", "client": "_th.client_id", "created": "_th.created_at",
                   "flag": "_th.awaiting_nav_reply"}


def _on_client(render, output_field=None):
    """An expression on Client from ``render(c)``, ``c`` the client's id and KVP mark columns
    (``pk``, ``kvp``) as compiled in the statement at hand."""
    return sql.Fragment(render, output_field=output_field, pk=F("pk"), kvp=F("kvp"))


def awaiting_threads(user, *, nav: bool = True):
    """The threads awaiting Nav's reply (``nav``) or the client's, as the user may know them
    (``_awaiting_sql``)."""
    return Thread.objects.filter(sql.Fragment(
        lambda th: _awaiting_sql(user, th, nav=nav),
        id=F("pk"), client=F("client_id"), created=F("created_at"), flag=F("awaiting_nav_reply")))


# The client's columns the status conditions read, by the names they use (``_status_sql``): the id
# and KVP mark, and what the reader's last contact (``lastcontact.last_contact_sql``) and the other
# conditions need.
_CLIENT_COLUMNS = {
    "pk": "pk", "kvp": "kvp", "shared": "notes_shared", "office": "office_id", "group": "need_group",
    "counsellor": "counsellor_id", "created": "created_at", "assessment_due": "assessment_due",
    **{col: col for col in SIDE_COLUMN.values()},
}
# the columns each condition reads, where it reads more or other than the id and the KVP mark (a
# filter or sort key compiles only these)
_LAST_CONTACT_COLUMNS = ("pk", "kvp", "shared", "office", *SIDE_COLUMN.values())
_STATUS_COLUMNS = {
    "no_contact_90": _LAST_CONTACT_COLUMNS,
    "over_contact_standard": (*_LAST_CONTACT_COLUMNS, "group"),
    "new_or_unassigned": ("counsellor", "created"),
    "needs_decision": ("pk", "group"),
    "assessment_due": ("assessment_due",),
}


def status_q(key: str, *, user, now: dt.datetime, today: dt.date, standards: contact.Standards = contact.NONE) -> Q:
    """The condition on Client for one status counter (STATUSES), over the rows ``user`` may see
    (the KVP rule). The counter and the filter use this same condition (``_status_sql``), so a
    counter is always the number of rows its filter returns. ``standards``: the offices' contact
    standards, for "over_contact_standard"."""
    return Q(_status_condition(key, user=user, now=now, today=today, standards=standards))


def _status_condition(key: str, *, user, now: dt.datetime, today: dt.date, standards: contact.Standards):
    """``status_q``'s condition as an expression on Client (a filter, or a sort key)."""
    if key not in STATUSES:
        raise InvalidInput(_("Ukjent status."), field="status")
    return sql.Fragment(lambda c: _status_sql(key, c, user=user, now=now, today=today, standards=standards),
                        **{name: F(_CLIENT_COLUMNS[name]) for name in _STATUS_COLUMNS.get(key, ("pk", "kvp"))})


def _status_sql(key: str, c: dict[str, str], *, user, now: dt.datetime, today: dt.date,
                standards: contact.Standards) -> tuple[str, list]:
    """One status condition as SQL over the client's columns ``c`` (``_CLIENT_COLUMNS``' names, as
    compiled in the statement at hand): the filter (``status_q``) and the counters (``counters``)
    both place this text, so they cannot disagree."""
    if key == "awaiting_nav":
        return _awaiting_exists_sql(user, c)
    if key == "awaiting_client":
        # a thread whose newest message is Nav's: the client has not answered yet
        return _awaiting_exists_sql(user, c, nav=False)
    if key == "overdue":
        return _open_task_sql(user, c, " AND _t.deadline < %s", [_time(now)])
    if key == "deadline_7":
        return _open_task_sql(user, c, " AND _t.deadline >= %s AND _t.deadline <= %s",
                              [_time(now), _time(now + dt.timedelta(days=7))])
    if key == "expired_activity":
        return _live_activity_sql(user, c, " AND _a.end_date < %s", [_time(today)])
    if key == "requirement_unapproved":
        # the bare column, as the partial index activity_client_requirement says it: SQLite uses
        # that index only for a condition that matches its own text
        return _live_activity_sql(user, c, " AND _a.is_requirement AND _a.client_approved_at IS NULL")
    if key == "no_contact_90":  # the reader's own last contact (followup.lastcontact)
        return contact.older_than_sql(lastcontact.last_contact_sql(user, c),
                                      now - dt.timedelta(days=NO_CONTACT_DAYS), connection)
    if key == "new_or_unassigned":
        return (f"({c['counsellor']} IS NULL OR {c['created']} >= %s)",
                [_time(now - dt.timedelta(days=NEW_CLIENT_DAYS))])
    if key == "needs_decision":
        draft, draft_params = _open_draft_sql(c)
        return f"({c['group']} = %s AND NOT {draft})", ["", *draft_params]
    if key == "draft_decision":
        return _open_draft_sql(c)
    if key == "assessment_due":
        return f"{c['assessment_due']} <= %s", [_time(today + ASSESSMENT_DUE_WITHIN)]
    if key == "over_contact_standard":
        # past the contact standard of the client's own office, by the reader's last contact
        return standards.sql(last=lastcontact.last_contact_sql(user, c), group=c["group"], office=c["office"],
                             now=now, connection=connection)
    raise InvalidInput(_("Ukjent status."), field="status")


def _over_standard(user, standards: contact.Standards, now: dt.datetime):
    """Past the contact standard of the client's own office, by the reader's last contact."""
    return _status_condition("over_contact_standard", user=user, now=now, today=now.date(), standards=standards)


def _filtered(*, user, query: OverviewQuery, statuses: bool = True, standards: contact.Standards | None = None):
    """The clients of the overview with every filter (without the status filters when
    ``statuses`` is false: the base the counters count over), unsorted. ``standards``: the contact
    standards, read here (one statement) when the status filter needs them and none are given."""
    a = access.actor(user)
    if not a.does_followup or a.staff is None:
        raise AccessDenied(_("Oversikten er for Nav-ansatte med oppfølgingsrolle."))
    qs = Client.objects.filter(access.client_filter(user))
    if query.scope == "office":
        if not a.is_leader:
            raise AccessDenied(_("Bare ledere kan se hele kontorets oversikt."))
        office_id = query.office_id or (min(a.office_ids) if a.office_ids else None)
        if office_id is None or not access.can_view_office(user, office_id):
            raise AccessDenied(_("Du har ikke tilgang til dette kontoret."))
        qs = qs.filter(office_id=office_id)
        if query.counsellor_id:
            qs = qs.filter(counsellor_id=query.counsellor_id)
    else:
        qs = qs.filter(access.caseload_q(user))  # the counsellor's own caseload, and any they cover today
    now = clock.now()
    today = clock.today()
    if query.need_group:
        if query.need_group not in NeedGroup.values and query.need_group != "none":
            raise InvalidInput(_("Ukjent innsatsgruppe."), field="need_group")
        qs = qs.filter(need_group="" if query.need_group == "none" else query.need_group)
    if query.priority:
        if query.priority not in PRIORITY_GROUPS:
            raise InvalidInput(_("Ukjent prioritert gruppe."), field="priority")
        qs = qs.filter(
            {
                "under30": Q(birth_date__gt=_under30_cutoff(today)),
                "immigrant": Q(immigrant_non_eea=True),
                "long_term": Q(long_term_unemployed=True),
                "reduced": Q(reduced_work_capacity=True),
            }[query.priority]
        )
    if statuses:
        if query.status:
            if query.status not in STATUSES:
                raise InvalidInput(_("Ukjent status."), field="status")
            if query.status == "over_contact_standard" and standards is None:
                standards = _standards_of(user)
            qs = qs.filter(status_q(query.status, user=user, now=now, today=today, standards=standards or contact.NONE))
        if query.awaiting:
            qs = qs.filter(status_q("awaiting_nav", user=user, now=now, today=today))
        if query.deadline_7:
            # the older chip: any open task due within 7 days, overdue ones included
            qs = qs.filter(_on_client(lambda c: _open_task_sql(user, c, " AND _t.deadline <= %s",
                                                               [_time(now + dt.timedelta(days=7))])))
        if query.no_contact_90:
            qs = qs.filter(status_q("no_contact_90", user=user, now=now, today=today))
    if query.manual:
        qs = qs.filter(manual_followup=True)
    if query.category:
        if query.category not in Category.values:
            raise InvalidInput(_("Ukjent kategori."), field="category")
        qs = qs.filter(Exists(ClientCategory.objects.filter(client_id=OuterRef("pk"), owner_id=a.staff.pk,
                                                            colour=query.category)))
    if query.age_band:
        if query.age_band not in AGE_BANDS:
            raise InvalidInput(_("Ukjent aldersgruppe."), field="age_band")
        _label, lo, hi = AGE_BANDS[query.age_band]
        qs = qs.filter(birth_date__lte=_years_ago(today, lo), birth_date__gt=_years_ago(today, hi + 1))
    if query.language:
        qs = qs.filter(language=query.language.strip().lower()[:8])
    if query.interpreter:
        qs = qs.filter(needs_interpreter=True)
    if query.main_goal:
        if query.main_goal not in MainGoal.values:
            raise InvalidInput(_("Ukjent hovedmål."), field="main_goal")
        qs = qs.filter(main_goal=query.main_goal)
    if query.activity_type:
        if query.activity_type not in Activity.Type.values:
            raise InvalidInput(_("Ukjent aktivitetstype."), field="activity_type")
        qs = qs.filter(_on_client(lambda c: _live_activity_sql(user, c, " AND _a.type = %s", [query.activity_type])))
    if query.measure_type:
        code = query.measure_type.strip().upper()
        if not MEASURE_TYPE_CODE.fullmatch(code):
            raise InvalidInput(_("Ukjent tiltakstype."), field="measure_type")
        # an unknown code well formed matches nobody (no lookup: the overview's queries stay fixed)
        measure_type = f" JOIN {_table(Activity.measure_type.field.related_model)} _mt ON _mt.id = _a.measure_type_id"
        qs = qs.filter(_on_client(lambda c: _live_activity_sql(
            user, c, " AND _a.type = %s AND _mt.code = %s", [Activity.Type.MEASURE, code], join=measure_type)))
    if query.followup_mode:
        if query.followup_mode not in ("digital", "manual"):
            raise InvalidInput(_("Velg digital eller manuell oppfølging."), field="followup_mode")
        qs = qs.filter(manual_followup=query.followup_mode == "manual")
    if query.municipality.strip():
        qs = qs.filter(municipality__folds=query.municipality.strip())  # case aside, Å and Ø too (core.collation)
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
    return qs


def _next_deadline(user):
    """The client's earliest open-task deadline the user may see (a sort key)."""
    return _on_client(lambda c: _next_deadline_sql(user, c), output_field=DateTimeField())


def _has_status_filter(query: OverviewQuery) -> bool:
    """Whether a status filter narrows the page (without one, the page's clients are the counters' base)."""
    return bool(query.status or query.awaiting or query.deadline_7 or query.no_contact_90)


def caseload_queryset(*, user, query: OverviewQuery, standards: contact.Standards | None = None, filtered=None):
    """The filtered, sorted clients of the overview (no audit: the caller audits what it shows).
    ``filtered``: ``_filtered``'s clients for this query, when the caller has built them."""
    qs = filtered if filtered is not None else _filtered(user=user, query=query, standards=standards)
    now, today = clock.now(), clock.today()
    sort = query.sort if query.sort in SORTS else "urgency"
    if sort == "urgency":
        # overdue first, then awaiting Nav's reply, then the nearest deadline; the rest in name order
        qs = qs.annotate(
            _od=_status_condition("overdue", user=user, now=now, today=today, standards=contact.NONE),
            _aw=_status_condition("awaiting_nav", user=user, now=now, today=today, standards=contact.NONE),
            _nd=_next_deadline(user),
        ).order_by("-_od", "-_aw", F("_nd").asc(nulls_last=True), "sort_key", "id")
    elif sort == "deadline":
        qs = qs.annotate(_nd=_next_deadline(user)).order_by(F("_nd").asc(nulls_last=True), "sort_key", "id")
    elif sort == "contact":
        qs = qs.order_by(lastcontact.expression(user).asc(nulls_first=True), "sort_key", "id")
    elif sort == "awaiting":
        qs = qs.annotate(_aw=_status_condition("awaiting_nav", user=user, now=now, today=today,
                                               standards=contact.NONE)).order_by("-_aw", "sort_key", "id")
    else:
        # Norwegian alphabetical order (core.collation); the (office|counsellor, sort_key) index serves it
        qs = qs.order_by("sort_key", "id")
    return qs


def counters(*, user, query: OverviewQuery, standards: contact.Standards | None = None, base=None) -> dict[str, int]:
    """Every status counter for the overview's scope and detail filters, in one statement
    (conditional aggregation, one ``COUNT(*) FILTER (WHERE ...)`` per status, over the clients of
    the overview as a derived table), whatever the caseload. Each condition is the text its filter
    places (``_status_sql``), so each counter equals the rows ``?status=<key>`` returns.
    ``standards``: the contact standards (read here, one more statement, when not given); with
    none, "over_contact_standard" is 0.

    Only the clients (the scope and detail filters) are built with the ORM; the twelve conditions
    are placed as text around the derived table's columns. Built as twelve ``Count(filter=...)``
    the ORM spent about three times as long resolving and compiling them as the database spent
    running the statement (8.5 against 2.8 ms per counsellor at national scale). ``base``: the
    clients without the status filters (``_filtered(statuses=False)``), when the caller has built them."""
    now, today = clock.now(), clock.today()
    if standards is None:
        standards = _standards_of(user)
    keys = [key for key in STATUSES if key != "over_contact_standard" or standards]
    if base is None:
        base = _filtered(user=user, query=query, statuses=False)
    base = base.order_by().values(**{f"_c_{name}": F(path) for name, path in _CLIENT_COLUMNS.items()})
    try:
        base_sql, base_params = base.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nobody (a staff member with no office)
        return dict.fromkeys(STATUSES, 0)
    qn = connection.ops.quote_name
    c = {name: f"_b.{qn('_c_' + name)}" for name in _CLIENT_COLUMNS}
    parts, params = [], []
    for key in keys:
        cond, cond_params = _status_sql(key, c, user=user, now=now, today=today, standards=standards)
        parts.append(f"COUNT(*) FILTER (WHERE {cond})" if connection.features.supports_aggregate_filter_clause
                     else f"COUNT(CASE WHEN {cond} THEN 1 END)")
        params += cond_params
    with sql.cursor(connection) as cur:
        cur.execute(f"SELECT {', '.join(parts)} FROM ({base_sql}) _b", [*params, *base_params])
        got = dict(zip(keys, cur.fetchone(), strict=True))
    return {key: got.get(key, 0) for key in STATUSES}


def caseload_overview(*, user, query: OverviewQuery, why: str = "oversikt", office_or_mine: bool = False,
                      with_counters: bool = True, with_settings: bool = False, with_loads: bool = False) -> Overview:
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
    # the contact standards of the offices in scope: one statement, shared by the filter, the
    # counter and the rows' marker
    standards = _standards_of(user)
    # without a status filter the page's clients and the counters' are the same: built once
    base = None if _has_status_filter(query) else _filtered(user=user, query=query, statuses=False, standards=standards)
    qs = caseload_queryset(user=user, query=query, standards=standards, filtered=base)
    now = clock.now()
    over = _over_standard(user, standards, now) if standards else Value(False, output_field=BooleanField())
    # the page and the number of matching clients in one statement (COUNT(*) OVER ())
    paged = (qs.annotate(_lc=lastcontact.expression(user), _over=over, _total=Window(Count("id")))
             .values_list(*_ROW_FIELDS, "_over", "_total"))
    page = max(1, min(int(query.page or 1), MAX_PAGE))
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
    rows = _rows(values, ids, a.staff.pk, user=user)
    audit.record_reads(user, ids, "oversikt", why=why)
    ov = Overview(rows=rows, total=total, page=page, per_page=per_page, query=query, is_leader=a.is_leader,
                  is_approver=Role.SECOND_APPROVER in a.roles, has_contact_standards=bool(standards))
    if with_counters:
        ov.counters = counters(user=user, query=query, standards=standards, base=base)
    if with_settings:
        from skreddersy.followup.models import OverviewSettings, SavedFilter

        ov.saved_filters = list(SavedFilter.objects.filter(owner_id=a.staff.pk).order_by("name", "id"))
        chosen = OverviewSettings.objects.filter(owner_id=a.staff.pk).values_list("columns", flat=True).first()
        ov.columns = tuple(c for c in (chosen or DEFAULT_COLUMNS) if c in COLUMNS) or DEFAULT_COLUMNS
    if a.is_leader:
        from skreddersy.core.models import Office

        ov.offices = list(Office.objects.filter(pk__in=a.office_ids).order_by("number"))
        ov.office_id = query.office_id or (min(a.office_ids) if a.office_ids else None)
        if query.scope == "office" and ov.office_id:
            ov.counsellors = sorted(  # a few dozen names: put in Norwegian order here
                StaffMember.objects.filter(memberships__office_id=ov.office_id).only("id", "display_name"),
                key=lambda s: (collation.sort_key(s.display_name), s.pk),
            )
    if with_loads:
        ov.over_ceiling = over_ceiling(a, office_id=ov.office_id if query.scope == "office" and a.is_leader else None)
    return ov


def over_ceiling(a, *, office_id: int | None) -> list:
    """The red light (issue 14): counsellors whose modelled workload, planned (the office's points) or
    measured (weights estimated from recorded time), is over their ceiling, as the workload app last
    stored it (``timeuse.CounsellorLoad``). ``office_id``: every counsellor of that office (a
    leader's office list; per counsellor a leader sees what planning needs, the staff-figures rule);
    None: the acting counsellor's own rows. One statement, whatever the caseload."""
    from skreddersy.timeuse.models import CounsellorLoad

    if a.staff is None:
        return []
    over = Q(points_hours__gt=F("ceiling_hours")) | Q(estimated_hours__gt=F("ceiling_hours"))
    qs = CounsellorLoad.objects.filter(over).select_related("staff", "office")
    qs = qs.filter(office_id=office_id) if office_id is not None else qs.filter(staff_id=a.staff.pk)
    return sorted(qs, key=lambda r: (-r.over_hours, collation.sort_key(r.staff.display_name), r.pk))


def _fetch_page(paged, page: int, per_page: int) -> list[tuple]:
    """One page of ``paged`` (a values_list queryset): Django writes the statement, and it runs
    through ``sql.cursor`` so that PostgreSQL plans it once per connection for each shape of
    filters instead of on every request. Timestamps come back as the ORM would give them. A filter
    that can match nothing (a staff member with no office: ``pk__in=[]``) has no statement: no rows."""
    try:
        statement, params = paged[(page - 1) * per_page: page * per_page].query.sql_with_params()
    except EmptyResultSet:
        return []
    with sql.cursor(connection) as cur:
        cur.execute(statement, params)
        rows = cur.fetchall()
    contact = _ROW_FIELDS.index("_lc")
    return [(*r[:contact], _aware(r[contact]), *r[contact + 1:]) for r in rows]


_ROW_FIELDS = (
    "id", "fnr", "first_name", "last_name", "need_group", "main_goal", "counsellor__display_name",
    "birth_date", "_lc", "assessment_due", "manual_followup", "needs_interpreter", "language",
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


def _page_figures(ids: list[int], user) -> tuple[dict, dict, dict, dict]:
    """Open tasks (count, earliest deadline and its title), threads awaiting Nav's reply, active
    activity requirements and the ongoing measure, for the clients on one page, of the rows
    ``user`` may see by the KVP rule (``access.kvp_hidden_sql``, ``_awaiting_sql``).

    Plain SQL for tasks and activities: these statements run on every overview request, and
    building them with the ORM cost more than running them. The threads' condition is the one the
    counter uses (``_awaiting_sql``). The earliest-started ongoing measure is
    shown (an undated one last), with the same order on both databases."""
    task, activity, plan = (_table(m) for m in (Task, Activity, ActivityPlan))
    in_page, page = sql.in_ids(connection, ids)
    task_seen, task_params = access.kvp_hidden_sql(user, client_col="t.client_id", at_col="t.created_at")
    act_seen, act_params = access.kvp_hidden_sql(user, client_col="a.client_id", at_col="a.created_at")
    tasks: dict[int, list] = {}
    awaiting: dict[int, int] = {}
    reqs: dict[int, int] = defaultdict(int)
    measures: dict[int, str] = {}
    with sql.cursor(connection) as cur:
        cur.execute(
            f"SELECT t.client_id, t.title, t.deadline FROM {task} t WHERE t.status = %s AND t.client_id {in_page}"
            f" AND {task_seen} ORDER BY t.client_id, t.deadline, t.id",
            [Task.Status.OPEN, page, *task_params],
        )
        for cid, title, deadline in cur.fetchall():
            t = tasks.get(cid)
            if t is None:
                tasks[cid] = [1, _aware(deadline), title]
            else:
                t[0] += 1
        waiting, waiting_params = _awaiting_sql(user, _THREAD_COLUMNS)
        cur.execute(
            f"SELECT _th.client_id, COUNT(*) FROM {_table(Thread)} _th WHERE _th.client_id {in_page} AND {waiting}"
            " GROUP BY _th.client_id",
            [page, *waiting_params],
        )
        awaiting = dict(cur.fetchall())
        cur.execute(
            f"SELECT a.client_id, a.is_requirement, a.type, a.status, a.title FROM {activity} a"
            f" JOIN {plan} p ON p.id = a.plan_id"
            f" WHERE a.client_id {in_page} AND p.closed_at IS NULL AND a.status IN (%s, %s, %s)"
            " AND (a.is_requirement = %s OR (a.type = %s AND a.status = %s))"
            f" AND {act_seen}"
            " ORDER BY a.client_id, CASE WHEN a.start_date IS NULL THEN 1 ELSE 0 END, a.start_date, a.id",
            [page, *OPEN_ACTIVITY, True, Activity.Type.MEASURE, Activity.Status.ONGOING, *act_params],
        )
        for cid, is_req, typ, status, title in cur.fetchall():
            if is_req:
                reqs[cid] += 1
            if typ == Activity.Type.MEASURE and status == Activity.Status.ONGOING and cid not in measures:
                measures[cid] = title
    return tasks, awaiting, reqs, measures


def _own_marks(ids: list[int], staff_id: int) -> dict[int, list]:
    """The acting counsellor's own reminder (note, deadline) and colour category for the clients
    on one page, in one statement; nobody else's are read."""
    reminder, category = _table(Reminder), _table(ClientCategory)
    in_page, page = sql.in_ids(connection, ids)
    marks: dict[int, list] = {}
    with sql.cursor(connection) as cur:
        cur.execute(
            f"SELECT client_id, note, deadline, NULL FROM {reminder} WHERE owner_id = %s AND client_id {in_page}"
            f" UNION ALL SELECT client_id, NULL, NULL, colour FROM {category} WHERE owner_id = %s AND client_id {in_page}",
            [staff_id, page, staff_id, page],
        )
        for cid, note, deadline, colour in cur.fetchall():
            m = marks.setdefault(cid, ["", None, ""])
            if colour:
                m[2] = colour
            else:
                m[0] = note or ""
                m[1] = dt.date.fromisoformat(deadline) if isinstance(deadline, str) else deadline
    return marks


def _rows(values: list[tuple], ids: list[int], staff_id: int | None = None, *, user) -> list[OverviewRow]:
    if not ids:
        return []
    now = clock.now()
    today = clock.today()
    tasks, awaiting, reqs, measures = _page_figures(ids, user)
    marks = _own_marks(ids, staff_id) if staff_id else {}
    cutoff = _under30_cutoff(today)
    due_by = today + ASSESSMENT_DUE_WITHIN
    from skreddersy.clients.models import MainGoal

    group_labels = {k: str(v) for k, v in NeedGroup.choices}  # translated once per page, not per row
    goal_labels = {k: str(v) for k, v in MainGoal.choices}
    rows = []
    over_at = len(_ROW_FIELDS)  # the page's "_over" column, when it was read (then "_total" follows)
    for row in values:
        pk, fnr_, first, last, group, goal, counsellor, birth, last_contact, due, manual, interpreter, lang = row[:over_at]
        over = len(row) > over_at + 1 and bool(row[over_at])
        n_tasks, deadline, deadline_title = tasks.get(pk) or (0, None, "")
        flags = []
        if manual:
            flags.append("manual")
        if interpreter:
            flags.append("interpreter")
        if languages.is_sami(lang):
            flags.append("sami")  # routes to a Sámi-speaking counsellor or interpreter (sameloven ch. 3)
        if birth > cutoff:
            flags.append("under30")
        if due and due < today:
            flags.append("assessment_overdue")  # passed: reads as overdue, never "snart"
        elif due and due <= due_by:
            flags.append("assessment_due")
        rows.append(OverviewRow(
            client=OverviewClient(pk, fnr_, first, last, group, goal, counsellor),
            next_deadline=deadline,
            next_deadline_title=deadline_title,
            awaiting_reply=awaiting.get(pk, 0),
            open_tasks=n_tasks,
            active_requirements=reqs.get(pk, 0),
            current_measure=measures.get(pk, ""),
            days_since_contact=(now - last_contact).days if last_contact else None,
            flags=flags,
            need_group_label=group_labels.get(group, ""),
            main_goal_label=goal_labels.get(goal, ""),
            **dict(zip(("reminder", "reminder_deadline", "category"), marks.get(pk, ("", None, "")), strict=True)),
            over_contact_standard=over,
        ))
    return rows


FLAG_LABELS = {
    "manual": gettext_noop("Manuell oppfølging"),
    "interpreter": gettext_noop("Tolk"),
    "sami": gettext_noop("Samisk"),
    "under30": gettext_noop("Under 30"),
    "assessment_due": gettext_noop("Ny vurdering innen 30 dager"),
    "assessment_overdue": gettext_noop("Ny vurdering: frist passert"),
}


# --- saved filters: the query parameters a filter may hold ----------------------------------------------

_BOOL_PARAMS = ("awaiting", "deadline_7", "no_contact_90", "manual", "interpreter")
_CHOICE_PARAMS = {
    "need_group": lambda: {*NeedGroup.values, "none"},
    "priority": lambda: set(PRIORITY_GROUPS),
    "sort": lambda: set(SORTS),
    "status": lambda: set(STATUSES),
    "category": lambda: set(Category.values),
    "age_band": lambda: set(AGE_BANDS),
    "main_goal": lambda: set(MainGoal.values),
    "activity_type": lambda: set(Activity.Type.values),
    "followup_mode": lambda: {"digital", "manual"},
    "measure_type": lambda: {code for code, _ in measure_types()},
    "scope": lambda: {"mine", "office"},
}
_TEXT_PARAMS = ("q", "language", "municipality")
_ID_PARAMS = ("office", "counsellor")
FILTER_PARAMS = (*_CHOICE_PARAMS, *_BOOL_PARAMS, *_TEXT_PARAMS, *_ID_PARAMS)


def clean_filter_params(params: dict) -> dict[str, str]:
    """A saved filter's parameters, checked field by field: unknown fields and bad values raise
    InvalidInput naming each field (nothing is saved); empty values are dropped."""
    if not isinstance(params, dict):
        raise InvalidInput(_("Filteret må være en liste med felt og verdier."), field="params")
    unknown = sorted(str(k) for k in params if k not in FILTER_PARAMS)
    if unknown:
        raise InvalidInput(
            _("Filteret har ukjente felt: %(fields)s.") % {"fields": ", ".join(unknown)},
            errors={k: _("Ukjent felt i filteret.") for k in unknown},
        )
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, bool):
            value = "on" if value else ""
        value = "" if value is None else str(value).strip()
        if not value:
            continue
        if key in _CHOICE_PARAMS and value not in _CHOICE_PARAMS[key]():
            errors[key] = _("Ugyldig verdi.")
        elif key in _BOOL_PARAMS and value not in ("on", "true", "1"):
            errors[key] = _("Ugyldig verdi (bruk on).")
        elif key in _ID_PARAMS and not value.isdigit():
            errors[key] = _("Må være et tall.")
        elif key in _TEXT_PARAMS and len(value) > 100:
            errors[key] = _("For lang verdi.")
        else:
            clean[key] = "on" if key in _BOOL_PARAMS else value
    if errors:
        raise InvalidInput(_("Filteret har ugyldige verdier."), errors=errors)
    return clean
