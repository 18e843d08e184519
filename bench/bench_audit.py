"""The audit trail at scale (issue 12): "who has seen client X, when and why" for a client seen
10,000 times (p95 <= 50 ms), and the cost of one audit insert at 0 and at N existing rows.

The trail is built in its own database: ``--rows`` entries (default 20,000,000; ``--quick``
2,000,000) over the last 24 months from 1,000 staff users, as the product writes them: 70 % one-client
entries (a person page, a write) and 30 % page views holding 50 client ids, over 200,000 clients.
Two clients are seen 10,000 times each: ``spread`` over the 24 months (a client followed for two
years) and ``burst`` within the last month (the worst case for a month-partitioned table).

Measured: ``audit.entries_about(client, limit=50)`` (the first page of the answer, newest first),
the page at offset 500, and a client seen never; then ``audit.record`` and ``audit.record_reads``
(50 ids) per insert on the empty table and on the full one, with the WAL bytes per insert on
PostgreSQL (``pg_current_wal_lsn``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time

from bench.common import db_url, drop_database, ensure_database, manage, setup_django, timings

SEEN = 10_000
CLIENTS = 200_000
SPREAD, BURST, NEVER = 200_001, 200_002, 200_003


def _wal_bytes(samples: int) -> dict | None:
    """WAL written by one audit insert on PostgreSQL, for this statement alone (EXPLAIN's WAL
    counters: other sessions' WAL does not count), median over ``samples``; None on SQLite."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return None
    from skreddersy.core import clock
    from skreddersy.core.models import User

    rng = random.Random(9)
    actor = User.objects.order_by("id").values_list("id", flat=True).first()
    out = {}
    for name, one in (("record_one_client", True), ("record_reads_50", False)):
        got = []
        for _ in range(samples):
            client = rng.randrange(1, CLIENTS) if one else None
            ids = None if one else sorted(rng.sample(range(1, CLIENTS), 50))
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "EXPLAIN (ANALYZE, WAL, FORMAT JSON) INSERT INTO core_auditentry"
                    " (at, actor_id, client_id, client_ids, action, what, why, object_type, object_id)"
                    " VALUES (%s, %s, %s, %s, 'read', 'Personside', '', '', NULL)",
                    [clock.now(), actor, client, ids],
                )
                plan = cur.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
            got.append(int(plan[0]["Plan"].get("WAL Bytes", 0)))
        out[name] = sorted(got)[len(got) // 2]
    return out


def _insert_cost(samples: int) -> dict:
    """Per-insert time of ``record`` and ``record_reads`` (50 ids), each in its own transaction as a
    request writes it, and the WAL bytes per insert on PostgreSQL."""
    from django.db import transaction

    from skreddersy.core import audit
    from skreddersy.core.models import User

    users = list(User.objects.order_by("id")[:50])
    rng = random.Random(5)
    one, many = [], []
    for i in range(samples):
        user = users[i % len(users)]
        t0 = time.perf_counter()
        with transaction.atomic():
            audit.record(user, rng.randrange(1, CLIENTS), audit.READ, "Personside")
        one.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with transaction.atomic():
            audit.record_reads(user, rng.sample(range(1, CLIENTS), 50), "Oversikt")
        many.append(time.perf_counter() - t0)
    out = {"record_one_client": timings(one), "record_reads_50": timings(many)}
    wal = _wal_bytes(min(samples, 100))
    if wal is not None:
        out["wal_bytes_median"] = wal
    return out


def _kind(g: int, every: int) -> tuple[int, bool]:
    """Row ``g`` of the fill: (0 background / 1 the spread client / 2 the burst client, one-client?).
    The two clients' entries are interleaved with the rest, as in life, half of them list entries."""
    if g % every in (0, 1):
        return (1 if g % every == 0 else 2), (g // every) % 2 == 0
    return 0, g % 10 < 7


def _fill(rows: int, now: dt.datetime) -> float:
    """``rows`` background entries including the two clients' 10,000 each; returns seconds."""
    from django.db import connection

    from skreddersy.core import auditstore

    t0 = time.perf_counter()
    start = now - dt.timedelta(days=730)
    every = max(4, rows // SEEN)
    lo, hi = _user_range()
    if connection.vendor == "postgresql":
        m = auditstore.month_start(start)
        while m <= auditstore.month_start(now):
            auditstore.ensure_partition(m)
            m = auditstore.add_months(m, 1)
        with connection.cursor() as cur:
            # a bulk load: the secondary indexes are dropped and made again after (as a restore would)
            cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
                        " WHERE indrelid = 'core_auditentry'::regclass AND NOT indisprimary")
            indexes = cur.fetchall()
            for name, _definition in indexes:
                cur.execute(f"DROP INDEX {name}")
            step = 1_000_000
            for first in range(0, rows, step):
                n = min(step, rows - first)
                # t: 0 background, 1 the spread client, 2 the burst client; one: a one-client entry (as _kind)
                cur.execute(
                    "INSERT INTO core_auditentry (at, actor_id, client_id, client_ids, action, what, why, object_type, object_id)"
                    " SELECT CASE WHEN t = 2 THEN %(now)s::timestamptz - random() * interval '28 days'"
                    "             ELSE %(start)s::timestamptz + random() * interval '730 days' END,"
                    "  %(lo)s + floor(random() * (%(hi)s - %(lo)s))::int,"
                    "  CASE WHEN one THEN CASE t WHEN 0 THEN 1 + floor(random() * %(clients)s)::bigint"
                    "                            WHEN 1 THEN %(spread)s ELSE %(burst)s END END,"
                    "  CASE WHEN NOT one THEN ARRAY(SELECT 1 + floor(random() * %(clients)s)::bigint"
                    "                               FROM generate_series(1, CASE WHEN t = 0 THEN 50 ELSE 49 END) WHERE g > 0)"
                    "                         || CASE t WHEN 0 THEN ARRAY[]::bigint[] WHEN 1 THEN ARRAY[%(spread)s::bigint]"
                    "                                   ELSE ARRAY[%(burst)s::bigint] END END,"
                    "  'read', CASE WHEN one THEN 'Personside' ELSE 'Oversikt' END, '', '', NULL"
                    " FROM (SELECT g, CASE WHEN g %% %(every)s = 0 THEN 1 WHEN g %% %(every)s = 1 THEN 2 ELSE 0 END AS t,"
                    "              CASE WHEN g %% %(every)s IN (0, 1) THEN (g / %(every)s) %% 2 = 0 ELSE g %% 10 < 7 END AS one"
                    "       FROM generate_series(%(first)s, %(last)s) g) s",
                    {"now": now, "start": start, "lo": lo, "hi": hi, "clients": CLIENTS, "spread": SPREAD,
                     "burst": BURST, "every": every, "first": first, "last": first + n - 1},
                )
            for _name, definition in indexes:
                cur.execute(definition.replace(" ON ONLY ", " ON "))  # the partitions get theirs too
            cur.execute("VACUUM ANALYZE core_auditentry")  # as autovacuum leaves a table that has been written to
    else:
        import sqlite3  # the SQLite trail is written through its trigger (core_auditclient), as the product does

        from django.conf import settings

        rng = random.Random(3)
        con = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        insert = ("INSERT INTO core_auditentry (at, actor_id, client_id, client_ids, action, what, why, object_type, object_id)"
                  " VALUES (?, ?, ?, ?, 'read', ?, '', '', NULL)")
        batch = []
        for g in range(rows):
            t, one = _kind(g, every)
            days = 28 if t == 2 else 730
            at = (now - dt.timedelta(seconds=rng.random() * days * 86400)).isoformat(sep=" ")
            target = {1: SPREAD, 2: BURST}.get(t)
            if one:
                batch.append((at, rng.randrange(lo, hi), target or rng.randrange(1, CLIENTS), None, "Personside"))
            else:
                ids = rng.sample(range(1, CLIENTS), 50 if target is None else 49) + ([target] if target else [])
                batch.append((at, rng.randrange(lo, hi), None, json.dumps(sorted(ids)), "Oversikt"))
            if len(batch) == 50_000:
                con.executemany(insert, batch)
                con.commit()
                batch = []
        con.executemany(insert, batch)
        con.commit()
        con.execute("ANALYZE")
        con.close()
    return time.perf_counter() - t0


def _user_range() -> tuple[int, int]:
    from skreddersy.core.models import User

    ids = list(User.objects.order_by("id").values_list("id", flat=True))
    return ids[0], ids[-1] + 1


def _make_users(n: int) -> None:
    from skreddersy.core.models import User

    User.objects.bulk_create([User(username=f"bench{i:04d}", password="!") for i in range(n)])


def _lookups(samples: int) -> dict:
    from skreddersy.core import audit

    out = {}
    for name, client, offset in (("spread_first_page", SPREAD, 0), ("burst_first_page", BURST, 0),
                                 ("spread_offset_500", SPREAD, 500), ("never_seen", NEVER, 0)):
        got, times = 0, []
        for _ in range(samples):
            t0 = time.perf_counter()
            got = len(audit.entries_about(client, limit=50, offset=offset))
            times.append(time.perf_counter() - t0)
        out[name] = timings(times) | {"rows": got}
    return out


def run(args) -> dict:
    default = 20_000_000 if args.db == "postgresql" else 2_000_000  # SQLite: its side table holds 50 rows per list entry
    rows = int(os.environ.get("SKREDDERSY_BENCH_AUDIT_ROWS", default // 10 if args.quick else default))
    url = db_url(args.db, "skr_bench_audit")
    drop_database(url)
    ensure_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    setup_django(url)
    from django.db import connection

    from skreddersy.core import clock

    _make_users(1000)
    empty = _insert_cost(100 if args.quick else 300)
    with connection.cursor() as cur:  # the fill starts from an empty trail (the bench database is its own)
        cur.execute("DELETE FROM core_auditentry")
    fill_s = _fill(rows, clock.now())
    from skreddersy.core.models import AuditEntry

    total = AuditEntry.objects.count()
    lookups = _lookups(30 if args.quick else 100)
    full = _insert_cost(100 if args.quick else 300)
    return {
        "rows": total, "fill_seconds": round(fill_s, 1),
        "who_has_seen": lookups, "target_p95_ms": 50,
        "insert_at_0_rows": empty, f"insert_at_{total}_rows": full,
    }
