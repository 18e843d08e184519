"""Workload at national scale (issue 14): the leader's workload page for an office of 5,000
clients and 60 counsellors ≤ 300 ms; estimating the weights from a year of recorded time for that
office ≤ 2 s and nationally ≤ 60 s with peak memory ≤ 1 GiB; the planner's suggestion for the
office ≤ 10 s.

Uses the national data set (bench/common.py; the lead's copy, see the helpers' brief), runs
``manage.py seed_workload`` on it once (minutes on the recorded contacts, counsellors' terms), and,
when no office is that large, gathers one: the largest office takes over clients (with their
counsellors) from the other offices of its county until it has 5,000 clients and 60 counsellors.
That changes this benchmark's own copy only."""

import json
import time

from bench.common import manage, peak_rss_mib, seed_national, setup_django, timings

TARGET_CLIENTS, TARGET_COUNSELLORS = 5000, 60


def _big_office():
    from django.db import transaction
    from django.db.models import Count

    from skreddersy.clients.models import Client
    from skreddersy.core.models import Office, OfficeMembership

    top = Client.objects.values("office_id").annotate(n=Count("id")).order_by("-n").first()
    office = Office.objects.get(pk=top["office_id"])
    if top["n"] >= TARGET_CLIENTS:
        return office
    with transaction.atomic():
        others = list(
            Office.objects.filter(county_id=office.county_id).exclude(pk=office.pk).values_list("pk", flat=True)
        )
        others += list(Office.objects.exclude(county_id=office.county_id).values_list("pk", flat=True))
        have = Client.objects.filter(office=office).count()
        counsellors = set(
            Client.objects.filter(office=office, counsellor__isnull=False).values_list("counsellor_id", flat=True)
        )
        for other in others:
            if have >= TARGET_CLIENTS:
                break
            by_c = {}
            for cid, sid in Client.objects.filter(office_id=other, counsellor__isnull=False).values_list(
                "pk", "counsellor_id"
            ):
                by_c.setdefault(sid, []).append(cid)
            for sid, cids in sorted(by_c.items()):
                if have >= TARGET_CLIENTS or len(counsellors) >= TARGET_COUNSELLORS:
                    break
                take = cids[: TARGET_CLIENTS - have]
                Client.objects.filter(pk__in=take).update(office=office)
                # moving a counsellor's clients moves their recorded time to the office too
                from skreddersy.timeuse.models import TimeEntry

                TimeEntry.objects.filter(client_id__in=take).update(office=office)
                OfficeMembership.objects.get_or_create(staff_id=sid, office=office)
                counsellors.add(sid)
                have += len(take)
    return office


def _national_estimate(url: str) -> dict:
    code = (
        "import json,resource,time;from skreddersy.workload.estimation import estimate_from_records;"
        "t=time.perf_counter();r=estimate_from_records(None);s=time.perf_counter()-t;"
        "print(json.dumps({'seconds':round(s,2),'n':r.n,'r2':round(r.r2,3),'r2_out_of_sample':r.r2_out_of_sample and round(r.r2_out_of_sample,3),"
        "'peak_rss_mib':round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)}))"
    )
    out = manage(url, "shell", "-c", code)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args) -> dict:
    seeded = seed_national(args.db)
    url = seeded["url"]
    manage(url, "migrate", "--noinput", "-v0")
    t0 = time.perf_counter()
    seeded_out = manage(url, "seed_workload").stdout.strip().splitlines()[-1:]
    seed_s = time.perf_counter() - t0
    setup_django(url)
    from django.db import connection
    from django.test import Client as Web
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from skreddersy.clients.models import Client
    from skreddersy.core.models import Role, StaffMember, StaffRole
    from skreddersy.timeuse.models import TimeEntry
    from skreddersy.workload import planner, selectors
    from skreddersy.workload.estimation import estimate_from_records

    setup_test_environment()
    office = _big_office()
    leader = (
        StaffMember.objects.filter(memberships__office=office, roles__role=Role.OFFICE_LEADER)
        .select_related("user")
        .first()
    )
    if leader is None:
        leader = StaffMember.objects.filter(memberships__office=office).select_related("user").first()
        StaffRole.objects.get_or_create(staff=leader, role=Role.OFFICE_LEADER)
    n_clients = Client.objects.filter(office=office).count()
    n_counsellors = (
        Client.objects.filter(office=office).exclude(counsellor=None).values("counsellor_id").distinct().count()
    )
    web = Web()
    web.force_login(leader.user)
    url_page = f"/arbeidsbelastning/kontor/{office.pk}/"
    for _ in range(3):
        assert web.get(url_page).status_code == 200
    page, queries = [], []
    for _ in range(10 if args.quick else 30):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            r = web.get(url_page)
            page.append(time.perf_counter() - t)
        assert r.status_code == 200
        queries.append(len(ctx.captured_queries))

    api, url_api = [], f"/api/v1/arbeidsbelastning/kontor/{office.pk}"
    if web.get(url_api).status_code == 200:  # the JSON API (absent before it existed)
        for _ in range(5 if args.quick else 15):
            t = time.perf_counter()
            assert web.get(url_api).status_code == 200
            api.append(time.perf_counter() - t)

    t = time.perf_counter()
    estimate_from_records(office.pk)  # the first run in a process also imports pandas and statsmodels
    est_cold = time.perf_counter() - t
    est = []
    for _ in range(3 if args.quick else 5):
        t = time.perf_counter()
        res = estimate_from_records(office.pk)
        est.append(time.perf_counter() - t)

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=leader.user_id)
    plan_t, plan = [], None
    for _ in range(2 if args.quick else 3):
        t = time.perf_counter()
        inp = selectors.planner_input(user=user, office_id=office.pk)
        plan = planner.suggest(inp.counsellors, inp.clients)
        plan_t.append(time.perf_counter() - t)
    loads = planner.loads(inp.counsellors, inp.clients)
    national = _national_estimate(url)
    return {
        "scale": "national",
        "seed_workload": {"seconds": round(seed_s, 1), "out": seeded_out},
        "time_entries": TimeEntry.objects.count(),
        "office": {"clients": n_clients, "counsellors_with_clients": n_counsellors},
        "workload_page": timings(page) | {"queries": max(queries)},
        "workload_api": timings(api) if api else None,
        "estimate_office": timings(est)
        | {
            "cold_first_run_ms": round(est_cold * 1000),
            "n": res.n,
            "r2": round(res.r2, 3),
            "r2_out_of_sample": res.r2_out_of_sample and round(res.r2_out_of_sample, 3),
        },
        "estimate_national": national,
        "planner": timings(plan_t)
        | {
            "over_ceiling_before": sum(1 for c in inp.counsellors if loads[c.id] > c.capacity),
            "feasible": plan.feasible,
            "optimal": plan.optimal,
            "moves": len(plan.moves),
            "message": plan.message[:160],
        },
        "peak_rss_mib": peak_rss_mib(),
    }
