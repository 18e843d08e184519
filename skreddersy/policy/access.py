"""The access policy: the one place that decides who may see and do what with a client's data.

Rules
- Staff with a follow-up role (counsellor, team leader, office leader, second approver, job
  specialist) see the clients whose follow-up office is one of the offices they serve.
- Address-protected clients need the matching clearance: strictly confidential (kode 6) needs
  the kode 6 clearance; confidential (kode 7) the kode 7 or kode 6 clearance. Clients who are
  Nav employees (skjermet) need the skjermet clearance.
- A client sees only their own record: plan, dialogue and shared meeting notes, never internal notes.
- An analyst sees no personal data (aggregates and pseudonymised survey data only).
- An administrator manages the organisation and catalogue and reads the audit log, but sees no
  client's case.
- Leaders (team and office leaders) see their offices' caseloads as a whole.
- Only a second approver who did not draft the decision may approve a permanent-group decision.
- Work with employers: the employer register (no client data) is shared by every staff member
  with a follow-up role and by market contacts; a market contact sees no client's record unless
  they also follow clients. A job specialist works the candidates referred to them; a method
  supervisor (metodeveileder) or leader works every candidate at their offices, and sees each job
  specialist's candidates and overdue follow-ups; figures about one employee's work (contacts,
  starts, outcomes) are shown to that employee, and to supervisors and leaders only for teams of
  5 or more (DESIGN.md, staff figures).
- State and municipal records (``record_filter``): each side-bearing record has a category
  (core.records) held by one side of the office. Staff see their own employer's side; the other
  side only where the client has consented (clients.SharingConsent, to that side at an office
  they serve) or the law allows (the joint work-oriented follow-up). A client sees every side of
  their own record. Further per-category rules hang on ``RECORD_RULES``.
- Who can change who sees what (``may_change_access_of``, ``may_decide_grant``): administrators
  change other staff members' roles, clearances, employer and office memberships through
  accounts.services, never their own; a kode 6 clearance or the administrator role needs a
  second administrator (decisions 0033, 0044).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db.models import BooleanField, Expression, Q
from django.utils.translation import gettext as _

from skreddersy.core import audit, languages
from skreddersy.core.errors import AccessDenied, Hidden
from skreddersy.core.models import Role
from skreddersy.core.records import LEGAL_BASIS, SIDE_OF, RecordCategory

FOLLOWUP_ROLES = frozenset(
    {Role.COUNSELLOR, Role.TEAM_LEADER, Role.OFFICE_LEADER, Role.SECOND_APPROVER, Role.JOB_SPECIALIST,
     Role.METHOD_SUPERVISOR}
)
LEADER_ROLES = frozenset({Role.TEAM_LEADER, Role.OFFICE_LEADER})


@dataclass(frozen=True)
class Actor:
    """What the policy needs to know about the acting user, read once per request."""

    user: object
    staff: object | None
    client_id: int | None
    roles: frozenset
    office_ids: frozenset
    kode6: bool = False
    kode7: bool = False
    skjermet: bool = False
    employer: str | None = None  # "state" or "municipal" (StaffMember.Employer); None for clients
    # For a client login: the language the product's own words are shown in (core.languages:
    # nynorsk when the client reads nynorsk); empty for staff.
    client_language: str = ""

    @property
    def is_client(self) -> bool:
        return self.client_id is not None

    @property
    def does_followup(self) -> bool:
        return self.staff is not None and bool(self.roles & FOLLOWUP_ROLES)

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADER_ROLES)


def actor(user) -> Actor:
    cached = getattr(user, "_skreddersy_actor", None)
    if cached is not None:
        return cached
    staff = None
    client_id = None
    client_language = ""
    roles: frozenset = frozenset()
    offices: frozenset = frozenset()
    if user is not None and user.is_authenticated:
        if user.kind == "client":
            client = getattr(user, "client", None) if _has_client(user) else None
            client_id = client.pk if client else None
            client_language = client.render_language if client else ""
        else:
            staff, roles, offices = _load_staff(user)
    a = _make_actor(user, staff, client_id, roles, offices, client_language)
    if user is not None:
        user._skreddersy_actor = a
    return a


def _make_actor(user, staff, client_id, roles, offices, client_language: str = "") -> Actor:
    return Actor(
        client_language=client_language,
        user=user,
        staff=staff,
        client_id=client_id,
        roles=roles,
        office_ids=offices,
        kode6=bool(staff and staff.clearance_strictly_confidential),
        kode7=bool(staff and (staff.clearance_confidential or staff.clearance_strictly_confidential)),
        skjermet=bool(staff and staff.clearance_skjermet),
        employer=staff.employer if staff is not None else None,
    )


def load_user(user_id):
    """The user behind a session, with the facts the policy needs (staff member, roles, offices,
    or the client record a client login belongs to) read in the same statement, so that a
    request pays one query for who is acting instead of three. Returns None for an unknown id.

    Used by the authentication backend on every request; ``actor(user)`` then finds its facts
    ready."""
    from django.db import connection

    from skreddersy.core import sql
    from skreddersy.core.models import StaffMember, User

    statement, nu, ns = _load_user_statement(connection.vendor)
    with sql.cursor(connection) as cur:
        cur.execute(statement, [user_id])
        rows = cur.fetchall()
    if not rows:
        return None
    first = rows[0]
    user = sql.instance(connection, User, first[:nu])
    staff = None
    roles: frozenset = frozenset()
    offices: frozenset = frozenset()
    if user.kind != User.Kind.CLIENT and first[nu] is not None:  # a client login acts only as the client
        staff = sql.instance(connection, StaffMember, first[nu:nu + ns])
        roles = frozenset(r[-5] for r in rows if r[-5])
        offices = frozenset(r[-4] for r in rows if r[-4] is not None)
        staff._role_set, staff._office_ids = roles, offices
        staff.user = user
    client_id = first[-3] if user.kind == User.Kind.CLIENT else None
    client_language = (
        languages.render_language(client_standard=first[-2], client_language=first[-1]) if client_id is not None else ""
    )
    user._skreddersy_actor = _make_actor(user, staff, client_id, roles, offices, client_language)
    return user


@functools.cache
def _load_user_statement(vendor: str) -> tuple[str, int, int]:
    """The statement ``load_user`` runs (written once per process), and how many of its
    columns belong to the user and to the staff member."""
    from django.db import connection

    from skreddersy.clients.models import Client
    from skreddersy.core import sql
    from skreddersy.core.models import OfficeMembership, StaffMember, StaffRole, User

    q = connection.ops.quote_name
    user_cols, staff_cols = sql.columns(User, "u"), sql.columns(StaffMember, "s")
    statement = (
        f"SELECT {', '.join(user_cols + staff_cols)}, r.role, m.office_id, c.id, c.written_standard, c.language FROM {q(User._meta.db_table)} u"
        f" LEFT JOIN {q(StaffMember._meta.db_table)} s ON s.user_id = u.id"
        f" LEFT JOIN {q(StaffRole._meta.db_table)} r ON r.staff_id = s.id"
        f" LEFT JOIN {q(OfficeMembership._meta.db_table)} m ON m.staff_id = s.id"
        f" LEFT JOIN {q(Client._meta.db_table)} c ON c.user_id = u.id"
        " WHERE u.id = %s"
    )
    return statement, len(user_cols), len(staff_cols)


def _load_staff(user):
    """The staff member with roles and offices in one query (one row per role x office), so that
    every request pays one query for the access facts, not three."""
    from django.db.models import F

    from skreddersy.core.models import StaffMember

    rows = list(
        StaffMember.objects.filter(user_id=user.pk).annotate(_role=F("roles__role"), _office=F("memberships__office_id"))
    )
    if not rows:
        return None, frozenset(), frozenset()
    staff = rows[0]
    roles = frozenset(r._role for r in rows if r._role)
    offices = frozenset(r._office for r in rows if r._office is not None)
    staff._role_set, staff._office_ids = roles, offices
    staff.user = user
    return staff, roles, offices


def _has_client(user) -> bool:
    from skreddersy.clients.models import Client

    try:
        _ = user.client
    except Client.DoesNotExist:
        return False
    return True


# --- clients ---------------------------------------------------------------------------------

def _protection_q(a: Actor) -> Q:
    q = Q()
    if not a.kode6:
        q &= ~Q(address_protection="strictly_confidential")
    if not a.kode7:
        q &= ~Q(address_protection="confidential")
    if not a.skjermet:
        q &= Q(skjermet=False)
    return q


def client_filter(user) -> Q:
    """A Q on Client that keeps exactly the clients ``user`` may see."""
    a = actor(user)
    if a.is_client:
        return Q(pk=a.client_id)
    if not a.does_followup or not a.office_ids:
        return Q(pk__in=[])
    return Q(office_id__in=a.office_ids) & _protection_q(a)


def visible_clients(user):
    from skreddersy.clients.models import Client

    return Client.objects.filter(client_filter(user))


def can_see_client(user, client) -> bool:
    a = actor(user)
    if a.is_client:
        return client.pk == a.client_id
    if not a.does_followup or client.office_id not in a.office_ids:
        return False
    if client.address_protection == "strictly_confidential" and not a.kode6:
        return False
    if client.address_protection == "confidential" and not a.kode7:
        return False
    if client.skjermet and not a.skjermet:
        return False
    return True


def protection_refusal(*, kode6: bool, kode7: bool, skjermet_clearance: bool, address_protection: str,
                       skjermet: bool) -> str | None:
    """Why a staff member with these clearances may not follow up a client with this protection
    (the rule of ``can_see_client``, for a colleague rather than the acting user), or None.
    The caseload planner asks it for every move it considers."""
    if address_protection == "strictly_confidential" and not kode6:
        return _("strengt fortrolig adresse (kode 6) krever kode 6-klarering")
    if address_protection == "confidential" and not (kode7 or kode6):
        return _("fortrolig adresse (kode 7) krever kode 7-klarering")
    if skjermet and not skjermet_clearance:
        return _("skjermet bruker (Nav-ansatt) krever tilgang til skjermede brukere")
    return None


def require_client(user, client, *, what: str) -> None:
    """Raise ``Hidden`` (an ``AccessDenied`` that answers 404, like a missing record, so ids
    cannot be probed) and audit the attempt, unless ``user`` may see ``client``."""
    _require_seen(user, client, what)


def _require_seen(user, client, what: str) -> None:
    if not can_see_client(user, client):
        audit.record(user, client.pk, audit.DENIED, what, why="ingen tilgang")
        raise Hidden("Du har ikke tilgang til denne brukeren.")


# --- state and municipal records ------------------------------------------------------------------
# Everything below judges *which records* of a client the actor sees, once ``can_see_client``
# holds. A record's category (core.records.RecordCategory) says which side of the office holds it.

# Extra rules per category, each ``rule(employer, client_id) -> Q`` on the record model (built from
# the reader's side and the client's id alone, as ``record_q`` is), ANDed with
# the side rule for rows of that category. Empty today. The KVP period of issue 17 is not a
# category rule: what it hides is whatever was written while it ran (plan, notes, dialogue, their
# journal lines), whichever category each row has, so it is a rule on the row's time
# (``kvp_filter``, which ``record_filter`` applies when given ``at``; docs/decisions/0040).
RECORD_RULES: dict = {}


def sees_by_own_right(side: str, category: str) -> bool:
    """Staff of ``side`` see records of ``category`` without a consent: their own side's, and what
    the law lets both sides see (``LEGAL_BASIS``)."""
    return SIDE_OF[RecordCategory(category)] == side or category in LEGAL_BASIS


def _sides_rule(a: Actor, category: str) -> bool | None:
    """The side rule for one category, without the client's consents: True (own side, or the law
    allows), None (the other side: only with a consent)."""
    return True if sees_by_own_right(a.employer, category) else None


def _consented(employer: str, client_id, office_id):
    """The categories the client has consented to share with the ``employer``'s side at the
    client's office (a subquery: no query of its own). A consent names one office: when the client
    moves, the new office asks again."""
    from skreddersy.clients.models import SharingConsent

    return SharingConsent.objects.filter(
        client_id=client_id, recipient_side=employer, office_id=office_id, withdrawn_at__isnull=True,
    ).values("category")


@dataclass(frozen=True)
class RecordReader:
    """What the record rules (``record_filter``, ``kvp_filter``) need to know of one reader on one
    client, split as ``core.shapes`` wants it: ``key`` is what changes the rules' SQL text (the
    reader's kind and side), ``values`` are its parameters (the client, the client's office, the
    reader's staff id). ``record_q(*reader.key, *reader.values, ...)`` is the rule."""

    key: tuple
    values: tuple


def record_reader(user, client) -> RecordReader:
    """The reader of ``client``'s records: the client on their own record (``own``), a staff member
    who may see the client (``staff`` with their side), or anyone else (``none``: sees no row)."""
    a = actor(user)
    if a.is_client:
        return RecordReader(("own" if client.pk == a.client_id else "none", None), (client.pk, client.office_id, 0))
    if a.employer is None or a.staff is None or not can_see_client(user, client):
        return RecordReader(("none", None), (client.pk, client.office_id, 0))
    return RecordReader(("staff", a.employer), (client.pk, client.office_id, a.staff.pk))


def record_q(kind: str, employer: str | None, client_id, office_id, staff_id, *, field: str = "category",
             at: str | None = None, kinds=None, sides: bool = True) -> Q:
    """The rules of ``record_filter`` (``sides``) and ``kvp_filter`` (``at``) from a
    ``record_reader``'s key and values alone (so a statement built from them can be kept per shape:
    nothing else is read)."""
    if kind == "own":
        return Q()
    if kind != "staff":
        return Q(pk__in=[])
    q = Q()
    if sides:
        direct = [c for c in RecordCategory.values if sees_by_own_right(employer, c)]
        q = Q(**{f"{field}__in": direct}) | Q(**{f"{field}__in": _consented(employer, client_id, office_id)})
        for category, rule in RECORD_RULES.items():
            q &= ~Q(**{field: category}) | rule(employer, client_id)
    if at is not None:
        from django.db.models import F, IntegerField, Value

        kvp = Q(_KvpVisible(Value(client_id, output_field=IntegerField()), F(at), staff_id=staff_id, per_row=True))
        q &= kvp if kinds is None else (~Q(kind__in=list(kinds)) | kvp)
    return q


def record_filter(user, client, *, field: str = "category", at: str | None = None, kinds=None) -> Q:
    """A Q on a side-bearing record model (field ``category``) keeping the rows of ``client``
    that ``user`` may see by the state/municipal rule (sosialtjenesteloven § 44, Nav-loven § 7).
    Callers have already checked ``can_see_client``; a user who may not see the client sees
    nothing here either. With ``at`` (the row's time field) the KVP rule (``kvp_filter``) is
    applied too, to the rows whose ``kind`` is one of ``kinds`` when given (the journal)."""
    r = record_reader(user, client)
    return record_q(*r.key, *r.values, field=field, at=at, kinds=kinds)


# --- the qualification programme (KVP, issue 17) ----------------------------------------------------
# A KVP period is run by the municipal side of the client's office. While it runs, the client's
# plan, meeting notes and dialogue are seen only by the municipal staff following it; what was
# written while it ran (the row's time inside [start, end)) stays seen only by them after it ends.
# The client sees all of their own record. Staff who do not follow it see neither the rows nor a
# count of them (the fact of a KVP is itself the municipality's, sosialtjenesteloven § 44).

# The journal kinds the KVP rule applies to: the lines about the plan, the notes and the dialogue,
# and the KVP's own lines.
KVP_JOURNAL_KINDS = ("activity", "note", "message", "kvp")


def kvp_filter(user, client, *, at: str) -> Q:
    """A Q on a record of ``client`` with the time field ``at`` keeping the rows ``user`` may see
    by the KVP rule: a staff member who does not follow one of the client's KVP periods sees no
    row while it is open, and no row written inside it once it has ended. A correlated NOT EXISTS
    on KvpPeriod (``_kvp_condition``, the text ``kvp_visible_q`` uses for many clients), no query
    of its own; a client (on their own record) is not restricted.

    The rule is read by the statement itself, never from a loaded client's ``kvp`` mark: a KVP
    started after the client was read still hides what is written inside it."""
    a = actor(user)
    if a.is_client:
        return Q() if client.pk == a.client_id else Q(pk__in=[])
    if a.staff is None:
        return Q(pk__in=[])
    return record_q("staff", a.employer, client.pk, client.office_id, a.staff.pk, at=at, sides=False)


def kvp_visible_q(user, *, client_field: str = "client", at: str | None = "created_at") -> Q:
    """The KVP rule of ``kvp_filter`` as one Q over the rows of many clients at once (the
    overview's counters, filters, sort keys and row figures, the task inbox, the counsellor and
    workload figures): keeps a row unless its client (``client_field``, a path to the client's id
    from the row; ``"pk"`` on Client itself) has an open KVP the user does not follow, or its time
    (``at``; None: the open rule only) lies inside [start, end) of an ended KVP the user did not
    follow. One correlated NOT EXISTS on KvpPeriod (indexed by client), no query of its own.
    A client is not restricted on their own rows and sees no one else's.

    The condition is ``kvp_hidden_sql``'s text around the row's two columns (``_KvpVisible``), not
    an ORM subquery: the overview builds it some thirty times per request (every counter's
    subqueries), and building and compiling an ``Exists`` with an excluded many-to-many each time
    cost more CPU than the rest of the request together (84 against 32 ms per JSON overview at
    national scale); the SQL the database runs is the same."""
    a = actor(user)
    if a.is_client:
        return Q(**{client_field: a.client_id})
    if a.staff is None:
        return Q(pk__in=[])
    from django.db.models import F

    # a client the database has never marked with a KVP (``Client.kvp``, decision 0046) has no row
    # the rule could hide: the period lookup runs only for marked clients
    mark = "kvp" if client_field == "pk" else f"{client_field}__kvp"
    return Q(**{mark: False}) | Q(_KvpVisible(F(client_field), None if at is None else F(at), staff_id=a.staff.pk))


# The quoted table and column names ``_kvp_condition`` places, per database vendor: they never change
# while the process runs, and the overview places the rule a dozen times per request.
_KVP_NAMES: dict[str, tuple[str, ...]] = {}


def _kvp_names(quote) -> tuple[str, ...]:
    from skreddersy.clients.models import KvpPeriod

    through = KvpPeriod.followers.through
    return (quote(KvpPeriod._meta.db_table), quote(through._meta.db_table),
            quote(through._meta.get_field("kvpperiod").column), quote(through._meta.get_field("staffmember").column),
            quote("start"), quote("end"))


def _kvp_condition(client_sql: str, at_sql: str | None, *, per_row: bool = False) -> str:
    """The SQL of the KVP rule around a row's client id and time (already compiled), with one
    parameter: the reader's staff id. True for the rows the reader may see.

    ``per_row`` (one client's records, a first screen in its newest-first index order): the
    condition stays a per-row test (``sql.per_row``). As a bare NOT EXISTS at the top of a WHERE,
    PostgreSQL's planner turns it into an anti-join, estimates one row left over (the client's KVP
    periods are few or none) and then reads and sorts the client's whole history for the first
    screen (1,234 meeting notes: 2.4 ms) instead of walking its index and stopping at the page size
    (0.25 ms)."""
    from django.db import connection

    from skreddersy.core import sql

    names = _KVP_NAMES.get(connection.vendor)
    if names is None:
        names = _KVP_NAMES[connection.vendor] = _kvp_names(connection.ops.quote_name)
    kvp, fol, fol_kvp, fol_staff, start, end = names
    held = f"_kvp.{end} IS NULL"
    if at_sql is not None:
        held = f"({held} OR (_kvp.{start} <= {at_sql} AND _kvp.{end} > {at_sql}))"
    return (
        f"NOT EXISTS (SELECT 1 FROM {kvp} _kvp WHERE _kvp.client_id = {client_sql} AND {held}"
        f" AND NOT EXISTS (SELECT 1 FROM {fol} _kvpf WHERE _kvpf.{fol_kvp} = _kvp.id AND _kvpf.{fol_staff} = %s)"
        f"{sql.per_row(connection) if per_row else ''})"
    )


class _KvpVisible(Expression):
    """A boolean expression (usable in ``filter``, ``Q``, ``Count(filter=...)`` and ``~``): the KVP
    rule on the row's client id and time, compiled from ``_kvp_condition`` with the columns as
    Django resolves them in the statement at hand (aliases in subqueries included)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, client, at, *, staff_id: int, per_row: bool = False):
        super().__init__(output_field=BooleanField())
        self.client, self.at, self.staff_id, self.per_row = client, at, staff_id, per_row

    def get_source_expressions(self):
        return [self.client] if self.at is None else [self.client, self.at]

    def set_source_expressions(self, exprs):
        self.client = exprs[0]
        self.at = exprs[1] if len(exprs) > 1 else None

    def as_sql(self, compiler, connection):
        client_sql, client_params = compiler.compile(self.client)
        at_sql, at_params = (None, []) if self.at is None else compiler.compile(self.at)
        # the time's parameters (none for a column) come before the staff id, in text order
        params = [*client_params, *at_params, *(at_params if at_sql is not None else []), self.staff_id]
        return _kvp_condition(client_sql, at_sql, per_row=self.per_row), params


def kvp_hidden_sql(user, *, client_col: str, at_col: str | None) -> tuple[str, list]:
    """``kvp_visible_q`` for a hand-written statement (the overview's page figures): an SQL
    condition, true for the rows the user may see, on the row's client id column ``client_col``
    and time column ``at_col`` (qualified, e.g. ``t.client_id``), with its parameters."""
    a = actor(user)
    if a.is_client:
        return f"{client_col} = %s", [a.client_id]
    if a.staff is None:
        return "1 = 0", []
    return _kvp_condition(client_col, at_col), [a.staff.pk]


def may_run_kvp(user, client) -> bool:
    """Start a KVP period, or follow one: municipal staff with a follow-up role who may see the
    client (the programme is the municipality's, sosialtjenesteloven § 29)."""
    from skreddersy.core.records import RecordSide

    a = actor(user)
    return a.employer == RecordSide.MUNICIPAL and a.does_followup and can_see_client(user, client)


def may_follow_kvp(staff, roles, client) -> bool:
    """Whether a colleague (not the acting user) may be named to follow a KVP: municipal, with a
    follow-up role at the client's office and the clearance the client needs."""
    from skreddersy.core.records import RecordSide

    return staff.employer == RecordSide.MUNICIPAL and staff_sees_client(staff, roles, client)


def follows_kvp(user, kvp) -> bool:
    """The acting user follows this KVP period (ends it, sees what it holds)."""
    a = actor(user)
    return a.staff is not None and kvp.followers.filter(pk=a.staff.pk).exists()


def record_categories(user, client) -> frozenset[str]:
    """The categories of ``client``'s records that ``user`` sees by the side rule (one query for
    the consents; for pages that say what is hidden, and for tests). ``RECORD_RULES`` restrict
    rows within a category and are not reflected here."""
    a = actor(user)
    if a.is_client:
        return frozenset(RecordCategory.values) if client.pk == a.client_id else frozenset()
    if a.employer is None or not can_see_client(user, client):
        return frozenset()
    consented = set(_consented(a.employer, client.pk, client.office_id).values_list("category", flat=True))
    return frozenset(c for c in RecordCategory.values if _sides_rule(a, c) or c in consented)


def can_see_record(user, client, category: str) -> bool:
    """One record of ``client`` in ``category`` (RECORD_RULES aside)."""
    return category in record_categories(user, client)


def writable_note_categories(user) -> tuple[str, ...]:
    """The sides a staff member may file a note on, their own employer's first (the default).
    Municipal staff also do the state's follow-up by delegation in the partnership agreement, so
    they may file a state note; state staff do no social-services work, so they file state notes
    only (a state note never lands in the municipality's record)."""
    from skreddersy.core.records import RecordSide, note_category

    a = actor(user)
    if a.employer == RecordSide.MUNICIPAL:
        return (RecordCategory.MUNICIPAL_NOTES, RecordCategory.STATE_NOTES)
    return (note_category(a.employer),) if a.employer else ()


def sees_internal_notes(user) -> bool:
    """Internal notes and Nav-only journal entries: staff who follow up, never the client."""
    return actor(user).does_followup


def can_act_for_nav(user) -> bool:
    """Write follow-up records as Nav (decisions, activities, notes, replies, tasks)."""
    return actor(user).does_followup


def require_nav(user, client, *, what: str) -> None:
    """Nav staff with a follow-up role who may see ``client`` (the client themself is refused)."""
    _require_seen(user, client, what)
    _require_nav_role(user, client, what)


def _require_nav_role(user, client, what: str) -> None:
    if not can_act_for_nav(user):
        audit.record(user, client.pk, audit.DENIED, what, why="krever veilederrolle")
        raise AccessDenied(_("Bare Nav-ansatte med oppfølgingsrolle kan gjøre dette."))


def require_client_or_nav(user, client, *, what: str) -> bool:
    """The client on their own record, or Nav staff with a follow-up role who may see them.
    Returns True when the client acts (the one place that asks "the client or Nav?")."""
    _require_seen(user, client, what)
    by_client = actor(user).is_client
    if not by_client:
        _require_nav_role(user, client, what)
    return by_client


def require_client_self(user, client, *, what: str) -> None:
    """The client acting on their own record."""
    a = actor(user)
    if not (a.is_client and a.client_id == client.pk):
        audit.record(user, client.pk, audit.DENIED, what, why="bare brukeren selv")
        if not can_see_client(user, client):
            raise Hidden("Bare brukeren selv kan gjøre dette.")
        raise AccessDenied(_("Bare brukeren selv kan gjøre dette."))


def landing(user) -> str:
    """Which kind of work a login starts in: "client", "followup", "analyst", "administrator",
    or "" (none of these)."""
    a = actor(user)
    if a.is_client:
        return "client"
    if a.does_followup:
        return "followup"
    if is_analyst(user):
        return "analyst"
    if is_administrator(user):
        return "administrator"
    return ""


def require_workbench(user) -> None:
    """The gate of the counsellors' workbench pages: a staff login with a follow-up role. (Which
    clients they may see is judged by the selector or service the page calls.)"""
    if not actor(user).does_followup:
        raise AccessDenied(_("Denne siden er for Nav-ansatte som følger opp brukere."))


def require_min_side(user) -> int:
    """The gate of Min side: a client login. Returns the client's id."""
    a = actor(user)
    if not a.is_client:
        raise AccessDenied(_("Min side er for brukere. Nav-ansatte bruker oversikten."))
    return a.client_id


def can_approve_decision(user, decision) -> bool:
    a = actor(user)
    return (
        a.staff is not None
        and Role.SECOND_APPROVER in a.roles
        and decision.drafted_by_id != a.staff.pk
        and can_see_client(user, decision.client)
    )


# --- organisation, insight, administration ----------------------------------------------------

def can_view_office(user, office_id: int) -> bool:
    a = actor(user)
    return a.staff is not None and a.is_leader and office_id in a.office_ids


def is_analyst(user) -> bool:
    return Role.ANALYST in actor(user).roles


def is_administrator(user) -> bool:
    a = actor(user)
    return Role.ADMINISTRATOR in a.roles or bool(getattr(user, "is_superuser", False))


def may_change_access_of(user, staff) -> bool:
    """Change a staff member's roles, clearances, employer or office memberships (through
    accounts.services): an administrator, never on their own record."""
    return is_administrator(user) and staff is not None and staff.user_id != getattr(user, "pk", None)


def knows_password_of(user, staff) -> bool:
    """``user`` set the password of ``staff``'s login (``User.password_set_by``) and could log in
    as them: what they ask for that login waits for a second administrator, who must not know it
    either (decision 0048)."""
    login = getattr(staff, "user", None)
    return login is not None and login.password_set_by_id is not None and login.password_set_by_id == getattr(user, "pk", None)


def may_decide_grant(user, grant) -> bool:
    """Approve or refuse a pending grant: an administrator other than the one who asked (four
    eyes), never on their own record, and never for a login whose password they set."""
    return (may_change_access_of(user, grant.staff) and grant.requested_by_id != getattr(user, "pk", None)
            and not knows_password_of(user, grant.staff))


def may_reset_password_of(user, target) -> bool:
    """Set a new password for another login (accounts.services.reset_password): an administrator,
    never for themself (they change their own the ordinary way), and never for another
    administrator or a superuser: with that login one administrator could approve their own
    four-eyes grant. An administrator's password is reset on the server (manage.py changepassword)."""
    if not is_administrator(user) or target is None or target.pk == getattr(user, "pk", None):
        return False
    return not (target.is_superuser or is_administrator(target))


def can_view_grants(user) -> bool:
    return is_administrator(user)


def can_view_audit_log(user) -> bool:
    return is_administrator(user)


def can_edit_catalogue(user) -> bool:
    return is_administrator(user)


def can_edit_item_bank(user) -> bool:
    return is_analyst(user) or is_administrator(user)


# --- insight: staff surveys (added by the insight app) -----------------------------------------
# Answers are anonymous. An analyst sees pseudonymised respondent rows; a leader sees aggregates
# for their own offices, and only for groups of at least core.suppression.MIN_GROUP respondents;
# other staff see nothing of other people's answers (only their own questionnaire, by its token).


def can_manage_surveys(user) -> bool:
    """Build surveys, open and close waves, invite, import and export."""
    return is_analyst(user)


def can_see_respondent_data(user) -> bool:
    """Pseudonymised respondent-level data (never names, never tokens)."""
    return is_analyst(user)


def can_see_insight(user) -> bool:
    return is_analyst(user) or actor(user).is_leader


def survey_office_scope(user) -> frozenset | None:
    """The offices whose survey waves ``user`` may list (None: every wave). Analysts see every
    wave; leaders the waves that include one of their offices; others none."""
    if is_analyst(user):
        return None
    return actor(user).office_ids if can_see_insight(user) else frozenset()


def can_see_wave(user, wave_office_ids) -> bool:
    """One wave (its page, response rates and, within the n >= 5 rule, its aggregates)."""
    scope = survey_office_scope(user)
    return scope is None or bool(scope & set(wave_office_ids))


def can_see_survey_aggregates(user, office_id: int | None) -> bool:
    """Aggregates for one office (office_id) or for all offices together (None); the n >= 5 rule
    is applied on top of this by the insight selectors."""
    if is_analyst(user):
        return True
    if office_id is None:
        return False
    return can_view_office(user, office_id)


# --- measures (catalogue, allocation, outcomes) ---------------------------------------------------

def can_browse_catalogue(user) -> bool:
    """The measure catalogue holds no client data: any Nav staff member may browse it."""
    return actor(user).staff is not None


def can_view_allocation(user, office_id: int) -> bool:
    """An office's place allocation, use and expected fill: its leaders, and administrators."""
    a = actor(user)
    return (a.staff is not None and a.is_leader and office_id in a.office_ids) or is_administrator(user)


def can_manage_allocations(user) -> bool:
    """National targets and county and office allocations: administrators (the directorate and county)."""
    return is_administrator(user)


def can_set_expected_fill(user, office_id: int) -> bool:
    """How many allocated places the office expects filled: that office's leader."""
    a = actor(user)
    return a.staff is not None and Role.OFFICE_LEADER in a.roles and office_id in a.office_ids


def can_view_measure_outcomes(user) -> bool:
    """Outcomes after measures, aggregated with small groups suppressed: staff, leaders, analysts."""
    a = actor(user)
    return a.staff is not None


# --- work with employers and job specialists ---------------------------------------------------

EMPLOYER_REGISTER_ROLES = FOLLOWUP_ROLES | {Role.MARKET_CONTACT}
SUPERVISOR_ROLES = frozenset({Role.METHOD_SUPERVISOR, Role.TEAM_LEADER, Role.OFFICE_LEADER})
STAFF_FIGURES_MIN_TEAM = 5


def can_use_employer_register(user) -> bool:
    a = actor(user)
    return a.staff is not None and bool(a.roles & EMPLOYER_REGISTER_ROLES)


def require_employer_register(user, *, what: str) -> None:
    if not can_use_employer_register(user):
        audit.record(user, None, audit.DENIED, what, why="ikke tilgang til arbeidsgiverregisteret")
        raise AccessDenied(_("Arbeidsgiverregisteret er for Nav-ansatte som følger opp brukere og markedskontakter."))


def is_job_specialist(user) -> bool:
    a = actor(user)
    return a.staff is not None and Role.JOB_SPECIALIST in a.roles


def can_supervise_office(user, office_id: int) -> bool:
    """Method supervisors and leaders see the job specialists' work at their offices."""
    a = actor(user)
    return a.staff is not None and bool(a.roles & SUPERVISOR_ROLES) and office_id in a.office_ids


def can_work_case(user, case) -> bool:
    """Write on a candidate's work trail: the candidate's job specialist, or a method supervisor or
    leader at the case's office; always within what the policy lets the user see of the client."""
    a = actor(user)
    if a.staff is None or not can_see_client(user, case.client):
        return False
    return case.specialist_id == a.staff.pk or can_supervise_office(user, case.office_id)


def require_case(user, case, *, what: str) -> None:
    if not can_work_case(user, case):
        audit.record(user, case.client_id, audit.DENIED, what, why="ikke kandidatens jobbspesialist eller metodeveileder")
        if not can_see_client(user, case.client):
            raise Hidden("Du følger ikke opp denne kandidaten.")
        raise AccessDenied(_("Du følger ikke opp denne kandidaten."))


def ips_case_filter(user) -> Q:
    """A Q on IpsCase keeping the cases ``user`` may see: the client is visible, and the user is the
    specialist, a supervisor or leader at the case's office, or the client's counsellor."""
    a = actor(user)
    if a.staff is None or not a.does_followup:
        return Q(pk__in=[])
    visible = Q(client__office_id__in=a.office_ids)
    for cond in (~Q(client__address_protection="strictly_confidential") if not a.kode6 else None,
                 ~Q(client__address_protection="confidential") if not a.kode7 else None,
                 Q(client__skjermet=False) if not a.skjermet else None):
        if cond is not None:
            visible &= cond
    who = Q(specialist_id=a.staff.pk) | Q(client__counsellor_id=a.staff.pk)
    if a.roles & SUPERVISOR_ROLES:
        who |= Q(office_id__in=a.office_ids)
    return visible & who


def sees_team_figures(user, office_id: int, team_size: int) -> bool:
    return can_supervise_office(user, office_id) and team_size >= STAFF_FIGURES_MIN_TEAM


# --- caseloads: handing out, transfer, cover during absence --------------------------------------
# Leaders (office and team leaders) hand out the caseloads of the offices they lead: they assign a
# client to a counsellor who serves the client's office and can see the client, and move a
# client's follow-up to another office (the old office then loses access: access follows the
# follow-up office). A colleague at the same office may cover a counsellor's caseload for a
# period: while the cover runs, the covered caseload is part of the colleague's own caseload
# (overview, counters and task inbox); it ends by itself after its last day. A cover never gives a
# clearance: a protected or skjermet client stays hidden from a colleague without it.


def can_hand_out(user, office_id: int) -> bool:
    """Assign and transfer the clients followed up by ``office_id``, set covers and the office's
    rules for handing out new clients: a leader at that office."""
    a = actor(user)
    return a.staff is not None and a.is_leader and office_id in a.office_ids


def require_hand_out(user, office_id: int, *, what: str, client_ids=()) -> None:
    if not can_hand_out(user, office_id):
        for cid in client_ids or (None,):
            audit.record(user, cid, audit.DENIED, what, why="leder ikke kontoret")
        raise AccessDenied(_("Bare ledere ved kontoret som følger opp brukeren kan fordele eller flytte den."),
                           field="office")


def staff_sees_client(staff, roles, client) -> bool:
    """Whether a staff member with ``roles`` (not the acting user: a counsellor a client is handed
    to) may see ``client``: follows up at the client's office, with the clearance the client
    needs. The same rules as ``can_see_client``."""
    if not frozenset(roles) & FOLLOWUP_ROLES or client.office_id not in staff.office_ids():
        return False
    if client.address_protection == "strictly_confidential" and not staff.clearance_strictly_confidential:
        return False
    if client.address_protection == "confidential" and not (staff.clearance_confidential or staff.clearance_strictly_confidential):
        return False
    return not (client.skjermet and not staff.clearance_skjermet)


def covered_staff_ids(user) -> frozenset:
    """The counsellors whose caseload ``user`` covers today (read once per request)."""
    cached = getattr(user, "_skreddersy_covering", None)
    if cached is not None:
        return cached
    a = actor(user)
    ids: frozenset = frozenset()
    if a.staff is not None and a.does_followup:
        from skreddersy.clients.models import Cover
        from skreddersy.core import clock

        today = clock.today()
        ids = frozenset(Cover.objects.filter(covering_id=a.staff.pk, start__lte=today, end__gte=today,
                                             ended_at__isnull=True, office_id__in=a.office_ids)
                        .values_list("covered_id", flat=True))
    if user is not None:
        user._skreddersy_covering = ids
    return ids


def caseload_ids(user) -> tuple:
    """The staff ids whose clients make up ``user``'s own caseload: the user, and the colleagues
    they cover today."""
    a = actor(user)
    if a.staff is None:
        return ()
    return (a.staff.pk, *sorted(covered_staff_ids(user)))


def caseload_q(user, prefix: str = "") -> Q:
    """A Q on Client (or, with ``prefix="client__"``, on a row with a client) keeping ``user``'s own
    caseload, covers included. Combine it with ``client_filter``: a cover gives no clearance."""
    ids = caseload_ids(user)
    if not ids:
        return Q(pk__in=[])
    if len(ids) == 1:
        return Q(**{f"{prefix}counsellor_id": ids[0]})
    return Q(**{f"{prefix}counsellor_id__in": ids})


# --- tailoring indicators and the calibration lab (insight, issue 15) --------------------------
# Staff figures rule (DESIGN.md): one counsellor's tailoring figures are shown to that counsellor
# only; leaders see their offices and teams (groups of 5 or more, suppressed below that);
# analysts see offices, counties and the country. Calibration answers are anonymous: a leader or
# analyst sees a round's results once it has closed, for 5 or more respondents.


def can_see_own_tailoring(user) -> bool:
    return actor(user).does_followup


def can_see_office_tailoring(user, office_id: int) -> bool:
    return is_analyst(user) or can_view_office(user, office_id)


def sees_team_tailoring(user, office_id: int) -> bool:
    """The team breakdown of an office: its leaders (not analysts, who see offices and up)."""
    return can_view_office(user, office_id)


def can_see_regional_tailoring(user) -> bool:
    return is_analyst(user)


def can_build_calibration(user) -> bool:
    a = actor(user)
    return is_analyst(user) or (a.staff is not None and Role.OFFICE_LEADER in a.roles)


def calibration_office_scope(user) -> frozenset | None:
    """Offices whose calibration results ``user`` may see (None: all): analysts all, leaders their own."""
    if is_analyst(user):
        return None
    a = actor(user)
    return a.office_ids if a.is_leader else frozenset()
