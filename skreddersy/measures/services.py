"""Every write in measures: catalogue import, place allocation, client preferences, referrals
(with exact place accounting), the counsellor's choice from the matching list, and outcomes.

Keyword-only functions; each checks access, validates, writes in one transaction (refused
attempts leave nothing but an audit entry) and journals changes to a client's case.

Place accounting: ``MeasureOffering.occupied`` changes only here, inside a transaction that
holds the offering row (``select_for_update`` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers), and the database refuses ``occupied > capacity`` as a last line.
Allocations: a parent row is locked while its children are changed, and no level may hand out
more places or budget than it received.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext, gettext_noop

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.core import audit, clock, reference, stored_text
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import County, Office
from skreddersy.measures import catalogue, eligibility, matching, reads
from skreddersy.measures.models import (
    PRIORITY_GROUP_ORDER,
    ClientPreference,
    CountyAllocation,
    MatchChoice,
    MeasureOffering,
    MeasureType,
    NationalTarget,
    OfficeAllocation,
    Outcome,
    Referral,
    add_months,
)
from skreddersy.policy import access
from skreddersy.timeuse import record as timelog

Kind = journal.Kind
USED_STATUSES = reads.USED
waiting_position = reads.waiting_position

# The activity a referral adds to the plan (core.stored_text: stored in Norwegian, shown translated).
MEASURE_TASK = stored_text.pattern(gettext_noop("Tiltak: %(title)s"))


# --- the records a write names: an instance, or its id from a page or the API --------------------------

def _get(model, value, message: str, field: str | None = None, **related):
    """``value`` as a ``model`` row: itself when it is one, else the row it names, else NotFound."""
    if isinstance(value, model):
        return value
    row = None
    if reads.is_id(value):
        qs = model.objects.select_related(*related["select"]) if related.get("select") else model.objects
        row = qs.filter(pk=value).first()
    if row is None:
        raise NotFound(message, field=field)
    return row


def _client(client: Client | int) -> Client:
    return _get(Client, client, "Fant ingen bruker med denne id-en.", "client_id")


def _offering(offering: MeasureOffering | int) -> MeasureOffering:
    return _get(MeasureOffering, offering, "Fant ikke tilbudet.", "offering_id")


def _referral(referral: Referral | int) -> Referral:
    return _get(Referral, referral, "Fant ikke henvisningen.", None, select=("client", "offering"))


def _d(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


# --- catalogue -------------------------------------------------------------------------------------

def import_catalogue(*, user, data, deactivate_missing: bool = False) -> dict:
    """Import measure types, all or nothing. ``data`` is the parsed JSON (see catalogue.py)."""
    if user is not None and not access.can_edit_catalogue(user):
        raise AccessDenied(gettext("Bare administratorer kan endre tiltakskatalogen."))
    rows = catalogue.parse_rows(data)
    with audited_write(user, None, "tiltakskatalog: import"):
        counts = catalogue.import_types(rows, deactivate_missing=deactivate_missing)
    matching.invalidate()
    return counts


# --- place allocation --------------------------------------------------------------------------------

# The columns' ranges (PostgreSQL integer for places, bigint for budget): a larger number is
# refused here with a reason instead of failing in the database.
MAX_PLACES = 2**31 - 1
MAX_BUDGET = 2**63 - 1


def _non_negative(errors: dict, **values) -> None:
    for k, v in values.items():
        if v is None or isinstance(v, bool) or not isinstance(v, int) or v < 0:
            errors[k] = gettext("Må være et helt tall, null eller større.")
        elif v > (MAX_BUDGET if k == "budget" else MAX_PLACES):
            errors[k] = gettext("Må være høyst %(max)s.") % {"max": MAX_BUDGET if k == 'budget' else MAX_PLACES}


def set_national_target(*, user, year: int, measure_type: MeasureType | str, priority_group: str, places: int, budget: int) -> NationalTarget:
    if not access.can_manage_allocations(user):
        raise AccessDenied(gettext("Bare administratorer kan sette nasjonale mål."))
    if not isinstance(measure_type, MeasureType):  # a type's code, from the API
        code = measure_type
        measure_type = MeasureType.objects.filter(code=code).first() if isinstance(code, str) else None
        if measure_type is None:
            raise NotFound(gettext("Ukjent tiltakstype."), field="measure_type")
    errors: dict = {}
    _non_negative(errors, places=places, budget=budget)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = gettext("Oppgi et årstall mellom 2000 og 2100.")
    if priority_group and priority_group not in PRIORITY_GROUP_ORDER:
        errors["priority_group"] = gettext("Ukjent prioritert gruppe.")
    if errors:
        raise InvalidInput(gettext("Målet kan ikke lagres."), errors=errors)
    with audited_write(user, None, "tiltaksplasser: nasjonalt mål") as a:
        target, _ = NationalTarget.objects.select_for_update().get_or_create(
            year=year, measure_type=measure_type, priority_group=priority_group or "", defaults={"places": places, "budget": budget}
        )
        given = target.county_allocations.aggregate(p=Sum("places"), b=Sum("budget"))
        if places < (given["p"] or 0):
            raise InvalidInput(
                gettext("Fylkene har allerede fått %(places)s plasser; målet kan ikke settes lavere.") % {"places": given['p']}, field="places"
            )
        if budget < (given["b"] or 0):
            raise InvalidInput(gettext("Fylkene har allerede fått %(amount)s kr; budsjettet kan ikke settes lavere.") % {"amount": given['b']}, field="budget")
        target.places, target.budget = places, budget
        target.save(update_fields=["places", "budget"])
        a["obj"] = target
    return target


def allocate_to_county(*, user, target: NationalTarget | int, county: County | int, places: int, budget: int) -> CountyAllocation:
    """Give (or change) a county's share of a national target. The target row is locked so two
    administrators allocating at once cannot together exceed it."""
    if not access.can_manage_allocations(user):
        raise AccessDenied(gettext("Bare administratorer kan fordele plasser til fylkene."))
    target = _get(NationalTarget, target, "Fant ikke målet.", "target")
    county = _get(County, county, "Fant ikke fylket.", "county")
    errors: dict = {}
    _non_negative(errors, places=places, budget=budget)
    if errors:
        raise InvalidInput(gettext("Tildelingen kan ikke lagres."), errors=errors)
    with audited_write(user, None, "tiltaksplasser: fylkestildeling") as a:
        target = NationalTarget.objects.select_for_update().get(pk=target.pk)
        others = target.county_allocations.exclude(county=county).aggregate(p=Sum("places"), b=Sum("budget"))
        free_p = target.places - (others["p"] or 0)
        free_b = target.budget - (others["b"] or 0)
        if places > free_p:
            raise InvalidInput(
                gettext("Det nasjonale målet har %(places)s plasser, og %(free_p)s er ikke fordelt. Du prøvde å gi %(requested)s.") % {"places": target.places, "free_p": free_p, "requested": places},
                field="places",
            )
        if budget > free_b:
            raise InvalidInput(gettext("Det er %(free_b)s kr igjen å fordele av budsjettet. Du prøvde å gi %(budget)s.") % {"free_b": free_b, "budget": budget}, field="budget")
        alloc = CountyAllocation.objects.select_for_update().filter(target=target, county=county).first()
        if alloc is not None:
            below = alloc.office_allocations.aggregate(p=Sum("places"), b=Sum("budget"))
            if places < (below["p"] or 0):
                raise InvalidInput(
                    gettext("Kontorene i fylket har allerede fått %(places)s plasser; tildelingen kan ikke settes lavere.") % {"places": below['p']},
                    field="places",
                )
            if budget < (below["b"] or 0):
                raise InvalidInput(gettext("Kontorene har allerede fått %(amount)s kr.") % {"amount": below['b']}, field="budget")
            alloc.places, alloc.budget = places, budget
            alloc.save(update_fields=["places", "budget"])
        else:
            alloc = CountyAllocation.objects.create(target=target, county=county, places=places, budget=budget)
        a["obj"] = alloc
    return alloc


def allocate_to_office(*, user, county_allocation: CountyAllocation | int, office: Office | int, places: int, budget: int) -> OfficeAllocation:
    """Give (or change) an office's share of its county's allocation."""
    if not access.can_manage_allocations(user):
        raise AccessDenied(gettext("Bare administratorer kan fordele plasser til kontorene."))
    county_allocation = _get(CountyAllocation, county_allocation, "Fant ikke fylkestildelingen.", "county_allocation")
    office = _get(Office, office, "Fant ikke kontoret.", "office")
    errors: dict = {}
    _non_negative(errors, places=places, budget=budget)
    if errors:
        raise InvalidInput(gettext("Tildelingen kan ikke lagres."), errors=errors)
    with audited_write(user, None, "tiltaksplasser: kontortildeling") as a:
        parent = CountyAllocation.objects.select_for_update().get(pk=county_allocation.pk)
        if office.county_id != parent.county_id:
            raise InvalidInput(gettext("Kontoret hører ikke til fylket som har tildelingen."), field="office")
        others = parent.office_allocations.exclude(office=office).aggregate(p=Sum("places"), b=Sum("budget"))
        free_p = parent.places - (others["p"] or 0)
        free_b = parent.budget - (others["b"] or 0)
        if places > free_p:
            raise InvalidInput(
                gettext("Fylket har fått %(places)s plasser, og %(free_p)s er ikke fordelt. Du prøvde å gi %(requested)s.") % {"places": parent.places, "free_p": free_p, "requested": places},
                field="places",
            )
        if budget > free_b:
            raise InvalidInput(gettext("Det er %(free_b)s kr igjen å fordele i fylket. Du prøvde å gi %(budget)s.") % {"free_b": free_b, "budget": budget}, field="budget")
        alloc = OfficeAllocation.objects.select_for_update().filter(county_allocation=parent, office=office).first()
        if alloc is not None:
            if places < alloc.expected_filled:
                raise InvalidInput(
                    gettext("Kontoret forventer %(expected)s plasser fylt; senk forventningen først.") % {"expected": alloc.expected_filled}, field="places"
                )
            alloc.places, alloc.budget = places, budget
            alloc.save(update_fields=["places", "budget"])
        else:
            alloc = OfficeAllocation.objects.create(county_allocation=parent, office=office, places=places, budget=budget)
        a["obj"] = alloc
    return alloc


def set_expected_fill(*, user, allocation: OfficeAllocation | int, expected_filled: int) -> OfficeAllocation:
    """The office leader states how many of the allocated places the office expects filled."""
    allocation = _get(OfficeAllocation, allocation, "Fant ikke tildelingen.", "allocation")
    if not access.can_set_expected_fill(user, allocation.office_id):
        raise AccessDenied(gettext("Bare kontorleder ved kontoret kan sette forventet fylling."))
    if isinstance(expected_filled, bool) or not isinstance(expected_filled, int) or expected_filled < 0:
        raise InvalidInput(gettext("Forventet fylt må være et helt tall, null eller større."), field="expected_filled")
    with audited_write(user, None, "tiltaksplasser: forventet fylt") as a:
        alloc = OfficeAllocation.objects.select_for_update().get(pk=allocation.pk)
        if expected_filled > alloc.places:
            raise InvalidInput(
                gettext("Kontoret har %(places)s plasser; kan ikke forvente flere fylt.") % {"places": alloc.places}, field="expected_filled"
            )
        alloc.expected_filled = expected_filled
        alloc.save(update_fields=["expected_filled"])
        a["obj"] = alloc
    return alloc


def _pick_allocation(client: Client, offering: MeasureOffering, on: dt.date) -> OfficeAllocation | None:
    """The office allocation an accepted place counts against: one for the client's priority
    groups with free places first, then the general one, then any that applies."""
    facts = eligibility.client_facts(client, on=on)
    allocs = list(
        OfficeAllocation.objects.filter(
            office_id=client.office_id, county_allocation__target__year=on.year,
            county_allocation__target__measure_type_id=offering.measure_type_id,
        )
        .select_related("county_allocation__target")
        .annotate(used=Count("referrals", filter=Q(referrals__status__in=USED_STATUSES)))
        .order_by("id")
    )
    applicable = [a for a in allocs
                  if not a.county_allocation.target.priority_group or a.county_allocation.target.priority_group in facts.priority_groups]
    applicable.sort(key=lambda a: (a.used >= a.places, a.county_allocation.target.priority_group == "", a.id))
    return applicable[0] if applicable else None


# --- client preferences ------------------------------------------------------------------------------

def set_preferences(*, user, client: Client | int, wanted_domains: list[str], preferred_types: list[str],
                    max_travel_km: int | None = None, preferred_language: str = "", note: str = "") -> ClientPreference:
    """The client's own goals for measures; the client or their counsellor may set them."""
    client = _client(client)
    with audited_write(user, client.pk, "tiltak: brukers ønsker") as a:
        access.require_client(user, client, what="tiltak: brukers ønsker")
        errors = {}
        known = reference.needs_domains()
        if bad := [d for d in wanted_domains if d not in known]:
            errors["wanted_domains"] = gettext("Ukjent behovsområde: %(names)s.") % {"names": ', '.join(bad)}
        codes = set(MeasureType.objects.filter(code__in=preferred_types).values_list("code", flat=True))
        if bad := [c for c in preferred_types if c not in codes]:
            errors["preferred_types"] = gettext("Ukjent tiltakstype: %(names)s.") % {"names": ', '.join(bad)}
        if max_travel_km is not None and not (0 < max_travel_km <= 1000):
            errors["max_travel_km"] = gettext("Reiseavstand må være mellom 1 og 1000 km.")
        if preferred_language and (len(preferred_language) > 8 or not preferred_language.isalpha()):
            errors["preferred_language"] = gettext("Oppgi en språkkode, for eksempel nb, en eller ar.")
        if len(note) > 500:
            errors["note"] = gettext("Merknaden kan være høyst 500 tegn.")
        if errors:
            raise InvalidInput(gettext("Ønskene kan ikke lagres."), errors=errors)
        pref, _ = ClientPreference.objects.update_or_create(
            client=client,
            defaults=dict(wanted_domains=list(dict.fromkeys(wanted_domains)), preferred_types=list(dict.fromkeys(preferred_types)),
                          max_travel_km=max_travel_km, preferred_language=preferred_language.lower(), note=note.strip(),
                          updated_at=clock.now(), updated_by=user),
        )
        who = "bruker" if access.actor(user).is_client else "veileder"
        journal.append(client_id=client.pk, kind=Kind.MEASURE, actor=user, obj=pref,
                       summary=f"Ønsker for tiltak oppdatert av {who}")
        a["obj"] = pref
    return pref


# --- referrals --------------------------------------------------------------------------------------

def _lock_offering(offering_id: int) -> MeasureOffering:
    o = MeasureOffering.objects.select_for_update().filter(pk=offering_id).first()
    if o is None:
        raise NotFound(gettext("Fant ikke tiltaksgjennomføringen."))
    # The type is read separately: select_related would lock its row too on PostgreSQL.
    o.measure_type = MeasureType.objects.get(pk=o.measure_type_id)
    return o


def _take_place(offering: MeasureOffering) -> None:
    try:
        with transaction.atomic():
            n = MeasureOffering.objects.filter(pk=offering.pk, occupied__lt=F("capacity")).update(occupied=F("occupied") + 1)
    except IntegrityError:
        n = 0
    if n != 1:
        raise Conflict(gettext("Den siste plassen ble nettopp tatt. Prøv igjen for å komme på venteliste."), field="offering")
    offering.occupied += 1


def _free_place(offering: MeasureOffering) -> None:
    MeasureOffering.objects.filter(pk=offering.pk, occupied__gt=0).update(occupied=F("occupied") - 1)
    offering.occupied = max(offering.occupied - 1, 0)


def _measure_activity(user, client: Client, offering: MeasureOffering, referral: Referral) -> None:
    """Put the measure in the client's activity plan (proposed, for the client to approve)."""
    if not access.can_see_client(user, client) or not access.can_act_for_nav(user):
        return
    from skreddersy.followup import services as followup_services

    start = max(offering.start_date, clock.today())
    end = offering.end_date if offering.end_date and offering.end_date >= start else None
    act = followup_services.add_activity(
        user=user, client=client, title=stored_text.compose(MEASURE_TASK, 200, title=offering.title), type="measure",
        description=f"{offering.measure_type.name} hos {offering.provider.name}. {offering.schedule}".strip(),
        start_date=start, end_date=end, measure_type=offering.measure_type.code,
    )
    referral.activity = act
    referral.save(update_fields=["activity"])


def _accept(user, referral: Referral, offering: MeasureOffering, client: Client, *, now, promoted: bool) -> None:
    _take_place(offering)
    referral.status = Referral.Status.ACCEPTED
    referral.accepted_at = now
    referral.office_allocation = _pick_allocation(client, offering, clock.today())
    referral.save(update_fields=["status", "accepted_at", "office_allocation"])
    how = "fra venteliste" if promoted else ""
    journal.append(client_id=client.pk, kind=Kind.MEASURE, actor=user, obj=referral,
                   summary=f"Tiltak: plass {how} i «{offering.title}» ({offering.provider.name}), oppstart {_d(offering.start_date)}".replace("  ", " "))
    _measure_activity(user, client, offering, referral)


def refer(*, user, client: Client | int, offering: MeasureOffering | int, allow_waiting_list: bool = True) -> Referral:
    """Refer a client: a free place means ACCEPTED, a full offering with room on its waiting list
    means WAITING (with a position); an ineligible client or a full offering without room is
    refused with the reason, and nothing is written."""
    client, offering = _client(client), _offering(offering)
    with audited_write(user, client.pk, "tiltak: henvisning") as a:
        access.require_nav(user, client, what="tiltak: henvisning")
        off = _lock_offering(offering.pk)
        client = Client.objects.select_related("office").get(pk=client.pk)
        now, today = clock.now(), clock.today()
        elig = eligibility.check(eligibility.client_facts(client, on=today), eligibility.offering_facts(off, on=today))
        if not elig:
            raise InvalidInput(gettext("Brukeren kan ikke henvises til dette tilbudet: %(reasons)s") % {"reasons": " ".join(elig.reasons)},
                               errors={"offering": " ".join(elig.reasons)})
        if Referral.objects.filter(client=client, offering=off, status__in=Referral.ACTIVE).exists():
            raise Conflict(gettext("Brukeren har allerede en aktiv henvisning til dette tilbudet."), field="offering")
        ref = Referral(client=client, offering=off, office_id=client.office_id, created_by=user, created_at=now, queued_at=now,
                       status=Referral.Status.WAITING)
        if off.occupied < off.capacity:
            ref.save()
            _accept(user, ref, off, client, now=now, promoted=False)
        else:
            waiting = Referral.objects.filter(offering=off, status=Referral.Status.WAITING).count()
            if not allow_waiting_list or waiting >= off.waiting_list_limit:
                if off.waiting_list_limit == 0:
                    full = gettext("Tilbudet er fullt (%(capacity)s av %(capacity)s plasser i bruk) og har ingen venteliste.")
                elif waiting >= off.waiting_list_limit:
                    full = gettext("Tilbudet er fullt (%(capacity)s av %(capacity)s plasser i bruk) og ventelisten er full.")
                else:
                    full = gettext("Tilbudet er fullt (%(capacity)s av %(capacity)s plasser i bruk) og du valgte ikke venteliste.")
                raise Conflict(full % {"capacity": off.capacity}, field="offering")
            ref.save()
            journal.append(client_id=client.pk, kind=Kind.MEASURE, actor=user, obj=ref,
                           summary=f"Tiltak: på venteliste til «{off.title}», plass {waiting + 1} i køen")
        timelog.record(client_id=client.pk, office_id=client.office_id, staff=access.actor(user).staff,
                       kind=timelog.Kind.REFERRAL, obj=ref, at=now)
        a["obj"] = ref
    ref.position = reads.waiting_position(ref)  # the API shows it
    return ref


def _get_locked_referral(referral: Referral) -> Referral:
    r = Referral.objects.select_for_update().filter(pk=referral.pk).first()
    if r is None:
        raise NotFound(gettext("Fant ikke henvisningen."))
    return r


def _promote_next(user, offering: MeasureOffering, now) -> Referral | None:
    """Give a freed place to the first on the waiting list who is still eligible."""
    on = clock.today()
    for nxt in Referral.objects.filter(offering=offering, status=Referral.Status.WAITING).select_related("client__office").order_by("queued_at", "id"):
        client = nxt.client
        if not eligibility.check(eligibility.client_facts(client, on=on), eligibility.offering_facts(offering, on=on)):
            continue
        _accept(user, nxt, offering, client, now=now, promoted=True)
        audit.record(user, client.pk, audit.WRITE, "tiltak: plass fra venteliste", obj=nxt)
        return nxt
    return None


def withdraw_referral(*, user, referral: Referral | int, reason: str) -> Referral:
    """Withdraw a waiting or accepted referral. A freed place goes to the next on the waiting list.
    Withdrawal after the offering has started counts as an ended participation."""
    referral = _referral(referral)
    with audited_write(user, referral.client_id, "tiltak: trekk henvisning") as a:
        access.require_nav(user, referral.client, what="tiltak: trekk henvisning")
        if not reason.strip():
            raise InvalidInput(gettext("Skriv hvorfor henvisningen trekkes."), field="reason")
        off = _lock_offering(referral.offering_id)
        r = _get_locked_referral(referral)
        if r.status not in Referral.ACTIVE:
            raise Conflict(gettext("Henvisningen er allerede %(status)s.") % {"status": r.get_status_display().lower()}, field="status")
        now = clock.now()
        was_accepted = r.status == Referral.Status.ACCEPTED
        r.status = Referral.Status.WITHDRAWN
        r.reason = reason.strip()[:500]
        r.closed_at = now
        if was_accepted and off.start_date <= clock.today():
            r.ended_on = clock.today()
        r.save(update_fields=["status", "reason", "closed_at", "ended_on"])
        journal.append(client_id=r.client_id, kind=Kind.MEASURE, actor=user, obj=r,
                       summary=f"Tiltak: henvisning til «{off.title}» trukket")
        if was_accepted:
            _free_place(off)
            _promote_next(user, off, now)
        a["obj"] = r
    r.offering, r.position = off, reads.waiting_position(r)  # the API shows both without further reads
    return r


def complete_referral(*, user, referral: Referral | int, ended_on: dt.date | None = None) -> Referral:
    """End an accepted participation as completed; the place goes to the next on the waiting list."""
    referral = _referral(referral)
    with audited_write(user, referral.client_id, "tiltak: fullført") as a:
        access.require_nav(user, referral.client, what="tiltak: fullført")
        off = _lock_offering(referral.offering_id)
        r = _get_locked_referral(referral)
        if r.status != Referral.Status.ACCEPTED:
            raise Conflict(gettext("Bare en deltakelse med plass kan fullføres."), field="status")
        now = clock.now()
        ended_on = ended_on or clock.today()
        if ended_on > clock.today():
            raise InvalidInput(gettext("Sluttdato kan ikke være i fremtiden."), field="ended_on")
        if ended_on < off.start_date:
            raise InvalidInput(gettext("Sluttdato kan ikke være før oppstart (%(date)s).") % {"date": _d(off.start_date)}, field="ended_on")
        r.status = Referral.Status.COMPLETED
        r.ended_on = ended_on
        r.closed_at = now
        r.save(update_fields=["status", "ended_on", "closed_at"])
        journal.append(client_id=r.client_id, kind=Kind.MEASURE, actor=user, obj=r,
                       summary=f"Tiltak: deltakelse i «{off.title}» fullført {_d(ended_on)}")
        _free_place(off)
        _promote_next(user, off, now)
        a["obj"] = r
    r.offering, r.position = off, reads.waiting_position(r)  # the API shows both without further reads
    return r


def reject_referral(*, user, referral: Referral | int, reason: str) -> Referral:
    """Reject a waiting referral (for example: the provider found the measure unsuitable)."""
    referral = _referral(referral)
    with audited_write(user, referral.client_id, "tiltak: avslå henvisning") as a:
        access.require_nav(user, referral.client, what="tiltak: avslå henvisning")
        if not reason.strip():
            raise InvalidInput(gettext("Et avslag må ha en begrunnelse."), field="reason")
        off = _lock_offering(referral.offering_id)
        r = _get_locked_referral(referral)
        if r.status not in Referral.ACTIVE:
            raise Conflict(gettext("Henvisningen er allerede %(status)s.") % {"status": r.get_status_display().lower()}, field="status")
        was_accepted = r.status == Referral.Status.ACCEPTED
        if was_accepted and off.start_date <= clock.today():
            raise Conflict(gettext("Deltakelsen har startet; avslutt den i stedet for å avslå."), field="status")
        r.status = Referral.Status.REJECTED
        r.reason = reason.strip()[:500]
        r.closed_at = clock.now()
        r.save(update_fields=["status", "reason", "closed_at"])
        journal.append(client_id=r.client_id, kind=Kind.MEASURE, actor=user, obj=r,
                       summary=f"Tiltak: henvisning til «{off.title}» avslått: {r.reason}")
        if was_accepted:
            _free_place(off)
            _promote_next(user, off, r.closed_at)
        a["obj"] = r
    r.offering, r.position = off, reads.waiting_position(r)  # the API shows both without further reads
    return r


# --- the counsellor's choice from the matching list -------------------------------------------------------

def choose_offering(*, user, client: Client | int, offering: MeasureOffering | int, reason: str = "", allow_waiting_list: bool = True,
                    cache: matching.MatchCache | None = None) -> MatchChoice:
    """Refer the client to an offering chosen from the fit-ranked list and record the choice: its
    fit rank, the list as shown, and (required when it is not the best fit) the reason."""
    client, offering = _client(client), _offering(offering)
    with audited_write(user, client.pk, "tiltak: valg fra matching") as a:
        access.require_nav(user, client, what="tiltak: valg fra matching")
        client = Client.objects.select_related("office").get(pk=client.pk)
        cache = cache or matching.MatchCache()
        idx = cache.county(client.office.county_id)
        profile = reads.client_profile(client)
        fit_rank, fit_score, order, sc = matching.fit_rank_of(idx, profile, offering.pk)
        if fit_rank is None:
            off = MeasureOffering.objects.select_related("measure_type").get(pk=offering.pk)
            elig = eligibility.check(eligibility.client_facts(client), eligibility.offering_facts(off))
            why = " ".join(elig.reasons) or gettext("Tilbudet er ikke i brukerens fylke.")
            raise InvalidInput(gettext("Brukeren kan ikke henvises til dette tilbudet: %(reasons)s") % {"reasons": why},
                               errors={"offering": why})
        reason = (reason or "").strip()
        if fit_rank > 1 and not reason:
            raise InvalidInput(
                gettext("Tilbudet er nr. %(rank)s etter treff. Skriv kort hvorfor du velger det framfor de som passer bedre.") % {"rank": fit_rank},
                field="reason",
            )
        referral = refer(user=user, client=client, offering=offering, allow_waiting_list=allow_waiting_list)
        shown_rows = list(order[:25])
        best = int(idx.ids[order[0]])
        shown = [{"offering_id": int(idx.ids[i]), "rank": r, "score": round(float(sc.score[i]), 4)}
                 for r, i in enumerate(shown_rows, start=1)]
        if fit_rank > len(shown):
            shown.append({"offering_id": offering.pk, "rank": fit_rank, "score": round(fit_score, 4)})
        fill = reads.expected_fill_by_type(client.office_id, clock.today().year)
        choice = MatchChoice.objects.create(
            client=client, offering_id=offering.pk, referral=referral, chosen_by=user, chosen_at=clock.now(),
            fit_rank=fit_rank, fit_score=round(fit_score, 4), best_offering_id=best, best_score=round(float(sc.score[order[0]]), 4),
            shown=shown, reason=reason[:1000],
            office_expected_fill=bool(fill.get(referral.offering.measure_type_id, {}).get("expects_fill")),
        )
        a["obj"] = choice
    return choice


# --- outcomes -------------------------------------------------------------------------------------------

def record_outcome(*, user, referral: Referral | int, months: int, status: str) -> Outcome:
    """The client's status 3 or 6 months after ended participation (a correction replaces it)."""
    referral = _referral(referral)
    with audited_write(user, referral.client_id, "tiltak: resultat etter tiltak") as a:
        access.require_nav(user, referral.client, what="tiltak: resultat etter tiltak")
        errors = {}
        if months not in Outcome.MONTHS:
            errors["months"] = gettext("Oppgi 3 eller 6 måneder.")
        if status not in Outcome.Status.values:
            errors["status"] = gettext("Velg arbeid, utdanning, nytt tiltak, ytelse eller ukjent.")
        if errors:
            raise InvalidInput(gettext("Resultatet kan ikke lagres."), errors=errors)
        if referral.ended_on is None:
            raise InvalidInput(gettext("Deltakelsen er ikke avsluttet ennå."), field="referral")
        due = add_months(referral.ended_on, months)
        if clock.today() < due:
            raise InvalidInput(gettext("Status etter %(months)s måneder kan registreres fra %(date)s.") % {"months": months, "date": _d(due)}, field="months")
        outcome, _ = Outcome.objects.update_or_create(
            referral=referral, months=months, defaults={"status": status, "recorded_at": clock.now(), "recorded_by": user}
        )
        journal.append(client_id=referral.client_id, kind=Kind.MEASURE, actor=user, obj=outcome, visible_to_client=False,
                       summary=f"Tiltak: status {months} måneder etter «{referral.offering.title}»: {outcome.get_status_display()}")
        a["obj"] = outcome
    return outcome


