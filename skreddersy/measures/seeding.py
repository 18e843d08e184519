"""Demo and national data for measures: the type catalogue (from the shared reference), providers,
places for travel distances, offerings per county, place allocations for this year, referrals
that back every occupied place exactly, waiting lists, ended participations and their outcomes.

Demo: ~150 offerings per county. National: at least 2,000 offerings per county. Deterministic
from ``ctx.rng``; bulk inserts in batches of ``ctx.batch``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import Count

from skreddersy.clients.models import Client
from skreddersy.core.models import County, Office, StaffMember
from skreddersy.core.seeding import SeedContext
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, d, reset_sequences, ts
from skreddersy.measures import catalogue, matching
from skreddersy.measures.models import (
    ClientPreference,
    CountyAllocation,
    MeasureOffering,
    MeasureType,
    NationalTarget,
    OfficeAllocation,
    Outcome,
    Place,
    Provider,
    Referral,
)

DEMO_PER_COUNTY = 150
NATIONAL_PER_COUNTY = 2100

# Rough county centres (lat, lon) by county code, for synthetic travel distances.
CENTRES = {
    "03": (59.91, 10.75), "31": (59.28, 11.11), "32": (59.95, 11.05), "33": (60.10, 9.60), "34": (61.10, 10.47),
    "39": (59.27, 10.41), "40": (59.40, 8.60), "42": (58.40, 7.80), "11": (58.97, 5.73), "46": (60.39, 5.32),
    "15": (62.47, 6.95), "50": (63.43, 10.40), "18": (67.28, 14.40), "55": (69.65, 18.96), "56": (70.07, 24.00),
}
TYPE_WEIGHTS = {
    "JOBBKLUBB": 12, "DIGITALT_OPPFOLGINGSTILTAK": 5, "AVKLARING": 8, "OPPFOLGING": 14, "GRUPPE_ARBEIDSMARKEDSOPPLAERING": 10,
    "ENKELTPLASS_ARBEIDSMARKEDSOPPLAERING": 4, "GRUPPE_FAG_OG_YRKESOPPLAERING": 4, "HOYERE_UTDANNING": 1, "ARBEIDSTRENING": 12,
    "MIDLERTIDIG_LONNSTILSKUDD": 6, "VARIG_LONNSTILSKUDD": 2, "MENTOR": 4, "INKLUDERINGSTILSKUDD": 2, "ARBEIDSFORBEREDENDE_TRENING": 5,
    "ARBEIDSRETTET_REHABILITERING": 3, "INDIVIDUELL_JOBBSTOTTE": 3, "UTVIDET_OPPFOLGING": 2, "VARIG_TILRETTELAGT_ARBEID_SKJERMET": 1,
    "FUNKSJONSASSISTANSE": 1, "KVALIFISERINGSPROGRAMMET": 3, "INTRODUKSJONSPROGRAMMET": 3,
}
GROUP_KINDS = ("group", "course")
PROVIDER_STEMS = ["Arbeid og Inkludering", "Jobbvekst", "Mestringshuset", "Kompetansesenteret", "Veien Videre", "Fagskolen",
                  "Ressurssenteret", "Inkluderende Arbeidsliv", "Norskkurs", "Vekstbedriften", "Læringsverkstedet", "Karrieresenteret"]
SCHEDULES = ["Mandag-fredag 09-15", "Mandag, onsdag, torsdag 09-14", "Tirsdag og torsdag 10-14", "Fleksibelt etter avtale",
             "Mandag-torsdag 08.30-14.30", "Tre dager i uka, fullt digitalt"]
CONTENT = {
    "job_search": "CV, søknader og intervjutrening; kontakt med arbeidsgivere i regionen.",
    "language": "Norskopplæring knyttet til arbeidslivet, med språkpraksis.",
    "education": "Kurs som gir formell kompetanse eller fagbrev.",
    "work_experience": "Praksis på en arbeidsplass med veiledning.",
    "mental_health": "Samarbeid med helsetjenesten om mestring og arbeid.",
    "motivation": "Mestring, struktur i hverdagen og mål for arbeid.",
    "workplace_adaptation": "Tilrettelegging og oppfølging på arbeidsplassen.",
}
# followup's seeding writes measure activities with these titles (followup.seeding.ACTIVITY_TITLES["measure"])
SEEDED_MEASURE_TITLES = {
    "Arbeidstrening": "ARBEIDSTRENING",
    "Jobbklubb": "JOBBKLUBB",
    "Avklaring": "AVKLARING",
    "Oppfølging hos tiltaksarrangør": "OPPFOLGING",
    "Arbeidsmarkedsopplæring: truckførerkurs": "ENKELTPLASS_ARBEIDSMARKEDSOPPLAERING",
}
OTHER_LANGS = ["en", "ar", "so", "ti", "uk", "pl"]


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    today = ctx.now.date()
    catalogue.import_types(catalogue.reference_rows())
    # the measure activities followup's seed wrote name their type (its titles, by code)
    catalogue.link_measure_activities(titles=SEEDED_MEASURE_TITLES)
    types = list(MeasureType.objects.filter(active=True).order_by("id"))
    weights = [TYPE_WEIGHTS.get(t.code, 2) for t in types]
    counties = list(County.objects.filter(pk__in=ctx.county_ids).order_by("id"))
    offices_by_county: dict[int, list[Office]] = {}
    for o in Office.objects.filter(pk__in=ctx.office_ids).order_by("id"):
        offices_by_county.setdefault(o.county_id, []).append(o)

    # places: one per office municipality, near the county centre
    known = set(Place.objects.values_list("municipality", flat=True))
    places = []
    coords: dict[str, tuple[float, float]] = {}
    for m, la, lo in Place.objects.values_list("municipality", "latitude", "longitude"):
        coords[m] = (la, lo)
    for c in counties:
        clat, clon = CENTRES.get(c.code, (61.0, 9.0))
        for o in offices_by_county.get(c.pk, []):
            if o.municipality in known or o.municipality in coords:
                continue
            la, lo = clat + rng.uniform(-0.6, 0.6), clon + rng.uniform(-1.0, 1.0)
            coords[o.municipality] = (la, lo)
            places.append(Place(municipality=o.municipality, latitude=round(la, 4), longitude=round(lo, 4)))
    Place.objects.bulk_create(places, batch_size=ctx.batch)

    # providers
    prov_ids: dict[int, list[int]] = {}
    per_county = 24 if ctx.national else 8
    existing_org = set(Provider.objects.values_list("org_number", flat=True))
    provs = []
    for ci, c in enumerate(counties):
        for k in range(per_county):
            org = f"9{ci:03d}{k:05d}"[:9]
            if org in existing_org:
                continue
            muni = rng.choice(offices_by_county.get(c.pk) or [None])
            provs.append(Provider(name=f"{rng.choice(PROVIDER_STEMS)} {muni.municipality if muni else c.name}", org_number=org,
                                  municipality=muni.municipality if muni else ""))
    Provider.objects.bulk_create(provs, batch_size=ctx.batch)
    for pid, org in Provider.objects.values_list("id", "org_number"):
        if org.startswith("9"):
            ci = int(org[1:4])
            if ci < len(counties):
                prov_ids.setdefault(counties[ci].pk, []).append(pid)

    # offerings and the offices they serve
    n_per = NATIONAL_PER_COUNTY if ctx.national else DEMO_PER_COUNTY
    ids = IdRange(MeasureOffering)
    off_w = BulkWriter(MeasureOffering, ["id", "measure_type", "provider", "title", "county", "municipality", "address", "latitude",
                                         "longitude", "is_digital", "start_date", "end_date", "capacity", "occupied", "waiting_list_limit",
                                         "content", "language", "schedule", "contact_name", "contact_email", "contact_phone", "min_age",
                                         "max_age", "priority_groups", "status", "created_at"], ctx.batch)
    link_w = BulkWriter(MeasureOffering.offices.through, ["measureoffering", "office"], ctx.batch)
    advance = ctx.progress("tiltak", n_per * len(counties))
    plan: list[tuple] = []  # (offering id, county id, office ids, capacity, start, type, end, status)

    for c in counties:
        offices = offices_by_county.get(c.pk, [])
        if not offices:
            continue
        for k in range(n_per):
            t = rng.choices(types, weights)[0]
            oid = ids.take()
            home = rng.choice(offices)
            la, lo = coords.get(home.municipality, CENTRES.get(c.code, (61.0, 9.0)))
            la, lo = la + rng.uniform(-0.05, 0.05), lo + rng.uniform(-0.08, 0.08)
            digital = t.code == "DIGITALT_OPPFOLGINGSTILTAK" or rng.random() < 0.03
            groupish = any(g in (t.kind or "") for g in GROUP_KINDS)
            capacity = rng.randint(6, 24) if groupish else rng.randint(1, 4)
            start = today + dt.timedelta(days=rng.randint(-200, 150))
            weeks = t.typical_weeks or 52
            end = start + dt.timedelta(weeks=weeks) if rng.random() < 0.9 else None
            served = {home.pk} | {o.pk for o in rng.sample(offices, min(len(offices), rng.randint(0, 3)))}
            lang = "nb" if rng.random() < 0.88 else rng.choice(OTHER_LANGS)
            prio = []
            max_age = None
            r = rng.random()
            if r < 0.08:
                prio, max_age = ["youth"], 29
            elif r < 0.12:
                prio = ["immigrant_non_eea"]
            status = "open" if rng.random() < 0.93 else rng.choice(["planned", "closed", "cancelled"])
            topic = next((CONTENT[a] for a in t.addresses if a in CONTENT), "Individuell oppfølging mot arbeid.")
            title = f"{t.name.split(' (')[0]} – {home.municipality}" + (f" ({k % 7 + 1})" if k % 3 == 0 else "")
            off_w.add((oid, t.pk, rng.choice(prov_ids[c.pk]), title[:200], c.pk, home.municipality, f"{rng.choice(['Storgata', 'Fjordveien', 'Industriveien', 'Kirkegata'])} {rng.randint(1, 80)}",
                       None if digital else round(la, 5), None if digital else round(lo, 5), digital, d(start), d(end), capacity, 0,
                       rng.choice([0, 5, 10, 10, 20]), topic, lang, rng.choice(SCHEDULES), f"Kontakt {k % 50 + 1}",
                       f"kontakt{k % 50 + 1}@arrangor.example", "", None, max_age, json.dumps(prio),
                       status, ts(ctx.now)))
            for office_id in sorted(served):
                link_w.add((oid, office_id))
            plan.append((oid, c.pk, sorted(served), capacity, start, t, end, status))
            if k % 500 == 0:
                advance(min(500, n_per - k))
    off_w.flush()
    link_w.flush()
    reset_sequences(MeasureOffering)

    _seed_allocations(ctx, types, counties, offices_by_county)
    _seed_referrals(ctx, plan)
    if not ctx.national:
        _seed_preferences(ctx)
    matching.invalidate()


def _seed_allocations(ctx: SeedContext, types, counties, offices_by_county) -> None:
    rng = ctx.rng
    year = ctx.now.year
    n_offices = sum(len(v) for v in offices_by_county.values()) or 1
    for t in types:
        for pg in ("", "youth") if t.code in ("JOBBKLUBB", "ARBEIDSTRENING", "OPPFOLGING") else ("",):
            per_office = rng.randint(2, 12)
            places = per_office * n_offices + rng.randint(0, 50)
            target = NationalTarget.objects.create(year=year, measure_type=t, priority_group=pg, places=places, budget=places * 45_000)
            left = places
            for c in counties:
                offices = offices_by_county.get(c.pk, [])
                cp = min(left, per_office * len(offices) + rng.randint(0, 3))
                left -= cp
                ca = CountyAllocation.objects.create(target=target, county=c, places=cp, budget=cp * 45_000)
                cleft = cp
                oas = []
                for o in offices:
                    op = min(cleft, per_office)
                    cleft -= op
                    oas.append(OfficeAllocation(county_allocation=ca, office=o, places=op, budget=op * 45_000,
                                                expected_filled=min(op, round(op * rng.uniform(0.7, 1.0)))))
                OfficeAllocation.objects.bulk_create(oas, batch_size=ctx.batch)


def _seed_referrals(ctx: SeedContext, plan) -> None:
    """Accepted referrals back every occupied place; some offerings have a waiting list; older
    offerings have completed participations with outcomes 3 and 6 months after."""
    from skreddersy.measures.models import add_months

    rng = ctx.rng
    today = ctx.now.date()
    staff_user = dict(StaffMember.objects.values_list("id", "user_id"))
    counsellors_by_office: dict[int, list[int]] = {}
    for sid in ctx.staff_by_role.get("counsellor", []):
        for oid in ctx.staff_offices.get(sid, []):
            counsellors_by_office.setdefault(oid, []).append(staff_user[sid])
    fallback_user = next(iter(staff_user.values()), None)
    if fallback_user is None:
        return
    clients_by_office = ctx.clients_by_office or {}
    if not clients_by_office:
        for cid, oid in Client.objects.values_list("id", "office_id"):
            clients_by_office.setdefault(oid, []).append(cid)
    alloc_ids: dict[tuple[int, int], int] = {}
    alloc_left: dict[int, int] = {}
    for aid, oid, tid, pg, places in OfficeAllocation.objects.filter(county_allocation__target__year=ctx.now.year).values_list(
        "id", "office_id", "county_allocation__target__measure_type_id", "county_allocation__target__priority_group", "places"
    ):
        if not pg:
            alloc_ids[(oid, tid)] = aid
            alloc_left[aid] = places

    class _Allocs:
        """Counts each accepted place against the office's allocation while places are left."""

        def get(self, key):
            aid = alloc_ids.get(key)
            if aid is None or alloc_left[aid] <= 0:
                return None
            alloc_left[aid] -= 1
            return aid

    allocs = _Allocs()
    ids = IdRange(Referral)
    oids = IdRange(Outcome)
    ref_w = BulkWriter(Referral, ["id", "client", "offering", "office", "office_allocation", "status", "queued_at", "created_at",
                                  "created_by", "accepted_at", "ended_on", "closed_at", "reason"], ctx.batch)
    out_w = BulkWriter(Outcome, ["id", "referral", "months", "status", "recorded_at", "recorded_by"], ctx.batch)
    occupied: dict[int, int] = {}
    statuses = ["work", "work", "education", "new_measure", "benefit", "benefit", "unknown"]
    rate = 0.5 if ctx.national else 0.7
    for oid, _county, served, capacity, start, t, _end, status in plan:
        if status != "open" and status != "closed":
            continue
        offices_with_clients = [o for o in served if clients_by_office.get(o)]
        pool_size = sum(len(clients_by_office[o]) for o in offices_with_clients)
        if not pool_size:
            continue
        wanted = min(pool_size, int(capacity * rng.uniform(0.2, 1.0) * (1.0 if rng.random() < rate else 0.0)) + (capacity if rng.random() < 0.1 else 0))
        wanted = min(wanted, capacity)
        # draw distinct clients from the served offices without building the whole pool
        weights = [len(clients_by_office[o]) for o in offices_with_clients]
        picks, seen = [], set()
        for _ in range(min(pool_size, wanted + 8) * 3):
            if len(picks) >= min(pool_size, wanted + 8):
                break
            o = rng.choices(offices_with_clients, weights)[0]
            cid = rng.choice(clients_by_office[o])
            if cid not in seen:
                seen.add(cid)
                picks.append((cid, o))
        used = 0
        for i, (cid, office_id) in enumerate(picks):
            user_id = rng.choice(counsellors_by_office.get(office_id) or [fallback_user])
            created = ctx.now - dt.timedelta(days=rng.randint(5, 90))
            if i < wanted:
                used += 1
                ref_w.add((ids.take(), cid, oid, office_id, allocs.get((office_id, t.pk)), "accepted", ts(created), ts(created), user_id,
                           ts(created), None, None, ""))
            elif used >= capacity and i < wanted + 3:
                ref_w.add((ids.take(), cid, oid, office_id, None, "waiting", ts(created), ts(created), user_id, None, None, None, ""))
            elif start < today - dt.timedelta(days=60) and rng.random() < 0.8:
                # an earlier, completed participation (the place is free again)
                ended = start + dt.timedelta(days=rng.randint(10, 60))
                if ended > today - dt.timedelta(days=1):
                    continue
                rid = ids.take()
                ref_w.add((rid, cid, oid, office_id, allocs.get((office_id, t.pk)), "completed", ts(created - dt.timedelta(days=200)),
                           ts(created - dt.timedelta(days=200)), user_id, ts(created - dt.timedelta(days=200)), d(ended), ts(ctx.now), ""))
                for m in (3, 6):
                    if add_months(ended, m) <= today and rng.random() < 0.85:
                        out_w.add((oids.take(), rid, m, rng.choice(statuses), ts(ctx.now), user_id))
        occupied[oid] = used
    ref_w.flush()
    out_w.flush()
    reset_sequences(Referral, Outcome)
    # occupied counts follow the accepted referrals exactly
    for oid, n in (Referral.objects.filter(status="accepted").values("offering_id").annotate(n=Count("id"))
                   .values_list("offering_id", "n")):
        occupied[oid] = n
    by_count: dict[int, list[int]] = {}
    for oid, n in occupied.items():
        if n:
            by_count.setdefault(n, []).append(oid)
    for n, oids_ in by_count.items():
        for i in range(0, len(oids_), 5000):
            MeasureOffering.objects.filter(pk__in=oids_[i:i + 5000]).update(occupied=n)


def _seed_preferences(ctx: SeedContext) -> None:
    rng = ctx.rng
    from skreddersy.core import reference

    domains = list(reference.needs_domains())
    codes = list(MeasureType.objects.values_list("code", flat=True))
    staff_user = dict(StaffMember.objects.values_list("id", "user_id"))
    any_user = next(iter(staff_user.values()))
    prefs = []
    for _office_id, cids in sorted((ctx.clients_by_office or {}).items()):
        for cid in cids[: max(10, len(cids) // 3)]:
            prefs.append(ClientPreference(client_id=cid, wanted_domains=rng.sample(domains, rng.randint(1, 3)),
                                          preferred_types=rng.sample(codes, rng.randint(0, 2)),
                                          max_travel_km=rng.choice([None, 20, 40, 80]), updated_by_id=any_user, updated_at=ctx.now))
    ClientPreference.objects.bulk_create(prefs, batch_size=ctx.batch, ignore_conflicts=True)
