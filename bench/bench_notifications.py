"""Notifications (issue 17): one worker process delivers >= 500 notifications/s to a local SMS
gateway; a backlog of 100,000 drains with peak worker memory <= 300 MiB; writing a message with its
notification adds <= 2 ms p95 to the write.

The gateway is the tests' loopback server (tests/notifications/servers.py: honours the idempotency
key) in its own process; the worker is ``delivery.drain`` in its own process, so its peak RSS is
the worker's alone. The backlog is one pending notification for each of N clients (a mass message),
each with an SMS preference. ``--quick``: 10,000 instead of 100,000.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import urllib.request

from bench.common import ROOT, db_url, drop_database, ensure_database, manage, setup_django, timings

WORKER = """
import json, os, resource, time, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skreddersy.settings")
import django
django.setup()
from django.conf import settings
settings.SMS_GATEWAY_URL = {gateway!r}
from skreddersy.notifications import delivery
t0 = time.perf_counter()
counts = delivery.drain(batch_size=500)
seconds = time.perf_counter() - t0
print(json.dumps({{"counts": counts, "seconds": seconds,
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""


def _seed_backlog(n: int) -> None:
    import datetime as dt

    from skreddersy.clients.models import Client
    from skreddersy.core import clock
    from skreddersy.notifications.models import ContactPreference, Notification, new_idempotency_key
    from tests import factories as f

    office = f.office(f.county("11"), name="Nav Bench")
    now = clock.now() - dt.timedelta(minutes=1)
    batch = 5000
    first = (Client.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for start in range(0, n, batch):
        ids = range(first + start, first + min(n, start + batch))
        Client.objects.bulk_create([
            Client(id=i, fnr=f"{70000000000 + i}", first_name="B", last_name=f"E{i}", birth_date=dt.date(1980, 1, 1),
                   municipality="Bench", office=office) for i in ids])
        ContactPreference.objects.bulk_create([
            ContactPreference(client_id=i, channel="sms", phone=f"+479{i % 10_000_000:07d}") for i in ids])
        Notification.objects.bulk_create([
            Notification(client_id=i, kind="message", kinds="message", due_at=now, next_attempt_at=now,
                         idempotency_key=new_idempotency_key()) for i in ids])
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cur:  # the ids above were given: move PostgreSQL's sequence past them
        for sql in connection.ops.sequence_reset_sql(no_style(), [Client]):
            cur.execute(sql)


def _write_p95(samples: int) -> dict:
    """Time ``send_message`` (a counsellor's message: message, task close, journal, audit and the
    notification) with and without the outbox call, in random order on fresh clients; and the
    outbox call alone."""
    from django.db import transaction

    from skreddersy.followup import services
    from skreddersy.notifications.models import Notification
    from tests import factories as f

    office = f.office(f.county("12"), name="Nav Skriv")
    counsellor = f.staff("counsellor", offices=[office])
    threads = []
    for _ in range(2 * samples + 20):
        c = f.client(office, counsellor)
        threads.append(services.start_thread(user=counsellor.user, client=c, subject="Hei", body="Første melding"))
    Notification.objects.filter(client_id__in=[t.client_id for t in threads]).update(status="failed", attempts=1)
    real = services.notify
    rng = random.Random(17)
    with_n, without, collect, inside = [], [], [], []

    def timed(**kw):  # the outbox call as the request makes it: inside the message's transaction
        t0 = time.perf_counter()
        try:
            return real(**kw)
        finally:
            inside.append(time.perf_counter() - t0)

    # with and without the outbox call in random order (alternating let one follow the other's
    # cache and checkpoint effects); each on a client with no pending notification: the insert path
    for th in threads[20:]:
        on = rng.random() < 0.5
        services.notify = timed if on else (lambda **kw: None)
        t0 = time.perf_counter()
        services.send_message(user=counsellor.user, thread=th, body="Husk møtet i morgen.")
        (with_n if on else without).append(time.perf_counter() - t0)
        Notification.objects.filter(client_id=th.client_id).update(status="failed", attempts=1)
    services.notify = real
    for th in threads[20:20 + samples]:  # a message while one is pending: collected into it
        services.send_message(user=counsellor.user, thread=th, body="Første")
        t0 = time.perf_counter()
        services.send_message(user=counsellor.user, thread=th, body="Og ta med CV.")
        collect.append(time.perf_counter() - t0)
    # the outbox call alone, in its own transaction (a new notification each: the insert path)
    Notification.objects.filter(client_id__in=[t.client_id for t in threads]).update(status="failed", attempts=1)
    alone = []
    for th in threads[20:]:
        t0 = time.perf_counter()
        with transaction.atomic():
            real(client_id=th.client_id, kind="message")
        alone.append(time.perf_counter() - t0)
    a, b, i = timings(with_n), timings(without), timings(inside)
    # Two estimates of what the notification adds to a message write. ``added_in_request``: the
    # outbox call's own time, timed inside each write that made it (the write's transaction, the
    # commit that writes the message writes the notification too). ``added_*_ms`` (difference):
    # the p95 (median) of the writes with it less that of the writes without; two independent
    # samples of a 20 ms write, so on PostgreSQL its run-to-run noise is as large as the target.
    return {"with_notification": a, "without_notification": b, "collected_into_pending": timings(collect),
            "notify_alone": timings(alone), "added_in_request": i,
            "added_p95_ms": round(a["p95_ms"] - b["p95_ms"], 2), "added_median_ms": round(a["median_ms"] - b["median_ms"], 2)}


def run(args) -> dict:
    n = 10_000 if args.quick else 100_000
    url = db_url(args.db, "skr_bench_notifications")
    drop_database(url)
    ensure_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    setup_django(url)
    t0 = time.perf_counter()
    _seed_backlog(n)
    seed_s = time.perf_counter() - t0

    gw = subprocess.Popen([sys.executable, "-m", "tests.notifications.servers"], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
    try:
        gateway = gw.stdout.readline().strip()
        env = dict(os.environ, DATABASE_URL=url)
        out = subprocess.run([sys.executable, "-c", WORKER.format(root=str(ROOT), gateway=gateway)], env=env, cwd=ROOT,
                             check=True, capture_output=True, text=True)
        worker = json.loads(out.stdout.strip().splitlines()[-1])
        with urllib.request.urlopen(gateway) as resp:
            seen = json.loads(resp.read())
    finally:
        gw.stdin.close()
        gw.wait(timeout=30)

    from django.db.models import Count

    from skreddersy.notifications.models import Notification

    statuses = dict(Notification.objects.values_list("status").annotate(Count("id")))
    write = _write_p95(100 if args.quick else 300)
    return {
        "backlog": n,
        "seed_seconds": round(seed_s, 1),
        "drain_seconds": round(worker["seconds"], 1),
        "deliveries_per_second": round(worker["counts"]["sent"] / worker["seconds"]),
        "target_per_second": 500,
        "worker_peak_rss_mib": worker["peak_rss_mib"],
        "target_peak_rss_mib": 300,
        "worker_counts": worker["counts"],
        "gateway": seen,
        "statuses_after": statuses,
        "write_message": write,
        "target_added_p95_ms": 2,
    }
