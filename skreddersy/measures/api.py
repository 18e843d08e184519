"""JSON API for measures at /api/v1/tiltak/: the same selectors and services as the pages, so the
same access rules and audit trail apply. Errors are 4xx JSON with a field and a reason."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ninja import Query, Router, Schema, Status

from skreddersy.core import clock
from skreddersy.measures import selectors, services

if TYPE_CHECKING:
    from skreddersy.measures.models import MeasureOffering, Referral

router = Router(tags=["tiltak"])


# --- schemas ---------------------------------------------------------------------------------------

class TypeOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    typical_weeks: int | None
    eligible_groups: list[str]
    addresses: list[str]
    priority_groups: list[str]
    active: bool


class OfferingOut(Schema):
    id: int
    title: str
    type_code: str
    type_name: str
    provider: str
    county_id: int
    municipality: str
    address: str
    is_digital: bool
    start_date: dt.date
    end_date: dt.date | None
    capacity: int
    free_places: int
    waiting: int
    waiting_weeks: int | None
    language: str
    schedule: str
    content: str
    contact_name: str
    status: str

    @staticmethod
    def of(o: MeasureOffering) -> dict:
        return dict(id=o.pk, title=o.title, type_code=o.measure_type.code, type_name=o.measure_type.name, provider=o.provider.name,
                    county_id=o.county_id, municipality=o.municipality, address=o.address, is_digital=o.is_digital,
                    start_date=o.start_date, end_date=o.end_date, capacity=o.capacity, free_places=o.free_places,
                    waiting=getattr(o, "waiting_count", 0), waiting_weeks=getattr(o, "waiting_weeks", None), language=o.language,
                    schedule=o.schedule, content=o.content, contact_name=o.contact_name, status=o.status)


class CataloguePage(Schema):
    count: int
    page: int
    pages: int
    items: list[OfferingOut]


class MatchRowOut(Schema):
    rank: int
    offering_id: int
    title: str
    type_code: str
    type_name: str
    provider: str
    municipality: str
    fit: float
    needs: float
    goals: float
    travel: float
    language_fit: float
    explanation: str
    distance_km: float | None
    language: str
    start_date: dt.date | None
    # separate columns, never part of the rank:
    free_places: int | None
    waiting: int | None
    waiting_weeks: int | None
    availability: str
    office_expects_fill: bool
    office_expectation: str


class MatchOut(Schema):
    client_id: int
    offerings_in_county: int
    eligible: int
    excluded: dict[str, int]
    severity: dict[str, int]
    severity_source: dict[str, str]
    rows: list[MatchRowOut]


class ChooseIn(Schema):
    offering_id: int
    reason: str = ""
    waiting_list: bool = True


class ReferralIn(Schema):
    client_id: int
    offering_id: int
    waiting_list: bool = True


class ReferralOut(Schema):
    id: int
    client_id: int
    offering_id: int
    offering_title: str
    status: str
    waiting_position: int | None
    reason: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_on: dt.date | None

    @staticmethod
    def of(r: Referral, position: int | None = None) -> dict:
        return dict(id=r.pk, client_id=r.client_id, offering_id=r.offering_id, offering_title=r.offering.title, status=r.status,
                    waiting_position=position if position is not None else getattr(r, "position", None),
                    reason=r.reason, created_at=r.created_at, accepted_at=r.accepted_at, ended_on=r.ended_on)


class ChoiceOut(Schema):
    id: int
    fit_rank: int
    fit_score: float
    reason: str
    referral: ReferralOut


class ReasonIn(Schema):
    reason: str


class CompleteIn(Schema):
    ended_on: dt.date | None = None


class OutcomeIn(Schema):
    months: int
    status: str


class OutcomeOut(Schema):
    id: int
    referral_id: int
    months: int
    status: str


class PreferenceIn(Schema):
    wanted_domains: list[str] = []
    preferred_types: list[str] = []
    max_travel_km: int | None = None
    preferred_language: str = ""
    note: str = ""


class PreferenceOut(PreferenceIn):
    client_id: int


class AllocationRowOut(Schema):
    allocation_id: int
    measure_type: str
    priority_group: str
    places: int
    budget: int
    used: int
    free: int
    expected_filled: int
    expected_unfilled: int
    waiting: int


class ExpectedFillIn(Schema):
    expected_filled: int


class TargetIn(Schema):
    year: int
    measure_type: str
    priority_group: str = ""
    places: int
    budget: int = 0


class AllocateIn(Schema):
    places: int
    budget: int = 0


class IdOut(Schema):
    id: int
    places: int
    budget: int


class OutcomeRowOut(Schema):
    key: int
    label: str
    months: int
    suppressed: bool
    clients: int
    counts: dict[str, int]
    shares: dict[str, int]


class CatalogueQuery(Schema):
    domain: str = ""
    need_group: str = ""
    type_code: str = ""
    place: str = ""
    county_id: int | None = None
    office_id: int | None = None
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    free_only: bool = False
    q: str = ""
    page: int = 1


# --- catalogue -----------------------------------------------------------------------------------

@router.get("/typer", response=list[TypeOut], summary="Tiltakstyper")
def list_types(request):
    return [TypeOut(id=t.pk, code=t.code, name=t.name, kind=t.kind, typical_weeks=t.typical_weeks, eligible_groups=t.eligible_groups,
                    addresses=t.addresses, priority_groups=t.priority_groups, active=t.active)
            for t in selectors.measure_types(user=request.user)]


@router.get("/tilbud", response=CataloguePage, summary="Tiltakskatalogen med filtre")
def list_offerings(request, filters: Query[CatalogueQuery]):
    f = selectors.CatalogueFilters(domain=filters.domain, need_group=filters.need_group, type_code=filters.type_code, place=filters.place,
                                   county_id=filters.county_id, office_id=filters.office_id, start_from=filters.start_from,
                                   start_to=filters.start_to, free_only=filters.free_only, q=filters.q)
    p = selectors.catalogue_page(user=request.user, filters=f, page=filters.page)
    return {"count": p.paginator.count, "page": p.number, "pages": p.paginator.num_pages, "items": [OfferingOut.of(o) for o in p]}


@router.get("/tilbud/{offering_id}", response=OfferingOut, summary="Ett tilbud")
def get_offering(request, offering_id: int):
    return OfferingOut.of(selectors.get_offering(user=request.user, offering_id=offering_id))


@router.get("/sammenlign", response=list[OfferingOut], summary="Sammenlign tilbud side om side")
def compare(request, id: Query[list[int]]):  # noqa: A002
    return [OfferingOut.of(o) for o in selectors.compare(user=request.user, offering_ids=id)]


# --- matching and referrals -------------------------------------------------------------------------

@router.get("/matching/{client_id}", response=MatchOut, summary="Tilbud rangert etter treff for brukeren")
def match(request, client_id: int, limit: int = 25):
    panel = selectors.matching_panel(user=request.user, client_id=client_id, limit=max(1, min(limit, 200)))
    r = panel.result
    return MatchOut(
        client_id=r.client_id, offerings_in_county=r.offerings_in_county, eligible=r.eligible_count, excluded=r.excluded,
        severity=r.severity, severity_source=r.severity_source,
        rows=[MatchRowOut(rank=x.rank, offering_id=x.offering_id, title=x.title, type_code=x.type_code, type_name=x.type_name,
                          provider=x.provider, municipality=x.municipality, fit=x.score, needs=x.needs, goals=x.goals, travel=x.travel,
                          language_fit=x.language_fit, explanation=x.explanation, distance_km=x.distance_km, language=x.language,
                          start_date=x.start_date, free_places=x.free_places, waiting=x.waiting, waiting_weeks=x.waiting_weeks,
                          availability=x.availability, office_expects_fill=x.expected_fill, office_expectation=x.expected_fill_text)
              for x in r.rows],
    )


@router.post("/matching/{client_id}/valg", response={201: ChoiceOut}, summary="Velg et tilbud fra listen (henviser og lagrer valget)")
def choose(request, client_id: int, payload: ChooseIn):
    c = services.choose_offering(user=request.user, client=client_id, offering=payload.offering_id,
                                 reason=payload.reason, allow_waiting_list=payload.waiting_list)
    return Status(201, ChoiceOut(id=c.pk, fit_rank=c.fit_rank, fit_score=c.fit_score, reason=c.reason, referral=ReferralOut.of(c.referral)))


@router.post("/henvisninger", response={201: ReferralOut}, summary="Henvis bruker til tilbud")
def refer(request, payload: ReferralIn):
    r = services.refer(user=request.user, client=payload.client_id, offering=payload.offering_id,
                       allow_waiting_list=payload.waiting_list)
    return Status(201, ReferralOut.of(r))


@router.get("/brukere/{client_id}/henvisninger", response=list[ReferralOut], summary="Brukerens henvisninger")
def client_referrals(request, client_id: int):
    return [ReferralOut.of(r, r.position) for r in selectors.client_referrals(user=request.user, client_id=client_id)]


@router.get("/henvisninger/{referral_id}", response=ReferralOut)
def get_referral(request, referral_id: int):
    return ReferralOut.of(selectors.get_referral(user=request.user, referral_id=referral_id))


@router.post("/henvisninger/{referral_id}/trekk", response=ReferralOut, summary="Trekk henvisning")
def withdraw(request, referral_id: int, payload: ReasonIn):
    return ReferralOut.of(services.withdraw_referral(user=request.user, referral=referral_id, reason=payload.reason))


@router.post("/henvisninger/{referral_id}/avslag", response=ReferralOut, summary="Avslå henvisning")
def reject(request, referral_id: int, payload: ReasonIn):
    return ReferralOut.of(services.reject_referral(user=request.user, referral=referral_id, reason=payload.reason))


@router.post("/henvisninger/{referral_id}/fullfor", response=ReferralOut, summary="Fullfør deltakelse")
def complete(request, referral_id: int, payload: CompleteIn):
    return ReferralOut.of(services.complete_referral(user=request.user, referral=referral_id, ended_on=payload.ended_on))


@router.post("/henvisninger/{referral_id}/resultat", response={201: OutcomeOut}, summary="Status 3 eller 6 måneder etter")
def record_outcome(request, referral_id: int, payload: OutcomeIn):
    o = services.record_outcome(user=request.user, referral=referral_id, months=payload.months, status=payload.status)
    return Status(201, OutcomeOut(id=o.pk, referral_id=o.referral_id, months=o.months, status=o.status))


@router.get("/brukere/{client_id}/onsker", response=PreferenceOut | None, summary="Brukerens ønsker for tiltak")
def get_preferences(request, client_id: int):
    p = selectors.get_preference(user=request.user, client_id=client_id)
    if p is None:
        return None
    return PreferenceOut(client_id=client_id, wanted_domains=p.wanted_domains, preferred_types=p.preferred_types,
                         max_travel_km=p.max_travel_km, preferred_language=p.preferred_language, note=p.note)


@router.put("/brukere/{client_id}/onsker", response=PreferenceOut, summary="Sett brukerens ønsker for tiltak")
def put_preferences(request, client_id: int, payload: PreferenceIn):
    p = services.set_preferences(user=request.user, client=client_id, **payload.dict())
    return PreferenceOut(client_id=client_id, wanted_domains=p.wanted_domains, preferred_types=p.preferred_types,
                         max_travel_km=p.max_travel_km, preferred_language=p.preferred_language, note=p.note)


# --- allocation -------------------------------------------------------------------------------------

@router.get("/tildeling/kontor/{office_id}", response=list[AllocationRowOut], summary="Kontorets tildeling, bruk og forventet fylling")
def office_allocation(request, office_id: int, year: int | None = None):
    _office, rows = selectors.office_allocation(user=request.user, office_id=office_id, year=year or clock.today().year)
    return [AllocationRowOut(allocation_id=r.allocation.pk, measure_type=r.type_name, priority_group=r.priority_group, places=r.places,
                             budget=r.budget, used=r.used, free=r.free, expected_filled=r.expected_filled,
                             expected_unfilled=r.expected_unfilled, waiting=r.waiting) for r in rows]


@router.put("/tildeling/kontor-tildeling/{allocation_id}/forventet", response=IdOut, summary="Sett forventet fylt")
def expected_fill(request, allocation_id: int, payload: ExpectedFillIn):
    a = services.set_expected_fill(user=request.user, allocation=allocation_id, expected_filled=payload.expected_filled)
    return IdOut(id=a.pk, places=a.places, budget=a.budget)


@router.put("/tildeling/mal", response=IdOut, summary="Sett nasjonalt mål")
def put_target(request, payload: TargetIn):
    target = services.set_national_target(user=request.user, year=payload.year, measure_type=payload.measure_type, priority_group=payload.priority_group,
                                          places=payload.places, budget=payload.budget)
    return IdOut(id=target.pk, places=target.places, budget=target.budget)


@router.put("/tildeling/mal/{target_id}/fylke/{county_id}", response=IdOut, summary="Fordel til fylke")
def put_county(request, target_id: int, county_id: int, payload: AllocateIn):
    a = services.allocate_to_county(user=request.user, target=target_id, county=county_id, places=payload.places, budget=payload.budget)
    return IdOut(id=a.pk, places=a.places, budget=a.budget)


@router.put("/tildeling/fylke-tildeling/{allocation_id}/kontor/{office_id}", response=IdOut, summary="Fordel til kontor")
def put_office(request, allocation_id: int, office_id: int, payload: AllocateIn):
    a = services.allocate_to_office(user=request.user, county_allocation=allocation_id, office=office_id, places=payload.places, budget=payload.budget)
    return IdOut(id=a.pk, places=a.places, budget=a.budget)


# --- outcomes ----------------------------------------------------------------------------------------

@router.get("/resultater", response=list[OutcomeRowOut], summary="Status etter tiltak (små grupper skjult)")
def outcomes(request, by: str = "type", county_id: int | None = None):
    return [OutcomeRowOut(key=r.key, label=r.label, months=r.months, suppressed=r.suppressed, clients=r.clients, counts=r.counts,
                          shares=r.shares) for r in selectors.outcomes(user=request.user, by=by, county_id=county_id)]
