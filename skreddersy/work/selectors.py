"""Every read in work with employers and job specialists, scoped by the access policy. Reads of
a client's data are audited; the employer register holds no client data."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from skreddersy.clients.models import Client
from skreddersy.core import audit, clock, collation, orgnr, reference
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import Role, StaffMember, Team
from skreddersy.policy import access
from skreddersy.work import rules
from skreddersy.work.models import (
    PHASE_ORDER,
    Employer,
    EmployerContact,
    FidelityReview,
    FollowAlong,
    IpsCase,
    JobProfile,
    JobStart,
    OfficeWorkSettings,
    PresentationConsent,
    StartCheckpoint,
    SuitabilityAssessment,
    add_months,
)

SEARCH_LIMIT = 25
MAX_ID = 2**63 - 1


def _pk(value) -> int:
    """An id from a URL or a form, or NotFound: ids beyond the 64-bit column are no row."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < n <= MAX_ID:
        raise NotFound()
    return n
MIN_GROUP = access.STAFF_FIGURES_MIN_TEAM  # the same 5 as every small-group rule


# --- employers -----------------------------------------------------------------------------------

def search_employers(*, user, q: str = "", limit: int = SEARCH_LIMIT) -> list[Employer]:
    """Employers by organisation number (all or the first digits) or by the start of the name, in
    Norwegian alphabetical order. Both searches are index range scans (number; name key)."""
    access.require_employer_register(user, what="arbeidsgiver: søk")
    text = (q or "").strip()[:200]
    qs = Employer.objects.only("id", "orgnr", "name", "municipality", "sector", "owner_id")
    digits = orgnr.normalise(text)
    if not text:
        rows = qs.order_by("name_key", "id")[:limit]
    elif digits.isascii() and digits.isdigit():
        rows = qs.filter(orgnr__gte=digits, orgnr__lt=digits + ":").order_by("orgnr")[:limit]
    else:
        key = collation.sort_key(text)
        rows = qs.filter(name_key__gte=key, name_key__lt=key + b"\xff").order_by("name_key", "id")[:limit]
    return list(rows)


@dataclass
class EmployerRecord:
    employer: Employer
    contact_persons: list
    contacts: list
    vacancies: list
    warnings: list
    fields_for_candidates: int


def employer_record(*, user, employer_id: int) -> EmployerRecord:
    employer_id = _pk(employer_id)
    access.require_employer_register(user, what="arbeidsgiver: les")
    employer = Employer.objects.select_related("owner").filter(pk=employer_id).first()
    if employer is None:
        raise NotFound(_("Fant ikke arbeidsgiveren."))
    contacts = list(employer.contacts.select_related("staff").order_by("-at", "-id")[:50])
    now = clock.now()
    recent = [(c.staff_id, c.staff.display_name, c.at) for c in contacts if c.at >= now - dt.timedelta(days=rules.OVERLAP_DAYS)]
    owner = [(employer.owner_id, employer.owner.display_name, None)] if employer.owner_id else []
    staff = access.actor(user).staff
    warnings = rules.overlap_warnings(employer, staff.pk if staff else -1, now, owner + recent)
    return EmployerRecord(
        employer=employer,
        contact_persons=list(employer.contact_persons.order_by("name")),
        contacts=contacts,
        vacancies=list(employer.vacancies.filter(status="open").order_by("deadline", "id")),
        warnings=warnings,
        fields_for_candidates=sum(1 for c in contacts if c.case_id),
    )


def get_employer(*, user, employer_id) -> Employer:
    employer_id = _pk(employer_id)
    access.require_employer_register(user, what="arbeidsgiver: les")
    employer = Employer.objects.filter(pk=employer_id).first()
    if employer is None:
        raise NotFound(_("Fant ikke arbeidsgiveren."), field="employer")
    return employer


def get_vacancy(*, user, vacancy_id):
    vacancy_id = _pk(vacancy_id)
    access.require_employer_register(user, what="arbeidsgiver: les")
    from skreddersy.work.models import Vacancy

    vacancy = Vacancy.objects.filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound(_("Fant ikke stillingen."), field="vacancy")
    return vacancy


# --- cases ---------------------------------------------------------------------------------------

def _case_qs(user):
    return IpsCase.objects.filter(access.ips_case_filter(user))


def get_case(*, user, case_id, what: str = "jobbspesialist: les") -> IpsCase:
    """One case the user may see (audited); a case they may not see answers as one that does not exist."""
    case_id = _pk(case_id)
    case = IpsCase.objects.select_related("client", "specialist", "office").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Fant ikke kandidaten."))
    if not _case_qs(user).filter(pk=case.pk).exists():
        audit.record(user, case.client_id, audit.DENIED, what, why="ingen tilgang")
        raise NotFound(_("Fant ikke kandidaten."))
    audit.record(user, case.client_id, audit.READ, what, obj=case)
    return case


@dataclass
class CaseRow:
    case: IpsCase
    days_in_phase: int
    first_contact_missed: bool
    renewal_due: bool
    place_and_pray_days: int | None
    overdue_follow_ups: int


@dataclass
class Caseload:
    specialist: StaffMember
    rows: list[CaseRow]
    cap: int
    per_phase: dict[str, int]

    @property
    def open_count(self) -> int:
        return len(self.rows)

    @property
    def over_cap(self) -> bool:
        return self.open_count > self.cap


def _case_rows(cases: list[IpsCase], today: dt.date) -> list[CaseRow]:
    """Flags for a list of cases in a fixed number of queries (three grouped reads)."""
    ids = [c.pk for c in cases]
    first_contact = dict(EmployerContact.objects.filter(case_id__in=ids).values("case_id")
                         .annotate(first=Min("at")).values_list("case_id", "first"))
    starts = list(JobStart.objects.filter(case_id__in=ids).values("id", "case_id", "start_date", "ended_on"))
    start_ids = [s["id"] for s in starts]
    last_fa = dict(FollowAlong.objects.filter(start_id__in=start_ids, done_at__isnull=False).values("start_id")
                   .annotate(last=Max("done_at")).values_list("start_id", "last"))
    overdue = dict(FollowAlong.objects.filter(start_id__in=start_ids, done_at__isnull=True, planned_on__lt=today)
                   .values("start_id").annotate(n=Count("id")).values_list("start_id", "n"))
    last_emp = dict(EmployerContact.objects.filter(case_id__in=ids, purpose=EmployerContact.Purpose.FOLLOW_ALONG)
                    .values("case_id").annotate(last=Max("at")).values_list("case_id", "last"))
    by_case = defaultdict(list)
    for s in starts:
        by_case[s["case_id"]].append(s)
    rows = []
    for c in cases:
        pp = None
        n_overdue = 0
        for s in by_case.get(c.pk, []):
            lasts = [d.date() for d in (last_fa.get(s["id"]), last_emp.get(c.pk)) if d is not None]
            days = rules.place_and_pray(s["start_date"], s["ended_on"], max(lasts) if lasts else None, today)
            if days is not None and c.phase in ("in_work", "follow_along"):
                pp = max(pp or 0, days)
            n_overdue += overdue.get(s["id"], 0)
        fc = first_contact.get(c.pk)
        rows.append(CaseRow(
            case=c,
            days_in_phase=(today - c.phase_since).days,
            first_contact_missed=c.phase in PHASE_ORDER[:4] and rules.first_contact_missed(c.referred_on, fc.date() if fc else None, today),
            renewal_due=rules.renewal_due(c.granted_until, today),
            place_and_pray_days=pp,
            overdue_follow_ups=n_overdue,
        ))
    return rows


def my_caseload(*, user) -> Caseload:
    """The job specialist's own open candidates, with what needs action flagged."""
    a = access.actor(user)
    if a.staff is None or Role.JOB_SPECIALIST not in a.roles:
        audit.record(user, None, audit.DENIED, "jobbspesialist: kandidater", why="ikke jobbspesialist")
        raise AccessDenied(_("Siden er for jobbspesialister."))
    return _caseload(user, a.staff)


def _caseload(user, specialist: StaffMember) -> Caseload:
    today = clock.today()
    cases = list(_case_qs(user).filter(specialist=specialist).exclude(phase=IpsCase.Phase.ENDED)
                 .select_related("client").order_by("phase_since", "id"))
    rows = _case_rows(cases, today)
    rows.sort(key=lambda r: (r.place_and_pray_days is None, not r.first_contact_missed, not r.renewal_due,
                             -r.overdue_follow_ups, r.case.client.sort_key, r.case.pk))
    audit.record_reads(user, [c.client_id for c in cases], "jobbspesialist: kandidater")
    offices = {c.office_id for c in cases} or set(specialist.office_ids())
    cap = min((_cap(o) for o in offices), default=rules.DEFAULT_CAP)
    return Caseload(specialist=specialist, rows=rows, cap=cap, per_phase=dict(Counter(c.phase for c in cases)))


def _cap(office_id: int) -> int:
    row = OfficeWorkSettings.objects.filter(office_id=office_id).first()
    return row.caseload_cap if row else rules.DEFAULT_CAP


@dataclass
class Trail:
    case: IpsCase
    changes: list
    starts: list
    contacts: list
    profile: JobProfile | None
    presentations: list
    consents: list
    assessments: list
    next_phases: list
    row: CaseRow
    today: dt.date


def case_trail(*, user, case_id) -> Trail:
    case = get_case(user=user, case_id=case_id, what="jobbspesialist: arbeidsspor")
    starts = list(case.starts.select_related("employer").prefetch_related(
        Prefetch("follow_alongs", queryset=FollowAlong.objects.order_by("planned_on", "id")),
        Prefetch("checkpoints", queryset=StartCheckpoint.objects.order_by("month"))))
    today = clock.today()
    for s in starts:
        s.due_checkpoints = [m for m in rules.CHECKPOINT_MONTHS if add_months(s.start_date, m) <= today
                             and m not in {cp.month for cp in s.checkpoints.all()}]
    i = PHASE_ORDER.index(case.phase)
    nxt = [(p, IpsCase.Phase(p).label) for p in PHASE_ORDER[i + 1:]] if case.phase != "ended" else []
    return Trail(
        case=case,
        changes=list(case.phase_changes.select_related("by")),
        starts=starts,
        contacts=list(case.employer_contacts.select_related("employer", "staff").order_by("-at")[:50]),
        profile=JobProfile.objects.filter(client_id=case.client_id).first(),
        presentations=list(case.client.presentations.select_related("employer", "vacancy").order_by("-at")),
        consents=list(PresentationConsent.objects.filter(client_id=case.client_id).select_related("employer").order_by("-given_at")),
        assessments=list(SuitabilityAssessment.objects.filter(client_id=case.client_id).select_related("employer").order_by("-at")[:20]),
        next_phases=nxt,
        row=_case_rows([case], today)[0],
        today=today,
    )


def client_work(*, user, client: Client) -> dict:
    """The work panel on the person page: the open case (if any), the job profile, and whether
    the user may refer. The caller has already shown the client (and audited it)."""
    access.require_client(user, client, what="jobbspesialist: panel")
    case = _case_qs(user).filter(client=client).exclude(phase=IpsCase.Phase.ENDED).select_related("specialist").first()
    any_case = IpsCase.objects.filter(client=client).exclude(phase=IpsCase.Phase.ENDED).exists()
    specialists = [] if any_case else list(
        StaffMember.objects.filter(roles__role=Role.JOB_SPECIALIST, memberships__office_id=client.office_id)
        .annotate(open=Count("ips_caseload", filter=~Q(ips_caseload__phase="ended"))).order_by("display_name"))
    audit.record(user, client.pk, audit.READ, "jobbspesialist: panel")
    return {"case": case, "has_case": any_case, "profile": JobProfile.objects.filter(client=client).first(),
            "specialists": specialists, "cap": _cap(client.office_id)}


def get_client(*, user, client_id, what: str) -> Client:
    """A client whose work page the user may use: Nav staff with a follow-up role who may see the
    client (the page holds Nav's assessments, so a client login is refused too). A client the user
    may not see answers as one that does not exist; the attempt is audited."""
    client_id = _pk(client_id)
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Fant ikke brukeren."))
    try:
        access.require_nav(user, client, what=what)
    except AccessDenied:
        raise NotFound(_("Fant ikke brukeren.")) from None
    return client


def get_staff(*, user, staff_id) -> StaffMember:
    try:
        staff_id = _pk(staff_id)
    except NotFound:
        raise InvalidInput(_("Ukjent jobbspesialist."), field="specialist") from None
    staff = StaffMember.objects.filter(pk=staff_id).first()
    if staff is None:
        raise InvalidInput(_("Ukjent jobbspesialist."), field="specialist")
    return staff


def _hidden(user, client_id: int, what: str, message: str):
    """A row the user may not see answers as one that does not exist; the attempt is audited."""
    audit.record(user, client_id, audit.DENIED, what, why="ingen tilgang")
    return NotFound(message)


def get_follow_along(*, user, follow_along_id, case_id=None) -> FollowAlong:
    """A follow-along the user may work (of the case ``case_id`` when given, as in its URL)."""
    follow_along_id = _pk(follow_along_id)
    fa = FollowAlong.objects.select_related("start__case__client").filter(pk=follow_along_id).first()
    if fa is None or (case_id is not None and fa.start.case_id != _pk(case_id)):
        raise NotFound(_("Fant ikke oppfølgingen."))
    if not access.can_work_case(user, fa.start.case):
        raise _hidden(user, fa.start.case.client_id, "jobbspesialist: oppfølging i jobb", "Fant ikke oppfølgingen.")
    return fa


def get_start(*, user, start_id, case_id=None) -> JobStart:
    """A job start the user may work (of the case ``case_id`` when given, as in its URL)."""
    start_id = _pk(start_id)
    s = JobStart.objects.select_related("case__client").filter(pk=start_id).first()
    if s is None or (case_id is not None and s.case_id != _pk(case_id)):
        raise NotFound(_("Fant ikke jobbstarten."))
    if not access.can_work_case(user, s.case):
        raise _hidden(user, s.case.client_id, "jobbspesialist: status etter start", "Fant ikke jobbstarten.")
    return s


def get_consent(*, user, consent_id, client_id=None) -> PresentationConsent:
    """A consent on a client's record the user may work as Nav (of ``client_id`` when given)."""
    consent_id = _pk(consent_id)
    c = PresentationConsent.objects.select_related("client", "employer").filter(pk=consent_id).first()
    if c is None or (client_id is not None and c.client_id != _pk(client_id)):
        raise NotFound(_("Fant ikke samtykket."))
    if not (access.can_see_client(user, c.client) and access.can_act_for_nav(user)):
        raise _hidden(user, c.client_id, "kandidat: samtykke trukket", "Fant ikke samtykket.")
    return c


# --- supervisor, field time, outcomes ------------------------------------------------------------

@dataclass
class SpecialistLine:
    specialist: StaffMember
    caseload: int
    cap: int
    per_phase: dict
    overdue_follow_ups: int
    place_and_pray: list  # CaseRow


@dataclass
class TeamFigures:
    shown: bool
    specialists: int
    contacts_7_days: int | None = None
    new_employers_week: int | None = None
    starts_this_year: int | None = None
    starts_target: int | None = None
    field_share: float | None = None


@dataclass
class SupervisorPage:
    office_id: int
    lines: list[SpecialistLine]
    team: TeamFigures
    phases: list


def supervisor_page(*, user, office_id: int) -> SupervisorPage:
    """The method supervisor's page for an office: each job specialist's caseload, candidates per
    phase and overdue follow-ups (with the candidates who have gone 14 days without one), and
    the team's figures (employer contacts, new employers, starts against target, field time) for
    teams of 5 or more (staff figures rule)."""
    if not access.can_supervise_office(user, office_id):
        audit.record(user, None, audit.DENIED, "jobbspesialist: metodeveileder", why="ikke metodeveileder ved kontoret")
        raise AccessDenied(_("Siden er for metodeveiledere og ledere ved kontoret."))
    today = clock.today()
    specialists = list(StaffMember.objects.filter(roles__role=Role.JOB_SPECIALIST, memberships__office_id=office_id)
                       .distinct().order_by("display_name"))
    cases = list(_case_qs(user).filter(office_id=office_id).exclude(phase=IpsCase.Phase.ENDED).select_related("client"))
    rows = _case_rows(cases, today)
    by_spec = defaultdict(list)
    for r in rows:
        by_spec[r.case.specialist_id].append(r)
    cap = _cap(office_id)
    lines = [SpecialistLine(specialist=s, caseload=len(by_spec[s.pk]), cap=cap,
                            per_phase=dict(Counter(r.case.phase for r in by_spec[s.pk])),
                            overdue_follow_ups=sum(r.overdue_follow_ups for r in by_spec[s.pk]),
                            place_and_pray=[r for r in by_spec[s.pk] if r.place_and_pray_days is not None])
             for s in specialists]
    audit.record_reads(user, [r.case.client_id for line in lines for r in line.place_and_pray], "jobbspesialist: metodeveileder")
    team = TeamFigures(shown=access.sees_team_figures(user, office_id, len(specialists)), specialists=len(specialists))
    if team.shown:
        ids = [s.pk for s in specialists]
        week_start = today - dt.timedelta(days=today.weekday())
        contacts = EmployerContact.objects.filter(staff_id__in=ids)
        team.contacts_7_days = contacts.filter(at__gte=_day_start(today - dt.timedelta(days=6))).count()
        # employers the team contacted this week for the first time (ranges on (staff, at): index scans)
        team.new_employers_week = (contacts.values("employer_id").annotate(first=Min("at"))
                                   .filter(first__gte=_day_start(week_start)).count())
        team.starts_this_year = JobStart.objects.filter(case__office_id=office_id, start_date__year=today.year).count()
        settings_row = OfficeWorkSettings.objects.filter(office_id=office_id).first()
        team.starts_target = (settings_row.job_starts_target if settings_row else 9) * len(specialists)
        team.field_share = field_share(staff_ids=ids, until=today)
    return SupervisorPage(office_id=office_id, lines=lines, team=team, phases=[(p, IpsCase.Phase(p).label) for p in PHASE_ORDER[:-1]])


def _day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day`` (a range on the column, not a cast per row)."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def field_share(*, staff_ids: list[int], until: dt.date, weeks: int = 4) -> float | None:
    """Share of working time spent out of the office over the last ``weeks`` weeks: minutes
    recorded on employer contacts and follow-along support, over full-time weeks."""
    since = until - dt.timedelta(weeks=weeks)
    lo, hi = _day_start(since + dt.timedelta(days=1)), _day_start(until + dt.timedelta(days=1))
    m1 = EmployerContact.objects.filter(staff_id__in=staff_ids, at__gte=lo, at__lt=hi).aggregate(s=Sum("field_minutes"))["s"] or 0
    m2 = (FollowAlong.objects.filter(start__case__specialist_id__in=staff_ids, done_at__gte=lo, done_at__lt=hi)
          .aggregate(s=Sum("field_minutes"))["s"] or 0)
    if not staff_ids:
        return None
    return (m1 + m2) / (rules.WORKING_MINUTES_PER_WEEK * weeks * len(staff_ids))


def my_field_time(*, user) -> dict:
    a = access.actor(user)
    if a.staff is None:
        audit.record(user, None, audit.DENIED, "jobbspesialist: tid ute", why="ikke Nav-ansatt")
        raise AccessDenied(_("Bare Nav-ansatte."))
    share = field_share(staff_ids=[a.staff.pk], until=clock.today())
    return {"share": share, "target": rules.FIELD_TIME_TARGET}


@dataclass
class OutcomeCell:
    label: str
    numerator: int | None
    denominator: int
    definition: str

    @property
    def suppressed(self) -> bool:
        return self.denominator < MIN_GROUP

    @property
    def share(self) -> float | None:
        if self.suppressed or self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass
class Outcomes:
    scope: str
    cells: list[OutcomeCell]
    starts_per_specialist_year: float | None
    mean_hours: float | None
    mean_hours_n: int


def outcomes(*, user, scope: str, office_id: int | None = None) -> Outcomes:
    """Outcomes for the user's own candidates (scope "mine"), or for an office's team (scope
    "office": supervisors and leaders, teams of 5 or more). Groups under 5 are suppressed (no
    share is shown), and the page states each measure's numerator and denominator."""
    a = access.actor(user)
    if a.staff is None:
        audit.record(user, None, audit.DENIED, "jobbspesialist: resultater", why="ikke Nav-ansatt")
        raise AccessDenied(_("Bare Nav-ansatte."))
    if scope == "mine":
        cases = IpsCase.objects.filter(specialist=a.staff)
        n_specialists = 1
    elif scope == "office" and office_id is not None:
        n_specialists = StaffMember.objects.filter(roles__role=Role.JOB_SPECIALIST, memberships__office_id=office_id).distinct().count()
        if not access.sees_team_figures(user, office_id, n_specialists):
            audit.record(user, None, audit.DENIED, "jobbspesialist: resultater", why="ikke metodeveileder, eller team under 5")
            raise AccessDenied(_("Resultater for et team vises for metodeveiledere og ledere ved kontoret, for team med minst 5 jobbspesialister."))
        cases = IpsCase.objects.filter(office_id=office_id)
    else:
        raise InvalidInput(_("Ukjent utvalg."), field="scope")
    today = clock.today()
    year_ago = add_months(today, -12)
    matured = list(cases.filter(referred_on__lte=year_ago).values_list("id", "referred_on"))
    matured_ids = {cid: on for cid, on in matured}
    starts = list(JobStart.objects.filter(case__in=cases).values("id", "case_id", "start_date", "wage_type", "hours_per_week"))
    in_work = {s["case_id"] for s in starts if s["case_id"] in matured_ids and s["wage_type"] == JobStart.WageType.ORDINARY
               and s["start_date"] <= add_months(matured_ids[s["case_id"]], 12)}
    cells = [OutcomeCell(_("I ordinært arbeid innen 12 måneder etter henvisning"), len(in_work), len(matured),
                         _("Kandidater med en jobbstart med ordinær lønn innen 12 måneder etter henvisningen, av kandidater henvist for minst 12 måneder siden."))]
    cps = list(StartCheckpoint.objects.filter(start_id__in=[s["id"] for s in starts]).values("start_id", "month", "still_working", "hours_per_week"))
    by_month = defaultdict(list)
    for cp in cps:
        by_month[cp["month"]].append(cp)
    for m in (3, 6, 12):
        rows = by_month.get(m, [])
        cells.append(OutcomeCell(_("I arbeid %(m)s måneder etter start") % {"m": m}, sum(1 for r in rows if r["still_working"]), len(rows),
                                 _("Jobbstarter der kandidaten fortsatt var i arbeid ved statusen etter %(m)s måneder, av jobbstarter med registrert status.") % {"m": m}))
    this_year = [s for s in starts if s["start_date"].year == today.year]
    latest = {}
    for cp in sorted(cps, key=lambda r: r["month"]):
        if cp["still_working"] and cp["hours_per_week"] is not None:
            latest[cp["start_id"]] = float(cp["hours_per_week"])
    mean_hours = sum(latest.values()) / len(latest) if len(latest) >= MIN_GROUP else None
    days = (today - dt.date(today.year, 1, 1)).days + 1
    per_year = len(this_year) / n_specialists * 365 / days if n_specialists and (scope == "mine" or len(this_year) >= MIN_GROUP) else None
    audit.record(user, None, audit.READ, "jobbspesialist: resultater", why=scope)
    return Outcomes(scope=scope, cells=cells, starts_per_specialist_year=per_year, mean_hours=mean_hours, mean_hours_n=len(latest))


# --- fidelity ------------------------------------------------------------------------------------

def fidelity_reviews(*, user, team_id) -> dict:
    team_id = _pk(team_id)
    team = Team.objects.filter(pk=team_id).select_related("office").first()
    if team is None:
        raise NotFound(_("Fant ikke teamet."))
    if not access.can_supervise_office(user, team.office_id):
        audit.record(user, None, audit.DENIED, "jobbspesialist: troskapsmåling", why="ikke metodeveileder ved kontoret")
        raise AccessDenied(_("Troskapsmålinger er for metodeveiledere og ledere ved teamets kontor."))
    scale = reference.ips_fidelity()
    reviews = list(FidelityReview.objects.filter(team=team).select_related("reviewer"))
    for r in reviews:
        r.band = rules.fidelity_band(r.total, scale)
    return {"team": team, "reviews": reviews, "scale": scale}


def supervised_teams(*, user) -> list[Team]:
    a = access.actor(user)
    if a.staff is None:
        return []
    return [t for t in Team.objects.filter(office_id__in=a.office_ids).select_related("office").order_by("office__name", "name")
            if access.can_supervise_office(user, t.office_id)]


def get_team(*, user, team_id) -> Team:
    team_id = _pk(team_id)
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("Fant ikke teamet."))
    return team


def supervised_offices(*, user) -> list:
    from skreddersy.core.models import Office

    a = access.actor(user)
    return [o for o in Office.objects.filter(pk__in=a.office_ids).order_by("name") if access.can_supervise_office(user, o.pk)]


def find_employer(*, user, number: str, field: str = "employer") -> Employer:
    """The employer with this organisation number, for forms that name one by number."""
    access.require_employer_register(user, what="arbeidsgiver: les")
    try:
        digits = orgnr.parse(number)
    except orgnr.InvalidOrganisationNumber as exc:
        raise InvalidInput(exc.translated(), field=field) from None
    employer = Employer.objects.filter(orgnr=digits).first()
    if employer is None:
        raise InvalidInput(_("Arbeidsgiveren finnes ikke i registeret. Registrer den først."), field=field)
    return employer


def case_for_client_page(*, user, client_id) -> dict:
    """Everything the client's work page needs (profile, the open case, consents, presentations)."""
    client = get_client(user=user, client_id=client_id, what="jobbprofil: les")
    return {"client": client, **client_work(user=user, client=client),
            "consents": list(PresentationConsent.objects.filter(client=client).select_related("employer").order_by("-given_at")),
            "presentations": list(client.presentations.select_related("employer", "vacancy").order_by("-at")),
            "assessments": list(SuitabilityAssessment.objects.filter(client=client).select_related("employer").order_by("-at")[:20])}


def get_office(*, user, office_id):
    office_id = _pk(office_id)
    from skreddersy.core.models import Office

    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise NotFound(_("Fant ikke kontoret."))
    if not access.can_supervise_office(user, office.pk):
        audit.record(user, None, audit.DENIED, "jobbspesialist: kontorinnstillinger", why="ikke metodeveileder ved kontoret")
        raise NotFound(_("Fant ikke kontoret."))
    return office
