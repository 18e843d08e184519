"""Every read in measures, scoped to the acting user. Reads of a client's data (matching,
referrals, preferences) are audited; the catalogue, allocations and suppressed outcome tables
hold no personal data. Query counts are fixed (no per-row queries). Each page and API endpoint
calls one function here (or one service): that call checks access and audits, once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from skreddersy.clients.models import Client
from skreddersy.core import audit, clock, reference, suppression
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import County, Office
from skreddersy.measures import matching
from skreddersy.measures.models import (
    ClientPreference,
    CountyAllocation,
    MatchChoice,
    MeasureOffering,
    MeasureType,
    NationalTarget,
    OfficeAllocation,
    Outcome,
    PriorityGroup,
    Referral,
    add_months,
)
from skreddersy.measures.reads import (  # noqa: F401  (shared with services; re-exported for callers)
    MAX_ID,
    USED,
    client_profile,
    expected_fill_by_type,
    invalidate_places,
    latest_severity,
    office_profiles,
    profile_from,
    waiting_position,
    waiting_weeks,
)
from skreddersy.policy import access

MIN_GROUP = suppression.MIN_GROUP  # outcome groups with fewer clients are suppressed


def _bad_id(value) -> bool:
    return value is not None and not (isinstance(value, int) and 0 < value <= MAX_ID)


def _require_catalogue(user) -> None:
    if not access.can_browse_catalogue(user):
        raise AccessDenied(_("Tiltakskatalogen er for Nav-ansatte."))


# --- catalogue ---------------------------------------------------------------------------------------

@dataclass
class CatalogueFilters:
    domain: str = ""
    need_group: str = ""
    type_code: str = ""
    place: str = ""
    county_id: int | None = None
    office_id: int | None = None
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    free_only: bool = False
    include_closed: bool = False
    q: str = ""


def validate_filters(f: CatalogueFilters) -> None:
    errors = {}
    if f.domain and f.domain not in reference.needs_domains():
        errors["domain"] = _("Ukjent behovsområde.")
    if f.need_group and f.need_group not in reference.need_groups():
        errors["need_group"] = _("Ukjent innsatsgruppe.")
    if f.start_from and f.start_to and f.start_to < f.start_from:
        errors["start_to"] = _("Til-dato kan ikke være før fra-dato.")
    if _bad_id(f.county_id):
        errors["county_id"] = _("Ukjent fylke.")
    if _bad_id(f.office_id):
        errors["office_id"] = _("Ukjent kontor.")
    if errors:
        raise InvalidInput(_("Ugyldig filter."), errors=errors)


def measure_types(*, user, active_only: bool = True) -> list[MeasureType]:
    _require_catalogue(user)
    qs = MeasureType.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("name"))


def _type_ids(f: CatalogueFilters) -> list[int] | None:
    if not (f.domain or f.need_group or f.type_code):
        return None
    ids = []
    for t in MeasureType.objects.only("id", "code", "addresses", "eligible_groups"):
        if f.domain and f.domain not in (t.addresses or []):
            continue
        if f.need_group and f.need_group not in (t.eligible_groups or []):
            continue
        if f.type_code and t.code != f.type_code:
            continue
        ids.append(t.id)
    return ids


def catalogue_queryset(*, user, filters: CatalogueFilters):
    _require_catalogue(user)
    validate_filters(filters)
    qs = MeasureOffering.objects.select_related("measure_type", "provider", "county")
    type_ids = _type_ids(filters)
    if type_ids is not None:
        qs = qs.filter(measure_type_id__in=type_ids)
    if not filters.include_closed:
        qs = qs.filter(status=MeasureOffering.Status.OPEN).filter(Q(end_date__isnull=True) | Q(end_date__gte=clock.today()))
    if filters.place:
        qs = qs.filter(Q(municipality__icontains=filters.place) | Q(address__icontains=filters.place))
    if filters.county_id:
        qs = qs.filter(county_id=filters.county_id)
    if filters.office_id:
        qs = qs.filter(offices__id=filters.office_id)
    if filters.start_from:
        qs = qs.filter(start_date__gte=filters.start_from)
    if filters.start_to:
        qs = qs.filter(start_date__lte=filters.start_to)
    if filters.free_only:
        from django.db.models import F

        qs = qs.filter(occupied__lt=F("capacity"))
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(provider__name__icontains=filters.q) | Q(content__icontains=filters.q))
    return qs.order_by("start_date", "id")


def catalogue_page(*, user, filters: CatalogueFilters, page: int | str | None = 1, per_page: int = 50):
    qs = catalogue_queryset(user=user, filters=filters)
    p = Paginator(qs, per_page).get_page(page)
    _attach_waiting(list(p.object_list))
    return p


def _attach_waiting(offerings: list[MeasureOffering]) -> None:
    ids = [o.pk for o in offerings]
    counts = dict(
        Referral.objects.filter(offering_id__in=ids, status=Referral.Status.WAITING)
        .values("offering_id").annotate(n=Count("id")).values_list("offering_id", "n")
    ) if ids else {}
    for o in offerings:
        o.waiting_count = counts.get(o.pk, 0)
        o.waiting_weeks = waiting_weeks(o.capacity, o.occupied, o.waiting_count, o.measure_type.typical_weeks)


def get_offering(*, user, offering_id: int) -> MeasureOffering:
    _require_catalogue(user)
    o = MeasureOffering.objects.select_related("measure_type", "provider", "county").prefetch_related("offices").filter(pk=offering_id).first()
    if o is None:
        raise NotFound(_("Fant ikke tiltaksgjennomføringen."))
    _attach_waiting([o])
    return o


def compare(*, user, offering_ids: list[int]) -> list[MeasureOffering]:
    _require_catalogue(user)
    if not offering_ids:
        raise InvalidInput(_("Velg minst to tilbud å sammenligne."), field="id")
    if len(offering_ids) > 4:
        raise InvalidInput(_("Du kan sammenligne høyst fire tilbud om gangen."), field="id")
    if any(_bad_id(i) for i in offering_ids):
        raise NotFound(_("Fant ikke tilbud %(ids)s.") % {"ids": ", ".join(str(i) for i in offering_ids if _bad_id(i))}, field="id")
    found = {o.pk: o for o in MeasureOffering.objects.select_related("measure_type", "provider", "county")
             .prefetch_related("offices").filter(pk__in=offering_ids)}
    missing = [i for i in offering_ids if i not in found]
    if missing:
        raise NotFound(_("Fant ikke tilbud %(ids)s.") % {"ids": ', '.join(map(str, missing))})
    out = [found[i] for i in dict.fromkeys(offering_ids)]
    _attach_waiting(out)
    return out


# --- client profile and matching -----------------------------------------------------------------------------

def office_best_fits(*, user, office_id: int, k: int = 10, cache: matching.MatchCache | None = None) -> dict[int, list[int]]:
    """Re-rank a whole office: each client's k best-fitting eligible offerings (ids, best first).
    For leaders of the office (and the insight module comparing choices with best fit); every
    client included is audited as read, in one statement."""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise NotFound(_("Fant ikke kontoret."))
    if not access.can_view_office(user, office_id):
        raise AccessDenied(_("Omrangering for hele kontoret er for ledere ved kontoret."))
    cache = cache or matching.MatchCache()
    idx = cache.county(office.county_id)
    visible = set(access.visible_clients(user).filter(office_id=office_id).values_list("id", flat=True))
    profiles = [p for p in office_profiles(office_id) if p.client_id in visible]
    audit.record_reads(user, [p.client_id for p in profiles], "tiltak: omrangering for kontoret")
    return matching.top_k_many(idx, profiles, k=k)


@dataclass
class MatchPanel:
    client: Client
    result: matching.MatchResult
    referrals: list = field(default_factory=list)
    preference: ClientPreference | None = None
    choices: list = field(default_factory=list)


def attach_live_columns(result: matching.MatchResult, office_id: int, idx: matching.CountyIndex | None = None) -> None:
    """Availability and the office's expectation: looked up after ranking, for the rows shown."""
    ids = [r.offering_id for r in result.rows]
    live, waiting = {}, {}
    for oid, cap, occ, limit, w in (MeasureOffering.objects.filter(pk__in=ids).order_by()
                                    .annotate(w=Count("referrals", filter=Q(referrals__status=Referral.Status.WAITING)))
                                    .values_list("id", "capacity", "occupied", "waiting_list_limit", "w")):
        live[oid] = (oid, cap, occ, limit)
        waiting[oid] = w
    if idx is not None:
        type_ids = dict(zip(idx.type_codes, idx.type_ids, strict=True))
    else:
        type_ids = dict(MeasureType.objects.values_list("code", "id"))
    fill = expected_fill_by_type(office_id, clock.today().year)
    for r in result.rows:
        _id, cap, occ, limit = live.get(r.offering_id, (r.offering_id, 0, 0, 0))
        w = waiting.get(r.offering_id, 0)
        r.capacity, r.free_places, r.waiting = cap, max(cap - occ, 0), w
        r.waiting_weeks = waiting_weeks(cap, occ, w, int(r.typical_weeks))
        r.waiting_list_full = r.free_places == 0 and w >= limit
        if r.free_places:
            r.availability = f"{r.free_places} ledige av {cap}"
        elif r.waiting_list_full:
            r.availability = "Fullt, ventelisten er full" if limit else "Fullt, ingen venteliste"
        else:
            r.availability = f"Fullt: ca. {r.waiting_weeks} uker venting ({w} på venteliste)"
        f = fill.get(type_ids.get(r.type_code))
        r.expected_fill = bool(f and f["expects_fill"])
        if f:
            r.expected_fill_text = (_("Ja: %(used)s av %(expected)s forventede plasser brukt") % f if r.expected_fill
                                    else _("Nei: %(used)s brukt, forventning %(expected)s nådd") % f)
        else:
            r.expected_fill_text = "Ingen tildeling til kontoret"


def matching_panel(*, user, client_id: int | None = None, referral_id: int | None = None, limit: int = 25,
                   cache: matching.MatchCache | None = None) -> MatchPanel:
    """The fit-ranked offerings for a client (or for the client of a referral, when a page
    shows the panel again after acting on one), with availability and fill in separate columns."""
    if referral_id is not None:
        client_id = Referral.objects.filter(pk=referral_id).values_list("client_id", flat=True).first()
        if client_id is None:
            raise NotFound(_("Fant ikke henvisningen."))
    client = Client.objects.select_related("office", "counsellor").filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Fant ingen bruker med denne id-en."))
    access.require_nav(user, client, what="tiltak: matching")
    audit.record(user, client.pk, audit.READ, "tiltak: matching")
    cache = cache or matching.MatchCache()
    idx = cache.county(client.office.county_id)
    pref = ClientPreference.objects.filter(client_id=client.pk).first()
    profile = client_profile(client, pref)
    result = matching.rank(idx, profile, limit=limit)
    attach_live_columns(result, client.office_id, idx)
    refs = _client_referrals(client.pk)
    choices = list(MatchChoice.objects.filter(client_id=client.pk).select_related("offering")[:10])
    return MatchPanel(client=client, result=result, referrals=refs, preference=pref, choices=choices)


def _client_referrals(client_id: int) -> list[Referral]:
    refs = list(Referral.objects.filter(client_id=client_id).select_related("offering__measure_type", "offering__provider")
                .order_by("-created_at", "-id"))
    waiting = [r for r in refs if r.status == Referral.Status.WAITING]
    if waiting:
        offering_ids = {r.offering_id for r in waiting}
        queue: dict[int, list] = {}
        for rid, oid in (Referral.objects.filter(offering_id__in=offering_ids, status=Referral.Status.WAITING)
                         .order_by("queued_at", "id").values_list("id", "offering_id")):
            queue.setdefault(oid, []).append(rid)
        for r in refs:
            r.position = queue[r.offering_id].index(r.pk) + 1 if r.status == Referral.Status.WAITING else None
    for r in refs:
        if not hasattr(r, "position"):
            r.position = None
    return refs


def client_referrals(*, user, client_id: int) -> list[Referral]:
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Fant ingen bruker med denne id-en."))
    access.require_client(user, client, what="tiltak: henvisninger")
    audit.record(user, client.pk, audit.READ, "tiltak: henvisninger")
    return _client_referrals(client.pk)


def get_referral(*, user, referral_id: int) -> Referral:
    r = Referral.objects.select_related("client", "offering__measure_type", "offering__provider").filter(pk=referral_id).first()
    if r is None:
        raise NotFound(_("Fant ikke henvisningen."))
    access.require_client(user, r.client, what="tiltak: henvisning")
    audit.record(user, r.client_id, audit.READ, "tiltak: henvisning", obj=r)
    r.position = waiting_position(r)
    return r


def get_preference(*, user, client_id: int) -> ClientPreference | None:
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Fant ingen bruker med denne id-en."))
    access.require_client(user, client, what="tiltak: brukers ønsker")
    audit.record(user, client.pk, audit.READ, "tiltak: brukers ønsker")
    return ClientPreference.objects.filter(client=client).first()


@dataclass
class PreferencePage:
    client: Client
    preference: ClientPreference | None
    by_client: bool  # the client themself is looking (not their counsellor)


def preference_page(*, user, client_id: int) -> PreferencePage:
    """The client's own goals for measures, for the client or their counsellor (audited)."""
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("Fant ingen bruker med denne id-en."))
    access.require_client(user, client, what="tiltak: brukers ønsker")
    audit.record(user, client.pk, audit.READ, "tiltak: brukers ønsker")
    return PreferencePage(client=client, preference=ClientPreference.objects.filter(client=client).first(),
                          by_client=access.actor(user).is_client)


# --- allocation ---------------------------------------------------------------------------------------

@dataclass
class AllocationRow:
    allocation: OfficeAllocation
    type_name: str
    priority_group: str
    places: int
    budget: int
    used: int
    free: int
    expected_filled: int
    expected_unfilled: int  # places the office expects filled that are not yet used
    waiting: int


def office_allocation(*, user, office_id: int, year: int) -> tuple[Office, list[AllocationRow]]:
    office = Office.objects.select_related("county").filter(pk=office_id).first()
    if office is None:
        raise NotFound(_("Fant ikke kontoret."))
    if not access.can_view_allocation(user, office_id):
        raise AccessDenied(_("Tildelingen er for ledere ved kontoret."))
    allocs = list(
        OfficeAllocation.objects.filter(office_id=office_id, county_allocation__target__year=year)
        .select_related("county_allocation__target__measure_type")
        .annotate(used=Count("referrals", filter=Q(referrals__status__in=USED)))
        .order_by("county_allocation__target__measure_type__name", "county_allocation__target__priority_group")
    )
    waiting = dict(Referral.objects.filter(office_id=office_id, status=Referral.Status.WAITING)
                   .values("offering__measure_type_id").annotate(n=Count("id")).values_list("offering__measure_type_id", "n"))
    labels = dict(PriorityGroup.choices)
    rows = []
    for a in allocs:
        t = a.county_allocation.target
        rows.append(AllocationRow(
            allocation=a, type_name=t.measure_type.name, priority_group=str(labels.get(t.priority_group, "Alle grupper")),
            places=a.places, budget=a.budget, used=a.used, free=max(a.places - a.used, 0), expected_filled=a.expected_filled,
            expected_unfilled=max(a.expected_filled - a.used, 0), waiting=waiting.get(t.measure_type_id, 0),
        ))
    return office, rows


def leader_offices(*, user) -> list[Office]:
    a = access.actor(user)
    if access.is_administrator(user):
        return list(Office.objects.order_by("number"))
    return [o for o in Office.objects.filter(pk__in=a.office_ids).order_by("number") if access.can_view_allocation(user, o.pk)]


@dataclass
class AllocationPage:
    office: Office
    offices: list[Office]
    rows: list[AllocationRow]
    totals: dict
    can_set_fill: bool


def allocation_page(*, user, office_id: int | None, year: int) -> AllocationPage:
    """The leaders' page: one of their offices (the first when none is named), its allocation,
    use and expected fill, and whether the user may set the expectation."""
    offices = leader_offices(user=user)
    if not offices:
        raise AccessDenied(_("Tildelingen av tiltaksplasser er for ledere ved kontoret."))
    office, rows = office_allocation(user=user, office_id=office_id if office_id is not None else offices[0].pk, year=year)
    totals = {k: sum(getattr(r, k) for r in rows)
              for k in ("places", "used", "free", "expected_filled", "expected_unfilled", "waiting", "budget")}
    return AllocationPage(office=office, offices=offices, rows=rows, totals=totals,
                          can_set_fill=access.can_set_expected_fill(user, office.pk))


@dataclass
class NationalRow:
    target: NationalTarget
    to_counties: int
    budget_to_counties: int
    counties: list


def national_overview(*, user, year: int) -> list[NationalRow]:
    if not access.can_manage_allocations(user):
        raise AccessDenied(_("Nasjonale mål og fylkestildelinger er for administratorer."))
    targets = list(NationalTarget.objects.filter(year=year).select_related("measure_type").order_by("measure_type__name", "priority_group"))
    cas = list(CountyAllocation.objects.filter(target__year=year).select_related("county")
               .annotate(to_offices=Sum("office_allocations__places"), offices=Count("office_allocations")))
    by_target: dict[int, list] = {}
    for c in cas:
        by_target.setdefault(c.target_id, []).append(c)
    return [NationalRow(target=t, to_counties=sum(c.places for c in by_target.get(t.pk, [])),
                        budget_to_counties=sum(c.budget for c in by_target.get(t.pk, [])), counties=by_target.get(t.pk, []))
            for t in targets]


@dataclass
class NationalPage:
    rows: list[NationalRow]
    counties: list[County]
    offices: list[Office]


def national_page(*, user, year: int) -> NationalPage:
    """The administrators' page: national targets, county and office allocations."""
    rows = national_overview(user=user, year=year)
    return NationalPage(rows=rows, counties=list(County.objects.all()),
                        offices=list(Office.objects.select_related("county").order_by("county__code", "number")))


# --- outcomes -------------------------------------------------------------------------------------------------

@dataclass
class OutcomeRow:
    key: int
    label: str
    months: int
    clients: int
    suppressed: bool
    counts: dict  # status -> count (empty when suppressed)
    shares: dict  # status -> percent


def outcomes(*, user, by: str = "type", county_id: int | None = None, office_id: int | None = None) -> list[OutcomeRow]:
    """Status 3 and 6 months after ended participations, per type or per offering. Groups with
    fewer than five distinct clients are suppressed: no counts are returned for them."""
    if not access.can_view_measure_outcomes(user):
        raise AccessDenied(_("Resultater etter tiltak er for Nav-ansatte."))
    if by not in ("type", "offering"):
        raise InvalidInput(_("Velg gruppering etter type eller tilbud."), field="by")
    if _bad_id(county_id) or _bad_id(office_id):
        raise InvalidInput(_("Ukjent fylke eller kontor."), field="county_id" if _bad_id(county_id) else "office_id")
    today = clock.today()
    qs = Referral.objects.filter(ended_on__isnull=False)
    if county_id:
        qs = qs.filter(offering__county_id=county_id)
    if office_id:
        qs = qs.filter(office_id=office_id)
    key_field = "offering__measure_type_id" if by == "type" else "offering_id"
    label_field = "offering__measure_type__name" if by == "type" else "offering__title"
    refs = list(qs.values_list("id", "client_id", "ended_on", key_field, label_field, "offering__measure_type_id",
                               "offering__county_id"))
    recorded = {(rid, m): s for rid, m, s in Outcome.objects.filter(referral__in=qs).values_list("referral_id", "months", "status")}
    groups: dict[tuple, dict] = {}
    labels: dict[int, str] = {}
    parent: dict[int, tuple] = {}  # offering -> (type, county): the rows that add up to a row of the per-type table
    for rid, cid, ended, key, label, type_id, county in refs:
        labels[key] = label
        parent[key] = (type_id, county)
        for m in Outcome.MONTHS:
            if add_months(ended, m) > today:
                continue
            g = groups.setdefault((key, m), {"clients": set(), "status": {}})
            status = recorded.get((rid, m), Outcome.Status.UNKNOWN)
            g["clients"].add(cid)
            g["status"][status] = g["status"].get(status, 0) + 1
    # The one suppression rule (core.suppression): groups under MIN_GROUP clients are hidden. Per
    # offering, the per-type table (for the country and for each county) is the sum of the rows of
    # one type in one county, so each such set of rows is a line whose total is published: a lone
    # hidden offering among them forces a second one, or it could be found by subtraction.
    if by == "offering":
        table = {((parent[key], m), (key, m)): len(g["clients"]) for (key, m), g in groups.items()}
        hidden = {cell for _line, cell in suppression.suppressed_cells(
            table, row_totals=True, col_totals=False, label=lambda c: labels[c[1][0]])}
    else:
        hidden = {k for k, g in groups.items() if suppression.is_small(len(g["clients"]))}
    rows = []
    for (key, m), g in sorted(groups.items(), key=lambda kv: (labels[kv[0][0]], kv[0][1])):
        n = len(g["clients"])
        small = (key, m) in hidden
        total = sum(g["status"].values())
        counts = {} if small else {s: g["status"].get(s, 0) for s in Outcome.Status.values}
        shares = {} if small else {s: round(100 * c / total) for s, c in counts.items()}
        rows.append(OutcomeRow(key=key, label=labels[key], months=m, clients=0 if small else n, suppressed=small,
                               counts=counts, shares=shares))
    return rows


@dataclass
class OutcomesPage:
    rows: list[OutcomeRow]
    statuses: list
    counties: list[County]
    min_group: int = MIN_GROUP


def outcomes_page(*, user, by: str = "type", county_id: int | None = None) -> OutcomesPage:
    return OutcomesPage(rows=outcomes(user=user, by=by, county_id=county_id), statuses=list(Outcome.Status.choices),
                        counties=list(County.objects.all()))
