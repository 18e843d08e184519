"""The full JSON overview request against the raw SQL that reads the same rows (issue 12).

Target: the whole request for a 200-row page (middleware, session, access policy, audit entry,
serialisation) within 3x the time of the SQL that reads the same rows, measured in one run on the
same database (the issue measured 5.9x on SQLite and 4.0x on PostgreSQL before the audit redesign).

"The raw SQL" is taken from the request itself: the SELECT statements the request sent to read the
page's rows and counters (session, user and audit statements left out), run again through a bare
DB-API cursor with their parameters and fetched in full. The main row query alone (the statement
that returns the 200 rows) is quoted beside it. Uses the lead's national data set.
"""

from __future__ import annotations

import os
import re
import time

from bench.common import seed_national, setup_django, timings

# Statements that serve the request's plumbing, not the page's rows.
PLUMBING = re.compile(
    r"\b(django_session|auth_user|core_auditentry|core_audit|django_content_type|core_idempotency)", re.I
)


def run(args) -> dict:
    seeded = seed_national(args.db)
    setup_django(seeded["url"])
    from django.conf import settings
    from django.db import connection
    from django.db.backends.utils import CursorDebugWrapper
    from django.db.models import Count
    from django.test import Client as HttpClient

    from skreddersy.clients.models import Client
    from skreddersy.core.models import StaffMember

    if "django_session" not in connection.introspection.table_names():
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    n = 30 if getattr(args, "quick", False) else 200
    row = (
        Client.objects.filter(counsellor__isnull=False, address_protection="", skjermet=False)
        .values("counsellor_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    staff = StaffMember.objects.select_related("user").get(pk=row["counsellor_id"])
    http = HttpClient()
    http.force_login(staff.user)
    url = "/api/v1/overview?per_page=200"
    for _ in range(5):
        assert http.get(url).status_code == 200

    # The statements one request sends, with their parameters (the debug wrapper records both).
    sent: list[tuple[str, tuple]] = []
    original = CursorDebugWrapper.execute

    def recording(self, sql, params=None):
        sent.append((sql, tuple(params) if params is not None else None))
        return original(self, sql, params)

    CursorDebugWrapper.execute = recording
    force = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        resp = http.get(url)
    finally:
        CursorDebugWrapper.execute = original
        connection.force_debug_cursor = force
    assert resp.status_code == 200
    rows_shown = len(resp.json()["results"])
    page_sql = [(s, p) for s, p in sent if s.lstrip().upper().startswith(("SELECT", "WITH")) and not PLUMBING.search(s)]

    def run_raw(statements) -> int:
        fetched = 0
        with connection.cursor() as cur:
            for sql, params in statements:
                cur.execute(sql, params)
                fetched += len(cur.fetchall())
        return fetched

    # the main row query: the statement that returns the most rows
    sizes = []
    for st in page_sql:
        sizes.append(run_raw([st]))
    main = page_sql[max(range(len(page_sql)), key=lambda i: sizes[i])] if page_sql else None

    request_s, raw_s, main_s = [], [], []
    for _ in range(n):  # interleaved, so a load change hits all three alike
        t0 = time.perf_counter()
        assert http.get(url).status_code == 200
        request_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        run_raw(page_sql)
        raw_s.append(time.perf_counter() - t0)
        if main:
            t0 = time.perf_counter()
            run_raw([main])
            main_s.append(time.perf_counter() - t0)
    req, raw, mq = timings(request_s), timings(raw_s), timings(main_s) if main_s else None
    ratio = round(req["median_ms"] / raw["median_ms"], 2) if raw["median_ms"] else None
    return {
        "scale": "national",
        "url": url,
        "caseload": row["n"],
        "rows_shown": rows_shown,
        "samples": n,
        "target": {"request_over_raw_sql_max": 3.0},
        "request": req,
        "raw_sql_page_selects": raw | {"statements": len(page_sql), "all_statements_in_request": len(sent)},
        "raw_sql_main_row_query": mq,
        "ratio_request_over_raw_sql_median": ratio,
        "ratio_request_over_raw_sql_p95": round(req["p95_ms"] / raw["p95_ms"], 2) if raw["p95_ms"] else None,
        "ratio_request_over_main_query_median": round(req["median_ms"] / mq["median_ms"], 2)
        if mq and mq["median_ms"]
        else None,
        "meets_target": ratio is not None and ratio <= 3.0,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import json

    p = argparse.ArgumentParser()
    p.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    p.add_argument("--quick", action="store_true")
    print(json.dumps(run(p.parse_args()), ensure_ascii=False, indent=1, default=str))
