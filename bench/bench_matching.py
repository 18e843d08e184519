"""Matching at scale: one client against every offering in a county (≥ 2,000 offerings), p95 ≤ 20 ms;
re-ranking a whole office of 5,000 clients ≤ 10 s with peak memory ≤ 1 GiB.

Data: the national bench database when it holds measures (a county with ≥ 2,000 offerings and an
office with clients); otherwise the bench builds its own database (``skr_bench_matching``): one
county with 2,100 offerings from the measures seeding, and one office of 5,000 clients with needs
mappings and preferences. The JSON says which (``data``).
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import sqlite3
import time

from bench.common import (
    db_url,
    drop_database,
    ensure_database,
    manage,
    marker_stem,
    peak_rss_mib,
    setup_django,
    timings,
)

OFFERINGS_MIN = 2000
OFFICE_CLIENTS = 5000


def _national_has_measures(vendor: str) -> str | None:
    url = db_url(vendor, "skr_bench_national")
    sql = ("SELECT county_id, COUNT(*) FROM measures_measureoffering GROUP BY county_id ORDER BY 2 DESC LIMIT 1")
    try:
        if vendor == "sqlite":
            path = url.removeprefix("sqlite:///")
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            row = con.execute(sql).fetchone()
            con.close()
        else:
            import psycopg

            with psycopg.connect(url, connect_timeout=3) as con:
                row = con.execute(sql).fetchone()
    except Exception:
        return None
    return url if row and row[1] >= OFFERINGS_MIN else None


def _build_own(vendor: str, fresh: bool) -> str:
    name = "skr_bench_matching"
    url = db_url(vendor, name)
    from bench.common import DATA

    marker = DATA / f"{marker_stem(vendor, name)}.{vendor}.built"
    if fresh or not marker.exists():
        drop_database(url)
        ensure_database(url)
        manage(url, "migrate", "--noinput", "-v0")
        code = "from bench.bench_matching import populate; populate()"
        manage(url, "shell", "-c", code)
        DATA.mkdir(parents=True, exist_ok=True)
        marker.write_text("ok")
    return url


def populate() -> None:
    """Runs inside ``manage.py shell`` on the bench's own database."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from skreddersy.clients.models import Client, NeedAssessment, NeedsMapping
    from skreddersy.core import fnr, reference
    from skreddersy.core.models import County, Office, OfficeMembership, StaffMember, StaffRole, User
    from skreddersy.core.seeding import SeedContext
    from skreddersy.measures import seeding

    rng = random.Random(11)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        county = County.objects.create(code="46", name="Vestland")
        offices = [Office.objects.create(number=f"{4600 + i}", name=f"Nav Bench {i}", municipality=f"Benchby {i}", county=county,
                                         size_band="large" if i == 0 else "medium") for i in range(12)]
        pw = make_password("bench-passord-123")
        staff_ids, staff_offices = [], {}
        for i in range(40):
            u = User.objects.create(username=f"bench{i}", password=pw, kind="staff")
            s = StaffMember.objects.create(user=u, nav_ident=f"B{i:06d}", display_name=f"Veileder {i}", employer="state")
            StaffRole.objects.create(staff=s, role="counsellor")
            office = offices[0] if i < 30 else offices[i % 12]
            OfficeMembership.objects.create(staff=s, office=office)
            staff_ids.append(s.pk)
            staff_offices[s.pk] = [office.pk]
        groups = list(reference.need_groups())
        domains = list(reference.needs_domains())
        langs = ["nb"] * 7 + ["ar", "so", "ti", "uk", "pl"]
        used = set()
        clients = []
        for i in range(OFFICE_CLIENTS + 600):
            office = offices[0] if i < OFFICE_CLIENTS else offices[1 + i % 11]
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 45))
            number = fnr.synthetic(birth, rng)
            while number in used:
                number = fnr.synthetic(birth, rng)
            used.add(number)
            lang = rng.choice(langs)
            clients.append(Client(fnr=number, first_name="Bench", last_name=f"Bruker{i}", birth_date=birth, municipality=office.municipality,
                                  office=office, counsellor_id=rng.choice(staff_ids[:30]) if office == offices[0] else None,
                                  immigrant_non_eea=lang != "nb", long_term_unemployed=rng.random() < 0.2,
                                  reduced_work_capacity=rng.random() < 0.3, language=lang, needs_interpreter=lang != "nb" and rng.random() < 0.4,
                                  need_group=rng.choice(groups + [""]) if rng.random() < 0.97 else ""))
        Client.objects.bulk_create(clients, batch_size=2000)
        ids = list(Client.objects.order_by("id").values_list("id", flat=True))
        user_id = StaffMember.objects.get(pk=staff_ids[0]).user_id
        maps = [NeedsMapping(client_id=cid, version=v, created_by_id=user_id, created_at=now) for cid in ids for v in (1, 2)]
        NeedsMapping.objects.bulk_create(maps, batch_size=5000)
        entries = []
        for mid in NeedsMapping.objects.filter(version=2).values_list("id", flat=True):
            for dom in rng.sample(domains, rng.randint(2, 6)):
                entries.append(NeedAssessment(mapping_id=mid, domain=dom, counsellor_severity=rng.randint(0, 3),
                                              client_severity=rng.choice([None, 0, 1, 2, 3])))
        NeedAssessment.objects.bulk_create(entries, batch_size=5000)
        by_office: dict[int, list[int]] = {}
        for cid, oid in Client.objects.values_list("id", "office_id"):
            by_office.setdefault(oid, []).append(cid)
        ctx = SeedContext(scale="national", rng=rng, now=now, batch=5000, progress=lambda label, total: (lambda n: None),
                          county_ids=[county.pk], office_ids=[o.pk for o in offices], staff_by_role={"counsellor": staff_ids},
                          staff_offices=staff_offices, clients_by_office=by_office)
        seeding.seed(ctx)
        # preferences for a third of the office (the national seed leaves them to the clients)
        from skreddersy.measures.models import ClientPreference, MeasureType

        codes = list(MeasureType.objects.values_list("code", flat=True))
        ClientPreference.objects.bulk_create([
            ClientPreference(client_id=cid, wanted_domains=rng.sample(domains, 2), preferred_types=rng.sample(codes, 1),
                             max_travel_km=rng.choice([None, 30, 60]), updated_by_id=user_id, updated_at=now)
            for cid in by_office[offices[0].pk][::3]
        ], batch_size=5000)


def run(args) -> dict:
    import os

    vendor = args.db
    load_at_start = os.getloadavg()
    url = _national_has_measures(vendor)
    data = "national bench database (skr_bench_national)"
    reused = True
    if url is None:
        from bench.common import DATA

        t0 = time.perf_counter()
        reused = (DATA / f"{marker_stem(vendor, 'skr_bench_matching')}.{vendor}.built").exists() and not getattr(args, "fresh", False)
        url = _build_own(vendor, getattr(args, "fresh", False))
        data = ("own data (skr_bench_matching): the national bench database has no measures yet, so the bench built one county "
                f"with the national seeding's {OFFERINGS_MIN}+ offerings and an office of {OFFICE_CLIENTS} clients with mappings")
        build_s = round(time.perf_counter() - t0, 1)
    else:
        build_s = 0.0
    setup_django(url)
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from skreddersy.clients.models import Client
    from skreddersy.measures import matching, selectors
    from skreddersy.measures.models import MeasureOffering

    county_id, n_off = (MeasureOffering.objects.values("county_id").annotate(n=Count("id")).order_by("-n")
                        .values_list("county_id", "n").first())
    office_id, n_clients = (Client.objects.filter(office__county_id=county_id).values("office_id").annotate(n=Count("id"))
                            .order_by("-n").values_list("office_id", "n").first())

    # 1. building a county's index (cold: 4 queries + arrays)
    builds = []
    for _ in range(2 if args.quick else 5):
        t0 = time.perf_counter()
        idx = matching.build_index(county_id)
        builds.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as q:
        matching.build_index(county_id)
    build_queries = len(q.captured_queries)

    # 2. one client against every offering in the county
    rng = random.Random(5)
    sample_ids = rng.sample(list(Client.objects.filter(office_id=office_id, counsellor__isnull=False, address_protection="",
                                                       skjermet=False).values_list("id", flat=True)), 60 if args.quick else 300)
    clients = {c.pk: c for c in Client.objects.filter(pk__in=sample_ids).select_related("office", "counsellor__user")}
    cache = matching.MatchCache(use_process_cache=False)
    cache.indexes[county_id] = idx
    rank_only, panel, panel_queries, rank_cpu, panel_cpu = [], [], [], [], []
    profiles = {cid: selectors.client_profile(c) for cid, c in clients.items()}
    for cid in sample_ids[:20]:  # warm-up
        matching.rank(idx, profiles[cid])
    for cid in sample_ids:
        t0, c0 = time.perf_counter(), time.process_time()
        matching.rank(idx, profiles[cid], limit=25)
        rank_only.append(time.perf_counter() - t0)
        rank_cpu.append(time.process_time() - c0)
    for cid in sample_ids:
        c = clients[cid]
        user = c.counsellor.user
        with CaptureQueriesContext(connection) as q:
            t0, c0 = time.perf_counter(), time.process_time()
            selectors.matching_panel(user=user, client_id=cid, cache=cache)
            panel.append(time.perf_counter() - t0)
            panel_cpu.append(time.process_time() - c0)
        panel_queries.append(len(q.captured_queries))
    eligible = [int(matching.score(idx, profiles[cid]).eligible.sum()) for cid in sample_ids[:50]]

    # 3. re-ranking a whole office (selectors.office_best_fits: index, profiles in bulk, matrix scoring, audit)
    from skreddersy.core.models import OfficeMembership, Role, StaffRole

    leader_staff = OfficeMembership.objects.filter(office_id=office_id).values_list("staff_id", flat=True).first()
    StaffRole.objects.get_or_create(staff_id=leader_staff, role=Role.OFFICE_LEADER)
    from skreddersy.core.models import StaffMember

    leader = StaffMember.objects.select_related("user").get(pk=leader_staff).user
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        best = selectors.office_best_fits(user=leader, office_id=office_id, k=10, cache=matching.MatchCache(use_process_cache=False))
        office_s = time.perf_counter() - t0
    office_queries = len(q.captured_queries)
    t0 = time.perf_counter()
    profs = selectors.office_profiles(office_id)
    t_profiles = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in profs[:500]:
        matching.rank(idx, p, limit=10)
    loop_per_client = (time.perf_counter() - t0) / 500

    return {
        "data": data,
        "data_build_seconds": build_s,
        "data_reused": reused,
        "load_average_at_start": [round(x, 1) for x in load_at_start],
        "scale": {"offerings_in_county": n_off, "office_clients": n_clients, "eligible_per_client_median": sorted(eligible)[len(eligible) // 2]},
        "targets": {"match_one_client_p95_ms": 20, "rerank_office_s": 10, "peak_rss_mib": 1024},
        "county_index_build": timings(builds) | {"queries": build_queries},
        "match_one_client_rank_only": timings(rank_only) | {"cpu": timings(rank_cpu)},
        "match_one_client_panel_selector": timings(panel) | {"cpu_in_this_process": timings(panel_cpu),"queries_max": max(panel_queries), "queries_min": min(panel_queries),
                                                             "note": "profile + rank + live availability/fill columns + referrals + audit; index cached per request"},
        "rerank_office": {"clients": len(best), "seconds": round(office_s, 2), "profile_load_seconds": round(t_profiles, 2),
                          "queries": office_queries, "per_client_ms": round(1000 * office_s / max(len(best), 1), 3),
                          "note": "selectors.office_best_fits: top 10 per client, matrix scoring in blocks of 512, reads audited",
                          "one_by_one_rank_ms_per_client": round(1000 * loop_per_client, 3)},
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_rerank_mib": round(rss_before),
    }
