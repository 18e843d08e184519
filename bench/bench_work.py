"""Work with employers and job specialists at national scale (~550 job specialists, 200,000
employers): a job specialist's caseload page p95 ≤ 50 ms; the method supervisor's page for a
team of 10 ≤ 150 ms; the employer search by name or organisation number p95 ≤ 50 ms. Pages are
timed through Django's test client (middleware, selector, audit and template included)."""

import random
import time

from bench.common import peak_rss_mib, seed_national, setup_django, timings


def run(args) -> dict:
    seeded = seed_national(args.db)  # PostgreSQL name from --pg-db (bench/common.py)
    setup_django(seeded["url"])
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from skreddersy.core.models import StaffMember
    from skreddersy.work import selectors
    from skreddersy.work.models import Employer

    setup_test_environment()
    rng = random.Random(11)
    n = 20 if args.quick else 100
    specialists = list(StaffMember.objects.filter(roles__role="job_specialist").annotate(n=Count("ips_caseload")).filter(n__gt=0)
                       .select_related("user"))
    sample = rng.sample(specialists, min(n, len(specialists)))
    web = Client()
    caseload, caseload_q, sizes = [], [], []
    for s in sample[:5]:  # warm-up
        web.force_login(s.user)
        web.get("/arbeid/jobbspesialist/")
    for s in sample:
        web.force_login(s.user)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = web.get("/arbeid/jobbspesialist/")
            caseload.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
        caseload_q.append(len(ctx.captured_queries))
        sizes.append(s.n)

    # the supervisor of the office with the largest team
    office = (StaffMember.objects.filter(roles__role="job_specialist").values("memberships__office_id")
              .annotate(n=Count("id")).order_by("-n").first())
    sup = StaffMember.objects.filter(roles__role="method_supervisor", memberships__office_id=office["memberships__office_id"]).select_related("user").first()
    web.force_login(sup.user)
    url = f"/arbeid/metodeveileder/?kontor={office['memberships__office_id']}"
    web.get(url)
    supervisor, sup_q = [], []
    for _ in range(10 if args.quick else 40):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = web.get(url)
            supervisor.append(time.perf_counter() - t0)
        assert r.status_code == 200
        sup_q.append(len(ctx.captured_queries))

    # employer search: name starts (2-5 letters of real names) and organisation numbers (full or first digits)
    names = list(Employer.objects.order_by("?").values_list("name", "orgnr")[:400])
    queries = []
    for name, number in names:
        k = rng.random()
        queries.append(name[: rng.randint(2, 5)] if k < 0.5 else (number if k < 0.75 else number[: rng.randint(3, 6)]))
    searcher = sup.user
    for q in queries[:20]:
        selectors.search_employers(user=searcher, q=q)
    search = []
    hits = 0
    for q in queries[: 100 if args.quick else 400]:
        t0 = time.perf_counter()
        rows = selectors.search_employers(user=searcher, q=q)
        search.append(time.perf_counter() - t0)
        hits += bool(rows)
    return {
        "scale": "national",
        "employers": Employer.objects.count(),
        "job_specialists": len(specialists),
        "caseload_page": timings(caseload) | {"queries_max": max(caseload_q), "queries_min": min(caseload_q),
                                             "candidates_min": min(sizes), "candidates_max": max(sizes), "target_p95_ms": 50},
        "supervisor_page": timings(supervisor) | {"team_size": office["n"], "queries": max(sup_q), "target_ms": 150},
        "employer_search": timings(search) | {"queries": len(search), "with_hits": hits, "target_p95_ms": 50},
        "peak_rss_mib": peak_rss_mib(),
    }
