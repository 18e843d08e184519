"""Reads for handing out caseloads: the counsellor overview (veilederoversikt) and the queue of new
and unassigned clients, for the leaders of an office. Scoped by the access policy, audited.

The counsellor overview is one grouped statement whatever the office's size: the ORM writes the
per-client figures (open tasks, overdue tasks, threads awaiting Nav's reply, as correlated counts
on their indexes) over the clients the leader may see at the office, and the statement groups
them by counsellor. It shows no client, so it audits no client read; it is a planning figure per
counsellor (caseload, open tasks, overdue items), as DESIGN.md's staff-figures rule allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from skreddersy.clients import assignment
from skreddersy.clients.models import AssignmentRule, Client, Cover, PendingRegistration
from skreddersy.core import audit, clock, collation, sql
from skreddersy.core.errors import AccessDenied
from skreddersy.core.models import Office, StaffMember
from skreddersy.followup.overview import NEW_CLIENT_DAYS, awaiting_threads, open_tasks_qs
from skreddersy.policy import access

QUEUE_MAX = 500


@dataclass
class CounsellorRow:
    staff_id: int | None
    name: str
    clients: int = 0
    open_tasks: int = 0
    overdue: int = 0
    awaiting_reply: int = 0
    covered_by: list[str] = field(default_factory=list)
    covering: list[str] = field(default_factory=list)


@dataclass
class CounsellorOverview:
    office: Office
    offices: list
    rows: list[CounsellorRow]
    unassigned: CounsellorRow
    covers: list
    total_clients: int
    staff: list = field(default_factory=list)  # the office's staff with a follow-up role

    @property
    def counsellors(self) -> list[CounsellorRow]:
        return [r for r in self.rows if r.staff_id is not None]


def _office_for(user, office_id: int | None, what: str) -> Office:
    a = access.actor(user)
    if not a.does_followup or a.staff is None or not a.is_leader:
        audit.record(user, None, audit.DENIED, what, why="ikke leder")
        raise AccessDenied(_("Denne siden er for ledere."))
    led = sorted(o for o in a.office_ids if access.can_hand_out(user, o))
    office_id = office_id or (led[0] if led else None)
    if office_id is None or not access.can_hand_out(user, office_id):
        audit.record(user, None, audit.DENIED, what, why="leder ikke kontoret")
        raise AccessDenied(_("Du er ikke leder ved dette kontoret."))
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise AccessDenied(_("Du er ikke leder ved dette kontoret."))
    return office


def _office_staff(office_id: int) -> list[StaffMember]:
    """The office's staff with a follow-up role, in Norwegian name order (a few dozen names)."""
    staff = StaffMember.objects.filter(
        memberships__office_id=office_id, roles__role__in=access.FOLLOWUP_ROLES
    ).distinct()
    return sorted(staff.only("id", "display_name", "languages"), key=lambda s: (collation.sort_key(s.display_name), s.pk))


def counsellor_figures(*, user, office_id: int) -> dict[int | None, tuple[int, int, int, int]]:
    """Per counsellor (None: no counsellor) at the office: (clients, open tasks, overdue tasks,
    threads awaiting Nav's reply), over the clients ``user`` may see there and the tasks and
    threads the KVP rule lets them see (``overview.open_tasks_qs``, ``overview.awaiting_threads``:
    the same rule as the overview's counters). One statement."""
    now = clock.now()
    open_tasks = open_tasks_qs(user).filter(client_id=OuterRef("pk")).order_by()

    def count(qs):
        return Coalesce(
            Subquery(qs.values("client_id").annotate(n=Count("id")).values("n")[:1], output_field=IntegerField()),
            Value(0),
        )

    per_client = (
        Client.objects.filter(access.client_filter(user), office_id=office_id)
        .order_by()
        .annotate(
            _open=count(open_tasks),
            _overdue=count(open_tasks.filter(deadline__lt=now)),
            _awaiting=count(awaiting_threads(user).filter(client_id=OuterRef("pk")).order_by()),
        )
        .values_list("counsellor_id", "_open", "_overdue", "_awaiting")
    )
    inner, params = per_client.query.sql_with_params()
    # the ORM's per-client statement, grouped by counsellor (its columns named by position)
    statement = f"WITH x(c, o, d, a) AS ({inner}) SELECT c, COUNT(*), SUM(o), SUM(d), SUM(a) FROM x GROUP BY c"
    with transaction.atomic(), sql.cursor(connection) as cur:
        if connection.vendor == "postgresql":
            # The planner's cost for ~3 index probes per client at a large office passes
            # jit_above_cost, and compiling the plan took longer (~190 ms) than running it.
            cur.execute("SET LOCAL jit = off")
        cur.execute(statement, params)
        return {c: (int(n), int(o or 0), int(d or 0), int(aw or 0)) for c, n, o, d, aw in cur.fetchall()}


def counsellor_overview(*, user, office_id: int | None = None) -> CounsellorOverview:
    """Veilederoversikt: each counsellor's caseload, open tasks, overdue tasks and threads awaiting
    a reply at one office the user leads, the clients without a counsellor, and the covers that
    run or are planned. A fixed number of statements whatever the office's size."""
    office = _office_for(user, office_id, "veilederoversikt")
    figures = counsellor_figures(user=user, office_id=office.pk)
    staff = _office_staff(office.pk)
    today = clock.today()
    covers = list(
        Cover.objects.filter(office=office, end__gte=today, ended_at__isnull=True)
        .select_related("covered", "covering")
        .order_by("start", "id")
    )
    rows = []
    for s in staff:
        n, o, d, aw = figures.pop(s.pk, (0, 0, 0, 0))
        rows.append(CounsellorRow(s.pk, s.display_name, n, o, d, aw))
    # clients whose counsellor no longer serves the office still count (shown under their name)
    if any(k is not None for k in figures):
        gone = dict(
            StaffMember.objects.filter(pk__in=[k for k in figures if k is not None]).values_list("pk", "display_name")
        )
        for k in [k for k in figures if k is not None]:
            n, o, d, aw = figures.pop(k)
            rows.append(CounsellorRow(k, gone.get(k, "?"), n, o, d, aw))
    n, o, d, aw = figures.pop(None, (0, 0, 0, 0))
    unassigned = CounsellorRow(None, "Uten veileder", n, o, d, aw)
    by_id = {r.staff_id: r for r in rows}
    for c in covers:
        if c.start <= today:
            if c.covered_id in by_id:
                by_id[c.covered_id].covered_by.append(c.covering.display_name)
            if c.covering_id in by_id:
                by_id[c.covering_id].covering.append(c.covered.display_name)
    a = access.actor(user)
    offices = list(
        Office.objects.filter(pk__in=[o for o in a.office_ids if access.can_hand_out(user, o)]).order_by("number")
    )
    return CounsellorOverview(
        office=office,
        offices=offices,
        rows=rows,
        unassigned=unassigned,
        covers=covers,
        total_clients=sum(r.clients for r in rows) + unassigned.clients,
        staff=staff,
    )


@dataclass
class QueueRow:
    client_id: int
    name: str
    masked_fnr: str
    age: int
    language: str
    needs_interpreter: bool
    need_group: str
    counsellor_name: str
    created_at: dt.datetime
    suggestion_id: int | None = None
    suggestion_name: str = ""
    suggestion_rule: str = ""
    # A Sámi-speaking client (sameloven ch. 3): the language's name, and whether the office has a
    # counsellor who speaks it (then suggested) or an interpreter must be booked.
    sami: str = ""
    sami_speaker: bool = False


@dataclass
class Queue:
    office: Office
    offices: list
    rows: list[QueueRow]
    total: int
    counsellors: list
    pending: list
    rules: list


def handout_queue(*, user, office_id: int | None = None, only_unassigned: bool = False) -> Queue:
    """The queue of new and unassigned clients at an office the user leads (unassigned first, then
    the newest), each with the counsellor the office's rules suggest; the registrations the office
    could not make automatically; the office's counsellors to assign to. Audited as one list read."""
    office = _office_for(user, office_id, "fordeling: kø")
    now = clock.now()
    cond = Q(counsellor__isnull=True)
    if not only_unassigned:
        cond |= Q(created_at__gte=now - dt.timedelta(days=NEW_CLIENT_DAYS))
    qs = (
        Client.objects.filter(access.client_filter(user), cond, office_id=office.pk)
        .select_related("counsellor")
        .order_by(F("counsellor_id").asc(nulls_first=True), "-created_at", "id")
    )
    total = qs.count()
    clients = list(qs[:QUEUE_MAX])
    rules = list(AssignmentRule.objects.filter(office=office).select_related("counsellor").order_by("position", "id"))
    today = clock.today()
    counsellors = _office_staff(office.pk)
    rows = []
    for c in clients:
        rule = assignment.suggest(rules, c, today)
        sami = assignment.sami_route(c, counsellors)
        rows.append(
            QueueRow(
                c.pk,
                f"{c.last_name}, {c.first_name}",
                c.masked_fnr,
                c.age(today),
                c.language,
                c.needs_interpreter,
                c.get_need_group_display() if c.need_group else "",
                c.counsellor.display_name if c.counsellor_id else "",
                c.created_at,
                rule.counsellor_id if rule else None,
                rule.counsellor.display_name if rule else "",
                rule.name if rule else "",
            )
        )
        if sami is not None:
            row = rows[-1]
            row.sami, row.sami_speaker = c.language_name, sami.speaker is not None
            if sami.speaker is not None and row.suggestion_id not in sami.speaker_ids:
                row.suggestion_id, row.suggestion_name = sami.speaker.pk, sami.speaker.display_name
                row.suggestion_rule = str(sami.reason)
    pending = (
        list(
            PendingRegistration.objects.filter(office=office, resolved_at__isnull=True)
            .select_related("requested_by")
            .order_by("requested_at", "id")
        )
        if access.can_hand_out(user, office.pk)
        else []
    )
    audit.record_reads(user, [r.client_id for r in rows], "fordeling: kø", why="fordeling")
    a = access.actor(user)
    offices = list(
        Office.objects.filter(pk__in=[o for o in a.office_ids if access.can_hand_out(user, o)]).order_by("number")
    )
    return Queue(
        office=office,
        offices=offices,
        rows=rows,
        total=total,
        counsellors=counsellors,
        pending=pending,
        rules=rules,
    )


def office_choices(*, user) -> list[Office]:
    """Every office, for moving a client's follow-up (no client data)."""
    access.require_workbench(user)
    return list(Office.objects.order_by("number").only("id", "number", "name"))


def register_offices(*, user) -> list[Office]:
    """The offices the user may register a new client at (those they serve)."""
    access.require_workbench(user)
    return list(Office.objects.filter(pk__in=access.actor(user).office_ids).order_by("number"))


@dataclass
class ClientEdit:
    client: Client
    can_transfer: bool
    offices: list


def client_edit(*, user, client_id: int) -> ClientEdit:
    """The client record to edit (a counsellor who may see the client), and whether the user may
    move the follow-up to another office (a leader at the client's office). Audited."""
    from skreddersy.clients.selectors import get_client

    client = get_client(user=user, client_id=client_id, what="bruker: endre", nav=True)
    can_transfer = access.can_hand_out(user, client.office_id)
    offices = (
        list(Office.objects.exclude(pk=client.office_id).order_by("number").only("id", "number", "name"))
        if can_transfer
        else []
    )
    return ClientEdit(client, can_transfer, offices)
