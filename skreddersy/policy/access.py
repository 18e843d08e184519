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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from skreddersy.core import audit
from skreddersy.core.errors import AccessDenied, Hidden
from skreddersy.core.models import Role

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
    roles: frozenset = frozenset()
    offices: frozenset = frozenset()
    if user is not None and user.is_authenticated:
        if user.kind == "client":
            client = getattr(user, "client", None) if _has_client(user) else None
            client_id = client.pk if client else None
        else:
            staff, roles, offices = _load_staff(user)
    a = _make_actor(user, staff, client_id, roles, offices)
    if user is not None:
        user._skreddersy_actor = a
    return a


def _make_actor(user, staff, client_id, roles, offices) -> Actor:
    return Actor(
        user=user,
        staff=staff,
        client_id=client_id,
        roles=roles,
        office_ids=offices,
        kode6=bool(staff and staff.clearance_strictly_confidential),
        kode7=bool(staff and (staff.clearance_confidential or staff.clearance_strictly_confidential)),
        skjermet=bool(staff and staff.clearance_skjermet),
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
        roles = frozenset(r[-3] for r in rows if r[-3])
        offices = frozenset(r[-2] for r in rows if r[-2] is not None)
        staff._role_set, staff._office_ids = roles, offices
        staff.user = user
    client_id = first[-1] if user.kind == User.Kind.CLIENT else None
    user._skreddersy_actor = _make_actor(user, staff, client_id, roles, offices)
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
        f"SELECT {', '.join(user_cols + staff_cols)}, r.role, m.office_id, c.id FROM {q(User._meta.db_table)} u"
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


def require_client(user, client, *, what: str) -> None:
    """Raise ``Hidden`` (an ``AccessDenied`` that answers 404, like a missing record, so ids
    cannot be probed) and audit the attempt, unless ``user`` may see ``client``."""
    _require_seen(user, client, what)


def _require_seen(user, client, what: str) -> None:
    if not can_see_client(user, client):
        audit.record(user, client.pk, audit.DENIED, what, why="ingen tilgang")
        raise Hidden("Du har ikke tilgang til denne brukeren.")


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
        raise AccessDenied("Bare Nav-ansatte med oppfølgingsrolle kan gjøre dette.")


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
        raise AccessDenied("Bare brukeren selv kan gjøre dette.")


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
        raise AccessDenied("Arbeidsgiverregisteret er for Nav-ansatte som følger opp brukere og markedskontakter.")


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
        raise AccessDenied("Du følger ikke opp denne kandidaten.")


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
