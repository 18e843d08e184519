"""JSON API for work with employers and job specialists at /api/v1/arbeid/: the same selectors
and services as the pages, so the same access rules and audit trail apply. Errors are 4xx JSON
with a field and a reason (skreddersy/api.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from skreddersy.work import selectors, services

router = Router(tags=["arbeid"])


class EmployerOut(Schema):
    id: int
    orgnr: str
    name: str
    municipality: str
    sector: str

    @staticmethod
    def of(e) -> dict:
        return dict(id=e.pk, orgnr=e.orgnr, name=e.name, municipality=e.municipality, sector=e.sector)


class EmployerIn(Schema):
    orgnr: str = Field(max_length=20)
    name: str = Field(max_length=200)
    municipality: str = Field(max_length=120)
    sector: str = "private"
    adaptations: str = Field("", max_length=4000)


class ContactIn(Schema):
    kind: str
    purpose: str
    outcome: str
    note: str = Field("", max_length=4000)
    field_minutes: int = Field(0, ge=0, le=720)


class ContactOut(Schema):
    id: int
    at: dt.datetime
    staff: str
    kind: str
    purpose: str
    outcome: str
    field_minutes: int


class ContactLogged(Schema):
    contact: ContactOut
    warnings: list[str]


class VacancyIn(Schema):
    title: str = Field(max_length=200)
    hours_per_week: Decimal = Field(gt=0, le=100)
    requirements: str = Field("", max_length=4000)
    deadline: dt.date | None = None


class VacancyOut(Schema):
    id: int
    title: str
    hours_per_week: Decimal
    deadline: dt.date | None


class EmployerRecordOut(Schema):
    employer: EmployerOut
    adaptations: str
    owner: str | None
    contacts: list[ContactOut]
    vacancies: list[VacancyOut]
    warnings: list[str]


def _contact(c) -> ContactOut:
    return ContactOut(id=c.pk, at=c.at, staff=c.staff.display_name, kind=c.kind, purpose=c.purpose, outcome=c.outcome,
                      field_minutes=c.field_minutes)


class CaseRowOut(Schema):
    id: int
    client_id: int
    name: str
    phase: str
    days_in_phase: int
    granted_until: dt.date
    first_contact_missed: bool
    renewal_due: bool
    place_and_pray_days: int | None
    overdue_follow_ups: int


class CaseloadOut(Schema):
    cap: int
    open: int
    rows: list[CaseRowOut]


def _row(r) -> CaseRowOut:
    c = r.case
    return CaseRowOut(id=c.pk, client_id=c.client_id, name=f"{c.client.first_name} {c.client.last_name}", phase=c.phase,
                      days_in_phase=r.days_in_phase, granted_until=c.granted_until, first_contact_missed=r.first_contact_missed,
                      renewal_due=r.renewal_due, place_and_pray_days=r.place_and_pray_days, overdue_follow_ups=r.overdue_follow_ups)


class PhaseIn(Schema):
    to_phase: str
    version: int
    reason: str = Field("", max_length=300)
    end_reason: str = ""


class StartIn(Schema):
    employer_orgnr: str = Field(max_length=20)
    job_title: str = Field(max_length=200)
    start_date: dt.date
    hours_per_week: Decimal = Field(gt=0, le=100)
    wage_type: str
    subsidy_plan: list[dict] = []


class StartOut(Schema):
    id: int
    employer: str
    job_title: str
    start_date: dt.date
    hours_per_week: Decimal
    wage_type: str
    follow_alongs_planned: int


class ReferIn(Schema):
    specialist_id: int = Field(gt=0, lt=2**63)
    over_cap_reason: str = Field("", max_length=300)


class CaseOut(Schema):
    id: int
    client_id: int
    specialist_id: int
    phase: str
    referred_on: dt.date
    granted_until: dt.date
    version: int


def _case(c) -> CaseOut:
    return CaseOut(id=c.pk, client_id=c.client_id, specialist_id=c.specialist_id, phase=c.phase, referred_on=c.referred_on,
                   granted_until=c.granted_until, version=c.version)


class FidelityIn(Schema):
    reviewed_on: dt.date
    scores: dict[str, StrictInt]  # a JSON whole number: true, 3.0 or "3" is refused, not read as a score
    notes: dict[str, str] = {}


class FidelityOut(Schema):
    id: int
    total: int
    band: str


class OutcomeCellOut(Schema):
    label: str
    share: float | None
    numerator: int | None
    denominator: int | None
    definition: str


class OutcomesOut(Schema):
    scope: str
    cells: list[OutcomeCellOut]
    starts_per_specialist_year: float | None


@router.get("/arbeidsgivere", response=list[EmployerOut], summary="Søk i arbeidsgiverregisteret (navn eller organisasjonsnummer)")
def employers(request, q: str = Query("", max_length=200)):
    return [EmployerOut.of(e) for e in selectors.search_employers(user=request.user, q=q)]


@router.post("/arbeidsgivere", response={201: EmployerOut}, summary="Registrer arbeidsgiver")
def employer_create(request, body: EmployerIn):
    e = services.create_employer(user=request.user, orgnr_value=body.orgnr, name=body.name, municipality=body.municipality,
                                 sector=body.sector, adaptations=body.adaptations)
    return Status(201, EmployerOut.of(e))


@router.get("/arbeidsgivere/{employer_id}", response=EmployerRecordOut, summary="Arbeidsgiver med kontaktlogg og stillinger")
def employer_detail(request, employer_id: int):
    r = selectors.employer_record(user=request.user, employer_id=employer_id)
    return EmployerRecordOut(employer=EmployerOut.of(r.employer), adaptations=r.employer.adaptations,
                             owner=r.employer.owner.display_name if r.employer.owner_id else None,
                             contacts=[_contact(c) for c in r.contacts],
                             vacancies=[VacancyOut(id=v.pk, title=v.title, hours_per_week=v.hours_per_week, deadline=v.deadline) for v in r.vacancies],
                             warnings=[w.text() for w in r.warnings])


@router.post("/arbeidsgivere/{employer_id}/kontakter", response={201: ContactLogged}, summary="Logg kontakt (med varsel om kollegers kontakt)")
def employer_contact(request, employer_id: int, body: ContactIn):
    e = selectors.get_employer(user=request.user, employer_id=employer_id)
    c, warnings = services.log_contact(user=request.user, employer=e, kind=body.kind, purpose=body.purpose, outcome=body.outcome,
                                       note=body.note, field_minutes=body.field_minutes)
    return Status(201, ContactLogged(contact=_contact(c), warnings=[w.text() for w in warnings]))


@router.post("/arbeidsgivere/{employer_id}/stillinger", response={201: VacancyOut}, summary="Registrer ledig stilling")
def employer_vacancy(request, employer_id: int, body: VacancyIn):
    e = selectors.get_employer(user=request.user, employer_id=employer_id)
    v = services.register_vacancy(user=request.user, employer=e, title=body.title, hours_per_week=body.hours_per_week,
                                  requirements=body.requirements, deadline=body.deadline)
    return Status(201, VacancyOut(id=v.pk, title=v.title, hours_per_week=v.hours_per_week, deadline=v.deadline))


@router.get("/kandidater", response=CaseloadOut, summary="Jobbspesialistens kandidater, det som haster først")
def caseload(request):
    load = selectors.my_caseload(user=request.user)
    return CaseloadOut(cap=load.cap, open=load.open_count, rows=[_row(r) for r in load.rows])


@router.get("/kandidater/{case_id}", response=CaseOut, summary="En kandidats oppfølging")
def case_detail(request, case_id: int):
    return _case(selectors.case_trail(user=request.user, case_id=case_id).case)


@router.post("/kandidater/{case_id}/fase", response=CaseOut, summary="Flytt kandidaten framover, eller avslutt med grunn")
def case_phase(request, case_id: int, body: PhaseIn):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: fase")
    return _case(services.change_phase(user=request.user, case=c, to_phase=body.to_phase, version=body.version, reason=body.reason,
                                       end_reason=body.end_reason))


@router.post("/kandidater/{case_id}/jobbstart", response={201: StartOut}, summary="Registrer jobbstart")
def case_start(request, case_id: int, body: StartIn):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: jobbstart")
    e = selectors.find_employer(user=request.user, number=body.employer_orgnr, field="employer_orgnr")
    s = services.record_start(user=request.user, case=c, employer=e, job_title=body.job_title, start_date=body.start_date,
                              hours_per_week=body.hours_per_week, wage_type=body.wage_type, subsidy_plan=body.subsidy_plan)
    return Status(201, StartOut(id=s.pk, employer=e.name, job_title=s.job_title, start_date=s.start_date, hours_per_week=s.hours_per_week,
                                wage_type=s.wage_type, follow_alongs_planned=s.follow_alongs.count()))


@router.post("/brukere/{client_id}/henvisning", response={201: CaseOut}, summary="Henvis bruker til jobbspesialist (seks måneder)")
def refer(request, client_id: int, body: ReferIn):
    client = selectors.get_client(user=request.user, client_id=client_id, what="jobbspesialist: henvis")
    specialist = selectors.get_staff(user=request.user, staff_id=body.specialist_id)
    return Status(201, _case(services.refer_to_specialist(user=request.user, client=client, specialist=specialist,
                                                          over_cap_reason=body.over_cap_reason)))


@router.post("/team/{team_id}/troskap", response={201: FidelityOut}, summary="Troskapsmåling (IPS-25) for et team")
def fidelity(request, team_id: int, body: FidelityIn):
    data = selectors.fidelity_reviews(user=request.user, team_id=team_id)
    r = services.save_fidelity_review(user=request.user, team=data["team"], reviewed_on=body.reviewed_on, scores=body.scores, notes=body.notes)
    from skreddersy.core import reference
    from skreddersy.work import rules

    return Status(201, FidelityOut(id=r.pk, total=r.total, band=rules.fidelity_band(r.total, reference.ips_fidelity())["key"]))


@router.get("/resultater", response=OutcomesOut, summary="Resultater: egne, eller teamets (team med minst 5)")
def outcomes(request, office_id: int | None = Query(None, gt=0, lt=2**63)):
    o = selectors.outcomes(user=request.user, scope="office" if office_id else "mine", office_id=office_id)
    return OutcomesOut(scope=o.scope, starts_per_specialist_year=o.starts_per_specialist_year,
                       cells=[OutcomeCellOut(label=c.label, share=c.share, numerator=None if c.suppressed else c.numerator,
                                             denominator=None if c.suppressed else c.denominator, definition=c.definition)
                              for c in o.cells])
