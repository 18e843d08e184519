"""The person page (HTML) and the person card (JSON API) for a short and a long client history,
through the whole Django stack (middleware, session, access policy, audit insert, template).

Targets (issue 13): for a client with 5,000 journal entries, 1,000 messages and 300 activities,
the HTML page p95 ≤ 60 ms and the API p95 ≤ 30 ms, on both databases, with the same number of
queries as for a client with a short history (the page shows a first screen of each section and
loads the rest on demand). Also measured: the "show more" requests (journal page over HTMX and
the API's journal and dialogue pages) for the long histories.

Uses the lead's national data set (bench/common.seed_national, reused when seeded) and adds the
national seed's tail of long histories when the data set predates it
(``followup.seeding.seed_long_histories``, idempotent).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.common import peak_rss_mib, seed_national, setup_django, timings


def _measure(http, url: str, n: int, warm: int = 3, **headers) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        resp = http.get(url, headers=headers)
        assert resp.status_code == 200, (url, resp.status_code)
    with CaptureQueriesContext(connection) as ctx:
        resp = http.get(url, headers=headers)
    queries = len(ctx.captured_queries)  # now: the next request resets the connection's query log
    samples, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        resp = http.get(url, headers=headers)
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert resp.status_code == 200
    # CPU time of this process as well as wall time: on a shared, loaded machine the wall time
    # includes waiting for a core; the CPU time is the work the request itself did.
    cpu_t = timings(cpu)
    return timings(samples) | {
        "cpu_median_ms": cpu_t["median_ms"],
        "cpu_p95_ms": cpu_t["p95_ms"],
        "queries": queries,
        "bytes": len(resp.content),
    }


def run(args) -> dict:
    seeded = seed_national(args.db)
    setup_django(seeded["url"])
    from bench.bench_overview import _session_engine

    sessions = _session_engine()
    from django.db import transaction
    from django.test import Client as HttpClient
    from django.utils import timezone

    from skreddersy.clients.models import Client
    from skreddersy.followup.models import Activity, JournalEntry, Message
    from skreddersy.followup.seeding import long_history_candidates, seed_long_histories

    t0 = time.perf_counter()
    now = timezone.now().astimezone(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        tail_written = seed_long_histories(now=now)
    tail_seconds = round(time.perf_counter() - t0, 1)

    n = 20 if getattr(args, "quick", False) else 60
    rng = random.Random(13)
    long_ids = long_history_candidates()
    max_id = Client.objects.order_by("-id").values_list("id", flat=True).first()
    short_ids = set()
    while len(short_ids) < 8:
        short_ids.add(rng.randint(1, max_id))
    shorts = list(
        Client.objects.filter(
            pk__in=short_ids, counsellor__isnull=False, address_protection="", skjermet=False
        ).select_related("counsellor__user")[:5]
    )
    longs = list(Client.objects.filter(pk__in=long_ids).select_related("counsellor__user"))

    def history(c) -> dict:
        return {
            "journal": JournalEntry.objects.filter(client_id=c.pk).count(),
            "messages": Message.objects.filter(thread__client_id=c.pk).count(),
            "activities": Activity.objects.filter(client_id=c.pk).count(),
        }

    def measure(c, per: int) -> dict:
        http = HttpClient()
        http.force_login(c.counsellor.user)
        out = {
            "client_history": history(c),
            "html": _measure(http, f"/bruker/{c.pk}/", per),
            "api": _measure(http, f"/api/v1/clients/{c.pk}", per),
        }
        first = JournalEntry.objects.filter(client_id=c.pk).order_by("-at", "-id").values_list("pk", flat=True)[9:10]
        if first:
            out["journal_more_htmx"] = _measure(
                http, f"/bruker/{c.pk}/journal/?etter={first[0]}", per // 2, HX_Request="true"
            )
            out["api_journal_page"] = _measure(
                http, f"/api/v1/clients/{c.pk}/journal?before_id={first[0]}&limit=50", per // 2
            )
            out["api_threads_page"] = _measure(http, f"/api/v1/clients/{c.pk}/messages?limit=20&messages=3", per // 2)
        return out

    short_results = [measure(c, max(5, n // 4)) for c in shorts]
    long_results = [measure(c, n) for c in longs]
    longest = max(long_results, key=lambda r: r["client_history"]["journal"]) if long_results else None
    return {
        "scale": "national",
        "sessions": sessions,
        "clients_in_db": Client.objects.count(),
        "long_history_tail": {"clients_written_now": len(tail_written), "seconds": tail_seconds},
        "targets": {
            "html_p95_ms": 60,
            "api_p95_ms": 30,
            "for": "5,000 journal entries, 1,000 messages, 300 activities",
        },
        "longest": longest,
        "long_histories": long_results,
        "short_histories": short_results,
        "queries_same_short_and_long": {
            "html": sorted({r["html"]["queries"] for r in short_results + long_results}),
            "api": sorted({r["api"]["queries"] for r in short_results + long_results}),
        },
        "peak_rss_mib": peak_rss_mib(),
    }
